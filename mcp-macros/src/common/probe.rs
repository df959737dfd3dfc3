//! String arguments (prompt arguments, URI template variables) parsed with `FromStr`, where
//! `Option<T>` means "may be absent".
//!
//! Whether a parameter's type is an `Option` is decided by the type checker, not by its name:
//! `__Arg<Option<T>>` has inherent methods, which method resolution prefers over the trait
//! methods every `__Arg<T>` has (autoref specialization on a concrete type). A type alias of
//! `Option<u32>` therefore behaves like `Option<u32>`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::Type;
use syn::spanned::Spanned;

/// The probe items for one expansion; `call` is the call type (`PromptCall`,
/// `ResourceCall`), `error` the error type. `required` and `optional` are the bodies of
/// `extract` for `T` and `Option<T>`, with `call: &Call`, `name: &str` and `T` in scope.
pub(crate) fn items(
    call: &TokenStream,
    error: &TokenStream,
    required: &TokenStream,
    optional: &TokenStream,
) -> TokenStream {
    quote! {
        struct __Arg<T>(::core::marker::PhantomData<T>);

        impl<T> __Arg<::core::option::Option<T>> {
            fn required(&self) -> bool {
                false
            }

            fn extract(&self, call: &#call, name: &str) -> ::core::result::Result<::core::option::Option<T>, #error>
            where
                T: ::core::str::FromStr,
                <T as ::core::str::FromStr>::Err: ::core::fmt::Display,
            {
                #optional
            }
        }

        trait __Required<T> {
            fn required(&self) -> bool {
                true
            }

            fn extract(&self, call: &#call, name: &str) -> ::core::result::Result<T, #error>
            where
                T: ::core::str::FromStr,
                <T as ::core::str::FromStr>::Err: ::core::fmt::Display;
        }

        impl<T> __Required<T> for __Arg<T> {
            fn extract(&self, call: &#call, name: &str) -> ::core::result::Result<T, #error>
            where
                T: ::core::str::FromStr,
                <T as ::core::str::FromStr>::Err: ::core::fmt::Display,
            {
                #required
            }
        }
    }
}

/// `__Arg::<ty>(..)`, spanned on the type so that a type without `FromStr` is reported there.
fn probe(ty: &Type) -> TokenStream {
    quote_spanned!(ty.span()=> __Arg::<#ty>(::core::marker::PhantomData))
}

/// Whether the argument is required (its type is no `Option`), as a `bool` expression.
pub(crate) fn required(ty: &Type) -> TokenStream {
    let probe = probe(ty);
    quote_spanned!(ty.span()=> #probe.required())
}

/// The argument's value, `?` applied.
pub(crate) fn extract(ty: &Type, name: &str) -> TokenStream {
    let probe = probe(ty);
    quote_spanned!(ty.span()=> #probe.extract(&call, #name)?)
}
