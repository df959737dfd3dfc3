//! The official MCP client SDKs against `everything --stdio`, in both protocol eras.
//!
//! Each test runs one client script from `tests/interop/` with the SDK installed there by
//! `tests/interop/setup.sh` (pinned: `requirements.txt`, `package-lock.json`) and passes when the
//! script exits 0 with a `N passed, 0 failed` summary. Which SDK path each run takes:
//!
//! | test | client | era |
//! | --- | --- | --- |
//! | `interop_python_legacy` | `PyPI` `mcp`, `Client(mode="legacy")` | `initialize` at 2025-11-25 |
//! | `interop_python_modern` | `PyPI` `mcp`, `Client(mode="2026-07-28")` | stateless 2026-07-28 |
//! | `interop_ts_legacy` | npm `@modelcontextprotocol/sdk` (v1) | `initialize` at 2025-11-25 |
//! | `interop_ts_v2_legacy` | npm `@modelcontextprotocol/client` (v2), legacy mode | `initialize` at 2025-11-25 |
//! | `interop_ts_modern` | npm `@modelcontextprotocol/client` (v2), pinned 2026-07-28 | `server/discover`, then stateless |
//!
//! Without the toolchains (no `.venv` / `node_modules`) a test is skipped with a loud message,
//! unless `CI` is set, where it fails.
//!
//! The same scripts run over HTTP in [`super::interop_http`], which builds its client commands
//! with [`python_command`] / [`typescript_command`] and judges them with [`check_run`].

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use mcp_tests::{
    Prerequisites, Summary, everything_binary, interop_dir, run_with_timeout, skip_or_fail,
};

/// Generous: a run takes seconds, but CI machines are shared and every request has its own
/// 30 s limit inside the scripts.
const RUN_TIMEOUT: Duration = Duration::from_mins(5);

#[test]
fn interop_python_legacy() {
    python("interop_python_legacy", "legacy");
}

#[test]
fn interop_python_modern() {
    python("interop_python_modern", "modern");
}

#[test]
fn interop_ts_legacy() {
    typescript("interop_ts_legacy", "legacy", "v1");
}

#[test]
fn interop_ts_v2_legacy() {
    typescript("interop_ts_v2_legacy", "legacy", "v2");
}

#[test]
fn interop_ts_modern() {
    typescript("interop_ts_modern", "modern", "v2");
}

fn python(test: &str, era: &str) {
    if let Some(command) = python_command(test, era) {
        run_client(test, command);
    }
}

fn typescript(test: &str, era: &str, sdk: &str) {
    if let Some(command) = typescript_command(test, era, sdk) {
        run_client(test, command);
    }
}

/// `python_client.py --era ERA` with the venv's interpreter, in `tests/interop/`; `None` when the
/// venv is missing (the test has been skipped, or failed under CI).
pub(super) fn python_command(test: &str, era: &str) -> Option<Command> {
    let python = match Prerequisites::new().python() {
        Ok(python) => python,
        Err(why) => {
            skip_or_fail(test, &why);
            return None;
        }
    };
    let mut command = Command::new(python);
    command
        .arg(interop_dir().join("python_client.py"))
        .args(["--era", era])
        .current_dir(interop_dir());
    Some(command)
}

/// `ts_client.mjs --era ERA --sdk SDK` with `node`, in `tests/interop/`; `None` when
/// `node_modules` is missing (the test has been skipped, or failed under CI).
pub(super) fn typescript_command(test: &str, era: &str, sdk: &str) -> Option<Command> {
    let node = match Prerequisites::new().node() {
        Ok(node) => node,
        Err(why) => {
            skip_or_fail(test, &why);
            return None;
        }
    };
    let mut command = Command::new(node);
    command
        .arg(interop_dir().join("ts_client.mjs"))
        .args(["--era", era, "--sdk", sdk])
        .current_dir(interop_dir());
    Some(command)
}

/// The `RUST_LOG` for a server under test: the caller's, else `warn` (quiet unless asked).
pub(super) fn server_log_level() -> String {
    std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".to_owned())
}

/// Appends `-- <everything> --stdio` to the client command, runs it and checks its verdict.
fn run_client(test: &str, mut command: Command) {
    let server =
        everything_binary().unwrap_or_else(|e| panic!("{test}: cannot build the server: {e}"));
    command
        .arg("--")
        .arg(&server)
        .arg("--stdio")
        // The server logs to stderr; keep it quiet unless asked.
        .env("RUST_LOG", server_log_level());
    check_run(test, command, String::new);
}

/// Runs a client command and requires exit 0 with `N passed, 0 failed` (N > 0); on failure the
/// panic message holds the client's whole transcript, then `context()` (e.g. the server's log).
pub(super) fn check_run(test: &str, mut command: Command, context: impl FnOnce() -> String) {
    let shown = describe(&command);
    let run = run_with_timeout(&mut command, RUN_TIMEOUT)
        .unwrap_or_else(|e| panic!("{test}: cannot run `{shown}`: {e}"));
    let summary = Summary::parse(&run.stdout);
    let passed = run.success() && summary.is_some_and(|s| s.failed == 0 && s.passed > 0);
    assert!(
        passed,
        "{test}: `{shown}` failed (summary: {summary:?})\n{}\n{}",
        run.transcript(),
        context()
    );
}

fn describe(command: &Command) -> String {
    let program = Path::new(command.get_program()).display().to_string();
    command.get_args().fold(program, |mut line, arg| {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
        line
    })
}
