//! Resources: static [`Resource`]s, RFC 6570 [`ResourceTemplate`]s with typed parameters, and
//! what a read may return ([`IntoReadResult`]).

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;
use mcp_core::protocol::{
    ReadResourceResult, Resource as ResourceDef, ResourceContents, ResourceTemplate as TemplateDef,
};

use crate::context::RequestContext;
use crate::error::HandlerError;

/// A resource with a fixed URI.
pub trait Resource: Send + Sync + 'static {
    /// The resource's definition, as listed by `resources/list`.
    fn definition(&self) -> ResourceDef;

    /// Reads the resource.
    fn read(
        &self,
        call: ResourceCall,
    ) -> impl Future<Output = Result<ReadResourceResult, HandlerError>> + Send;
}

/// A family of resources named by an RFC 6570 URI template (`file:///{path}`).
///
/// The engine matches a read's URI against the template and hands the expanded variables
/// to [`read`](ResourceTemplate::read); a handler answers [`HandlerError::not_found`] for
/// values that name nothing.
pub trait ResourceTemplate: Send + Sync + 'static {
    /// The template's definition, as listed by `resources/templates/list`.
    fn definition(&self) -> TemplateDef;

    /// Reads the resource the URI names.
    fn read(
        &self,
        call: ResourceCall,
    ) -> impl Future<Output = Result<ReadResourceResult, HandlerError>> + Send;
}

/// One `resources/read`: the URI, the template variables (for templates) and the context.
#[derive(Debug)]
pub struct ResourceCall {
    pub(crate) uri: String,
    pub(crate) variables: HashMap<String, String>,
    pub(crate) cx: RequestContext,
}

impl ResourceCall {
    /// The URI being read.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The value of template variable `name`.
    pub fn variable(&self, name: &str) -> Option<&str> {
        self.variables.get(name).map(String::as_str)
    }

    /// Parses template variable `name` with [`FromStr`](std::str::FromStr).
    ///
    /// # Errors
    ///
    /// [`HandlerError::not_found`] when the variable is missing or does not parse: a URI
    /// whose variable has the wrong shape names no resource.
    pub fn parse<T: std::str::FromStr>(&self, name: &str) -> Result<T, HandlerError> {
        self.variable(name)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| HandlerError::not_found(self.uri.clone()))
    }

    /// The request context.
    pub fn context(&self) -> &RequestContext {
        &self.cx
    }
}

/// What a resource handler may return.
///
/// | type | result |
/// | --- | --- |
/// | [`ReadResourceResult`] | as is |
/// | `Vec<ResourceContents>`, `ResourceContents` | those contents |
/// | `Result<T, E: Into<HandlerError>>` | `T`'s result or the error |
pub trait IntoReadResult {
    /// Converts into the read result.
    ///
    /// # Errors
    ///
    /// The handler's own error.
    fn into_read_result(self) -> Result<ReadResourceResult, HandlerError>;
}

impl IntoReadResult for ReadResourceResult {
    fn into_read_result(self) -> Result<ReadResourceResult, HandlerError> {
        Ok(self)
    }
}

impl IntoReadResult for Vec<ResourceContents> {
    fn into_read_result(self) -> Result<ReadResourceResult, HandlerError> {
        Ok(ReadResourceResult::new(self))
    }
}

impl IntoReadResult for ResourceContents {
    fn into_read_result(self) -> Result<ReadResourceResult, HandlerError> {
        Ok(ReadResourceResult::new(vec![self]))
    }
}

impl<T: IntoReadResult, E: Into<HandlerError>> IntoReadResult for Result<T, E> {
    fn into_read_result(self) -> Result<ReadResourceResult, HandlerError> {
        self.map_err(Into::into)?.into_read_result()
    }
}

pub(crate) trait ErasedResource: Send + Sync {
    fn read(&self, call: ResourceCall) -> BoxFuture<'_, Result<ReadResourceResult, HandlerError>>;
}

impl<T: Resource> ErasedResource for T {
    fn read(&self, call: ResourceCall) -> BoxFuture<'_, Result<ReadResourceResult, HandlerError>> {
        Box::pin(Resource::read(self, call))
    }
}

pub(crate) struct TemplateHandler<T>(pub(crate) T);

impl<T: ResourceTemplate> ErasedResource for TemplateHandler<T> {
    fn read(&self, call: ResourceCall) -> BoxFuture<'_, Result<ReadResourceResult, HandlerError>> {
        Box::pin(ResourceTemplate::read(&self.0, call))
    }
}

pub(crate) type DynResource = Arc<dyn ErasedResource>;

/// A parsed RFC 6570 URI template, for matching URIs against it.
///
/// Supports the expressions servers use to name resources: `{var}` (simple: no `/`, `?`,
/// `#`), `{+var}` (reserved: anything), `{/var}` (a path segment after `/`), and
/// `{?a,b}` (query parameters). Each variable matches at least one character.
///
/// ```
/// use mcp_server::resource::UriTemplate;
///
/// let t = UriTemplate::parse("test://template/{id}/data").unwrap();
/// let vars = t.matches("test://template/123/data").unwrap();
/// assert_eq!(vars["id"], "123");
/// assert!(t.matches("test://template/1/2/data").is_none());
///
/// let f = UriTemplate::parse("file:///{+path}").unwrap();
/// assert_eq!(f.matches("file:///a/b.txt").unwrap()["path"], "a/b.txt");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriTemplate {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Simple(String),
    Reserved(String),
    Segment(String),
    Query(Vec<String>),
}

