//! Errors: [`ToolError`] (what a tool returns), [`HandlerError`] (what prompt, resource and
//! completion handlers return) and [`Error`] (lifecycle failures of `serve`).
//!
//! The type decides the channel:
//!
//! | cause | becomes |
//! | --- | --- |
//! | [`ToolError::new`] | a tool result with `isError: true` and the message |
//! | `?` on any other error inside a tool | -32603 "internal error" with a correlation id; the cause is logged, never sent |
//! | [`InputRequired`](crate::InputRequired) (via `?`) | an input-required round trip (MRTR or legacy server-to-client requests) |
//! | [`HandlerError::not_found`] | resource not found: -32602 with `data.uri` (2026-07-28) or -32002 (legacy) |
//! | [`HandlerError::invalid_params`] | -32602 |

use std::fmt;

use mcp_core::jsonrpc::{ErrorCode, ErrorObject};
use serde_json::Value;

use crate::input::{InputError, InputRequired};

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The error a tool returns.
///
/// Build a model-facing failure with [`ToolError::new`]: it becomes a tool result with
/// `isError: true`, which the model reads and can act on. Any other error type converts
/// with `?` into an internal error: the client sees only "internal error" and a correlation
/// id, and the cause is logged with `tracing`, so no SQL, paths or stack traces reach a model.
///
/// `ToolError` deliberately does not implement [`std::error::Error`] (like `anyhow::Error`),
/// which is what lets every error type convert into it with `?`.
///
/// ```
/// use mcp_server::ToolError;
///
/// fn check(n: i64) -> Result<i64, ToolError> {
///     if n < 0 {
///         return Err(ToolError::new("n must not be negative"));
///     }
///     let parsed: i64 = "42".parse()?; // a foreign error: becomes -32603 if it fails
///     Ok(n + parsed)
/// }
/// assert!(check(-1).unwrap_err().is_tool_error());
/// ```
pub struct ToolError {
    pub(crate) kind: ToolErrorKind,
}

pub(crate) enum ToolErrorKind {
    /// Reported to the model as an `isError` result.
    Tool {
        message: String,
        structured: Option<Value>,
    },
    /// -32603 with a correlation id; the source is logged.
    Internal(BoxError),
    /// An input-required round trip.
    Input(InputRequired),
    /// A JSON-RPC error produced by the framework (invalid input responses, missing
    /// client capabilities).
    Protocol(ErrorObject),
}

impl ToolError {
    /// A failure the model should read: becomes `isError: true` with `message` as text.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            kind: ToolErrorKind::Tool {
                message: message.into(),
                structured: None,
            },
        }
    }

    /// Attaches structured data to a model-facing failure (sent as `structuredContent`
    /// where the protocol revision allows it).
    #[must_use]
    pub fn with_structured(mut self, data: Value) -> Self {
        if let ToolErrorKind::Tool { structured, .. } = &mut self.kind {
            *structured = Some(data);
        }
        self
    }

    /// An internal failure: the client sees -32603 and a correlation id, the cause is
    /// logged.
    pub fn internal(source: impl Into<BoxError>) -> Self {
        Self {
            kind: ToolErrorKind::Internal(source.into()),
        }
    }

    /// Whether this is a model-facing tool failure (`isError: true`).
    pub fn is_tool_error(&self) -> bool {
        matches!(self.kind, ToolErrorKind::Tool { .. })
    }

    /// Whether this is an internal failure (-32603).
    pub fn is_internal(&self) -> bool {
        matches!(self.kind, ToolErrorKind::Internal(_))
    }

    /// Whether this asks the client for input.
    pub fn is_input_required(&self) -> bool {
        matches!(self.kind, ToolErrorKind::Input(_))
    }

    /// The model-facing message, for tool failures.
    pub fn message(&self) -> Option<&str> {
        match &self.kind {
            ToolErrorKind::Tool { message, .. } => Some(message),
            _ => None,
        }
    }

    pub(crate) fn protocol(error: ErrorObject) -> Self {
        Self {
            kind: ToolErrorKind::Protocol(error),
        }
    }
}

impl fmt::Debug for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ToolErrorKind::Tool { message, .. } => {
                f.debug_tuple("ToolError::Tool").field(message).finish()
            }
            ToolErrorKind::Internal(e) => f.debug_tuple("ToolError::Internal").field(e).finish(),
            ToolErrorKind::Input(i) => f.debug_tuple("ToolError::InputRequired").field(i).finish(),
            ToolErrorKind::Protocol(e) => f.debug_tuple("ToolError::Protocol").field(e).finish(),
        }
    }
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ToolErrorKind::Tool { message, .. } => f.write_str(message),
            ToolErrorKind::Internal(e) => write!(f, "internal error: {e}"),
            ToolErrorKind::Input(_) => f.write_str("input required"),
            ToolErrorKind::Protocol(e) => write!(f, "{e}"),
        }
    }
}

impl<E> From<E> for ToolError
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn from(e: E) -> Self {
        Self::internal(e)
    }
}

