//! The analysed `async fn` under a macro: its parameters split into arguments (sent by the
//! client) and `#[ctx]` extractors, its docs, and the checks every macro shares.
//!
//! Parameters are classified by the `#[ctx]` attribute alone, never by their type's name (a
//! type alias or a re-export must not change what a parameter means).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{
    Attribute, Block, FnArg, Ident, ItemFn, Meta, Pat, ReturnType, Signature, Type, Visibility,
};

use super::Errors;
use super::options::Paths;

/// A validated handler fn.
pub(crate) struct HandlerFn {
    pub(crate) vis: Visibility,
    pub(crate) ident: Ident,
    /// The fn's `#[doc]` attributes, moved onto the unit struct.
    pub(crate) docs: Vec<Attribute>,
    /// The fn's doc comment as plain text (the default description).
    pub(crate) doc_text: Option<String>,
    /// The fn's other attributes, kept on the inherent `call`.
    pub(crate) attrs: Vec<Attribute>,
    /// The signature of the inherent `call`: the original one without `#[ctx]` and
    /// parameter docs.
    pub(crate) sig: Signature,
    pub(crate) block: Box<Block>,
    pub(crate) params: Vec<Param>,
    /// The return type (`()` when omitted).
    pub(crate) output: Type,
}

/// One parameter of a handler fn.
pub(crate) struct Param {
    pub(crate) ty: Type,
    pub(crate) kind: ParamKind,
}

/// What a parameter is.
pub(crate) enum ParamKind {
    /// An argument the client sends: `name: Type`.
    Arg(Arg),
    /// An extractor built from the request context: `#[ctx] pattern: Type`.
    Ctx,
}

/// An argument the client sends.
pub(crate) struct Arg {
    /// The binding (without `mut`).
    pub(crate) ident: Ident,
    /// The wire name: the binding without `r#`.
    pub(crate) name: String,
    /// The parameter's `#[doc]` attributes.
    pub(crate) docs: Vec<Attribute>,
    /// The parameter's doc comment as plain text.
    pub(crate) doc_text: Option<String>,
    /// `#[serde(..)]` and `#[schemars(..)]` attributes, forwarded to the generated input
    /// field (tools), e.g. `#[schemars(length(max = 100))]` or `#[serde(rename = "userId")]`.
    pub(crate) field_attrs: Vec<Attribute>,
}

impl HandlerFn {
    /// Analyses `item` for `#[macro_name]`, recording every problem in `errors`.
    pub(crate) fn parse(item: ItemFn, macro_name: &str, errors: &mut Errors) -> Self {
        let ItemFn {
            attrs,
            vis,
            mut sig,
            block,
        } = item;
        check_signature(&sig, macro_name, errors);

        let (docs, attrs): (Vec<_>, Vec<_>) = attrs.into_iter().partition(is_doc);
        let mut params = Vec::new();
        for input in &mut sig.inputs {
            match input {
                FnArg::Receiver(receiver) => errors.push(
                    receiver,
                    format!("`#[{macro_name}]` does not support methods; write a free `async fn`"),
                ),
                FnArg::Typed(typed) => {
                    if let Some(param) = parse_param(typed, macro_name, errors) {
                        params.push(param);
                    }
                }
            }
        }

        let output = match &sig.output {
            ReturnType::Default => syn::parse_quote!(()),
            ReturnType::Type(_, ty) => (**ty).clone(),
        };
        let doc_text = doc_text(&docs);
        Self {
            ident: sig.ident.clone(),
            vis,
            docs,
            doc_text,
            attrs,
            sig,
            block,
            params,
            output,
        }
    }

    /// The arguments the client sends, in order.
    pub(crate) fn args(&self) -> impl Iterator<Item = (&Arg, &Type)> {
        self.params.iter().filter_map(|p| match &p.kind {
            ParamKind::Arg(arg) => Some((arg, &p.ty)),
            ParamKind::Ctx => None,
        })
    }

