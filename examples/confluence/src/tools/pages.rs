//! Page tools: `confluence_get_page`, `confluence_create_page`, `confluence_update_page`,
//! `confluence_get_page_children`.

use std::fmt::Write as _;

use example_support::{UpstreamError, audit, truncate, upstream_message};
use http::Method;
use mcp_server::{Principal, State, Structured, ToolError, mcp_tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::client::{App, Caller, conflict_version, page_id_from, str_field};
use crate::{cql, markdown, storage};

/// How a page body is shown or given: `markdown` (converted from/to Confluence storage by
/// this server) or `storage` (Confluence's XHTML with `ac:`/`ri:` macros, exact and lossless).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
#[expect(
    missing_docs,
    reason = "documented on the enum: variant docs would turn the schema's plain `enum` into `oneOf`"
)]
pub enum BodyFormat {
    #[default]
    Markdown,
    Storage,
}

/// The largest `max_chars`.
const MAX_CHARS: u32 = 200_000;

/// A page as read.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct Page {
    /// Page id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Key of its space.
    pub space_key: String,
    /// Id of its space.
    pub space_id: String,
    /// Parent page id, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// Current version number: pass it as `expected_version` to `confluence_update_page`.
    pub version: u64,
    /// When the current version was made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_created_at: Option<String>,
    /// Account id of the current version's author.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_author_id: Option<String>,
    /// The format of `body`.
    pub format: BodyFormat,
    /// The body (cut at `max_chars` when `truncated`).
    pub body: String,
    /// Whether `body` was cut.
    pub truncated: bool,
    /// Length of the whole body in characters.
    pub total_chars: u64,
    /// Whether the page holds content Markdown cannot carry (macros, layouts, attachments,
    /// mentions, …): a Markdown update would lose it.
    pub has_macros: bool,
    /// What Markdown cannot carry, e.g. `macro toc`.
    pub macros: Vec<String>,
    /// Web address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Reads a Confluence page: title, space, version number (needed to update it), body as
/// Markdown (macros shown as placeholders like `[macro: toc]`) or exact storage format.
#[mcp_tool(
    read_only,
    idempotent,
    open_world,
    name = "confluence_get_page",
    title = "Read a Confluence page"
)]
pub async fn get_page(
    /// Page id (`65541`) or page URL (`https://site.atlassian.net/wiki/spaces/ENG/pages/65541/…`).
    #[schemars(length(min = 1, max = 2000))]
    page_id: String,
    /// `markdown` (default) to read, `storage` for the exact Confluence markup to edit
    /// macro-bearing pages without loss.
    #[serde(default)]
    format: BodyFormat,
    /// Cut the body after this many characters (default 20000).
    #[schemars(range(min = 100, max = 200_000))]
    max_chars: Option<u32>,
    #[ctx] State(app): State<App>,
    #[ctx] principal: Principal,
) -> Result<Structured<Page>, ToolError> {
    let id = page_id_from(&page_id)?;
    let max_chars = max_chars.unwrap_or(20_000).clamp(100, MAX_CHARS) as usize;
    let caller = app.caller(principal).await?;
    let (page, space_key) = app.page(&caller, &id, true).await?;
    let stored = storage_body(&page);
    let converted = storage::to_markdown(&stored);
    let full = match format {
        BodyFormat::Markdown => converted.markdown,
        BodyFormat::Storage => stored,
    };
    let total_chars = full.chars().count();
    let (body, truncated) = truncate(&full, max_chars);
    let version = page.get("version");
    let out = Page {
        id: str_field(&page, "id").unwrap_or(id),
        title: str_field(&page, "title").unwrap_or_default(),
        space_key,
        space_id: str_field(&page, "spaceId").unwrap_or_default(),
        parent_id: str_field(&page, "parentId"),
        version: version_number(&page).unwrap_or(0),
        version_created_at: version.and_then(|v| str_field(v, "createdAt")),
        version_author_id: version.and_then(|v| str_field(v, "authorId")),
        format,
        body,
        truncated,
        total_chars: total_chars as u64,
        has_macros: !converted.lossy.is_empty(),
        macros: converted.lossy,
        url: app.page_url(&page),
    };
    let text = render_page(&out, max_chars);
    Ok(Structured::new(out, text))
}

