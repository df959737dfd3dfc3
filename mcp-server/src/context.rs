//! What a handler can know about its request: [`RequestContext`] and the extractors
//! ([`FromContext`]) that handler arguments marked `#[ctx]` are built with.
//!
//! | extractor | what it gives |
//! | --- | --- |
//! | [`Principal`] | the verified caller (anonymous on stdio) |
//! | [`Progress`] | progress notifications for this request (no-ops when the client sent no token) |
//! | [`Logger`] | log notifications for this request, filtered by the client's level |
//! | [`CancellationToken`] | fires when the client cancels the request |
//! | [`State<T>`] | application state registered with [`ServerBuilder::state`](crate::ServerBuilder::state) |
//! | [`Input`] | answers to input requests (elicitation, sampling, roots) |
//! | [`Notifier`] | publish list-changed and resource-updated notifications |
//! | [`RequestMeta`] | the request's `_meta` |
//! | [`ClientCapabilities`], [`ProtocolVersion`] | what the client declared and speaks |
//! | [`RequestContext`] | all of the above |

use std::sync::Arc;

use mcp_core::auth::Principal;
use mcp_core::jsonrpc::{Message, Notification, RequestId};
use mcp_core::protocol::{
    ClientCapabilities, LoggingLevel, LoggingMessageParams, NotificationParams, ProgressParams,
    ProgressToken, ProtocolVersion, RequestMeta,
};
use serde::Serialize;
use serde_json::Value;
pub use tokio_util::sync::CancellationToken;

use crate::input::Input;
use crate::notify::Notifier;
use crate::sink::Sink;

/// Everything the engine knows about one request, shared cheaply with its handler.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub(crate) id: RequestId,
    pub(crate) version: ProtocolVersion,
    pub(crate) principal: Arc<Principal>,
    pub(crate) meta: Arc<RequestMeta>,
    pub(crate) capabilities: Arc<ClientCapabilities>,
    pub(crate) cancel: CancellationToken,
    pub(crate) sink: Sink,
    pub(crate) log_level: LogLevelSource,
    pub(crate) input: Input,
    pub(crate) state: Arc<http::Extensions>,
    pub(crate) extensions: Arc<http::Extensions>,
    pub(crate) notifier: Notifier,
}

/// Where the minimum log level of a request comes from.
#[derive(Debug, Clone)]
pub(crate) enum LogLevelSource {
    /// No logging for this request (modern request without `logLevel`, or no capability).
    Off,
    /// A fixed level (modern `_meta` logLevel).
    Fixed(LoggingLevel),
    /// The legacy session's level, which `logging/setLevel` may change at any time.
    Session(Arc<crate::session::Session>),
}

impl RequestContext {
    /// The JSON-RPC id of the request.
    pub fn request_id(&self) -> &RequestId {
        &self.id
    }

    /// The protocol revision of this request (2026-07-28, or the legacy session's).
    pub fn protocol_version(&self) -> ProtocolVersion {
        self.version
    }

    /// The verified caller.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// The request's `_meta`.
    pub fn meta(&self) -> &RequestMeta {
        &self.meta
    }

    /// The client's capabilities (per request in 2026-07-28; from `initialize` in legacy
    /// sessions).
    pub fn client_capabilities(&self) -> &ClientCapabilities {
        &self.capabilities
    }

    /// Fires when the client cancels the request (or disconnects, on modern HTTP).
    pub fn cancellation(&self) -> &CancellationToken {
        &self.cancel
    }

    /// Request-scoped data the transport attached (for HTTP: the request's headers, peer
    /// address, TLS information).
    pub fn extensions(&self) -> &http::Extensions {
        &self.extensions
    }

    /// The answers to input requests and the state carried from the previous round.
    pub fn input(&self) -> &Input {
        &self.input
    }

    /// Application state of type `T`, if registered.
    pub fn state<T: Clone + Send + Sync + 'static>(&self) -> Option<T> {
        self.state.get::<T>().cloned()
    }

    /// A progress reporter for this request.
    pub fn progress(&self) -> Progress {
        Progress {
            token: self.meta.progress_token.clone(),
            sink: self.sink.clone(),
            last: Arc::new(std::sync::Mutex::new(None)),
        }
    }

    /// A logger sending `notifications/message` for this request.
    pub fn logger(&self) -> Logger {
        Logger {
            sink: self.sink.clone(),
            level: self.log_level.clone(),
            name: None,
        }
    }
}

/// A handler argument built from the request context (`#[ctx] arg: T`).
///
/// Implement it for your own types to extract them the same way (axum's extractor idea).
pub trait FromContext: Sized {
    /// Builds the value.
    ///
    /// # Errors
    ///
    /// A [`Rejection`] becomes an internal error (-32603) whose reason is logged.
    fn from_context(cx: &RequestContext) -> Result<Self, Rejection>;
}

/// Why an extractor could not build its value. Sent as -32603; the reason is logged only.
#[derive(Debug, Clone)]
pub struct Rejection(pub(crate) String);

