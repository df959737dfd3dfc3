//! The options every macro takes (`name`, `title`, `description`, `icon`, `crate`) and the
//! paths generated code names things by.

use darling::FromMeta;
use darling::ast::NestedMeta;
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{Ident, LitStr};

/// Parses `#[mcp_x(...)]`'s arguments into `T`. darling reports unknown options (with a "did
/// you mean" hint), duplicates and wrong value types, each on its own token.
pub(crate) fn parse<T: FromMeta>(attr: TokenStream) -> darling::Result<T> {
    let items = NestedMeta::parse_meta_list(attr)?;
    T::from_list(&items)
}

/// Options shared by `#[mcp_tool]`, `#[mcp_prompt]` and `#[mcp_resource]`.
#[derive(Debug, Default, FromMeta)]
pub(crate) struct Common {
    /// The programmatic name; defaults to the fn's name.
    pub(crate) name: Option<LitStr>,
    /// The display name.
    pub(crate) title: Option<String>,
    /// Overrides the description taken from the fn's doc comment.
    pub(crate) description: Option<String>,
    /// An icon URI; repeatable.
    #[darling(multiple)]
    pub(crate) icon: Vec<String>,
    /// Icon URIs as a list: `icons = ["a.png", "b.png"]`.
    pub(crate) icons: Option<Vec<LitStr>>,
    /// The path `mcp_server` is reachable at, for crates that rename or re-export it
    /// (serde's and tokio's `crate = ".."`).
    #[darling(rename = "crate")]
    pub(crate) krate: Option<syn::Path>,
}

impl Common {
    /// The name: the `name` option, or the fn's name without `r#`.
    pub(crate) fn name(&self, ident: &Ident) -> (String, TokenStream) {
        self.name.as_ref().map_or_else(
            || {
                (
                    syn::ext::IdentExt::unraw(ident).to_string(),
                    ident.to_token_stream(),
                )
            },
            |lit| (lit.value(), lit.to_token_stream()),
        )
    }

    /// The description: the `description` option, or the fn's doc comment.
    pub(crate) fn description(&self, docs: Option<&str>) -> Option<String> {
        self.description.clone().or_else(|| docs.map(str::to_owned))
    }

    /// All icon URIs, `icon` first.
    pub(crate) fn icons(&self) -> Vec<String> {
        let listed = self.icons.iter().flatten().map(LitStr::value);
        self.icon.iter().cloned().chain(listed).collect()
    }

    /// Where the runtime lives.
    pub(crate) fn paths(&self) -> Paths {
        Paths {
            krate: self
                .krate
                .as_ref()
                .map_or_else(|| quote!(::mcp_server), ToTokens::to_token_stream),
        }
    }
}

/// The paths generated code uses; never a bare crate name, never the user's imports.
pub(crate) struct Paths {
    /// `::mcp_server`, or the `crate = ".."` option.
    pub(crate) krate: TokenStream,
}

impl Paths {
    /// `::mcp_server::__private`.
    pub(crate) fn private(&self) -> TokenStream {
        let krate = &self.krate;
        quote!(#krate::__private)
    }

    /// `::mcp_server::__private::protocol`.
    pub(crate) fn protocol(&self) -> TokenStream {
        let private = self.private();
        quote!(#private::protocol)
    }

    /// The string for `#[serde(crate = "..")]` / `#[schemars(crate = "..")]`:
    /// `"::mcp_server::__private::serde"` for `name = "serde"`.
    pub(crate) fn private_str(&self, name: &str) -> String {
        format!("{}::{name}", self.private()).replace(' ', "")
    }
}

/// `Some(String::from(..))` tokens for an optional string.
pub(crate) fn opt_string(value: Option<&str>) -> TokenStream {
    value.map_or_else(
        || quote!(::core::option::Option::None),
        |s| quote!(::core::option::Option::Some(::std::string::String::from(#s))),
    )
}

/// The statements setting `title`, `description` and `icons` on a definition `def`.
pub(crate) fn describe(
    paths: &Paths,
    def: &Ident,
    title: Option<&str>,
    description: Option<&str>,
    icons: &[String],
) -> TokenStream {
    let protocol = paths.protocol();
    let mut out = TokenStream::new();
    if title.is_some() {
        let title = opt_string(title);
        out.extend(quote!(#def.title = #title;));
    }
    if description.is_some() {
        let description = opt_string(description);
        out.extend(quote!(#def.description = #description;));
    }
    if !icons.is_empty() {
        out.extend(quote! {
            #def.icons = ::core::option::Option::Some(::std::vec![
                #(#protocol::Icon::new(#icons)),*
            ]);
        });
    }
    out
}
