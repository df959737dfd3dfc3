//! Streamable HTTP: every status code and header rule, session binding, resumption, limits,
//! the 2024-11-05 transport and graceful shutdown. Driven through the tower service (and
//! through `serve` on a loopback port for shutdown).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt as _, Full};
use mcp_core::auth::{AuthMethod, Principal};
use mcp_core::protocol::{CallToolResult, Tool as ToolDef};
use mcp_server::http::{HostPolicy, HttpService, McpBody, SessionLimits};
use mcp_server::{Server, tool};
use serde_json::{Value, json};
use tokio::sync::Notify;
use tower::ServiceExt as _;

const MODERN: &str = "2026-07-28";

fn object(v: Value) -> serde_json::Map<String, Value> {
    let Value::Object(m) = v else {
        panic!("object")
    };
    m
}

fn server(
    gate: Arc<Notify>,
    cancelled: Arc<std::sync::Mutex<Option<mcp_server::CancellationToken>>>,
) -> Server {
    let open = object(json!({"type": "object", "additionalProperties": false}));
    let mut header_tool = ToolDef::new(
        "regional",
        object(
            json!({"type": "object", "properties": {"region": {"type": "string", "x-mcp-header": "Region"}}}),
        ),
    );
    header_tool.description = Some("x-mcp-header".into());
    Server::builder("http-fixture", "1")
        .tool(tool::from_fn(
            ToolDef::new("hello", open.clone()),
            |_| async { Ok(CallToolResult::text("hi")) },
        ))
        .tool(tool::from_fn(header_tool, |call| async move {
            Ok(CallToolResult::text(
                call.arguments()["region"]
                    .as_str()
                    .unwrap_or("-")
                    .to_owned(),
            ))
        }))
        .tool(tool::from_fn(
            ToolDef::new("gated", open.clone()),
            move |call| {
                let gate = Arc::clone(&gate);
                async move {
                    let p = call.context().progress();
                    p.report(1.0, None, Some("before"));
                    gate.notified().await;
                    p.report(2.0, None, Some("after"));
                    Ok(CallToolResult::text("released"))
                }
            },
        ))
        .tool(tool::from_fn(ToolDef::new("hang", open), move |call| {
            // Hands its token to the test, then never finishes on its own.
            *cancelled.lock().expect("lock") = Some(call.context().cancellation().clone());
            async move {
                std::future::pending::<()>().await;
                Ok(CallToolResult::text("unreachable"))
            }
        }))
        .build()
}

type Slot = Arc<std::sync::Mutex<Option<mcp_server::CancellationToken>>>;

fn service() -> (HttpService, Arc<Notify>, Slot) {
    let gate = Arc::new(Notify::new());
    let cancelled: Slot = Arc::default();
    let svc = HttpService::builder(server(Arc::clone(&gate), Arc::clone(&cancelled)))
        .max_body_bytes(64 * 1024)
        .build();
    (svc, gate, cancelled)
}

fn meta() -> Value {
    json!({"io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {}})
}

fn post(body: &Value) -> http::request::Builder {
    Request::post("/mcp")
        .header("host", "localhost:3000")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .extension(Principal::new("alice", AuthMethod::Jwt))
        .header("x-test-body-len", body.to_string().len())
}

fn modern(method: &str, name: Option<&str>, params: Value) -> Request<Full<Bytes>> {
    let mut params = params;
    params["_meta"] = meta();
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let mut b = post(&body)
        .header("mcp-protocol-version", MODERN)
        .header("mcp-method", method);
    if let Some(n) = name {
        b = b.header("mcp-name", n);
    }
    b.body(Full::new(Bytes::from(body.to_string())))
        .expect("request")
}

async fn send(svc: &HttpService, req: Request<Full<Bytes>>) -> http::Response<McpBody> {
    svc.clone().oneshot(req).await.expect("infallible")
}

async fn body_json(resp: http::Response<McpBody>) -> Value {
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)))
}

