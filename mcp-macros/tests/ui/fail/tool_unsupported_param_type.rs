use mcp_server::mcp_tool;

struct Point {
    x: i64,
}

/// Takes a point.
#[mcp_tool]
async fn takes_point(point: Point) -> i64 {
    point.x
}

fn main() {}
