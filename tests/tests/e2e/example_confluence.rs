//! The Confluence example end to end: `fake-atlassian` (the local Atlassian), five
//! `confluence` servers in the configurations the scenarios need, and
//! `tests/interop/examples/confluence_scenarios.py` driving them through the official Python
//! SDK client over Streamable HTTP (examples.md §4.2 scenarios 1-13 and the §4.4 checks).
//!
//! | server | configuration | used by |
//! | --- | --- | --- |
//! | main | service account alice (Basic), `--max-in-flight 4` | scenarios 1-9, 11, 12, tools/list, 503, concurrency, cancellation reaching upstream (both eras) |
//! | spaces | `--spaces ENG` | scenario 13 |
//! | read-only | `--read-only`, gateway style `--cloud-id` + OAuth bearer | only read tools listed; `/ex/confluence/{cloudId}/wiki/...` |
//! | down | upstream at a port nothing listens on | "Confluence is unavailable", `/health/ready` 503 |
//! | users | `--api-keys` (subjects alice, bob, carol, dave) + `--user-credentials` (alice's and bob's Atlassian tokens, a wrong one for carol, none for dave), no service account | scenario 10, explicit upstream 401, caller without credential |
//!
//! After the script passes, the servers' logs are checked: every write left an audit record
//! (tool, MCP principal, upstream principal) and no secret (Atlassian tokens, MCP keys) was
//! logged.
//!
//! Skipped loudly without the Python venv (`bash tests/interop/setup.sh`), unless `CI` is set.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use mcp_tests::{HttpServer, Prerequisites, example_binary, interop_dir, skip_or_fail};

use super::interop::check_run;

/// How long a freshly started process may take to announce its port.
const START_TIMEOUT: Duration = Duration::from_mins(1);

/// The main server's per-user in-flight cap (the script checks the fake never sees more).
const MAX_IN_FLIGHT: &str = "4";

/// The fake's cloud id (`/ex/confluence/{CLOUD_ID}/wiki/...`).
const CLOUD_ID: &str = "1324a887-45db-1bf4-1e99-ef0ff456d421";

const ALICE_KEY: &str = "mcp_alice1_alice-mcp-secret-3f9a";
const BOB_KEY: &str = "mcp_bob1_bob-mcp-secret-77c2";
const CAROL_KEY: &str = "mcp_carol1_carol-mcp-secret-0d1e";
const DAVE_KEY: &str = "mcp_dave1_dave-mcp-secret-9b4f";

/// Removes its directory when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    path
}

/// A loopback port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
    listener
        .local_addr()
        .unwrap_or_else(|e| panic!("local_addr: {e}"))
        .port()
}

/// A `confluence --bind 127.0.0.1:0` command against `upstream`, free of the caller's
/// `CONFLUENCE_*` / `MCP_*` environment, logging audit records.
fn confluence(binary: &Path, upstream: &str, extra: &[&str]) -> Command {
    let mut command = Command::new(binary);
    for (name, _) in std::env::vars_os() {
        let text = name.to_string_lossy();
        if text.starts_with("CONFLUENCE_") || text.starts_with("MCP_") {
            command.env_remove(&name);
        }
    }
    command
        .args(["--bind", "127.0.0.1:0", "--confluence-url", upstream])
        .args(extra)
        .env("RUST_LOG", "warn,audit=info")
        .env("NO_COLOR", "1");
    command
}

/// `text` without ANSI escape sequences (the servers' log lines may be coloured).
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC '[' parameters, ended by a letter.
            for next in chars.by_ref() {
                if next.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn start(test: &str, what: &str, command: &mut Command) -> HttpServer {
    HttpServer::start(command, START_TIMEOUT)
        .unwrap_or_else(|e| panic!("{test}: cannot start the {what} server: {e}"))
}

/// `alice`'s service-account flags, then `extra`.
fn with_alice<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "--confluence-email",
        "alice@example.com",
        "--confluence-api-token",
        "alice-api-token",
    ];
    args.extend_from_slice(extra);
    args
}

/// The fake and the five servers; all killed when dropped.
struct Servers {
    fake: HttpServer,
    main: HttpServer,
    spaces: HttpServer,
    read_only: HttpServer,
    down: HttpServer,
    per_user: HttpServer,
}

