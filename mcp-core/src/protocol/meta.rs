//! `_meta`: the open metadata object every params and result type may carry.
//!
//! On the wire `_meta` is a plain JSON object, so it is modelled as [`Meta`] (a JSON map) on
//! every type, which keeps unknown keys intact. [`RequestMeta`] is a typed view of the keys the
//! 2026-07-28 revision defines for requests; build one from a request's `_meta` with
//! [`RequestMeta::from_meta`] once, instead of looking keys up by hand.
//!
//! Key names follow a fixed syntax ([`validate_meta_key`]); prefixes whose second label is
//! `modelcontextprotocol` or `mcp` are reserved for the specification ([`is_reserved_key`]).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::capabilities::ClientCapabilities;
use super::lifecycle::Implementation;
use super::logging::LoggingLevel;
use super::progress::ProgressToken;
use super::tasks::RelatedTask;

/// The `_meta` object: any JSON object.
pub type Meta = Map<String, Value>;

/// A JSON object, as used for schemas, tool arguments and capability markers.
pub type JsonObject = Map<String, Value>;

/// Request `_meta` key of the protocol version (2026-07-28; required on every request).
pub const PROTOCOL_VERSION_KEY: &str = "io.modelcontextprotocol/protocolVersion";
/// Request `_meta` key of the client capabilities (2026-07-28; required on every request).
pub const CLIENT_CAPABILITIES_KEY: &str = "io.modelcontextprotocol/clientCapabilities";
/// Request `_meta` key of the self-reported client [`Implementation`] (2026-07-28; optional).
pub const CLIENT_INFO_KEY: &str = "io.modelcontextprotocol/clientInfo";
/// Request `_meta` key of the per-request log level (2026-07-28; deprecated with logging).
pub const LOG_LEVEL_KEY: &str = "io.modelcontextprotocol/logLevel";
/// Result `_meta` key of the server [`Implementation`] (2026-07-28).
pub const SERVER_INFO_KEY: &str = "io.modelcontextprotocol/serverInfo";
/// Notification and listen-result `_meta` key naming the `subscriptions/listen` request
/// (2026-07-28).
pub const SUBSCRIPTION_ID_KEY: &str = "io.modelcontextprotocol/subscriptionId";
/// `_meta` key associating a message with a task (2025-11-25 core tasks).
pub const RELATED_TASK_KEY: &str = "io.modelcontextprotocol/related-task";
/// Request `_meta` key of the progress token (every revision).
pub const PROGRESS_TOKEN_KEY: &str = "progressToken";
/// W3C Trace Context `traceparent` (un-prefixed reserved key).
pub const TRACEPARENT_KEY: &str = "traceparent";
/// W3C Trace Context `tracestate` (un-prefixed reserved key).
pub const TRACESTATE_KEY: &str = "tracestate";
/// W3C Baggage `baggage` (un-prefixed reserved key).
pub const BAGGAGE_KEY: &str = "baggage";

/// Why a `_meta` key does not follow the specification's syntax.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MetaKeyError {
    /// A label of the prefix is empty, does not start with a letter, does not end with a
    /// letter or digit, or has a character other than letters, digits and hyphens.
    #[error("invalid label `{0}` in the `_meta` key prefix")]
    InvalidLabel(String),
    /// The name does not begin and end with an alphanumeric character, or has a character
    /// other than alphanumerics, `-`, `_` and `.`.
    #[error("invalid `_meta` key name `{0}`")]
    InvalidName(String),
}

/// Checks a `_meta` key against the specification's syntax: an optional prefix (dot-separated
/// labels followed by `/`) and a name.
///
/// Each label starts with a letter, ends with a letter or digit and has only letters, digits
/// and hyphens in between. The name is empty, or begins and ends with an alphanumeric
/// character with alphanumerics, `-`, `_` and `.` in between.
///
/// ```
/// use mcp_core::protocol::meta::validate_meta_key;
///
/// assert!(validate_meta_key("io.modelcontextprotocol/protocolVersion").is_ok());
/// assert!(validate_meta_key("progressToken").is_ok());
/// assert!(validate_meta_key("1abc/x").is_err());
/// ```
///
/// # Errors
///
/// [`MetaKeyError`] naming the offending label or name.
pub fn validate_meta_key(key: &str) -> Result<(), MetaKeyError> {
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        for label in prefix.split('.') {
            if !valid_label(label) {
                return Err(MetaKeyError::InvalidLabel(label.to_owned()));
            }
        }
    }
    if valid_name(name) {
        Ok(())
    } else {
        Err(MetaKeyError::InvalidName(name.to_owned()))
    }
}

fn valid_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphabetic()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        }
        _ => false,
    }
}

fn valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    match (bytes.first(), bytes.last()) {
        (None, _) | (_, None) => true,
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        }
    }
}

/// Whether `key` has a prefix reserved for the specification: one whose **second** label is
/// `modelcontextprotocol` or `mcp` (`io.modelcontextprotocol/`, `dev.mcp/`, but not
/// `com.example.mcp/`).
///
/// ```
/// use mcp_core::protocol::meta::is_reserved_key;
///
/// assert!(is_reserved_key("io.modelcontextprotocol/logLevel"));
/// assert!(is_reserved_key("dev.mcp/x"));
/// assert!(!is_reserved_key("com.example.mcp/x"));
/// assert!(!is_reserved_key("progressToken"));
/// ```
pub fn is_reserved_key(key: &str) -> bool {
    key.split_once('/').is_some_and(|(prefix, _)| {
        prefix
            .split('.')
            .nth(1)
            .is_some_and(|label| label == "modelcontextprotocol" || label == "mcp")
    })
}

