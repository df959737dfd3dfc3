//! The tower service: routing, admission, and the two eras of Streamable HTTP.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use futures::FutureExt as _;
use futures::future::BoxFuture;
use http::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE, HeaderName};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, Uri};
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt as _;
use mcp_core::auth::Principal;
use mcp_core::jsonrpc::{
    Decoded, ErrorCode, ErrorObject, Message, Notification, Request as RpcRequest, RequestId,
    Response as RpcResponse, decode, encode,
};
use mcp_core::protocol::{ProtocolVersion, meta, methods};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::guard::{Accept, HostPolicy, accept, is_json};
use super::headers::check_mirrored_headers;
use super::legacy::Live;
use super::sse::{Source, SseBody};
use super::store::{
    DynEventStore, DynSessionStore, EventStore, MemoryEventStore, MemorySessionStore,
    SessionLimits, SessionStore,
};
use crate::dispatch::Incoming;
use crate::server::Server;
use crate::sink::Sink;

pub(crate) const MCP_PROTOCOL_VERSION: HeaderName = HeaderName::from_static("mcp-protocol-version");
pub(crate) const MCP_SESSION_ID: HeaderName = HeaderName::from_static("mcp-session-id");
pub(crate) const MCP_METHOD: HeaderName = HeaderName::from_static("mcp-method");
pub(crate) const MCP_NAME: HeaderName = HeaderName::from_static("mcp-name");
pub(crate) const LAST_EVENT_ID: HeaderName = HeaderName::from_static("last-event-id");
const X_ACCEL_BUFFERING: HeaderName = HeaderName::from_static("x-accel-buffering");

/// What handlers can know about the HTTP request behind an MCP request, from
/// [`RequestContext::extensions`](crate::RequestContext::extensions).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HttpRequestInfo {
    /// The HTTP method.
    pub method: Method,
    /// The request URI.
    pub uri: Uri,
    /// The request headers.
    pub headers: HeaderMap,
    /// The peer address, when served by [`serve`](super::serve).
    pub peer: Option<SocketAddr>,
}

/// The peer address, inserted into request extensions by [`serve`](super::serve) (for
/// trusted-proxy checks in an auth layer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PeerAddr(pub SocketAddr);

impl From<SocketAddr> for PeerAddr {
    /// For custom servers and tests that insert the peer address themselves.
    fn from(addr: SocketAddr) -> Self {
        Self(addr)
    }
}

/// Cancelled when [`serve`](super::serve) shuts down: long streams end gracefully.
#[derive(Debug, Clone)]
pub(crate) struct ShutdownSignal(pub(crate) CancellationToken);

/// The response body of [`HttpService`]: a complete body or an event stream.
#[derive(Debug)]
pub struct McpBody {
    kind: BodyKind,
}

#[derive(Debug)]
enum BodyKind {
    Full(Option<Bytes>),
    Sse(SseBody),
}

impl McpBody {
    fn full(bytes: impl Into<Bytes>) -> Self {
        Self {
            kind: BodyKind::Full(Some(bytes.into())),
        }
    }

    pub(crate) fn empty() -> Self {
        Self {
            kind: BodyKind::Full(None),
        }
    }

    fn sse(body: SseBody) -> Self {
        Self {
            kind: BodyKind::Sse(body),
        }
    }
}

impl Body for McpBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match &mut self.get_mut().kind {
            BodyKind::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            BodyKind::Sse(sse) => Pin::new(sse).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            BodyKind::Full(bytes) => bytes.is_none(),
            BodyKind::Sse(sse) => sse.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            BodyKind::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            BodyKind::Full(None) => SizeHint::with_exact(0),
            BodyKind::Sse(_) => SizeHint::default(),
        }
    }
}

/// Configures an [`HttpService`].
#[must_use]
pub struct HttpBuilder {
    server: Server,
    pub(crate) path: String,
    pub(crate) legacy_sse: Option<(String, String)>,
    hosts: HostPolicy,
    max_body: usize,
    limits: SessionLimits,
    pub(crate) stateless: bool,
    keep_alive: Duration,
    pub(crate) retry: Duration,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) sessions: Arc<dyn DynSessionStore>,
    pub(crate) events: Arc<dyn DynEventStore>,
    readiness: Option<Readiness>,
}

