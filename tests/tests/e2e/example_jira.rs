//! The Jira example end to end: `fake-atlassian` (the local Atlassian), five `jira` servers in
//! the configurations the scenarios need ([`AtlassianServers`]), and
//! `tests/interop/examples/jira_scenarios.py` driving them through the official Python SDK
//! client over Streamable HTTP (examples.md §4.1 scenarios 1-15 and the §4.4 checks).
//!
//! | server | configuration | used by |
//! | --- | --- | --- |
//! | main | service account alice (Basic, site URL style), `--max-in-flight 4` | scenarios 1-8, 10-12, 15, tools/list, 503, concurrency, cancellation reaching upstream (both eras) |
//! | allow-list | `--projects ENG` | scenario 13 |
//! | read-only | `--read-only` | scenario 14 |
//! | down | upstream at a port nothing listens on | "Jira is unavailable", `/health/ready` 503 |
//! | per-user | `--api-keys` (subjects alice, bob) + `--user-credentials` (their Atlassian tokens), no service account, gateway style `--cloud-id`, `RUST_LOG=debug` | scenario 9 |
//!
//! After the script passes, the servers' logs are checked: every write left an audit record
//! (tool, MCP principal, upstream principal, target, outcome), refusals too, and no secret
//! (Atlassian tokens, Basic credentials, MCP keys) was logged, even at debug level.
//!
//! Skipped loudly without the Python venv (`bash tests/interop/setup.sh`), unless `CI` is set.

use mcp_tests::{AtlassianExample, AtlassianServers, FAKE_CLOUD_ID, has_audit_line};

/// How the test starts the example.
const JIRA: AtlassianExample<'static> = AtlassianExample {
    binary: "jira",
    env_prefix: "JIRA_",
    url_flag: "--jira-url",
    service_account: &[
        "--jira-email",
        "alice@example.com",
        "--jira-api-token",
        "alice-api-token",
    ],
    allow_list: &["--projects", "ENG"],
    read_only: &[
        "--jira-email",
        "alice@example.com",
        "--jira-api-token",
        "alice-api-token",
        "--read-only",
    ],
    per_user: &["--cloud-id", FAKE_CLOUD_ID],
    api_keys: r#"[
        {"id": "alicej", "secret": "alice-jira-mcp-secret-51c0", "subject": "alice",
         "scopes": ["jira:read", "jira:write"]},
        {"id": "bobj", "secret": "bob-jira-mcp-secret-9d2e", "subject": "bob",
         "scopes": ["jira:read", "jira:write"]}]"#,
    user_credentials: r#"{
        "alice": {"email": "alice@example.com", "api_token": "alice-api-token"},
        "bob": {"email": "bob@example.com", "api_token": "bob-api-token"}}"#,
    script: "jira_scenarios.py",
    allow_list_url_flag: "--url-projects",
    script_args: &["--alice-key", ALICE_KEY, "--bob-key", BOB_KEY],
    checks: 186,
};

const ALICE_KEY: &str = "mcp_alicej_alice-jira-mcp-secret-51c0";
const BOB_KEY: &str = "mcp_bobj_bob-jira-mcp-secret-9d2e";

/// Every write left an audit record naming the MCP and the upstream principal, the target and
/// the outcome (refusals too); no secret is in any log of ours.
fn check_logs(test: &str, servers: &AtlassianServers) {
    let main_log = servers.main.stderr();
    for needles in [
        &[
            "jira_create_issue",
            "principal=anonymous",
            "alice@example.com",
            "outcome=\"ok\"",
        ][..],
        &["jira_create_issue", "target_id=\"NOPE\"", "error: HTTP 400"],
        &["jira_create_issue", "error: rate-limited"],
        &["jira_update_issue", "target_id=\"ENG-5\"", "outcome=\"ok\""],
        &[
            "jira_transition_issue",
            "target_id=\"ENG-3\"",
            "outcome=\"ok\"",
        ],
        &["jira_transition_issue", "refused: unknown transition"],
        &["jira_add_comment", "target_id=\"ENG-7/comment/"],
    ] {
        assert!(
            has_audit_line(&main_log, needles),
            "{test}: no audit record with {needles:?} in the main server's log:\n{main_log}"
        );
    }
    let per_user_log = servers.per_user.stderr();
    for (subject, email) in [("alice", "alice@example.com"), ("bob", "bob@example.com")] {
        assert!(
            has_audit_line(
                &per_user_log,
                &["jira_add_comment", &format!("principal={subject}"), email]
            ),
            "{test}: no audit record of {subject}'s comment:\n{per_user_log}"
        );
    }
    let allow_list_log = servers.allow_list.stderr();
    assert!(
        has_audit_line(
            &allow_list_log,
            &["jira_create_issue", "refused: project not allowed"]
        ),
        "{test}: the refused create left no audit record:\n{allow_list_log}"
    );
    servers.assert_no_secrets(
        test,
        &[
            "alice-api-token",
            "bob-api-token",
            "YWxpY2VAZXhhbXBsZS5jb206YWxpY2UtYXBpLXRva2Vu",
            "Ym9iQGV4YW1wbGUuY29tOmJvYi1hcGktdG9rZW4=",
            "alice-jira-mcp-secret-51c0",
            "bob-jira-mcp-secret-9d2e",
        ],
    );
}

#[test]
fn example_jira() {
    let test = "example_jira";
    if let Some(servers) = JIRA.run_scenarios(test) {
        check_logs(test, &servers);
    }
}
