//! Helpers shared by the end-to-end tests in `tests/e2e.rs`.
//!
//! The end-to-end tests drive the workspace's example servers with real clients: the official
//! Python and TypeScript SDK clients (installed by `tests/interop/setup.sh` from committed pins)
//! and, later, the official conformance suite. This library holds what every such test needs:
//!
//! - [`everything_binary`]: builds the `everything` example server once per test process (cargo
//!   builds other packages' binaries for a test only through unstable artifact dependencies, so
//!   the test runs `cargo build -p everything` itself and reads the artifact path from
//!   `--message-format=json`); `MCP_EVERYTHING_BIN` points at a prebuilt binary instead.
//! - [`example_binary`]: the same for the other example servers (`jira`, `confluence`,
//!   `postgres`) and the local Atlassian (`fake-atlassian`).
//! - [`Prerequisites`]: whether the interop toolchains are installed; when they are not, the
//!   test fails under CI (`CI` set) and is skipped loudly otherwise ([`skip_or_fail`]).
//! - [`run_with_timeout`]: runs a client script to completion, capturing its output and killing
//!   it when it hangs.
//! - [`Summary::parse`]: reads the `N passed, M failed` line every client script ends with.
//! - [`HttpServer`]: a server child process serving HTTP on an ephemeral port (its URL read from
//!   the `listening on http://…` line on its stderr), killed when dropped.
//! - For the production examples' tests (`tests/e2e/example_*.rs`): [`TempDir`],
//!   [`closed_port`] (an upstream that is down), [`scrubbed_command`] (a server command free of
//!   the caller's environment), [`start_server`], [`venv_python`], [`scenario_command`] and
//!   [`check_scenarios`] (a scenario script of `tests/interop/examples/` and its verdict,
//!   with a minimum number of checks), [`has_audit_line`], [`server_logs`] and
//!   [`assert_no_secrets`] (log checks); and for the Atlassian examples,
//!   [`AtlassianExample::run_scenarios`]: the fake Atlassian, the five server configurations
//!   ([`AtlassianServers`]) and the script against them.

use std::env;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::{self, Read, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

/// The environment variable naming a prebuilt `everything` binary to test instead of building one.
pub const EVERYTHING_BIN_ENV: &str = "MCP_EVERYTHING_BIN";

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> &'static Path {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir)
}

/// `tests/interop/`: the client scripts, their pins, and (once set up) `.venv` and `node_modules`.
pub fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("interop")
}

