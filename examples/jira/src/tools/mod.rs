//! The nine tools, one module per area, and the helpers they share.
//!
//! | tool | upstream | kind |
//! | --- | --- | --- |
//! | [`jira_search_issues`] | `POST /rest/api/3/search/jql` | read |
//! | [`jira_get_issue`] | `GET /rest/api/3/issue/{key}` + `…/comment` | read |
//! | [`jira_create_issue`] | `POST /rest/api/3/issue` | write |
//! | [`jira_update_issue`] | `PUT /rest/api/3/issue/{key}` | write |
//! | [`jira_get_transitions`] | `GET /rest/api/3/issue/{key}/transitions` | read |
//! | [`jira_transition_issue`] | `POST /rest/api/3/issue/{key}/transitions` | write |
//! | [`jira_add_comment`] | `POST /rest/api/3/issue/{key}/comment` | write |
//! | [`jira_get_create_fields`] | `GET /rest/api/3/issue/createmeta/{project}/issuetypes[/{id}]` | read |
//! | [`jira_find_user`] | `GET /rest/api/3/user/search` | read |

mod comment;
mod issue;
mod meta;
mod search;
mod transitions;

use example_support::{Credential, UpstreamError, audit};
use mcp_server::{Principal, ToolError};
use serde_json::Value;

use crate::client::{Jira, outcome};

pub use comment::jira_add_comment;
pub use issue::{jira_create_issue, jira_get_issue, jira_update_issue};
pub use meta::{jira_find_user, jira_get_create_fields};
pub use search::jira_search_issues;
pub use transitions::{Transition, jira_get_transitions, jira_transition_issue, resolve};

/// The names of the write tools (need the write scope; absent in read-only mode).
pub const WRITE_TOOLS: &[&str] = &[
    "jira_create_issue",
    "jira_update_issue",
    "jira_transition_issue",
    "jira_add_comment",
];

/// The schema pattern of an issue key (`ENG-42`) or numeric id (`10042`).
pub(crate) const ISSUE_PATTERN: &str = r"^([A-Za-z][A-Za-z0-9_]*-[0-9]+|[0-9]+)$";

/// The schema pattern of a project key.
pub(crate) const PROJECT_PATTERN: &str = r"^[A-Za-z][A-Za-z0-9_]*$";

/// The caller's upstream credential for the write `tool` on `issue_key`, once the issue is
/// known to be in an allowed project; a refusal is audited like the write itself would be.
pub(crate) async fn write_credential(
    jira: &Jira,
    who: &Principal,
    tool: &str,
    issue_key: &str,
) -> Result<Credential, ToolError> {
    let credential = jira.credential(who).await?;
    if let Err(e) = jira.check_issue(who, &credential, issue_key).await {
        audit_refusal(who, &credential, tool, issue_key, "project not allowed");
        return Err(e);
    }
    Ok(credential)
}

/// Audits a write refused before it reached Jira: outcome `refused: <reason>`.
pub(crate) fn audit_refusal(
    who: &Principal,
    credential: &Credential,
    tool: &str,
    target: &str,
    reason: &str,
) {
    audit(
        who,
        &credential.label(),
        tool,
        target,
        &format!("refused: {reason}"),
    );
}

/// Audits a write by Jira's answer: outcome `ok` or `error: ...` (see [`outcome`]).
pub(crate) fn audit_result<T>(
    who: &Principal,
    credential: &Credential,
    tool: &str,
    target: &str,
    result: &Result<T, UpstreamError>,
) {
    audit(who, &credential.label(), tool, target, &outcome(result));
}

/// A field value made readable: a user → display name, a status/priority/option → its name or
/// value, an ADF document → Markdown, arrays element-wise; anything else as is.
pub(crate) fn simplify(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("doc") {
                return Value::String(crate::adf::to_markdown(value));
            }
            for key in ["displayName", "name", "value", "key"] {
                if let Some(Value::String(s)) = map.get(key) {
                    return Value::String(s.clone());
                }
            }
            value.clone()
        }
        Value::Array(items) => Value::Array(items.iter().map(simplify).collect()),
        other => other.clone(),
    }
}

/// The longest text a simplified extra field keeps (an ADF custom field can be huge).
const FIELD_MAX_CHARS: usize = 2000;

/// [`simplify`], with long texts cut to 2000 chars (ending in `…`).
pub(crate) fn simplify_bounded(value: &Value) -> Value {
    match simplify(value) {
        Value::String(s) => {
            let (cut, was_cut) = example_support::truncate(&s, FIELD_MAX_CHARS);
            Value::String(if was_cut { cut + "…" } else { cut })
        }
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| match item {
                    Value::String(_) => simplify_bounded(&item),
                    other => other,
                })
                .collect(),
        ),
        other => other,
    }
}

/// A field's readable name: the `name`/`displayName`/`value` of an object, or a string.
pub(crate) fn name_of(value: &Value) -> Option<String> {
    match simplify(value) {
        Value::String(s) if !s.is_empty() => Some(s),
        _ => None,
    }
}

/// `n thing` / `n things`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
