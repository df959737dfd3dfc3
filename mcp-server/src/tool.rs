//! Tools: the [`Tool`] trait, what a tool may return ([`IntoToolResult`], [`Json`]), and
//! closure tools ([`from_fn`]).
//!
//! `#[mcp_tool]` implements [`Tool`] for a plain async fn; implementing it by hand is the same
//! thing without the sugar.

use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;
use mcp_core::protocol::{CallToolResult, ContentBlock, JsonObject, TextContent, Tool as ToolDef};
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::context::RequestContext;
use crate::error::ToolError;

/// A tool: its definition (name, description, input schema, ...) and its handler.
///
/// The engine validates the arguments against the definition's input schema (compiled once,
/// when the server is built) before calling [`handle`](Tool::handle); a schema violation
/// becomes an `isError` result naming the field, so the model can retry.
///
/// ```
/// use mcp_server::{Tool, ToolCall, ToolError};
/// use mcp_core::protocol::{CallToolResult, Tool as ToolDef};
///
/// struct Echo;
///
/// impl Tool for Echo {
///     fn definition(&self) -> ToolDef {
///         let schema = serde_json::json!({
///             "type": "object",
///             "properties": { "text": { "type": "string" } },
///             "required": ["text"],
///             "additionalProperties": false
///         });
///         let mut def = ToolDef::new("echo", schema.as_object().unwrap().clone());
///         def.description = Some("Echoes the text back.".into());
///         def
///     }
///
///     async fn handle(&self, call: ToolCall) -> Result<CallToolResult, ToolError> {
///         let text = call.arguments()["text"].as_str().unwrap_or_default().to_owned();
///         Ok(CallToolResult::text(text))
///     }
/// }
///
/// let _server = mcp_server::Server::builder("echo", "1").tool(Echo).build();
/// ```
pub trait Tool: Send + Sync + 'static {
    /// The tool's definition, as listed by `tools/list`. Called once, when the server is built.
    fn definition(&self) -> ToolDef;

    /// Runs the tool.
    fn handle(
        &self,
        call: ToolCall,
    ) -> impl Future<Output = Result<CallToolResult, ToolError>> + Send;
}

/// One invocation of a tool: its (schema-validated) arguments and the request context.
#[derive(Debug)]
pub struct ToolCall {
    pub(crate) arguments: JsonObject,
    pub(crate) cx: RequestContext,
}

impl ToolCall {
    /// The arguments, already validated against the input schema.
    pub fn arguments(&self) -> &JsonObject {
        &self.arguments
    }

    /// The request context.
    pub fn context(&self) -> &RequestContext {
        &self.cx
    }

    /// Deserializes the arguments into `T`.
    ///
    /// # Errors
    ///
    /// A tool error (`isError: true`) naming the offending field.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, ToolError> {
        // Deserializing from the borrowed map avoids cloning the arguments.
        let de = MapDeserializer(&self.arguments);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if path == "." {
                ToolError::new(format!("invalid arguments: {inner}"))
            } else {
                ToolError::new(format!("invalid arguments at `{path}`: {inner}"))
            }
        })
    }

    /// The arguments and the context, by value.
    pub fn into_parts(self) -> (JsonObject, RequestContext) {
        (self.arguments, self.cx)
    }
}

struct MapDeserializer<'a>(&'a JsonObject);

impl<'de> serde::Deserializer<'de> for MapDeserializer<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        serde::Deserializer::deserialize_any(
            serde::de::value::MapDeserializer::new(self.0.iter().map(|(k, v)| (k.as_str(), v))),
            visitor,
        )
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// What a tool handler may return, mirroring axum's `IntoResponse`.
///
/// | type | result |
/// | --- | --- |
/// | `String`, `&str`, numbers, `bool` | one text block |
/// | [`Json<T>`] | `structuredContent` (+ `outputSchema` from `T`'s JSON Schema) and the same JSON as text |
/// | [`CallToolResult`] | as is |
/// | `ContentBlock`, `Vec<ContentBlock>` | those blocks |
/// | `()` | no content |
/// | `Result<T, E: Into<ToolError>>` | `T`'s result, or the error's channel |
pub trait IntoToolResult {
    /// Converts into the tool result.
    ///
    /// # Errors
    ///
    /// The tool's own error.
    fn into_tool_result(self) -> Result<CallToolResult, ToolError>;

    /// The output schema this return type declares, if any (`Json<T>` declares `T`'s).
    fn output_schema() -> Option<Value> {
        None
    }
}

impl IntoToolResult for CallToolResult {
    fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
        Ok(self)
    }
}

impl IntoToolResult for String {
    fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
        Ok(CallToolResult::text(self))
    }
}

impl IntoToolResult for &str {
    fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
        Ok(CallToolResult::text(self.to_owned()))
    }
}

impl IntoToolResult for () {
    fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
        Ok(CallToolResult::new(Vec::new()))
    }
}

impl IntoToolResult for ContentBlock {
    fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
        Ok(CallToolResult::new(vec![self]))
    }
}

impl IntoToolResult for TextContent {
    fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
        Ok(CallToolResult::new(vec![ContentBlock::Text(self)]))
    }
}

impl IntoToolResult for Vec<ContentBlock> {
    fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
        Ok(CallToolResult::new(self))
    }
}

macro_rules! display_result {
    ($($t:ty),*) => {$(
        impl IntoToolResult for $t {
            fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
                Ok(CallToolResult::text(self.to_string()))
            }
        }
    )*};
}

display_result!(
    bool, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64
);