async fn body_text(resp: http::Response<McpBody>) -> String {
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    String::from_utf8(bytes.to_vec()).expect("utf8")
}

/// Reads SSE frames until `done` says stop (bounded wait so a bug fails instead of hanging).
async fn read_until(body: &mut McpBody, mut done: impl FnMut(&str) -> bool) -> String {
    let mut text = String::new();
    while !done(&text) {
        let frame = tokio::time::timeout(Duration::from_secs(10), body.frame())
            .await
            .expect("the stream stalled")
            .expect("the stream ended early")
            .expect("infallible");
        if let Ok(data) = frame.into_data() {
            text.push_str(std::str::from_utf8(&data).expect("utf8"));
        }
    }
    text
}

#[tokio::test]
#[expect(clippy::too_many_lines, reason = "a table of header cases")]
async fn modern_header_rules() {
    let (svc, ..) = service();
    let ok = send(
        &svc,
        modern("tools/call", Some("hello"), json!({"name": "hello"})),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(
        ok.headers().get("mcp-session-id").is_none(),
        "no session is minted"
    );
    assert_eq!(body_json(ok).await["result"]["content"][0]["text"], "hi");

    // base64 sentinel
    let r = send(
        &svc,
        modern(
            "tools/call",
            Some("=?base64?aGVsbG8=?="),
            json!({"name": "hello"}),
        ),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);

    let cases: Vec<(Request<Full<Bytes>>, i64)> = vec![
        (
            modern(
                "tools/call",
                Some("delete_everything"),
                json!({"name": "hello"}),
            ),
            -32020,
        ),
        (modern("tools/call", None, json!({"name": "hello"})), -32020),
        (
            modern(
                "tools/call",
                Some("=?base64?!!!?="),
                json!({"name": "hello"}),
            ),
            -32020,
        ),
        {
            let mut r = modern("tools/list", None, json!({}));
            r.headers_mut()
                .insert("mcp-method", "tools/call".parse().expect("header"));
            (r, -32020)
        },
        {
            let mut r = modern("tools/list", None, json!({}));
            r.headers_mut().remove("mcp-protocol-version");
            r.headers_mut().insert(
                "mcp-protocol-version",
                "2026-07-28".parse().expect("header"),
            );
            r.headers_mut().remove("mcp-method");
            (r, -32020)
        },
        {
            let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"_meta": {"io.modelcontextprotocol/protocolVersion": "v999.0.0", "io.modelcontextprotocol/clientCapabilities": {}}}});
            let r = post(&body)
                .header("mcp-protocol-version", MODERN)
                .header("mcp-method", "tools/list")
                .body(Full::new(Bytes::from(body.to_string())))
                .expect("req");
            (r, -32020)
        },
        {
            let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"_meta": {"io.modelcontextprotocol/protocolVersion": "v999.0.0", "io.modelcontextprotocol/clientCapabilities": {}}}});
            let r = post(&body)
                .header("mcp-protocol-version", "v999.0.0")
                .header("mcp-method", "tools/list")
                .body(Full::new(Bytes::from(body.to_string())))
                .expect("req");
            (r, -32022)
        },
        {
            let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"_meta": {"io.modelcontextprotocol/protocolVersion": MODERN}}});
            let r = post(&body)
                .header("mcp-protocol-version", MODERN)
                .header("mcp-method", "tools/list")
                .body(Full::new(Bytes::from(body.to_string())))
                .expect("req");
            (r, -32602)
        },
        // x-mcp-header parameter: header missing, or different from the body
        (
            modern(
                "tools/call",
                Some("regional"),
                json!({"name": "regional", "arguments": {"region": "eu"}}),
            ),
            -32020,
        ),
        {
            let mut r = modern(
                "tools/call",
                Some("regional"),
                json!({"name": "regional", "arguments": {"region": "eu"}}),
            );
            r.headers_mut()
                .insert("mcp-param-region", "us".parse().expect("header"));
            (r, -32020)
        },
    ];
    for (i, (req, code)) in cases.into_iter().enumerate() {
        let r = send(&svc, req).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "case {i}");
        let body = body_json(r).await;
        assert_eq!(body["error"]["code"], code, "case {i}: {body}");
        assert_eq!(body["id"], 1, "case {i}: the error carries the request id");
    }

    let mut r = modern(
        "tools/call",
        Some("regional"),
        json!({"name": "regional", "arguments": {"region": "eu"}}),
    );
    r.headers_mut().insert(
        "mcp-param-region",
        "=?base64?ZXU=?=".parse().expect("header"),
    );
    assert_eq!(send(&svc, r).await.status(), StatusCode::OK);

    for removed in ["ping", "initialize", "logging/setLevel", "unknown/method"] {
        let r = send(&svc, modern(removed, None, json!({}))).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{removed}");
        assert_eq!(body_json(r).await["error"]["code"], -32601);
    }
    // Mcp-Session-Id on a modern request is ignored
    let mut r = modern("tools/list", None, json!({}));
    r.headers_mut()
        .insert("mcp-session-id", "whatever".parse().expect("header"));
    let r = send(&svc, r).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().get("mcp-session-id").is_none());
}

