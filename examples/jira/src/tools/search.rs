//! `jira_search_issues`: JQL search through the enhanced search endpoint with `nextPageToken`.

use std::fmt::Write as _;

use http::Method;
use mcp_server::{Principal, State, Structured, ToolError, mcp_tool};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{name_of, plural, simplify_bounded};
use crate::client::{Jira, text};
use crate::jql;

/// The fields returned when the caller names none.
const DEFAULT_FIELDS: &[&str] = &[
    "summary",
    "status",
    "assignee",
    "priority",
    "issuetype",
    "updated",
];

/// One issue of a search page, compact.
#[derive(Debug, Serialize, JsonSchema)]
pub struct IssueSummary {
    /// The issue key, e.g. `ENG-42`.
    pub key: String,
    /// The numeric issue id.
    pub id: String,
    /// The summary (title).
    pub summary: Option<String>,
    /// The status name.
    pub status: Option<String>,
    /// The issue type name.
    pub issue_type: Option<String>,
    /// The priority name.
    pub priority: Option<String>,
    /// The assignee's display name (`null` = unassigned or not requested).
    pub assignee: Option<String>,
    /// The assignee's accountId.
    pub assignee_account_id: Option<String>,
    /// Last update time (Jira's ISO 8601 text).
    pub updated: Option<String>,
    /// Other requested fields, simplified (users → display names, options → values, ADF →
    /// Markdown).
    pub fields: Map<String, Value>,
    /// The browse link, when the site is known.
    pub url: Option<String>,
}

/// One page of search results.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SearchPage {
    /// The JQL sent to Jira (with the server's project allow-list applied).
    pub jql: String,
    /// The issues of this page.
    pub issues: Vec<IssueSummary>,
    /// Pass as `page_token` to get the next page; `null` on the last page.
    pub next_page_token: Option<String>,
    /// Whether this is the last page.
    pub is_last: bool,
}

