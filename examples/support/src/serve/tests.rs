//! Tests of the command line, the key file, the policy and the HTTP stack of auth mode.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Parser;
use mcp_server::{Server, ToolError, mcp_tool};
use serde_json::{Value, json};

use super::{Product, ServeArgs, auth_layer, policy, readiness, run_http, serve};

const PRODUCT: Product = Product {
    name: "demo",
    default_port: 0,
    write_tools: &["write_thing"],
};

#[derive(Debug, Parser)]
struct Cli {
    #[command(flatten)]
    serve: ServeArgs,
}

fn parse(args: &[&str]) -> Result<ServeArgs, clap::Error> {
    Cli::try_parse_from(std::iter::once("demo").chain(args.iter().copied())).map(|c| c.serve)
}

/// Reads something.
#[mcp_tool(read_only)]
async fn read_thing() -> Result<String, ToolError> {
    Ok("read ok".to_owned())
}

/// Writes something.
#[mcp_tool]
async fn write_thing() -> Result<String, ToolError> {
    Ok("write ok".to_owned())
}

fn builder() -> mcp_server::ServerBuilder {
    Server::builder("demo", "0.0.0")
        .tool(read_thing)
        .tool(write_thing)
}

/// A file under the temp dir, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("example-support-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).expect("write temp file");
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn flags() {
    let args = parse(&[]).expect("no flags");
    assert!(!args.stdio && args.bind.is_none() && args.jwks.is_none());
    assert_eq!(args.api_key_pepper, "mcp-example-dev-pepper");

    let args = parse(&[
        "--bind",
        "127.0.0.1:9000",
        "--allow-host",
        "mcp.example.com",
        "--allow-host",
        "other.example.com",
        "--read-scope",
        "r",
        "--write-scope",
        "w",
    ])
    .expect("valid");
    assert_eq!(args.bind, Some("127.0.0.1:9000".parse().expect("addr")));
    assert_eq!(args.allow_hosts, ["mcp.example.com", "other.example.com"]);
    assert_eq!(args.read_scope.as_deref(), Some("r"));
    assert_eq!(args.write_scope.as_deref(), Some("w"));

    assert!(parse(&["--stdio"]).expect("valid").stdio);
    for bad in [
        &["--stdio", "--bind", "127.0.0.1:1"][..],
        &["--stdio", "--api-keys", "k.json"],
        &["--jwks", "j.json"],
        &["--jwks", "j.json", "--issuer", "https://issuer.example"],
    ] {
        assert!(parse(bad).is_err(), "{bad:?}");
    }
    let ok = parse(&[
        "--jwks",
        "j.json",
        "--issuer",
        "https://issuer.example",
        "--audience",
        "http://127.0.0.1:1/mcp",
    ]);
    assert!(ok.is_ok());
}

#[test]
fn debug_hides_the_pepper() {
    let args = parse(&["--api-key-pepper", "very-secret-pepper"]).expect("valid");
    let text = format!("{args:?}");
    assert!(!text.contains("very-secret-pepper"), "{text}");
}

