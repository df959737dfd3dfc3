//! Decoding a `tools/call` request and encoding its result.
#![expect(
    missing_docs,
    reason = "criterion_group! generates undocumented functions"
)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mcp_core::jsonrpc::{Message, RequestId, Response, decode_message, decode_params, encode};
use mcp_core::protocol::{CallToolParams, CallToolResult};
use std::hint::black_box;

const ECHO: &[u8] = br#"{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello world"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"progressToken":"p-1"}}}"#;

fn sum_request(n: usize) -> Vec<u8> {
    let values: Vec<String> = (0..n).map(|i| format!("{i}.5")).collect();
    format!(
        r#"{{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{{"name":"sum","arguments":{{"values":[{}]}}}}}}"#,
        values.join(",")
    )
    .into_bytes()
}

fn decode(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Bytes(ECHO.len() as u64));
    g.bench_function("tools_call_echo/envelope", |b| {
        b.iter(|| decode_message(black_box(ECHO)));
    });
    g.bench_function("tools_call_echo/envelope+params", |b| {
        b.iter(|| {
            let Ok(Message::Request(r)) = decode_message(black_box(ECHO)) else {
                unreachable!()
            };
            decode_params::<CallToolParams>(r.params.as_deref())
        });
    });
    let sum = sum_request(1000);
    g.throughput(Throughput::Bytes(sum.len() as u64));
    g.bench_function("tools_call_sum_1000/envelope+params", |b| {
        b.iter(|| {
            let Ok(Message::Request(r)) = decode_message(black_box(&sum)) else {
                unreachable!()
            };
            decode_params::<CallToolParams>(r.params.as_deref())
        });
    });
    g.finish();
}

fn encode_result(c: &mut Criterion) {
    let mut g = c.benchmark_group("encode");
    let result = CallToolResult::text("hello world");
    g.bench_function("call_tool_result/text", |b| {
        b.iter(|| {
            let raw = serde_json::value::to_raw_value(black_box(&result)).expect("serializes");
            encode(&Message::Response(Response::result(
                RequestId::Number(42),
                raw,
            )))
        });
    });
    let structured =
        CallToolResult::structured(serde_json::json!({"sum": 499_500.5, "count": 1000}));
    g.bench_function("call_tool_result/structured", |b| {
        b.iter(|| {
            let raw = serde_json::value::to_raw_value(black_box(&structured)).expect("serializes");
            encode(&Message::Response(Response::result(
                RequestId::Number(42),
                raw,
            )))
        });
    });
    g.finish();
}

criterion_group!(benches, decode, encode_result);
criterion_main!(benches);
