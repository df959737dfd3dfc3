use mcp_server::mcp_tool;

/// Generic.
#[mcp_tool]
async fn echo<T: serde::de::DeserializeOwned>(value: T) -> String {
    let _ = value;
    String::new()
}

fn main() {}
