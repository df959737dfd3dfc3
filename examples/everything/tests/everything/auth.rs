//! `everything --jwks/--issuer/--audience/--api-keys`: auth mode over real HTTP, with the fixed
//! policy (`mcp:read` for everything, `mcp:echo` for `echo`, `mcp:sum` for `sum`).

use std::fmt::Write as _;
use std::process::Stdio;
use std::time::Duration;

use mcp_auth::testing::{TestIssuer, jwks_json};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

const ISSUER: &str = "https://as.example.com";
const AUDIENCE: &str = "http://127.0.0.1/mcp";
const MODERN: &str = "2026-07-28";

/// One HTTP/1.1 exchange on a fresh connection: (status, raw headers, body).
async fn exchange(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &str,
) -> (u16, String, String) {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        let _ = write!(request, "{k}: {v}\r\n");
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.expect("writes");
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut raw))
        .await
        .expect("answers in time")
        .expect("reads");
    let raw = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = raw.split_once("\r\n\r\n").expect("a response");
    let status = head[9..12].parse().expect("status");
    (status, head.to_ascii_lowercase(), body.to_owned())
}

async fn call(
    addr: &str,
    auth: Option<(&str, String)>,
    tool: &str,
    arguments: Value,
) -> (u16, String, String) {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
        "name": tool, "arguments": arguments,
        "_meta": {"io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {}}}});
    let mut headers = vec![
        ("content-type", "application/json".to_owned()),
        ("accept", "application/json, text/event-stream".to_owned()),
        ("mcp-protocol-version", MODERN.to_owned()),
        ("mcp-method", "tools/call".to_owned()),
        ("mcp-name", tool.to_owned()),
    ];
    if let Some(a) = auth {
        headers.push(a);
    }
    exchange(addr, "POST", "/mcp", &headers, &body.to_string()).await
}

#[tokio::test]
async fn jwt_and_api_key_auth_mode() {
    let dir = std::env::temp_dir().join(format!("everything-auth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let issuer = TestIssuer::new(ISSUER, AUDIENCE);
    std::fs::write(dir.join("jwks.json"), jwks_json(&[&issuer])).expect("jwks");
    std::fs::write(
        dir.join("keys.json"),
        json!([{"id": "ci", "secret": "s3cret", "tenant": "t1", "scopes": ["mcp:read", "mcp:sum"]}]).to_string(),
    )
    .expect("keys");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_everything"))
        .args([
            "--bind",
            "127.0.0.1:0",
            "--issuer",
            ISSUER,
            "--audience",
            AUDIENCE,
        ])
        .arg("--jwks")
        .arg(dir.join("jwks.json"))
        .arg("--api-keys")
        .arg(dir.join("keys.json"))
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawns");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let addr = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.expect("stderr") {
            if let Some(url) = line.strip_prefix("listening on http://") {
                return url.trim_end_matches("/mcp").to_owned();
            }
        }
        panic!("no listening line")
    })
    .await
    .expect("starts");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

    // No credentials: 401 with the challenge; the metadata names the issuer.
    let (status, head, _) = call(&addr, None, "echo", json!({"message": "hi"})).await;
    assert_eq!(status, 401);
    assert!(head.contains("www-authenticate: bearer resource_metadata=\"http://127.0.0.1/.well-known/oauth-protected-resource/mcp\", scope=\"mcp:read\""), "{head}");
    let (status, _, body) = exchange(
        &addr,
        "GET",
        "/.well-known/oauth-protected-resource/mcp",
        &[],
        "",
    )
    .await;
    assert_eq!(status, 200);
    let doc: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(doc["authorization_servers"], json!([ISSUER]));
    assert_eq!(doc["resource"], AUDIENCE);

    let bearer = |scopes: &[&str]| ("authorization", format!("Bearer {}", issuer.token(scopes)));
    // mcp:read alone: echo needs mcp:echo too.
    let (status, head, _) = call(
        &addr,
        Some(bearer(&["mcp:read"])),
        "echo",
        json!({"message": "hi"}),
    )
    .await;
    assert_eq!(status, 403);
    assert!(head.contains("scope=\"mcp:echo mcp:read\""), "{head}");
    let (status, _, body) = call(
        &addr,
        Some(bearer(&["mcp:read", "mcp:echo"])),
        "echo",
        json!({"message": "hi"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("hi"));
    // A wrong audience is refused.
    let other = TestIssuer::new(ISSUER, "http://127.0.0.1:9/mcp");
    let (status, head, _) = call(
        &addr,
        Some((
            "authorization",
            format!("Bearer {}", other.token(["mcp:read"])),
        )),
        "echo",
        json!({}),
    )
    .await;
    assert_eq!(status, 401);
    assert!(head.contains("error=\"invalid_token\""));

    // The API key has mcp:read and mcp:sum, not mcp:echo.
    let key = ("x-api-key", "mcp_ci_s3cret".to_owned());
    let (status, _, body) = call(&addr, Some(key.clone()), "sum", json!({"numbers": [1, 2]})).await;
    assert_eq!(status, 200, "{body}");
    let (status, _, _) = call(&addr, Some(key), "echo", json!({"message": "hi"})).await;
    assert_eq!(status, 403);
    let (status, _, _) = call(
        &addr,
        Some(("x-api-key", "mcp_ci_wrong".to_owned())),
        "sum",
        json!({"numbers": [1]}),
    )
    .await;
    assert_eq!(status, 401);
    let _ = std::fs::remove_dir_all(dir);
}