/// Whether this run is under CI, where a missing toolchain is a failure rather than a skip.
///
/// True when `CI` is set to anything but the empty string, `0` or `false` (CI systems set
/// `CI=true`).
pub fn in_ci() -> bool {
    env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Skips the calling test (a loud message on stderr) when a prerequisite is missing, or fails
/// it under CI.
///
/// # Panics
///
/// Under CI ([`in_ci`]), always: a missing toolchain there means the setup step is broken.
pub fn skip_or_fail(test: &str, why: &str) {
    assert!(
        !in_ci(),
        "{test}: {why}\n(CI is set, so this is a failure: `bash tests/interop/setup.sh` must run first)"
    );
    let banner = format!(
        "\n\
         ***********************************************************************\n\
         SKIP {test}: {why}\n\
         Run `bash tests/interop/setup.sh` to install the interop toolchains.\n\
         ***********************************************************************\n"
    );
    // Straight to the process's stderr: the test harness captures `eprintln!` of passing tests,
    // and a skip must be seen.
    let _ = io::stderr().write_all(banner.as_bytes());
}

/// What the interop client scripts need, checked before a test spends time building the server.
#[derive(Debug, Clone)]
pub struct Prerequisites {
    dir: PathBuf,
}

impl Default for Prerequisites {
    fn default() -> Self {
        Self::new()
    }
}

impl Prerequisites {
    /// The prerequisites under [`interop_dir`].
    pub fn new() -> Self {
        Self { dir: interop_dir() }
    }

    /// The Python interpreter of `tests/interop/.venv`, or why it is not usable.
    ///
    /// # Errors
    ///
    /// A message naming what is missing.
    pub fn python(&self) -> Result<PathBuf, String> {
        let python = if cfg!(windows) {
            self.dir.join(".venv").join("Scripts").join("python.exe")
        } else {
            self.dir.join(".venv").join("bin").join("python")
        };
        if !python.is_file() {
            return Err(format!("no Python venv at {}", python.display()));
        }
        let script = self.dir.join("python_client.py");
        let probe = Command::new(&python)
            .args(["-c", "import mcp.client.stdio"])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
        if !probe.status.success() {
            return Err(format!(
                "the venv at {} cannot import the mcp package (used by {}): {}",
                python.display(),
                script.display(),
                String::from_utf8_lossy(&probe.stderr).trim()
            ));
        }
        Ok(python)
    }

    /// The `node` to run the TypeScript client with (`MCP_INTEROP_NODE`, else `node` on
    /// `PATH`), once `tests/interop/node_modules` holds both SDK lines; or why not.
    ///
    /// # Errors
    ///
    /// A message naming what is missing.
    pub fn node(&self) -> Result<OsString, String> {
        for package in ["@modelcontextprotocol/sdk", "@modelcontextprotocol/client"] {
            let manifest = self
                .dir
                .join("node_modules")
                .join(package)
                .join("package.json");
            if !manifest.is_file() {
                return Err(format!(
                    "{package} is not installed ({} is missing)",
                    manifest.display()
                ));
            }
        }
        let node = env::var_os("MCP_INTEROP_NODE").unwrap_or_else(|| "node".into());
        let probe = Command::new(&node)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", node.to_string_lossy()))?;
        if !probe.status.success() {
            return Err(format!("`{} --version` failed", node.to_string_lossy()));
        }
        Ok(node)
    }
}

/// The path of the `everything` example server, built on first use (once per process).
///
/// With [`EVERYTHING_BIN_ENV`] set, that path is used as is. Otherwise this runs
/// `cargo build -p everything --bin everything` in the workspace, with the `cargo` that runs
/// the tests and in the same profile (`--release` when the tests are built without debug
/// assertions), and takes the path from cargo's JSON messages.
///
/// # Errors
///
/// The build failed (the message holds cargo's diagnostics) or produced no binary.
pub fn everything_binary() -> Result<PathBuf, String> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| match env::var_os(EVERYTHING_BIN_ENV) {
            Some(path) => prebuilt(EVERYTHING_BIN_ENV, PathBuf::from(path)),
            None => build_binary("everything"),
        })
        .clone()
}

/// The binary of one of the workspace's example servers (`jira`, `confluence`, `postgres`,
/// `fake-atlassian`, `everything`): built once per test process like [`everything_binary`]
/// (the package and its binary share the name), or taken from `MCP_<NAME>_BIN` (upper case,
/// `-` as `_`, e.g. `MCP_FAKE_ATLASSIAN_BIN`) when that names a prebuilt file.
///
/// # Errors
///
/// The build failed (the message holds cargo's diagnostics) or produced no binary.
pub fn example_binary(name: &str) -> Result<PathBuf, String> {
    static BUILT: OnceLock<Mutex<std::collections::HashMap<String, Result<PathBuf, String>>>> =
        OnceLock::new();
    let built = BUILT.get_or_init(Mutex::default);
    // Held across the build on purpose: concurrent tests wait for one cargo run per binary.
    let mut built = built.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(found) = built.get(name) {
        return found.clone();
    }
    let var = format!("MCP_{}_BIN", name.to_uppercase().replace('-', "_"));
    let found = match env::var_os(&var) {
        Some(path) => prebuilt(&var, PathBuf::from(path)),
        None => build_binary(name),
    };
    built.insert(name.to_owned(), found.clone());
    found
}

fn prebuilt(var: &str, path: PathBuf) -> Result<PathBuf, String> {
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!("{var}={} is not a file", path.display()))
    }
}