/// A typed view of a request's `_meta` (2026-07-28 keys), serializing with the exact wire
/// keys. Keys it does not know stay in [`other`](Self::other).
///
/// The 2026-07-28 schema requires `protocolVersion` and `clientCapabilities` on every
/// request; they are `Option` here so that a missing key can be reported with a -32602 error
/// by the caller, instead of failing deep inside decoding.
///
/// ```
/// use mcp_core::protocol::RequestMeta;
/// use serde_json::json;
///
/// let meta = json!({
///     "io.modelcontextprotocol/protocolVersion": "2026-07-28",
///     "io.modelcontextprotocol/clientCapabilities": {"sampling": {}},
///     "progressToken": 7,
///     "com.example/x": true
/// });
/// let m = RequestMeta::from_meta(meta.as_object().unwrap()).unwrap();
/// assert_eq!(m.protocol_version.as_deref(), Some("2026-07-28"));
/// assert!(m.client_capabilities.unwrap().supports_sampling());
/// assert!(m.other.contains_key("com.example/x"));
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RequestMeta {
    /// `io.modelcontextprotocol/protocolVersion`.
    #[serde(
        rename = "io.modelcontextprotocol/protocolVersion",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub protocol_version: Option<String>,
    /// `io.modelcontextprotocol/clientCapabilities`; `{}` means none.
    #[serde(
        rename = "io.modelcontextprotocol/clientCapabilities",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub client_capabilities: Option<ClientCapabilities>,
    /// `io.modelcontextprotocol/clientInfo`: self-reported, never a basis for security
    /// decisions.
    #[serde(
        rename = "io.modelcontextprotocol/clientInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub client_info: Option<Implementation>,
    /// `io.modelcontextprotocol/logLevel`: the lowest level to send on this request's stream.
    #[serde(
        rename = "io.modelcontextprotocol/logLevel",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub log_level: Option<LoggingLevel>,
    /// `progressToken`: the client opts in to progress notifications.
    #[serde(
        rename = "progressToken",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub progress_token: Option<ProgressToken>,
    /// `traceparent` (W3C Trace Context).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traceparent: Option<String>,
    /// `tracestate` (W3C Trace Context).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracestate: Option<String>,
    /// `baggage` (W3C Baggage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baggage: Option<String>,
    /// `io.modelcontextprotocol/related-task` (2025-11-25 core tasks).
    #[serde(
        rename = "io.modelcontextprotocol/related-task",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub related_task: Option<RelatedTask>,
    /// Every other key.
    #[serde(flatten)]
    pub other: Meta,
}

impl RequestMeta {
    /// Reads the typed view out of a `_meta` object.
    ///
    /// # Errors
    ///
    /// When a known key holds a value of the wrong shape (for example a `logLevel` that is
    /// not one of the eight levels).
    pub fn from_meta(meta: &Meta) -> Result<Self, serde_json::Error> {
        Self::deserialize(&Value::Object(meta.clone()))
    }

    /// Turns the view back into a `_meta` object.
    pub fn into_meta(self) -> Meta {
        match serde_json::to_value(self) {
            Ok(Value::Object(map)) => map,
            // A struct of strings, maps and enums always serializes to an object.
            _ => Meta::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_keys_from_the_spec() {
        for key in [
            "io.modelcontextprotocol/protocolVersion",
            "io.modelcontextprotocol/related-task",
            "dev.mcp/x",
            "com.example.mcp/x",
            "com.example/my-key_1.v2",
            "progressToken",
            "traceparent",
            "a",
            "io.modelcontextprotocol/",
            "x-y.a1/name",
            "",
        ] {
            assert_eq!(validate_meta_key(key), Ok(()), "{key}");
        }
    }

    #[test]
    fn invalid_keys() {
        for key in [
            "1io/x", "io-/x", "-io/x", "io..x/y", "/name", "io/_name", "io/name-", "io/na me",
            "io/a/b", "é/x", "io_x/y", ".x",
        ] {
            assert!(validate_meta_key(key).is_err(), "{key}");
        }
    }

    #[test]
    fn reserved_prefixes() {
        assert!(is_reserved_key("io.modelcontextprotocol/protocolVersion"));
        assert!(is_reserved_key("dev.mcp/anything"));
        assert!(is_reserved_key("org.mcp.tools/x"));
        assert!(!is_reserved_key("com.example.mcp/x"));
        assert!(!is_reserved_key("mcp/x"));
        assert!(!is_reserved_key("modelcontextprotocol.io/x"));
        assert!(!is_reserved_key("traceparent"));
    }

    #[test]
    fn request_meta_round_trips_with_wire_keys() {
        let json = serde_json::json!({
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {},
            "io.modelcontextprotocol/clientInfo": {"name": "c", "version": "1"},
            "io.modelcontextprotocol/logLevel": "warning",
            "io.modelcontextprotocol/related-task": {"taskId": "t"},
            "progressToken": "p",
            "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "com.example/other": [1, 2]
        });
        let meta = json.as_object().expect("object").clone();
        let typed = RequestMeta::from_meta(&meta).expect("decodes");
        assert_eq!(typed.log_level, Some(LoggingLevel::Warning));
        assert_eq!(typed.progress_token, Some(ProgressToken::from("p")));
        assert_eq!(
            typed.related_task.as_ref().map(|t| t.task_id.as_str()),
            Some("t")
        );
        assert_eq!(typed.into_meta(), meta);
    }
}
