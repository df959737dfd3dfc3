//! Strict, classified decoding and compact encoding (documented on the parent module).

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::message::RawEnvelope;
use super::{DecodeError, ErrorObject, Message, Notification, Request, RequestId, Response};

/// The deepest nesting of arrays and objects a message may have. Deeper input is a -32700
/// parse error; no MCP message comes near it.
pub const MAX_DEPTH: usize = 64;

/// The result of decoding one JSON text: a single message or a batch.
///
/// Batches are a distinct value so that the server accepts them only where the protocol
/// revision allows them (2025-03-26). Each batch element decodes, or fails, on its own.
#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::exhaustive_enums,
    reason = "a JSON-RPC text is a single message or a batch; nothing else exists"
)]
pub enum Decoded {
    /// One message.
    Single(Message),
    /// A non-empty array of messages, each decoded independently.
    Batch(Vec<Result<Message, DecodeError>>),
}

/// Decodes one JSON-RPC text: a message or a batch.
///
/// # Errors
///
/// A [`DecodeError`] of category `Syntax` or `Envelope` (see the [module docs](crate::jsonrpc)). Failures
/// of individual batch elements are reported inside [`Decoded::Batch`].
///
/// ```
/// use mcp_core::jsonrpc::{decode, Category, Decoded, Message};
///
/// let d = decode(br#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#).unwrap();
/// assert!(matches!(d, Decoded::Single(Message::Request(_))));
///
/// let e = decode(br#"{"jsonrpc":"2.0","id":1,"id":2,"method":"x"}"#).unwrap_err();
/// assert_eq!(e.category(), Category::Syntax);
/// ```
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let text = check(bytes)?;
    if let Some(b'[') = first_byte(text) {
        let items: Vec<&RawValue> =
            serde_json::from_str(text).map_err(|e| DecodeError::syntax(e.to_string()))?;
        if items.is_empty() {
            return Err(DecodeError::envelope("empty batch", None));
        }
        Ok(Decoded::Batch(items.into_iter().map(envelope).collect()))
    } else {
        let raw: &RawValue =
            serde_json::from_str(text).map_err(|e| DecodeError::syntax(e.to_string()))?;
        envelope(raw).map(Decoded::Single)
    }
}

/// Decodes one JSON-RPC message, rejecting batches.
///
/// # Errors
///
/// As [`decode`]; a batch is an `Envelope` error ("batches are not supported").
pub fn decode_message(bytes: &[u8]) -> Result<Message, DecodeError> {
    match decode(bytes)? {
        Decoded::Single(m) => Ok(m),
        Decoded::Batch(_) => Err(DecodeError::envelope("batches are not supported", None)),
    }
}

/// Decodes the raw params of a message into a method's params type.
///
/// Absent params decode as `{}`, so a type whose fields are all optional accepts them.
///
/// # Errors
///
/// A [`DecodeError`] of category `Params` naming the path of the offending field.
///
/// ```
/// use mcp_core::jsonrpc::{decode_params, Category};
/// use serde_json::value::RawValue;
///
/// #[derive(Debug, serde::Deserialize)]
/// struct P { name: String }
///
/// let good = RawValue::from_string(r#"{"name":"x"}"#.to_owned()).unwrap();
/// assert_eq!(decode_params::<P>(Some(&good)).unwrap().name, "x");
///
/// let raw = RawValue::from_string(r#"{"name":7}"#.to_owned()).unwrap();
/// let e = decode_params::<P>(Some(&raw)).unwrap_err();
/// assert_eq!(e.category(), Category::Params);
/// assert_eq!(e.path(), Some("name"));
/// ```
pub fn decode_params<T: DeserializeOwned>(params: Option<&RawValue>) -> Result<T, DecodeError> {
    let text = params.map_or("{}", RawValue::get);
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let path = (path != ".").then_some(path);
        let inner = e.into_inner();
        let message = match &path {
            Some(p) => format!("invalid params at `{p}`: {}", strip_position(&inner)),
            None => format!("invalid params: {}", strip_position(&inner)),
        };
        DecodeError::params(message, path)
    })
}

/// `serde_json` appends " at line 1 column 17"; the path says more and is stable.
fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

/// Encodes a message as compact JSON: one line, no embedded newlines.
///
/// ```
/// use mcp_core::jsonrpc::{encode, ErrorObject, Message, Response, RequestId};
///
/// let m = Message::Response(Response::error(Some(RequestId::Number(1)), ErrorObject::internal("boom")));
/// assert_eq!(
///     encode(&m),
///     br#"{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"boom"}}"#
/// );
/// ```
pub fn encode(message: &Message) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    encode_into(message, &mut out);
    out
}

/// Appends the compact JSON of `message` to `out`.
///
/// # Panics
///
/// Never: every map key of a message is a string and raw values hold valid JSON by
/// construction, so serializing into memory cannot fail.
pub fn encode_into(message: &Message, out: &mut Vec<u8>) {
    // Serializing our own types into a Vec cannot fail: every map key is a string and
    // RawValue holds valid JSON by construction.
    serde_json::to_writer(out, message).expect("a Message always serializes");
}