/// `cargo build -p NAME --bin NAME` in the test's profile; the executable's path from cargo's
/// JSON messages.
fn build_binary(name: &str) -> Result<PathBuf, String> {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
    let mut command = Command::new(&cargo);
    command
        .current_dir(workspace_root())
        .args(["build", "--package", name, "--bin", name])
        .arg("--message-format=json-render-diagnostics")
        .stdin(Stdio::null());
    if !cfg!(debug_assertions) {
        command.arg("--release");
    }
    let output = command
        .output()
        .map_err(|e| format!("cannot run {}: {e}", cargo.to_string_lossy()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "`cargo build -p {name}` failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|msg| msg["reason"] == "compiler-artifact" && msg["target"]["name"] == name)
        .filter(|msg| {
            msg["target"]["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k == "bin"))
        })
        .find_map(|msg| msg["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| {
            format!("`cargo build -p {name}` reported no `{name}` executable:\n{stdout}")
        })
}

/// What a finished (or killed) child process left behind.
#[derive(Debug)]
#[non_exhaustive]
pub struct Finished {
    /// The exit status; `None` when the process was killed for running too long.
    pub status: Option<ExitStatus>,
    /// Everything it wrote to stdout.
    pub stdout: String,
    /// Everything it wrote to stderr.
    pub stderr: String,
    /// How long it ran.
    pub elapsed: Duration,
}

impl Finished {
    /// Whether the process exited on its own with status 0.
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// The whole output, for a failure message.
    pub fn transcript(&self) -> String {
        let mut text = String::new();
        let status = self
            .status
            .map_or_else(|| "killed after the timeout".to_owned(), |s| s.to_string());
        let _ = writeln!(text, "--- exit: {status}, after {:.1?}", self.elapsed);
        let _ = writeln!(text, "--- stdout:\n{}", self.stdout.trim_end());
        let _ = write!(text, "--- stderr:\n{}", self.stderr.trim_end());
        text
    }
}

/// Runs `command` with stdin closed and stdout/stderr captured, killing it after `timeout`.
///
/// # Errors
///
/// The process could not be started.
pub fn run_with_timeout(command: &mut Command, timeout: Duration) -> io::Result<Finished> {
    let start = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = wait_or_kill(&mut child, timeout)?;
    Ok(Finished {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        elapsed: start.elapsed(),
    })
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            // A read error ends the capture; what was read so far is kept.
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn wait_or_kill(child: &mut Child, timeout: Duration) -> io::Result<Option<ExitStatus>> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            // The client's own children (the server) see stdin EOF and exit.
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        thread::sleep(Duration::from_millis(50));
    }
}

/// A server child process serving HTTP, started by [`HttpServer::start`] and killed (then
/// reaped) when dropped, so a failing test never leaves it running.
///
/// The server is expected to bind an ephemeral port (`--bind 127.0.0.1:0`) and announce it on
/// stderr with a line holding `listening on http://HOST:PORT/PATH` (what `everything --bind`
/// prints); [`parse_listening_url`] reads that line. Everything else the server writes to stderr
/// is kept for failure messages ([`HttpServer::stderr`]).
#[derive(Debug)]
pub struct HttpServer {
    child: Child,
    /// The announced endpoint, e.g. `http://127.0.0.1:40123/mcp`.
    endpoint: String,
    /// `scheme://host:port` of the endpoint.
    origin: String,
    stderr: Arc<Mutex<String>>,
}

impl HttpServer {
    /// Starts `command` (stdin and stdout closed, stderr read here) and waits up to `timeout`
    /// for its `listening on http://…` line.
    ///
    /// # Errors
    ///
    /// The process could not be started, exited or closed stderr before announcing its URL, or
    /// did not announce it in time (the process is killed then); the message holds what it wrote
    /// to stderr.
    pub fn start(command: &mut Command, timeout: Duration) -> Result<Self, String> {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start the server: {e}"))?;
        let stderr = Arc::new(Mutex::new(String::new()));
        let (found, announced) = mpsc::channel();
        if let Some(pipe) = child.stderr.take() {
            let log = Arc::clone(&stderr);
            // Reads stderr to its end (the server must never block on a full pipe), handing the
            // first announced URL over and keeping every line.
            thread::spawn(move || {
                let mut pending = Some(found);
                for line in io::BufRead::lines(io::BufReader::new(pipe)) {
                    let Ok(line) = line else { break };
                    if let Some(url) = parse_listening_url(&line)
                        && let Some(found) = pending.take()
                    {
                        let _ = found.send(url.to_owned());
                    }
                    let mut log = log.lock().unwrap_or_else(PoisonError::into_inner);
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        let mut server = Self {
            child,
            endpoint: String::new(),
            origin: String::new(),
            stderr,
        };
        let endpoint = match announced.recv_timeout(timeout) {
            Ok(url) => url,
            Err(RecvTimeoutError::Timeout) => {
                return Err(format!(
                    "the server announced no `listening on http://…` line within {timeout:?}; stderr:\n{}",
                    server.stderr()
                ));
            }
            Err(RecvTimeoutError::Disconnected) => {
                let status = server
                    .child
                    .wait()
                    .map_or_else(|e| e.to_string(), |s| s.to_string());
                return Err(format!(
                    "the server closed stderr ({status}) before announcing its URL; stderr:\n{}",
                    server.stderr()
                ));
            }
        };
        server.origin = origin_of(&endpoint).to_owned();
        server.endpoint = endpoint;
        Ok(server)
    }

    /// The endpoint the server announced, e.g. `http://127.0.0.1:40123/mcp`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// `path` (starting with `/`) on the server's origin, e.g. `url("/sse")`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// What the server has written to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Whether the server process is still running (it should be, for as long as a test uses it).
    ///
    /// # Errors
    ///
    /// The process's state could not be queried.
    pub fn running(&mut self) -> io::Result<bool> {
        Ok(self.child.try_wait()?.is_none())
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        // Fails only when the process has already exited, which is fine here.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The URL in a `listening on http://HOST:PORT/PATH` stderr line (up to the next whitespace),
/// or `None` for any other line.
pub fn parse_listening_url(line: &str) -> Option<&str> {
    const MARK: &str = "listening on ";
    let start = line.find(MARK)? + MARK.len();
    let url = line[start..].split_whitespace().next()?;
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))?;
    let authority = rest.split('/').next().unwrap_or_default();
    let port = authority.rsplit_once(':').map(|(_, port)| port)?;
    (!port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) && port != "0").then_some(url)
}

/// `scheme://authority` of an absolute `http(s)` URL.
fn origin_of(url: &str) -> &str {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    url[scheme_end..]
        .find('/')
        .map_or(url, |i| &url[..scheme_end + i])
}

/// The `N passed, M failed` line a client script ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Summary {
    /// Checks that passed.
    pub passed: u32,
    /// Checks that failed.
    pub failed: u32,
}

impl Summary {
    /// Reads the summary from the last non-empty line of `stdout`, which must be exactly
    /// `N passed, M failed`.
    pub fn parse(stdout: &str) -> Option<Self> {
        let last = stdout.lines().rev().find(|l| !l.trim().is_empty())?;
        let (passed, failed) = last.trim_end().split_once(" passed, ")?;
        let failed = failed.strip_suffix(" failed")?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(passed) || !digits(failed) {
            return None;
        }
        Some(Self {
            passed: passed.parse().ok()?,
            failed: failed.parse().ok()?,
        })
    }
}

// ---- the production examples' end-to-end tests ---------------------------------------------

/// How long a freshly started example server may take to announce its port.
pub const START_TIMEOUT: Duration = Duration::from_mins(1);

/// How long a scenario script may run: a run takes well under a minute, but CI machines are
/// shared and every request has its own 30 s limit inside the scripts.
pub const SCENARIO_TIMEOUT: Duration = Duration::from_mins(5);

/// A fresh directory under the system's temporary directory, removed with its contents when
/// dropped.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// `mcp-{name}-{pid}` under the temporary directory, created empty.
    ///
    /// # Panics
    ///
    /// The directory cannot be created.
    pub fn new(name: &str) -> Self {
        let path = env::temp_dir().join(format!("mcp-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
        Self { path }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `text` to the file `name` in the directory; its path.
    ///
    /// # Panics
    ///
    /// The file cannot be written.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path.join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Best effort: a leftover temporary directory fails nothing.
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A loopback port nothing listens on (bound, then released): an upstream that is down.
///
/// # Panics
///
/// No loopback port can be bound.
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
    listener
        .local_addr()
        .unwrap_or_else(|e| panic!("local_addr: {e}"))
        .port()
}

/// A command running `binary` without any of the caller's environment variables whose names
/// start with one of `env_prefixes` (e.g. `JIRA_`, `MCP_`), so a developer's shell
/// configuration cannot change what a test starts, and logging without ANSI colours
/// (`NO_COLOR=1`).
pub fn scrubbed_command(binary: &Path, env_prefixes: &[&str]) -> Command {
    let mut command = Command::new(binary);
    for (name, _) in env::vars_os() {
        let text = name.to_string_lossy();
        if env_prefixes.iter().any(|prefix| text.starts_with(prefix)) {
            command.env_remove(&name);
        }
    }
    command.env("NO_COLOR", "1");
    command
}

/// [`HttpServer::start`] with [`START_TIMEOUT`].
///
/// # Panics
///
/// The server did not start; the message names `test` and `what` (the server's role).
pub fn start_server(test: &str, what: &str, command: &mut Command) -> HttpServer {
    HttpServer::start(command, START_TIMEOUT)
        .unwrap_or_else(|e| panic!("{test}: cannot start the {what} server: {e}"))
}

/// The Python of `tests/interop/.venv`, or `None` when it is not usable: then `test` has been
/// skipped loudly (or failed under CI, see [`skip_or_fail`]).
pub fn venv_python(test: &str) -> Option<PathBuf> {
    match Prerequisites::new().python() {
        Ok(python) => Some(python),
        Err(why) => {
            skip_or_fail(test, &why);
            None
        }
    }
}

/// `python tests/interop/examples/<script>`, run in `tests/interop/`.
pub fn scenario_command(python: &Path, script: &str) -> Command {
    let mut command = Command::new(python);
    command
        .arg(interop_dir().join("examples").join(script))
        .current_dir(interop_dir());
    command
}

/// Runs a scenario script (killed after [`SCENARIO_TIMEOUT`]) and requires exit 0 with
/// `N passed, 0 failed`, N at least `at_least` (so a script that silently stops running some
/// of its checks fails too); the summary, also written to stderr.
///
/// # Panics
///
/// The script could not run, failed, or passed fewer checks; the message holds its whole
/// transcript, then `context()` (e.g. the servers' logs).
pub fn check_scenarios(
    test: &str,
    command: &mut Command,
    at_least: u32,
    context: impl FnOnce() -> String,
) -> Summary {
    let run = run_with_timeout(command, SCENARIO_TIMEOUT)
        .unwrap_or_else(|e| panic!("{test}: cannot run the scenario script: {e}"));
    let summary = Summary::parse(&run.stdout);
    match summary {
        Some(summary) if run.success() && summary.failed == 0 && summary.passed >= at_least => {
            let _ = writeln!(io::stderr(), "{test}: {} passed, 0 failed", summary.passed);
            summary
        }
        _ => panic!(
            "{test}: the scenarios failed (summary {summary:?}; at least {at_least} passing checks expected)\n{}\n{}",
            run.transcript(),
            context()
        ),
    }
}

/// `text` without ANSI escape sequences (`ESC [ ... letter`), in case a log is coloured.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
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

/// Whether `log` has an audit record (a line mentioning `audit`) holding every one of
/// `needles`.
pub fn has_audit_line(log: &str, needles: &[&str]) -> bool {
    strip_ansi(log)
        .lines()
        .any(|l| l.contains("audit") && needles.iter().all(|n| l.contains(n)))
}

/// Every named server's stderr, one section each, for failure messages.
pub fn server_logs(servers: &[(&str, &HttpServer)]) -> String {
    servers
        .iter()
        .map(|(name, server)| format!("--- {name} stderr:\n{}", server.stderr().trim_end()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Requires that no server's log holds any of `secrets`.
///
/// # Panics
///
/// A secret appears in a log; the message names the secret and the server.
pub fn assert_no_secrets(test: &str, servers: &[(&str, &HttpServer)], secrets: &[&str]) {
    for (name, server) in servers {
        let log = strip_ansi(&server.stderr());
        for secret in secrets {
            assert!(
                !log.contains(secret),
                "{test}: {secret} appears in the log of the {name} server"
            );
        }
    }
}

/// The fake Atlassian's cloud id (gateway-style URLs `/ex/{product}/{FAKE_CLOUD_ID}/...`).
pub const FAKE_CLOUD_ID: &str = "1324a887-45db-1bf4-1e99-ef0ff456d421";

/// The per-user in-flight cap of an Atlassian example's main server (its script checks the
/// fake never sees more at once).
pub const MAX_IN_FLIGHT: &str = "4";

/// How an Atlassian example (`jira`, `confluence`) is started in the five configurations its
/// scenario script needs ([`AtlassianServers`]).
#[derive(Debug, Clone, Copy)]
#[expect(
    clippy::exhaustive_structs,
    reason = "a plain description each example's test writes as a struct literal"
)]
pub struct AtlassianExample<'a> {
    /// The package and binary, e.g. `jira`.
    pub binary: &'a str,
    /// The prefix of the example's environment variables, e.g. `JIRA_` (scrubbed, with `MCP_`).
    pub env_prefix: &'a str,
    /// The flag naming the upstream base URL, e.g. `--jira-url`.
    pub url_flag: &'a str,
    /// The flags of the service account (the fake's alice, Basic email + API token).
    pub service_account: &'a [&'a str],
    /// The allow-list flags, e.g. `["--projects", "ENG"]`.
    pub allow_list: &'a [&'a str],
    /// Every flag of the read-only server (credentials included).
    pub read_only: &'a [&'a str],
    /// Flags of the per-user server besides `--api-keys` and `--user-credentials`.
    pub per_user: &'a [&'a str],
    /// The per-user server's `--api-keys` file (JSON: MCP keys and their subjects).
    pub api_keys: &'a str,
    /// The per-user server's `--user-credentials` file (JSON: each subject's Atlassian
    /// credential).
    pub user_credentials: &'a str,
    /// The scenario script in `tests/interop/examples/`, e.g. `jira_scenarios.py`.
    pub script: &'a str,
    /// The script's flag for the allow-list server's URL, e.g. `--url-projects`.
    pub allow_list_url_flag: &'a str,
    /// More flags for the script: the MCP keys of the per-user server's subjects.
    pub script_args: &'a [&'a str],
    /// The checks the script makes when every server is given; fewer passing is a failure.
    pub checks: u32,
}

impl AtlassianExample<'_> {
    /// The whole run of the example's end-to-end test `test`: the fake and the five servers
    /// ([`AtlassianServers::start`]), then the scenario script against them
    /// ([`check_scenarios`] with at least [`Self::checks`]); the servers, for checks of their
    /// logs. `None` when the Python venv is missing and the test has been skipped (see
    /// [`venv_python`]).
    ///
    /// # Panics
    ///
    /// A server does not start, or the scenarios fail.
    pub fn run_scenarios(&self, test: &str) -> Option<AtlassianServers> {
        let python = venv_python(test)?;
        let servers = AtlassianServers::start(test, self);
        let mut command = servers.scenario_command(&python, self);
        check_scenarios(test, &mut command, self.checks, || servers.logs());
        Some(servers)
    }
}

