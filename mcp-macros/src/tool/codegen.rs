//! Generates the unit struct, its inherent `call`, and (inside `const _: () = { .. };`, so
//! the tool's name is the only new name) the input struct and the `Tool` impl.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::model::{Hints, ToolSpec};
use crate::common::options::{describe, opt_string};

/// The expansion of one tool.
pub(crate) fn generate(spec: &ToolSpec) -> TokenStream {
    let ToolSpec {
        func, paths, name, ..
    } = spec;
    let krate = &paths.krate;
    let private = paths.private();
    let protocol = paths.protocol();
    let ident = &func.ident;
    let output = &func.output;
    let unit_struct = func.unit_struct("mcp_tool");

    let serde_crate = paths.private_str("serde");
    let schemars_crate = paths.private_str("schemars");
    let fields = func.args().map(|(arg, ty)| {
        let (docs, attrs, field) = (&arg.docs, &arg.field_attrs, &arg.ident);
        quote!(#(#docs)* #(#attrs)* #field: #ty,)
    });
    // One assertion per argument, spanned on its type, so a type without `Deserialize` or
    // `JsonSchema` is reported there, with our message first (axum's `debug_handler`).
    let asserts = func
        .args()
        .map(|(_, ty)| quote_spanned!(ty.span()=> __assert_argument::<#ty>();));

    let def = syn::Ident::new("tool", proc_macro2::Span::call_site());
    let describe = describe(
        paths,
        &def,
        spec.title.as_deref(),
        spec.description.as_deref(),
        &spec.icons,
    );
    let annotations = annotations(spec);
    let error = quote!(#krate::ToolError);
    let invoke = func.invoke(paths, &error, |arg, _| {
        let field = &arg.ident;
        quote!(__input.#field)
    });

    quote! {
        #unit_struct

        const _: () = {
            #[diagnostic::on_unimplemented(
                message = "`{Self}` cannot be a tool argument: it must implement `Deserialize` and `JsonSchema`",
                label = "not `Deserialize + JsonSchema`",
                note = "derive both, or mark an extractor built from the request with `#[ctx]`"
            )]
            trait __Argument {}

            impl<T> __Argument for T where
                T: #private::serde::de::DeserializeOwned + #private::schemars::JsonSchema
            {
            }

            const fn __assert_argument<T: __Argument>() {}
            const _: () = {
                #(#asserts)*
            };

            #[derive(#private::serde::Deserialize, #private::schemars::JsonSchema)]
            #[serde(crate = #serde_crate, deny_unknown_fields)]
            #[schemars(crate = #schemars_crate)]
            struct __Input {
                #(#fields)*
            }

            impl #krate::Tool for #ident {
                fn definition(&self) -> #protocol::Tool {
                    let mut #def = #protocol::Tool::new(#name, #private::input_schema::<__Input>());
                    #describe
                    #annotations
                    #def.output_schema = <#output as #krate::IntoToolResult>::output_schema();
                    #def
                }

                fn handle(
                    &self,
                    call: #krate::ToolCall,
                ) -> impl ::core::future::Future<
                    Output = ::core::result::Result<#protocol::CallToolResult, #krate::ToolError>,
                > + ::core::marker::Send {
                    async move {
                        let __input: __Input = call.parse()?;
                        #krate::IntoToolResult::into_tool_result(#invoke)
                    }
                }
            }
        };
    }
}

/// `tool.annotations = Some(..)` when a title or a hint was given.
fn annotations(spec: &ToolSpec) -> TokenStream {
    let Hints {
        read_only,
        destructive,
        idempotent,
        open_world,
    } = &spec.hints;
    if spec.title.is_none() && !spec.hints.any() {
        return TokenStream::new();
    }
    let protocol = spec.paths.protocol();
    let hint = |value: &Option<bool>| {
        value.map_or_else(
            || quote!(::core::option::Option::None),
            |b| quote!(::core::option::Option::Some(#b)),
        )
    };
    let (read_only, destructive, idempotent, open_world) = (
        hint(read_only),
        hint(destructive),
        hint(idempotent),
        hint(open_world),
    );
    // The title also goes into the annotations, where 2025-03-26 clients look for it.
    let title = opt_string(spec.title.as_deref());
    quote! {
        let mut annotations = #protocol::ToolAnnotations::default();
        annotations.title = #title;
        annotations.read_only_hint = #read_only;
        annotations.destructive_hint = #destructive;
        annotations.idempotent_hint = #idempotent;
        annotations.open_world_hint = #open_world;
        tool.annotations = ::core::option::Option::Some(annotations);
    }
}
