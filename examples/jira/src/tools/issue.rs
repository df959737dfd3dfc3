//! `jira_get_issue`, `jira_create_issue`, `jira_update_issue`.

use std::fmt::Write as _;

use example_support::truncate;
use http::Method;
use mcp_server::{Principal, State, Structured, ToolError, mcp_tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{
    ISSUE_PATTERN, PROJECT_PATTERN, audit_refusal, audit_result, name_of, simplify_bounded,
    write_credential,
};
use crate::client::{Jira, path_segment, text};
use crate::{adf, markdown};

/// The fields `jira_get_issue` always reads.
const ISSUE_FIELDS: &[&str] = &[
    "summary",
    "status",
    "issuetype",
    "priority",
    "assignee",
    "reporter",
    "labels",
    "created",
    "updated",
    "parent",
    "project",
    "description",
];

/// How rich text is returned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Markdown (default); panels, media and other nodes Markdown cannot express become
    /// visible `[placeholders]`.
    #[default]
    Markdown,
    /// The original Atlassian Document Format JSON (lossless), next to the Markdown.
    Adf,
}

/// One comment.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Comment {
    /// The comment id.
    pub id: String,
    /// The author's display name.
    pub author: Option<String>,
    /// The author's accountId.
    pub author_account_id: Option<String>,
    /// Creation time.
    pub created: Option<String>,
    /// The body as Markdown (possibly cut, see `truncated`).
    pub body: String,
    /// The body as ADF (only with `format = "adf"`).
    pub body_adf: Option<Value>,
    /// Whether `body` was cut to fit the output budget.
    pub truncated: bool,
}

/// One issue.
#[derive(Debug, Serialize, JsonSchema)]
#[expect(
    clippy::struct_field_names,
    reason = "`issue_type` is Jira's own name for the field"
)]
pub struct Issue {
    /// The issue key.
    pub key: String,
    /// The numeric id.
    pub id: String,
    /// The browse link, when the site is known.
    pub url: Option<String>,
    /// The summary.
    pub summary: Option<String>,
    /// The status name.
    pub status: Option<String>,
    /// The issue type name.
    pub issue_type: Option<String>,
    /// The priority name.
    pub priority: Option<String>,
    /// The assignee's display name (`null` = unassigned).
    pub assignee: Option<String>,
    /// The assignee's accountId.
    pub assignee_account_id: Option<String>,
    /// The reporter's display name.
    pub reporter: Option<String>,
    /// The labels.
    pub labels: Vec<String>,
    /// The parent issue key.
    pub parent: Option<String>,
    /// Creation time.
    pub created: Option<String>,
    /// Last update time.
    pub updated: Option<String>,
    /// The description as Markdown (possibly cut, see `truncated`).
    pub description: Option<String>,
    /// The description as ADF (only with `format = "adf"` and when it fits the budget).
    pub description_adf: Option<Value>,
    /// Length of the whole description in chars (Markdown).
    pub description_chars: usize,
    /// The most recent comments, oldest first (at most `comment_limit`).
    pub comments: Vec<Comment>,
    /// How many comments the issue has in all.
    pub comments_total: u64,
    /// Other requested fields, simplified.
    pub fields: Map<String, Value>,
    /// Whether anything was cut or left out to fit `max_chars`.
    pub truncated: bool,
}

