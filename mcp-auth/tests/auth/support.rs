//! The fixture server, client and assertions shared by every module.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use mcp_auth::testing::TestIssuer;
use mcp_auth::{
    AllOf, ArgumentRule, BearerAuthLayer, ResourceMetadata, ScopePolicy, TenantGuard, Unlisted,
};
use mcp_core::protocol::{CallToolResult, Tool as ToolDef};
use mcp_server::authz::Authorize;
use mcp_server::http::HttpRequestInfo;
use mcp_server::{Server, tool};
use serde_json::{Value, json};

pub(crate) const RESOURCE: &str = "https://mcp.example.com/mcp";
pub(crate) const ISSUER: &str = "https://as.example.com";
pub(crate) const METADATA_URL: &str =
    "https://mcp.example.com/.well-known/oauth-protected-resource/mcp";
pub(crate) const MODERN: &str = "2026-07-28";

pub(crate) fn issuer() -> TestIssuer {
    TestIssuer::new(ISSUER, RESOURCE)
}

/// A token for `alice` in tenant `t1` with `scopes`.
pub(crate) fn token(scopes: &[&str]) -> String {
    let i = issuer();
    let mut claims = i.claims(scopes);
    claims.insert("tid".into(), json!("t1"));
    claims.insert("customer_id".into(), json!("c1"));
    i.sign(&claims)
}

/// Claims of [`token`], to edit.
pub(crate) fn claims(scopes: &[&str]) -> serde_json::Map<String, Value> {
    let mut claims = issuer().claims(scopes);
    claims.insert("tid".into(), json!("t1"));
    claims.insert("customer_id".into(), json!("c1"));
    claims
}

pub(crate) fn metadata() -> ResourceMetadata {
    ResourceMetadata::new(RESOURCE)
        .authorization_server(ISSUER)
        .scopes(["mcp:read"])
}

/// The default policy: baseline `mcp:read`, per-tool scopes, a hierarchy, a tenant guard and
/// an argument rule; `secret_tool` is unlisted and therefore hidden.
pub(crate) fn policy() -> AllOf {
    AllOf::new()
        .and(
            ScopePolicy::new()
                .baseline(["mcp:read"])
                .require("echo", ["mcp:echo"])
                .require("whoami", Vec::<String>::new())
                .require("write_file", ["files:write"])
                .require("two_scopes", ["a:x", "b:y"])
                .require("get_invoice", Vec::<String>::new())
                .implies("files:admin", ["files:write"])
                .unlisted(Unlisted::Hide),
        )
        .and(TenantGuard::new().argument("tenant_id"))
        .and(ArgumentRule::new(
            "get_invoice",
            "customer_id",
            "customer_id",
        ))
}

fn object(v: Value) -> serde_json::Map<String, Value> {
    let Value::Object(m) = v else {
        panic!("object")
    };
    m
}

/// Counts tool executions.
#[derive(Clone, Default)]
pub(crate) struct Runs(Arc<AtomicUsize>);

impl Runs {
    pub(crate) fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

pub(crate) fn server(runs: &Runs, policy: impl Authorize) -> Server {
    let open = object(json!({"type": "object"}));
    let mut builder = Server::builder("auth-fixture", "1").authorize(policy);
    for name in [
        "echo",
        "write_file",
        "two_scopes",
        "secret_tool",
        "get_invoice",
    ] {
        let runs = runs.clone();
        builder = builder.tool(tool::from_fn(
            ToolDef::new(name, open.clone()),
            move |_call| {
                runs.0.fetch_add(1, Ordering::SeqCst);
                async { Ok(CallToolResult::text("ran")) }
            },
        ));
    }
    let runs = runs.clone();
    builder
        .tool(tool::from_fn(ToolDef::new("whoami", open), move |call| {
            runs.0.fetch_add(1, Ordering::SeqCst);
            let ctx = call.context();
            let p = ctx.principal();
            let headers: Vec<String> = ctx
                .extensions()
                .get::<HttpRequestInfo>()
                .map(|i| i.headers.keys().map(|k| k.as_str().to_owned()).collect())
                .unwrap_or_default();
            let text = json!({
                "subject": p.subject,
                "tenant": p.tenant,
                "method": format!("{:?}", p.method),
                "scopes": p.scopes,
                "headers": headers,
            })
            .to_string();
            async move { Ok(CallToolResult::text(text)) }
        }))
        .build()
}

/// A running server and a client.
pub(crate) struct Harness {
    pub(crate) base: String,
    pub(crate) runs: Runs,
    client: Client<HttpConnector, Full<Bytes>>,
}

/// What came back.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }

    pub(crate) fn challenge(&self) -> &str {
        self.headers
            .get("www-authenticate")
            .map_or("", |v| v.to_str().expect("ascii"))
    }

    /// The text of a tool result.
    pub(crate) fn text(&self) -> String {
        self.json()["result"]["content"][0]["text"]
            .as_str()
            .unwrap_or_else(|| panic!("no text in {}", self.json()))
            .to_owned()
    }
}

impl Harness {
    pub(crate) async fn start(layer: BearerAuthLayer) -> Self {
        Self::start_with(layer, policy()).await
    }

    pub(crate) async fn start_with(layer: BearerAuthLayer, policy: impl Authorize) -> Self {
        let runs = Runs::default();
        let service = tower::ServiceBuilder::new()
            .layer(layer)
            .service(server(&runs, policy).into_http());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = mcp_server::http::serve(listener, service).await;
        });
        Self {
            base: format!("http://{addr}"),
            runs,
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    pub(crate) async fn send(&self, request: Request<Full<Bytes>>) -> Answer {
        let response = self.client.request(request).await.expect("request");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Answer {
            status,
            headers,
            body,
        }
    }

    /// A modern request builder for `method` (and `name`), without credentials.
    pub(crate) fn request(
        &self,
        method: &str,
        name: Option<&str>,
        params: Value,
    ) -> (http::request::Builder, Bytes) {
        let mut params = params;
        params["_meta"] = json!({
            "io.modelcontextprotocol/protocolVersion": MODERN,
            "io.modelcontextprotocol/clientCapabilities": {},
        });
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let mut b = Request::post(format!("{}/mcp", self.base))
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", MODERN)
            .header("mcp-method", method);
        if let Some(n) = name {
            b = b.header("mcp-name", n);
        }
        (b, Bytes::from(body.to_string()))
    }

    /// `tools/call name(arguments)` with `Authorization: Bearer token` (if any).
    pub(crate) async fn call(&self, token: Option<&str>, name: &str, arguments: Value) -> Answer {
        let (mut b, body) = self.request(
            "tools/call",
            Some(name),
            json!({"name": name, "arguments": arguments}),
        );
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        self.send(b.body(Full::new(body)).expect("request")).await
    }

    /// `tools/call name(arguments)` with extra headers.
    pub(crate) async fn call_with(
        &self,
        headers: &[(&str, &str)],
        name: &str,
        arguments: Value,
    ) -> Answer {
        let (mut b, body) = self.request(
            "tools/call",
            Some(name),
            json!({"name": name, "arguments": arguments}),
        );
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.send(b.body(Full::new(body)).expect("request")).await
    }
}

/// The 401 of a request without credentials (A01).
pub(crate) fn assert_missing(a: &Answer) {
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{a:?}");
    assert_eq!(
        a.challenge(),
        format!("Bearer resource_metadata=\"{METADATA_URL}\", scope=\"mcp:read\"")
    );
    assert_eq!(a.json()["error"], "unauthorized");
}

/// The one 401 of every invalid credential (A02-A12, ...).
pub(crate) fn assert_invalid(a: &Answer) {
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{a:?}");
    assert_eq!(
        a.challenge(),
        format!(
            "Bearer error=\"invalid_token\", resource_metadata=\"{METADATA_URL}\", scope=\"mcp:read\""
        )
    );
    assert_eq!(
        a.json(),
        json!({"error": "invalid_token", "error_description": "the access token is invalid"})
    );
    let body = String::from_utf8_lossy(&a.body);
    for leak in [ISSUER, "test-key", "aud", "kid", "sub"] {
        assert!(!body.contains(leak), "{leak} leaked in {body}");
    }
}