/// Searches Jira issues with JQL, one page at a time (`POST /rest/api/3/search/jql`).
///
/// JQL examples: `project = ENG AND status = "In Progress" ORDER BY updated DESC`,
/// `assignee = currentUser() AND resolution = Unresolved`, `text ~ "login" AND created >= -7d`.
/// A query must restrict something (an `ORDER BY` alone is refused by Jira). Results come
/// `max_results` at a time; when `is_last` is false, call again with the returned
/// `next_page_token` as `page_token` (same `jql`) for the next page. The server may restrict
/// every query to its allowed projects.
#[mcp_tool(read_only, idempotent, open_world, title = "Search Jira issues")]
pub async fn jira_search_issues(
    /// The JQL query.
    #[schemars(length(min = 1, max = 8000))]
    jql: String,
    /// Fields to return (default: summary, status, assignee, priority, issuetype, updated).
    /// Field ids like `labels`, `reporter`, `customfield_10020`, or `*navigable`.
    #[schemars(length(max = 50))]
    fields: Option<Vec<String>>,
    /// Issues per page, 1-100 (default set by the server, usually 20).
    #[schemars(range(min = 1, max = 100))]
    max_results: Option<u32>,
    /// The `next_page_token` of the previous page.
    #[schemars(length(min = 1, max = 4096))]
    page_token: Option<String>,
    #[ctx] State(jira): State<Jira>,
    #[ctx] who: Principal,
) -> Result<Structured<SearchPage>, ToolError> {
    let credential = jira.credential(&who).await?;
    let sent_jql = jql::restrict(jql.trim(), jira.projects());
    let fields: Vec<String> = match fields {
        Some(f) if !f.is_empty() => f,
        _ => DEFAULT_FIELDS.iter().map(|f| (*f).to_owned()).collect(),
    };
    let mut body = json!({
        "jql": sent_jql,
        "fields": fields,
        "maxResults": max_results.unwrap_or_else(|| jira.max_results()).clamp(1, 100),
    });
    if let Some(token) = &page_token {
        body["nextPageToken"] = Value::from(token.as_str());
    }
    let reconcile = jira.reconcile_ids();
    if !reconcile.is_empty() {
        body["reconcileIssues"] = json!(reconcile);
    }
    let response = jira
        .request(&who, &credential, Method::POST, "rest/api/3/search/jql")
        .json(&body)
        .retry_reads()
        .send()
        .await?;
    let raw = response.body["issues"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let next_page_token = text(&response.body["nextPageToken"]);
    let is_last = response.body["isLast"]
        .as_bool()
        .unwrap_or(next_page_token.is_none());

    if raw.is_empty() && page_token.is_none() {
        // Jira answers an anonymous or broken-auth search with 200 and no issues: ask who we
        // are before reporting "nothing matched".
        jira.get(&who, &credential, "rest/api/3/myself", &[])
            .await
            .map_err(|e| match e.status() {
                Some(401 | 403) => ToolError::new(format!(
                    "{e} (the search returned no issues, and Jira does not accept this server's credentials; this is not an empty result)"
                )),
                _ => ToolError::from(e),
            })?;
    }

    let issues: Vec<IssueSummary> = raw
        .iter()
        .map(|issue| summarize(issue, &fields, &jira))
        .collect();
    let text = render(
        &sent_jql,
        &issues,
        next_page_token.as_deref(),
        is_last,
        &jira,
    );
    Ok(Structured::new(
        SearchPage {
            jql: sent_jql,
            issues,
            next_page_token: if is_last { None } else { next_page_token },
            is_last,
        },
        text,
    ))
}

fn summarize(issue: &Value, requested: &[String], jira: &Jira) -> IssueSummary {
    let f = &issue["fields"];
    let key = text(&issue["key"]).unwrap_or_default();
    let mut other = Map::new();
    for name in requested {
        if DEFAULT_FIELDS.contains(&name.as_str()) || name.starts_with('*') {
            continue;
        }
        if let Some(value) = f.get(name) {
            other.insert(name.clone(), simplify_bounded(value));
        }
    }
    IssueSummary {
        id: text(&issue["id"]).unwrap_or_default(),
        summary: text(&f["summary"]),
        status: name_of(&f["status"]),
        issue_type: name_of(&f["issuetype"]),
        priority: name_of(&f["priority"]),
        assignee: name_of(&f["assignee"]),
        assignee_account_id: text(&f["assignee"]["accountId"]),
        updated: text(&f["updated"]),
        fields: other,
        url: jira.browse_url(&key),
        key,
    }
}

fn render(
    jql: &str,
    issues: &[IssueSummary],
    token: Option<&str>,
    is_last: bool,
    jira: &Jira,
) -> String {
    let mut out = String::new();
    if issues.is_empty() {
        let _ = write!(out, "No issues match `{jql}`.");
        if !jira.projects().is_empty() {
            let _ = write!(
                out,
                " (This server only sees projects {}.)",
                jira.projects().join(", ")
            );
        }
    } else {
        let _ = writeln!(
            out,
            "{} for `{jql}`:",
            plural(issues.len(), "issue", "issues")
        );
    }
    for issue in issues {
        let _ = write!(out, "{}", issue.key);
        if let Some(status) = &issue.status {
            let _ = write!(out, " [{status}]");
        }
        if let Some(summary) = &issue.summary {
            let _ = write!(out, " {summary}");
        }
        let mut details = Vec::new();
        details.extend(issue.issue_type.clone());
        details.extend(issue.priority.clone());
        if let Some(assignee) = &issue.assignee {
            details.push(format!("assignee {assignee}"));
        }
        if let Some(updated) = &issue.updated {
            details.push(format!("updated {updated}"));
        }
        for (name, value) in &issue.fields {
            let shown = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let (shown, cut) = example_support::truncate(&shown, 200);
            details.push(format!("{name}: {shown}{}", if cut { "…" } else { "" }));
        }
        if !details.is_empty() {
            let _ = write!(out, " ({})", details.join(", "));
        }
        out.push('\n');
    }
    match token {
        Some(token) if !is_last => {
            let _ = write!(
                out,
                "More results: call again with page_token=\"{token}\" (same jql)."
            );
        }
        _ if !issues.is_empty() => out.push_str("Last page."),
        _ => {}
    }
    out.trim_end().to_owned()
}
