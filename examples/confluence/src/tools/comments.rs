//! `confluence_add_comment`.

use example_support::audit;
use http::Method;
use mcp_server::{Principal, State, Structured, ToolError, mcp_tool};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::json;

use crate::client::{App, page_id_from, str_field};
use crate::markdown;

/// A comment as created.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct Comment {
    /// Comment id.
    pub id: String,
    /// The page commented on.
    pub page_id: String,
    /// Web address, when Confluence gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Adds a footer comment (Markdown) to a Confluence page.
#[mcp_tool(
    destructive = false,
    open_world,
    name = "confluence_add_comment",
    title = "Comment on a Confluence page"
)]
pub async fn add_comment(
    /// Page id or page URL.
    #[schemars(length(min = 1, max = 2000))]
    page_id: String,
    /// The comment, in Markdown.
    #[schemars(length(min = 1, max = 100_000))]
    body: String,
    #[ctx] State(app): State<App>,
    #[ctx] principal: Principal,
) -> Result<Structured<Comment>, ToolError> {
    const TOOL: &str = "confluence_add_comment";
    let id = page_id_from(&page_id)?;
    if body.trim().is_empty() {
        return Err(ToolError::new("body must not be empty"));
    }
    let caller = app.caller(principal).await?;
    let target = id.clone();
    if let Err(e) = app.check_page_allowed(&caller, &id).await {
        audit(&caller.principal, &caller.label(), TOOL, &target, "refused");
        return Err(e);
    }
    let request = json!({
        "pageId": id,
        "body": {"representation": "storage", "value": markdown::to_storage(&body)},
    });
    let created = app
        .write(
            &caller,
            Method::POST,
            "wiki/api/v2/footer-comments",
            &request,
        )
        .await
        .map_err(|e| {
            audit(
                &caller.principal,
                &caller.label(),
                TOOL,
                &target,
                &format!("error: {e}"),
            );
            crate::client::not_found(e, &format!("page {id}"))
        })?;
    let out = Comment {
        id: str_field(&created, "id").unwrap_or_default(),
        page_id: id,
        url: app.page_url(&created),
    };
    audit(
        &caller.principal,
        &caller.label(),
        TOOL,
        &target,
        &format!("comment {} added", out.id),
    );
    let text = format!("Added comment {} to page {}", out.id, out.page_id);
    Ok(Structured::new(out, text))
}