impl Servers {
    fn start(test: &str, dir: &Path) -> Self {
        let fake_bin = example_binary("fake-atlassian")
            .unwrap_or_else(|e| panic!("{test}: cannot build fake-atlassian: {e}"));
        let binary = example_binary("confluence")
            .unwrap_or_else(|e| panic!("{test}: cannot build confluence: {e}"));
        let keys = write(
            dir,
            "keys.json",
            r#"[{"id": "alice1", "secret": "alice-mcp-secret-3f9a", "subject": "alice",
                 "scopes": ["confluence:read", "confluence:write"]},
                {"id": "bob1", "secret": "bob-mcp-secret-77c2", "subject": "bob",
                 "scopes": ["confluence:read", "confluence:write"]},
                {"id": "carol1", "secret": "carol-mcp-secret-0d1e", "subject": "carol",
                 "scopes": ["confluence:read", "confluence:write"]},
                {"id": "dave1", "secret": "dave-mcp-secret-9b4f", "subject": "dave",
                 "scopes": ["confluence:read", "confluence:write"]}]"#,
        );
        let users = write(
            dir,
            "users.json",
            r#"{"alice": {"email": "alice@example.com", "api_token": "alice-api-token"},
                "bob": {"email": "bob@example.com", "api_token": "bob-api-token"},
                "carol": {"email": "alice@example.com", "api_token": "not-the-token"}}"#,
        );
        let fake = start(
            test,
            "fake-atlassian",
            Command::new(&fake_bin)
                .args(["--bind", "127.0.0.1:0"])
                .env("RUST_LOG", "warn")
                .env("NO_COLOR", "1"),
        );
        let upstream = fake.url("");
        let main = start(
            test,
            "main",
            &mut confluence(
                &binary,
                &upstream,
                &with_alice(&["--max-in-flight", MAX_IN_FLIGHT]),
            ),
        );
        let spaces = start(
            test,
            "allow-list",
            &mut confluence(&binary, &upstream, &with_alice(&["--spaces", "ENG"])),
        );
        // Read-only, through the gateway URL style with alice's OAuth token.
        let read_only = start(
            test,
            "read-only",
            &mut confluence(
                &binary,
                &upstream,
                &[
                    "--read-only",
                    "--cloud-id",
                    CLOUD_ID,
                    "--confluence-oauth-token",
                    "alice-oauth-token",
                ],
            ),
        );
        let down = start(
            test,
            "upstream-down",
            &mut confluence(
                &binary,
                &format!("http://127.0.0.1:{}", closed_port()),
                &with_alice(&["--upstream-attempts", "2"]),
            ),
        );
        let keys = keys.to_string_lossy().into_owned();
        let users = users.to_string_lossy().into_owned();
        let per_user = start(
            test,
            "per-user",
            &mut confluence(
                &binary,
                &upstream,
                &["--api-keys", &keys, "--user-credentials", &users],
            ),
        );
        Self {
            fake,
            main,
            spaces,
            read_only,
            down,
            per_user,
        }
    }

    fn named(&self) -> [(&'static str, &HttpServer); 6] {
        [
            ("fake", &self.fake),
            ("main", &self.main),
            ("spaces", &self.spaces),
            ("read-only", &self.read_only),
            ("down", &self.down),
            ("per-user", &self.per_user),
        ]
    }

    /// Every process's stderr, for failure messages.
    fn logs(&self) -> String {
        self.named()
            .iter()
            .map(|(name, server)| format!("--- {name} stderr:\n{}", server.stderr().trim_end()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[test]
fn example_confluence() {
    let test = "example_confluence";
    let python = match Prerequisites::new().python() {
        Ok(python) => python,
        Err(why) => {
            skip_or_fail(test, &why);
            return;
        }
    };
    let dir = TempDir(std::env::temp_dir().join(format!("mcp-{test}-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).unwrap_or_else(|e| panic!("{}: {e}", dir.0.display()));
    let servers = Servers::start(test, &dir.0);

    let mut command = Command::new(python);
    command
        .arg(
            interop_dir()
                .join("examples")
                .join("confluence_scenarios.py"),
        )
        .args([
            "--fake",
            &servers.fake.url(""),
            "--url",
            servers.main.endpoint(),
        ])
        .args(["--url-spaces", servers.spaces.endpoint()])
        .args(["--url-readonly", servers.read_only.endpoint()])
        .args(["--url-down", servers.down.endpoint()])
        .args(["--url-users", servers.per_user.endpoint()])
        .args(["--alice-key", ALICE_KEY, "--bob-key", BOB_KEY])
        .args(["--carol-key", CAROL_KEY, "--dave-key", DAVE_KEY])
        .args(["--max-in-flight", MAX_IN_FLIGHT])
        .current_dir(interop_dir());
    check_run(test, command, || servers.logs());
    check_logs(test, &servers);
}

/// Every write left an audit record naming the MCP and the upstream principal, and no secret
/// reached a log of ours (the fake's own log is not the product).
fn check_logs(test: &str, servers: &Servers) {
    let main_log = plain(&servers.main.stderr());
    for tool in [
        "confluence_update_page",
        "confluence_create_page",
        "confluence_add_comment",
    ] {
        assert!(
            main_log.lines().any(|l| l.contains("audit")
                && l.contains(tool)
                && l.contains("alice@example.com")),
            "{test}: no audit record of {tool} in the main server's log:\n{main_log}"
        );
    }
    let per_user_log = plain(&servers.per_user.stderr());
    for (subject, email) in [("alice", "alice@example.com"), ("bob", "bob@example.com")] {
        assert!(
            per_user_log.lines().any(|l| l.contains("audit")
                && l.contains("confluence_update_page")
                && l.contains(&format!("principal={subject}"))
                && l.contains(email)),
            "{test}: no audit record of {subject}'s update:\n{per_user_log}"
        );
    }
    let spaces_log = plain(&servers.spaces.stderr());
    assert!(
        spaces_log.lines().any(|l| l.contains("audit")
            && l.contains("confluence_create_page")
            && l.contains("refused")),
        "{test}: the refused create left no audit record:\n{spaces_log}"
    );
    let ours: String = servers.named()[1..]
        .iter()
        .map(|(_, server)| server.stderr())
        .collect();
    for secret in [
        "alice-api-token",
        "bob-api-token",
        "alice-oauth-token",
        "alice-mcp-secret-3f9a",
        "bob-mcp-secret-77c2",
        "carol-mcp-secret-0d1e",
        "dave-mcp-secret-9b4f",
        "not-the-token",
    ] {
        assert!(
            !ours.contains(secret),
            "{test}: {secret} appears in a server log"
        );
    }
}
