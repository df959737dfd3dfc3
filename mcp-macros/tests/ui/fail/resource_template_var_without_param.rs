use mcp_server::core::protocol::{ResourceContents, TextResourceContents};
use mcp_server::mcp_resource;

/// `version` has no parameter.
#[mcp_resource(uri_template = "test://items/{id}/{version}")]
async fn item(id: u64) -> ResourceContents {
    TextResourceContents::new(format!("test://items/{id}"), "x").into()
}

fn main() {}
