use mcp_server::mcp_tool;

/// Bad name.
#[mcp_tool(name = "add numbers")]
async fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
