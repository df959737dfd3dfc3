//! Legacy (2025-11-25 and older) Streamable HTTP: sessions bound to principals, the GET
//! stream, resumption, DELETE, and 2025-03-26 batches.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use bytes::Bytes;
use http::header::RETRY_AFTER;
use http::{HeaderValue, Response, StatusCode};
use mcp_core::auth::Principal;
use mcp_core::jsonrpc::{
    ErrorCode, ErrorObject, Message, Notification, Request as RpcRequest, RequestId,
    Response as RpcResponse, encode,
};
use mcp_core::protocol::{ProtocolVersion, methods};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::guard::{Accept, accept};
use super::service::handle_timed;
use super::service::{
    HttpService, LAST_EVENT_ID, MCP_PROTOCOL_VERSION, MCP_SESSION_ID, McpBody, ShutdownSignal,
    denied, header, json_response, new_session_id, plain_error, principal_of, request_extensions,
    respond, rpc_error, sse_response,
};
use super::sse::{LegacyStream, Source, SseBody, priming, pump};
use super::store::{SessionRecord, StoreError};
use crate::dispatch::{Effect, Incoming};
use crate::session::Session;
use crate::sink::Sink;

/// A legacy session held by this process: the engine session and its open streams.
pub(crate) struct Live {
    pub(crate) id: String,
    pub(crate) session: Arc<Session>,
    streams: Mutex<HashMap<String, Arc<LegacyStream>>>,
    get_stream: Mutex<Option<Arc<LegacyStream>>>,
    inflight: Mutex<HashMap<RequestId, (CancellationToken, Sink)>>,
    next_stream: AtomicU64,
    last_seen: Mutex<Instant>,
}

impl Live {
    fn new(id: String, session: Arc<Session>) -> Self {
        Self {
            id,
            session,
            streams: Mutex::new(HashMap::new()),
            get_stream: Mutex::new(None),
            inflight: Mutex::new(HashMap::new()),
            next_stream: AtomicU64::new(1),
            last_seen: Mutex::new(Instant::now()),
        }
    }

    fn stream_id(&self, prefix: char) -> String {
        format!(
            "{prefix}{}",
            self.next_stream.fetch_add(1, Ordering::Relaxed)
        )
    }

    fn touch(&self) {
        *self
            .last_seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Instant::now();
    }

    fn end(&self) {
        self.session.closed.cancel();
        for (_, (token, sink)) in self
            .inflight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain()
        {
            sink.close();
            token.cancel();
        }
    }
}

