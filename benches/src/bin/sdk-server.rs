//! The `everything` server on `mcp_server::http::serve` like `everything --bind`, with the
//! session caps raised (`--max-sessions`, in all and per principal) so that the idle-sessions
//! bench can open 10 000 sessions as one anonymous principal (the default cap is 100 per
//! principal).
//!
//! Prints `listening on http://ADDR/mcp` on stderr.

use std::net::SocketAddr;

use clap::Parser;
use mcp_server::http::{HttpService, SessionLimits};

/// `everything` over Streamable HTTP with raised session caps.
#[derive(Debug, Parser)]
struct Cli {
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:0")]
    bind: SocketAddr,
    /// Sessions in all and per principal.
    #[arg(long, default_value_t = 100_000)]
    max_sessions: usize,
}

#[tokio::main]
async fn main() -> Result<(), mcp_server::Error> {
    let cli = Cli::parse();
    let mut limits = SessionLimits::default();
    limits.max_total = cli.max_sessions;
    limits.max_per_principal = cli.max_sessions;
    let service = HttpService::builder(everything::server())
        .session_limits(limits)
        .build();
    let listener = tokio::net::TcpListener::bind(cli.bind).await?;
    #[expect(
        clippy::print_stderr,
        reason = "the listening address is for the load generator, on stderr"
    )]
    {
        eprintln!("listening on http://{}/mcp", listener.local_addr()?);
    }
    mcp_server::http::serve(listener, service).await
}
