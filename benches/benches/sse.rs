//! SSE framing: a legacy (2025-11-25) `tools/call` through the `everything` `HttpService`
//! answered with `text/event-stream` (priming event, then the response), the body collected;
//! next to a 2026-07-28 call that asks for progress (so it streams) and the plain JSON answer.
#![expect(
    missing_docs,
    reason = "criterion_group! generates undocumented functions"
)]

use std::time::Instant;

use benches::inproc::{self, HOST};
use benches::wire::{self, CallTemplate, Era, Tool};
use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::Full;

/// A modern echo with a `progressToken`, which makes the answer an event stream.
fn modern_with_progress(id: u64) -> http::Request<Full<Bytes>> {
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"echo","arguments":{{"text":"hello"}},"_meta":{{"io.modelcontextprotocol/protocolVersion":"{}","io.modelcontextprotocol/clientCapabilities":{{}},"progressToken":"p"}}}}}}"#,
        wire::MODERN,
    );
    http::Request::builder()
        .method(http::Method::POST)
        .uri(wire::PATH)
        .header("host", HOST)
        .header("content-type", "application/json")
        .header("accept", wire::ACCEPT_BOTH)
        .header("mcp-protocol-version", wire::MODERN)
        .header("mcp-method", "tools/call")
        .header("mcp-name", "echo")
        .body(Full::new(Bytes::from(body)))
        .expect("valid request parts")
}

fn sse(c: &mut Criterion) {
    let rt = inproc::runtime();
    let service = inproc::service();
    let legacy = CallTemplate::new(Tool::Echo, Era::Legacy);
    let session = rt.block_on(inproc::open_session(&service));
    let answer = rt.block_on(inproc::send(
        &service,
        legacy.request(HOST, 1, Some(&session)),
    ));
    assert_eq!(answer.content_type.as_deref(), Some("text/event-stream"));
    inproc::assert_ok(&answer, Tool::Echo, 1);
    let answer = rt.block_on(inproc::send(&service, modern_with_progress(1)));
    assert_eq!(answer.content_type.as_deref(), Some("text/event-stream"));
    inproc::assert_ok(&answer, Tool::Echo, 1);

    let mut g = c.benchmark_group("sse");
    g.bench_function("legacy_echo", |b| {
        // A fresh session per batch: the engine keeps per-stream state for the session's life.
        b.iter_custom(|iters| {
            rt.block_on(async {
                let session = inproc::open_session(&service).await;
                let start = Instant::now();
                for id in 0..iters {
                    inproc::send(&service, legacy.request(HOST, id, Some(&session))).await;
                }
                let elapsed = start.elapsed();
                inproc::send(&service, wire::delete(HOST, &session)).await;
                elapsed
            })
        });
    });
    g.bench_function("modern_echo_progress", |b| {
        let mut id = 0;
        b.iter(|| {
            id += 1;
            rt.block_on(inproc::send(&service, modern_with_progress(id)))
        });
    });
    let modern = CallTemplate::new(Tool::Echo, Era::Modern);
    g.bench_function("modern_echo_json", |b| {
        let mut id = 0;
        b.iter(|| {
            id += 1;
            rt.block_on(inproc::send(&service, modern.request(HOST, id, None)))
        });
    });
    g.finish();
}

criterion_group!(benches, sse);
criterion_main!(benches);