#[tokio::test]
async fn modern_streams_and_disconnect_cancels() {
    let (svc, gate, cancelled) = service();
    let mut req = modern("tools/call", Some("gated"), json!({"name": "gated"}));
    let mut body: Value =
        serde_json::from_slice(&req.body().clone().collect().await.expect("b").to_bytes())
            .expect("json");
    body["params"]["_meta"]["progressToken"] = json!("t");
    *req.body_mut() = Full::new(Bytes::from(body.to_string()));
    let resp = send(&svc, req).await;
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    assert_eq!(resp.headers()["x-accel-buffering"], "no");
    let mut stream = resp.into_body();
    let head = read_until(&mut stream, |t| t.contains("before")).await;
    gate.notify_one();
    let tail = read_until(&mut stream, |t| t.contains("released")).await;
    let all = format!("{head}{tail}");
    assert!(
        !all.contains("\nid:") && !all.starts_with("id:"),
        "modern streams carry no event ids"
    );
    assert!(all.find("after").expect("after") < all.find("released").expect("result"));
    assert!(
        stream.frame().await.is_none(),
        "the final response ends the stream"
    );

    // closing the stream cancels the request
    let mut req = modern("tools/call", Some("hang"), json!({"name": "hang"}));
    let mut body: Value =
        serde_json::from_slice(&req.body().clone().collect().await.expect("b").to_bytes())
            .expect("json");
    body["params"]["_meta"]["progressToken"] = json!("h");
    *req.body_mut() = Full::new(Bytes::from(body.to_string()));
    let mut resp = send(&svc, req).await.into_body();
    // wait until the handler runs (the stream is open and the handler holds its token)
    let token = loop {
        if let Some(t) = cancelled.lock().expect("lock").clone() {
            break t;
        }
        tokio::task::yield_now().await;
        let _ = tokio::time::timeout(Duration::from_millis(10), resp.frame()).await;
    };
    assert!(!token.is_cancelled());
    drop(resp);
    tokio::time::timeout(Duration::from_secs(10), token.cancelled())
        .await
        .expect("closing the stream fires the handler's cancellation token");
}

fn legacy(body: &Value, session: Option<&str>, version: Option<&str>) -> Request<Full<Bytes>> {
    let mut b = post(body);
    if let Some(s) = session {
        b = b.header("mcp-session-id", s);
    }
    if let Some(v) = version {
        b = b.header("mcp-protocol-version", v);
    }
    b.body(Full::new(Bytes::from(body.to_string())))
        .expect("request")
}

