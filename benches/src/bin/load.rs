//! The load bench: a closed-loop load generator for Streamable HTTP (both eras), idle legacy
//! sessions, and stdio.
//!
//! - `load http`: runs the floor (`floor`, raw hyper) and the SDK (`everything --bind`) side by
//!   side, alternating rounds (floor, SDK, floor, SDK, ...), C concurrent clients with one
//!   keep-alive connection each, each sending its next request when the last one is answered.
//!   A request counts only when a JSON-RPC result with the matching id and the expected
//!   content came back (JSON or SSE); errors are counted and reported by kind.
//! - `load idle`: opens N legacy sessions (`initialize` only) against `sdk-server` and reports
//!   the server's RSS growth per session.
//! - `load stdio`: `everything --stdio`, sequential and pipelined `echo` throughput.
//! - `load all`: all three with their defaults.
//!
//! The servers are pinned to one core and the generator to another (`taskset`), and each
//! server's CPU time (utime + stime of `/proc/<pid>/stat`) is read before and after the
//! measured window: CPU per request is the figure that survives a noisy machine.
//!
//! Build the servers first: `cargo build --release -p benches -p everything`.
#![expect(
    clippy::print_stdout,
    reason = "the load bench prints its result tables on stdout"
)]
#![expect(
    clippy::print_stderr,
    reason = "progress and per-round figures go to stderr, next to the tables"
)]
#![expect(
    clippy::cast_precision_loss,
    reason = "counts and durations are far below 2^52"
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use benches::procfs::{cpu_time, rss_kib};
use benches::wire::{self, CallTemplate, Era, Outcome, Tool};
use bytes::Bytes;
use clap::{Args, Parser, Subcommand};
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader, BufWriter};
use tokio::process::{Child, Command};
use tokio::sync::Semaphore;

/// Load bench of the MCP SDK against a raw-hyper floor.
#[derive(Debug, Parser)]
#[command(name = "load")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
    /// Directory of the `floor`, `everything` and `sdk-server` binaries (default: this
    /// binary's directory, i.e. `target/release`).
    #[arg(long, global = true)]
    bin_dir: Option<PathBuf>,
    /// The core the servers are pinned to.
    #[arg(long, global = true, default_value_t = 0)]
    server_core: usize,
    /// The core the load generator is pinned to.
    #[arg(long, global = true, default_value_t = 1)]
    client_core: usize,
    /// Do not pin (the figures then mix server and generator on both cores).
    #[arg(long, global = true)]
    no_pin: bool,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Floor vs SDK over Streamable HTTP, alternating rounds.
    Http(HttpArgs),
    /// Idle legacy sessions: RSS per session.
    Idle(IdleArgs),
    /// stdio: sequential and pipelined echo.
    Stdio(StdioArgs),
    /// `http`, `idle` and `stdio` with their defaults.
    All,
}

#[derive(Debug, Clone, Args)]
struct HttpArgs {
    /// Scenarios `tool:era:clients` (comma-separated).
    #[arg(
        long,
        value_delimiter = ',',
        value_parser = parse_scenario,
        default_value = "echo:modern:16,echo:modern:64,echo:legacy:16,echo:legacy:64,sum:modern:16"
    )]
    scenarios: Vec<Scenario>,
    /// Measured seconds per round.
    #[arg(long, default_value_t = 5.0)]
    duration: f64,
    /// Warm-up seconds per round (not measured).
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Rounds per server (floor and SDK alternate).
    #[arg(long, default_value_t = 2)]
    rounds: usize,
    /// Measure only the SDK (no floor).
    #[arg(long)]
    sdk_only: bool,
}

impl Default for HttpArgs {
    fn default() -> Self {
        Self::parse_from_defaults()
    }
}

impl HttpArgs {
    fn parse_from_defaults() -> Self {
        #[derive(Parser)]
        struct Wrap {
            #[command(flatten)]
            args: HttpArgs,
        }
        Wrap::parse_from(["http"]).args
    }
}

#[derive(Debug, Clone, Args)]
struct IdleArgs {
    /// Sessions to open.
    #[arg(long, default_value_t = 10_000)]
    sessions: usize,
    /// Concurrent connections opening them.
    #[arg(long, default_value_t = 16)]
    clients: usize,
}

