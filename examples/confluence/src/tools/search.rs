//! `confluence_search`: CQL (or plain text) through the v1 search endpoint.

use std::fmt::Write as _;

use mcp_server::{Principal, State, Structured, ToolError, mcp_tool};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::{link, push_cursor};
use crate::App;
use crate::client::str_field;
use crate::cql;

/// One search hit.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct SearchHit {
    /// Content id (a page id for pages: pass it to `confluence_get_page`).
    pub id: String,
    /// `page`, `blogpost`, `comment`, `attachment`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// Title, highlight markers removed.
    pub title: String,
    /// Key of the space holding it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space_key: Option<String>,
    /// Name of the space holding it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space_name: Option<String>,
    /// Text around the match, highlight markers removed.
    pub excerpt: String,
    /// Web address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Last modification (ISO 8601).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

/// A page of search results.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct SearchResults {
    /// The CQL sent to Confluence (after plain-text conversion and the space restriction).
    pub cql: String,
    /// The hits of this page.
    pub results: Vec<SearchHit>,
    /// Pass as `cursor` (with the same `query` and `space_keys`) for the next page; absent on
    /// the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Total hits Confluence reports, when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_size: Option<u64>,
}

/// Searches Confluence with CQL, or with plain text (turned into `siteSearch ~ "…"`). Returns
/// id, title, space, excerpt and link per hit, plus `next_cursor` while more results exist.
#[mcp_tool(
    read_only,
    idempotent,
    open_world,
    name = "confluence_search",
    title = "Search Confluence"
)]
pub async fn search(
    /// CQL such as `space = ENG AND type = page AND text ~ "login"`, or plain words, which are
    /// searched as one quoted `siteSearch` phrase.
    #[schemars(length(min = 1, max = 2000))]
    query: String,
    /// Only these space keys (added to the query with AND).
    #[schemars(length(max = 20))]
    space_keys: Option<Vec<String>>,
    /// Results per page (default 10).
    #[schemars(range(min = 1, max = 50))]
    limit: Option<u32>,
    /// `next_cursor` of the previous page (same `query`).
    cursor: Option<String>,
    #[ctx] State(app): State<App>,
    #[ctx] principal: Principal,
) -> Result<Structured<SearchResults>, ToolError> {
    let query = query.trim();
    if query.is_empty() {
        return Err(ToolError::new("query must not be empty"));
    }
    let base = if cql::is_cql(query) {
        query.to_owned()
    } else {
        cql::plain_text(query)
    };
    let cql = cql::restrict_to_spaces(&base, &spaces_for(&app, space_keys)?);
    let limit = limit.unwrap_or(10).clamp(1, 50).to_string();
    let mut params = vec![("cql", cql.as_str()), ("limit", limit.as_str())];
    push_cursor(&mut params, cursor.as_deref());
    let caller = app.caller(principal).await?;
    let body = app
        .get(&caller, "wiki/rest/api/search", &params)
        .await
        .map_err(ToolError::from)?;
    let links_base = link(&body, "base");
    let results: Vec<SearchHit> = super::results(&body)
        .iter()
        .map(|hit| search_hit(&app, hit, links_base))
        .collect();
    let next_cursor = super::next_cursor(&body);
    let total_size = body.get("totalSize").and_then(Value::as_u64);
    let text = render(&cql, &results, next_cursor.as_deref(), total_size);
    Ok(Structured::new(
        SearchResults {
            cql,
            results,
            next_cursor,
            total_size,
        },
        text,
    ))
}

/// The spaces to restrict to: the requested ones (which must be allowed) or the allow-list.
fn spaces_for(app: &App, requested: Option<Vec<String>>) -> Result<Vec<String>, ToolError> {
    let requested: Vec<String> = requested
        .unwrap_or_default()
        .into_iter()
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty())
        .collect();
    if let Some(bad) = requested.iter().find(|k| !cql::is_space_key(k)) {
        return Err(ToolError::new(format!("{bad:?} is not a space key")));
    }
    if let Some(outside) = requested.iter().find(|k| !app.space_allowed(k)) {
        return Err(ToolError::new(format!(
            "space {outside} is outside the spaces this server may search ({})",
            app.allowed_spaces().unwrap_or_default().join(", ")
        )));
    }
    if requested.is_empty() {
        Ok(app
            .allowed_spaces()
            .map(<[String]>::to_vec)
            .unwrap_or_default())
    } else {
        Ok(requested)
    }
}

fn search_hit(app: &App, hit: &Value, links_base: Option<&str>) -> SearchHit {
    let content = hit.get("content");
    let id = content.and_then(|c| str_field(c, "id")).unwrap_or_default();
    let kind = content
        .and_then(|c| str_field(c, "type"))
        .or_else(|| str_field(hit, "entityType"))
        .unwrap_or_default();
    let title = hit
        .get("title")
        .and_then(Value::as_str)
        .or_else(|| content.and_then(|c| c.get("title")).and_then(Value::as_str))
        .map(cql::strip_highlights)
        .unwrap_or_default();
    let container = hit.get("resultGlobalContainer");
    let space_key = container
        .and_then(|c| c.get("displayUrl"))
        .and_then(Value::as_str)
        .and_then(|u| u.strip_prefix("/spaces/"))
        .map(|k| k.split('/').next().unwrap_or(k).to_owned())
        .or_else(|| {
            content
                .and_then(|c| c.get("space"))
                .and_then(|s| str_field(s, "key"))
        });
    let space_name = container.and_then(|c| str_field(c, "title"));
    let url = app.web_url(links_base, hit.get("url").and_then(Value::as_str));
    SearchHit {
        id,
        kind,
        title,
        space_key,
        space_name,
        excerpt: hit
            .get("excerpt")
            .and_then(Value::as_str)
            .map(cql::strip_highlights)
            .unwrap_or_default(),
        url,
        last_modified: str_field(hit, "lastModified"),
    }
}

fn render(cql: &str, hits: &[SearchHit], next: Option<&str>, total: Option<u64>) -> String {
    let mut text = match total {
        Some(total) => format!("{} of {total} results for CQL: {cql}\n", hits.len()),
        None => format!("{} results for CQL: {cql}\n", hits.len()),
    };
    for hit in hits {
        let _ = write!(text, "- [{}] {} ({})", hit.id, hit.title, hit.kind);
        if let Some(key) = &hit.space_key {
            let _ = write!(text, " in {key}");
        }
        if let Some(modified) = &hit.last_modified {
            let _ = write!(text, ", modified {modified}");
        }
        if let Some(url) = &hit.url {
            let _ = write!(text, " {url}");
        }
        if !hit.excerpt.is_empty() {
            let _ = write!(text, "\n  {}", hit.excerpt);
        }
        text.push('\n');
    }
    match next {
        Some(cursor) => {
            let _ = write!(
                text,
                "More results: call again with the same query and cursor=\"{cursor}\"."
            );
        }
        None => text.push_str("No more results."),
    }
    text
}