/// A readiness check of something the server depends on (see [`HttpBuilder::readiness`]).
type Readiness = Arc<dyn Fn() -> BoxFuture<'static, bool> + Send + Sync + 'static>;

impl std::fmt::Debug for HttpBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpBuilder")
            .field("path", &self.path)
            .field("legacy_sse", &self.legacy_sse)
            .field("hosts", &self.hosts)
            .field("max_body", &self.max_body)
            .field("stateless", &self.stateless)
            .finish_non_exhaustive()
    }
}

impl HttpBuilder {
    /// The MCP endpoint path (default `/mcp`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Serves the 2024-11-05 HTTP+SSE transport at `sse` (GET) and `messages` (POST)
    /// (default `/sse` and `/messages`).
    pub fn legacy_sse(mut self, sse: impl Into<String>, messages: impl Into<String>) -> Self {
        self.legacy_sse = Some((sse.into(), messages.into()));
        self
    }

    /// Switches the 2024-11-05 transport off.
    pub fn without_legacy_sse(mut self) -> Self {
        self.legacy_sse = None;
        self
    }

    /// The `Host` and `Origin` allow-lists (default: loopback names only).
    pub fn host_policy(mut self, hosts: HostPolicy) -> Self {
        self.hosts = hosts;
        self
    }

    /// The largest request body (default 4 MiB); larger ones get 413.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Session caps and idle expiry.
    pub fn session_limits(mut self, limits: SessionLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Serves legacy requests without sessions: GET and DELETE answer 405, no server-to-client
    /// requests (default off).
    pub fn stateless(mut self, stateless: bool) -> Self {
        self.stateless = stateless;
        self
    }

    /// The interval of SSE keep-alive comments (default 15 s).
    pub fn keep_alive(mut self, every: Duration) -> Self {
        self.keep_alive = every;
        self
    }

    /// The `retry:` advertised to 2025-11-25 sessions in priming events (default 3 s).
    pub fn retry(mut self, retry: Duration) -> Self {
        self.retry = retry;
        self
    }

    /// How long one request may run before it is cancelled and answered -32603 (default
    /// 5 minutes; `None` for no limit). `subscriptions/listen` streams are not limited.
    pub fn request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Where legacy session records live (default: [`MemorySessionStore`]).
    pub fn session_store<S: SessionStore>(mut self, store: S) -> Self {
        self.sessions = Arc::new(store);
        self
    }

    /// Where resumable SSE events live (default: [`MemoryEventStore`]).
    pub fn event_store<E: EventStore>(mut self, store: E) -> Self {
        self.events = Arc::new(store);
        self
    }

    /// Adds a readiness check to `GET /health/ready`: the endpoint answers 503 while `check`
    /// resolves to `false` (an upstream API or database the tools need is unreachable), so a
    /// load balancer stops routing to this replica. The session store's readiness and a
    /// draining shutdown are checked as well. `check` runs on every probe; cache inside it
    /// when it is expensive.
    ///
    /// ```
    /// use mcp_server::{Server, http::HttpService};
    ///
    /// let service = HttpService::builder(Server::builder("s", "1").build())
    ///     .readiness(|| async { true /* e.g. a pooled `SELECT 1` */ })
    ///     .build();
    /// # let _ = service;
    /// ```
    pub fn readiness<F, Fut>(mut self, check: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        self.readiness = Some(Arc::new(move || Box::pin(check())));
        self
    }

    /// Builds the service.
    pub fn build(self) -> HttpService {
        HttpService {
            inner: Arc::new(Inner {
                server: self.server,
                path: self.path,
                legacy_sse: self.legacy_sse,
                hosts: self.hosts,
                max_body: self.max_body,
                limits: self.limits,
                stateless: self.stateless,
                keep_alive: self.keep_alive,
                retry: self.retry,
                request_timeout: self.request_timeout,
                sessions: self.sessions,
                events: self.events,
                readiness: self.readiness,
                live: Mutex::new(HashMap::new()),
                sse_conns: Mutex::new(HashMap::new()),
            }),
        }
    }
}

/// The MCP endpoint as a `tower::Service<http::Request<B>>`: Streamable HTTP (both eras),
/// the 2024-11-05 transport, and `/health/live` and `/health/ready`. Cheap to clone.
#[derive(Clone)]
pub struct HttpService {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for HttpService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpService")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    pub(crate) server: Server,
    pub(crate) path: String,
    pub(crate) legacy_sse: Option<(String, String)>,
    pub(crate) hosts: HostPolicy,
    pub(crate) max_body: usize,
    pub(crate) limits: SessionLimits,
    pub(crate) stateless: bool,
    pub(crate) keep_alive: Duration,
    pub(crate) retry: Duration,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) sessions: Arc<dyn DynSessionStore>,
    pub(crate) events: Arc<dyn DynEventStore>,
    readiness: Option<Readiness>,
    pub(crate) live: Mutex<HashMap<String, Arc<Live>>>,
    pub(crate) sse_conns: Mutex<HashMap<String, Arc<super::legacy_sse::SseConn>>>,
}

