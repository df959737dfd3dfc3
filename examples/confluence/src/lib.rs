//! An MCP server for Confluence Cloud: search with CQL, read pages as Markdown, create and
//! update pages with optimistic versioning, list spaces and child pages, comment.
//!
//! | tool | upstream |
//! | --- | --- |
//! | `confluence_search` | `GET wiki/rest/api/search?cql=…` (cursor from `_links.next`) |
//! | `confluence_get_page` | `GET wiki/api/v2/pages/{id}?body-format=storage` |
//! | `confluence_create_page` | `GET wiki/api/v2/spaces?keys=…`, `POST wiki/api/v2/pages` |
//! | `confluence_update_page` | `GET` then `PUT wiki/api/v2/pages/{id}` with `expected_version + 1` |
//! | `confluence_list_spaces` | `GET wiki/api/v2/spaces` |
//! | `confluence_get_page_children` | `GET wiki/api/v2/pages/{id}/children` |
//! | `confluence_add_comment` | `POST wiki/api/v2/footer-comments` |
//!
//! What it does better than the servers it was measured against (Atlassian's Rovo server,
//! sooperset/mcp-atlassian):
//! - updates are optimistic: the caller names the version it read, a concurrent edit becomes
//!   a clear conflict naming the current version, never a silent last-write-wins;
//! - a Markdown update of a page holding macros (or layouts, attachments, mentions, inline
//!   comment anchors) is refused unless the caller opts in; `format=storage` gives a lossless
//!   read-modify-write path;
//! - Confluence's own error words reach the model as `isError` results, never as empty
//!   results or protocol errors;
//! - plain text is escaped into one CQL literal (no CQL injection), the space allow-list is
//!   added (AND) to every search and checked on every page;
//! - per-user upstream credentials attribute writes to the calling user; the inbound MCP token
//!   is never sent upstream.
//!
//! The binary's `main` is [`Cli`] + [`builder`] + `example_support::serve`.

pub mod client;
pub mod cql;
pub mod markdown;
pub mod storage;
pub mod tools;

mod cli;

pub use cli::Cli;
pub use client::App;

use mcp_server::{Server, ServerBuilder};

/// The tools that write (they need the write scope in auth mode and vanish in read-only mode).
pub const WRITE_TOOLS: &[&str] = &[
    "confluence_create_page",
    "confluence_update_page",
    "confluence_add_comment",
];

/// What `example_support::serve` needs to know: scopes `confluence:read` / `confluence:write`,
/// default port 3002.
pub const PRODUCT: example_support::Product = example_support::Product {
    name: "confluence",
    default_port: 3002,
    write_tools: WRITE_TOOLS,
};

/// [`PRODUCT`] for read-only mode (no write tools registered).
pub const PRODUCT_READ_ONLY: example_support::Product = PRODUCT.read_only();

const INSTRUCTIONS: &str = "Confluence Cloud. Find pages with confluence_search (CQL or plain \
text), read them with confluence_get_page (Markdown; macros appear as [macro: name] \
placeholders). To edit: read the page, keep its `version`, and pass it as expected_version to \
confluence_update_page; on a conflict re-read and merge. Pages with macros must be edited in \
storage format (read with format=storage, update with body_format=storage).";

/// The server: every tool, or only the read tools when `read_only`.
pub fn builder(app: App, read_only: bool) -> ServerBuilder {
    let builder = Server::builder("confluence", env!("CARGO_PKG_VERSION"))
        .title("Confluence")
        .instructions(INSTRUCTIONS)
        .state(app)
        .tool(tools::search::search)
        .tool(tools::pages::get_page)
        .tool(tools::spaces::list_spaces)
        .tool(tools::pages::get_page_children);
    if read_only {
        builder
    } else {
        builder
            .tool(tools::pages::create_page)
            .tool(tools::pages::update_page)
            .tool(tools::comments::add_comment)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use example_support::{Credential, ServiceAccount, Upstream, UpstreamConfig};
    use serde_json::{Value, json};

    use super::*;

    fn app() -> App {
        let base = url::Url::parse("http://127.0.0.1:9/").unwrap_or_else(|e| panic!("{e}"));
        let config = UpstreamConfig {
            timeout: Duration::from_secs(1),
            max_attempts: 1,
            max_retry_wait: Duration::from_secs(1),
            max_in_flight_per_user: 1,
        };
        let upstream = Upstream::new("Confluence", base, config).unwrap_or_else(|e| panic!("{e}"));
        let credential = Credential::Bearer("t".into());
        App::new(upstream, ServiceAccount(credential).into(), &[], None)
    }

    fn definition(server: &Server, name: &str) -> Value {
        let tool = server
            .tool_definition(name)
            .unwrap_or_else(|| panic!("{name} is not registered"));
        serde_json::to_value(tool).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn schemas_are_strict_and_annotated() {
        let server = builder(app(), false).build();
        let update = definition(&server, "confluence_update_page");
        assert_eq!(
            update["inputSchema"]["required"],
            json!(["page_id", "expected_version", "body"])
        );
        assert_eq!(update["inputSchema"]["additionalProperties"], json!(false));
        assert_eq!(
            update["inputSchema"]["properties"]["body_format"]["enum"],
            json!(["markdown", "storage"])
        );
        assert_eq!(update["annotations"]["destructiveHint"], json!(true));
        assert_ne!(update["annotations"]["readOnlyHint"], json!(true));
        assert!(update["outputSchema"].is_object());
        for read in [
            "confluence_search",
            "confluence_get_page",
            "confluence_list_spaces",
            "confluence_get_page_children",
        ] {
            let tool = definition(&server, read);
            assert_eq!(tool["annotations"]["readOnlyHint"], json!(true), "{read}");
            assert_eq!(tool["annotations"]["idempotentHint"], json!(true), "{read}");
            assert_eq!(tool["annotations"]["openWorldHint"], json!(true), "{read}");
        }
        for write in ["confluence_create_page", "confluence_add_comment"] {
            let tool = definition(&server, write);
            assert_eq!(
                tool["annotations"]["destructiveHint"],
                json!(false),
                "{write}"
            );
            assert_ne!(tool["annotations"]["readOnlyHint"], json!(true), "{write}");
        }
        let search = definition(&server, "confluence_search");
        assert_eq!(
            search["inputSchema"]["properties"]["limit"]["maximum"],
            json!(50)
        );
    }

    #[test]
    fn read_only_mode_registers_no_write_tool() {
        let server = builder(app(), true).build();
        for write in WRITE_TOOLS {
            assert!(server.tool_definition(write).is_none(), "{write}");
        }
        assert!(server.tool_definition("confluence_get_page").is_some());
    }
}