    /// The unit struct named after the fn and its inherent `call` holding the original
    /// body.
    pub(crate) fn unit_struct(&self, macro_name: &str) -> TokenStream {
        let Self {
            vis,
            ident,
            docs,
            attrs,
            block,
            ..
        } = self;
        let mut sig = self.sig.clone();
        sig.ident = Ident::new("call", ident.span());
        sig.inputs.insert(0, syn::parse_quote!(&self));
        let call_doc = format!(
            " Runs the body of the `#[{macro_name}]` fn directly, without argument parsing or \
             extractors (for unit tests)."
        );
        quote! {
            #(#docs)*
            #[allow(
                non_camel_case_types,
                clippy::exhaustive_structs,
                reason = "a handler is a unit struct named after its fn, constructed by name"
            )]
            #[derive(
                ::core::fmt::Debug,
                ::core::clone::Clone,
                ::core::marker::Copy,
                ::core::default::Default
            )]
            #vis struct #ident;

            impl #ident {
                #[doc = #call_doc]
                #[allow(
                    clippy::unused_async,
                    clippy::missing_errors_doc,
                    reason = "handlers are `async fn` by contract (a body need not await); their \
                              docs are the tool's description, not a place for `# Errors`"
                )]
                #(#attrs)*
                #vis #sig #block
            }
        }
    }

    /// `self.call(..).await`, passing `arg(..)` for each argument and building each `#[ctx]`
    /// parameter with `FromContext` from `call.context()`; a rejection becomes
    /// `error::internal` (-32603, the reason logged).
    pub(crate) fn invoke(
        &self,
        paths: &Paths,
        error: &TokenStream,
        mut arg: impl FnMut(&Arg, &Type) -> TokenStream,
    ) -> TokenStream {
        let krate = &paths.krate;
        let values = self.params.iter().map(|param| match &param.kind {
            ParamKind::Arg(a) => arg(a, &param.ty),
            ParamKind::Ctx => {
                // Spanned on the type: a type that is no extractor is reported there.
                let ty = &param.ty;
                quote_spanned! {ty.span()=>
                    <#ty as #krate::FromContext>::from_context(call.context())
                        .map_err(#error::internal)?
                }
            }
        });
        quote!(self.call(#(#values),*).await)
    }
}

fn check_signature(sig: &Signature, macro_name: &str, errors: &mut Errors) {
    if let Some(constness) = &sig.constness {
        errors.push(
            constness,
            format!("`#[{macro_name}]` functions cannot be `const`"),
        );
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.push(
            unsafety,
            format!("`#[{macro_name}]` functions cannot be `unsafe`"),
        );
    }
    if let Some(abi) = &sig.abi {
        errors.push(
            abi,
            format!("`#[{macro_name}]` functions cannot declare an ABI"),
        );
    }
    if sig.asyncness.is_none() {
        errors.push(
            sig.fn_token,
            format!("`#[{macro_name}]` functions must be `async`"),
        );
    }
    if !sig.generics.params.is_empty() {
        errors.push(
            &sig.generics,
            format!("`#[{macro_name}]` functions cannot be generic"),
        );
    } else if let Some(where_clause) = &sig.generics.where_clause {
        errors.push(
            where_clause,
            format!("`#[{macro_name}]` functions cannot be generic"),
        );
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(
            variadic,
            format!("`#[{macro_name}]` functions cannot be variadic"),
        );
    }
}

/// Classifies one parameter and strips the attributes only the macro understands.
fn parse_param(typed: &mut syn::PatType, macro_name: &str, errors: &mut Errors) -> Option<Param> {
    let mut ctx = None;
    let mut docs = Vec::new();
    let mut field_attrs = Vec::new();
    let mut kept = Vec::new();
    for attr in std::mem::take(&mut typed.attrs) {
        if attr.path().is_ident("ctx") {
            if !matches!(attr.meta, Meta::Path(_)) {
                errors.push(&attr, "`#[ctx]` takes no arguments");
            } else if ctx.is_some() {
                errors.push(&attr, "duplicate `#[ctx]`");
            }
            ctx = Some(attr);
        } else if is_doc(&attr) {
            docs.push(attr);
        } else if attr.path().is_ident("serde") || attr.path().is_ident("schemars") {
            field_attrs.push(attr);
        } else {
            kept.push(attr);
        }
    }
    typed.attrs = kept;
    let ty = (*typed.ty).clone();
    if ctx.is_some() {
        // Extractors take any pattern (`#[ctx] State(db): State<Db>`); their docs would be
        // invalid on the plain parameter and describe nothing on the wire, so they go.
        return Some(Param {
            ty,
            kind: ParamKind::Ctx,
        });
    }
    match &*typed.pat {
        Pat::Ident(pat) if pat.by_ref.is_none() && pat.subpat.is_none() => {
            let doc_text = doc_text(&docs);
            let name = serde_rename(&field_attrs)
                .unwrap_or_else(|| syn::ext::IdentExt::unraw(&pat.ident).to_string());
            Some(Param {
                ty,
                kind: ParamKind::Arg(Arg {
                    ident: pat.ident.clone(),
                    name,
                    docs,
                    doc_text,
                    field_attrs,
                }),
            })
        }
        pat => {
            errors.push(
                pat,
                format!(
                    "`#[{macro_name}]` parameters must be plain names (`name: Type`), which name the \
                     arguments; destructure in the body, or mark an extractor with `#[ctx]`"
                ),
            );
            None
        }
    }
}

/// The wire name given by `#[serde(rename = "..")]`, if any.
fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    let mut renamed = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                renamed = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                let _content;
                syn::parenthesized!(_content in meta.input);
            }
            Ok(())
        });
    }
    renamed
}

