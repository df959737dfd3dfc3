//! Tests of the upstream client against a local axum server. Behaviour is asserted by what the
//! server saw (call counts, headers), never by timing.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap as AxumHeaders, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use http::{HeaderMap, HeaderValue, Method};
use serde_json::{Value, json};

use super::{
    MAX_BODY_BYTES, Upstream, UpstreamConfig, UpstreamError, parse_http_date, resolve, retry_after,
};
use crate::credentials::Credential;

/// What the fake saw.
#[derive(Clone, Default)]
struct Seen {
    calls: Arc<Mutex<HashMap<String, usize>>>,
    in_flight: Arc<AtomicUsize>,
    max_in_flight: Arc<AtomicUsize>,
}

impl Seen {
    fn calls(&self, route: &str) -> usize {
        self.calls
            .lock()
            .expect("calls lock")
            .get(route)
            .copied()
            .unwrap_or(0)
    }
}

/// `GET path` (with the request's default retries), which must fail.
async fn get_err(up: &Upstream, path: &str) -> UpstreamError {
    up.request(Method::GET, path)
        .send()
        .await
        .expect_err("the route fails")
}

async fn route(
    State(seen): State<Seen>,
    Path(name): Path<String>,
    RawQuery(query): RawQuery,
    headers: AxumHeaders,
) -> Response {
    let n = {
        let mut calls = seen.calls.lock().expect("calls lock");
        let n = calls.entry(name.clone()).or_default();
        *n += 1;
        *n
    };
    let limited = |retry_after: &'static str| {
        (
            StatusCode::TOO_MANY_REQUESTS,
            [
                ("retry-after", retry_after),
                ("ratelimit-reason", "jira-quota-based"),
            ],
            axum::Json(json!({"errorMessages": ["Rate limit exceeded."], "errors": {}})),
        )
            .into_response()
    };
    match name.as_str() {
        "limited-once" if n == 1 => limited("1"),
        "limited-zero" if n == 1 => limited("0"),
        "limited-once" | "limited-zero" => axum::Json(json!({"ok": true})).into_response(),
        "limited" => limited("1"),
        "limited-long" => limited("999"),
        "unavailable" => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        "bad-gateway" => StatusCode::BAD_GATEWAY.into_response(),
        "bad" => (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"errorMessages": [], "errors": {"summary": "You must specify a summary of the issue."}})),
        )
            .into_response(),
        "forbidden" => (StatusCode::FORBIDDEN, "plain words").into_response(),
        "text" => "not json".into_response(),
        "empty" => StatusCode::NO_CONTENT.into_response(),
        "big" => "x".repeat(MAX_BODY_BYTES + 1).into_response(),
        "echo" => axum::Json(json!({
            "authorization": headers.get("authorization").and_then(|v| v.to_str().ok()),
            "query": query,
            "accept": headers.get("accept").and_then(|v| v.to_str().ok()),
        }))
        .into_response(),
        "slow" => {
            let now = seen.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            seen.max_in_flight.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
            seen.in_flight.fetch_sub(1, Ordering::SeqCst);
            axum::Json(json!({"ok": true})).into_response()
        }
        "hang" => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            StatusCode::OK.into_response()
        }
        "down" => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        "needs-auth" => StatusCode::UNAUTHORIZED.into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Serves the fake on an ephemeral port; returns its base URL (`http://ADDR/api/`).
async fn fake() -> (url::Url, Seen) {
    let seen = Seen::default();
    let app = Router::new()
        .route("/api/{name}", any(route))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    let base = url::Url::parse(&format!("http://{addr}/api")).expect("url");
    (base, seen)
}

fn config() -> UpstreamConfig {
    UpstreamConfig {
        timeout: Duration::from_secs(10),
        max_attempts: 3,
        max_retry_wait: Duration::from_secs(5),
        max_in_flight_per_user: 2,
    }
}

async fn upstream() -> (Upstream, Seen) {
    let (base, seen) = fake().await;
    let upstream = Upstream::new("Jira", base, config()).expect("client");
    (upstream, seen)
}

#[tokio::test]
async fn a_read_is_retried_after_retry_after() {
    let (up, seen) = upstream().await;
    let response = up
        .request(Method::GET, "limited-once")
        .send()
        .await
        .expect("second attempt succeeds");
    assert_eq!(response.status, 200);
    assert_eq!(response.body, json!({"ok": true}));
    assert_eq!(seen.calls("limited-once"), 2);

    // "Retry-After: 0" waits (at least 1 s) and retries too.
    up.request(Method::GET, "limited-zero")
        .send()
        .await
        .expect("retried");
    assert_eq!(seen.calls("limited-zero"), 2);
}