/// The fake Atlassian and the five configurations of one example, all killed when dropped.
///
/// | role | configuration |
/// | --- | --- |
/// | `main` | service account, `--max-in-flight` [`MAX_IN_FLIGHT`] |
/// | `allow_list` | service account and the allow-list |
/// | `read_only` | [`AtlassianExample::read_only`] |
/// | `down` | service account, upstream at a [`closed_port`], `--upstream-attempts 2` |
/// | `per_user` | `--api-keys` + `--user-credentials`, no service account, `RUST_LOG=debug` (even verbose logs must not carry a secret) |
///
/// Every server but the per-user one logs at `warn,audit=info`.
#[derive(Debug)]
#[non_exhaustive]
pub struct AtlassianServers {
    /// The per-user server's files, removed with the servers.
    _files: TempDir,
    /// `fake-atlassian`, the upstream of all but `down`.
    pub fake: HttpServer,
    /// The main server.
    pub main: HttpServer,
    /// The server with the allow-list.
    pub allow_list: HttpServer,
    /// The read-only server.
    pub read_only: HttpServer,
    /// The server whose upstream is down.
    pub down: HttpServer,
    /// The server with per-user credentials.
    pub per_user: HttpServer,
}

impl AtlassianServers {
    /// Builds and starts the fake, then the five configurations of `example` (the per-user
    /// server's files in a [`TempDir`] named after `test`).
    ///
    /// # Panics
    ///
    /// A binary cannot be built or a server does not start.
    pub fn start(test: &str, example: &AtlassianExample<'_>) -> Self {
        let dir = TempDir::new(test);
        let keys = dir.write("keys.json", example.api_keys);
        let users = dir.write("users.json", example.user_credentials);
        let build = |name: &str| {
            example_binary(name).unwrap_or_else(|e| panic!("{test}: cannot build {name}: {e}"))
        };
        let fake_binary = build("fake-atlassian");
        let binary = build(example.binary);
        let fake = start_server(
            test,
            "fake-atlassian",
            scrubbed_command(&fake_binary, &[])
                .args(["--bind", "127.0.0.1:0"])
                .env("RUST_LOG", "warn"),
        );
        let upstream = fake.url("");
        let server = |upstream: &str, args: &[&[&str]]| {
            let mut command = scrubbed_command(&binary, &[example.env_prefix, "MCP_"]);
            command
                .args(["--bind", "127.0.0.1:0", example.url_flag, upstream])
                .args(args.iter().copied().flatten())
                .env("RUST_LOG", "warn,audit=info");
            command
        };
        let account = example.service_account;
        let main = start_server(
            test,
            "main",
            &mut server(&upstream, &[account, &["--max-in-flight", MAX_IN_FLIGHT]]),
        );
        let allow_list = start_server(
            test,
            "allow-list",
            &mut server(&upstream, &[account, example.allow_list]),
        );
        let read_only = start_server(
            test,
            "read-only",
            &mut server(&upstream, &[example.read_only]),
        );
        let down = start_server(
            test,
            "upstream-down",
            &mut server(
                &format!("http://127.0.0.1:{}", closed_port()),
                &[account, &["--upstream-attempts", "2"]],
            ),
        );
        let keys = keys.to_string_lossy();
        let users = users.to_string_lossy();
        let per_user = start_server(
            test,
            "per-user",
            server(
                &upstream,
                &[
                    &["--api-keys", &keys, "--user-credentials", &users],
                    example.per_user,
                ],
            )
            .env("RUST_LOG", "debug"),
        );
        Self {
            _files: dir,
            fake,
            main,
            allow_list,
            read_only,
            down,
            per_user,
        }
    }

