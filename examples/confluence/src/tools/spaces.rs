//! `confluence_list_spaces`.

use std::fmt::Write as _;

use mcp_server::{Principal, State, Structured, ToolError, mcp_tool};
use schemars::JsonSchema;
use serde::Serialize;

use super::{link, push_cursor};
use crate::client::{App, str_field};
use crate::cql;

/// One space.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct Space {
    /// Space id (what v2 pages name as `spaceId`).
    pub id: String,
    /// Space key (`ENG`): what the other tools take.
    pub key: String,
    /// Name.
    pub name: String,
    /// `global`, `personal`, …
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `current` or `archived`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Id of the space's home page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub homepage_id: Option<String>,
    /// Web address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A page of spaces.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct Spaces {
    /// The spaces of this page of results.
    pub spaces: Vec<Space>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Lists the Confluence spaces you can use (key, name, home page), optionally only some keys.
#[mcp_tool(
    read_only,
    idempotent,
    open_world,
    name = "confluence_list_spaces",
    title = "List Confluence spaces"
)]
pub async fn list_spaces(
    /// Only these space keys.
    #[schemars(length(max = 50))]
    keys: Option<Vec<String>>,
    /// Spaces per page of results (default 25).
    #[schemars(range(min = 1, max = 250))]
    limit: Option<u32>,
    /// `next_cursor` of the previous call.
    cursor: Option<String>,
    #[ctx] State(app): State<App>,
    #[ctx] principal: Principal,
) -> Result<Structured<Spaces>, ToolError> {
    let mut keys: Vec<String> = keys
        .unwrap_or_default()
        .into_iter()
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty())
        .collect();
    if let Some(bad) = keys.iter().find(|k| !cql::is_space_key(k)) {
        return Err(ToolError::new(format!("{bad:?} is not a space key")));
    }
    if let Some(allowed) = app.allowed_spaces() {
        if keys.is_empty() {
            keys = allowed.to_vec();
        } else {
            keys.retain(|k| app.space_allowed(k));
            if keys.is_empty() {
                return Err(ToolError::new(format!(
                    "none of the requested spaces is among the spaces this server may use ({})",
                    allowed.join(", ")
                )));
            }
        }
    }
    let caller = app.caller(principal).await?;
    let limit = limit.unwrap_or(25).clamp(1, 250).to_string();
    let joined = keys.join(",");
    let mut query = vec![("limit", limit.as_str())];
    if !joined.is_empty() {
        query.push(("keys", joined.as_str()));
    }
    push_cursor(&mut query, cursor.as_deref());
    let body = app
        .get(&caller, "wiki/api/v2/spaces", &query)
        .await
        .map_err(ToolError::from)?;
    let links_base = link(&body, "base");
    let spaces: Vec<Space> = super::results(&body)
        .iter()
        .filter_map(|s| {
            let id = str_field(s, "id")?;
            let key = str_field(s, "key")?;
            app.remember(&id, &key);
            Some(Space {
                name: str_field(s, "name").unwrap_or_default(),
                kind: str_field(s, "type"),
                status: str_field(s, "status"),
                homepage_id: str_field(s, "homepageId"),
                url: app.web_url(links_base, link(s, "webui")),
                id,
                key,
            })
        })
        // Defence in depth: never show a space outside the allow-list.
        .filter(|s| app.space_allowed(&s.key))
        .collect();
    let next_cursor = crate::tools::next_cursor(&body);
    let mut text = format!("{} spaces:\n", spaces.len());
    for space in &spaces {
        let _ = write!(text, "- {} {} (id {}", space.key, space.name, space.id);
        if let Some(home) = &space.homepage_id {
            let _ = write!(text, ", home page {home}");
        }
        text.push_str(")\n");
    }
    match &next_cursor {
        Some(cursor) => {
            let _ = write!(text, "More: call again with cursor=\"{cursor}\".");
        }
        None => text.push_str("No more spaces."),
    }
    Ok(Structured::new(
        Spaces {
            spaces,
            next_cursor,
        },
        text,
    ))
}