#[tokio::test]
async fn a_write_is_sent_once() {
    let (up, seen) = upstream().await;
    let e = up
        .request(Method::POST, "limited")
        .json(&json!({"fields": {}}))
        .send()
        .await
        .expect_err("429");
    assert_eq!(seen.calls("limited"), 1);
    assert!(
        matches!(&e, UpstreamError::RateLimited { retry_after: Some(d), reason: Some(r), .. }
            if *d == Duration::from_secs(1) && r == "jira-quota-based"),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "Jira rate-limited this request (reason jira-quota-based); retry after 1 s"
    );
    assert_eq!(e.status(), Some(429));
}

#[tokio::test]
async fn retry_reads_and_no_retry_override_the_method() {
    let (up, seen) = upstream().await;
    up.request(Method::POST, "limited-once")
        .retry_reads()
        .json(&json!({"jql": "project = ENG"}))
        .send()
        .await
        .expect("retried like a read");
    assert_eq!(seen.calls("limited-once"), 2);

    let e = up
        .request(Method::GET, "limited")
        .no_retry()
        .send()
        .await
        .expect_err("429");
    assert!(matches!(e, UpstreamError::RateLimited { .. }), "{e:?}");
    assert_eq!(seen.calls("limited"), 1);
}

#[tokio::test]
async fn attempts_are_capped() {
    let (up, seen) = upstream().await;
    let e = get_err(&up, "limited").await;
    assert!(matches!(e, UpstreamError::RateLimited { .. }), "{e:?}");
    assert_eq!(seen.calls("limited"), 3);

    let e = get_err(&up, "unavailable").await;
    assert_eq!(seen.calls("unavailable"), 3);
    assert_eq!(
        e.to_string(),
        "Jira is unavailable (HTTP 503); try again later"
    );
}

#[tokio::test]
async fn a_long_retry_after_fails_at_once() {
    let (up, seen) = upstream().await;
    let e = get_err(&up, "limited-long").await;
    assert_eq!(seen.calls("limited-long"), 1);
    assert_eq!(
        e.to_string(),
        "Jira rate-limited this request (reason jira-quota-based); retry after 999 s"
    );
}

#[tokio::test]
async fn a_refused_connection_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let base = url::Url::parse(&format!("http://{addr}/")).expect("url");
    let up = Upstream::new("Jira", base, config()).expect("client");
    let e = get_err(&up, "rest/api/3/myself").await;
    assert_eq!(
        e.to_string(),
        "Jira is unavailable (connection refused); try again later"
    );
    assert!(!up.reachable("status").await);
}

#[tokio::test]
async fn other_statuses_carry_the_upstream_message() {
    let (up, seen) = upstream().await;
    let e = get_err(&up, "bad").await;
    assert_eq!(seen.calls("bad"), 1, "a 400 is not retried");
    assert_eq!(e.status(), Some(400));
    assert_eq!(
        e.to_string(),
        "Jira rejected the request (HTTP 400): summary: You must specify a summary of the issue."
    );
    let e = get_err(&up, "forbidden").await;
    assert_eq!(
        e.to_string(),
        "Jira denied permission (HTTP 403): plain words"
    );
    let e = get_err(&up, "bad-gateway").await;
    assert!(matches!(e, UpstreamError::Unavailable { .. }), "{e:?}");
    assert_eq!(seen.calls("bad-gateway"), 1);
}

