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

use std::env;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::{self, Read, Write as _};
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

#[cfg(test)]
mod tests {
    use super::{Summary, origin_of, parse_listening_url};

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
}
