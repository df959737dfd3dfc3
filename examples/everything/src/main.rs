//! The `everything` binary: serves the conformance fixtures of [`everything::server`].
//!
//! `everything --stdio` serves on stdin/stdout (logs go to stderr, filtered by `RUST_LOG`).

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use tracing_subscriber::EnvFilter;

/// The conformance "everything" MCP server.
#[derive(Debug, Parser)]
#[command(name = "everything", version, about)]
struct Cli {
    /// Serve on stdin/stdout (newline-delimited JSON-RPC).
    #[arg(long)]
    stdio: bool,
}

/// Where to serve.
#[derive(Debug)]
enum Transport {
    Stdio,
}

impl Cli {
    fn transport(&self) -> Result<Transport, clap::Error> {
        if self.stdio {
            return Ok(Transport::Stdio);
        }
        Err(Self::command().error(
            clap::error::ErrorKind::MissingRequiredArgument,
            "choose a transport: --stdio (serving Streamable HTTP with --bind ADDR comes with the HTTP transport)",
        ))
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(EnvFilter::from_default_env())
        .init();
    let transport = match cli.transport() {
        Ok(t) => t,
        // Prints the usage error to stderr and exits with status 2.
        Err(e) => e.exit(),
    };
    let server = everything::server();
    tracing::info!(
        name = %server.info().name,
        version = %server.info().version,
        ?transport,
        "serving"
    );
    let outcome = match transport {
        Transport::Stdio => mcp_server::stdio::serve(server).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "the server stopped");
            ExitCode::FAILURE
        }
    }
}
