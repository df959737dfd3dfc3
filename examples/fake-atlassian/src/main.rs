//! The `fake-atlassian` binary: a local Atlassian Cloud (Jira REST v3, Confluence REST v2 and
//! v1 search) for trying the Jira and Confluence examples by hand.
//!
//! `fake-atlassian --bind 127.0.0.1:8089` prints `listening on http://ADDR` on stderr once bound.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

/// Accounts and admin routes, shown after the options.
const AFTER_HELP: &str = "\
Accounts (Basic email:api-token, or Bearer OAuth token):
  alice@example.com : alice-api-token   Bearer alice-oauth-token   5b10ac8d82e05b22cc7d4ef5
  bob@example.com   : bob-api-token     Bearer bob-oauth-token     5b10a0effa615349cb016cd8
  mia@example.com   : mia-api-token     Bearer mia-oauth-token     5b10a2844c20165700ede21g

URL styles: /rest/api/3/..., /wiki/... and /ex/{jira|confluence}/1324a887-45db-1bf4-1e99-ef0ff456d421/...

Admin API (no auth): GET|DELETE /__fake/requests, GET|POST|DELETE /__fake/faults,
  GET|POST /__fake/config, GET /__fake/stats, POST /__fake/reset,
  POST /__fake/confluence/pages/{id}/bump, GET /__fake/jira/issues/{key},
  GET /__fake/confluence/pages/{id}

Example: curl -u alice@example.com:alice-api-token 'http://127.0.0.1:8089/rest/api/3/search/jql?jql=project%3DENG&maxResults=2&fields=summary'";

/// A local Atlassian Cloud (Jira REST v3 subset, Confluence REST v2 and v1 CQL search) with
/// seed data, three users (alice, bob, mia) and an admin API under /__fake/ (request log, fault
/// injection, configuration, reset).
#[derive(Debug, Parser)]
#[command(name = "fake-atlassian", version, after_help = AFTER_HELP)]
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
