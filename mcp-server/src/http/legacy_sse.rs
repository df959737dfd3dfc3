//! The 2024-11-05 HTTP+SSE transport: `GET /sse` opens the stream and names the POST
//! endpoint in an `endpoint` event; messages `POSTed` there get 202 and their responses arrive
//! on the stream as `message` events. Same principal binding and limits as sessions.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use http::{Response, StatusCode};
use http_body::Body;
use mcp_core::auth::Principal;
use mcp_core::jsonrpc::{
    Decoded, ErrorCode, ErrorObject, Message, RequestId, Response as RpcResponse, decode,
};
use mcp_core::protocol::methods;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::guard::{accept, is_json};
use super::service::{
    HttpService, McpBody, handle_timed, principal_of, read_body, request_extensions, respond,
    rpc_error, sse_response,
};
use super::sse::{Source, SseBody};
use crate::dispatch::{Effect, Incoming};
use crate::session::Session;
use crate::sink::Sink;

/// One open 2024-11-05 stream.
pub(crate) struct SseConn {
    principal: String,
    tx: mpsc::UnboundedSender<Message>,
    session: Mutex<Option<Arc<Session>>>,
    inflight: Mutex<HashMap<RequestId, (CancellationToken, Sink)>>,
    closed: CancellationToken,
}

/// `GET /sse`.
pub(crate) fn open(service: &HttpService, parts: &http::request::Parts) -> Response<McpBody> {
    if !accept(&parts.headers).sse {
        return rpc_error(
            StatusCode::NOT_ACCEPTABLE,
            None,
            ErrorObject::new(
                ErrorCode::INVALID_REQUEST,
                "Accept must allow text/event-stream",
            ),
        );
    }
    let inner = &service.inner;
    let principal = principal_of(&parts.extensions).binding_key();
    let id = super::service::new_session_id();
    let (tx, rx) = mpsc::unbounded_channel();
    let closed = CancellationToken::new();
    {
        let mut conns = inner
            .sse_conns
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mine = conns.values().filter(|c| c.principal == principal).count();
        if conns.len() >= inner.limits.max_total || mine >= inner.limits.max_per_principal {
            return rpc_error(
                StatusCode::TOO_MANY_REQUESTS,
                None,
                ErrorObject::new(ErrorCode::INVALID_REQUEST, "too many sessions"),
            );
        }
        conns.insert(
            id.clone(),
            Arc::new(SseConn {
                principal,
                tx,
                session: Mutex::new(None),
                inflight: Mutex::new(HashMap::new()),
                closed,
            }),
        );
    }
    // When the client goes away the body is dropped, the guard fires, and the connection's
    // state is removed.
    let cleanup = CancellationToken::new();
    let guard = cleanup.clone().drop_guard();
    let service2 = service.clone();
    let id2 = id.clone();
    let shutdown = parts
        .extensions
        .get::<super::service::ShutdownSignal>()
        .map(|s| s.0.clone());
    tokio::spawn(async move {
        tokio::select! {
            () = cleanup.cancelled() => {}
            () = async { match shutdown { Some(s) => s.cancelled().await, None => std::future::pending().await } } => {}
        }
        if let Some(conn) = service2
            .inner
            .sse_conns
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&id2)
        {
            conn.closed.cancel();
            if let Some(s) = conn
                .session
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
            {
                s.closed.cancel();
            }
            for (_, (token, sink)) in conn
                .inflight
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .drain()
            {
                sink.close();
                token.cancel();
            }
        }
    });
    let messages = inner_messages_path(service);
    let endpoint = bytes::Bytes::from(format!(
        "event: endpoint\ndata: {messages}?sessionId={id}\n\n"
    ));
    let _ = closed;
    sse_response(
        SseBody::new(Source::Messages(rx), Some(inner.keep_alive), Some(guard)).first(endpoint),
    )
}

fn inner_messages_path(service: &HttpService) -> String {
    service.messages_path().to_owned()
}

