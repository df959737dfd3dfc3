//! Wire errors ([`ErrorObject`], [`ErrorCode`]) and codec failures ([`DecodeError`]).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::RequestId;

/// A JSON-RPC error code.
///
/// An open newtype: any `i32` is representable, and the codes the JSON-RPC and MCP
/// specifications define are associated constants.
///
/// ```
/// use mcp_core::jsonrpc::ErrorCode;
///
/// assert_eq!(ErrorCode::METHOD_NOT_FOUND.code(), -32601);
/// assert_eq!(ErrorCode::from(-32002), ErrorCode::RESOURCE_NOT_FOUND);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[expect(
    clippy::exhaustive_structs,
    reason = "a transparent newtype over the wire integer; it will never grow a field"
)]
pub struct ErrorCode(pub i32);

impl ErrorCode {
    /// -32700: the bytes are not valid JSON.
    pub const PARSE_ERROR: Self = Self(-32700);
    /// -32600: valid JSON, but not a valid JSON-RPC message.
    pub const INVALID_REQUEST: Self = Self(-32600);
    /// -32601: the method does not exist or is not available.
    pub const METHOD_NOT_FOUND: Self = Self(-32601);
    /// -32602: the method exists, but its params do not fit.
    pub const INVALID_PARAMS: Self = Self(-32602);
    /// -32603: an internal error of the server.
    pub const INTERNAL_ERROR: Self = Self(-32603);
    /// -32002: resource not found (legacy revisions only; 2026-07-28 uses -32602).
    pub const RESOURCE_NOT_FOUND: Self = Self(-32002);
    /// -32020: an HTTP header does not match the body (2026-07-28).
    pub const HEADER_MISMATCH: Self = Self(-32020);
    /// -32021: the request needs a client capability it did not declare (2026-07-28).
    pub const MISSING_REQUIRED_CLIENT_CAPABILITY: Self = Self(-32021);
    /// -32022: the requested protocol version is not supported (2026-07-28).
    pub const UNSUPPORTED_PROTOCOL_VERSION: Self = Self(-32022);
    /// -32042: URL elicitation required (2025-11-25 only).
    pub const URL_ELICITATION_REQUIRED: Self = Self(-32042);

    /// The integer on the wire.
    pub const fn code(self) -> i32 {
        self.0
    }

    /// Whether the code lies in the range JSON-RPC reserves for predefined errors
    /// (-32768..=-32000). Application errors should lie outside it.
    pub const fn is_reserved(self) -> bool {
        self.0 >= -32768 && self.0 <= -32000
    }
}

impl From<i32> for ErrorCode {
    fn from(code: i32) -> Self {
        Self(code)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The `error` member of a JSON-RPC error response.
///
/// ```
/// use mcp_core::jsonrpc::{ErrorCode, ErrorObject};
///
/// let e = ErrorObject::new(ErrorCode::INVALID_PARAMS, "unknown tool: x");
/// assert_eq!(
///     serde_json::to_string(&e).unwrap(),
///     r#"{"code":-32602,"message":"unknown tool: x"}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorObject {
    /// The error code.
    pub code: ErrorCode,
    /// A short, single-sentence description.
    pub message: String,
    /// Additional information about the error. A present `null` stays `Some(Value::Null)`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub data: Option<Value>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

impl ErrorObject {
    /// An error with a code and a message and no data.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// Attaches `data`.
    #[must_use]
    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// -32601 for `method`.
    pub fn method_not_found(method: &str) -> Self {
        Self::new(
            ErrorCode::METHOD_NOT_FOUND,
            format!("method not found: {method}"),
        )
    }

    /// -32602 with `message`.
    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::INVALID_PARAMS, message)
    }

    /// -32603 with `message`.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::INTERNAL_ERROR, message)
    }
}

impl fmt::Display for ErrorObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for ErrorObject {}

/// What kind of failure a [`DecodeError`] is; each maps to exactly one JSON-RPC code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[expect(
    clippy::exhaustive_enums,
    reason = "JSON-RPC defines exactly these three decode failures; callers match on them"
)]
pub enum Category {
    /// Not JSON: bad syntax, invalid UTF-8, too deep, a number out of range, a duplicate
    /// object key. Maps to -32700.
    Syntax,
    /// JSON, but not a JSON-RPC message. Maps to -32600.
    Envelope,
    /// A valid message whose params do not fit its method. Maps to -32602.
    Params,
}

impl Category {
    /// The JSON-RPC code this category maps to.
    pub const fn code(self) -> ErrorCode {
        match self {
            Self::Syntax => ErrorCode::PARSE_ERROR,
            Self::Envelope => ErrorCode::INVALID_REQUEST,
            Self::Params => ErrorCode::INVALID_PARAMS,
        }
    }
}

/// A failure to decode bytes into a JSON-RPC message or params into a method's type.
///
/// Opaque on purpose: ask it for its [`category`](Self::category), the JSON-RPC
/// [`code`](Self::code) and the request [`id`](Self::id) when one could be read, or turn it
/// into the [`ErrorObject`] to send.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeError {
    category: Category,
    message: String,
    id: Option<RequestId>,
    path: Option<String>,
}

impl DecodeError {
    pub(crate) fn syntax(message: impl Into<String>) -> Self {
        Self {
            category: Category::Syntax,
            message: message.into(),
            id: None,
            path: None,
        }
    }

    pub(crate) fn envelope(message: impl Into<String>, id: Option<RequestId>) -> Self {
        Self {
            category: Category::Envelope,
            message: message.into(),
            id,
            path: None,
        }
    }

    pub(crate) fn params(message: impl Into<String>, path: Option<String>) -> Self {
        Self {
            category: Category::Params,
            message: message.into(),
            id: None,
            path,
        }
    }

    /// The kind of failure.
    pub fn category(&self) -> Category {
        self.category
    }

    /// The JSON-RPC code to answer with.
    pub fn code(&self) -> ErrorCode {
        self.category.code()
    }

    /// The id of the offending request, when it could be read.
    pub fn id(&self) -> Option<&RequestId> {
        self.id.as_ref()
    }

    /// For [`Category::Params`], the path of the offending field (`arguments.values[3]`).
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// Attaches the id of the request whose params failed to decode.
    #[must_use]
    pub fn with_id(mut self, id: RequestId) -> Self {
        self.id = Some(id);
        self
    }

    /// The error object to send: the code of the category, this message, and for params
    /// errors `data.path`.
    pub fn to_error_object(&self) -> ErrorObject {
        let mut e = ErrorObject::new(self.code(), self.message.clone());
        if let Some(path) = &self.path {
            e.data = Some(serde_json::json!({ "path": path }));
        }
        e
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}