impl Server {
    /// This server as a Streamable HTTP service with default settings (endpoint `/mcp`,
    /// 2024-11-05 transport at `/sse` and `/messages`, loopback hosts only).
    #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
    pub fn into_http(self) -> HttpService {
        HttpService::builder(self).build()
    }
}

impl HttpService {
    /// Configures the service for `server`.
    pub fn builder(server: Server) -> HttpBuilder {
        HttpBuilder {
            server,
            path: "/mcp".to_owned(),
            legacy_sse: Some(("/sse".to_owned(), "/messages".to_owned())),
            hosts: HostPolicy::default(),
            max_body: 4 * 1024 * 1024,
            limits: SessionLimits::default(),
            stateless: false,
            keep_alive: Duration::from_secs(15),
            retry: Duration::from_secs(3),
            request_timeout: Some(Duration::from_mins(5)),
            sessions: Arc::new(MemorySessionStore::new()),
            events: Arc::new(MemoryEventStore::default()),
            readiness: None,
        }
    }

    pub(crate) fn messages_path(&self) -> &str {
        self.inner
            .legacy_sse
            .as_ref()
            .map_or("/messages", |(_, m)| m.as_str())
    }

    /// The MCP server behind the service.
    pub fn server(&self) -> &Server {
        &self.inner.server
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl<B> tower::Service<Request<B>> for HttpService
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Response = Response<McpBody>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response<McpBody>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            // A panic while routing (a bug of ours) answers 500 instead of dropping the
            // connection; handler panics are already -32603 results.
            let routed = std::panic::AssertUnwindSafe(this.route(request))
                .catch_unwind()
                .await;
            Ok(routed.unwrap_or_else(|_| {
                tracing::error!("the HTTP service panicked");
                plain_error(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
            }))
        })
    }
}

pub(crate) fn respond(status: StatusCode, body: McpBody) -> Response<McpBody> {
    let mut r = Response::new(body);
    *r.status_mut() = status;
    r
}

