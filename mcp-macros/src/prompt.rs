//! `#[mcp_prompt]`: the unit struct, its inherent `call`, and a `Prompt` impl whose
//! arguments are the fn's non-`#[ctx]` parameters, each parsed with `FromStr`
//! (`Option<T>` = optional).

use darling::FromMeta;
use proc_macro2::{Span, TokenStream};
use quote::quote;

use crate::common::handler::{self, HandlerFn};
use crate::common::options::{self, Common, describe, opt_string};
use crate::common::{Errors, probe};

/// `#[mcp_prompt(name = "..", title = "..", description = "..", icon = "..", crate = "..")]`.
#[derive(Debug, Default, FromMeta)]
struct PromptOptions {
    #[darling(flatten)]
    common: Common,
}

/// Expands `#[mcp_prompt(attr)] item`.
pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let options = errors.handle(options::parse::<PromptOptions>(attr));
    let item = handler::parse_item(item, "mcp_prompt", &mut errors)?;
    let func = HandlerFn::parse(item, "mcp_prompt", &mut errors);
    let common = options.unwrap_or_default().common;
    errors.finish(())?;

    let paths = common.paths();
    let (krate, protocol) = (&paths.krate, paths.protocol());
    let (name, _) = common.name(&func.ident);
    let ident = &func.ident;
    let def = syn::Ident::new("prompt", Span::call_site());
    let describe = describe(
        &paths,
        &def,
        common.title.as_deref(),
        common.description(func.doc_text.as_deref()).as_deref(),
        &common.icons(),
    );
    let error = quote!(#krate::HandlerError);
    let probe = probe::items(
        &quote!(#krate::PromptCall),
        &error,
        &quote! {
            call.parse::<T>(name)?.ok_or_else(|| {
                #error::invalid_params(::std::format!("missing required argument `{name}`"))
            })
        },
        &quote!(call.parse::<T>(name)),
    );
    let arguments: Vec<_> = func
        .args()
        .map(|(arg, ty)| {
            let name = &arg.name;
            let description = opt_string(arg.doc_text.as_deref());
            let required = probe::required(ty);
            quote!({
                let mut argument = #protocol::PromptArgument::new(#name);
                argument.description = #description;
                argument.required = ::core::option::Option::Some(#required);
                argument
            })
        })
        .collect();
    // No arguments: no `arguments` member, and no probe items to warn as unused.
    let (arguments, probe) = if arguments.is_empty() {
        (TokenStream::new(), TokenStream::new())
    } else {
        let arguments =
            quote!(#def.arguments = ::core::option::Option::Some(::std::vec![#(#arguments),*]););
        (arguments, probe)
    };
    let invoke = func.invoke(&paths, &error, |arg, ty| probe::extract(ty, &arg.name));
    let unit_struct = func.unit_struct("mcp_prompt");

    Ok(quote! {
        #unit_struct

        const _: () = {
            #probe

            impl #krate::Prompt for #ident {
                fn definition(&self) -> #protocol::Prompt {
                    let mut #def = #protocol::Prompt::new(#name);
                    #describe
                    #arguments
                    #def
                }

                fn get(
                    &self,
                    call: #krate::PromptCall,
                ) -> impl ::core::future::Future<
                    Output = ::core::result::Result<#protocol::GetPromptResult, #krate::HandlerError>,
                > + ::core::marker::Send {
                    async move { #krate::IntoPromptResult::into_prompt_result(#invoke) }
                }
            }
        };
    })
}
