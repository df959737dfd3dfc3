//! The Confluence example end to end: `fake-atlassian` (the local Atlassian), five
//! `confluence` servers in the configurations the scenarios need ([`AtlassianServers`]), and
//! `tests/interop/examples/confluence_scenarios.py` driving them through the official Python
//! SDK client over Streamable HTTP (examples.md §4.2 scenarios 1-13 and the §4.4 checks).
//!
//! | server | configuration | used by |
//! | --- | --- | --- |
//! | main | service account alice (Basic), `--max-in-flight 4` | scenarios 1-9, 11, 12, tools/list, 503, concurrency, cancellation reaching upstream (both eras) |
//! | allow-list | `--spaces ENG` | scenario 13 |
//! | read-only | `--read-only`, gateway style `--cloud-id` + OAuth bearer | only read tools listed; `/ex/confluence/{cloudId}/wiki/...` |
//! | down | upstream at a port nothing listens on | "Confluence is unavailable", `/health/ready` 503 |
//! | per-user | `--api-keys` (subjects alice, bob, carol, dave) + `--user-credentials` (alice's and bob's Atlassian tokens, a wrong one for carol, none for dave), no service account, `RUST_LOG=debug` | scenario 10, explicit upstream 401, caller without credential |
//!
//! After the script passes, the servers' logs are checked: every write left an audit record
//! (tool, MCP principal, upstream principal), refusals too, and no secret (Atlassian tokens,
//! MCP keys) was logged, even at debug level.
//!
//! Skipped loudly without the Python venv (`bash tests/interop/setup.sh`), unless `CI` is set.

use mcp_tests::{AtlassianExample, AtlassianServers, FAKE_CLOUD_ID, has_audit_line};

/// How the test starts the example.
const CONFLUENCE: AtlassianExample<'static> = AtlassianExample {
    binary: "confluence",
    env_prefix: "CONFLUENCE_",
    url_flag: "--confluence-url",
    service_account: &[
        "--confluence-email",
        "alice@example.com",
        "--confluence-api-token",
        "alice-api-token",
    ],
    allow_list: &["--spaces", "ENG"],
    // Through the gateway URL style with alice's OAuth token.
    read_only: &[
        "--read-only",
        "--cloud-id",
        FAKE_CLOUD_ID,
        "--confluence-oauth-token",
        "alice-oauth-token",
    ],
    per_user: &[],
    api_keys: r#"[
        {"id": "alice1", "secret": "alice-mcp-secret-3f9a", "subject": "alice",
         "scopes": ["confluence:read", "confluence:write"]},
        {"id": "bob1", "secret": "bob-mcp-secret-77c2", "subject": "bob",
         "scopes": ["confluence:read", "confluence:write"]},
        {"id": "carol1", "secret": "carol-mcp-secret-0d1e", "subject": "carol",
         "scopes": ["confluence:read", "confluence:write"]},
        {"id": "dave1", "secret": "dave-mcp-secret-9b4f", "subject": "dave",
         "scopes": ["confluence:read", "confluence:write"]}]"#,
    user_credentials: r#"{
        "alice": {"email": "alice@example.com", "api_token": "alice-api-token"},
        "bob": {"email": "bob@example.com", "api_token": "bob-api-token"},
        "carol": {"email": "alice@example.com", "api_token": "not-the-token"}}"#,
    script: "confluence_scenarios.py",
    allow_list_url_flag: "--url-spaces",
    script_args: &[
        "--alice-key",
        ALICE_KEY,
        "--bob-key",
        BOB_KEY,
        "--carol-key",
        CAROL_KEY,
        "--dave-key",
        DAVE_KEY,
    ],
    checks: 187,
};

const ALICE_KEY: &str = "mcp_alice1_alice-mcp-secret-3f9a";
const BOB_KEY: &str = "mcp_bob1_bob-mcp-secret-77c2";
const CAROL_KEY: &str = "mcp_carol1_carol-mcp-secret-0d1e";
const DAVE_KEY: &str = "mcp_dave1_dave-mcp-secret-9b4f";

/// Every write left an audit record naming the MCP and the upstream principal, refusals too,
/// and no secret reached a log of ours.
fn check_logs(test: &str, servers: &AtlassianServers) {
    let main_log = servers.main.stderr();
    for tool in [
        "confluence_update_page",
        "confluence_create_page",
        "confluence_add_comment",
    ] {
        assert!(
            has_audit_line(&main_log, &[tool, "alice@example.com"]),
            "{test}: no audit record of {tool} in the main server's log:\n{main_log}"
        );
    }
    let per_user_log = servers.per_user.stderr();
    for (subject, email) in [("alice", "alice@example.com"), ("bob", "bob@example.com")] {
        assert!(
            has_audit_line(
                &per_user_log,
                &[
                    "confluence_update_page",
                    &format!("principal={subject}"),
                    email
                ]
            ),
            "{test}: no audit record of {subject}'s update:\n{per_user_log}"
        );
    }
    let allow_list_log = servers.allow_list.stderr();
    assert!(
        has_audit_line(&allow_list_log, &["confluence_create_page", "refused"]),
        "{test}: the refused create left no audit record:\n{allow_list_log}"
    );
    servers.assert_no_secrets(
        test,
        &[
            "alice-api-token",
            "bob-api-token",
            "alice-oauth-token",
            "alice-mcp-secret-3f9a",
            "bob-mcp-secret-77c2",
            "carol-mcp-secret-0d1e",
            "dave-mcp-secret-9b4f",
            "not-the-token",
        ],
    );
}

#[test]
fn example_confluence() {
    let test = "example_confluence";
    if let Some(servers) = CONFLUENCE.run_scenarios(test) {
        check_logs(test, &servers);
    }
}
