//! The Postgres example end to end: the PostgreSQL running on the machine, seeded with
//! `examples/postgres/sql/fixture.sql` and `readonly-role.sql` (as a superuser, through `psql`),
//! five `postgres` servers running as the read-only role `mcp_ro`, and
//! `tests/interop/examples/postgres_scenarios.py` driving them through the official Python SDK
//! client over Streamable HTTP (examples.md §4.3 scenarios 1-15 and the §4.4 checks).
//!
//! | server | configuration | used by |
//! | --- | --- | --- |
//! | main | `--schemas sales --enable-raw-sql --statement-timeout-ms 20000` | scenarios 1-7, 10, 11, 13-15, tools/list |
//! | fast | the same with `--statement-timeout-ms 500 --max-in-flight-per-user 4` | scenarios 8, 9, concurrency cap |
//! | noraw | defaults (no raw SQL, no allow-list) | raw SQL off by default |
//! | auth | `--api-keys` (reader: `postgres:read`; analyst: also `postgres:raw`) | scopes |
//! | down | connected through a TCP relay that is closed after startup | "Postgres unavailable", `/health/ready` 503 |
//!
//! The script also starts the binary as the owner role `app_owner` (scenario 12: it must refuse).
//! After the script, the main server's log must hold an audit record of raw SQL, and the
//! servers' logs and `--help` must not hold the role's password.
//!
//! `DATABASE_URL` names a superuser connection (the database `mcp_example` is created in that
//! server). Without it the test is skipped loudly, unless `CI` is set: then it uses
//! `postgres://postgres@127.0.0.1:5432/test`. Also skipped (failing under CI) without the
//! Python venv (`bash tests/interop/setup.sh`) or `psql`.

use std::fmt::Write as _;
use std::io::{ErrorKind, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use mcp_tests::{
    HttpServer, TempDir, assert_no_secrets, check_scenarios, example_binary, has_audit_line, in_ci,
    scenario_command, scrubbed_command, server_logs, skip_or_fail, start_server, venv_python,
    workspace_root,
};

const CI_DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
const DATABASE: &str = "mcp_example";
/// The test password of `mcp_ro`: it must never show up in any output or log.
const RO_PASSWORD: &str = "mcp-ro-e2e-secret-4c1f";
const OWNER_PASSWORD: &str = "app-owner-e2e-secret-9b2d";
const READER_KEY: &str = "mcp_reader1_reader-secret-5e1a";
const ANALYST_KEY: &str = "mcp_analyst1_analyst-secret-0c7d";
/// The checks `postgres_scenarios.py` makes when every server is given (fewer fail the test).
const CHECKS: u32 = 160;

/// The pieces of the administrator's `postgres://` URL.
#[derive(Debug, Clone)]
struct Target {
    /// `postgres://` or `postgresql://`.
    scheme: String,
    /// `user[:password]` of the administrator.
    userinfo: String,
    /// `host[:port]`.
    hostport: String,
    /// `?…` (may be empty).
    query: String,
}

impl Target {
    fn parse(url: &str) -> Option<Self> {
        let (scheme, rest) = url.split_once("://")?;
        let (before_query, query) = match rest.split_once('?') {
            Some((a, q)) => (a, format!("?{q}")),
            None => (rest, String::new()),
        };
        let authority = before_query.split('/').next().unwrap_or_default();
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (u.to_owned(), h.to_owned()),
            None => (String::new(), authority.to_owned()),
        };
        Some(Self {
            scheme: format!("{scheme}://"),
            userinfo,
            hostport,
            query,
        })
    }

    /// The same server and options, as `userinfo` in `dbname`, with extra query parameters.
    fn url(&self, userinfo: &str, dbname: &str, extra: &[(&str, &str)]) -> String {
        let mut query = self.query.clone();
        for (k, v) in extra {
            query.push(if query.is_empty() { '?' } else { '&' });
            let _ = write!(query, "{k}={v}");
        }
        let at = if userinfo.is_empty() { "" } else { "@" };
        format!(
            "{}{userinfo}{at}{}/{dbname}{query}",
            self.scheme, self.hostport
        )
    }

    fn admin(&self, dbname: &str) -> String {
        self.url(&self.userinfo, dbname, &[])
    }

    /// The TCP address of the server (for the relay), when it is reached over TCP.
    fn socket(&self) -> Option<SocketAddr> {
        let hostport = if self.hostport.is_empty() {
            "127.0.0.1:5432".to_owned()
        } else if self.hostport.contains(':') && !self.hostport.ends_with(']') {
            self.hostport.clone()
        } else {
            format!("{}:5432", self.hostport)
        };
        hostport.to_socket_addrs().ok()?.next()
    }
}