impl HttpService {
    /// A legacy request: `initialize` opens a session, everything else needs one (unless the
    /// service is stateless).
    pub(crate) async fn legacy(
        &self,
        parts: &http::request::Parts,
        principal: Arc<Principal>,
        request: RpcRequest,
        accept: Accept,
    ) -> Response<McpBody> {
        let inner = &self.inner;
        let id = request.id.clone();
        let header_version = match self.legacy_version_header(parts, &request) {
            Ok(v) => v,
            Err(r) => return r,
        };
        if request.method == methods::INITIALIZE {
            return self.initialize(parts, &principal, &request).await;
        }
        if inner.stateless {
            let incoming = Incoming {
                request,
                principal,
                session: None,
                legacy_version: Some(header_version.unwrap_or(ProtocolVersion::HTTP_DEFAULT)),
                modern_hint: false,
                extensions: Arc::new(request_extensions(parts)),
                sink: Sink::new(mpsc::unbounded_channel().0),
                cancel: CancellationToken::new(),
                preauthorized: false,
            };
            return match handle_timed(&inner.server, incoming, inner.request_timeout).await {
                Some(r) => json_response(StatusCode::OK, encode(&Message::Response(r))),
                None => respond(StatusCode::NO_CONTENT, McpBody::empty()),
            };
        }
        let live = match self.session_of(parts, &principal).await {
            Ok(live) => live,
            Err(r) => return r,
        };
        if header_version.is_some_and(|v| v != live.session.version) {
            return rpc_error(
                StatusCode::BAD_REQUEST,
                Some(id),
                ErrorObject::new(
                    ErrorCode::INVALID_REQUEST,
                    "MCP-Protocol-Version differs from the negotiated version",
                ),
            );
        }
        let preauthorized = match inner
            .server
            .preauthorize(&request, &principal, live.session.version)
            .await
        {
            Ok(allowed) => allowed,
            Err(e) => return denied(Some(id), e),
        };
        let may_stream = matches!(
            request.method.as_str(),
            methods::TOOLS_CALL | methods::PROMPTS_GET | methods::RESOURCES_READ
        );
        let token = live.session.closed.child_token();
        let (tx, rx) = mpsc::unbounded_channel();
        let sink = Sink::new(tx);
        let incoming = Incoming {
            request,
            principal,
            session: Some(Arc::clone(&live.session)),
            legacy_version: None,
            modern_hint: false,
            extensions: Arc::new(request_extensions(parts)),
            sink: sink.clone(),
            cancel: token.clone(),
            preauthorized,
        };
        live.inflight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id.clone(), (token, sink.clone()));
        let server = inner.server.clone();
        if accept.sse && (may_stream || !accept.json) {
            return self.stream(&live, incoming, rx, sink).await;
        }
        drop(rx);
        let response = handle_timed(&server, incoming, inner.request_timeout).await;
        live.inflight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&id);
        match response {
            Some(r) => json_response(StatusCode::OK, encode(&Message::Response(r))),
            None => respond(StatusCode::NO_CONTENT, McpBody::empty()),
        }
    }

    /// `MCP-Protocol-Version` of a legacy request: absent, or a served legacy revision
    /// (anything else is 400; `initialize` negotiates in its body instead).
    #[expect(
        clippy::result_large_err,
        reason = "the error is the response to send, once"
    )]
    fn legacy_version_header(
        &self,
        parts: &http::request::Parts,
        request: &RpcRequest,
    ) -> Result<Option<ProtocolVersion>, Response<McpBody>> {
        let Some(v) = header(&parts.headers, &MCP_PROTOCOL_VERSION) else {
            return Ok(None);
        };
        match ProtocolVersion::parse(v)
            .filter(|v| v.is_legacy() && self.inner.server.supported_versions().contains(v))
        {
            Some(v) => Ok(Some(v)),
            None if request.method == methods::INITIALIZE => Ok(None),
            None => Err(rpc_error(
                StatusCode::BAD_REQUEST,
                Some(request.id.clone()),
                ErrorObject::new(
                    ErrorCode::INVALID_REQUEST,
                    format!("unsupported MCP-Protocol-Version: {v}"),
                ),
            )),
        }
    }

    /// Answers a legacy request on a resumable event stream: the handler runs on its own
    /// (a disconnect is not a cancellation) and its messages are stored for `Last-Event-ID`.
    async fn stream(
        &self,
        live: &Arc<Live>,
        incoming: Incoming,
        rx: mpsc::UnboundedReceiver<Message>,
        sink: Sink,
    ) -> Response<McpBody> {
        let inner = &self.inner;
        let id = incoming.request.id.clone();
        let server = inner.server.clone();
        let stream_id = live.stream_id('r');
        let stream = Arc::new(LegacyStream::default());
        let (frames_tx, frames_rx) = mpsc::unbounded_channel();
        stream.attach(frames_tx);
        live.streams
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(stream_id.clone(), Arc::clone(&stream));
        let first = self.priming(live, &stream_id).await;
        let events = Arc::clone(&inner.events);
        let owner = Arc::downgrade(live);
        let session_id = live.id.clone();
        let end_after = Some(id.clone());
        tokio::spawn(async move {
            pump(
                rx,
                stream,
                events,
                session_id,
                stream_id.clone(),
                end_after,
                true,
            )
            .await;
            // A finished request stream is only replayed from the event store now: forget
            // the live half, so long sessions do not accumulate streams.
            if let Some(live) = owner.upgrade() {
                live.streams
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .remove(&stream_id);
            }
        });
        let live2 = Arc::clone(live);
        let timeout = inner.request_timeout;
        tokio::spawn(async move {
            let response = handle_timed(&server, incoming, timeout).await;
            live2
                .inflight
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&id);
            match response {
                Some(r) => {
                    sink.finish(Message::Response(r));
                }
                None => sink.close(),
            }
        });
        let mut body = SseBody::new(Source::Frames(frames_rx), Some(inner.keep_alive), None);
        if let Some(first) = first {
            body = body.first(first);
        }
        sse_response(body)
    }

    /// The priming event of a 2025-11-25 stream (and its stored, resumable id).
    pub(crate) async fn priming(&self, live: &Live, stream_id: &str) -> Option<Bytes> {
        if !live.session.version.supports_priming_events() {
            return None;
        }
        let id = self
            .inner
            .events
            .append(&live.id, stream_id, Bytes::new())
            .await
            .ok()?;
        Some(priming(&id, self.inner.retry))
    }

    pub(crate) async fn initialize(
        &self,
        parts: &http::request::Parts,
        principal: &Principal,
        request: &RpcRequest,
    ) -> Response<McpBody> {
        let inner = &self.inner;
        let (result, session) = match inner.server.initialize(request, principal) {
            Ok(ok) => ok,
            Err(e) => return rpc_error(StatusCode::BAD_REQUEST, Some(request.id.clone()), e),
        };
        let response = encode(&Message::Response(RpcResponse::result(
            request.id.clone(),
            result,
        )));
        if inner.stateless {
            return json_response(StatusCode::OK, response);
        }
        let _ = parts;
        let id = new_session_id();
        let record = SessionRecord {
            id: id.clone(),
            principal: session.principal_key.clone(),
            version: session.version,
            capabilities: (*session.capabilities).clone(),
            client_info: session.client_info.clone(),
        };
        match inner.sessions.create(record, inner.limits).await {
            Ok(()) => {}
            Err(StoreError::Capacity) => {
                let mut r = plain_error(StatusCode::TOO_MANY_REQUESTS, "too many sessions");
                r.headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from_static("30"));
                return r;
            }
            Err(e) => {
                tracing::error!(error = %e, "session store failed");
                let mut r =
                    plain_error(StatusCode::SERVICE_UNAVAILABLE, "session store unavailable");
                r.headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from_static("5"));
                return r;
            }
        }
        self.sweep();
        let live = Arc::new(Live::new(id.clone(), session));
        inner.server.forward_changes(&live.session);
        inner
            .live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id.clone(), live);
        let mut r = json_response(StatusCode::OK, response);
        r.headers_mut().insert(
            MCP_SESSION_ID,
            HeaderValue::from_str(&id).expect("session ids are visible ASCII"),
        );
        r
    }

    /// Drops live sessions idle past the limit (the store reaps its records itself).
    pub(crate) fn sweep(&self) {
        let ttl = self.inner.limits.idle_ttl;
        let now = Instant::now();
        self.inner
            .live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, live| {
                let idle = now.duration_since(
                    *live
                        .last_seen
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner),
                );
                let keep = idle < ttl;
                if !keep {
                    live.end();
                }
                keep
            });
    }

    /// The live session named by `Mcp-Session-Id`, bound to `principal`: 400 without the
    /// header, 404 when unknown, ended or another principal's.
    pub(crate) async fn session_of(
        &self,
        parts: &http::request::Parts,
        principal: &Principal,
    ) -> Result<Arc<Live>, Response<McpBody>> {
        let Some(id) = header(&parts.headers, &MCP_SESSION_ID) else {
            return Err(plain_error(
                StatusCode::BAD_REQUEST,
                "missing Mcp-Session-Id",
            ));
        };
        self.session(id, principal).await
    }

    pub(crate) async fn session(
        &self,
        id: &str,
        principal: &Principal,
    ) -> Result<Arc<Live>, Response<McpBody>> {
        let inner = &self.inner;
        let not_found = || plain_error(StatusCode::NOT_FOUND, "session not found");
        let record = match inner.sessions.load(id, inner.limits).await {
            Ok(Some(r)) => r,
            Ok(None) => {
                if let Some(live) = inner
                    .live
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .remove(id)
                {
                    live.end();
                }
                return Err(not_found());
            }
            Err(e) => {
                tracing::error!(error = %e, "session store failed");
                return Err(plain_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "session store unavailable",
                ));
            }
        };
        // Another principal presenting the id gets exactly the answer of an unknown id.
        if record.principal != principal.binding_key() {
            return Err(not_found());
        }
        let mut live_map = inner.live.lock().unwrap_or_else(PoisonError::into_inner);
        let live = live_map
            .entry(id.to_owned())
            .or_insert_with(|| {
                // A session another replica created (or this one before a restart): rebuild
                // its live state from the record.
                let session = Arc::new(Session::new(
                    record.version,
                    record.capabilities.clone(),
                    record.client_info.clone(),
                    record.principal.clone(),
                ));
                session.mark_initialized();
                inner.server.forward_changes(&session);
                Arc::new(Live::new(id.to_owned(), session))
            })
            .clone();
        live.touch();
        Ok(live)
    }

    pub(crate) async fn legacy_notification(
        &self,
        parts: &http::request::Parts,
        principal: &Principal,
        notification: &Notification,
    ) -> Option<Response<McpBody>> {
        if self.inner.stateless {
            return None;
        }
        let live = match self.session_of(parts, principal).await {
            Ok(l) => l,
            Err(r) => return Some(r),
        };
        if let Effect::Cancel(id) = self
            .inner
            .server
            .notification(notification, Some(&live.session))
            && let Some((token, sink)) = live
                .inflight
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&id)
        {
            sink.close();
            token.cancel();
        }
        None
    }

    /// GET: the session's server-to-client stream, or the resumption of a stream.
    pub(crate) async fn get(&self, parts: &http::request::Parts) -> Response<McpBody> {
        if !accept(&parts.headers).sse {
            return plain_error(
                StatusCode::NOT_ACCEPTABLE,
                "Accept must allow text/event-stream",
            );
        }
        let principal = principal_of(&parts.extensions);
        let live = match self.session_of(parts, &principal).await {
            Ok(l) => l,
            Err(r) => return r,
        };
        let inner = &self.inner;
        let (frames_tx, frames_rx) = mpsc::unbounded_channel();
        if let Some(last) = header(&parts.headers, &LAST_EVENT_ID) {
            let replay = match inner.events.replay(&live.id, last).await {
                Ok(Some(r)) => r,
                Ok(None) => return plain_error(StatusCode::NOT_FOUND, "unknown Last-Event-ID"),
                Err(_) => {
                    return plain_error(StatusCode::SERVICE_UNAVAILABLE, "event store unavailable");
                }
            };
            for (event_id, data) in replay.events {
                if !data.is_empty() {
                    let _ = frames_tx.send(super::sse::frame(&data, Some(&event_id)));
                }
            }
            let stream = live
                .streams
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&replay.stream)
                .cloned();
            if let Some(stream) = stream.filter(|s| !s.is_done()) {
                stream.attach(frames_tx);
            }
            return sse_response(SseBody::new(
                Source::Frames(frames_rx),
                Some(inner.keep_alive),
                None,
            ));
        }
        {
            let mut current = live
                .get_stream
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if current.as_ref().is_some_and(|s| !s.is_done()) {
                return plain_error(
                    StatusCode::CONFLICT,
                    "this session already has a GET stream",
                );
            }
            let stream_id = live.stream_id('g');
            let stream = Arc::new(LegacyStream::default());
            stream.attach(frames_tx);
            live.streams
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(stream_id.clone(), Arc::clone(&stream));
            *current = Some(Arc::clone(&stream));
            let (tx, rx) = mpsc::unbounded_channel();
            live.session.set_outbound(Some(Sink::new(tx)));
            let events = Arc::clone(&inner.events);
            let session_id = live.id.clone();
            let closed = live.session.closed.clone();
            let shutdown = parts
                .extensions
                .get::<ShutdownSignal>()
                .map(|s| s.0.clone());
            tokio::spawn(async move {
                tokio::select! {
                    () = pump(rx, Arc::clone(&stream), events, session_id, stream_id, None, true) => {}
                    () = closed.cancelled() => {}
                    () = async { match shutdown { Some(s) => s.cancelled().await, None => std::future::pending().await } } => {}
                }
                stream.attach(mpsc::unbounded_channel().0);
            });
        }
        sse_response(SseBody::new(
            Source::Frames(frames_rx),
            Some(inner.keep_alive),
            None,
        ))
    }

    /// DELETE: ends the session.
    pub(crate) async fn delete(&self, parts: &http::request::Parts) -> Response<McpBody> {
        let principal = principal_of(&parts.extensions);
        let live = match self.session_of(parts, &principal).await {
            Ok(l) => l,
            Err(r) => return r,
        };
        let inner = &self.inner;
        let _ = inner.sessions.remove(&live.id).await;
        inner
            .live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&live.id);
        inner.events.forget(&live.id).await;
        live.end();
        respond(StatusCode::NO_CONTENT, McpBody::empty())
    }

    /// A JSON-RPC batch: only in 2025-03-26 sessions.
    pub(crate) async fn batch(
        &self,
        parts: &http::request::Parts,
        principal: Arc<Principal>,
        items: Vec<Result<Message, mcp_core::jsonrpc::DecodeError>>,
        _accept: Accept,
    ) -> Response<McpBody> {
        let refuse = || {
            rpc_error(
                StatusCode::BAD_REQUEST,
                None,
                ErrorObject::new(
                    ErrorCode::INVALID_REQUEST,
                    "batches are not supported by this protocol version",
                ),
            )
        };
        if self.inner.stateless || header(&parts.headers, &MCP_SESSION_ID).is_none() {
            return refuse();
        }
        let live = match self.session_of(parts, &principal).await {
            Ok(l) => l,
            Err(r) => return r,
        };
        if !live.session.version.supports_batching() {
            return refuse();
        }
        let mut responses = Vec::new();
        for item in items {
            match item {
                Err(e) => responses.push(Message::Response(RpcResponse::error(
                    e.id().cloned(),
                    e.to_error_object(),
                ))),
                Ok(Message::Request(r)) if r.method == methods::INITIALIZE => {
                    responses.push(Message::Response(RpcResponse::error(
                        Some(r.id),
                        ErrorObject::new(
                            ErrorCode::INVALID_REQUEST,
                            "initialize must not be part of a batch",
                        ),
                    )));
                }
                Ok(Message::Request(request)) => {
                    let incoming = Incoming {
                        request,
                        principal: Arc::clone(&principal),
                        session: Some(Arc::clone(&live.session)),
                        legacy_version: None,
                        modern_hint: false,
                        extensions: Arc::new(request_extensions(parts)),
                        sink: Sink::new(mpsc::unbounded_channel().0),
                        cancel: live.session.closed.child_token(),
                        preauthorized: false,
                    };
                    if let Some(r) =
                        handle_timed(&self.inner.server, incoming, self.inner.request_timeout).await
                    {
                        responses.push(Message::Response(r));
                    }
                }
                Ok(Message::Notification(n)) => {
                    let _ = self.inner.server.notification(&n, Some(&live.session));
                }
                Ok(Message::Response(r)) => {
                    live.session.complete(r);
                }
            }
        }
        if responses.is_empty() {
            return respond(StatusCode::ACCEPTED, McpBody::empty());
        }
        let body = serde_json::to_vec(&responses).expect("messages serialize");
        json_response(StatusCode::OK, body)
    }
}
