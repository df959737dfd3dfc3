//! The requests of both protocol eras as real clients send them, and the checks of their
//! answers (JSON or SSE).

use std::borrow::Cow;

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, HOST};
use http::{Method, Request};
use http_body_util::Full;
use serde::Deserialize;
use serde_json::value::RawValue;

/// The stateless protocol revision.
pub const MODERN: &str = "2026-07-28";
/// The session revision the legacy clients negotiate.
pub const LEGACY: &str = "2025-11-25";
/// What a Streamable HTTP client accepts on POST.
pub const ACCEPT_BOTH: &str = "application/json, text/event-stream";
/// The endpoint path.
pub const PATH: &str = "/mcp";
/// How many values `sum` adds in the load bench.
pub const SUM_VALUES: usize = 1000;

/// Which load tool to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[expect(clippy::exhaustive_enums, reason = "the bench's own vocabulary")]
pub enum Tool {
    /// `echo` with `{"text":"hello"}`.
    Echo,
    /// `sum` with [`SUM_VALUES`] values.
    Sum,
}

impl Tool {
    /// The tool name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Echo => "echo",
            Self::Sum => "sum",
        }
    }

    /// The `arguments` object (JSON).
    pub fn arguments(self) -> String {
        match self {
            Self::Echo => r#"{"text":"hello"}"#.to_owned(),
            Self::Sum => format!(r#"{{"values":{}}}"#, sum_values(SUM_VALUES)),
        }
    }

    /// The text content of a correct result.
    pub fn expected_text(self) -> String {
        match self {
            Self::Echo => "hello".to_owned(),
            #[expect(clippy::cast_precision_loss, reason = "small integers")]
            Self::Sum => ((0..SUM_VALUES).map(|i| i as f64 + 0.5).sum::<f64>()).to_string(),
        }
    }
}

/// `[0.5,1.5,...]` with `n` values.
pub fn sum_values(n: usize) -> String {
    let values: Vec<String> = (0..n).map(|i| format!("{i}.5")).collect();
    format!("[{}]", values.join(","))
}

/// Which protocol era a client speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[expect(clippy::exhaustive_enums, reason = "the bench's own vocabulary")]
pub enum Era {
    /// 2026-07-28: per-request `_meta` and the mirrored headers, no session.
    Modern,
    /// 2025-11-25: `initialize`, `notifications/initialized`, then `Mcp-Session-Id`.
    Legacy,
}

/// A `tools/call` body with a slot for the id, so a request costs one copy to build.
#[derive(Debug, Clone)]
pub struct CallTemplate {
    head: &'static [u8],
    tail: Vec<u8>,
    tool: Tool,
    era: Era,
}

impl CallTemplate {
    /// The call of `tool` in `era`.
    pub fn new(tool: Tool, era: Era) -> Self {
        let meta = match era {
            Era::Modern => format!(
                r#","_meta":{{"io.modelcontextprotocol/protocolVersion":"{MODERN}","io.modelcontextprotocol/clientCapabilities":{{}}}}"#
            ),
            Era::Legacy => String::new(),
        };
        let tail = format!(
            r#","method":"tools/call","params":{{"name":"{}","arguments":{}{meta}}}}}"#,
            tool.name(),
            tool.arguments()
        );
        Self {
            head: br#"{"jsonrpc":"2.0","id":"#,
            tail: tail.into_bytes(),
            tool,
            era,
        }
    }

    /// The body with `id`.
    pub fn body(&self, id: u64) -> Bytes {
        let id = id.to_string();
        let mut body = Vec::with_capacity(self.head.len() + id.len() + self.tail.len());
        body.extend_from_slice(self.head);
        body.extend_from_slice(id.as_bytes());
        body.extend_from_slice(&self.tail);
        body.into()
    }

    /// The POST of the body with `id`, with the era's headers (`session` for legacy).
    ///
    /// # Panics
    ///
    /// When `host` or `session` is not a valid header value.
    pub fn request(&self, host: &str, id: u64, session: Option<&str>) -> Request<Full<Bytes>> {
        let mut b = post(host);
        match self.era {
            Era::Modern => {
                b = b
                    .header("mcp-protocol-version", MODERN)
                    .header("mcp-method", "tools/call")
                    .header("mcp-name", self.tool.name());
            }
            Era::Legacy => {
                b = b.header("mcp-protocol-version", LEGACY);
                if let Some(s) = session {
                    b = b.header("mcp-session-id", s);
                }
            }
        }
        b.body(Full::new(self.body(id)))
            .expect("valid request parts")
    }
}

fn post(host: &str) -> http::request::Builder {
    Request::builder()
        .method(Method::POST)
        .uri(PATH)
        .header(HOST, host)
        .header(CONTENT_TYPE, "application/json")
        .header(ACCEPT, ACCEPT_BOTH)
}

/// The legacy `initialize` request (id 0).
///
/// # Panics
///
/// When `host` or `session` is not a valid header value.
pub fn initialize(host: &str) -> Request<Full<Bytes>> {
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":0,"method":"initialize","params":{{"protocolVersion":"{LEGACY}","capabilities":{{}},"clientInfo":{{"name":"mcp-load","version":"0.1.0"}}}}}}"#
    );
    post(host)
        .body(Full::new(Bytes::from(body)))
        .expect("valid request parts")
}

