use mcp_server::mcp_tool;

/// Not async.
#[mcp_tool]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
