//! A resource with a fixed URI.
use mcp_server::core::protocol::{ResourceContents, TextResourceContents};
use mcp_server::{Principal, Resource, mcp_resource};

/// A static text.
#[mcp_resource(uri = "test://static-text", name = "static_text", title = "Static", mime_type = "text/plain")]
async fn static_text(#[ctx] _who: Principal) -> ResourceContents {
    TextResourceContents::new("test://static-text", "hello").into()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let def = Resource::definition(&static_text);
    assert_eq!(def.uri, "test://static-text");
    assert_eq!(def.name, "static_text");
    assert_eq!(def.title.as_deref(), Some("Static"));
    assert_eq!(def.description.as_deref(), Some("A static text."));
    assert_eq!(def.mime_type.as_deref(), Some("text/plain"));
    assert_eq!(static_text.call(Principal::anonymous()).await.uri(), "test://static-text");
    let _server = mcp_server::Server::builder("t", "1").resource(static_text).build();
}
