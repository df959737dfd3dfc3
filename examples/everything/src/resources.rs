//! The resource fixtures and the completion of the template variable.

use mcp_server::core::protocol::{BlobResourceContents, ResourceContents, TextResourceContents};
use mcp_server::{CompletionRequest, ServerBuilder, mcp_resource};

use crate::fixtures::{PNG_BASE64, STATIC_TEXT};

/// The URI template of [`template_data`].
pub const TEMPLATE: &str = "test://template/{id}/data";

/// Registers every resource and the template completion.
pub fn register(builder: ServerBuilder) -> ServerBuilder {
    builder
        .resource(static_text)
        .resource(static_binary)
        .resource(watched_resource)
        .resource_template(template_data)
        .complete_resource(TEMPLATE, "id", complete_id)
}

/// A static text resource.
#[mcp_resource(
    uri = "test://static-text",
    name = "static-text",
    mime_type = "text/plain"
)]
pub async fn static_text() -> ResourceContents {
    text("test://static-text", "text/plain", STATIC_TEXT)
}

/// A static binary resource (a 1x1 PNG).
#[mcp_resource(
    uri = "test://static-binary",
    name = "static-binary",
    mime_type = "image/png"
)]
pub async fn static_binary() -> ResourceContents {
    let mut blob = BlobResourceContents::new("test://static-binary", PNG_BASE64);
    blob.mime_type = Some("image/png".to_owned());
    blob.into()
}

/// A resource clients subscribe to (`resources/subscribe`); updates are published with
/// [`Notifier::resource_updated`](mcp_server::Notifier::resource_updated).
#[mcp_resource(
    uri = "test://watched-resource",
    name = "watched-resource",
    mime_type = "text/plain"
)]
pub async fn watched_resource() -> ResourceContents {
    text(
        "test://watched-resource",
        "text/plain",
        "Watched resource content",
    )
}

/// One resource of the template family `test://template/{id}/data`.
#[mcp_resource(
    uri_template = "test://template/{id}/data",
    name = "template",
    mime_type = "application/json"
)]
pub async fn template_data(
    /// The id named by the URI.
    id: String,
) -> ResourceContents {
    let body =
        serde_json::json!({ "id": id, "templateTest": true, "data": format!("Data for ID: {id}") });
    text(
        &format!("test://template/{id}/data"),
        "application/json",
        &body.to_string(),
    )
}

/// Completes the `id` variable of [`TEMPLATE`].
pub async fn complete_id(request: CompletionRequest) -> Vec<String> {
    ["1", "2", "3", "123", "456"]
        .into_iter()
        .filter(|c| c.starts_with(request.value()))
        .map(str::to_owned)
        .collect()
}

fn text(uri: &str, mime_type: &str, body: &str) -> ResourceContents {
    let mut contents = TextResourceContents::new(uri, body);
    contents.mime_type = Some(mime_type.to_owned());
    contents.into()
}