fn render_page(page: &Page, max_chars: usize) -> String {
    let mut text = format!(
        "# {}\npage {} in space {} · version {}",
        page.title, page.id, page.space_key, page.version
    );
    if let Some(url) = &page.url {
        let _ = write!(text, " · {url}");
    }
    text.push('\n');
    if page.has_macros {
        let _ = writeln!(
            text,
            "Contains what Markdown cannot carry ({}): to update without losing it, read with \
             format=storage and update with body_format=storage.",
            page.macros.join(", ")
        );
    }
    text.push('\n');
    text.push_str(&page.body);
    if page.truncated {
        let _ = write!(
            text,
            "\n\n[truncated: showing {max_chars} of {} characters. Call again with a larger \
             max_chars (at most {MAX_CHARS}), or read the child pages \
             (confluence_get_page_children) or search within the page (confluence_search).]",
            page.total_chars
        );
    }
    text
}

/// The storage body of a page object (empty when absent).
fn storage_body(page: &Value) -> String {
    page.get("body")
        .and_then(|b| b.get("storage"))
        .and_then(|s| s.get("value"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn version_number(page: &Value) -> Option<u64> {
    page.get("version")?.get("number")?.as_u64()
}

/// A page as written.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct WrittenPage {
    /// Page id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Key of its space.
    pub space_key: String,
    /// The new version number (pass it as `expected_version` for the next update).
    pub version: u64,
    /// Web address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The storage body to send, from `body` in `format`.
fn to_storage(body: &str, format: BodyFormat) -> String {
    match format {
        BodyFormat::Markdown => markdown::to_storage(body),
        BodyFormat::Storage => body.to_owned(),
    }
}

/// Creates a Confluence page in a space (by key), optionally under a parent page. The body is
/// Markdown (converted to storage format) or storage format as is.
#[mcp_tool(
    destructive = false,
    open_world,
    name = "confluence_create_page",
    title = "Create a Confluence page"
)]
#[expect(
    clippy::too_many_arguments,
    reason = "one argument per documented tool parameter"
)]
pub async fn create_page(
    /// Key of the space (`ENG`).
    #[schemars(length(min = 1, max = 255))]
    space_key: String,
    /// Title (unique within the space).
    #[schemars(length(min = 1, max = 255))]
    title: String,
    /// The content, in `body_format`.
    #[schemars(length(max = 5_000_000))]
    body: String,
    /// `markdown` (default) or `storage`.
    #[serde(default)]
    body_format: BodyFormat,
    /// Id of the parent page (default: the space's top level).
    parent_id: Option<String>,
    #[ctx] State(app): State<App>,
    #[ctx] principal: Principal,
) -> Result<Structured<WrittenPage>, ToolError> {
    const TOOL: &str = "confluence_create_page";
    let space_key = space_key.trim().to_owned();
    if !cql::is_space_key(&space_key) {
        return Err(ToolError::new(format!("{space_key:?} is not a space key")));
    }
    let parent_id = parent_id
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    if let Some(parent) = &parent_id
        && !parent.chars().all(|c| c.is_ascii_digit())
    {
        return Err(ToolError::new("parent_id must be a numeric page id"));
    }
    let caller = app.caller(principal).await?;
    let target = format!("space {space_key}");
    if !app.space_allowed(&space_key) {
        audit_write(
            &caller,
            TOOL,
            &target,
            "refused: space outside the allow-list",
        );
        return Err(app.outside_allow_list("the new page", &space_key));
    }
    let space_id = app.space_id(&caller, &space_key).await?;
    let mut request = json!({
        "spaceId": space_id,
        "status": "current",
        "title": title,
        "body": {"representation": "storage", "value": to_storage(&body, body_format)},
    });
    if let Some(parent) = &parent_id {
        request["parentId"] = json!(parent);
    }
    let created = app
        .write(&caller, Method::POST, "wiki/api/v2/pages", &request)
        .await
        .map_err(|e| {
            audit_write(&caller, TOOL, &target, &format!("error: {e}"));
            ToolError::from(e)
        })?;
    let out = WrittenPage {
        id: str_field(&created, "id").unwrap_or_default(),
        title: str_field(&created, "title").unwrap_or(title),
        space_key,
        version: version_number(&created).unwrap_or(1),
        url: app.page_url(&created),
    };
    audit_write(
        &caller,
        TOOL,
        &out.id,
        &format!("created in space {}", out.space_key),
    );
    let text = format!(
        "Created page {} \"{}\" in space {} (version {}){}",
        out.id,
        out.title,
        out.space_key,
        out.version,
        out.url
            .as_deref()
            .map(|u| format!(": {u}"))
            .unwrap_or_default()
    );
    Ok(Structured::new(out, text))
}