    /// `(role, server)` of each, the fake first.
    pub fn named(&self) -> [(&'static str, &HttpServer); 6] {
        [
            ("fake", &self.fake),
            ("main", &self.main),
            ("allow-list", &self.allow_list),
            ("read-only", &self.read_only),
            ("down", &self.down),
            ("per-user", &self.per_user),
        ]
    }

    /// Every process's stderr, for failure messages.
    pub fn logs(&self) -> String {
        server_logs(&self.named())
    }

    /// `example`'s scenario script with the flags naming the fake and the five servers
    /// (`--fake`, `--url`, the allow-list flag, `--url-readonly`, `--url-down`, `--url-users`,
    /// `--max-in-flight`), then [`AtlassianExample::script_args`].
    pub fn scenario_command(&self, python: &Path, example: &AtlassianExample<'_>) -> Command {
        let mut command = scenario_command(python, example.script);
        command
            .args(["--fake", &self.fake.url(""), "--url", self.main.endpoint()])
            .args([example.allow_list_url_flag, self.allow_list.endpoint()])
            .args(["--url-readonly", self.read_only.endpoint()])
            .args(["--url-down", self.down.endpoint()])
            .args(["--url-users", self.per_user.endpoint()])
            .args(["--max-in-flight", MAX_IN_FLIGHT])
            .args(example.script_args);
        command
    }

    /// Requires that none of the example's logs (the fake's own is not the product) holds any
    /// of `secrets`.
    ///
    /// # Panics
    ///
    /// A secret appears in a log.
    pub fn assert_no_secrets(&self, test: &str, secrets: &[&str]) {
        assert_no_secrets(test, &self.named()[1..], secrets);
    }
}

#[cfg(test)]
mod tests {
    use super::{Summary, has_audit_line, origin_of, parse_listening_url, strip_ansi};