impl From<InputRequired> for ToolError {
    fn from(i: InputRequired) -> Self {
        Self {
            kind: ToolErrorKind::Input(i),
        }
    }
}

impl From<InputError> for ToolError {
    fn from(e: InputError) -> Self {
        match e {
            InputError::Required(i) => i.into(),
            InputError::Client(e) => Self::new(format!(
                "the client could not complete the request: {}",
                e.message
            )),
            InputError::Invalid(e) => Self::protocol(e),
        }
    }
}

/// The error a prompt, resource or completion handler returns.
///
/// ```
/// use mcp_server::HandlerError;
///
/// let e = HandlerError::not_found("test://missing");
/// assert!(e.is_not_found());
/// ```
pub struct HandlerError {
    pub(crate) kind: HandlerErrorKind,
}

pub(crate) enum HandlerErrorKind {
    NotFound(String),
    InvalidParams(String),
    Internal(BoxError),
    Input(InputRequired),
    Protocol(ErrorObject),
}

impl HandlerError {
    /// The resource `uri` does not exist: -32602 with `data.uri` in 2026-07-28, -32002 in
    /// legacy sessions. Never an empty `contents` list.
    pub fn not_found(uri: impl Into<String>) -> Self {
        Self {
            kind: HandlerErrorKind::NotFound(uri.into()),
        }
    }

    /// The arguments do not fit: -32602 with `message`.
    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self {
            kind: HandlerErrorKind::InvalidParams(message.into()),
        }
    }

    /// An internal failure: -32603 with a correlation id; the cause is logged.
    pub fn internal(source: impl Into<BoxError>) -> Self {
        Self {
            kind: HandlerErrorKind::Internal(source.into()),
        }
    }

    /// Whether this is "not found".
    pub fn is_not_found(&self) -> bool {
        matches!(self.kind, HandlerErrorKind::NotFound(_))
    }

    /// Whether this asks the client for input.
    pub fn is_input_required(&self) -> bool {
        matches!(self.kind, HandlerErrorKind::Input(_))
    }
}

impl fmt::Debug for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            HandlerErrorKind::NotFound(u) => {
                f.debug_tuple("HandlerError::NotFound").field(u).finish()
            }
            HandlerErrorKind::InvalidParams(m) => f
                .debug_tuple("HandlerError::InvalidParams")
                .field(m)
                .finish(),
            HandlerErrorKind::Internal(e) => {
                f.debug_tuple("HandlerError::Internal").field(e).finish()
            }
            HandlerErrorKind::Input(i) => f
                .debug_tuple("HandlerError::InputRequired")
                .field(i)
                .finish(),
            HandlerErrorKind::Protocol(e) => {
                f.debug_tuple("HandlerError::Protocol").field(e).finish()
            }
        }
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            HandlerErrorKind::NotFound(u) => write!(f, "resource not found: {u}"),
            HandlerErrorKind::InvalidParams(m) => f.write_str(m),
            HandlerErrorKind::Internal(e) => write!(f, "internal error: {e}"),
            HandlerErrorKind::Input(_) => f.write_str("input required"),
            HandlerErrorKind::Protocol(e) => write!(f, "{e}"),
        }
    }
}

impl<E> From<E> for HandlerError
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn from(e: E) -> Self {
        Self::internal(e)
    }
}

impl From<InputRequired> for HandlerError {
    fn from(i: InputRequired) -> Self {
        Self {
            kind: HandlerErrorKind::Input(i),
        }
    }
}

impl From<InputError> for HandlerError {
    fn from(e: InputError) -> Self {
        match e {
            InputError::Required(i) => i.into(),
            InputError::Client(e) => Self {
                kind: HandlerErrorKind::Protocol(ErrorObject::new(
                    ErrorCode::INTERNAL_ERROR,
                    format!("the client could not complete the request: {}", e.message),
                )),
            },
            InputError::Invalid(e) => Self {
                kind: HandlerErrorKind::Protocol(e),
            },
        }
    }
}

/// A lifecycle failure of a transport's `serve` function: binding, I/O, a session store.
/// Never sent on the wire.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: Kind,
    source: Option<BoxError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Io,
    Config,
}

impl Error {
    pub(crate) fn io(e: std::io::Error) -> Self {
        Self {
            inner: Box::new(Inner {
                kind: Kind::Io,
                source: Some(Box::new(e)),
            }),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind: Kind::Config,
                source: Some(message.into().into()),
            }),
        }
    }

    /// Whether the failure is an I/O error of the transport.
    pub fn is_io(&self) -> bool {
        self.inner.kind == Kind::Io
    }

    /// Whether the failure is a configuration mistake detected at startup.
    pub fn is_config(&self) -> bool {
        self.inner.kind == Kind::Config
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .field("source", &self.inner.source)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inner.kind {
            Kind::Io => f.write_str("transport i/o failed"),
            Kind::Config => match &self.inner.source {
                Some(s) => write!(f, "invalid configuration: {s}"),
                None => f.write_str("invalid configuration"),
            },
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self.inner.kind {
            Kind::Io => self
                .inner
                .source
                .as_deref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            Kind::Config => None,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Self::io(e)
    }
}
