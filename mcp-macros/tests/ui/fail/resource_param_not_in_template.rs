use mcp_server::core::protocol::{ResourceContents, TextResourceContents};
use mcp_server::mcp_resource;

/// `name` is no variable.
#[mcp_resource(uri_template = "test://items/{id}")]
async fn item(id: u64, name: String) -> ResourceContents {
    TextResourceContents::new(format!("test://items/{id}"), name).into()
}

fn main() {}
