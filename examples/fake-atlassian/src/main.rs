//! The `fake-atlassian` binary: a local Atlassian Cloud (Jira REST v3, Confluence REST v2 and
//! v1 search) for trying the Jira and Confluence examples by hand.
//!
//! `fake-atlassian --bind 127.0.0.1:8089` prints `listening on http://ADDR` on stderr once bound.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

/// A local Atlassian Cloud (Jira REST v3 subset, Confluence REST v2 and v1 CQL search) with
/// seed data, three users (alice, bob, mia) and an admin API under /__fake/ (request log, fault
/// injection, configuration, reset).
#[derive(Debug, Parser)]
#[command(name = "fake-atlassian", version, about)]
struct Cli {
    /// The address to listen on (port 0 picks a free port; the chosen address is printed as
    /// `listening on http://ADDR` on stderr).
    #[arg(
        long,
        value_name = "ADDR",
        env = "FAKE_ATLASSIAN_BIND",
        default_value = "127.0.0.1:8089"
    )]
    bind: SocketAddr,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let listener = match tokio::net::TcpListener::bind(cli.bind).await {
        Ok(listener) => listener,
        Err(e) => {
            tracing::error!(error = %e, addr = %cli.bind, "cannot bind");
            return ExitCode::FAILURE;
        }
    };
    let local = listener.local_addr().unwrap_or(cli.bind);
    #[expect(
        clippy::print_stderr,
        reason = "the listening line is the readiness signal tests and users wait for"
    )]
    {
        eprintln!("listening on http://{local}");
    }
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match axum::serve(listener, fake_atlassian::app())
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "the server stopped");
            ExitCode::FAILURE
        }
    }
}
