//! `#[mcp_tool(..)]` options (darling) and the checks that build a [`ToolSpec`].

use darling::FromMeta;
use proc_macro2::TokenStream;

use super::model::{Hints, ToolSpec};
use crate::common::handler::{self, HandlerFn};
use crate::common::options::{self, Common};
use crate::common::{Errors, is_valid_name};

/// `#[mcp_tool(name = "..", title = "..", description = "..", read_only, destructive,
/// idempotent, open_world, icon = "..", icons = [..], crate = "..")]`.
#[derive(Debug, Default, FromMeta)]
struct ToolOptions {
    #[darling(flatten)]
    common: Common,
    /// `readOnlyHint`; a bare `read_only` means `true`.
    read_only: Option<bool>,
    /// `destructiveHint`.
    destructive: Option<bool>,
    /// `idempotentHint`.
    idempotent: Option<bool>,
    /// `openWorldHint`.
    open_world: Option<bool>,
}

/// Parses and checks a tool, collecting every error.
pub(super) fn parse(attr: TokenStream, item: TokenStream) -> syn::Result<ToolSpec> {
    let mut errors = Errors::default();
    let options = errors.handle(options::parse::<ToolOptions>(attr));
    let item = handler::parse_item(item, "mcp_tool", &mut errors)?;
    let func = HandlerFn::parse(item, "mcp_tool", &mut errors);
    let options = options.unwrap_or_default();

    let (name, name_tokens) = options.common.name(&func.ident);
    if !is_valid_name(&name) {
        errors.push(
            name_tokens,
            format!("invalid tool name `{name}`: use 1 to 128 characters from A-Z, a-z, 0-9, `_`, `-` and `.`"),
        );
    }
    let spec = ToolSpec {
        paths: options.common.paths(),
        title: options.common.title.clone(),
        description: options.common.description(func.doc_text.as_deref()),
        icons: options.common.icons(),
        hints: Hints {
            read_only: options.read_only,
            destructive: options.destructive,
            idempotent: options.idempotent,
            open_world: options.open_world,
        },
        name,
        func,
    };
    errors.finish(spec)
}
