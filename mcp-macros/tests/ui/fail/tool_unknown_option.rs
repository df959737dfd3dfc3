use mcp_server::mcp_tool;

/// Misspelt option.
#[mcp_tool(read_onyl)]
async fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
