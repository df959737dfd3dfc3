//! The Jira example end to end: `fake-atlassian` (the local Atlassian), five `jira` servers in
//! the configurations the scenarios need, and `tests/interop/examples/jira_scenarios.py`
//! driving them through the official Python SDK client over Streamable HTTP (examples.md §4.1
//! scenarios 1-15 and the §4.4 checks).
//!
//! | server | configuration | used by |
//! | --- | --- | --- |
//! | main | service account alice (Basic, site URL style), `--max-in-flight 4` | scenarios 1-8, 10-12, 15, tools/list, 503, concurrency, cancellation reaching upstream (both eras) |
//! | projects | `--projects ENG` | scenario 13 |
//! | read-only | `--read-only` | scenario 14 |
//! | down | upstream at a port nothing listens on | "Jira is unavailable", `/health/ready` 503 |
//! | users | `--api-keys` (subjects alice, bob) + `--user-credentials` (their Atlassian tokens), no service account, gateway style `--cloud-id`, `RUST_LOG=debug` | scenario 9 |
//!
//! After the script passes, the servers' logs are checked: every write left an audit record
//! (tool, MCP principal, upstream principal, target, outcome), refusals too, and no secret
//! (Atlassian tokens, Basic credentials, MCP keys) was logged, even at debug level.
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

/// The fake's cloudId (gateway-style URLs `/ex/jira/{cloudId}/...`).
const CLOUD_ID: &str = "1324a887-45db-1bf4-1e99-ef0ff456d421";

const ALICE_KEY: &str = "mcp_alicej_alice-jira-mcp-secret-51c0";
const BOB_KEY: &str = "mcp_bobj_bob-jira-mcp-secret-9d2e";

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

/// A `jira --bind 127.0.0.1:0` command against `upstream`, free of the caller's `JIRA_*` /
/// `MCP_*` environment, logging audit records.
fn jira(binary: &Path, upstream: &str, extra: &[&str]) -> Command {
    let mut command = Command::new(binary);
    for (name, _) in std::env::vars_os() {
        let text = name.to_string_lossy();
        if text.starts_with("JIRA_") || text.starts_with("MCP_") {
            command.env_remove(&name);
        }
    }
    command
        .args(["--bind", "127.0.0.1:0", "--jira-url", upstream])
        .args(extra)
        .env("RUST_LOG", "warn,audit=info");
    command
}

fn start(test: &str, what: &str, command: &mut Command) -> HttpServer {
    HttpServer::start(command, START_TIMEOUT)
        .unwrap_or_else(|e| panic!("{test}: cannot start the {what} server: {e}"))
}

/// `text` without ANSI colour sequences (`ESC [ ... m`), which `tracing` writes even to a pipe.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `log` has an audit line with every one of `needles`.
fn audited(log: &str, needles: &[&str]) -> bool {
    plain(log)
        .lines()
        .any(|l| l.contains("audit") && needles.iter().all(|n| l.contains(n)))
}

/// The fake and the five servers of one run.
struct Servers {
    fake: HttpServer,
    main: HttpServer,
    projects: HttpServer,
    read_only: HttpServer,
    down: HttpServer,
    per_user: HttpServer,
}