fn first_byte(text: &str) -> Option<u8> {
    text.bytes().find(|b| !b.is_ascii_whitespace())
}

/// Pass one: UTF-8, JSON syntax, depth bound and duplicate keys, without building a tree.
fn check(bytes: &[u8]) -> Result<&str, DecodeError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| DecodeError::syntax(format!("invalid UTF-8: {e}")))?;
    let mut de = serde_json::Deserializer::from_str(text);
    Checker { depth: 0 }
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| DecodeError::syntax(format!("parse error: {}", strip_position(&e))))?;
    Ok(text)
}

/// Pass two: the envelope of one message.
fn envelope(raw: &RawValue) -> Result<Message, DecodeError> {
    if first_byte(raw.get()) != Some(b'{') {
        return Err(DecodeError::envelope(
            "a JSON-RPC message must be an object",
            None,
        ));
    }
    let env: RawEnvelope<'_> = serde_json::from_str(raw.get()).map_err(|e| {
        DecodeError::envelope(format!("invalid message: {}", strip_position(&e)), None)
    })?;

    // Read the id first so that later envelope errors can echo it.
    let id = match env.id {
        None => None,
        Some(raw_id) => match RequestId::deserialize(raw_id) {
            Ok(id) => Some(id),
            Err(_) if raw_id.get() == "null" && env.method.is_some() => {
                return Err(DecodeError::envelope("a request id must not be null", None));
            }
            Err(_) if raw_id.get() == "null" => None,
            Err(_) => {
                return Err(DecodeError::envelope(
                    "a request id must be a string or an integer",
                    None,
                ));
            }
        },
    };

    match env.jsonrpc {
        Some(v) if v.get() == "\"2.0\"" => {}
        Some(v) if <&str>::deserialize(v).ok() == Some("2.0") => {}
        _ => return Err(DecodeError::envelope(r#"jsonrpc must be "2.0""#, id)),
    }

    if let Some(method) = env.method {
        if env.result.is_some() || env.error.is_some() {
            return Err(DecodeError::envelope(
                "a message cannot have both a method and a result or error",
                id,
            ));
        }
        let method = String::deserialize(method)
            .map_err(|_| DecodeError::envelope("method must be a string", id.clone()))?;
        let params = match env.params {
            None => None,
            Some(p) if matches!(first_byte(p.get()), Some(b'{' | b'[')) => Some(p.to_owned()),
            Some(_) => {
                return Err(DecodeError::envelope(
                    "params must be an object or an array",
                    id,
                ));
            }
        };
        return Ok(match id {
            Some(id) => Message::Request(Request { id, method, params }),
            None => Message::Notification(Notification { method, params }),
        });
    }

    match (env.result, env.error) {
        (Some(_), Some(_)) => Err(DecodeError::envelope(
            "a response cannot have both a result and an error",
            id,
        )),
        (Some(result), None) => match id {
            Some(id) => Ok(Message::Response(Response::result(id, result.to_owned()))),
            None => Err(DecodeError::envelope("a result response needs an id", None)),
        },
        (None, Some(error)) => {
            if env.id.is_none() {
                return Err(DecodeError::envelope(
                    "an error response needs an id member",
                    None,
                ));
            }
            let error = ErrorObject::deserialize(error)
                .map_err(|_| DecodeError::envelope("invalid error object", id.clone()))?;
            Ok(Message::Response(Response::error(id, error)))
        }
        (None, None) => Err(DecodeError::envelope(
            "a message needs a method, a result or an error",
            id,
        )),
    }
}

/// A visitor that walks any JSON value, enforcing [`MAX_DEPTH`] and unique object keys.
struct Checker {
    depth: usize,
}

impl Checker {
    fn nested<E: de::Error>(&self) -> Result<Self, E> {
        if self.depth >= MAX_DEPTH {
            return Err(E::custom(format_args!("nesting deeper than {MAX_DEPTH}")));
        }
        Ok(Self {
            depth: self.depth + 1,
        })
    }
}

impl<'de> DeserializeSeed<'de> for Checker {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Checker {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        if v.is_finite() {
            Ok(())
        } else {
            Err(E::custom("number out of range"))
        }
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(self.nested()?)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // Small objects (nearly all of them) are checked with a linear scan; large ones with
        // a hash set.
        const LINEAR: usize = 16;
        let mut small: Vec<Cow<'de, str>> = Vec::new();
        let mut large: HashSet<Cow<'de, str>> = HashSet::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let duplicate = if large.is_empty() {
                if small.contains(&key) {
                    true
                } else if small.len() < LINEAR {
                    small.push(key);
                    false
                } else {
                    large.extend(small.drain(..));
                    !large.insert(key)
                }
            } else {
                !large.insert(key)
            };
            if duplicate {
                return Err(de::Error::custom("duplicate object key"));
            }
            map.next_value_seed(self.nested()?)?;
        }
        Ok(())
    }
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

#[cfg(test)]
#[path = "codec_tests.rs"]
mod tests;
