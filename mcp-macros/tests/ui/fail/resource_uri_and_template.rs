use mcp_server::core::protocol::{ResourceContents, TextResourceContents};
use mcp_server::mcp_resource;

/// Both.
#[mcp_resource(uri = "test://a", uri_template = "test://{id}")]
async fn both(id: u64) -> ResourceContents {
    TextResourceContents::new(format!("test://{id}"), "x").into()
}

/// Neither.
#[mcp_resource(name = "neither")]
async fn neither() -> ResourceContents {
    TextResourceContents::new("test://a", "x").into()
}

/// A fixed URI with a parameter.
#[mcp_resource(uri = "test://fixed")]
async fn fixed(id: u64) -> ResourceContents {
    TextResourceContents::new(format!("test://{id}"), "x").into()
}

fn main() {}