/// Reads one issue: its fields, description and most recent comments, as Markdown.
///
/// Long descriptions and comments are cut to fit `max_chars` (flag `truncated`). Use
/// `format = "adf"` to also get the lossless Atlassian Document Format, e.g. before editing a
/// description that contains panels or media.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one documented tool parameter"
)]
#[mcp_tool(read_only, idempotent, open_world, title = "Get a Jira issue")]
pub async fn jira_get_issue(
    /// The issue key (`ENG-42`) or numeric id.
    #[schemars(regex(pattern = ISSUE_PATTERN))]
    issue_key: String,
    /// Extra fields to return besides the usual ones (e.g. `customfield_10020`, `components`).
    #[schemars(length(max = 50))]
    fields: Option<Vec<String>>,
    /// How many of the most recent comments to include, 0-50 (default 5).
    #[schemars(range(min = 0, max = 50))]
    comment_limit: Option<u32>,
    /// `markdown` (default) or `adf` (adds the original ADF JSON).
    format: Option<Format>,
    /// Output budget in characters for description + comments, 1000-100000 (default 20000).
    #[schemars(range(min = 1000, max = 100_000))]
    max_chars: Option<u32>,
    #[ctx] State(jira): State<Jira>,
    #[ctx] who: Principal,
) -> Result<Structured<Issue>, ToolError> {
    let credential = jira.credential(&who).await?;
    jira.check_issue(&who, &credential, &issue_key).await?;
    let format = format.unwrap_or_default();
    let comment_limit = comment_limit.unwrap_or(5).min(50);
    let budget =
        usize::try_from(max_chars.unwrap_or(20_000).clamp(1000, 100_000)).unwrap_or(20_000);
    let extra: Vec<String> = fields
        .unwrap_or_default()
        .into_iter()
        .filter(|f| !ISSUE_FIELDS.contains(&f.as_str()) && f != "comment")
        .collect();
    let mut requested: Vec<&str> = ISSUE_FIELDS.to_vec();
    requested.extend(extra.iter().map(String::as_str));
    let path = format!("rest/api/3/issue/{}", path_segment(&issue_key));
    let issue = jira
        .get(
            &who,
            &credential,
            &path,
            &[("fields", &requested.join(","))],
        )
        .await?
        .body;
    let key = text(&issue["key"]).unwrap_or_else(|| issue_key.clone());
    // A numeric id resolves to a key only now: check it against the allow-list too.
    if let Some(project) = text(&issue["fields"]["project"]["key"]) {
        jira.check_project(&project)?;
    }

    let comments = recent_comments(&jira, &who, &credential, &key, comment_limit).await?;
    let result = build_issue(&issue, key, comments, format, budget, &extra, &jira);
    let text = render_issue(&result);
    Ok(Structured::new(result, text))
}

/// The `limit` most recent comments of `key`, oldest first, and the total count.
async fn recent_comments(
    jira: &Jira,
    who: &Principal,
    credential: &example_support::Credential,
    key: &str,
    limit: u32,
) -> Result<(Vec<Value>, u64), ToolError> {
    if limit == 0 {
        return Ok((Vec::new(), 0));
    }
    let max = limit.to_string();
    let page = jira
        .get(
            who,
            credential,
            &format!("rest/api/3/issue/{}/comment", path_segment(key)),
            &[
                ("startAt", "0"),
                ("maxResults", &max),
                ("orderBy", "-created"),
            ],
        )
        .await?
        .body;
    let mut list = page["comments"].as_array().cloned().unwrap_or_default();
    list.truncate(limit as usize);
    let total = page["total"].as_u64().unwrap_or(list.len() as u64);
    // Newest first from Jira; the model reads a conversation oldest first.
    list.reverse();
    Ok((list, total))
}

/// The tool's view of an issue, description and comments cut to fit `budget` chars.
fn build_issue(
    issue: &Value,
    key: String,
    (raw_comments, comments_total): (Vec<Value>, u64),
    format: Format,
    budget: usize,
    extra: &[String],
    jira: &Jira,
) -> Issue {
    let f = &issue["fields"];
    let description_md = match &f["description"] {
        Value::Null => None,
        d => Some(adf::to_markdown(d)),
    };
    let description_chars = description_md.as_ref().map_or(0, |d| d.chars().count());
    let description_budget = if raw_comments.is_empty() {
        budget
    } else {
        budget * 3 / 5
    };
    let mut truncated = false;
    let description = description_md.map(|d| {
        let (cut, was_cut) = truncate(&d, description_budget);
        truncated |= was_cut;
        cut
    });
    let description_adf = if format == Format::Adf && !f["description"].is_null() {
        if f["description"].to_string().len() <= description_budget {
            Some(f["description"].clone())
        } else {
            truncated = true;
            None
        }
    } else {
        None
    };
    let used = description.as_ref().map_or(0, |d| d.chars().count());
    let per_comment = if raw_comments.is_empty() {
        0
    } else {
        (budget.saturating_sub(used) / raw_comments.len()).max(200)
    };
    let comments: Vec<Comment> = raw_comments
        .iter()
        .map(|c| {
            let (body, cut) = truncate(&adf::to_markdown(&c["body"]), per_comment);
            truncated |= cut;
            let body_adf = (format == Format::Adf && c["body"].to_string().len() <= per_comment)
                .then(|| c["body"].clone());
            Comment {
                id: text(&c["id"]).unwrap_or_default(),
                author: name_of(&c["author"]),
                author_account_id: text(&c["author"]["accountId"]),
                created: text(&c["created"]),
                body,
                body_adf,
                truncated: cut,
            }
        })
        .collect();
    let mut other = Map::new();
    for name in extra {
        if let Some(value) = f.get(name) {
            other.insert(name.clone(), simplify_bounded(value));
        }
    }
    Issue {
        id: text(&issue["id"]).unwrap_or_default(),
        url: jira.browse_url(&key),
        summary: text(&f["summary"]),
        status: name_of(&f["status"]),
        issue_type: name_of(&f["issuetype"]),
        priority: name_of(&f["priority"]),
        assignee: name_of(&f["assignee"]),
        assignee_account_id: text(&f["assignee"]["accountId"]),
        reporter: name_of(&f["reporter"]),
        labels: f["labels"]
            .as_array()
            .map(|l| l.iter().filter_map(text).collect())
            .unwrap_or_default(),
        parent: text(&f["parent"]["key"]),
        created: text(&f["created"]),
        updated: text(&f["updated"]),
        description,
        description_adf,
        description_chars,
        comments,
        comments_total,
        fields: other,
        truncated,
        key,
    }
}

