//! The conformance "everything" server: every fixture tool, prompt and resource the official
//! MCP conformance suite (`@modelcontextprotocol/conformance`) expects, for the stateful
//! 2025-11-25 wire and the stateless 2026-07-28 wire, written once with `mcp-server`.
//!
//! [`server`] builds the [`Server`]; the `everything` binary serves it (`--stdio`), and tests
//! and other transports reuse it.
//!
//! | module | what |
//! | --- | --- |
//! | [`tools::content`] | content blocks, errors, logging, progress (both eras) |
//! | [`tools::interactive`] | sampling and elicitation of the 2025-11-25 scenarios |
//! | [`tools::stateless`] | the 2026-07-28 `server-stateless` diagnostics |
//! | [`tools::mrtr`] | the 2026-07-28 multi round-trip (`InputRequiredResult`) tools |
//! | [`tools::raw`] | tools with hand-written input schemas (JSON Schema 2020-12, `x-mcp-header`) |
//! | [`tools::load`] | `echo` and `sum`, for load tests |
//! | [`prompts`] | the prompt fixtures and their completions |
//! | [`resources`] | the resource fixtures and the template completion |

pub mod fixtures;
pub mod prompts;
pub mod resources;
pub mod tools;

use mcp_server::{Server, ServerBuilder};

/// The server's name in `serverInfo`.
pub const NAME: &str = "mcp-rs-everything";

/// Every fixture registered on a builder, for callers that want to add options (state keys
/// shared by replicas, caching hints, ...) before [`ServerBuilder::build`].
pub fn builder() -> ServerBuilder {
    let builder = Server::builder(NAME, env!("CARGO_PKG_VERSION"))
        .title("mcp-rs everything server")
        .description("Every MCP feature, for the official conformance suite and interop tests")
        .instructions("Conformance fixtures: every tool, prompt and resource the MCP conformance suite expects.");
    let builder = tools::register(builder);
    let builder = prompts::register(builder);
    resources::register(builder)
}

/// The everything server, ready to serve on any transport.
pub fn server() -> Server {
    builder().build()
}
