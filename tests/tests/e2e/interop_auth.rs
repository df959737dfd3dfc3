//! The official MCP client SDKs against `everything` in auth mode: `--jwks FILE --issuer ISS
//! --audience AUD`, where every request needs a bearer JWT with scope `mcp:read`, tool `echo`
//! also `mcp:echo` and tool `sum` also `mcp:sum`.
//!
//! Each test writes the JWKS of [`TestIssuer`] (fixed RS256 test keys) to a directory of its own,
//! starts a server with it on an ephemeral port, mints a token and runs one client script from
//! `tests/interop/` with `--transport http --url URL --bearer TOKEN`: the scripts send
//! `Authorization: Bearer TOKEN` through each SDK's own mechanism (Python: an `httpx2` client
//! with default headers given to `streamable_http_client`; TypeScript: the transport's
//! `requestInit.headers`) and run all their usual checks. The audience is fixed before the port
//! is known ([`AUDIENCE`]), so it is not the server's own URL; the server and the tokens only have
//! to agree on it.
//!
//! | test | client | token scopes | expectation |
//! | --- | --- | --- | --- |
//! | `interop_auth_python_legacy` | `PyPI` `mcp`, legacy (session) | read, echo, sum | every check passes |
//! | `interop_auth_python_modern` | `PyPI` `mcp`, 2026-07-28 | read, echo, sum | every check passes |
//! | `interop_auth_ts_legacy` | npm `@modelcontextprotocol/sdk` (v1), legacy | read, echo, sum | every check passes |
//! | `interop_auth_ts_modern` | npm `@modelcontextprotocol/client` (v2), 2026-07-28 | read, echo, sum | every check passes |
//! | `interop_auth_python_modern_denied_sum` | `PyPI` `mcp`, 2026-07-28 | read, echo | `sum` fails (HTTP 403 `insufficient_scope`), everything else passes (`--expect-denied-tool sum`) |
//! | `auth_missing_token_is_401` | raw HTTP/1.1 over `TcpStream` | none | 401 with `WWW-Authenticate: Bearer resource_metadata=...` |
//!
//! The client runs are skipped loudly without the toolchains, unless `CI` is set, where they fail
//! (as in [`super::interop`]); the raw check needs no toolchain.

use std::fs;
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use mcp_auth::testing::{TestIssuer, jwks_json};
use mcp_tests::{HttpServer, everything_binary};

use super::interop::{check_run, python_command, server_log_level, typescript_command};

/// How long a freshly started server may take to announce its port.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The token issuer (`iss`) the server accepts.
const ISSUER: &str = "https://issuer.everything.test";

/// The audience (`aud`) the server accepts, fixed before the server's port is known.
const AUDIENCE: &str = "https://everything.test/mcp";

/// Every scope the fixed policy of auth mode asks for.
const ALL_SCOPES: [&str; 3] = ["mcp:read", "mcp:echo", "mcp:sum"];

/// Everything but `mcp:sum`: tool `sum` must be refused, everything else must work.
const NO_SUM_SCOPES: [&str; 2] = ["mcp:read", "mcp:echo"];

#[test]
fn interop_auth_python_legacy() {
    if let Some(command) = python_command("interop_auth_python_legacy", "legacy") {
        run_with_token("interop_auth_python_legacy", command, &ALL_SCOPES, None);
    }
}

#[test]
fn interop_auth_python_modern() {
    if let Some(command) = python_command("interop_auth_python_modern", "modern") {
        run_with_token("interop_auth_python_modern", command, &ALL_SCOPES, None);
    }
}

#[test]
fn interop_auth_ts_legacy() {
    if let Some(command) = typescript_command("interop_auth_ts_legacy", "legacy", "v1") {
        run_with_token("interop_auth_ts_legacy", command, &ALL_SCOPES, None);
    }
}