#[derive(Debug, Clone, Args)]
struct StdioArgs {
    /// Measured seconds per mode.
    #[arg(long, default_value_t = 5.0)]
    duration: f64,
    /// Warm-up seconds per mode.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Requests in flight at most when pipelining.
    #[arg(long, default_value_t = 1024)]
    window: usize,
}

#[derive(Debug, Clone, Copy)]
struct Scenario {
    tool: Tool,
    era: Era,
    clients: usize,
}

impl std::fmt::Display for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let era = match self.era {
            Era::Modern => "modern",
            Era::Legacy => "legacy",
        };
        write!(f, "{} {era} c={}", self.tool.name(), self.clients)
    }
}

fn parse_scenario(s: &str) -> Result<Scenario, String> {
    let parts: Vec<&str> = s.split(':').collect();
    let [tool, era, clients] = parts[..] else {
        return Err(format!("`{s}`: expected tool:era:clients"));
    };
    let tool = match tool {
        "echo" => Tool::Echo,
        "sum" => Tool::Sum,
        _ => return Err(format!("unknown tool `{tool}`")),
    };
    let era = match era {
        "modern" => Era::Modern,
        "legacy" => Era::Legacy,
        _ => return Err(format!("unknown era `{era}`")),
    };
    let clients = clients
        .parse()
        .ok()
        .filter(|&c| c > 0)
        .ok_or_else(|| format!("bad client count `{clients}`"))?;
    Ok(Scenario { tool, era, clients })
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Where processes run.
#[derive(Debug, Clone)]
struct Placement {
    bin_dir: PathBuf,
    /// `taskset -c <core>` for the servers, when pinning.
    server_core: Option<usize>,
}

impl Placement {
    fn command(&self, bin: &str) -> Command {
        let path = self.bin_dir.join(bin);
        let mut cmd = if let Some(core) = self.server_core {
            let mut c = Command::new("taskset");
            c.arg("-c").arg(core.to_string()).arg(path);
            c
        } else {
            Command::new(path)
        };
        cmd.env("RUST_LOG", "error").kill_on_drop(true);
        cmd
    }
}

/// A server process serving HTTP.
struct Server {
    name: &'static str,
    /// Held so that the server is killed when this is dropped.
    _child: Child,
    pid: String,
    addr: SocketAddr,
}

impl Server {
    async fn start(place: &Placement, name: &'static str, bin: &str) -> Result<Self, BoxError> {
        let mut child = place
            .command(bin)
            .args(["--bind", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting {bin} from {}: {e}", place.bin_dir.display()))?;
        let pid = child.id().ok_or("no pid")?.to_string();
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let mut lines = BufReader::new(stderr).lines();
        let addr = loop {
            let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
                .await
                .map_err(|_| format!("{bin} did not print its address"))??
                .ok_or_else(|| format!("{bin} exited before listening"))?;
            if let Some(rest) = line.strip_prefix("listening on http://") {
                break rest.trim_end_matches("/mcp").parse::<SocketAddr>()?;
            }
        };
        // Keep draining stderr so that the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Self {
            name,
            _child: child,
            pid,
            addr,
        })
    }

    fn cpu(&self) -> Duration {
        cpu_time(&self.pid).unwrap_or_default()
    }

    fn rss(&self) -> u64 {
        rss_kib(&self.pid).unwrap_or_default()
    }
}

/// Pins this process (every thread) to `core` with `taskset`; false when that fails.
fn pin_self(core: usize) -> bool {
    std::process::Command::new("taskset")
        .args([
            "-a",
            "-p",
            "-c",
            &core.to_string(),
            &std::process::id().to_string(),
        ])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn taskset_available() -> bool {
    std::process::Command::new("taskset")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn main() -> Result<(), BoxError> {
    let cli = Cli::parse();
    let bin_dir = match cli.bin_dir.clone() {
        Some(d) => d,
        None => std::env::current_exe()?
            .parent()
            .map(Path::to_path_buf)
            .ok_or("no binary directory")?,
    };
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let mut server_core = None;
    if cli.no_pin {
        eprintln!("warning: not pinning; server and generator share the cores");
    } else if !taskset_available() {
        eprintln!("warning: taskset not found; not pinning (figures mix server and generator)");
    } else if cores <= cli.server_core.max(cli.client_core) {
        eprintln!("warning: only {cores} core(s); not pinning");
    } else if pin_self(cli.client_core) {
        server_core = Some(cli.server_core);
        eprintln!(
            "pinned: servers on core {}, load generator on core {}",
            cli.server_core, cli.client_core
        );
    } else {
        eprintln!("warning: taskset could not pin the generator; not pinning");
    }
    let place = Placement {
        bin_dir,
        server_core,
    };
    // One thread: the generator owns its core, like the server owns its own.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        match cli.command {
            Cmd::Http(args) => http(&place, &args).await,
            Cmd::Idle(args) => idle(&place, &args).await,
            Cmd::Stdio(args) => stdio(&place, &args).await,
            Cmd::All => {
                http(&place, &HttpArgs::default()).await?;
                idle(
                    &place,
                    &IdleArgs {
                        sessions: 10_000,
                        clients: 16,
                    },
                )
                .await?;
                stdio(
                    &place,
                    &StdioArgs {
                        duration: 5.0,
                        warmup: 1.0,
                        window: 1024,
                    },
                )
                .await
            }
        }
    })
}

