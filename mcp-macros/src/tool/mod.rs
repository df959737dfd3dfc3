//! `#[mcp_tool]`: options and signature are parsed into a validated [`model::ToolSpec`]
//! (every error collected), which [`codegen`] turns into the unit struct and its `Tool` impl.

mod codegen;
mod model;
mod parse;

use proc_macro2::TokenStream;

/// Expands `#[mcp_tool(attr)] item`.
pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    parse::parse(attr, item).map(|spec| codegen::generate(&spec))
}

#[cfg(test)]
mod tests {
    #[test]
    fn expansion_is_valid_rust() {
        let item = quote::quote! {
            /// Adds two integers.
            pub async fn add(
                /// Left operand.
                a: i64,
                /// Right operand.
                b: Option<i64>,
                #[ctx] who: Principal,
            ) -> Result<i64, ToolError> {
                a.checked_add(b.unwrap_or(0)).ok_or_else(|| ToolError::new("overflow"))
            }
        };
        let out = super::expand(quote::quote!(read_only), item).expect("expands");
        let file: syn::File = syn::parse2(out).expect("the expansion parses as items");
        assert_eq!(file.items.len(), 3, "struct, inherent impl, const block");
    }
}
