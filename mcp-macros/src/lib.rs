//! Attribute macros that turn `async fn`s into MCP tools, prompts and resources:
//! [`macro@mcp_tool`], [`macro@mcp_prompt`] and [`macro@mcp_resource`]. Use them through
//! `mcp_server` (feature `macros`, on by default), the way serde re-exports `serde_derive`.
//!
//! Each macro turns `async fn add(..)` into a unit struct `add` (same visibility and docs)
//! that implements the matching `mcp_server` trait (`Tool`, `Prompt`, `Resource` or
//! `ResourceTemplate`) and keeps the original body as an inherent `async fn call`, so unit
//! tests call `add.call(2, 3).await`. Everything else lives inside `const _: () = { .. };`,
//! so `add` is the only new name. The traits are public: a macro is sugar for an impl you
//! could write by hand.
//!
//! Parameters are either arguments the client sends (`name: Type`, documented with `///`)
//! or extractors marked `#[ctx]`, built from the request context with `FromContext`
//! (`#[ctx] who: Principal`, `#[ctx] State(db): State<Db>`). Only the attribute decides;
//! parameter types are never recognised by their name.
//!
//! # The expansion of `#[mcp_tool]`
//!
//! ```text
//! /// Adds two integers.
//! #[mcp_tool]
//! pub async fn add(
//!     /// Left operand.
//!     a: i64,
//!     /// Right operand.
//!     b: Option<i64>,
//!     #[ctx] who: Principal,
//! ) -> Result<i64, ToolError> {
//!     let _ = who;
//!     a.checked_add(b.unwrap_or(0)).ok_or_else(|| ToolError::new("overflow"))
//! }
//! ```
//!
//! expands to (rustfmt-formatted; `MCP_MACROS_DEBUG=1` prints every expansion while
//! compiling):
//!
//! ```text
//! #[doc = r" Adds two integers."]
//! #[allow(
//!     non_camel_case_types,
//!     clippy::exhaustive_structs,
//!     reason = "a handler is a unit struct named after its fn, constructed by name"
//! )]
//! #[derive(
//!     ::core::fmt::Debug,
//!     ::core::clone::Clone,
//!     ::core::marker::Copy,
//!     ::core::default::Default,
//! )]
//! pub struct add;
//! impl add {
//!     #[doc = " Runs the body of the `#[mcp_tool]` fn directly, without argument parsing or extractors (for unit tests)."]
//!     #[allow(
//!         clippy::unused_async,
//!         clippy::missing_errors_doc,
//!         reason = "handlers are `async fn` by contract (a body need not await); their docs are the tool's description, not a place for `# Errors`"
//!     )]
//!     pub async fn call(&self, a: i64, b: Option<i64>, who: Principal) -> Result<i64, ToolError> {
//!         let _ = who;
//!         a.checked_add(b.unwrap_or(0))
//!             .ok_or_else(|| ToolError::new("overflow"))
//!     }
//! }
//! const _: () = {
//!     #[diagnostic::on_unimplemented(
//!         message = "`{Self}` cannot be a tool argument: it must implement `Deserialize` and `JsonSchema`",
//!         label = "not `Deserialize + JsonSchema`",
//!         note = "derive both, or mark an extractor built from the request with `#[ctx]`"
//!     )]
//!     trait __Argument {}
//!     impl<T> __Argument for T where
//!         T: ::mcp_server::__private::serde::de::DeserializeOwned
//!             + ::mcp_server::__private::schemars::JsonSchema
//!     {
//!     }
//!     const fn __assert_argument<T: __Argument>() {}
//!     const _: () = {
//!         __assert_argument::<i64>();
//!         __assert_argument::<Option<i64>>();
//!     };
//!     #[derive(
//!         ::mcp_server::__private::serde::Deserialize,
//!         ::mcp_server::__private::schemars::JsonSchema,
//!     )]
//!     #[serde(crate = "::mcp_server::__private::serde", deny_unknown_fields)]
//!     #[schemars(crate = "::mcp_server::__private::schemars")]
//!     struct __Input {
//!         #[doc = r" Left operand."]
//!         a: i64,
//!         #[doc = r" Right operand."]
//!         b: Option<i64>,
//!     }
//!     impl ::mcp_server::Tool for add {
//!         fn definition(&self) -> ::mcp_server::__private::protocol::Tool {
//!             let mut tool = ::mcp_server::__private::protocol::Tool::new(
//!                 "add",
//!                 ::mcp_server::__private::input_schema::<__Input>(),
//!             );
//!             tool.description =
//!                 ::core::option::Option::Some(::std::string::String::from("Adds two integers."));
//!             tool.output_schema =
//!                 <Result<i64, ToolError> as ::mcp_server::IntoToolResult>::output_schema();
//!             tool
//!         }
//!         fn handle(
//!             &self,
//!             call: ::mcp_server::ToolCall,
//!         ) -> impl ::core::future::Future<
//!             Output = ::core::result::Result<
//!                 ::mcp_server::__private::protocol::CallToolResult,
//!                 ::mcp_server::ToolError,
//!             >,
//!         > + ::core::marker::Send {
//!             async move {
//!                 let __input: __Input = call.parse()?;
//!                 ::mcp_server::IntoToolResult::into_tool_result(
//!                     self.call(
//!                         __input.a,
//!                         __input.b,
//!                         <Principal as ::mcp_server::FromContext>::from_context(call.context())
//!                             .map_err(::mcp_server::ToolError::internal)?,
//!                     )
//!                     .await,
//!                 )
//!             }
//!         }
//!     }
//! };
//! ```
//!
//! The assertion on each argument type reports a type without `Deserialize` or
//! `JsonSchema` on the parameter itself. `Option<T>` arguments are optional because serde and
//! schemars treat `Option` fields so (missing = `None`, not in `required`); the macro does
//! not look at type names.
//!
//! `#[serde(..)]` and `#[schemars(..)]` attributes on a tool argument are moved onto its
//! field of the input struct: `#[schemars(length(max = 10000))] values: Vec<f64>` gives the
//! schema `maxItems: 10000`, `#[serde(rename = "userId")] user_id: String` names the argument
//! `userId` on the wire (prompts and templates honour `rename` too).
//!
//! `#[mcp_prompt]` and `#[mcp_resource]` expand the same way, with `impl Prompt` (arguments
//! parsed with `FromStr`, `Option<T>` = optional) and `impl Resource` or `impl
//! ResourceTemplate` (template variables parsed with `FromStr`).
//!
//! # Errors
//!
//! Mistakes are compile errors on the offending token, all reported at once: a fn that is
//! not `async` (on `fn`), a `self` receiver, generics, a parameter that is a pattern rather
//! than a name, `#[ctx]` with arguments, an unknown or duplicate option, an invalid tool
//! name, an argument type without `Deserialize + JsonSchema` (or `FromStr`, for prompts and
//! templates), a `#[ctx]` type that is no `FromContext`, a template variable without a
//! parameter and a parameter that is no template variable. On error the fn is emitted
//! unchanged (minus `#[ctx]` and parameter docs) next to the errors, so one mistake gives
//! one error.
#![doc(test(attr(deny(warnings))))]

