//! JSON Schemas for tool inputs and outputs, generated from Rust types with schemars.
//!
//! Schemas use JSON Schema 2020-12 (the MCP default dialect) with subschemas inlined, since
//! several clients do not follow `$ref`. Input schemas always have an object root, a
//! `properties` member and `additionalProperties: false`, also for tools without arguments.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

fn generate<T: JsonSchema>() -> Value {
    let generator = SchemaSettings::draft2020_12()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .into_generator();
    let mut value = generator.into_root_schema_for::<T>().to_value();
    if let Value::Object(map) = &mut value {
        map.remove("title");
        map.remove("$schema");
    }
    value
}

/// The input schema of an arguments type: an object root with `properties` and
/// `additionalProperties: false`.
///
/// ```
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// #[expect(dead_code, reason = "only the schema is used here")]
/// struct Args {
///     /// The text.
///     text: String,
///     limit: Option<u32>,
/// }
///
/// let s = mcp_server::schema::input_schema::<Args>();
/// assert_eq!(s["type"], "object");
/// assert_eq!(s["additionalProperties"], false);
/// assert_eq!(s["required"], serde_json::json!(["text"]));
/// ```
pub fn input_schema<T: JsonSchema>() -> Map<String, Value> {
    let mut map = match generate::<T>() {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    map.insert("type".into(), Value::String("object".into()));
    map.entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    map.insert("additionalProperties".into(), Value::Bool(false));
    map
}

/// The output schema of a structured result type.
pub fn output_schema<T: JsonSchema>() -> Value {
    generate::<T>()
}

/// Whether `schema` has an object root (`"type": "object"`), as legacy revisions require of
/// `outputSchema`.
pub(crate) fn is_object_root(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("object")
}

/// Wraps a non-object output schema as `{"result": schema}` for legacy sessions.
pub(crate) fn wrap_output_schema(schema: &Value) -> Value {
    serde_json::json!({
        "type": "object",
        "properties": { "result": schema },
        "required": ["result"],
        "additionalProperties": false
    })
}