#[test]
fn policy_and_key_file_errors() {
    // The policy itself is exercised over HTTP below.
    let missing = parse(&["--api-keys", "/nonexistent/keys.json"]).expect("valid");
    let e = auth_layer(&missing, ["demo:read", "demo:write"]).expect_err("no file");
    assert!(e.starts_with("/nonexistent/keys.json: "), "{e}");

    let both = TempFile::new(
        "both.json",
        r#"[{"id": "k1", "secret": "s", "digest": "00"}]"#,
    );
    let args = parse(&["--api-keys", both.0.to_str().expect("utf-8 path")]).expect("valid");
    let e = auth_layer(&args, ["demo:read", "demo:write"]).expect_err("both");
    assert_eq!(e, "key k1: give exactly one of digest and secret");

    let short = TempFile::new("short.json", r#"[{"id": "k1", "digest": "abcd"}]"#);
    let args = parse(&["--api-keys", short.0.to_str().expect("utf-8 path")]).expect("valid");
    let e = auth_layer(&args, ["demo:read", "demo:write"]).expect_err("short digest");
    assert_eq!(e, "key k1: digest is not 64 hex digits");
}

#[tokio::test]
async fn unusable_configuration_exits_with_2() {
    let args = parse(&["--api-keys", "/nonexistent/keys.json"]).expect("valid");
    assert_eq!(
        serve(builder(), &args, &PRODUCT, None).await,
        std::process::ExitCode::from(2)
    );
    let mut args = parse(&["--stdio"]).expect("valid");
    args.jwks = Some("/nonexistent/jwks.json".into());
    assert_eq!(
        serve(builder(), &args, &PRODUCT, None).await,
        std::process::ExitCode::from(2)
    );
}

/// A running HTTP stack; stops when dropped.
struct Running {
    base: String,
    client: reqwest::Client,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn start(args: &ServeArgs, ready: Option<super::Readiness>) -> Running {
    let auth = args.jwks.is_some() || args.api_keys.is_some();
    let layer = auth.then(|| auth_layer(args, ["demo:read", "demo:write"]).expect("layer"));
    let builder = if auth {
        builder().authorize(policy(&PRODUCT, "demo:read", "demo:write"))
    } else {
        builder()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = builder.build();
    let hosts = args.allow_hosts.clone();
    tokio::spawn(async move {
        run_http(listener, server, &hosts, layer, ready, async move {
            let _ = stopped.await;
        })
        .await
    });
    Running {
        base: format!("http://{addr}"),
        client: {
            crate::upstream::install_crypto_provider();
            reqwest::Client::new()
        },
        _stop: stop,
    }
}

impl Running {
    /// `tools/call name` in the 2026-07-28 era, with an optional API key.
    async fn call(&self, key: Option<&str>, name: &str) -> (u16, String, Value) {
        let body = json!({
            "jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {
                "name": name, "arguments": {},
                "_meta": {
                    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                    "io.modelcontextprotocol/clientCapabilities": {},
                },
            },
        });
        let mut request = self
            .client
            .post(format!("{}/mcp", self.base))
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2026-07-28")
            .header("mcp-method", "tools/call")
            .header("mcp-name", name)
            .body(body.to_string());
        if let Some(key) = key {
            request = request.header("x-api-key", key);
        }
        let response = request.send().await.expect("answer");
        let status = response.status().as_u16();
        let challenge = response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let text = response.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, challenge, json)
    }

    async fn status(&self, path: &str) -> u16 {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("answer")
            .status()
            .as_u16()
    }
}

#[tokio::test]
async fn readiness_follows_the_probe() {
    let up = Arc::new(AtomicBool::new(true));
    let probe = up.clone();
    let args = parse(&[]).expect("valid");
    let running = start(
        &args,
        Some(readiness(move || {
            let up = probe.load(Ordering::SeqCst);
            async move { up }
        })),
    )
    .await;
    assert_eq!(running.status("/health/ready").await, 200);
    up.store(false, Ordering::SeqCst);
    assert_eq!(running.status("/health/ready").await, 503);
    assert_eq!(running.status("/health/live").await, 200);
    // No auth: tools are callable without a key.
    let (status, _, answer) = running.call(None, "write_thing").await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["result"]["content"][0]["text"], "write ok");
}

#[tokio::test]
async fn auth_mode_needs_the_read_scope_and_the_write_scope_for_writes() {
    let keys = TempFile::new(
        "keys.json",
        r#"[
            {"id": "reader", "secret": "reader-secret", "scopes": ["demo:read"], "subject": "rita"},
            {"id": "writer", "secret": "writer-secret", "scopes": ["demo:read", "demo:write"], "subject": "walt"},
            {"id": "nobody", "secret": "nobody-secret", "scopes": []}
        ]"#,
    );
    let args = parse(&[
        "--api-keys",
        keys.0.to_str().expect("utf-8 path"),
        "--audience",
        "http://127.0.0.1/mcp",
    ])
    .expect("valid");
    let running = start(&args, None).await;

    let (status, challenge, _) = running.call(None, "read_thing").await;
    assert_eq!(status, 401);
    assert!(challenge.contains("resource_metadata"), "{challenge}");

    let (status, _, _) = running.call(Some("mcp_reader_wrong"), "read_thing").await;
    assert_eq!(status, 401);

    let reader = Some("mcp_reader_reader-secret");
    let (status, _, answer) = running.call(reader, "read_thing").await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["result"]["content"][0]["text"], "read ok");

    let (status, challenge, answer) = running.call(reader, "write_thing").await;
    assert_eq!(status, 403, "{answer}");
    assert!(challenge.contains("insufficient_scope"), "{challenge}");
    assert!(challenge.contains("demo:write"), "{challenge}");

    let (status, _, answer) = running
        .call(Some("mcp_writer_writer-secret"), "write_thing")
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["result"]["content"][0]["text"], "write ok");

    let (status, challenge, _) = running
        .call(Some("mcp_nobody_nobody-secret"), "read_thing")
        .await;
    assert_eq!(status, 403);
    assert!(challenge.contains("demo:read"), "{challenge}");
}