/// `POST /messages?sessionId=...`.
pub(crate) async fn post<B>(
    service: &HttpService,
    parts: http::request::Parts,
    body: B,
) -> Response<McpBody>
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let inner = &service.inner;
    if !is_json(&parts.headers) {
        return rpc_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            None,
            ErrorObject::new(
                ErrorCode::INVALID_REQUEST,
                "Content-Type must be application/json",
            ),
        );
    }
    let principal = principal_of(&parts.extensions);
    let not_found = || {
        rpc_error(
            StatusCode::NOT_FOUND,
            None,
            ErrorObject::new(ErrorCode::INVALID_REQUEST, "session not found"),
        )
    };
    let Some(id) = parts.uri.query().and_then(|q| {
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "sessionId")
            .map(|(_, v)| v.to_owned())
    }) else {
        return rpc_error(
            StatusCode::BAD_REQUEST,
            None,
            ErrorObject::new(ErrorCode::INVALID_REQUEST, "missing sessionId"),
        );
    };
    let Some(conn) = inner
        .sse_conns
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&id)
        .cloned()
    else {
        return not_found();
    };
    if conn.principal != principal.binding_key() {
        return not_found();
    }
    let bytes = match read_body(body, inner.max_body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let message = match decode(&bytes) {
        Ok(Decoded::Single(m)) => m,
        Ok(Decoded::Batch(_)) => {
            return rpc_error(
                StatusCode::BAD_REQUEST,
                None,
                ErrorObject::new(
                    ErrorCode::INVALID_REQUEST,
                    "batches are not supported by this transport",
                ),
            );
        }
        Err(e) => {
            return rpc_error(
                StatusCode::BAD_REQUEST,
                e.id().cloned(),
                e.to_error_object(),
            );
        }
    };
    deliver(service, &conn, message, principal, &parts);
    respond(StatusCode::ACCEPTED, McpBody::empty())
}

/// Hands one client message of a 2024-11-05 connection to the engine; answers go out on the
/// connection's stream.
fn deliver(
    service: &HttpService,
    conn: &Arc<SseConn>,
    message: Message,
    principal: Arc<Principal>,
    parts: &http::request::Parts,
) {
    let inner = &service.inner;
    let session = conn
        .session
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    match message {
        Message::Request(request) if request.method == methods::INITIALIZE => {
            match inner.server.initialize(&request, &principal) {
                Ok((result, new)) => {
                    new.set_outbound(Some(Sink::new(conn.tx.clone())));
                    inner.server.forward_changes(&new);
                    if let Some(old) = conn
                        .session
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .replace(new)
                    {
                        old.closed.cancel();
                    }
                    let _ = conn
                        .tx
                        .send(Message::Response(RpcResponse::result(request.id, result)));
                }
                Err(e) => {
                    let _ = conn
                        .tx
                        .send(Message::Response(RpcResponse::error(Some(request.id), e)));
                }
            }
        }
        Message::Request(request) => {
            let id = request.id.clone();
            let token = conn.closed.child_token();
            let sink = Sink::new(conn.tx.clone());
            conn.inflight
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(id.clone(), (token.clone(), sink.clone()));
            let incoming = Incoming {
                request,
                principal,
                session,
                legacy_version: None,
                modern_hint: false,
                extensions: Arc::new(request_extensions(parts)),
                sink: sink.clone(),
                cancel: token,
                preauthorized: false,
            };
            let server = inner.server.clone();
            let timeout = inner.request_timeout;
            let conn = Arc::clone(conn);
            tokio::spawn(async move {
                let response = handle_timed(&server, incoming, timeout).await;
                conn.inflight
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
        }
        Message::Notification(n) => {
            if let Effect::Cancel(id) = inner.server.notification(&n, session.as_deref())
                && let Some((token, sink)) = conn
                    .inflight
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .remove(&id)
            {
                sink.close();
                token.cancel();
            }
        }
        Message::Response(r) => {
            if let Some(s) = session {
                s.complete(r);
            }
        }
    }
}