async fn initialize(svc: &HttpService, version: &str) -> String {
    let body = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}});
    let r = send(svc, legacy(&body, None, None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let id = r.headers()["mcp-session-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(id.len() >= 22 && id.bytes().all(|b| (0x21..=0x7e).contains(&b)));
    let n = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let r = send(svc, legacy(&n, Some(&id), Some(version))).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    assert!(body_text(r).await.is_empty(), "202 has no body");
    id
}

fn as_bob(mut req: Request<Full<Bytes>>) -> Request<Full<Bytes>> {
    req.extensions_mut()
        .insert(Principal::new("bob", AuthMethod::Jwt));
    req
}

#[tokio::test]
async fn legacy_sessions_are_bound_and_validated() {
    let (svc, ..) = service();
    let sid = initialize(&svc, "2025-11-25").await;
    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
    assert_eq!(
        send(&svc, legacy(&list, Some(&sid), Some("2025-11-25")))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        send(&svc, legacy(&list, Some(&sid), None)).await.status(),
        StatusCode::OK,
        "missing header: negotiated version"
    );
    assert_eq!(
        send(&svc, legacy(&list, None, None)).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        send(&svc, legacy(&list, Some("nope"), None)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&svc, legacy(&list, Some(&sid), Some("1900-01-01")))
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        send(&svc, legacy(&list, Some(&sid), Some("2025-06-18")))
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );

    // another principal presenting the id: exactly like an unknown id, on POST, GET and DELETE
    assert_eq!(
        send(&svc, as_bob(legacy(&list, Some(&sid), None)))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let get = Request::get("/mcp")
        .header("host", "localhost")
        .header("accept", "text/event-stream")
        .header("mcp-session-id", &sid)
        .body(Full::new(Bytes::new()))
        .expect("req");
    assert_eq!(
        send(&svc, as_bob(get)).await.status(),
        StatusCode::NOT_FOUND
    );
    let del = || {
        Request::delete("/mcp")
            .header("host", "localhost")
            .header("mcp-session-id", &sid)
            .extension(Principal::new("alice", AuthMethod::Jwt))
            .body(Full::new(Bytes::new()))
            .expect("req")
    };
    assert_eq!(
        send(&svc, as_bob(del())).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&svc, legacy(&list, Some(&sid), None)).await.status(),
        StatusCode::OK,
        "alice's session survives"
    );

    // batches: refused in 2025-11-25
    let batch = json!([{"jsonrpc": "2.0", "id": 5, "method": "ping"}]);
    let r = send(&svc, legacy(&batch, Some(&sid), None)).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(body_json(r).await["error"]["code"], -32600);

    // DELETE ends it; the id is then unknown; a stale id on initialize starts a new session
    assert_eq!(send(&svc, del()).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        send(&svc, legacy(&list, Some(&sid), None)).await.status(),
        StatusCode::NOT_FOUND
    );
    let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}});
    let r = send(&svc, legacy(&init, Some(&sid), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_ne!(r.headers()["mcp-session-id"].to_str().expect("ascii"), sid);
}

#[tokio::test]
async fn batches_in_2025_03_26_sessions() {
    let (svc, ..) = service();
    let sid = initialize(&svc, "2025-03-26").await;
    let batch = json!([{"jsonrpc": "2.0", "id": 5, "method": "ping"}, {"jsonrpc": "2.0", "method": "notifications/x"}, {"jsonrpc": "2.0", "id": 6, "method": "tools/list"}]);
    let r = send(&svc, legacy(&batch, Some(&sid), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v = body_json(r).await;
    assert_eq!(v.as_array().expect("array").len(), 2);
    let only_notes = json!([{"jsonrpc": "2.0", "method": "notifications/x"}]);
    assert_eq!(
        send(&svc, legacy(&only_notes, Some(&sid), None))
            .await
            .status(),
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn priming_only_for_2025_11_25() {
    let (svc, ..) = service();
    let call =
        json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "hello"}});
    let sid = initialize(&svc, "2025-11-25").await;
    let text = body_text(send(&svc, legacy(&call, Some(&sid), None)).await).await;
    assert!(text.starts_with("id: "), "{text}");
    assert!(text.contains("retry: "));
    let sid = initialize(&svc, "2025-06-18").await;
    let text = body_text(send(&svc, legacy(&call, Some(&sid), None)).await).await;
    assert!(
        !text.contains("data: \n"),
        "no empty-data event before 2025-11-25: {text}"
    );
    assert!(!text.contains("retry:"));
}

#[tokio::test]
async fn resumption_replays_only_its_own_stream() {
    let (svc, gate, _) = service();
    let sid = initialize(&svc, "2025-11-25").await;
    // stream A: the gated tool; read up to its first progress event, then disconnect
    let call = json!({"jsonrpc": "2.0", "id": 10, "method": "tools/call", "params": {"name": "gated", "_meta": {"progressToken": "a"}}});
    let mut a = send(&svc, legacy(&call, Some(&sid), None))
        .await
        .into_body();
    let seen = read_until(&mut a, |t| t.contains("before")).await;
    let last_id = seen
        .lines()
        .filter_map(|l| l.strip_prefix("id: "))
        .next_back()
        .expect("events carry ids")
        .to_owned();
    drop(a);
    // stream B runs to completion meanwhile
    let other =
        json!({"jsonrpc": "2.0", "id": 11, "method": "tools/call", "params": {"name": "hello"}});
    let b = body_text(send(&svc, legacy(&other, Some(&sid), None)).await).await;
    assert!(b.contains("\"id\":11"));
    // a legacy disconnect is not a cancellation: release the tool, then resume stream A
    gate.notify_one();
    let get = |last: &str, principal: &str| {
        Request::get("/mcp")
            .header("host", "localhost")
            .header("accept", "text/event-stream")
            .header("mcp-session-id", &sid)
            .header("last-event-id", last)
            .extension(Principal::new(principal, AuthMethod::Jwt))
            .body(Full::new(Bytes::new()))
            .expect("req")
    };
    let resumed = send(&svc, get(&last_id, "alice")).await;
    assert_eq!(resumed.status(), StatusCode::OK);
    let mut body = resumed.into_body();
    let replay = read_until(&mut body, |t| t.contains("released")).await;
    assert!(replay.contains("after"));
    assert!(
        !replay.contains("\"id\":11"),
        "no event of stream B: {replay}"
    );
    let stream_a = last_id.rsplit_once('.').expect("stream.seq").0.to_owned();
    for id in replay.lines().filter_map(|l| l.strip_prefix("id: ")) {
        assert!(
            id.starts_with(&format!("{stream_a}.")),
            "{id} is not on stream {stream_a}"
        );
    }
    // another session's Last-Event-ID yields nothing
    let sid2 = initialize(&svc, "2025-11-25").await;
    let foreign = Request::get("/mcp")
        .header("host", "localhost")
        .header("accept", "text/event-stream")
        .header("mcp-session-id", &sid2)
        .header("last-event-id", &last_id)
        .extension(Principal::new("alice", AuthMethod::Jwt))
        .body(Full::new(Bytes::new()))
        .expect("req");
    // stream ids are per session: the same id names a different (or no) stream of sid2
    let r = send(&svc, foreign).await;
    if r.status() == StatusCode::OK {
        let mut body = r.into_body();
        let frame = tokio::time::timeout(Duration::from_millis(200), body.frame()).await;
        if let Ok(Some(Ok(f))) = frame {
            let text = String::from_utf8(f.into_data().expect("data").to_vec()).expect("utf8");
            assert!(
                !text.contains("released") && !text.contains("after"),
                "cross-session replay: {text}"
            );
        }
    } else {
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
#[expect(clippy::too_many_lines, reason = "a table of admission cases")]
async fn limits_and_admission() {
    let (svc, ..) = service();
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
    let with = |f: &dyn Fn(http::request::Builder) -> http::request::Builder, payload: Bytes| {
        f(Request::post("/mcp")
            .header("host", "localhost")
            .header("content-type", "application/json"))
        .body(Full::new(payload))
        .expect("req")
    };
    let big = Bytes::from(format!("{{\"x\":\"{}\"}}", "a".repeat(70 * 1024)));
    assert_eq!(
        send(&svc, with(&|b| b, big)).await.status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let json_bytes = Bytes::from(body.to_string());
    assert_eq!(
        send(
            &svc,
            with(
                &|b| b.header("content-type", "text/plain"),
                json_bytes.clone()
            )
        )
        .await
        .status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let mut r = with(&|b| b, json_bytes.clone());
    r.headers_mut()
        .insert("content-type", "text/plain".parse().expect("h"));
    assert_eq!(
        send(&svc, r).await.status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(
        send(
            &svc,
            with(&|b| b.header("accept", "text/html"), json_bytes.clone())
        )
        .await
        .status(),
        StatusCode::NOT_ACCEPTABLE
    );
    assert_eq!(
        send(
            &svc,
            with(
                &|b| b.header("origin", "https://evil.example"),
                json_bytes.clone()
            )
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    let mut r = with(&|b| b, json_bytes.clone());
    r.headers_mut()
        .insert("host", "evil.example.com".parse().expect("h"));
    assert_eq!(
        send(&svc, r).await.status(),
        StatusCode::MISDIRECTED_REQUEST
    );
    let put = Request::put("/mcp")
        .header("host", "localhost")
        .body(Full::new(Bytes::new()))
        .expect("req");
    assert_eq!(
        send(&svc, put).await.status(),
        StatusCode::METHOD_NOT_ALLOWED
    );
    assert_eq!(
        send(&svc, with(&|b| b, Bytes::from_static(b"{bad")))
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    let nested = Bytes::from(format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":{{\"a\":{}1{}}}}}",
        "[".repeat(5000),
        "]".repeat(5000)
    ));
    let r = send(&svc, with(&|b| b, nested)).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(body_json(r).await["error"]["code"], -32700);
    let unknown = Request::get("/elsewhere")
        .header("host", "localhost")
        .body(Full::new(Bytes::new()))
        .expect("req");
    assert_eq!(send(&svc, unknown).await.status(), StatusCode::NOT_FOUND);

    // an empty allow-list is a configuration error, never "allow all"
    assert!(HostPolicy::hosts(Vec::<String>::new()).is_err());

    // stateless legacy mode: GET and DELETE are 405 with Allow: POST
    let stateless = HttpService::builder(Server::builder("s", "1").build())
        .stateless(true)
        .build();
    for method in [http::Method::GET, http::Method::DELETE] {
        let r = Request::builder()
            .method(method)
            .uri("/mcp")
            .header("host", "localhost")
            .body(Full::new(Bytes::new()))
            .expect("req");
        let r = send(&stateless, r).await;
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(r.headers()["allow"], "POST");
    }
}

#[tokio::test]
async fn session_caps() {
    let limits = SessionLimits::default();
    let mut one = limits;
    one.max_per_principal = 1;
    let svc = HttpService::builder(server(Arc::new(Notify::new()), Slot::default()))
        .session_limits(one)
        .build();
    initialize(&svc, "2025-11-25").await;
    let body = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}});
    let r = send(&svc, legacy(&body, None, None)).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    // another principal still gets one
    assert_eq!(
        send(&svc, as_bob(legacy(&body, None, None))).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn health_endpoints() {
    let (svc, ..) = service();
    let _sid = initialize(&svc, "2025-11-25").await;
    for path in ["/health/live", "/health/ready"] {
        let r = send(
            &svc,
            Request::get(path)
                .body(Full::new(Bytes::new()))
                .expect("req"),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK);
        let v = body_json(r).await;
        assert_eq!(
            v,
            json!({"status": "pass"}),
            "no session ids, tokens or tenants"
        );
    }
}

#[tokio::test]
async fn readiness_reflects_the_upstream_check() {
    let up = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let flag = Arc::clone(&up);
    let svc = HttpService::builder(server(Arc::new(Notify::new()), Arc::default()))
        .readiness(move || {
            let flag = Arc::clone(&flag);
            async move { flag.load(std::sync::atomic::Ordering::SeqCst) }
        })
        .build();
    let probe = |path: &'static str| {
        let svc = svc.clone();
        async move {
            let r = send(
                &svc,
                Request::get(path)
                    .body(Full::new(Bytes::new()))
                    .expect("req"),
            )
            .await;
            (r.status(), body_json(r).await)
        }
    };
    assert_eq!(
        probe("/health/ready").await,
        (StatusCode::OK, json!({"status": "pass"}))
    );
    up.store(false, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        probe("/health/ready").await,
        (StatusCode::SERVICE_UNAVAILABLE, json!({"status": "fail"}))
    );
    assert_eq!(
        probe("/health/live").await.0,
        StatusCode::OK,
        "liveness does not depend on upstreams"
    );
}

#[tokio::test]
async fn legacy_sse_transport() {
    let (svc, ..) = service();
    let open = Request::get("/sse")
        .header("host", "localhost")
        .header("accept", "text/event-stream")
        .extension(Principal::new("alice", AuthMethod::Jwt))
        .body(Full::new(Bytes::new()))
        .expect("req");
    let r = send(&svc, open).await;
    assert_eq!(r.status(), StatusCode::OK);
    let mut stream = r.into_body();
    let first = read_until(&mut stream, |t| t.contains("\n\n")).await;
    assert!(
        first.starts_with("event: endpoint\ndata: /messages?sessionId="),
        "{first}"
    );
    let endpoint = first
        .lines()
        .nth(1)
        .expect("data")
        .trim_start_matches("data: ")
        .to_owned();
    let msg = |body: &Value, principal: &str| {
        Request::post(endpoint.as_str())
            .header("host", "localhost")
            .header("content-type", "application/json")
            .extension(Principal::new(principal, AuthMethod::Jwt))
            .body(Full::new(Bytes::from(body.to_string())))
            .expect("req")
    };
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2024-11-05", "capabilities": {}, "clientInfo": {"name": "old", "version": "1"}}});
    assert_eq!(
        send(&svc, msg(&init, "bob")).await.status(),
        StatusCode::NOT_FOUND,
        "bound to the principal"
    );
    assert_eq!(
        send(&svc, msg(&init, "alice")).await.status(),
        StatusCode::ACCEPTED
    );
    let text = read_until(&mut stream, |t| t.contains("protocolVersion")).await;
    assert!(text.contains("event: message"));
    assert!(text.contains("\"2024-11-05\""));
    let call =
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "hello"}});
    assert_eq!(
        send(&svc, msg(&call, "alice")).await.status(),
        StatusCode::ACCEPTED
    );
    let text = read_until(&mut stream, |t| t.contains("\"id\":2")).await;
    assert!(text.contains("\"hi\""));
}

#[tokio::test]
async fn graceful_shutdown_ends_listen_streams() {
    let (svc, ..) = service();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let stop = Arc::new(Notify::new());
    let stop2 = Arc::clone(&stop);
    let served = tokio::spawn(
        mcp_server::http::serve(listener, svc)
            .drain_timeout(Duration::from_secs(5))
            .with_graceful_shutdown(async move { stop2.notified().await })
            .into_future(),
    );
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .expect("handshake");
    tokio::spawn(conn);
    let body = json!({"jsonrpc": "2.0", "id": "L", "method": "subscriptions/listen", "params": {"_meta": meta(), "notifications": {"toolsListChanged": true}}});
    let req = Request::post("/mcp")
        .header("host", "127.0.0.1")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", MODERN)
        .header("mcp-method", "subscriptions/listen")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("req");
    let resp = sender.send_request(req).await.expect("response");
    assert_eq!(resp.status(), StatusCode::OK);
    let mut body = resp.into_body();
    let mut text = String::new();
    while !text.contains("acknowledged") {
        let f = tokio::time::timeout(Duration::from_secs(10), body.frame())
            .await
            .expect("ack")
            .expect("frame")
            .expect("ok");
        text.push_str(std::str::from_utf8(&f.into_data().expect("data")).expect("utf8"));
    }
    stop.notify_one();
    while let Some(f) = tokio::time::timeout(Duration::from_secs(10), body.frame())
        .await
        .expect("the stream ends")
    {
        if let Ok(d) = f.expect("ok").into_data() {
            text.push_str(std::str::from_utf8(&d).expect("utf8"));
        }
    }
    assert!(
        text.contains("\"id\":\"L\""),
        "the listen request is completed on shutdown: {text}"
    );
    assert!(text.contains("\"resultType\":\"complete\""));
    tokio::time::timeout(Duration::from_secs(10), served)
        .await
        .expect("serve returns")
        .expect("join")
        .expect("ok");
}

#[tokio::test]
async fn scope_shortfall_is_a_403_challenge() {
    use mcp_server::authz::{Check, Decision};
    let open = object(json!({"type": "object", "additionalProperties": false}));
    let server = Server::builder("scoped", "1")
        .tool(tool::from_fn(ToolDef::new("write", open), |_| async {
            Ok(CallToolResult::text("ok"))
        }))
        .authorize(|check: &Check<'_>| {
            if check.method == "tools/call" && !check.principal.has_scope("files:write") {
                Decision::InsufficientScope {
                    required: vec!["files:write".into(), "files:read".into()],
                }
            } else {
                Decision::Allow
            }
        })
        .build();
    let svc = HttpService::builder(server).build();
    let r = send(
        &svc,
        modern("tools/call", Some("write"), json!({"name": "write"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        r.headers()["www-authenticate"],
        "Bearer error=\"insufficient_scope\", scope=\"files:write files:read\""
    );
    assert!(
        r.extensions()
            .get::<mcp_server::http::InsufficientScope>()
            .is_some()
    );
    let body = body_json(r).await;
    assert_eq!(body["error"]["code"], -31001);

    let mut req = modern("tools/call", Some("write"), json!({"name": "write"}));
    req.extensions_mut()
        .insert(Principal::new("alice", AuthMethod::Jwt).with_scopes(["files:write"]));
    assert_eq!(send(&svc, req).await.status(), StatusCode::OK);

    // a legacy session gets the same 403, before any event stream starts
    let sid = initialize(&svc, "2025-11-25").await;
    let call =
        json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "write"}});
    let r = send(&svc, legacy(&call, Some(&sid), None)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.headers().contains_key("www-authenticate"));
}

#[tokio::test]
async fn request_timeout_answers_and_cancels() {
    let gate = Arc::new(Notify::new());
    let svc = HttpService::builder(server(Arc::clone(&gate), Slot::default()))
        .request_timeout(Some(Duration::from_millis(100)))
        .build();
    // `gated` waits for a release that never comes
    let r = send(
        &svc,
        modern("tools/call", Some("gated"), json!({"name": "gated"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = body_json(r).await;
    assert_eq!(body["error"]["code"], -32603);
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("timed out")
    );
}

#[tokio::test]
async fn slow_headers_are_cut_off() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let (svc, ..) = service();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(
        mcp_server::http::serve(listener, svc)
            .header_read_timeout(Duration::from_millis(200))
            .into_future(),
    );
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    // half a request line, then nothing (slowloris)
    stream
        .write_all(b"POST /mcp HTTP/1.1\r\nHost: local")
        .await
        .expect("write");
    let mut buf = Vec::new();
    // The server must close the connection on its own (bounded wait so a missing timer
    // fails the test instead of hanging it).
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut buf)).await;
    assert!(
        read.is_ok(),
        "the connection was not closed: the header timer is not active"
    );
}