/// Runs one `psql` command (a file or a statement) as the administrator; panics with its
/// output on failure unless `tolerate` is set.
fn psql(test: &str, dsn: &str, args: &[&str], tolerate: bool) {
    let output = Command::new("psql")
        .arg(dsn)
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{test}: cannot run psql: {e}"));
    assert!(
        tolerate || output.status.success(),
        "{test}: psql {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A TCP relay to the database that can be cut: the "down" server connects through it, then
/// loses its database when the relay is closed.
struct Relay {
    port: u16,
    stop: Arc<AtomicBool>,
    streams: Arc<Mutex<Vec<TcpStream>>>,
    acceptor: Option<thread::JoinHandle<()>>,
}

impl Relay {
    fn start(target: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let streams: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let acceptor = {
            let stop = Arc::clone(&stop);
            let streams = Arc::clone(&streams);
            thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((client, _)) => {
                            let Ok(upstream) = TcpStream::connect(target) else {
                                continue;
                            };
                            let _ = client.set_nonblocking(false);
                            let pairs = [
                                (client.try_clone(), upstream.try_clone()),
                                (upstream.try_clone(), client.try_clone()),
                            ];
                            for (from, to) in pairs {
                                if let (Ok(mut from), Ok(mut to)) = (from, to) {
                                    thread::spawn(move || {
                                        let mut buf = [0u8; 16 * 1024];
                                        loop {
                                            match from.read(&mut buf) {
                                                Ok(0) | Err(_) => break,
                                                Ok(n) => {
                                                    if to.write_all(&buf[..n]).is_err() {
                                                        break;
                                                    }
                                                }
                                            }
                                        }
                                        let _ = to.shutdown(std::net::Shutdown::Both);
                                    });
                                }
                            }
                            let mut all = streams.lock().unwrap_or_else(PoisonError::into_inner);
                            all.push(client);
                            all.push(upstream);
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => {
                            thread::sleep(Duration::from_millis(10));
                        }
                        Err(_) => break,
                    }
                }
                // The listener is dropped here: the port refuses connections from now on.
            })
        };
        Ok(Self {
            port,
            stop,
            streams,
            acceptor: Some(acceptor),
        })
    }

    /// Closes the port and every relayed connection.
    fn cut(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        for s in self
            .streams
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain(..)
        {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.cut();
    }
}

/// A `postgres --bind 127.0.0.1:0` command for `database_url`, free of the caller's
/// `PG_MCP_*` / `MCP_*` / `DATABASE_URL` environment.
fn server(binary: &Path, database_url: &str, extra: &[&str]) -> Command {
    let mut command = scrubbed_command(binary, &["PG_MCP_", "MCP_", "DATABASE_URL"]);
    command
        .args(["--bind", "127.0.0.1:0"])
        .args(extra)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn");
    command
}

/// Creates and seeds the fixture database (idempotent; concurrent runs serialize on an
/// advisory lock inside the files) and sets the roles' test passwords; returns the
/// administrator's URL of that database.
fn seed(test: &str, admin_url: &str, target: &Target) -> String {
    let sql_dir = workspace_root().join("examples/postgres/sql");
    psql(
        test,
        admin_url,
        &["-c", &format!("CREATE DATABASE {DATABASE}")],
        true,
    );
    let admin = target.admin(DATABASE);
    for file in ["fixture.sql", "readonly-role.sql"] {
        let path = sql_dir.join(file);
        psql(test, &admin, &["-f", &path.to_string_lossy()], false);
    }
    psql(
        test,
        &admin,
        &[
            "-c",
            &format!(
                "ALTER ROLE mcp_ro PASSWORD '{RO_PASSWORD}'; \
                 ALTER ROLE app_owner PASSWORD '{OWNER_PASSWORD}'"
            ),
        ],
        false,
    );

    admin
}

/// The administrator URL, or `None` (skipped loudly) outside CI without one.
fn admin_url(test: &str) -> Option<String> {
    match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if in_ci() => Some(CI_DEFAULT_URL.to_owned()),
        _ => {
            let banner = format!(
                "\n***********************************************************************\n\
                 SKIP {test}: DATABASE_URL is not set (a superuser connection to the\n\
                 PostgreSQL to test against; CI uses {CI_DEFAULT_URL})\n\
                 ***********************************************************************\n"
            );
            let _ = std::io::stderr().write_all(banner.as_bytes());
            None
        }
    }
}

/// The servers of the run (killed when dropped).
struct Servers {
    main: HttpServer,
    fast: HttpServer,
    noraw: HttpServer,
    auth: HttpServer,
    down: Option<HttpServer>,
    app_main: String,
    app_fast: String,
    ro_main: String,
    _keys: TempDir,
}