fn render_issue(issue: &Issue) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {}",
        issue.key,
        issue.summary.as_deref().unwrap_or("(no summary)")
    );
    let mut facts = Vec::new();
    let mut fact = |label: &str, value: Option<&str>| {
        if let Some(v) = value {
            facts.push(format!("{label}: {v}"));
        }
    };
    fact("Status", issue.status.as_deref());
    fact("Type", issue.issue_type.as_deref());
    fact("Priority", issue.priority.as_deref());
    fact(
        "Assignee",
        Some(issue.assignee.as_deref().unwrap_or("unassigned")),
    );
    fact("Reporter", issue.reporter.as_deref());
    fact("Parent", issue.parent.as_deref());
    let _ = writeln!(out, "{}", facts.join(" | "));
    if !issue.labels.is_empty() {
        let _ = writeln!(out, "Labels: {}", issue.labels.join(", "));
    }
    if let (Some(c), Some(u)) = (&issue.created, &issue.updated) {
        let _ = writeln!(out, "Created {c}, updated {u}");
    }
    if let Some(url) = &issue.url {
        let _ = writeln!(out, "{url}");
    }
    for (name, value) in &issue.fields {
        let _ = writeln!(out, "{name}: {value}");
    }
    out.push_str("\nDescription:\n");
    match &issue.description {
        Some(d) if !d.is_empty() => {
            out.push_str(d);
            let shown = d.chars().count();
            if shown < issue.description_chars {
                let _ = write!(
                    out,
                    "\n[description truncated: {shown} of {} chars shown; raise max_chars to read more]",
                    issue.description_chars
                );
            }
        }
        _ => out.push_str("(none)"),
    }
    out.push('\n');
    if issue.comments_total > 0 {
        let _ = writeln!(
            out,
            "\nComments ({} most recent of {}):",
            issue.comments.len(),
            issue.comments_total
        );
        for c in &issue.comments {
            let _ = writeln!(
                out,
                "--- {} ({}), {}:",
                c.author.as_deref().unwrap_or("unknown"),
                c.id,
                c.created.as_deref().unwrap_or("?")
            );
            out.push_str(&c.body);
            if c.truncated {
                out.push_str(" […comment truncated]");
            }
            out.push('\n');
        }
    }
    if issue.truncated {
        out.push_str("\n[output truncated to fit max_chars]");
    }
    out.trim_end().to_owned()
}

/// The created issue.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Created {
    /// The new issue's key, e.g. `ENG-46`.
    pub key: String,
    /// Its numeric id.
    pub id: String,
    /// The browse link, when the site is known.
    pub url: Option<String>,
}

/// `{"id": ..}` for a numeric issue type, `{"name": ..}` otherwise.
fn by_id_or_name(value: &str) -> Value {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        json!({"id": value})
    } else {
        json!({"name": value})
    }
}

