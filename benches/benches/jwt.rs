//! JWT bearer verification with cached keys, alone and as the HTTP-tier layer in front of a
//! modern `tools/call echo` (the same request with and without the layer).
#![expect(
    missing_docs,
    reason = "criterion_group! generates undocumented functions"
)]

use benches::inproc::{self, HOST};
use benches::wire::{CallTemplate, Era, Tool};
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt as _;
use mcp_auth::testing::{TestIssuer, jwks_json};
use mcp_auth::{BearerAuthLayer, Jwks, JwtVerifier, Verify as _};
use std::hint::black_box;
use tower::ServiceExt as _;

const ISSUER: &str = "https://issuer.bench.test";
const AUDIENCE: &str = "https://bench.test/mcp";

fn verifier(issuer: &TestIssuer) -> JwtVerifier {
    let keys = Jwks::from_json(jwks_json(&[issuer]).as_bytes()).expect("JWKS parses");
    JwtVerifier::jwks(keys).issuer(ISSUER).audience(AUDIENCE)
}

fn jwt(c: &mut Criterion) {
    let rt = inproc::runtime();
    let issuer = TestIssuer::new(ISSUER, AUDIENCE);
    let token = issuer.token(["mcp:read"]);
    let bearer = format!("Bearer {token}");

    let alone = verifier(&issuer);
    let (parts, ()) = http::Request::post("/mcp")
        .header("authorization", &bearer)
        .body(())
        .expect("request")
        .into_parts();
    let principal = rt
        .block_on(alone.verify(&parts))
        .expect("valid")
        .expect("a principal");
    assert_eq!(principal.subject, issuer.claims(["mcp:read"])["sub"]);

    let mut g = c.benchmark_group("jwt");
    g.bench_function("verify/cached_keys", |b| {
        b.iter(|| rt.block_on(alone.verify(black_box(&parts))));
    });

    let echo = CallTemplate::new(Tool::Echo, Era::Modern);
    let plain = inproc::service();
    let authed = tower::Layer::layer(&BearerAuthLayer::new(verifier(&issuer)), inproc::service());
    let with_token = |id| {
        let mut request = echo.request(HOST, id, None);
        request
            .headers_mut()
            .insert("authorization", bearer.parse().expect("header"));
        request
    };
    let first = rt
        .block_on(authed.clone().oneshot(with_token(1)))
        .expect("infallible");
    assert_eq!(first.status(), http::StatusCode::OK);

    g.bench_function("http_service/modern_echo/no_auth", |b| {
        let mut id = 0;
        b.iter(|| {
            id += 1;
            rt.block_on(inproc::send(&plain, echo.request(HOST, id, None)))
        });
    });
    g.bench_function("http_service/modern_echo/jwt", |b| {
        let mut id = 0;
        b.iter(|| {
            id += 1;
            rt.block_on(async {
                let response = authed
                    .clone()
                    .oneshot(with_token(id))
                    .await
                    .expect("infallible");
                response
                    .into_body()
                    .collect()
                    .await
                    .map(http_body_util::Collected::to_bytes)
            })
        });
    });
    g.finish();
}

criterion_group!(benches, jwt);
criterion_main!(benches);
