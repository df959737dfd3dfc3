//! `#[mcp_resource]`: with `uri = ".."` a `Resource` whose fn takes only `#[ctx]`
//! parameters; with `uri_template = ".."` a `ResourceTemplate` whose other parameters are the
//! template's variables, matched by name at compile time and parsed with `FromStr`
//! (`Option<T>` = a query variable that may be absent).

use darling::FromMeta;
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::LitStr;

use crate::common::handler::{self, HandlerFn};
use crate::common::options::{self, Common, describe, opt_string};
use crate::common::{Errors, probe};

/// `#[mcp_resource(uri = ".." | uri_template = "..", name = "..", title = "..",
/// description = "..", mime_type = "..", icon = "..", crate = "..")]`.
#[derive(Debug, Default, FromMeta)]
struct ResourceOptions {
    #[darling(flatten)]
    common: Common,
    /// The fixed URI of a resource.
    uri: Option<LitStr>,
    /// The RFC 6570 template of a family of resources.
    uri_template: Option<LitStr>,
    /// The MIME type of the contents.
    mime_type: Option<String>,
}

/// Which of the two a resource fn is.
enum Kind {
    Static(String),
    Template(String),
}

/// Expands `#[mcp_resource(attr)] item`.
pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let options = errors.handle(options::parse::<ResourceOptions>(attr));
    let item = handler::parse_item(item, "mcp_resource", &mut errors)?;
    let func = HandlerFn::parse(item, "mcp_resource", &mut errors);
    let Some(options) = options else {
        return Err(errors.into_error());
    };
    let kind = match (&options.uri, &options.uri_template) {
        (Some(uri), None) => {
            for (arg, _) in func.args() {
                errors.push(
                    &arg.ident,
                    "a resource with a fixed `uri` takes only `#[ctx]` parameters; name variables with \
                     `uri_template = \"..\"`",
                );
            }
            Some(Kind::Static(uri.value()))
        }
        (None, Some(template)) => {
            check_template(template, &func, &mut errors);
            Some(Kind::Template(template.value()))
        }
        (Some(_), Some(template)) => {
            errors.push(template, "`uri` and `uri_template` are exclusive: give one");
            None
        }
        (None, None) => {
            errors.add(syn::Error::new(
                Span::call_site(),
                "`#[mcp_resource]` needs `uri = \"..\"` or `uri_template = \"..\"`",
            ));
            None
        }
    };
    let kind = errors
        .finish(kind)?
        .expect("an error was recorded for a missing kind");
    Ok(generate(&options, &func, &kind))
}

fn generate(options: &ResourceOptions, func: &HandlerFn, kind: &Kind) -> TokenStream {
    let common = &options.common;
    let paths = common.paths();
    let (krate, protocol) = (&paths.krate, paths.protocol());
    let (name, _) = common.name(&func.ident);
    let ident = &func.ident;
    let def = syn::Ident::new("resource", Span::call_site());
    let describe = describe(
        &paths,
        &def,
        common.title.as_deref(),
        common.description(func.doc_text.as_deref()).as_deref(),
        &common.icons(),
    );
    let mime_type = options.mime_type.as_deref().map(|m| {
        let m = opt_string(Some(m));
        quote!(#def.mime_type = #m;)
    });
    let error = quote!(#krate::HandlerError);
    let (trait_name, def_type, uri) = match kind {
        Kind::Static(uri) => (quote!(Resource), quote!(Resource), uri),
        Kind::Template(t) => (quote!(ResourceTemplate), quote!(ResourceTemplate), t),
    };
    // Template variables: a missing or malformed value names no resource (not found).
    let probe = if func.args().next().is_some() {
        probe::items(
            &quote!(#krate::ResourceCall),
            &error,
            &quote!(call.parse::<T>(name)),
            &quote! {
                call.variable(name)
                    .map(|v| v.parse::<T>().map_err(|_| #error::not_found(call.uri())))
                    .transpose()
            },
        )
    } else {
        TokenStream::new()
    };
    let invoke = func.invoke(&paths, &error, |arg, ty| probe::extract(ty, &arg.name));
    let unit_struct = func.unit_struct("mcp_resource");

    quote! {
        #unit_struct

        const _: () = {
            #probe

            impl #krate::#trait_name for #ident {
                fn definition(&self) -> #protocol::#def_type {
                    let mut #def = #protocol::#def_type::new(#uri, #name);
                    #describe
                    #mime_type
                    #def
                }

                fn read(
                    &self,
                    call: #krate::ResourceCall,
                ) -> impl ::core::future::Future<
                    Output = ::core::result::Result<#protocol::ReadResourceResult, #krate::HandlerError>,
                > + ::core::marker::Send {
                    async move { #krate::IntoReadResult::into_read_result(#invoke) }
                }
            }
        };
    }
}

/// Every parameter must be a variable of the template and every variable a parameter.
fn check_template(template: &LitStr, func: &HandlerFn, errors: &mut Errors) {
    let variables = match variables(&template.value()) {
        Ok(variables) => variables,
        Err(message) => return errors.push(template, message),
    };
    for (arg, _) in func.args() {
        if !variables.contains(&arg.name) {
            errors.push(
                &arg.ident,
                format!(
                    "`{}` is not a variable of the URI template `{}`",
                    arg.name,
                    template.value()
                ),
            );
        }
    }
    for variable in &variables {
        if !func.args().any(|(arg, _)| &arg.name == variable) {
            errors.push(
                template.to_token_stream(),
                format!("the URI template variable `{variable}` has no parameter; add `{variable}: Type`"),
            );
        }
    }
}

/// The variables of an RFC 6570 template, in the subset `mcp_server::resource::UriTemplate`
/// matches: `{var}`, `{+var}`, `{/var}`, `{?a,b}`.
fn variables(template: &str) -> Result<Vec<String>, String> {
    let mut variables = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| format!("invalid URI template: unclosed `{{` in `{template}`"))?
            + open;
        let expr = &rest[open + 1..close];
        let (operator, names) = match expr.chars().next() {
            Some(c @ ('+' | '/' | '?')) => (Some(c), &expr[1..]),
            Some(_) => (None, expr),
            None => {
                return Err(format!(
                    "invalid URI template: empty expression in `{template}`"
                ));
            }
        };
        let names: Vec<&str> = names.split(',').collect();
        let valid =
            |n: &&str| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !names.iter().all(valid) || (operator != Some('?') && names.len() > 1) {
            return Err(format!(
                "unsupported URI template expression `{{{expr}}}`: use `{{var}}`, `{{+var}}`, `{{/var}}` or `{{?a,b}}`"
            ));
        }
        variables.extend(names.into_iter().map(str::to_owned));
        rest = &rest[close + 1..];
    }
    Ok(variables)
}

#[cfg(test)]
mod tests {
    use super::variables;

    #[test]
    fn template_variables() {
        assert_eq!(
            variables("test://static").expect("valid"),
            Vec::<String>::new()
        );
        assert_eq!(
            variables("test://template/{id}/data").expect("valid"),
            ["id"]
        );
        assert_eq!(
            variables("repo://{owner}{/name}{?q,limit}").expect("valid"),
            ["owner", "name", "q", "limit"]
        );
        assert_eq!(variables("file:///{+path}").expect("valid"), ["path"]);
        assert!(variables("x://{a").is_err());
        assert!(variables("x://{}").is_err());
        assert!(variables("x://{#frag}").is_err());
        assert!(variables("x://{a,b}").is_err());
    }
}