impl Rejection {
    /// A rejection with a reason for the logs.
    pub fn new(reason: impl Into<String>) -> Self {
        Self(reason.into())
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Rejection {}

impl FromContext for RequestContext {
    fn from_context(cx: &RequestContext) -> Result<Self, Rejection> {
        Ok(cx.clone())
    }
}

impl FromContext for Principal {
    fn from_context(cx: &RequestContext) -> Result<Self, Rejection> {
        Ok((*cx.principal).clone())
    }
}

impl FromContext for Arc<Principal> {
    fn from_context(cx: &RequestContext) -> Result<Self, Rejection> {
        Ok(cx.principal.clone())
    }
}

impl FromContext for CancellationToken {
    fn from_context(cx: &RequestContext) -> Result<Self, Rejection> {
        Ok(cx.cancel.clone())
    }
}

impl FromContext for Progress {
    fn from_context(cx: &RequestContext) -> Result<Self, Rejection> {
        Ok(cx.progress())
    }
}

impl FromContext for Logger {
    fn from_context(cx: &RequestContext) -> Result<Self, Rejection> {
        Ok(cx.logger())
    }
}

impl FromContext for Input {
    fn from_context(cx: &RequestContext) -> Result<Self, Rejection> {
        Ok(cx.input.clone())
    }
}

impl FromContext for Notifier {
    fn from_context(cx: &RequestContext) -> Result<Self, Rejection> {
        Ok(cx.notifier.clone())
    }
}

impl FromContext for RequestMeta {
    fn from_context(cx: &RequestContext) -> Result<Self, Rejection> {
        Ok((*cx.meta).clone())
    }
}

impl FromContext for ClientCapabilities {
    fn from_context(cx: &RequestContext) -> Result<Self, Rejection> {
        Ok((*cx.capabilities).clone())
    }
}

impl FromContext for ProtocolVersion {
    fn from_context(cx: &RequestContext) -> Result<Self, Rejection> {
        Ok(cx.version)
    }
}

/// Application state registered with [`ServerBuilder::state`](crate::ServerBuilder::state),
/// extracted by type (`#[ctx] State(db): State<Db>`).
#[derive(Debug, Clone, Copy, Default)]
#[expect(
    clippy::exhaustive_structs,
    reason = "a transparent extractor wrapper, destructured in argument position"
)]
pub struct State<T>(pub T);

impl<T: Clone + Send + Sync + 'static> FromContext for State<T> {
    fn from_context(cx: &RequestContext) -> Result<Self, Rejection> {
        cx.state::<T>().map(State).ok_or_else(|| {
            Rejection::new(format!(
                "no state of type {} registered with ServerBuilder::state",
                std::any::type_name::<T>()
            ))
        })
    }
}

/// Sends `notifications/progress` for the current request.
///
/// A no-op when the client sent no `progressToken`. Values must increase: a report that
/// does not is dropped. Nothing is sent once the request has completed or was cancelled.
#[derive(Debug, Clone)]
pub struct Progress {
    token: Option<ProgressToken>,
    sink: Sink,
    last: Arc<std::sync::Mutex<Option<f64>>>,
}

impl Progress {
    /// Whether the client asked for progress.
    pub fn is_enabled(&self) -> bool {
        self.token.is_some()
    }

    /// Reports `progress` (of `total`, if known), with an optional message. Returns whether
    /// the notification was sent.
    pub fn report(&self, progress: f64, total: Option<f64>, message: Option<&str>) -> bool {
        let Some(token) = &self.token else {
            return false;
        };
        {
            let mut last = self
                .last
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if last.is_some_and(|l| progress <= l) || !progress.is_finite() {
                return false;
            }
            *last = Some(progress);
        }
        let mut params = ProgressParams::new(token.clone(), progress);
        params.total = total;
        params.message = message.map(str::to_owned);
        self.sink.send(notification(&params))
    }
}

/// Sends `notifications/message` log records for the current request.
///
/// Records below the client's level are dropped; in 2026-07-28 nothing is sent unless the
/// request carried `_meta["io.modelcontextprotocol/logLevel"]`. Never log secrets: records go
/// to the client.
#[derive(Debug, Clone)]
pub struct Logger {
    sink: Sink,
    level: LogLevelSource,
    name: Option<String>,
}

impl Logger {
    /// Names the logger (`logger` field).
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Whether a record at `level` would be sent.
    pub fn enabled(&self, level: LoggingLevel) -> bool {
        match &self.level {
            LogLevelSource::Off => false,
            LogLevelSource::Fixed(min) => level >= *min,
            LogLevelSource::Session(s) => s.log_level().is_none_or(|min| level >= min),
        }
    }

    /// Sends `data` at `level`. Returns whether it was sent.
    pub fn log(&self, level: LoggingLevel, data: impl Serialize) -> bool {
        if !self.enabled(level) {
            return false;
        }
        let Ok(data) = serde_json::to_value(data) else {
            return false;
        };
        let mut params = LoggingMessageParams::new(level, data);
        params.logger.clone_from(&self.name);
        self.sink.send(notification(&params))
    }

    /// `debug` record.
    pub fn debug(&self, data: impl Serialize) -> bool {
        self.log(LoggingLevel::Debug, data)
    }

    /// `info` record.
    pub fn info(&self, data: impl Serialize) -> bool {
        self.log(LoggingLevel::Info, data)
    }

    /// `warning` record.
    pub fn warning(&self, data: impl Serialize) -> bool {
        self.log(LoggingLevel::Warning, data)
    }

    /// `error` record.
    pub fn error(&self, data: impl Serialize) -> bool {
        self.log(LoggingLevel::Error, data)
    }
}

pub(crate) fn notification<P: NotificationParams>(params: &P) -> Message {
    let raw = serde_json::value::to_raw_value(params).expect("notification params serialize");
    Message::Notification(Notification::new(P::METHOD, Some(raw)))
}

pub(crate) fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("protocol types serialize")
}
