//! The `jira` binary: an MCP server for Jira Cloud. `jira --help` lists every flag and its
//! environment variable; the README shows how to run it against Jira Cloud or the local fake.

use std::process::ExitCode;

use clap::Parser as _;

#[tokio::main]
async fn main() -> ExitCode {
    jira::config::Cli::parse().run().await
}