pub(crate) fn json_response(status: StatusCode, bytes: Vec<u8>) -> Response<McpBody> {
    let mut r = respond(status, McpBody::full(bytes));
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

/// A JSON-RPC error response with an HTTP status.
pub(crate) fn rpc_error(
    status: StatusCode,
    id: Option<RequestId>,
    error: ErrorObject,
) -> Response<McpBody> {
    json_response(
        status,
        encode(&Message::Response(RpcResponse::error(id, error))),
    )
}

pub(crate) fn plain_error(status: StatusCode, message: &str) -> Response<McpBody> {
    rpc_error(
        status,
        None,
        ErrorObject::new(ErrorCode::INVALID_REQUEST, message),
    )
}

pub(crate) fn method_not_allowed(allow: &'static str) -> Response<McpBody> {
    let mut r = plain_error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    r.headers_mut()
        .insert(ALLOW, HeaderValue::from_static(allow));
    r
}

pub(crate) fn sse_response(body: SseBody) -> Response<McpBody> {
    let mut r = respond(StatusCode::OK, McpBody::sse(body));
    let h = r.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(X_ACCEL_BUFFERING, HeaderValue::from_static("no"));
    r
}

/// Serves one request with the service's request timeout (none for `subscriptions/listen`,
/// which lives until the client or the server ends it). A timeout drops the handler (its work
/// is cancelled) and answers -32603.
pub(crate) async fn handle_timed(
    server: &Server,
    incoming: Incoming,
    timeout: Option<Duration>,
) -> Option<RpcResponse> {
    let listen = incoming.request.method == methods::SUBSCRIPTIONS_LISTEN;
    match timeout.filter(|_| !listen) {
        None => server.handle(incoming).await,
        Some(limit) => {
            let id = incoming.request.id.clone();
            let cancel = incoming.cancel.clone();
            if let Ok(response) = tokio::time::timeout(limit, server.handle(incoming)).await {
                response
            } else {
                cancel.cancel();
                Some(RpcResponse::error(
                    Some(id),
                    ErrorObject::internal(format!("request timed out after {}s", limit.as_secs())),
                ))
            }
        }
    }
}

/// A policy denial: a scope shortfall is a 403 step-up challenge naming every scope the call
/// needs (an auth layer may add `resource_metadata` to it); other denials are in-band errors.
pub(crate) fn denied(id: Option<RequestId>, error: ErrorObject) -> Response<McpBody> {
    let Some(scopes) = crate::authz::required_scopes(&error) else {
        return rpc_error(StatusCode::OK, id, error);
    };
    let mut r = rpc_error(StatusCode::FORBIDDEN, id, error);
    let challenge = format!(
        "Bearer error=\"insufficient_scope\", scope=\"{}\"",
        scopes
            .iter()
            .map(|s| s.replace(['"', '\\', '\r', '\n'], ""))
            .collect::<Vec<_>>()
            .join(" ")
    );
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        r.headers_mut()
            .insert(http::header::WWW_AUTHENTICATE, value);
    }
    r.extensions_mut().insert(InsufficientScope(scopes));
    r
}

/// Set on 403 responses of a scope shortfall, for an auth layer to complete the challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InsufficientScope(pub Vec<String>);

/// The HTTP status of a JSON-RPC error answered by the engine.
pub(crate) fn status_of(error: &ErrorObject, modern: bool) -> StatusCode {
    match error.code {
        ErrorCode::METHOD_NOT_FOUND if modern => StatusCode::NOT_FOUND,
        ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY
        | ErrorCode::UNSUPPORTED_PROTOCOL_VERSION
        | ErrorCode::HEADER_MISMATCH => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    }
}

pub(crate) fn header<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

pub(crate) fn new_session_id() -> String {
    let bytes: [u8; 16] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn principal_of(extensions: &http::Extensions) -> Arc<Principal> {
    extensions
        .get::<Principal>()
        .cloned()
        .map_or_else(|| Arc::new(Principal::anonymous()), Arc::new)
}

/// Reads the body, at most `max` bytes.
pub(crate) async fn read_body<B>(body: B, max: usize) -> Result<Bytes, Response<McpBody>>
where
    B: Body + Send,
    B::Error: Into<BoxError>,
{
    match http_body_util::Limited::new(body, max).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(plain_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("request body larger than {max} bytes"),
        )),
        Err(_) => Err(plain_error(
            StatusCode::BAD_REQUEST,
            "could not read the request body",
        )),
    }
}