fn is_doc(attr: &Attribute) -> bool {
    attr.path().is_ident("doc")
}

/// The text of `#[doc = ".."]` attributes (one per `///` line): common indentation removed,
/// trailing whitespace and blank first and last lines trimmed, lines joined with `\n`.
/// `#[doc = include_str!(..)]` and other non-literal docs are skipped.
pub(crate) fn doc_text(attrs: &[Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        if let Meta::NameValue(nv) = &attr.meta
            && nv.path.is_ident("doc")
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
        {
            lines.extend(s.value().split('\n').map(|l| l.trim_end().to_owned()));
        }
    }
    let indent = lines
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let text = lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let text = text.trim_matches('\n');
    (!text.is_empty()).then(|| text.to_owned())
}

/// What to emit next to the errors: the item with `#[ctx]` and parameter docs removed (they
/// would each add an error of their own), or the item untouched if it is no fn.
pub(crate) fn fallback(item: TokenStream) -> TokenStream {
    let Ok(mut item) = syn::parse2::<ItemFn>(item.clone()) else {
        return item;
    };
    for input in &mut item.sig.inputs {
        if let FnArg::Typed(typed) = input {
            typed
                .attrs
                .retain(|a| !a.path().is_ident("ctx") && !is_doc(a));
        }
    }
    quote!(#item)
}

/// Parses the annotated item, which must be a fn; anything else is reported with the errors
/// collected so far.
pub(crate) fn parse_item(
    item: TokenStream,
    macro_name: &str,
    errors: &mut Errors,
) -> syn::Result<ItemFn> {
    syn::parse2(item.clone()).map_err(|_| {
        errors.push(
            item,
            format!("`#[{macro_name}]` applies to `async fn` items"),
        );
        std::mem::take(errors).into_error()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(src: &str) -> Option<String> {
        let item: ItemFn = syn::parse_str(&format!("{src}\nfn f() {{}}")).expect("parses");
        doc_text(&item.attrs)
    }

    #[test]
    fn doc_text_is_unindented_and_trimmed() {
        assert_eq!(
            docs("/// Adds two integers."),
            Some("Adds two integers.".into())
        );
        assert_eq!(
            docs("///\n/// First line.\n///\n///   indented\n/// last  \n///"),
            Some("First line.\n\n  indented\nlast".into())
        );
        assert_eq!(docs("/** Block\n    doc */"), Some("Block\n   doc".into()));
        assert_eq!(docs("#[doc = include_str!(\"x\")]"), None);
        assert_eq!(docs("#[inline]"), None);
    }
}
