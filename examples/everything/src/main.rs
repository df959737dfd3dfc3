//! The `everything` binary: serves the conformance fixtures of [`everything::server`].
//!
//! - `everything --bind 127.0.0.1:3000` serves Streamable HTTP at `http://127.0.0.1:3000/mcp`
//!   (both protocol eras) and the 2024-11-05 HTTP+SSE transport at `/sse`.
//! - `everything --stdio` serves on stdin/stdout.
//!
//! Logs go to stderr, filtered by `RUST_LOG`.
//!
//! Authentication (HTTP only, off by default):
//! - `--jwks PATH --issuer URL --audience URL`: a bearer JWT is required on `/mcp`, verified
//!   with the keys of the JWKS file; the RFC 9728 document names the issuer.
//! - `--api-keys PATH`: API keys `mcp_<id>_<secret>` (header `x-api-key` or
//!   `Authorization: Bearer`), from a JSON array of records
//!   `{"id", "digest" (hex HMAC-SHA256(pepper, secret)) or "secret" (development), "tenant",
//!   "scopes", "subject", "expires_at"}`.
//! - In auth mode every MCP request needs scope `mcp:read`; tool `echo` also needs `mcp:echo`
//!   and tool `sum` also `mcp:sum`.

mod auth;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use tracing_subscriber::EnvFilter;

/// The conformance "everything" MCP server.
#[derive(Debug, Parser)]
#[command(name = "everything", version, about)]
struct Cli {
    /// Serve on stdin/stdout (newline-delimited JSON-RPC).
    #[arg(long, conflicts_with = "bind")]
    stdio: bool,

    /// Serve Streamable HTTP on this address (endpoint `/mcp`, legacy SSE at `/sse`).
    #[arg(long, value_name = "ADDR", env = "MCP_BIND")]
    bind: Option<SocketAddr>,

    /// Extra `Host` names to accept besides loopback names (repeatable); needed when the
    /// server is reached by a non-loopback name.
    #[arg(long = "allow-host", value_name = "HOST")]
    allow_hosts: Vec<String>,

    /// Require a bearer JWT on `/mcp`, verified with the keys of this JWKS file (needs
    /// `--issuer` and `--audience`). Auth mode: every request needs scope `mcp:read`, tool
    /// `echo` also `mcp:echo`, tool `sum` also `mcp:sum`.
    #[arg(long, value_name = "PATH", requires_all = ["issuer", "audience"])]
    jwks: Option<PathBuf>,

    /// The exact token issuer (`iss`) accepted; named in the RFC 9728 metadata.
    #[arg(long, value_name = "URL")]
    issuer: Option<String>,

    /// The canonical resource URI tokens must be issued for (`aud`), e.g.
    /// `http://127.0.0.1:3000/mcp`; the `resource` of the RFC 9728 metadata.
    #[arg(long, value_name = "URL")]
    audience: Option<String>,

    /// Accept API keys `mcp_<id>_<secret>` (header `x-api-key` or `Authorization: Bearer`)
    /// listed in this JSON file: an array of `{"id", "digest" | "secret", "tenant", "scopes"}`
    /// where `digest` is hex HMAC-SHA256(pepper, secret) and `secret` is for development.
    /// Enables auth mode (see `--jwks`).
    #[arg(long, value_name = "PATH")]
    api_keys: Option<PathBuf>,

    /// The HMAC key of API-key digests.
    #[arg(
        long,
        value_name = "PEPPER",
        env = "MCP_API_KEY_PEPPER",
        default_value = "everything-dev-pepper",
        hide_env_values = true
    )]
    api_key_pepper: String,
}

/// Where to serve.
#[derive(Debug)]
enum Transport {
    Stdio,
    Http(SocketAddr),
}

impl Cli {
    fn transport(&self) -> Result<Transport, clap::Error> {
        if self.stdio {
            return Ok(Transport::Stdio);
        }
        if let Some(addr) = self.bind {
            return Ok(Transport::Http(addr));
        }
        Err(Self::command().error(
            clap::error::ErrorKind::MissingRequiredArgument,
            "choose a transport: --bind ADDR (Streamable HTTP) or --stdio",
        ))
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(EnvFilter::from_default_env())
        .init();
    let transport = match cli.transport() {
        Ok(t) => t,
        // Prints the usage error to stderr and exits with status 2.
        Err(e) => e.exit(),
    };
    let auth = auth::AuthConfig {
        jwks: cli.jwks.as_deref(),
        issuer: cli.issuer.as_deref(),
        audience: cli.audience.as_deref(),
        api_keys: cli.api_keys.as_deref(),
        pepper: &cli.api_key_pepper,
    };
    let layer = if auth.enabled() {
        match auth.layer() {
            Ok(layer) => Some(layer),
            Err(e) => Cli::command()
                .error(clap::error::ErrorKind::InvalidValue, e)
                .exit(),
        }
    } else {
        None
    };
    let server = if layer.is_some() {
        everything::builder().authorize(auth::policy()).build()
    } else {
        everything::server()
    };
    tracing::info!(
        name = %server.info().name,
        version = %server.info().version,
        ?transport,
        "serving"
    );
    let outcome = match transport {
        Transport::Stdio => mcp_server::stdio::serve(server).await,
        Transport::Http(addr) => serve_http(server, addr, &cli.allow_hosts, layer).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "the server stopped");
            ExitCode::FAILURE
        }
    }
}

async fn serve_http(
    server: mcp_server::Server,
    addr: SocketAddr,
    extra_hosts: &[String],
    auth: Option<mcp_auth::BearerAuthLayer>,
) -> Result<(), mcp_server::Error> {
    use mcp_server::http::{HostPolicy, HttpService};

    let hosts = if extra_hosts.is_empty() {
        HostPolicy::loopback()
    } else {
        let mut all: Vec<String> = vec!["localhost".into(), "127.0.0.1".into(), "[::1]".into()];
        all.extend(extra_hosts.iter().cloned());
        HostPolicy::hosts(all)?
    };
    let service = HttpService::builder(server).host_policy(hosts).build();
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tracing::info!(url = %format!("http://{local}/mcp"), "listening");
    // Printed on stderr so scripts and tests can find an ephemeral port.
    #[expect(
        clippy::print_stderr,
        reason = "the listening address is for the operator, on stderr"
    )]
    {
        eprintln!("listening on http://{local}/mcp");
    }
    match auth {
        Some(layer) => {
            let service = tower::ServiceBuilder::new().layer(layer).service(service);
            mcp_server::http::serve(listener, service)
                .with_graceful_shutdown(example_support::shutdown_signal())
                .await
        }
        None => {
            mcp_server::http::serve(listener, service)
                .with_graceful_shutdown(example_support::shutdown_signal())
                .await
        }
    }
}
