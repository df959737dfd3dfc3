//! `jira_add_comment`.

use http::Method;
use mcp_server::{Principal, State, Structured, ToolError, mcp_tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ISSUE_PATTERN, audit_result, name_of, write_credential};
use crate::client::{Jira, path_segment, text};
use crate::markdown;

/// Who may see a comment.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Visibility {
    /// `role` (a project role) or `group`.
    #[serde(rename = "type")]
    pub kind: VisibilityKind,
    /// The role or group name, e.g. `Administrators`.
    #[schemars(length(min = 1, max = 255))]
    pub value: String,
}

/// The kind of a comment restriction.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum VisibilityKind {
    /// A project role.
    Role,
    /// A group.
    Group,
}

/// The added comment.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AddedComment {
    /// The issue key.
    pub issue_key: String,
    /// The comment id.
    pub id: String,
    /// The author Jira recorded (the upstream account of this call).
    pub author: Option<String>,
    /// The author's accountId.
    pub author_account_id: Option<String>,
    /// Creation time.
    pub created: Option<String>,
}

/// Adds a comment to an issue. The body is Markdown, converted to Atlassian Document Format.
/// Optionally restricted to a project role or group.
#[mcp_tool(destructive = false, open_world, title = "Comment on a Jira issue")]
pub async fn jira_add_comment(
    /// The issue key (`ENG-42`) or numeric id.
    #[schemars(regex(pattern = ISSUE_PATTERN))]
    issue_key: String,
    /// The comment, in Markdown.
    #[schemars(length(min = 1, max = 100_000))]
    body: String,
    /// Restrict who sees the comment.
    visibility: Option<Visibility>,
    #[ctx] State(jira): State<Jira>,
    #[ctx] who: Principal,
) -> Result<Structured<AddedComment>, ToolError> {
    const TOOL: &str = "jira_add_comment";
    let credential = write_credential(&jira, &who, TOOL, &issue_key).await?;
    let mut request = json!({"body": markdown::to_adf(&body)});
    if let Some(v) = &visibility {
        let kind = match v.kind {
            VisibilityKind::Role => "role",
            VisibilityKind::Group => "group",
        };
        request["visibility"] = json!({"type": kind, "value": v.value});
    }
    let result = jira
        .request(
            &who,
            &credential,
            Method::POST,
            &format!("rest/api/3/issue/{}/comment", path_segment(&issue_key)),
        )
        .json(&request)
        .send()
        .await;
    let target = match &result {
        Ok(r) => format!(
            "{issue_key}/comment/{}",
            text(&r.body["id"]).unwrap_or_default()
        ),
        Err(_) => issue_key.clone(),
    };
    audit_result(&who, &credential, TOOL, &target, &result);
    let response = result?.body;
    let added = AddedComment {
        issue_key,
        id: text(&response["id"]).unwrap_or_default(),
        author: name_of(&response["author"]),
        author_account_id: text(&response["author"]["accountId"]),
        created: text(&response["created"]),
    };
    let text = format!(
        "Comment {} added to {} as {}.",
        added.id,
        added.issue_key,
        added
            .author
            .as_deref()
            .unwrap_or("this server's Jira account")
    );
    Ok(Structured::new(added, text))
}
