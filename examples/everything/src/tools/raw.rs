//! Tools whose input schema is written by hand and listed verbatim ([`tool::from_fn`]): what
//! `#[mcp_tool]` generates from Rust types cannot carry `$anchor`, `if`/`then`/`else` or
//! vendor keywords such as `x-mcp-header`.

use mcp_server::core::protocol::{CallToolResult, Tool as ToolDef};
use mcp_server::tool;
use mcp_server::{Tool, ToolCall, ToolError};
use serde_json::{Map, Value, json};

/// The raw input schema of `json_schema_2020_12_tool` (SEP-1613, SEP-2106): `$schema`,
/// `$defs` with `$anchor`, `additionalProperties: false`, `allOf`/`anyOf` and
/// `if`/`then`/`else`.
pub fn json_schema_2020_12() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {
            "address": {
                "$anchor": "address",
                "type": "object",
                "properties": {
                    "street": { "type": "string" },
                    "city": { "type": "string" },
                    "country": { "type": "string" }
                },
                "required": ["street", "city"]
            }
        },
        "properties": {
            "name": { "type": "string", "minLength": 1 },
            "address": { "$ref": "#/$defs/address" },
            "contact": {
                "anyOf": [
                    { "type": "string", "format": "email" },
                    { "type": "string", "pattern": "^\\+?[0-9 ]+$" }
                ]
            },
            "kind": { "type": "string", "enum": ["person", "company"] },
            "vatId": { "type": "string" }
        },
        "allOf": [
            { "required": ["name"] },
            {
                "anyOf": [
                    { "required": ["address"] },
                    { "required": ["contact"] },
                    { "not": { "required": ["kind"] } }
                ]
            }
        ],
        "if": {
            "properties": { "kind": { "const": "company" } },
            "required": ["kind"]
        },
        "then": { "required": ["vatId"] },
        "else": { "not": { "required": ["vatId"] } },
        "additionalProperties": false
    })
}

/// `json_schema_2020_12_tool`: lists [`json_schema_2020_12`] unchanged and echoes its
/// (validated) arguments.
pub fn json_schema_2020_12_tool() -> impl Tool {
    let def = definition(
        "json_schema_2020_12_tool",
        "Tool with JSON Schema 2020-12 features ($defs, $anchor, allOf/anyOf, if/then/else)",
        json_schema_2020_12(),
    );
    tool::from_fn(def, echo_arguments)
}

/// The input schema of `test_x_mcp_header`: a string `region` sent as the `Mcp-Param-Region`
/// HTTP header too (SEP-2243).
pub fn x_mcp_header_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "region": {
                "type": "string",
                "description": "The region; mirrored into the Mcp-Param-Region header",
                "x-mcp-header": "Region"
            }
        },
        "required": ["region"],
        "additionalProperties": false
    })
}

/// `test_x_mcp_header`: a tool with an `x-mcp-header` parameter, for the HTTP custom-header
/// scenario (the HTTP transport validates the header against the body).
pub fn test_x_mcp_header() -> impl Tool {
    let def = definition(
        "test_x_mcp_header",
        "Echoes its region, which clients also send as the Mcp-Param-Region header",
        x_mcp_header_schema(),
    );
    tool::from_fn(def, echo_arguments)
}

/// Answers with the call's (schema-validated) arguments, as JSON text.
///
/// # Errors
///
/// Never: the signature is the one [`tool::from_fn`] takes.
pub async fn echo_arguments(call: ToolCall) -> Result<CallToolResult, ToolError> {
    let arguments = Value::Object(call.arguments().clone());
    Ok(CallToolResult::text(format!(
        "Received arguments: {arguments}"
    )))
}

fn definition(name: &str, description: &str, schema: Value) -> ToolDef {
    let schema: Map<String, Value> = match schema {
        Value::Object(map) => map,
        _ => unreachable!("the fixture schemas are objects"),
    };
    let mut def = ToolDef::new(name, schema);
    def.description = Some(description.to_owned());
    def
}