fn start_servers(test: &str, binary: &Path, target: &Target) -> Servers {
    let pid = std::process::id();
    let ro_userinfo = format!("mcp_ro:{RO_PASSWORD}");
    let app_main = format!("mcp-e2e-main-{pid}");
    let app_fast = format!("mcp-e2e-fast-{pid}");
    let ro_main = target.url(&ro_userinfo, DATABASE, &[("application_name", &app_main)]);
    let ro_fast = target.url(&ro_userinfo, DATABASE, &[("application_name", &app_fast)]);
    let ro_plain = target.url(&ro_userinfo, DATABASE, &[]);

    let dir = TempDir::new(test);
    let keys = dir.write(
        "keys.json",
        r#"[{"id": "reader1", "secret": "reader-secret-5e1a", "subject": "reader", "scopes": ["postgres:read"]},
            {"id": "analyst1", "secret": "analyst-secret-0c7d", "subject": "analyst", "scopes": ["postgres:read", "postgres:raw"]}]"#,
    );
    let keys_arg = keys.to_string_lossy().into_owned();

    let raw = ["--schemas", "sales", "--enable-raw-sql"];
    let main_args = [&raw[..], &["--statement-timeout-ms", "20000"]].concat();
    let fast_args = [
        &raw[..],
        &[
            "--statement-timeout-ms",
            "500",
            "--max-in-flight-per-user",
            "4",
        ],
    ]
    .concat();
    let auth_args = [&raw[..], &["--api-keys", &keys_arg]].concat();
    let main = start_server(
        test,
        "main",
        server(binary, &ro_main, &main_args).env("RUST_LOG", "warn,audit=info"),
    );
    let fast = start_server(test, "fast", &mut server(binary, &ro_fast, &fast_args));
    let noraw = start_server(test, "noraw", &mut server(binary, &ro_plain, &[]));
    let auth = start_server(test, "auth", &mut server(binary, &ro_plain, &auth_args));
    // The down server: through a relay that is cut once it has started (and checked its role).
    // (Only over TCP: a server reached through a Unix socket skips this group.)
    let down = target.socket().map(|addr| {
        let mut relay =
            Relay::start(addr).unwrap_or_else(|e| panic!("{test}: cannot start the relay: {e}"));
        let through = Target {
            hostport: format!("127.0.0.1:{}", relay.port),
            ..target.clone()
        };
        let url = through.url(&ro_userinfo, DATABASE, &[]);
        let down = start_server(test, "down", &mut server(binary, &url, &[]));
        relay.cut();
        down
    });
    Servers {
        main,
        fast,
        noraw,
        auth,
        down,
        app_main,
        app_fast,
        ro_main,
        _keys: dir,
    }
}

#[test]
fn example_postgres() {
    let test = "example_postgres";
    let Some(admin_url) = admin_url(test) else {
        return;
    };
    let Some(python) = venv_python(test) else {
        return;
    };
    if Command::new("psql").arg("--version").output().is_err() {
        skip_or_fail(test, "psql is not installed");
        return;
    }
    let Some(target) = Target::parse(&admin_url) else {
        panic!("{test}: DATABASE_URL must be a postgres:// URL");
    };
    let admin = seed(test, &admin_url, &target);
    let binary =
        example_binary("postgres").unwrap_or_else(|e| panic!("{test}: cannot build postgres: {e}"));
    let s = start_servers(test, &binary, &target);
    let owner = target.url(&format!("app_owner:{OWNER_PASSWORD}"), DATABASE, &[]);

    let mut command = scenario_command(&python, "postgres_scenarios.py");
    command
        .args(["--url", s.main.endpoint()])
        .args(["--admin-dsn", &admin])
        .args(["--url-fast", s.fast.endpoint()])
        .args(["--url-noraw", s.noraw.endpoint()])
        .args(["--url-auth", s.auth.endpoint()])
        .args(["--reader-key", READER_KEY, "--analyst-key", ANALYST_KEY])
        .args(["--binary", &binary.to_string_lossy()])
        .args(["--owner-dsn", &owner])
        .args(["--app-main", &s.app_main, "--app-fast", &s.app_fast])
        .args(["--max-in-flight", "4"])
        .args(["--secret", RO_PASSWORD, "--secret", OWNER_PASSWORD]);
    if let Some(down) = &s.down {
        command.args(["--url-down", down.endpoint()]);
    }
    let servers = [
        ("main", &s.main),
        ("fast", &s.fast),
        ("noraw", &s.noraw),
        ("auth", &s.auth),
    ];
    // Without the down server (a database reached through a Unix socket) its three checks are
    // skipped.
    let checks = if s.down.is_some() { CHECKS } else { CHECKS - 3 };
    check_scenarios(test, &mut command, checks, || server_logs(&servers));
    // Raw SQL is audited: caller, database role, statement, outcome.
    let log = s.main.stderr();
    assert!(
        has_audit_line(&log, &["pg_run_readonly_sql", "mcp_ro"]),
        "{test}: no audit record of raw SQL in the main server's log:\n{log}"
    );
    // Secrets: never in a log, never in --help (even when set in the environment).
    assert_no_secrets(test, &servers, &[RO_PASSWORD, OWNER_PASSWORD]);
    check_help(test, &binary, &s.ro_main);
}

/// `--help` documents the flags and does not show `DATABASE_URL`'s value even when it is set.
fn check_help(test: &str, binary: &Path, database_url: &str) {
    let help = server(binary, database_url, &["--help"])
        .output()
        .unwrap_or_else(|e| panic!("{test}: postgres --help: {e}"));
    let help_text = String::from_utf8_lossy(&help.stdout);
    assert!(help.status.success(), "{test}: --help failed");
    assert!(
        help_text.contains("--database-url") && help_text.contains("--enable-raw-sql"),
        "{test}: --help documents the flags:\n{help_text}"
    );
    assert!(
        !help_text.contains(RO_PASSWORD),
        "{test}: --help shows DATABASE_URL's value"
    );
}
