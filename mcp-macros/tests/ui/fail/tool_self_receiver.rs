use mcp_server::mcp_tool;

struct Calculator;

impl Calculator {
    /// A method.
    #[mcp_tool]
    async fn add(&self, a: i64, b: i64) -> i64 {
        a + b
    }
}

fn main() {}
