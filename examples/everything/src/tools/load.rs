//! `echo` and `sum`: small tools for load and interop tests.

use mcp_server::{ToolError, mcp_tool};

/// Echoes the text back.
#[mcp_tool(read_only, idempotent)]
pub async fn echo(
    /// The text to echo.
    text: String,
) -> String {
    text
}

/// Sums the numbers.
#[mcp_tool(read_only, idempotent)]
pub async fn sum(
    /// The numbers to add (at most 10 000).
    #[schemars(length(max = 10000))]
    values: Vec<f64>,
) -> Result<f64, ToolError> {
    let total: f64 = values.iter().sum();
    if total.is_finite() {
        Ok(total)
    } else {
        Err(ToolError::new("the sum does not fit in a finite number"))
    }
}
