//! In-process dispatch of `tools/call` with no network: the `everything` server's
//! `HttpService` driven as a tower service (routing, admission, decode, dispatch, encode), and
//! the engine behind the in-process `TestClient` (the stdio framing over a duplex pipe).
#![expect(
    missing_docs,
    reason = "criterion_group! generates undocumented functions"
)]

use benches::inproc::{self, HOST};
use benches::wire::{CallTemplate, Era, Tool};
use criterion::{Criterion, criterion_group, criterion_main};
use mcp_server::testing::TestClient;
use serde_json::json;
use std::hint::black_box;

fn http_service(c: &mut Criterion) {
    let rt = inproc::runtime();
    let service = inproc::service();
    let echo = CallTemplate::new(Tool::Echo, Era::Modern);
    let answer = rt.block_on(inproc::send(&service, echo.request(HOST, 1, None)));
    inproc::assert_ok(&answer, Tool::Echo, 1);

    let mut g = c.benchmark_group("dispatch");
    // What the client side of each iteration costs: building the http::Request.
    g.bench_function("build_request/modern_echo", |b| {
        let mut id = 0;
        b.iter(|| {
            id += 1;
            black_box(echo.request(HOST, id, None))
        });
    });
    g.bench_function("http_service/modern_echo", |b| {
        let mut id = 0;
        b.iter(|| {
            id += 1;
            rt.block_on(inproc::send(&service, echo.request(HOST, id, None)))
        });
    });
    g.finish();
}

async fn call(client: &TestClient) -> Result<serde_json::Value, mcp_core::jsonrpc::ErrorObject> {
    client
        .modern(
            "tools/call",
            json!({"name": "echo", "arguments": {"text": "hello"}}),
            json!({}),
        )
        .await
}

fn test_client(c: &mut Criterion) {
    let rt = inproc::runtime();
    let client = rt.block_on(async { TestClient::new(everything::server()) });
    let result = rt.block_on(call(&client)).expect("echo answers");
    assert_eq!(result["content"][0]["text"], "hello");
    let mut g = c.benchmark_group("dispatch");
    g.bench_function("test_client/modern_echo", |b| {
        b.iter(|| rt.block_on(call(&client)));
    });
    g.finish();
}

criterion_group!(benches, http_service, test_client);
criterion_main!(benches);