/// A malformed URI template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid URI template: {0}")]
pub struct TemplateError(String);

impl UriTemplate {
    /// Parses a template.
    ///
    /// # Errors
    ///
    /// An unclosed `{`, an empty or unsupported expression.
    pub fn parse(template: &str) -> Result<Self, TemplateError> {
        let mut parts = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_owned()));
            }
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| TemplateError(format!("unclosed expression in {template:?}")))?
                + open;
            let expr = &rest[open + 1..close];
            let (op, names) = match expr.chars().next() {
                Some(c @ ('+' | '/' | '?')) => (Some(c), &expr[1..]),
                Some(_) => (None, expr),
                None => return Err(TemplateError(format!("empty expression in {template:?}"))),
            };
            let names: Vec<String> = names.split(',').map(str::to_owned).collect();
            if names
                .iter()
                .any(|n| n.is_empty() || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            {
                return Err(TemplateError(format!("unsupported expression {{{expr}}}")));
            }
            parts.push(match (op, names.len()) {
                (None, 1) => Part::Simple(names[0].clone()),
                (Some('+'), 1) => Part::Reserved(names[0].clone()),
                (Some('/'), 1) => Part::Segment(names[0].clone()),
                (Some('?'), _) => Part::Query(names),
                _ => return Err(TemplateError(format!("unsupported expression {{{expr}}}"))),
            });
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_owned()));
        }
        Ok(Self { parts })
    }

    /// The variables of `uri` if it matches the template.
    pub fn matches(&self, uri: &str) -> Option<HashMap<String, String>> {
        let mut vars = HashMap::new();
        match_parts(&self.parts, uri, &mut vars).then_some(vars)
    }

    /// The variable names, in order.
    pub fn variables(&self) -> Vec<&str> {
        self.parts
            .iter()
            .flat_map(|p| match p {
                Part::Simple(n) | Part::Reserved(n) | Part::Segment(n) => vec![n.as_str()],
                Part::Query(ns) => ns.iter().map(String::as_str).collect(),
                Part::Literal(_) => vec![],
            })
            .collect()
    }
}

fn match_parts(parts: &[Part], input: &str, vars: &mut HashMap<String, String>) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return input.is_empty();
    };
    match first {
        Part::Literal(l) => input
            .strip_prefix(l.as_str())
            .is_some_and(|tail| match_parts(rest, tail, vars)),
        Part::Query(names) => {
            // Query parameters end the template in practice; match the rest as `?a=1&b=2`.
            let Some(query) = input.strip_prefix('?') else {
                return rest.is_empty() && input.is_empty();
            };
            for pair in query.split('&') {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                if names.iter().any(|n| n == k) {
                    vars.insert(k.to_owned(), decode(v));
                }
            }
            rest.is_empty()
        }
        Part::Simple(name) | Part::Reserved(name) | Part::Segment(name) => {
            let (input, stop): (&str, &dyn Fn(char) -> bool) = match first {
                Part::Simple(_) => (input, &|c| matches!(c, '/' | '?' | '#')),
                Part::Segment(_) => match input.strip_prefix('/') {
                    Some(tail) => (tail, &|c| matches!(c, '/' | '?' | '#')),
                    None => return false,
                },
                _ => (input, &|_| false),
            };
            let limit = input.find(stop).unwrap_or(input.len());
            // Longest match first, backtracking to shorter ones.
            let mut ends: Vec<usize> = input[..limit]
                .char_indices()
                .map(|(i, c)| i + c.len_utf8())
                .collect();
            ends.reverse();
            for end in ends {
                let mut attempt = vars.clone();
                attempt.insert(name.clone(), decode(&input[..end]));
                if match_parts(rest, &input[end..], &mut attempt) {
                    *vars = attempt;
                    return true;
                }
            }
            false
        }
    }
}

/// Percent-decodes a variable value (invalid escapes are kept as they are).
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(u8::try_from(h * 16 + l).expect("two hex digits fit in a byte"));
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match() {
        let t = UriTemplate::parse("test://{a}/x/{b}").expect("parses");
        let v = t.matches("test://1/x/2").expect("matches");
        assert_eq!((v["a"].as_str(), v["b"].as_str()), ("1", "2"));
        assert!(t.matches("test://1/y/2").is_none());
        assert!(
            t.matches("test:///x/2").is_none(),
            "variables match at least one character"
        );

        let s = UriTemplate::parse("repo://{owner}{/name}").expect("parses");
        let v = s.matches("repo://me/proj").expect("matches");
        assert_eq!(v["name"], "proj");

        let q = UriTemplate::parse("search://items{?q,limit}").expect("parses");
        let v = q
            .matches("search://items?q=a%20b&limit=3")
            .expect("matches");
        assert_eq!((v["q"].as_str(), v["limit"].as_str()), ("a b", "3"));
        assert_eq!(q.variables(), ["q", "limit"]);
    }

    #[test]
    fn bad_templates_fail() {
        assert!(UriTemplate::parse("x://{a").is_err());
        assert!(UriTemplate::parse("x://{}").is_err());
        assert!(UriTemplate::parse("x://{#frag}").is_err());
    }
}
