//! The `confluence` binary: an MCP server for Confluence Cloud.
//!
//! ```text
//! confluence --confluence-url https://your-site.atlassian.net \
//!     --confluence-email you@example.com --confluence-api-token "$TOKEN"
//! ```
//! serves Streamable HTTP at `http://127.0.0.1:3002/mcp`; `confluence --help` lists every flag
//! and its environment variable.

use std::process::ExitCode;

use clap::Parser;
use confluence::{Cli, PRODUCT, PRODUCT_READ_ONLY};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    example_support::init_tracing();
    let app = match cli.app() {
        Ok(app) => app,
        Err(e) => return example_support::config_error(&e),
    };
    let ready = app.upstream().readiness("wiki/api/v2/spaces");
    let product = if cli.read_only {
        &PRODUCT_READ_ONLY
    } else {
        &PRODUCT
    };
    let builder = confluence::builder(app, cli.read_only);
    example_support::serve(builder, &cli.serve, product, Some(ready)).await
}