// ---------------------------------------------------------------------------------------
// HTTP

const WARMUP: u8 = 0;
const MEASURE: u8 = 1;
const STOP: u8 = 2;

/// One keep-alive connection (and legacy session) of one client.
struct Conn {
    sender: SendRequest<Full<Bytes>>,
    session: Option<String>,
}

async fn connect(addr: SocketAddr) -> Result<SendRequest<Full<Bytes>>, BoxError> {
    let tcp = tokio::net::TcpStream::connect(addr).await?;
    tcp.set_nodelay(true)?;
    let (sender, conn) = http1::handshake(TokioIo::new(tcp)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

/// Sends `request` and collects the status, `Content-Type`, session id and body.
async fn exchange(
    sender: &mut SendRequest<Full<Bytes>>,
    request: http::Request<Full<Bytes>>,
) -> Result<
    (
        http::StatusCode,
        Option<http::HeaderValue>,
        Option<String>,
        Bytes,
    ),
    BoxError,
> {
    sender.ready().await?;
    let response = sender.send_request(request).await?;
    let (mut parts, body) = response.into_parts();
    let body = body.collect().await?.to_bytes();
    let session = parts
        .headers
        .get("mcp-session-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Ok((
        parts.status,
        parts.headers.remove(http::header::CONTENT_TYPE),
        session,
        body,
    ))
}

/// `initialize` then `notifications/initialized`: the session id.
async fn open_session(
    sender: &mut SendRequest<Full<Bytes>>,
    host: &str,
    notify: bool,
) -> Result<String, BoxError> {
    let (status, _, session, body) = exchange(sender, wire::initialize(host)).await?;
    let session = session.ok_or_else(|| {
        format!(
            "initialize answered {status} without a session: {}",
            String::from_utf8_lossy(&body)
        )
    })?;
    if notify {
        let (status, ..) = exchange(sender, wire::initialized(host, &session)).await?;
        if status != http::StatusCode::ACCEPTED {
            return Err(format!("notifications/initialized answered {status}").into());
        }
    }
    Ok(session)
}

#[derive(Default)]
struct ClientStats {
    ok: u64,
    latencies: Vec<u64>,
    errors: BTreeMap<String, u64>,
}

async fn client(
    mut conn: Conn,
    index: u64,
    host: Arc<str>,
    template: Arc<CallTemplate>,
    expect: Arc<str>,
    phase: Arc<AtomicU8>,
) -> ClientStats {
    let mut tally = ClientStats::default();
    let mut id = index << 32;
    loop {
        id += 1;
        let request = template.request(&host, id, conn.session.as_deref());
        let start = Instant::now();
        let answer = exchange(&mut conn.sender, request).await;
        let latency = start.elapsed();
        let now = phase.load(Ordering::Relaxed);
        if now == STOP {
            break;
        }
        let outcome = match &answer {
            Ok((status, ct, _, body)) => {
                match wire::check(
                    ct.as_ref().map(http::HeaderValue::as_bytes),
                    body,
                    id,
                    &expect,
                ) {
                    Outcome::Malformed(why) => Err(format!("HTTP {status}: {why}")),
                    Outcome::Ok => Ok(()),
                    Outcome::ToolError => Err("tool error or wrong content".to_owned()),
                    Outcome::RpcError(code) => Err(format!("JSON-RPC error {code}")),
                }
            }
            Err(e) => Err(format!("transport: {e}")),
        };
        if now == MEASURE {
            match outcome {
                Ok(()) => {
                    tally.ok += 1;
                    tally
                        .latencies
                        .push(u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX));
                }
                Err(e) => *tally.errors.entry(e).or_default() += 1,
            }
        }
        if answer.is_err() {
            // The connection is gone; this client stops.
            break;
        }
    }
    if let Some(session) = &conn.session {
        let _ = exchange(&mut conn.sender, wire::delete(&host, session)).await;
    }
    tally
}