impl Servers {
    /// `(name, server)` of each, the fake first.
    fn all(&self) -> [(&'static str, &HttpServer); 6] {
        [
            ("fake", &self.fake),
            ("main", &self.main),
            ("projects", &self.projects),
            ("read-only", &self.read_only),
            ("down", &self.down),
            ("per-user", &self.per_user),
        ]
    }
}

/// Starts the fake and the five `jira` configurations; `keys` and `users` are the files of the
/// per-user server.
fn start_servers(test: &str, keys: &Path, users: &Path) -> Servers {
    let fake_bin = example_binary("fake-atlassian")
        .unwrap_or_else(|e| panic!("{test}: cannot build fake-atlassian: {e}"));
    let binary =
        example_binary("jira").unwrap_or_else(|e| panic!("{test}: cannot build jira: {e}"));
    let fake = start(
        test,
        "fake-atlassian",
        Command::new(&fake_bin)
            .args(["--bind", "127.0.0.1:0"])
            .env("RUST_LOG", "warn"),
    );
    let upstream = fake.url("");
    let alice = [
        "--jira-email",
        "alice@example.com",
        "--jira-api-token",
        "alice-api-token",
    ];
    let with_alice = |extra: &[&'static str]| [&alice[..], extra].concat();
    let main = start(
        test,
        "main",
        &mut jira(
            &binary,
            &upstream,
            &with_alice(&["--max-in-flight", MAX_IN_FLIGHT]),
        ),
    );
    let projects = start(
        test,
        "allow-list",
        &mut jira(&binary, &upstream, &with_alice(&["--projects", "ENG"])),
    );
    let read_only = start(
        test,
        "read-only",
        &mut jira(&binary, &upstream, &with_alice(&["--read-only"])),
    );
    let down_url = format!("http://127.0.0.1:{}", closed_port());
    let down = start(
        test,
        "upstream-down",
        &mut jira(
            &binary,
            &down_url,
            &with_alice(&["--upstream-attempts", "2"]),
        ),
    );
    let keys_arg = keys.to_string_lossy().into_owned();
    let users_arg = users.to_string_lossy().into_owned();
    let per_user = start(
        test,
        "per-user",
        jira(
            &binary,
            &upstream,
            &[
                "--cloud-id",
                CLOUD_ID,
                "--api-keys",
                &keys_arg,
                "--user-credentials",
                &users_arg,
            ],
        )
        // Debug level: even verbose logs must not carry a secret.
        .env("RUST_LOG", "debug"),
    );
    Servers {
        fake,
        main,
        projects,
        read_only,
        down,
        per_user,
    }
}

/// Every write left an audit record naming the MCP and the upstream principal, the target and
/// the outcome (refusals too); no secret is in any log of ours.
fn check_logs(test: &str, servers: &Servers) {
    let main_log = servers.main.stderr();
    for needles in [
        &[
            "jira_create_issue",
            "principal=anonymous",
            "alice@example.com",
            "outcome=\"ok\"",
        ][..],
        &["jira_create_issue", "target_id=\"NOPE\"", "error: HTTP 400"],
        &["jira_create_issue", "error: rate-limited"],
        &["jira_update_issue", "target_id=\"ENG-5\"", "outcome=\"ok\""],
        &[
            "jira_transition_issue",
            "target_id=\"ENG-3\"",
            "outcome=\"ok\"",
        ],
        &["jira_transition_issue", "refused: unknown transition"],
        &["jira_add_comment", "target_id=\"ENG-7/comment/"],
    ] {
        assert!(
            audited(&main_log, needles),
            "{test}: no audit record with {needles:?} in the main server's log:\n{main_log}"
        );
    }
    let per_user_log = servers.per_user.stderr();
    for (subject, email) in [("alice", "alice@example.com"), ("bob", "bob@example.com")] {
        assert!(
            audited(
                &per_user_log,
                &["jira_add_comment", &format!("principal={subject}"), email]
            ),
            "{test}: no audit record of {subject}'s comment:\n{per_user_log}"
        );
    }
    let projects_log = servers.projects.stderr();
    assert!(
        audited(
            &projects_log,
            &["jira_create_issue", "refused: project not allowed"]
        ),
        "{test}: the refused create left no audit record:\n{projects_log}"
    );
    // The fake's own log is not the product.
    let all_logs: String = servers.all()[1..]
        .iter()
        .map(|(_, server)| plain(&server.stderr()))
        .collect();
    for secret in [
        "alice-api-token",
        "bob-api-token",
        "YWxpY2VAZXhhbXBsZS5jb206YWxpY2UtYXBpLXRva2Vu",
        "Ym9iQGV4YW1wbGUuY29tOmJvYi1hcGktdG9rZW4=",
        "alice-jira-mcp-secret-51c0",
        "bob-jira-mcp-secret-9d2e",
    ] {
        assert!(
            !all_logs.contains(secret),
            "{test}: {secret} appears in a log"
        );
    }
}

#[test]
fn example_jira() {
    let test = "example_jira";
    let python = match Prerequisites::new().python() {
        Ok(python) => python,
        Err(why) => {
            skip_or_fail(test, &why);
            return;
        }
    };
    let dir = TempDir(std::env::temp_dir().join(format!("mcp-{test}-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).unwrap_or_else(|e| panic!("{}: {e}", dir.0.display()));
    let keys = write(
        &dir.0,
        "keys.json",
        r#"[{"id": "alicej", "secret": "alice-jira-mcp-secret-51c0", "subject": "alice",
             "scopes": ["jira:read", "jira:write"]},
            {"id": "bobj", "secret": "bob-jira-mcp-secret-9d2e", "subject": "bob",
             "scopes": ["jira:read", "jira:write"]}]"#,
    );
    let users = write(
        &dir.0,
        "users.json",
        r#"{"alice": {"email": "alice@example.com", "api_token": "alice-api-token"},
            "bob": {"email": "bob@example.com", "api_token": "bob-api-token"}}"#,
    );
    let servers = start_servers(test, &keys, &users);

    let mut command = Command::new(python);
    command
        .arg(interop_dir().join("examples").join("jira_scenarios.py"))
        .args([
            "--fake",
            &servers.fake.url(""),
            "--url",
            servers.main.endpoint(),
        ])
        .args(["--url-projects", servers.projects.endpoint()])
        .args(["--url-readonly", servers.read_only.endpoint()])
        .args(["--url-down", servers.down.endpoint()])
        .args(["--url-users", servers.per_user.endpoint()])
        .args(["--alice-key", ALICE_KEY, "--bob-key", BOB_KEY])
        .args(["--max-in-flight", MAX_IN_FLIGHT])
        .current_dir(interop_dir());
    let logs = || {
        servers
            .all()
            .iter()
            .map(|(name, server)| format!("--- {name} stderr:\n{}", server.stderr().trim_end()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    check_run(test, command, logs);
    check_logs(test, &servers);
}
