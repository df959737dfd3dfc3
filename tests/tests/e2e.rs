//! End-to-end tests: real clients against the workspace's example servers.
//!
//! One integration-test binary for the crate (STYLE.md 2.7), one module per area:
//!
//! - [`interop`]: the official Python and TypeScript SDK clients against `everything --stdio`,
//!   in both protocol eras (scripts and pins in `tests/interop/`).
//! - [`interop_http`]: the same clients against `everything --bind 127.0.0.1:0`, over Streamable
//!   HTTP (both eras) and the 2024-11-05 HTTP+SSE transport.
//! - [`interop_auth`]: the same clients over Streamable HTTP against `everything` in auth mode
//!   (`--jwks`/`--issuer`/`--audience`), sending a bearer JWT minted by `mcp_auth::testing`.
//! - [`example_jira`], [`example_confluence`], [`example_postgres`]: the acceptance scenarios of
//!   the production examples (`examples/jira`, `examples/confluence`, `examples/postgres`)
//!   through the official Python SDK client, against the local Atlassian
//!   (`examples/fake-atlassian`) or the PostgreSQL running on the machine.

#[path = "e2e/example_confluence.rs"]
mod example_confluence;
#[path = "e2e/example_jira.rs"]
mod example_jira;
#[path = "e2e/example_postgres.rs"]
mod example_postgres;
#[path = "e2e/interop.rs"]
mod interop;
#[path = "e2e/interop_auth.rs"]
mod interop_auth;
#[path = "e2e/interop_http.rs"]
mod interop_http;