#[tokio::test]
async fn bodies_are_json_text_or_null_and_bounded() {
    let (up, _) = upstream().await;
    let text = up.request(Method::GET, "text").send().await.expect("200");
    assert_eq!(text.body, Value::String("not json".into()));
    let empty = up
        .request(Method::DELETE, "empty")
        .send()
        .await
        .expect("204");
    assert_eq!(empty.status, 204);
    assert_eq!(empty.body, Value::Null);
    let e = get_err(&up, "big").await;
    assert!(matches!(e, UpstreamError::Invalid { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "Jira request failed: the answer (HTTP 200) is larger than 16 MiB"
    );
}

#[tokio::test]
async fn credential_query_and_accept_are_sent() {
    let (up, _) = upstream().await;
    let credential = Credential::Basic {
        email: "alice@example.com".into(),
        api_token: "alice-api-token".into(),
    };
    let response = up
        .request(Method::GET, "/echo")
        .credential(&credential)
        .query(&[("jql", "project = ENG & x"), ("maxResults", "5")])
        .send()
        .await
        .expect("200");
    assert_eq!(
        response.body,
        json!({
            "authorization": "Basic YWxpY2VAZXhhbXBsZS5jb206YWxpY2UtYXBpLXRva2Vu",
            "query": "jql=project+%3D+ENG+%26+x&maxResults=5",
            "accept": "application/json",
        })
    );
}

#[tokio::test]
async fn the_per_user_cap_is_never_exceeded() {
    let (up, seen) = upstream().await;
    let calls: Vec<_> = (0..12)
        .map(|_| {
            let up = up.clone();
            tokio::spawn(async move { up.request(Method::GET, "slow").user("alice").send().await })
        })
        .collect();
    for call in calls {
        call.await.expect("join").expect("200");
    }
    assert_eq!(seen.calls("slow"), 12);
    assert!(
        seen.max_in_flight.load(Ordering::SeqCst) <= 2,
        "at most 2 at once, saw {}",
        seen.max_in_flight.load(Ordering::SeqCst)
    );
}

#[tokio::test]
async fn an_attempt_times_out() {
    let (base, _) = fake().await;
    let up = Upstream::new(
        "Confluence",
        base,
        UpstreamConfig {
            timeout: Duration::from_millis(200),
            ..config()
        },
    )
    .expect("client");
    let e = get_err(&up, "hang").await;
    assert!(matches!(e, UpstreamError::Timeout { .. }), "{e:?}");
    assert_eq!(e.to_string(), "Confluence did not answer within 200 ms");
}

#[tokio::test]
async fn reachable_means_any_answer_below_500_and_is_cached() {
    let (up, seen) = upstream().await;
    assert!(up.reachable("needs-auth").await);
    assert!(up.reachable("needs-auth").await);
    assert_eq!(
        seen.calls("needs-auth"),
        1,
        "the second answer came from the cache"
    );
    assert!(!up.reachable("down").await);
    assert_eq!(
        seen.calls("echo"),
        0,
        "a probe is credential-less and touches only its path"
    );
}

#[tokio::test]
async fn a_path_leaving_the_base_is_never_sent() {
    let (up, seen) = upstream().await;
    for path in ["../x", "%2e%2e/x", "a/../../x", "http://example.com/x"] {
        let e = up.request(Method::GET, path).send().await.expect_err(path);
        assert!(matches!(e, UpstreamError::Invalid { .. }), "{path}: {e:?}");
    }
    assert!(seen.calls.lock().expect("calls lock").is_empty());
}

#[test]
fn paths_resolve_under_the_base() {
    let base = url::Url::parse("https://site.example/wiki/").expect("url");
    let url = resolve(&base, "api/v2/pages/65541").expect("inside");
    assert_eq!(url.as_str(), "https://site.example/wiki/api/v2/pages/65541");
    let url = resolve(&base, "/api/v2/pages").expect("leading slash ignored");
    assert_eq!(url.as_str(), "https://site.example/wiki/api/v2/pages");
    assert!(resolve(&base, "../rest/api/3/myself").is_err());
    assert!(resolve(&base, "api/%2E%2E/%2E%2E/x").is_err());
}

#[test]
fn the_base_gets_a_trailing_slash() {
    let base = url::Url::parse("https://site.example/wiki?x=1").expect("url");
    let up = Upstream::new("Confluence", base, UpstreamConfig::default()).expect("client");
    assert_eq!(up.base().as_str(), "https://site.example/wiki/");
    for bad in ["ftp://site.example/", "mailto:a@example.com"] {
        let base = url::Url::parse(bad).expect("url");
        assert!(
            Upstream::new("X", base, UpstreamConfig::default()).is_err(),
            "{bad}"
        );
    }
    let base = url::Url::parse("https://site.example/").expect("url");
    let zero = UpstreamConfig {
        max_attempts: 0,
        ..UpstreamConfig::default()
    };
    assert!(Upstream::new("X", base, zero).is_err());
}

#[test]
fn retry_after_forms() {
    let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
    let header = |v: &'static str| {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static(v));
        h
    };
    assert_eq!(retry_after(&header("2"), now), Some(Duration::from_secs(2)));
    assert_eq!(retry_after(&header("0"), now), Some(Duration::from_secs(1)));
    assert_eq!(
        retry_after(&header("Sun, 06 Nov 1994 08:50:07 GMT"), now),
        Some(Duration::from_secs(30))
    );
    assert_eq!(
        retry_after(&header("Sun, 06 Nov 1994 08:00:00 GMT"), now),
        Some(Duration::from_secs(1)),
        "a past date still waits the floor"
    );
    assert_eq!(retry_after(&header("soon"), now), None);
    assert_eq!(retry_after(&HeaderMap::new(), now), None);
}

#[test]
fn http_dates() {
    assert_eq!(
        parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(UNIX_EPOCH + Duration::from_secs(784_111_777))
    );
    assert_eq!(
        parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"),
        Some(UNIX_EPOCH)
    );
    assert_eq!(
        parse_http_date("Tue, 29 Feb 2000 12:00:00 GMT"),
        Some(UNIX_EPOCH + Duration::from_hours(264_396))
    );
    for bad in [
        "Sun, 06 Nov 1994 08:49:37 PST",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 25:49:37 GMT",
        "",
    ] {
        assert_eq!(parse_http_date(bad), None, "{bad}");
    }
}
