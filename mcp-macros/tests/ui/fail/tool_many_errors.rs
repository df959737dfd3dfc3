use mcp_server::mcp_tool;

/// Every mistake at once: all are reported, each on its token.
#[mcp_tool(name = "", colour = "red")]
fn add<T>(&self, (a, b): (i64, i64)) -> i64 {
    a + b
}

fn main() {}
