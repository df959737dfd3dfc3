use mcp_server::mcp_tool;

/// Twice.
#[mcp_tool(title = "Add", title = "Sum")]
async fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