#[test]
fn interop_auth_ts_modern() {
    if let Some(command) = typescript_command("interop_auth_ts_modern", "modern", "v2") {
        run_with_token("interop_auth_ts_modern", command, &ALL_SCOPES, None);
    }
}

#[test]
fn interop_auth_python_modern_denied_sum() {
    let test = "interop_auth_python_modern_denied_sum";
    if let Some(command) = python_command(test, "modern") {
        run_with_token(test, command, &NO_SUM_SCOPES, Some("sum"));
    }
}

#[test]
fn auth_missing_token_is_401() {
    let test = "auth_missing_token_is_401";
    let (_dir, server) = start_auth_server(test);
    let endpoint = server.endpoint();
    let authority = endpoint
        .strip_prefix("http://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("{test}: unexpected endpoint {endpoint}"));
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
    let request = format!(
        "POST /mcp HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let response = raw_exchange(authority, &request)
        .unwrap_or_else(|e| panic!("{test}: HTTP exchange with {authority} failed: {e}"));
    let head = response.split("\r\n\r\n").next().unwrap_or_default();
    let status = head.lines().next().unwrap_or_default();
    assert!(
        status.starts_with("HTTP/1.1 401"),
        "{test}: expected 401 without a token, got:\n{response}\n--- server stderr:\n{}",
        server.stderr()
    );
    let challenge = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("www-authenticate"))
        .map(|(_, value)| value.trim());
    assert!(
        challenge.is_some_and(|c| c.starts_with("Bearer ") && c.contains("resource_metadata=\"")),
        "{test}: expected `WWW-Authenticate: Bearer resource_metadata=\"...\"`, got {challenge:?} in:\n{head}"
    );
}

/// Sends `request` to `authority` and reads the response until the server closes.
fn raw_exchange(authority: &str, request: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(authority)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.write_all(request.as_bytes())?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Starts an auth-mode server, mints a token with `scopes` and runs the client with `--bearer`
/// (and `--expect-denied-tool` when given), checking its verdict and that the server outlived it.
fn run_with_token(test: &str, mut command: Command, scopes: &[&str], denied: Option<&str>) {
    let (_dir, mut server) = start_auth_server(test);
    let token = TestIssuer::new(ISSUER, AUDIENCE).token(scopes);
    let url = server.endpoint().to_owned();
    command.args(["--transport", "http", "--url", &url, "--bearer", &token]);
    if let Some(tool) = denied {
        command.args(["--expect-denied-tool", tool]);
    }
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

/// Writes the test issuer's JWKS to a fresh directory and starts `everything` in auth mode with
/// it; the directory is removed when the returned guard drops.
fn start_auth_server(test: &str) -> (TempDir, HttpServer) {
    let dir = TempDir::new(test);
    let jwks = dir.path().join("jwks.json");
    fs::write(&jwks, jwks_json(&[&TestIssuer::new(ISSUER, AUDIENCE)]))
        .unwrap_or_else(|e| panic!("{test}: cannot write {}: {e}", jwks.display()));
    let binary =
        everything_binary().unwrap_or_else(|e| panic!("{test}: cannot build the server: {e}"));
    let server = HttpServer::start(
        Command::new(&binary)
            .args(["--bind", "127.0.0.1:0", "--jwks"])
            .arg(&jwks)
            .args(["--issuer", ISSUER, "--audience", AUDIENCE])
            .env("RUST_LOG", server_log_level()),
        START_TIMEOUT,
    )
    .unwrap_or_else(|e| panic!("{test}: cannot start `{} --jwks`: {e}", binary.display()));
    (dir, server)
}

/// A directory under the system temp dir, unique to the test and process, removed on drop.
#[derive(Debug)]
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> Self {
        let path = std::env::temp_dir().join(format!("mcp-tests-{test}-{}", std::process::id()));
        // A leftover of an earlier process with the same id is stale.
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        Self(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Best effort: a leftover directory in the temp dir is harmless.
        let _ = fs::remove_dir_all(&self.0);
    }
}
