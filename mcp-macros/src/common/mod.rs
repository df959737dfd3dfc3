//! What the three macros share: the entry wrapper, error collection, the options every
//! macro takes, and the analysed `async fn` ([`handler::HandlerFn`]).

pub(crate) mod handler;
pub(crate) mod options;
pub(crate) mod probe;

use proc_macro2::TokenStream;
use quote::ToTokens;

/// Runs one macro: on error, emits the errors plus the original item without the attributes
/// only the macro understands (`#[ctx]`, parameter docs), so one mistake gives one error
/// instead of a cascade of "cannot find `add`" and "unknown attribute `ctx`" (tokio's
/// `entry.rs` does the same).
pub(crate) fn entry(
    attr: proc_macro::TokenStream,
    item: proc_macro::TokenStream,
    expand: fn(TokenStream, TokenStream) -> syn::Result<TokenStream>,
) -> proc_macro::TokenStream {
    let item = TokenStream::from(item);
    let output = match expand(attr.into(), item.clone()) {
        Ok(output) => output,
        Err(e) => {
            let mut output = e.to_compile_error();
            output.extend(handler::fallback(item));
            output
        }
    };
    debug_print(&output);
    output.into()
}

/// `MCP_MACROS_DEBUG=1` prints every expansion to stderr at compile time (axum's
/// `AXUM_MACROS_DEBUG`), for reading what a macro generated without `cargo expand`.
fn debug_print(output: &TokenStream) {
    if std::env::var_os("MCP_MACROS_DEBUG").is_some_and(|v| v == "1") {
        #[expect(
            clippy::print_stderr,
            reason = "printing the expansion is what the switch asks for"
        )]
        {
            eprintln!("{output}");
        }
    }
}

/// Collects every error of one expansion (serde's `Ctxt`), so the user sees all of them at
/// once instead of fixing one per compile.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    /// Records `message` spanned on `tokens`.
    pub(crate) fn push(&mut self, tokens: impl ToTokens, message: impl std::fmt::Display) {
        self.add(syn::Error::new_spanned(tokens, message));
    }

    /// Records an error (which may itself hold several).
    pub(crate) fn add(&mut self, error: impl Into<syn::Error>) {
        let error = error.into();
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// Keeps the value of `result`, recording its error.
    pub(crate) fn handle<T, E: Into<syn::Error>>(&mut self, result: Result<T, E>) -> Option<T> {
        result.map_err(|e| self.add(e)).ok()
    }

    /// Every recorded error as one.
    ///
    /// # Panics
    ///
    /// If none was recorded.
    pub(crate) fn into_error(self) -> syn::Error {
        self.0.expect("an error was recorded")
    }

    /// `Err` with every recorded error, or `Ok(value)`.
    pub(crate) fn finish<T>(self, value: T) -> syn::Result<T> {
        match self.0 {
            Some(e) => Err(e),
            None => Ok(value),
        }
    }
}

/// Whether `name` is a valid MCP tool or prompt name: 1 to 128 characters from
/// `[A-Za-z0-9_.-]` (the tools spec's "Tool names" section).
pub(crate) fn is_valid_name(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_valid_name("add"));
        assert!(is_valid_name("files.read-v2_x"));
        assert!(is_valid_name(&"a".repeat(128)));
        assert!(!is_valid_name(&"a".repeat(129)));
        assert!(!is_valid_name(""));
        assert!(!is_valid_name("has space"));
        assert!(!is_valid_name("añadir"));
        assert!(!is_valid_name("a/b"));
    }
}