impl HttpService {
    async fn route<B>(&self, request: Request<B>) -> Response<McpBody>
    where
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        let (parts, body) = request.into_parts();
        let path = parts.uri.path();
        let inner = &self.inner;
        match (&parts.method, path) {
            (&Method::GET, "/health/live") => {
                return json_response(StatusCode::OK, br#"{"status":"pass"}"#.to_vec());
            }
            (&Method::GET, "/health/ready") => {
                let draining = parts
                    .extensions
                    .get::<ShutdownSignal>()
                    .is_some_and(|s| s.0.is_cancelled());
                let upstream = match &inner.readiness {
                    Some(check) => check().await,
                    None => true,
                };
                return if !draining && upstream && inner.sessions.ready().await {
                    json_response(StatusCode::OK, br#"{"status":"pass"}"#.to_vec())
                } else {
                    json_response(
                        StatusCode::SERVICE_UNAVAILABLE,
                        br#"{"status":"fail"}"#.to_vec(),
                    )
                };
            }
            _ => {}
        }
        let is_mcp = path == inner.path;
        let legacy = inner.legacy_sse.as_ref().and_then(|(sse, messages)| {
            (path == sse)
                .then_some(true)
                .or((path == messages).then_some(false))
        });
        if !is_mcp && legacy.is_none() {
            return plain_error(StatusCode::NOT_FOUND, "not found");
        }
        if let Err((status, reason)) = inner.hosts.check(&parts.headers) {
            return plain_error(status, reason);
        }
        match (legacy, &parts.method) {
            (Some(true), &Method::GET) => return super::legacy_sse::open(self, &parts),
            (Some(true), _) => return method_not_allowed("GET"),
            (Some(false), &Method::POST) => {
                return super::legacy_sse::post(self, parts, body).await;
            }
            (Some(false), _) => return method_not_allowed("POST"),
            (None, _) => {}
        }
        match parts.method {
            Method::POST => self.post(parts, body).await,
            Method::GET if !inner.stateless => self.get(&parts).await,
            Method::DELETE if !inner.stateless => self.delete(&parts).await,
            _ if inner.stateless => method_not_allowed("POST"),
            _ => method_not_allowed("GET, POST, DELETE"),
        }
    }

    async fn post<B>(&self, parts: http::request::Parts, body: B) -> Response<McpBody>
    where
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        if !is_json(&parts.headers) {
            return plain_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Content-Type must be application/json",
            );
        }
        let accept = accept(&parts.headers);
        if !accept.json && !accept.sse {
            return plain_error(
                StatusCode::NOT_ACCEPTABLE,
                "Accept must allow application/json or text/event-stream",
            );
        }
        let principal = principal_of(&parts.extensions);
        let bytes = match read_body(body, self.inner.max_body).await {
            Ok(b) => b,
            Err(r) => return r,
        };
        let message = match decode(&bytes) {
            Err(e) => {
                return rpc_error(
                    StatusCode::BAD_REQUEST,
                    e.id().cloned(),
                    e.to_error_object(),
                );
            }
            Ok(Decoded::Batch(items)) => return self.batch(&parts, principal, items, accept).await,
            Ok(Decoded::Single(m)) => m,
        };
        let header_version = header(&parts.headers, &MCP_PROTOCOL_VERSION);
        let modern_header = header_version
            .and_then(ProtocolVersion::parse)
            .is_some_and(ProtocolVersion::is_modern);
        match message {
            Message::Request(request) if modern_header || Server::is_modern(&request) => {
                self.modern(&parts, principal, request, accept).await
            }
            Message::Request(request) => self.legacy(&parts, principal, request, accept).await,
            Message::Notification(n) => {
                if !modern_header
                    && !notification_is_modern(&n)
                    && let Some(r) = self.legacy_notification(&parts, &principal, &n).await
                {
                    return r;
                }
                respond(StatusCode::ACCEPTED, McpBody::empty())
            }
            Message::Response(response) => {
                if modern_header {
                    return plain_error(
                        StatusCode::BAD_REQUEST,
                        "clients send no responses in 2026-07-28",
                    );
                }
                match self.session_of(&parts, &principal).await {
                    Ok(live) => {
                        live.session.complete(response);
                        respond(StatusCode::ACCEPTED, McpBody::empty())
                    }
                    Err(r) => r,
                }
            }
        }
    }

    /// A 2026-07-28 request: header mirroring, then stateless dispatch.
    pub(crate) async fn modern(
        &self,
        parts: &http::request::Parts,
        principal: Arc<Principal>,
        request: RpcRequest,
        accept: Accept,
    ) -> Response<McpBody> {
        let server = &self.inner.server;
        let id = request.id.clone();
        if let Err(e) = check_mirrored_headers(&parts.headers, &request, server) {
            return rpc_error(StatusCode::BAD_REQUEST, Some(id), e);
        }
        let meta = match server.era(&request, true) {
            Err(e) => return rpc_error(StatusCode::BAD_REQUEST, Some(id), e),
            Ok(crate::dispatch::Era::Modern(meta)) => meta,
            Ok(crate::dispatch::Era::Legacy) => unreachable!("the hint makes every request modern"),
        };
        let preauthorized = match server
            .preauthorize(&request, &principal, ProtocolVersion::LATEST)
            .await
        {
            Ok(allowed) => allowed,
            Err(e) => return denied(Some(id), e),
        };
        let listen = request.method == methods::SUBSCRIPTIONS_LISTEN;
        let streams = listen || meta.progress_token.is_some() || meta.log_level.is_some();
        let use_sse = accept.sse && (streams || !accept.json);
        let token = if listen {
            parts
                .extensions
                .get::<ShutdownSignal>()
                .map_or_else(CancellationToken::new, |s| s.0.child_token())
        } else {
            CancellationToken::new()
        };
        let (tx, rx) = mpsc::unbounded_channel();
        let sink = Sink::new(tx);
        let incoming = Incoming {
            request,
            principal,
            session: None,
            legacy_version: None,
            modern_hint: true,
            extensions: Arc::new(request_extensions(parts)),
            sink: sink.clone(),
            cancel: token.clone(),
            preauthorized,
        };
        let server = server.clone();
        if use_sse {
            let timeout = self.inner.request_timeout;
            let guard = token.clone().drop_guard();
            tokio::spawn(async move {
                if let Some(response) = handle_timed(&server, incoming, timeout).await {
                    sink.finish(Message::Response(response));
                }
            });
            return sse_response(
                SseBody::new(
                    Source::Messages(rx),
                    Some(self.inner.keep_alive),
                    Some(guard),
                )
                .end_after(id),
            );
        }
        drop(rx);
        // Closing the connection drops this future, and with it the handler: disconnect is
        // cancellation. The guard also fires the token for handlers that spawned work.
        let guard = token.drop_guard();
        let response = handle_timed(&server, incoming, self.inner.request_timeout).await;
        guard.disarm();
        match response {
            Some(r) => {
                let status = r
                    .outcome
                    .as_ref()
                    .err()
                    .map_or(StatusCode::OK, |e| status_of(e, true));
                json_response(status, encode(&Message::Response(r)))
            }
            None => respond(StatusCode::NO_CONTENT, McpBody::empty()),
        }
    }
}

