//! Attribute macros for MCP tools, prompts and resources; re-exported by `mcp-server`.
use proc_macro::TokenStream;

/// Turns an async fn into an MCP tool (placeholder until the macro lands).
#[proc_macro_attribute]
pub fn mcp_tool(_attr: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Turns an async fn into an MCP prompt (placeholder until the macro lands).
#[proc_macro_attribute]
pub fn mcp_prompt(_attr: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Turns an async fn into an MCP resource (placeholder until the macro lands).
#[proc_macro_attribute]
pub fn mcp_resource(_attr: TokenStream, item: TokenStream) -> TokenStream {
    item
}