impl<T, E> IntoToolResult for Result<T, E>
where
    T: IntoToolResult,
    E: Into<ToolError>,
{
    fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
        self.map_err(Into::into)?.into_tool_result()
    }

    fn output_schema() -> Option<Value> {
        T::output_schema()
    }
}

/// Structured tool output: `structuredContent` validated against `T`'s JSON Schema (declared
/// as the tool's `outputSchema`), plus the same JSON as a text block for older clients.
///
/// For legacy sessions, whose `outputSchema` must have an object root, a non-object `T` is
/// wrapped as `{"result": ...}` in both the schema and the content.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[expect(
    clippy::exhaustive_structs,
    reason = "a transparent wrapper, built and destructured positionally like axum::Json"
)]
pub struct Json<T>(pub T);

impl<T: Serialize + JsonSchema> IntoToolResult for Json<T> {
    fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
        let value = serde_json::to_value(&self.0).map_err(ToolError::internal)?;
        Ok(CallToolResult::structured(value))
    }

    fn output_schema() -> Option<Value> {
        Some(crate::schema::output_schema::<T>())
    }
}

/// Structured tool output with its own text: `structuredContent` validated against `T`'s JSON
/// Schema (declared as the tool's `outputSchema`), plus a text block written for the model
/// (a summary, a small table) instead of the JSON dump [`Json<T>`] repeats.
///
/// The text is what most models read; the structured value is what programs and newer
/// clients read. Keep both saying the same thing.
///
/// ```
/// use mcp_server::{Structured, ToolError, mcp_tool};
/// use schemars::JsonSchema;
/// use serde::Serialize;
///
/// #[derive(Serialize, JsonSchema)]
/// struct Weather { city: String, celsius: f64 }
///
/// /// Current weather of a city.
/// #[mcp_tool(read_only)]
/// async fn weather(city: String) -> Result<Structured<Weather>, ToolError> {
///     let text = format!("{city}: 21.5 °C");
///     Ok(Structured::new(Weather { city, celsius: 21.5 }, text))
/// }
/// # let _ = weather;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Structured<T> {
    /// The structured value (`structuredContent`).
    pub value: T,
    /// The text block for the model.
    pub text: String,
}

impl<T> Structured<T> {
    /// A structured value and the text that presents it to the model.
    pub fn new(value: T, text: impl Into<String>) -> Self {
        Self {
            value,
            text: text.into(),
        }
    }
}

impl<T: Serialize + JsonSchema> IntoToolResult for Structured<T> {
    fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
        let value = serde_json::to_value(&self.value).map_err(ToolError::internal)?;
        let mut result = CallToolResult::text(self.text);
        result.structured_content = Some(value);
        Ok(result)
    }

    fn output_schema() -> Option<Value> {
        Some(crate::schema::output_schema::<T>())
    }
}

/// A tool made of a definition and an async closure, for tools whose schema is only known at
/// run time.
///
/// ```
/// use mcp_core::protocol::{CallToolResult, Tool as ToolDef};
/// use mcp_server::tool;
///
/// let schema = serde_json::json!({"type": "object", "additionalProperties": false});
/// let def = ToolDef::new("ping_backend", schema.as_object().unwrap().clone());
/// let t = tool::from_fn(def, |_call| async { Ok(CallToolResult::text("pong")) });
/// let _server = mcp_server::Server::builder("s", "1").tool(t).build();
/// ```
pub fn from_fn<F, Fut>(definition: ToolDef, f: F) -> FnTool<F>
where
    F: Fn(ToolCall) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<CallToolResult, ToolError>> + Send + 'static,
{
    FnTool { definition, f }
}

/// A tool built by [`from_fn`].
pub struct FnTool<F> {
    definition: ToolDef,
    f: F,
}

impl<F> std::fmt::Debug for FnTool<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FnTool")
            .field("name", &self.definition.name)
            .finish_non_exhaustive()
    }
}

impl<F, Fut> Tool for FnTool<F>
where
    F: Fn(ToolCall) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<CallToolResult, ToolError>> + Send + 'static,
{
    fn definition(&self) -> ToolDef {
        self.definition.clone()
    }

    fn handle(
        &self,
        call: ToolCall,
    ) -> impl Future<Output = Result<CallToolResult, ToolError>> + Send {
        (self.f)(call)
    }
}

/// The object-safe twin of [`Tool`] the server stores (one box per call).
pub(crate) trait ErasedTool: Send + Sync {
    fn handle(&self, call: ToolCall) -> BoxFuture<'_, Result<CallToolResult, ToolError>>;
}

impl<T: Tool> ErasedTool for T {
    fn handle(&self, call: ToolCall) -> BoxFuture<'_, Result<CallToolResult, ToolError>> {
        Box::pin(Tool::handle(self, call))
    }
}

pub(crate) type DynTool = Arc<dyn ErasedTool>;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, JsonSchema)]
    struct Row {
        id: u32,
    }

    #[test]
    fn structured_keeps_its_own_text_and_declares_the_schema() {
        let result = Structured::new(Row { id: 7 }, "row 7").into_tool_result();
        let result = result.expect("serializes");
        assert_eq!(
            result.structured_content,
            Some(serde_json::json!({"id": 7}))
        );
        assert_eq!(
            serde_json::to_value(&result.content).expect("json"),
            serde_json::json!([{"type": "text", "text": "row 7"}])
        );
        let schema = <Structured<Row> as IntoToolResult>::output_schema().expect("schema");
        assert_eq!(schema["type"], "object");
        assert!(schema["properties"]["id"].is_object());
    }
}