pub(crate) fn notification_is_modern(n: &Notification) -> bool {
    n.params
        .as_deref()
        .and_then(|p| serde_json::from_str::<Value>(p.get()).ok())
        .is_some_and(|v| v["_meta"].get(meta::PROTOCOL_VERSION_KEY).is_some())
}

pub(crate) fn request_extensions(parts: &http::request::Parts) -> http::Extensions {
    let mut ext = http::Extensions::new();
    ext.insert(HttpRequestInfo {
        method: parts.method.clone(),
        uri: parts.uri.clone(),
        headers: parts.headers.clone(),
        peer: parts.extensions.get::<PeerAddr>().map(|p| p.0),
    });
    ext
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids_are_long_and_visible() {
        let id = new_session_id();
        assert!(id.len() >= 22);
        assert!(id.bytes().all(|b| (0x21..=0x7e).contains(&b)));
        assert_ne!(id, new_session_id());
    }

    #[test]
    fn error_statuses() {
        let e = |c: i32| ErrorObject::new(ErrorCode(c), "x");
        assert_eq!(status_of(&e(-32601), true), StatusCode::NOT_FOUND);
        assert_eq!(status_of(&e(-32601), false), StatusCode::OK);
        assert_eq!(status_of(&e(-32021), true), StatusCode::BAD_REQUEST);
        assert_eq!(status_of(&e(-32602), true), StatusCode::OK);
    }
}