use proc_macro::TokenStream;

mod common;
mod prompt;
mod resource;
mod tool;

/// Turns an `async fn` into an MCP tool: a unit struct of the same name implementing
/// `mcp_server::Tool`, with the original fn as its inherent `call`.
///
/// ```
/// use mcp_server::{Principal, Tool, ToolError, mcp_tool};
///
/// /// Adds two integers.
/// #[mcp_tool(read_only, idempotent)]
/// async fn add(
///     /// Left operand.
///     a: i64,
///     /// Right operand.
///     b: i64,
///     #[ctx] _caller: Principal,
/// ) -> Result<i64, ToolError> {
///     a.checked_add(b).ok_or_else(|| ToolError::new("the sum does not fit in an i64"))
/// }
///
/// let def = Tool::definition(&add);
/// assert_eq!(def.description.as_deref(), Some("Adds two integers."));
/// assert_eq!(def.input_schema["required"], serde_json::json!(["a", "b"]));
/// let _server = mcp_server::Server::builder("calculator", "1.0.0").tool(add).build();
/// ```
///
/// The tool's description is the fn's doc comment and each argument's schema description
/// its parameter's doc comment. Arguments are deserialized from the call's JSON
/// (`Deserialize + JsonSchema`, unknown fields rejected); `Option<T>` arguments may be
/// omitted. The return type is anything `IntoToolResult`; `Json<T>` also declares `T`'s
/// schema as the output schema.
///
/// # Options
///
/// | option | meaning |
/// | --- | --- |
/// | `name = ".."` | the tool name (default: the fn's name); 1-128 of `A-Za-z0-9_.-` |
/// | `title = ".."` | display name (also `annotations.title`) |
/// | `description = ".."` | replaces the doc comment |
/// | `read_only`, `destructive`, `idempotent`, `open_world` | annotation hints; `= false` states the opposite |
/// | `icon = ".."` (repeatable), `icons = ["..", ..]` | icon URIs |
/// | `crate = "path"` | where `mcp_server` is, if renamed or re-exported |
#[proc_macro_attribute]
pub fn mcp_tool(attr: TokenStream, item: TokenStream) -> TokenStream {
    common::entry(attr, item, tool::expand)
}

