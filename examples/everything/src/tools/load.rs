//! `echo` and `sum`: small tools for load and interop tests.

use mcp_server::{ToolError, mcp_tool};
use serde::Deserialize;

/// Echoes the text back.
#[mcp_tool(read_only, idempotent)]
pub async fn echo(
    /// The text to echo.
    text: String,
) -> String {
    text
}

/// Up to 10 000 numbers. A newtype, because `#[mcp_tool]` forwards only doc comments to
/// the fields of its argument struct: the `maxItems` bound lives on the type.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[expect(
    clippy::exhaustive_structs,
    reason = "a transparent newtype over the numbers"
)]
pub struct Values(#[schemars(length(max = 10000))] pub Vec<f64>);

/// Sums the numbers.
#[mcp_tool(read_only, idempotent)]
#[expect(
    clippy::missing_errors_doc,
    reason = "the doc comment is the tool description sent to clients"
)]
pub async fn sum(
    /// The numbers to add (at most 10 000).
    values: Values,
) -> Result<f64, ToolError> {
    let total: f64 = values.0.iter().sum();
    if total.is_finite() {
        Ok(total)
    } else {
        Err(ToolError::new("the sum does not fit in a finite number"))
    }
}