/// Replaces the body (and optionally the title) of a Confluence page, if it is still at
/// `expected_version`; otherwise nothing is written and the current version is named. A
/// Markdown body is refused for pages holding macros or other content Markdown cannot carry,
/// unless `allow_lossy` is set: read with `format=storage` and send `body_format=storage`.
#[mcp_tool(
    destructive,
    open_world,
    name = "confluence_update_page",
    title = "Update a Confluence page"
)]
#[expect(
    clippy::too_many_arguments,
    reason = "one argument per documented tool parameter"
)]
pub async fn update_page(
    /// Page id or page URL.
    #[schemars(length(min = 1, max = 2000))]
    page_id: String,
    /// The version you read (`version` of `confluence_get_page`); the update is refused if the
    /// page changed since.
    #[schemars(range(min = 1))]
    expected_version: u64,
    /// The new full content, in `body_format` (replaces the whole body).
    #[schemars(length(max = 5_000_000))]
    body: String,
    /// `markdown` (default) or `storage`.
    #[serde(default)]
    body_format: BodyFormat,
    /// New title (default: keep the current one).
    #[schemars(length(min = 1, max = 255))]
    title: Option<String>,
    /// Version comment shown in the page history.
    #[schemars(length(max = 500))]
    version_message: Option<String>,
    /// Mark as a minor edit (no notifications to watchers).
    #[serde(default)]
    minor_edit: bool,
    /// Allow a Markdown body to replace a page whose content Markdown cannot carry (its
    /// macros, layouts, images, mentions would be lost).
    #[serde(default)]
    allow_lossy: bool,
    #[ctx] State(app): State<App>,
    #[ctx] principal: Principal,
) -> Result<Structured<WrittenPage>, ToolError> {
    const TOOL: &str = "confluence_update_page";
    let id = page_id_from(&page_id)?;
    let format = body_format;
    let caller = app.caller(principal).await?;
    let target = id.clone();
    let (current, space_key) = match app.page(&caller, &id, true).await {
        Ok(found) => found,
        Err(e) => {
            audit_write(
                &caller,
                TOOL,
                &target,
                "refused: page not readable or not allowed",
            );
            return Err(e);
        }
    };
    if format == BodyFormat::Markdown && !allow_lossy {
        let lossy = storage::lossy_constructs(&storage_body(&current));
        if !lossy.is_empty() {
            audit_write(&caller, TOOL, &target, "refused: lossy Markdown overwrite");
            return Err(ToolError::new(format!(
                "page {id} contains content Markdown cannot carry ({}); a Markdown update would \
                 lose it. Read the page with format=storage and send the edited storage body with \
                 body_format=storage, or set allow_lossy=true to overwrite it anyway. Nothing was \
                 written.",
                lossy.join(", ")
            )));
        }
    }
    let title = title
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .or_else(|| str_field(&current, "title"))
        .unwrap_or_default();
    let mut version = json!({"number": expected_version + 1, "minorEdit": minor_edit});
    if let Some(message) = &version_message {
        version["message"] = json!(message);
    }
    let request = json!({
        "id": id,
        "status": "current",
        "title": title,
        "body": {"representation": "storage", "value": to_storage(&body, format)},
        "version": version,
    });
    let updated = match app
        .write(
            &caller,
            Method::PUT,
            &format!("wiki/api/v2/pages/{id}"),
            &request,
        )
        .await
    {
        Ok(updated) => updated,
        Err(e) => {
            let (outcome, error) = update_error(e, &id, expected_version, version_number(&current));
            audit_write(&caller, TOOL, &target, &outcome);
            return Err(error);
        }
    };
    let out = WrittenPage {
        id: str_field(&updated, "id").unwrap_or(id),
        title: str_field(&updated, "title").unwrap_or(title),
        space_key,
        version: version_number(&updated).unwrap_or(expected_version + 1),
        url: app.page_url(&updated),
    };
    audit_write(
        &caller,
        TOOL,
        &target,
        &format!("updated to version {}", out.version),
    );
    let text = format!(
        "Updated page {} \"{}\" to version {}{}",
        out.id,
        out.title,
        out.version,
        out.url
            .as_deref()
            .map(|u| format!(": {u}"))
            .unwrap_or_default()
    );
    Ok(Structured::new(out, text))
}

