//! Driving [`HttpService`] in process as a tower service: the whole HTTP-side engine (routing,
//! admission, decoding, dispatch, schema validation, encoding, SSE framing) without sockets.

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt as _, Full};
use mcp_server::http::HttpService;
use tower::ServiceExt as _;

use crate::wire;

/// The `Host` of in-process requests.
pub const HOST: &str = "localhost";

/// The `everything` server as an HTTP service with default settings.
pub fn service() -> HttpService {
    everything::server().into_http()
}

/// A runtime like the one a pinned server runs on: one thread, timers on.
///
/// # Panics
///
/// When the runtime cannot be built.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

/// An answer: status, `Content-Type`, session id, and the whole body.
#[derive(Debug)]
#[non_exhaustive]
pub struct Answer {
    /// The HTTP status.
    pub status: StatusCode,
    /// The `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The `Mcp-Session-Id`, if any.
    pub session: Option<String>,
    /// The body, collected to its end.
    pub body: Bytes,
}

/// Sends `request` through a clone of `service` and collects the answer.
///
/// # Panics
///
/// Never: the service and its body are infallible.
pub async fn send(service: &HttpService, request: Request<Full<Bytes>>) -> Answer {
    let response = service
        .clone()
        .oneshot(request)
        .await
        .expect("the service is infallible");
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .expect("the body is infallible")
        .to_bytes();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    Answer {
        status: parts.status,
        content_type: header("content-type"),
        session: header("mcp-session-id"),
        body,
    }
}

/// Opens a legacy session (`initialize` + `notifications/initialized`) and returns its id.
///
/// # Panics
///
/// When the service does not open a session.
pub async fn open_session(service: &HttpService) -> String {
    let answer = send(service, wire::initialize(HOST)).await;
    assert_eq!(answer.status, StatusCode::OK, "initialize: {answer:?}");
    let session = answer.session.expect("initialize returns Mcp-Session-Id");
    let answer = send(service, wire::initialized(HOST, &session)).await;
    assert_eq!(
        answer.status,
        StatusCode::ACCEPTED,
        "initialized: {answer:?}"
    );
    session
}

/// Checks that `answer` is the expected result of `tool` for request `id`.
///
/// # Panics
///
/// When it is not.
pub fn assert_ok(answer: &Answer, tool: wire::Tool, id: u64) {
    let outcome = wire::check(
        answer.content_type.as_deref().map(str::as_bytes),
        &answer.body,
        id,
        &tool.expected_text(),
    );
    assert_eq!(
        outcome,
        wire::Outcome::Ok,
        "{answer:?}: {}",
        String::from_utf8_lossy(&answer.body)
    );
}