    #[test]
    fn listening_line_gives_the_url() {
        assert_eq!(
            parse_listening_url("listening on http://127.0.0.1:40123/mcp"),
            Some("http://127.0.0.1:40123/mcp")
        );
        assert_eq!(
            parse_listening_url("  INFO everything: listening on http://[::1]:8080/mcp extra"),
            Some("http://[::1]:8080/mcp")
        );
        assert_eq!(
            parse_listening_url("listening on http://127.0.0.1:0/mcp"),
            None
        );
        assert_eq!(
            parse_listening_url("listening on http://127.0.0.1/mcp"),
            None
        );
        assert_eq!(parse_listening_url("listening on stdio"), None);
        assert_eq!(parse_listening_url("INFO url=http://127.0.0.1:1/mcp"), None);
        assert_eq!(
            origin_of("http://127.0.0.1:40123/mcp"),
            "http://127.0.0.1:40123"
        );
        assert_eq!(
            origin_of("http://127.0.0.1:40123"),
            "http://127.0.0.1:40123"
        );
    }

    #[test]
    fn summary_is_the_last_line_exactly() {
        let out = "PASS a\nFAIL b -- x\n12 passed, 1 failed\n\n";
        assert_eq!(
            Summary::parse(out),
            Some(Summary {
                passed: 12,
                failed: 1
            })
        );
        assert_eq!(Summary::parse("PASS a\n"), None);
        assert_eq!(Summary::parse("3 passed, 0 failed\nPASS late\n"), None);
        assert_eq!(Summary::parse("x3 passed, 0 failed"), None);
        assert_eq!(Summary::parse("3 passed, -1 failed"), None);
        assert_eq!(Summary::parse(""), None);
    }

    #[test]
    fn audit_lines_are_found_through_colours() {
        let coloured = "\u{1b}[2m2026-01-01\u{1b}[0m \u{1b}[32m INFO\u{1b}[0m \u{1b}[2maudit\u{1b}[0m: \u{1b}[3mtool\u{1b}[0m=\"jira_add_comment\" outcome=\"ok\"";
        assert_eq!(
            strip_ansi(coloured),
            "2026-01-01  INFO audit: tool=\"jira_add_comment\" outcome=\"ok\""
        );
        assert!(has_audit_line(
            coloured,
            &["tool=\"jira_add_comment\"", "outcome=\"ok\""]
        ));
        assert!(!has_audit_line(coloured, &["jira_create_issue"]));
        assert!(!has_audit_line(
            "INFO jira: tool=\"jira_add_comment\"",
            &["jira_add_comment"]
        ));
    }
}