/// The audit outcome and tool error of a failed update. A 409 becomes the conflict text with
/// the current version (from Confluence's message, else from our read before the write).
fn update_error(
    e: UpstreamError,
    id: &str,
    expected: u64,
    read_version: Option<u64>,
) -> (String, ToolError) {
    if let UpstreamError::Status {
        status: 409,
        message,
        body,
        ..
    } = &e
    {
        let words = if message.is_empty() {
            upstream_message(body)
        } else {
            message.clone()
        };
        let current = conflict_version(&words).or(read_version);
        let text = match current {
            Some(current) if current < expected => format!(
                "expected_version {expected} is ahead of page {id}'s current version {current}; \
                 re-read the page and retry. Nothing was written."
            ),
            Some(current) => format!(
                "page changed since you read it (current version {current}); re-read and retry. \
                 Page {id} was not modified (you expected version {expected})."
            ),
            None => format!(
                "page changed since you read it (current version unknown: {words}); re-read and \
                 retry. Page {id} was not modified."
            ),
        };
        return (
            format!(
                "conflict: current version {}",
                current.map_or_else(|| "unknown".to_owned(), |c| c.to_string())
            ),
            ToolError::new(text),
        );
    }
    (format!("error: {e}"), ToolError::from(e))
}

fn audit_write(caller: &Caller, tool: &str, target: &str, outcome: &str) {
    audit(&caller.principal, &caller.label(), tool, target, outcome);
}

/// One child page.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct ChildPage {
    /// Page id.
    pub id: String,
    /// Title.
    pub title: String,
    /// `current`, `draft`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Position among its siblings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
}

/// A page of child pages.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct Children {
    /// The parent page.
    pub page_id: String,
    /// The children of this page of results.
    pub children: Vec<ChildPage>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Lists the direct child pages of a Confluence page (id and title), with a cursor for more.
#[mcp_tool(
    read_only,
    idempotent,
    open_world,
    name = "confluence_get_page_children",
    title = "List child pages"
)]
pub async fn get_page_children(
    /// Page id or page URL.
    #[schemars(length(min = 1, max = 2000))]
    page_id: String,
    /// Children per page of results (default 25).
    #[schemars(range(min = 1, max = 250))]
    limit: Option<u32>,
    /// `next_cursor` of the previous call.
    cursor: Option<String>,
    #[ctx] State(app): State<App>,
    #[ctx] principal: Principal,
) -> Result<Structured<Children>, ToolError> {
    let id = page_id_from(&page_id)?;
    let caller = app.caller(principal).await?;
    app.check_page_allowed(&caller, &id).await?;
    let limit = limit.unwrap_or(25).clamp(1, 250).to_string();
    let mut query = vec![("limit", limit.as_str())];
    crate::tools::push_cursor(&mut query, cursor.as_deref());
    let body = app
        .get(&caller, &format!("wiki/api/v2/pages/{id}/children"), &query)
        .await
        .map_err(|e| crate::client::not_found(e, &format!("page {id}")))?;
    let children: Vec<ChildPage> = crate::tools::results(&body)
        .iter()
        .map(|c| ChildPage {
            id: str_field(c, "id").unwrap_or_default(),
            title: str_field(c, "title").unwrap_or_default(),
            status: str_field(c, "status"),
            position: c.get("childPosition").and_then(Value::as_i64),
        })
        .collect();
    let next_cursor = crate::tools::next_cursor(&body);
    let mut text = format!("{} child pages of page {id}:\n", children.len());
    for child in &children {
        let _ = writeln!(text, "- [{}] {}", child.id, child.title);
    }
    match &next_cursor {
        Some(cursor) => {
            let _ = write!(text, "More: call again with cursor=\"{cursor}\".");
        }
        None => text.push_str("No more children."),
    }
    Ok(Structured::new(
        Children {
            page_id: id,
            children,
            next_cursor,
        },
        text,
    ))
}
