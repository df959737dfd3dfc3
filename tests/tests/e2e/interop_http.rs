//! The official MCP client SDKs against `everything --bind 127.0.0.1:0`, over Streamable HTTP
//! (both protocol eras) and the 2024-11-05 HTTP+SSE transport (legacy era).
//!
//! Each test starts its own server on an ephemeral port ([`HttpServer`]: the port is read from
//! the `listening on http://…` line on its stderr, the process is killed when the test ends) and
//! runs one client script from `tests/interop/` with `--transport http|sse --url URL`; it passes
//! when the script exits 0 with `N passed, 0 failed` and the server is still running. A failure
//! message holds the client's transcript and the server's stderr.
//!
//! | test | client | transport | era |
//! | --- | --- | --- | --- |
//! | `interop_http_python_legacy` | `PyPI` `mcp`, `Client(URL, mode="legacy")` | Streamable HTTP, `Mcp-Session-Id` session | `initialize` at 2025-11-25 |
//! | `interop_http_python_modern` | `PyPI` `mcp`, `Client(URL, mode="2026-07-28")` | Streamable HTTP, stateless | 2026-07-28 |
//! | `interop_sse_python_legacy` | `PyPI` `mcp`, `Client(sse_client(URL), mode="legacy")` | HTTP+SSE (`/sse`, `/messages`) | `initialize` at 2025-11-25 |
//! | `interop_http_ts_legacy` | npm `@modelcontextprotocol/sdk` (v1), `StreamableHTTPClientTransport` | Streamable HTTP, session | `initialize` at 2025-11-25 |
//! | `interop_http_ts_v2_legacy` | npm `@modelcontextprotocol/client` (v2), `StreamableHTTPClientTransport` | Streamable HTTP, session | `initialize` at 2025-11-25 |
//! | `interop_http_ts_modern` | npm `@modelcontextprotocol/client` (v2) pinned 2026-07-28 | Streamable HTTP, stateless | `server/discover`, then stateless |
//! | `interop_sse_ts_legacy` | npm `@modelcontextprotocol/sdk` (v1), `SSEClientTransport` | HTTP+SSE | `initialize` at 2025-11-25 |
//! | `interop_sse_ts_v2_legacy` | npm `@modelcontextprotocol/client` (v2), `SSEClientTransport` | HTTP+SSE | `initialize` at 2025-11-25 |
//!
//! Not run, because no SDK can: the 2026-07-28 era over HTTP+SSE (that revision has no such
//! transport, and neither SDK offers it), and the TypeScript v1 line in the 2026-07-28 era (v1
//! speaks only the handshake revisions).
//!
//! Without the toolchains a test is skipped with a loud message, unless `CI` is set, where it
//! fails (as in [`super::interop`]).

use std::process::Command;
use std::time::Duration;

use mcp_tests::{HttpServer, everything_binary};

use super::interop::{check_run, python_command, server_log_level, typescript_command};

/// How long a freshly started server may take to announce its port.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Which HTTP transport a client script uses (`--transport`).
#[derive(Debug, Clone, Copy)]
enum Transport {
    /// Streamable HTTP at the announced endpoint (`/mcp`).
    Http,
    /// The 2024-11-05 HTTP+SSE transport at `/sse`.
    Sse,
}

#[test]
fn interop_http_python_legacy() {
    python("interop_http_python_legacy", "legacy", Transport::Http);
}

#[test]
fn interop_http_python_modern() {
    python("interop_http_python_modern", "modern", Transport::Http);
}

#[test]
fn interop_sse_python_legacy() {
    python("interop_sse_python_legacy", "legacy", Transport::Sse);
}

#[test]
fn interop_http_ts_legacy() {
    typescript("interop_http_ts_legacy", "legacy", "v1", Transport::Http);
}

#[test]
fn interop_http_ts_v2_legacy() {
    typescript("interop_http_ts_v2_legacy", "legacy", "v2", Transport::Http);
}

#[test]
fn interop_http_ts_modern() {
    typescript("interop_http_ts_modern", "modern", "v2", Transport::Http);
}

#[test]
fn interop_sse_ts_legacy() {
    typescript("interop_sse_ts_legacy", "legacy", "v1", Transport::Sse);
}

#[test]
fn interop_sse_ts_v2_legacy() {
    typescript("interop_sse_ts_v2_legacy", "legacy", "v2", Transport::Sse);
}

fn python(test: &str, era: &str, transport: Transport) {
    if let Some(command) = python_command(test, era) {
        run_over_http(test, command, transport);
    }
}

fn typescript(test: &str, era: &str, sdk: &str, transport: Transport) {
    if let Some(command) = typescript_command(test, era, sdk) {
        run_over_http(test, command, transport);
    }
}

/// Starts a server of its own, points the client command at it and checks the client's verdict
/// and that the server outlived the run.
fn run_over_http(test: &str, mut command: Command, transport: Transport) {
    let binary =
        everything_binary().unwrap_or_else(|e| panic!("{test}: cannot build the server: {e}"));
    let mut server = HttpServer::start(
        Command::new(&binary)
            .args(["--bind", "127.0.0.1:0"])
            .env("RUST_LOG", server_log_level()),
        START_TIMEOUT,
    )
    .unwrap_or_else(|e| panic!("{test}: cannot start `{} --bind`: {e}", binary.display()));
    let (name, url) = match transport {
        Transport::Http => ("http", server.endpoint().to_owned()),
        Transport::Sse => ("sse", server.url("/sse")),
    };
    command.args(["--transport", name, "--url", &url]);
    check_run(test, command, || {
        format!("--- server ({url}) stderr:\n{}", server.stderr().trim_end())
    });
    let running = server.running().unwrap_or(false);
    assert!(
        running,
        "{test}: the server exited during the run; stderr:\n{}",
        server.stderr()
    );
}