/// The figures of one measured window.
#[derive(Default, Clone)]
struct Round {
    ok: u64,
    secs: f64,
    server_cpu: Duration,
    client_cpu: Duration,
    latencies: Vec<u64>,
    errors: BTreeMap<String, u64>,
    rss_growth_kib: i64,
}

async fn run_round(
    server: &Server,
    scenario: Scenario,
    warmup: Duration,
    duration: Duration,
) -> Result<Round, BoxError> {
    let host: Arc<str> = server.addr.to_string().into();
    let template = Arc::new(CallTemplate::new(scenario.tool, scenario.era));
    let expect: Arc<str> = scenario.tool.expected_text().into();
    let phase = Arc::new(AtomicU8::new(WARMUP));
    let mut conns = Vec::with_capacity(scenario.clients);
    for _ in 0..scenario.clients {
        let mut sender = connect(server.addr).await?;
        let session = match scenario.era {
            Era::Legacy => Some(open_session(&mut sender, &host, true).await?),
            Era::Modern => None,
        };
        conns.push(Conn { sender, session });
    }
    let tasks: Vec<_> = conns
        .into_iter()
        .enumerate()
        .map(|(i, conn)| {
            tokio::spawn(client(
                conn,
                i as u64,
                Arc::clone(&host),
                Arc::clone(&template),
                Arc::clone(&expect),
                Arc::clone(&phase),
            ))
        })
        .collect();
    tokio::time::sleep(warmup).await;
    let (cpu0, me0, rss0) = (server.cpu(), cpu_time("self")?, server.rss());
    let t0 = Instant::now();
    phase.store(MEASURE, Ordering::Relaxed);
    tokio::time::sleep(duration).await;
    phase.store(STOP, Ordering::Relaxed);
    let secs = t0.elapsed().as_secs_f64();
    let (cpu1, me1, rss1) = (server.cpu(), cpu_time("self")?, server.rss());
    let mut round = Round {
        secs,
        server_cpu: cpu1.saturating_sub(cpu0),
        client_cpu: me1.saturating_sub(me0),
        rss_growth_kib: i64::try_from(rss1).unwrap_or(0) - i64::try_from(rss0).unwrap_or(0),
        ..Round::default()
    };
    for task in tasks {
        let stats = task.await?;
        round.ok += stats.ok;
        round.latencies.extend(stats.latencies);
        for (k, v) in stats.errors {
            *round.errors.entry(k).or_default() += v;
        }
    }
    Ok(round)
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "an index within the slice"
    )]
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

/// Aggregated figures of one server in one scenario.
struct Summary {
    rps: f64,
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
    cpu_us: f64,
    server_busy: f64,
    client_busy: f64,
    errors: u64,
    rss_kib_per_1k: f64,
    rounds: Vec<(f64, f64)>,
}

fn summarize(rounds: &[Round]) -> Summary {
    let ok: u64 = rounds.iter().map(|r| r.ok).sum();
    let secs: f64 = rounds.iter().map(|r| r.secs).sum();
    let cpu: f64 = rounds.iter().map(|r| r.server_cpu.as_secs_f64()).sum();
    let me: f64 = rounds.iter().map(|r| r.client_cpu.as_secs_f64()).sum();
    let rss: i64 = rounds.iter().map(|r| r.rss_growth_kib).sum();
    let mut lat: Vec<u64> = rounds
        .iter()
        .flat_map(|r| r.latencies.iter().copied())
        .collect();
    lat.sort_unstable();
    Summary {
        rps: ok as f64 / secs,
        p50: percentile(&lat, 0.50),
        p90: percentile(&lat, 0.90),
        p99: percentile(&lat, 0.99),
        max: lat.last().map_or(f64::NAN, |&m| m as f64 / 1000.0),
        cpu_us: cpu * 1e6 / ok.max(1) as f64,
        server_busy: cpu / secs * 100.0,
        client_busy: me / secs * 100.0,
        errors: rounds.iter().flat_map(|r| r.errors.values()).sum(),
        rss_kib_per_1k: rss as f64 * 1000.0 / ok.max(1) as f64,
        rounds: rounds
            .iter()
            .map(|r| {
                (
                    r.ok as f64 / r.secs,
                    r.server_cpu.as_secs_f64() * 1e6 / r.ok.max(1) as f64,
                )
            })
            .collect(),
    }
}

