//! The floor: the least a server on hyper 1 + `serde_json` can do to answer the load bench, with
//! no MCP framework. It parses the JSON-RPC POST, dispatches `tools/call` of `echo` and `sum`
//! by hand and writes the JSON-RPC response as JSON; `initialize` returns a fixed session id,
//! notifications get 202, DELETE 200. No SDK can beat it on this stack: it is the denominator
//! of every ratio of `load`.
//!
//! `floor --bind 127.0.0.1:0` prints `listening on http://ADDR/mcp` on stderr.

use std::borrow::Cow;
use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use clap::Parser;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use serde_json::value::RawValue;

/// A minimal JSON-RPC server on raw hyper, the floor of the load bench.
#[derive(Debug, Parser)]
struct Cli {
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:0")]
    bind: SocketAddr,
}

#[derive(Deserialize)]
struct RpcRequest<'a> {
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    method: Cow<'a, str>,
    #[serde(borrow, default)]
    params: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct CallParams<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    arguments: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct EchoArgs<'a> {
    #[serde(borrow)]
    text: Cow<'a, str>,
}

#[derive(Deserialize)]
struct SumArgs {
    values: Vec<f64>,
}

const INITIALIZE_RESULT: &str = r#"{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},"serverInfo":{"name":"floor","version":"0.1.0"}}"#;
const SESSION_ID: &str = "floor-session";

fn json(status: StatusCode, body: Vec<u8>) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

fn empty(status: StatusCode) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::new()));
    *r.status_mut() = status;
    r
}

/// `{"jsonrpc":"2.0","id":<id>,` then `rest`.
fn envelope(id: &RawValue, rest: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + id.get().len() + rest.len());
    out.extend_from_slice(br#"{"jsonrpc":"2.0","id":"#);
    out.extend_from_slice(id.get().as_bytes());
    out.push(b',');
    out.extend_from_slice(rest.as_bytes());
    out.push(b'}');
    out
}

fn error(id: Option<&RawValue>, code: i32, message: &str) -> Vec<u8> {
    let null = RawValue::NULL;
    envelope(
        id.unwrap_or(null),
        &format!(
            r#""error":{{"code":{code},"message":{}}}"#,
            serde_json::to_string(message).expect("strings serialize")
        ),
    )
}

fn text_result(text: &str) -> String {
    format!(
        r#""result":{{"content":[{{"type":"text","text":{}}}]}}"#,
        serde_json::to_string(text).expect("strings serialize")
    )
}

/// A tool call: the result member, or a JSON-RPC error code and message.
fn call(params: Option<&RawValue>) -> Result<String, (i32, String)> {
    let invalid = |e: serde_json::Error| (-32602, e.to_string());
    let params: CallParams<'_> =
        serde_json::from_str(params.map_or("null", RawValue::get)).map_err(invalid)?;
    let arguments = params.arguments.map_or("{}", RawValue::get);
    match &*params.name {
        "echo" => {
            let args: EchoArgs<'_> = serde_json::from_str(arguments).map_err(invalid)?;
            Ok(text_result(&args.text))
        }
        "sum" => {
            let args: SumArgs = serde_json::from_str(arguments).map_err(invalid)?;
            if args.values.len() > 10_000 {
                return Err((-32602, "at most 10000 values".to_owned()));
            }
            Ok(text_result(&args.values.iter().sum::<f64>().to_string()))
        }
        other => Err((-32602, format!("unknown tool {other}"))),
    }
}

async fn handle(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    match *request.method() {
        Method::POST => {}
        Method::DELETE => return Ok(empty(StatusCode::OK)),
        _ => return Ok(empty(StatusCode::METHOD_NOT_ALLOWED)),
    }
    let Ok(body) = request.into_body().collect().await else {
        return Ok(empty(StatusCode::BAD_REQUEST));
    };
    let body = body.to_bytes();
    let Ok(rpc) = serde_json::from_slice::<RpcRequest<'_>>(&body) else {
        return Ok(json(
            StatusCode::BAD_REQUEST,
            error(None, -32700, "parse error"),
        ));
    };
    let Some(id) = rpc.id else {
        return Ok(empty(StatusCode::ACCEPTED));
    };
    let out = match &*rpc.method {
        "tools/call" => match call(rpc.params) {
            Ok(result) => envelope(id, &result),
            Err((code, message)) => error(Some(id), code, &message),
        },
        "initialize" => {
            let mut r = json(
                StatusCode::OK,
                envelope(id, &format!(r#""result":{INITIALIZE_RESULT}"#)),
            );
            r.headers_mut()
                .insert("mcp-session-id", HeaderValue::from_static(SESSION_ID));
            return Ok(r);
        }
        _ => error(Some(id), -32601, "method not found"),
    };
    Ok(json(StatusCode::OK, out))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let cli = Cli::parse();
    let listener = tokio::net::TcpListener::bind(cli.bind).await?;
    #[expect(
        clippy::print_stderr,
        reason = "the listening address is for the load generator, on stderr"
    )]
    {
        eprintln!("listening on http://{}/mcp", listener.local_addr()?);
    }
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let _ = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service_fn(handle))
                .await;
        });
    }
}