/// Creates a Jira issue. The description is Markdown (headings, lists, bold/italic/code/
/// strikethrough, links, code blocks, quotes, tables), converted to Atlassian Document Format.
///
/// When Jira requires more fields (custom fields such as a sprint), the error names them:
/// call `jira_get_create_fields` for their allowed values and pass them in `fields`, e.g.
/// `{"customfield_10020": {"id": "1"}}`.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one documented tool parameter"
)]
#[mcp_tool(destructive = false, open_world, title = "Create a Jira issue")]
pub async fn jira_create_issue(
    /// The project key, e.g. `ENG`.
    #[schemars(regex(pattern = PROJECT_PATTERN))]
    project_key: String,
    /// The issue type name (`Bug`, `Task`, `Story`, ...) or id.
    #[schemars(length(min = 1, max = 255))]
    issue_type: String,
    /// The summary (one line).
    #[schemars(length(min = 1, max = 255))]
    summary: String,
    /// The description, in Markdown.
    #[schemars(length(max = 100_000))]
    description: Option<String>,
    /// The assignee's accountId (find it with `jira_find_user`).
    #[schemars(length(min = 1, max = 128))]
    assignee_account_id: Option<String>,
    /// Labels (no spaces).
    #[schemars(length(max = 50))]
    labels: Option<Vec<String>>,
    /// The priority name, e.g. `High`.
    #[schemars(length(min = 1, max = 255))]
    priority: Option<String>,
    /// The parent issue key (for sub-tasks, or an epic).
    #[schemars(regex(pattern = ISSUE_PATTERN))]
    parent_key: Option<String>,
    /// Other fields as Jira expects them, by field id (e.g. `{"customfield_10020": {"id":
    /// "1"}}`); they override the arguments above.
    fields: Option<Map<String, Value>>,
    #[ctx] State(jira): State<Jira>,
    #[ctx] who: Principal,
) -> Result<Structured<Created>, ToolError> {
    const TOOL: &str = "jira_create_issue";
    let project = project_key.trim().to_ascii_uppercase();
    let credential = jira.credential(&who).await?;
    if let Err(e) = jira.check_project(&project) {
        audit_refusal(&who, &credential, TOOL, &project, "project not allowed");
        return Err(e);
    }
    let mut body = Map::new();
    body.insert("project".into(), json!({"key": project}));
    body.insert("issuetype".into(), by_id_or_name(issue_type.trim()));
    body.insert("summary".into(), Value::from(summary));
    if let Some(d) = description {
        body.insert("description".into(), markdown::to_adf(&d));
    }
    if let Some(a) = assignee_account_id {
        body.insert("assignee".into(), json!({"accountId": a}));
    }
    if let Some(l) = labels {
        body.insert("labels".into(), json!(l));
    }
    if let Some(p) = priority {
        body.insert("priority".into(), json!({"name": p}));
    }
    if let Some(p) = parent_key {
        body.insert("parent".into(), json!({"key": p.to_ascii_uppercase()}));
    }
    for (name, value) in fields.unwrap_or_default() {
        body.insert(name, value);
    }
    let result = jira
        .request(&who, &credential, Method::POST, "rest/api/3/issue")
        .json(&json!({ "fields": body }))
        .send()
        .await;
    let target = result
        .as_ref()
        .ok()
        .and_then(|r| text(&r.body["key"]))
        .unwrap_or_else(|| project.clone());
    audit_result(&who, &credential, TOOL, &target, &result);
    let response = result?;
    let id = text(&response.body["id"]).unwrap_or_default();
    jira.remember_created(&id);
    let created = Created {
        url: jira.browse_url(&target),
        key: target,
        id,
    };
    let mut text = format!("Created {} (id {}).", created.key, created.id);
    if let Some(url) = &created.url {
        let _ = write!(text, " {url}");
    }
    Ok(Structured::new(created, text))
}

/// The `update.labels` operations (`{"add": l}` / `{"remove": l}`) and their short text
/// (`+l` / `-l`).
fn label_ops(add: Vec<String>, remove: Vec<String>) -> (Vec<Value>, Vec<String>) {
    let adds = add
        .into_iter()
        .map(|l| (json!({ "add": l }), format!("+{l}")));
    let removes = remove
        .into_iter()
        .map(|l| (json!({ "remove": l }), format!("-{l}")));
    adds.chain(removes).unzip()
}

/// What was changed.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Updated {
    /// The issue key.
    pub key: String,
    /// The fields changed (`summary`, `labels`, ...).
    pub changed: Vec<String>,
    /// The browse link, when the site is known.
    pub url: Option<String>,
}