/// `notifications/initialized` for `session`.
///
/// # Panics
///
/// When `host` or `session` is not a valid header value.
pub fn initialized(host: &str, session: &str) -> Request<Full<Bytes>> {
    post(host)
        .header("mcp-protocol-version", LEGACY)
        .header("mcp-session-id", session)
        .body(Full::new(Bytes::from_static(
            br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        )))
        .expect("valid request parts")
}

/// `DELETE` of `session`.
///
/// # Panics
///
/// When `host` or `session` is not a valid header value.
pub fn delete(host: &str, session: &str) -> Request<Full<Bytes>> {
    Request::builder()
        .method(Method::DELETE)
        .uri(PATH)
        .header(HOST, host)
        .header("mcp-protocol-version", LEGACY)
        .header("mcp-session-id", session)
        .body(Full::new(Bytes::new()))
        .expect("valid request parts")
}

/// How one request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(clippy::exhaustive_enums, reason = "the bench's own vocabulary")]
pub enum Outcome {
    /// A JSON-RPC result with the matching id and the expected text.
    Ok,
    /// A result with `isError: true`, or with other content than expected.
    ToolError,
    /// A JSON-RPC error with the matching id (its code).
    RpcError(i64),
    /// No parseable answer with the matching id.
    Malformed(&'static str),
}

#[derive(Deserialize)]
struct Reply<'a> {
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    result: Option<ResultBody<'a>>,
    #[serde(default)]
    error: Option<ErrorBody>,
}

#[derive(Deserialize)]
struct ResultBody<'a> {
    #[serde(rename = "isError", default)]
    is_error: bool,
    #[serde(borrow, default)]
    content: Vec<Content<'a>>,
}

#[derive(Deserialize)]
struct Content<'a> {
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct ErrorBody {
    code: i64,
}

/// Checks one JSON-RPC message: `None` when it is not the answer to `id`.
fn check_json(json: &[u8], id: u64, expect: &str) -> Option<Outcome> {
    let Ok(reply) = serde_json::from_slice::<Reply<'_>>(json) else {
        return Some(Outcome::Malformed("unparseable JSON"));
    };
    if reply.id?.get().parse::<u64>().ok()? != id {
        return None;
    }
    Some(match (reply.result, reply.error) {
        (Some(r), None) => {
            let text = r.content.first().and_then(|c| c.text.as_deref());
            if !r.is_error && text == Some(expect) {
                Outcome::Ok
            } else {
                Outcome::ToolError
            }
        }
        (None, Some(e)) => Outcome::RpcError(e.code),
        _ => Outcome::Malformed("neither result nor error"),
    })
}

/// Checks the answer to request `id`: a JSON body, or an event stream (priming events,
/// notifications and answers to other ids are skipped).
pub fn check(content_type: Option<&[u8]>, body: &[u8], id: u64, expect: &str) -> Outcome {
    let sse = content_type.is_some_and(|c| c.starts_with(b"text/event-stream"));
    if !sse {
        return check_json(body, id, expect).unwrap_or(Outcome::Malformed("another id"));
    }
    let mut data: Vec<u8> = Vec::new();
    // An empty line ends an event; the end of the body ends the last one.
    let lines = body
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .chain(std::iter::once(&b""[..]));
    for line in lines {
        if !line.is_empty() {
            push_data(&mut data, line);
            continue;
        }
        if !data.is_empty() {
            if let Some(outcome) = check_json(&data, id, expect) {
                return outcome;
            }
            data.clear();
        }
    }
    Outcome::Malformed("no answer with the id in the event stream")
}

/// The numeric id of a JSON-RPC message, if it has one.
pub fn id_of(json: &[u8]) -> Option<u64> {
    #[derive(Deserialize)]
    struct Id<'a> {
        #[serde(borrow)]
        id: Option<&'a RawValue>,
    }
    serde_json::from_slice::<Id<'_>>(json)
        .ok()?
        .id?
        .get()
        .parse()
        .ok()
}

fn push_data(data: &mut Vec<u8>, line: &[u8]) {
    if let Some(d) = line.strip_prefix(b"data:") {
        if !data.is_empty() {
            data.push(b'\n');
        }
        data.extend_from_slice(d.strip_prefix(b" ").unwrap_or(d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_sse_answers() {
        let ok =
            br#"{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"hello"}]}}"#;
        assert_eq!(
            check(Some(b"application/json"), ok, 7, "hello"),
            Outcome::Ok
        );
        assert_eq!(
            check(Some(b"application/json"), ok, 8, "hello"),
            Outcome::Malformed("another id")
        );
        let sse = b"id: s1.0\nretry: 3000\ndata: \n\nevent: message\nid: s1.1\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"hello\"}],\"isError\":false}}\n\n";
        assert_eq!(
            check(Some(b"text/event-stream"), sse, 7, "hello"),
            Outcome::Ok
        );
        let err = br#"{"jsonrpc":"2.0","id":7,"error":{"code":-32020,"message":"x"}}"#;
        assert_eq!(check(None, err, 7, "hello"), Outcome::RpcError(-32020));
        let tool_err = br#"{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"bad"}],"isError":true}}"#;
        assert_eq!(check(None, tool_err, 7, "hello"), Outcome::ToolError);
    }

    #[test]
    fn sum_expectation() {
        assert_eq!(Tool::Sum.expected_text(), "500000");
        let body = CallTemplate::new(Tool::Echo, Era::Modern).body(3);
        let v: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(v["id"], 3);
        assert_eq!(v["params"]["name"], "echo");
    }
}
