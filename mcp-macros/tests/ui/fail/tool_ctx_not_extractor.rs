use mcp_server::mcp_tool;

struct Database;

/// Uses a database.
#[mcp_tool]
async fn query(#[ctx] db: Database, sql: String) -> String {
    let _ = db;
    sql
}

fn main() {}