/// The issue-7 ceiling of SDK/floor CPU per request for a scenario.
fn cpu_target(s: Scenario) -> f64 {
    match (s.tool, s.era) {
        (Tool::Sum, _) => 2.0,
        (_, Era::Legacy) => 1.7,
        _ => 1.5,
    }
}

async fn http(place: &Placement, args: &HttpArgs) -> Result<(), BoxError> {
    let floor = if args.sdk_only {
        None
    } else {
        Some(Server::start(place, "floor", "floor").await?)
    };
    let sdk = Server::start(place, "sdk", "everything").await?;
    eprintln!(
        "floor: {}, sdk (everything): {}",
        floor
            .as_ref()
            .map_or_else(|| "-".to_owned(), |f| f.addr.to_string()),
        sdk.addr
    );
    let warmup = Duration::from_secs_f64(args.warmup);
    let duration = Duration::from_secs_f64(args.duration);
    let mut results: Vec<(Scenario, Option<Summary>, Summary)> = Vec::new();
    for &scenario in &args.scenarios {
        let mut floor_rounds = Vec::new();
        let mut sdk_rounds = Vec::new();
        for round in 0..args.rounds {
            let servers: Vec<&Server> = floor.iter().chain(std::iter::once(&sdk)).collect();
            for server in servers {
                let r = run_round(server, scenario, warmup, duration).await?;
                eprintln!(
                    "  {scenario} round {} {:5}: {:8.0} req/s, {:6.1} µs CPU/req, server {:3.0}% busy, generator {:3.0}% busy, RSS {:+} KiB{}",
                    round + 1,
                    server.name,
                    r.ok as f64 / r.secs,
                    r.server_cpu.as_secs_f64() * 1e6 / r.ok.max(1) as f64,
                    r.server_cpu.as_secs_f64() / r.secs * 100.0,
                    r.client_cpu.as_secs_f64() / r.secs * 100.0,
                    r.rss_growth_kib,
                    if r.errors.is_empty() {
                        String::new()
                    } else {
                        format!(", errors {:?}", r.errors)
                    }
                );
                if server.name == "floor" {
                    floor_rounds.push(r);
                } else {
                    sdk_rounds.push(r);
                }
            }
        }
        let floor_summary = (!floor_rounds.is_empty()).then(|| summarize(&floor_rounds));
        results.push((scenario, floor_summary, summarize(&sdk_rounds)));
    }
    print_http(&results);
    drop(floor);
    drop(sdk);
    Ok(())
}

fn print_http(results: &[(Scenario, Option<Summary>, Summary)]) {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n| scenario | server | req/s | p50 µs | p90 µs | p99 µs | max µs | server CPU µs/req | server busy | generator busy | errors | RSS KiB/1k req | CPU µs/req by round |"
    );
    let _ = writeln!(
        out,
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    );
    for (scenario, floor, sdk) in results {
        for (name, s) in [("floor", floor.as_ref()), ("sdk", Some(sdk))] {
            let Some(s) = s else { continue };
            let by_round: Vec<String> = s.rounds.iter().map(|(_, c)| format!("{c:.1}")).collect();
            let _ = writeln!(
                out,
                "| {scenario} | {name} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.1} | {:.0}% | {:.0}% | {} | {:.1} | {} |",
                s.rps,
                s.p50,
                s.p90,
                s.p99,
                s.max,
                s.cpu_us,
                s.server_busy,
                s.client_busy,
                s.errors,
                s.rss_kib_per_1k,
                by_round.join(" / ")
            );
        }
    }
    let _ = writeln!(
        out,
        "\n| scenario | CPU/req SDK÷floor (target) | req/s SDK÷floor (target ≥0.8) | p99 SDK÷floor (target ≤1.5) |"
    );
    let _ = writeln!(out, "| --- | --- | --- | --- |");
    for (scenario, floor, sdk) in results {
        let Some(floor) = floor else { continue };
        let cpu = sdk.cpu_us / floor.cpu_us;
        let rps = sdk.rps / floor.rps;
        let p99 = sdk.p99 / floor.p99;
        let target = cpu_target(*scenario);
        let mark = |ok: bool| if ok { "ok" } else { "MISS" };
        let _ = writeln!(
            out,
            "| {scenario} | {cpu:.2}x (≤{target}x) {} | {rps:.2}x {} | {p99:.2}x {} |",
            mark(cpu <= target),
            mark(rps >= 0.8),
            mark(p99 <= 1.5),
        );
    }
    println!("{out}");
}

