//! The JSON-RPC 2.0 message shapes.

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::{ErrorObject, RequestId};

/// One JSON-RPC message: a request, a notification or a response.
///
/// Params and results stay raw ([`RawValue`]) until the method is known: the envelope is
/// decoded first, then the params straight into the method's own type (see
/// [`decode_params`](super::decode_params)). Nothing is dispatched with untagged serde
/// unions.
#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::exhaustive_enums,
    reason = "JSON-RPC 2.0 has exactly these three message kinds"
)]
pub enum Message {
    /// A request: it has an id and expects a response.
    Request(Request),
    /// A notification: no id, no response.
    Notification(Notification),
    /// A response to a request.
    Response(Response),
}

/// A JSON-RPC request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Request {
    /// The id the response must echo.
    pub id: RequestId,
    /// The method name.
    pub method: String,
    /// The params, undecoded; `None` when the member was absent.
    pub params: Option<Box<RawValue>>,
}

impl Request {
    /// A request for `method` with raw `params`.
    pub fn new(
        id: impl Into<RequestId>,
        method: impl Into<String>,
        params: Option<Box<RawValue>>,
    ) -> Self {
        Self {
            id: id.into(),
            method: method.into(),
            params,
        }
    }
}

impl PartialEq for Request {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.method == other.method
            && raw_eq(self.params.as_deref(), other.params.as_deref())
    }
}

/// A JSON-RPC notification.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Notification {
    /// The method name.
    pub method: String,
    /// The params, undecoded; `None` when the member was absent.
    pub params: Option<Box<RawValue>>,
}

impl Notification {
    /// A notification for `method` with raw `params`.
    pub fn new(method: impl Into<String>, params: Option<Box<RawValue>>) -> Self {
        Self {
            method: method.into(),
            params,
        }
    }
}

impl PartialEq for Notification {
    fn eq(&self, other: &Self) -> bool {
        self.method == other.method && raw_eq(self.params.as_deref(), other.params.as_deref())
    }
}

/// A JSON-RPC response: a result or an error for the request with `id`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response {
    /// The id of the request answered. `None` only for an error about a message whose id could
    /// not be read (sent as `"id": null`).
    pub id: Option<RequestId>,
    /// The result (raw) or the error.
    pub outcome: Result<Box<RawValue>, ErrorObject>,
}

impl Response {
    /// A result response.
    pub fn result(id: RequestId, result: Box<RawValue>) -> Self {
        Self {
            id: Some(id),
            outcome: Ok(result),
        }
    }

    /// An error response. `id` is `None` when the request's id could not be read.
    pub fn error(id: Option<RequestId>, error: ErrorObject) -> Self {
        Self {
            id,
            outcome: Err(error),
        }
    }
}

impl PartialEq for Response {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && match (&self.outcome, &other.outcome) {
                (Ok(a), Ok(b)) => a.get() == b.get(),
                (Err(a), Err(b)) => a == b,
                _ => false,
            }
    }
}

fn raw_eq(a: Option<&RawValue>, b: Option<&RawValue>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.get() == b.get(),
        (None, None) => true,
        _ => false,
    }
}

const VERSION: &str = "2.0";

impl Serialize for Message {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Request(r) => r.serialize(serializer),
            Self::Notification(n) => n.serialize(serializer),
            Self::Response(r) => r.serialize(serializer),
        }
    }
}

impl Serialize for Request {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3 + usize::from(self.params.is_some())))?;
        map.serialize_entry("jsonrpc", VERSION)?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("method", &self.method)?;
        if let Some(params) = &self.params {
            map.serialize_entry("params", params)?;
        }
        map.end()
    }
}

impl Serialize for Notification {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2 + usize::from(self.params.is_some())))?;
        map.serialize_entry("jsonrpc", VERSION)?;
        map.serialize_entry("method", &self.method)?;
        if let Some(params) = &self.params {
            map.serialize_entry("params", params)?;
        }
        map.end()
    }
}

impl Serialize for Response {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("jsonrpc", VERSION)?;
        map.serialize_entry("id", &self.id)?;
        match &self.outcome {
            Ok(result) => map.serialize_entry("result", result)?,
            Err(error) => map.serialize_entry("error", error)?,
        }
        map.end()
    }
}

/// The members of an envelope, borrowed and undecoded; unknown members are ignored.
///
/// Every member keeps its raw text even when it is `null` (plain `Option<&RawValue>` would
/// turn `"id": null` into "absent" and a null-id request into a notification).
#[derive(Deserialize)]
pub(crate) struct RawEnvelope<'a> {
    #[serde(borrow, default, deserialize_with = "present")]
    pub(crate) jsonrpc: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub(crate) id: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub(crate) method: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub(crate) params: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub(crate) result: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub(crate) error: Option<&'a RawValue>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}
