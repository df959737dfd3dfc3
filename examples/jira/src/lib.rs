//! An MCP server for Jira Cloud (REST v3), written with mcp-rs: the production example.
//!
//! Nine tools ([`tools`]): JQL search with `nextPageToken` paging, issue read (ADF →
//! Markdown, bounded), create/update (Markdown → ADF), transitions by id or name, comments,
//! create-field discovery and user lookup. Upstream failures become `isError` results that
//! carry Jira's own words; reads are retried on 429/503 honouring `Retry-After`, writes are
//! sent once; every write is audited. See the crate's README for configuration.
//!
//! The pieces are public so they can be reused and tested:
//! - [`config::Cli`]: the command line (and environment);
//! - [`Jira`]: the shared state (upstream client, credentials, allow-list);
//! - [`server`]: the [`ServerBuilder`] with the tools registered;
//! - [`markdown::to_adf`] and [`adf::to_markdown`]: the rich-text converters;
//! - [`jql::restrict`]: the project allow-list, `AND`ed into JQL.

pub mod adf;
pub mod client;
pub mod config;
pub mod jql;
pub mod markdown;
pub mod tools;

use mcp_server::{Server, ServerBuilder};

pub use client::{Jira, JiraSettings};

/// What this server tells the model up front.
const INSTRUCTIONS: &str = "Tools for Jira Cloud. Search with JQL (jira_search_issues; follow \
next_page_token until is_last), read an issue with jira_get_issue (Markdown), and — unless \
the server is read-only — create, update, transition and comment. Rich text is Markdown. Find \
accountIds with jira_find_user and required create fields with jira_get_create_fields.";

/// The server with every tool registered (or only the read tools when `read_only`), sharing
/// `jira` as state.
pub fn server(jira: Jira, read_only: bool) -> ServerBuilder {
    let mut builder = Server::builder("jira", env!("CARGO_PKG_VERSION"))
        .title("Jira")
        .instructions(INSTRUCTIONS)
        .state(jira)
        .tool(tools::jira_search_issues)
        .tool(tools::jira_get_issue)
        .tool(tools::jira_get_transitions)
        .tool(tools::jira_get_create_fields)
        .tool(tools::jira_find_user);
    if !read_only {
        builder = builder
            .tool(tools::jira_create_issue)
            .tool(tools::jira_update_issue)
            .tool(tools::jira_transition_issue)
            .tool(tools::jira_add_comment);
    }
    builder
}

#[cfg(test)]
mod tests {
    use example_support::{Credential, Credentials, ServiceAccount, Upstream, UpstreamConfig};

    use super::*;

    fn jira() -> Jira {
        let base = url::Url::parse("http://127.0.0.1:9/").expect("url");
        let upstream = Upstream::new("Jira", base, UpstreamConfig::default()).expect("client");
        let credentials = Credentials::Service(ServiceAccount(Credential::Bearer("t".into())));
        Jira::new(upstream, credentials, JiraSettings::new())
    }

    const READS: &[&str] = &[
        "jira_search_issues",
        "jira_get_issue",
        "jira_get_transitions",
        "jira_get_create_fields",
        "jira_find_user",
    ];

    #[test]
    fn annotations_and_strict_schemas() {
        let server = server(jira(), false).build();
        for name in READS.iter().chain(tools::WRITE_TOOLS) {
            let def = server.tool_definition(name).expect(name);
            let hints = def.annotations.as_ref().expect("annotations");
            let read = READS.contains(name);
            assert_eq!(hints.read_only_hint, Some(true).filter(|_| read), "{name}");
            assert_eq!(hints.open_world_hint, Some(true), "{name}");
            let destructive = matches!(*name, "jira_update_issue" | "jira_transition_issue");
            if !read {
                assert_eq!(hints.destructive_hint, Some(destructive), "{name}");
            }
            assert_eq!(
                def.input_schema.get("additionalProperties"),
                Some(&serde_json::json!(false)),
                "{name}"
            );
            assert!(def.output_schema.is_some(), "{name} has no output schema");
            assert!(
                def.description.as_deref().is_some_and(|d| d.len() > 40),
                "{name}"
            );
        }
        let search = server
            .tool_definition("jira_search_issues")
            .expect("search");
        assert_eq!(search.input_schema["required"], serde_json::json!(["jql"]));
        assert_eq!(
            search.input_schema["properties"]["max_results"]["maximum"],
            serde_json::json!(100)
        );
        let create = server.tool_definition("jira_create_issue").expect("create");
        assert_eq!(
            create.input_schema["required"],
            serde_json::json!(["project_key", "issue_type", "summary"])
        );
    }

    #[test]
    fn read_only_registers_no_write_tool() {
        let server = server(jira(), true).build();
        for name in READS {
            assert!(server.tool_definition(name).is_some(), "{name}");
        }
        for name in tools::WRITE_TOOLS {
            assert!(server.tool_definition(name).is_none(), "{name}");
        }
    }
}
