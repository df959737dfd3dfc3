//! A resource template: variables are parameters, parsed with `FromStr`.
use mcp_server::core::protocol::{ResourceContents, TextResourceContents};
use mcp_server::{HandlerError, ResourceTemplate, mcp_resource};

/// One item's data.
#[mcp_resource(uri_template = "test://template/{id}/data{?format}", mime_type = "application/json")]
pub async fn item_data(id: u64, format: Option<String>) -> Result<ResourceContents, HandlerError> {
    if id == 0 {
        return Err(HandlerError::not_found("test://template/0/data"));
    }
    let uri = format!("test://template/{id}/data");
    Ok(TextResourceContents::new(uri, format!("{{\"id\":{id},\"format\":{format:?}}}")).into())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let def = ResourceTemplate::definition(&item_data);
    assert_eq!(def.uri_template, "test://template/{id}/data{?format}");
    assert_eq!(def.name, "item_data");
    assert_eq!(def.mime_type.as_deref(), Some("application/json"));
    assert!(item_data.call(0, None).await.is_err());
    assert_eq!(item_data.call(7, None).await.expect("found").uri(), "test://template/7/data");
    let _server = mcp_server::Server::builder("t", "1").resource_template(item_data).build();
}
