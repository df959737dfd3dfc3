//! A tool returning `Json<T>` declares `T`'s schema as its output schema.
use mcp_server::{Json, Tool, ToolError, mcp_tool};

#[derive(serde::Serialize, schemars::JsonSchema)]
struct Sum {
    value: i64,
}

/// Adds two integers.
#[mcp_tool(destructive = false, open_world = false)]
pub(crate) async fn add(
    /// Left operand.
    a: i64,
    /// Right operand.
    b: i64,
) -> Result<Json<Sum>, ToolError> {
    let value = a.checked_add(b).ok_or_else(|| ToolError::new("overflow"))?;
    Ok(Json(Sum { value }))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let def = Tool::definition(&add);
    let output = def.output_schema.expect("an output schema");
    assert_eq!(output["properties"]["value"]["type"], "integer");
    assert_eq!(def.input_schema["required"], serde_json::json!(["a", "b"]));
    let annotations = def.annotations.expect("annotations");
    assert_eq!(annotations.destructive_hint, Some(false));
    assert_eq!(annotations.open_world_hint, Some(false));
    assert_eq!(add.call(2, 3).await.expect("sum").0.value, 5);
    assert!(add.call(i64::MAX, 1).await.is_err());
    let _server = mcp_server::Server::builder("t", "1").tool(add).build();
}