// ---------------------------------------------------------------------------------------
// Idle sessions

async fn idle(place: &Placement, args: &IdleArgs) -> Result<(), BoxError> {
    let server = Server::start(place, "sdk", "sdk-server").await?;
    let host: Arc<str> = server.addr.to_string().into();
    let mut senders = Vec::new();
    for _ in 0..args.clients.max(1) {
        senders.push(connect(server.addr).await?);
    }
    // A first batch warms the allocator and the maps: it is not counted.
    let warm = 100.min(args.sessions);
    open_many(&mut senders, &host, warm).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss0 = server.rss();
    let cpu0 = server.cpu();
    let start = Instant::now();
    let block = 1000.min(args.sessions.max(1));
    let mut rates = Vec::new();
    let mut opened = 0;
    while opened < args.sessions {
        let n = block.min(args.sessions - opened);
        let t = Instant::now();
        open_many(&mut senders, &host, n).await?;
        rates.push(n as f64 / t.elapsed().as_secs_f64());
        opened += n;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = server.cpu().saturating_sub(cpu0).as_secs_f64();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss1 = server.rss();
    let per_session = (rss1.saturating_sub(rss0)) as f64 * 1024.0 / args.sessions as f64;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n| idle legacy sessions | RSS before | RSS after | per session | target | initialize/s (first 1k → last 1k) | server CPU µs/initialize |"
    );
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | --- | --- | ---: |");
    let _ = writeln!(
        out,
        "| {} | {} KiB | {} KiB | {:.0} B ({:.2} KiB) | ≤4 KiB {} | {:.0} → {:.0} (all: {:.0}) | {:.1} |",
        args.sessions,
        rss0,
        rss1,
        per_session,
        per_session / 1024.0,
        if per_session <= 4096.0 { "ok" } else { "MISS" },
        rates.first().copied().unwrap_or(f64::NAN),
        rates.last().copied().unwrap_or(f64::NAN),
        args.sessions as f64 / elapsed,
        cpu * 1e6 / args.sessions as f64,
    );
    println!("{out}");
    drop(server);
    Ok(())
}

/// Opens `n` sessions (`initialize` only) over the connections, concurrently.
async fn open_many(
    senders: &mut Vec<SendRequest<Full<Bytes>>>,
    host: &Arc<str>,
    n: usize,
) -> Result<(), BoxError> {
    let count = senders.len();
    let mut tasks = Vec::new();
    for (i, mut sender) in senders.drain(..).enumerate() {
        let share = n / count + usize::from(i < n % count);
        let host = Arc::clone(host);
        tasks.push(tokio::spawn(async move {
            for _ in 0..share {
                open_session(&mut sender, &host, false).await?;
            }
            Ok::<_, BoxError>(sender)
        }));
    }
    for t in tasks {
        senders.push(t.await??);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// stdio

async fn stdio(place: &Placement, args: &StdioArgs) -> Result<(), BoxError> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n| stdio echo (modern) | req/s | server CPU µs/req | server busy | errors | p50 µs | p99 µs |"
    );
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for window in [1, args.window.max(1)] {
        let r = stdio_run(place, args, window).await?;
        let name = if window == 1 {
            "sequential".to_owned()
        } else {
            format!("pipelined (window {window})")
        };
        let mut lat = r.latencies.clone();
        lat.sort_unstable();
        let target = if window == 1 {
            String::new()
        } else if r.ok as f64 / r.secs >= 40_000.0 {
            " (target ≥40k: ok)".to_owned()
        } else {
            " (target ≥40k: MISS)".to_owned()
        };
        let _ = writeln!(
            out,
            "| {name} | {:.0}{target} | {:.1} | {:.0}% | {} | {:.0} | {:.0} |",
            r.ok as f64 / r.secs,
            r.server_cpu.as_secs_f64() * 1e6 / r.ok.max(1) as f64,
            r.server_cpu.as_secs_f64() / r.secs * 100.0,
            r.errors.values().sum::<u64>(),
            percentile(&lat, 0.5),
            percentile(&lat, 0.99),
        );
        if !r.errors.is_empty() {
            eprintln!("  stdio {name}: errors {:?}", r.errors);
        }
    }
    println!("{out}");
    Ok(())
}

