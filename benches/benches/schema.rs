//! Input-schema validation of `sum`: a 2026-07-28 `tools/call` through the `everything`
//! `HttpService` (no network) with 1000 values against the same call with 1 value.
#![expect(
    missing_docs,
    reason = "criterion_group! generates undocumented functions"
)]

use benches::inproc::{self, HOST};
use benches::wire;
use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use http_body_util::Full;

/// A modern `sum` call with `n` values (`[0.5, 1.5, ...]`).
fn sum_request(n: usize, id: u64) -> http::Request<Full<Bytes>> {
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"sum","arguments":{{"values":{}}},"_meta":{{"io.modelcontextprotocol/protocolVersion":"{}","io.modelcontextprotocol/clientCapabilities":{{}}}}}}}}"#,
        wire::sum_values(n),
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
        .header("mcp-name", "sum")
        .body(Full::new(Bytes::from(body)))
        .expect("valid request parts")
}

fn sum(c: &mut Criterion) {
    let rt = inproc::runtime();
    let service = inproc::service();
    let mut g = c.benchmark_group("schema/sum");
    for n in [1_usize, 1000] {
        // The bodies are built once; each iteration clones a `Bytes` (a refcount).
        let template = sum_request(n, 1);
        let (parts, body) = template.into_parts();
        let answer = rt.block_on(inproc::send(
            &service,
            http::Request::from_parts(parts.clone(), body.clone()),
        ));
        assert_eq!(answer.status, 200, "{answer:?}");
        #[expect(clippy::cast_precision_loss, reason = "small integers")]
        let expected = (0..n).map(|i| i as f64 + 0.5).sum::<f64>().to_string();
        assert_eq!(
            wire::check(Some(b"application/json"), &answer.body, 1, &expected),
            wire::Outcome::Ok,
            "{answer:?}"
        );
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("http_service", n), &n, |b, _| {
            b.iter(|| {
                rt.block_on(inproc::send(
                    &service,
                    http::Request::from_parts(parts.clone(), body.clone()),
                ))
            });
        });
    }
    g.finish();
}

criterion_group!(benches, sum);
criterion_main!(benches);
