//! The plumbing shared by the example servers (`jira`, `confluence`, `postgres`), so that each
//! example's own code is about its product and nothing else.
//!
//! | module | what |
//! | --- | --- |
//! | [`atlassian`] | the Atlassian connection of the Jira and Confluence examples: [`atlassian::gateway_base`] (`<gateway>/ex/<product>/<cloudId>/`), the service account and per-user [`Credentials`] from the flags, [`UpstreamConfig`] from the limits |
//! | [`serve`](mod@serve) | [`ServeArgs`] (flatten into your clap `Cli`) and [`serve()`](fn@serve): tracing, stdio or Streamable HTTP, bearer auth (JWT via a JWKS file, API keys via a JSON file), RFC 9728 metadata, the scope policy, `Host` checks, `/health/ready`, graceful shutdown |
//! | [`credentials`] | the *upstream* credential of a call: one [`ServiceAccount`] for everyone or [`PerUserCredentials`] chosen by the verified MCP principal; `Debug` never shows a secret |
//! | [`upstream`] | [`Upstream`]: a `reqwest` client for one service with per-attempt timeouts, retries of reads on 429/503 honouring `Retry-After`, a per-user in-flight cap, bounded bodies, and errors that become clear [`ToolError`](mcp_server::ToolError) texts carrying the upstream's own words ([`upstream_message`]) |
//! | [`audit`](mod@audit) | [`audit()`](fn@audit): one `tracing` event on target `audit` per write |
//! | [`text`] | [`truncate`] on a char boundary |
//!
//! A typical `main`:
//!
//! ```no_run
//! use std::process::ExitCode;
//!
//! use clap::Parser;
//! use example_support::{Product, ServeArgs};
//!
//! /// My example server.
//! #[derive(Debug, Parser)]
//! struct Cli {
//!     #[command(flatten)]
//!     serve: ServeArgs,
//! }
//!
//! const PRODUCT: Product = Product { name: "demo", default_port: 8000, write_tools: &["create_thing"] };
//!
//! #[tokio::main]
//! async fn main() -> ExitCode {
//!     let cli = Cli::parse();
//!     let builder = mcp_server::Server::builder("demo", env!("CARGO_PKG_VERSION"));
//!     example_support::serve(builder, &cli.serve, &PRODUCT, None).await
//! }
//! ```

pub mod atlassian;
pub mod audit;
pub mod credentials;
pub mod serve;
pub mod text;
pub mod upstream;

pub use audit::audit;
pub use credentials::{
    Credential, CredentialError, CredentialProvider, Credentials, PerUserCredentials,
    ServiceAccount,
};
pub use serve::{
    Product, Readiness, ServeArgs, config_error, init_tracing, load_api_keys, readiness, serve,
    shutdown_signal,
};
pub use text::truncate;
pub use upstream::{
    Upstream, UpstreamConfig, UpstreamError, UpstreamRequest, UpstreamResponse,
    install_crypto_provider, upstream_message,
};