async fn stdio_run(place: &Placement, args: &StdioArgs, window: usize) -> Result<Round, BoxError> {
    let mut child = place
        .command("everything")
        .arg("--stdio")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let pid = child.id().ok_or("no pid")?.to_string();
    let stdin = child.stdin.take().ok_or("no stdin")?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let template = Arc::new(CallTemplate::new(Tool::Echo, Era::Modern));
    let phase = Arc::new(AtomicU8::new(WARMUP));
    let permits = Arc::new(Semaphore::new(window));
    let sent = Arc::new(AtomicU64::new(0));
    let sent_at: SentAt = Arc::default();

    let writer = {
        let (template, phase, permits, sent, sent_at) = (
            Arc::clone(&template),
            Arc::clone(&phase),
            Arc::clone(&permits),
            Arc::clone(&sent),
            Arc::clone(&sent_at),
        );
        tokio::spawn(async move {
            let mut w = BufWriter::with_capacity(64 * 1024, stdin);
            let mut id = 0_u64;
            while phase.load(Ordering::Relaxed) != STOP {
                let permit = if let Ok(p) = permits.try_acquire() {
                    p
                } else {
                    w.flush().await?;
                    permits.acquire().await?
                };
                permit.forget();
                id += 1;
                let mut line = template.body(id).to_vec();
                line.push(b'\n');
                sent_at
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(id, Instant::now());
                w.write_all(&line).await?;
                sent.store(id, Ordering::Relaxed);
            }
            w.flush().await?;
            // Keep stdin open until the reader is done; dropping it would end the server.
            Ok::<_, BoxError>(w)
        })
    };
    let reader = tokio::spawn(stdio_reader(stdout, phase.clone(), permits, sent, sent_at));
    tokio::time::sleep(Duration::from_secs_f64(args.warmup)).await;
    let cpu0 = cpu_time(&pid)?;
    let t0 = Instant::now();
    phase.store(MEASURE, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs_f64(args.duration)).await;
    phase.store(STOP, Ordering::Relaxed);
    let secs = t0.elapsed().as_secs_f64();
    let cpu1 = cpu_time(&pid)?;
    let w = writer.await??;
    let tally = reader.await??;
    drop(w);
    let _ = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
    Ok(Round {
        ok: tally.ok,
        secs,
        server_cpu: cpu1.saturating_sub(cpu0),
        latencies: tally.latencies,
        errors: tally.errors,
        ..Round::default()
    })
}

type SentAt = Arc<std::sync::Mutex<std::collections::HashMap<u64, Instant>>>;

/// Reads and checks the answers until the writer stopped and every request was answered.
async fn stdio_reader(
    stdout: tokio::process::ChildStdout,
    phase: Arc<AtomicU8>,
    permits: Arc<Semaphore>,
    sent: Arc<AtomicU64>,
    sent_at: SentAt,
) -> Result<ClientStats, BoxError> {
    let mut r = BufReader::with_capacity(64 * 1024, stdout);
    let mut line = Vec::new();
    let mut received = 0_u64;
    let mut tally = ClientStats::default();
    loop {
        let now = phase.load(Ordering::Relaxed);
        if now == STOP && received >= sent.load(Ordering::Relaxed) {
            break;
        }
        line.clear();
        if r.read_until(b'\n', &mut line).await? == 0 {
            return Err("the server closed stdout".into());
        }
        received += 1;
        permits.add_permits(1);
        let id = wire::id_of(&line);
        let start = id.and_then(|id| {
            sent_at
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .remove(&id)
        });
        if phase.load(Ordering::Relaxed) != MEASURE {
            continue;
        }
        match id.map(|id| wire::check(None, &line, id, "hello")) {
            Some(Outcome::Ok) => {
                tally.ok += 1;
                if let Some(s) = start {
                    tally
                        .latencies
                        .push(u64::try_from(s.elapsed().as_nanos()).unwrap_or(u64::MAX));
                }
            }
            other => *tally.errors.entry(format!("{other:?}")).or_default() += 1,
        }
    }
    Ok(tally)
}