/// Edits an issue's fields. Only what is given changes; labels are added or removed without
/// replacing the others. The description is Markdown (replaces the whole description; read
/// it with `jira_get_issue(format="adf")` first if it has panels or media). Returns a short
/// confirmation, not the whole issue.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one documented tool parameter"
)]
#[mcp_tool(destructive, idempotent, open_world, title = "Update a Jira issue")]
pub async fn jira_update_issue(
    /// The issue key (`ENG-42`) or numeric id.
    #[schemars(regex(pattern = ISSUE_PATTERN))]
    issue_key: String,
    /// A new summary.
    #[schemars(length(min = 1, max = 255))]
    summary: Option<String>,
    /// A new description, in Markdown (replaces the old one).
    #[schemars(length(max = 100_000))]
    description: Option<String>,
    /// Labels to add.
    #[schemars(length(max = 50))]
    labels_add: Option<Vec<String>>,
    /// Labels to remove.
    #[schemars(length(max = 50))]
    labels_remove: Option<Vec<String>>,
    /// The new assignee's accountId; an empty string unassigns.
    #[schemars(length(max = 128))]
    assignee_account_id: Option<String>,
    /// A new priority name.
    #[schemars(length(min = 1, max = 255))]
    priority: Option<String>,
    /// Other fields as Jira expects them, by field id.
    fields: Option<Map<String, Value>>,
    /// Whether Jira emails watchers about the change (default true; false needs admin
    /// rights).
    notify_users: Option<bool>,
    #[ctx] State(jira): State<Jira>,
    #[ctx] who: Principal,
) -> Result<Structured<Updated>, ToolError> {
    const TOOL: &str = "jira_update_issue";
    let credential = write_credential(&jira, &who, TOOL, &issue_key).await?;
    let mut set = Map::new();
    let mut changed = Vec::new();
    if let Some(s) = summary {
        set.insert("summary".into(), Value::from(s));
    }
    if let Some(d) = description {
        set.insert("description".into(), markdown::to_adf(&d));
    }
    if let Some(a) = assignee_account_id {
        let value = if a.trim().is_empty() {
            Value::Null
        } else {
            json!({"accountId": a.trim()})
        };
        set.insert("assignee".into(), value);
    }
    if let Some(p) = priority {
        set.insert("priority".into(), json!({"name": p}));
    }
    for (name, value) in fields.unwrap_or_default() {
        set.insert(name, value);
    }
    changed.extend(set.keys().cloned());
    let (label_ops, label_text) = label_ops(
        labels_add.unwrap_or_default(),
        labels_remove.unwrap_or_default(),
    );
    let mut body = Map::new();
    if !label_ops.is_empty() {
        if set.contains_key("labels") {
            return Err(ToolError::new(
                "give labels either in `fields.labels` (replaces all) or as labels_add/labels_remove, not both",
            ));
        }
        changed.push("labels".into());
        body.insert("update".into(), json!({"labels": label_ops}));
    }
    if changed.is_empty() {
        return Err(ToolError::new(
            "nothing to update: give at least one of summary, description, labels_add, labels_remove, assignee_account_id, priority, fields",
        ));
    }
    if !set.is_empty() {
        body.insert("fields".into(), Value::Object(set));
    }
    let notify = if notify_users.unwrap_or(true) {
        "true"
    } else {
        "false"
    };
    let result = jira
        .request(
            &who,
            &credential,
            Method::PUT,
            &format!("rest/api/3/issue/{}", path_segment(&issue_key)),
        )
        .query(&[("notifyUsers", notify), ("returnIssue", "false")])
        .json(&Value::Object(body))
        .send()
        .await;
    audit_result(&who, &credential, TOOL, &issue_key, &result);
    result?;
    let key = issue_key.to_ascii_uppercase();
    let mut text = format!("Updated {key}: {}", changed.join(", "));
    if !label_text.is_empty() {
        let _ = write!(text, " (labels {})", label_text.join(" "));
    }
    text.push('.');
    Ok(Structured::new(
        Updated {
            url: jira.browse_url(&key),
            key,
            changed,
        },
        text,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_become_update_operations() {
        let (ops, text) = label_ops(vec!["triaged".into()], vec!["mcp".into()]);
        assert_eq!(ops, [json!({"add": "triaged"}), json!({"remove": "mcp"})]);
        assert_eq!(text, ["+triaged", "-mcp"]);
    }

    #[test]
    fn issue_types_by_id_or_name() {
        assert_eq!(by_id_or_name("10004"), json!({"id": "10004"}));
        assert_eq!(by_id_or_name("Bug"), json!({"name": "Bug"}));
    }
}