/// Turns an `async fn` into an MCP prompt: a unit struct of the same name implementing
/// `mcp_server::Prompt`, with the original fn as its inherent `call`.
///
/// ```
/// use mcp_server::{Prompt, mcp_prompt};
///
/// /// Asks for a code review.
/// #[mcp_prompt(title = "Code review")]
/// async fn review(
///     /// The code to review.
///     code: String,
///     /// At most this many findings.
///     limit: Option<u32>,
/// ) -> String {
///     format!("Review this, {} findings at most:\n{code}", limit.unwrap_or(5))
/// }
///
/// let def = Prompt::definition(&review);
/// let arguments = def.arguments.unwrap();
/// assert_eq!(arguments[0].required, Some(true));
/// assert_eq!(arguments[1].required, Some(false));
/// let _server = mcp_server::Server::builder("reviewer", "1.0.0").prompt(review).build();
/// ```
///
/// Arguments are parsed from their string values with `FromStr` (`String` as is);
/// `Option<T>` arguments are optional, a missing required one is -32602. The return type is
/// anything `IntoPromptResult`. Options: `name`, `title`, `description`, `icon`/`icons`,
/// `crate`, as for [`macro@mcp_tool`].
#[proc_macro_attribute]
pub fn mcp_prompt(attr: TokenStream, item: TokenStream) -> TokenStream {
    common::entry(attr, item, prompt::expand)
}

/// Turns an `async fn` into an MCP resource (`uri = ".."`) or resource template
/// (`uri_template = ".."`): a unit struct of the same name implementing
/// `mcp_server::Resource` or `mcp_server::ResourceTemplate`, with the original fn as its
/// inherent `call`.
///
/// ```
/// use mcp_server::core::protocol::{ResourceContents, TextResourceContents};
/// use mcp_server::{HandlerError, mcp_resource};
///
/// /// The project's readme.
/// #[mcp_resource(uri = "docs://readme", mime_type = "text/markdown")]
/// async fn readme() -> ResourceContents {
///     TextResourceContents::new("docs://readme", "# Hello").into()
/// }
///
/// /// One issue.
/// #[mcp_resource(uri_template = "issues://{id}", mime_type = "text/plain")]
/// async fn issue(id: u32) -> Result<ResourceContents, HandlerError> {
///     if id == 0 {
///         return Err(HandlerError::not_found("issues://0"));
///     }
///     Ok(TextResourceContents::new(format!("issues://{id}"), "open").into())
/// }
///
/// let _server = mcp_server::Server::builder("tracker", "1.0.0")
///     .resource(readme)
///     .resource_template(issue)
///     .build();
/// ```
///
/// A fixed-URI resource takes only `#[ctx]` parameters. A template's other parameters are
/// its variables, matched by name at compile time and parsed with `FromStr` (a value that
/// does not parse names no resource: not found); `Option<T>` suits query variables
/// (`{?q}`) that may be absent. The return type is anything `IntoReadResult`.
///
/// # Options
///
/// `uri` or `uri_template` (exactly one), `mime_type`, and `name` (default: the fn's name),
/// `title`, `description`, `icon`/`icons`, `crate` as for [`macro@mcp_tool`].
#[proc_macro_attribute]
pub fn mcp_resource(attr: TokenStream, item: TokenStream) -> TokenStream {
    common::entry(attr, item, resource::expand)
}
