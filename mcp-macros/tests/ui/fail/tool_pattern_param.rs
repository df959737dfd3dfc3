use mcp_server::mcp_tool;

/// A tuple pattern and a bad `#[ctx]`; both are reported.
#[mcp_tool]
async fn add((a, b): (i64, i64), #[ctx(principal)] who: mcp_server::Principal) -> i64 {
    let _ = who;
    a + b
}

fn main() {}
