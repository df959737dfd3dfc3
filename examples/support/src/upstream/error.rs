//! [`UpstreamError`] and the upstream's own words from Atlassian error bodies.

use std::fmt;
use std::time::Duration;

use mcp_server::ToolError;
use serde_json::Value;

/// The longest upstream message kept in an error text.
const MAX_MESSAGE_CHARS: usize = 1000;

/// Why an upstream call failed. `Display` is the model-facing text, and `?` in a tool turns
/// it into an `isError` result with that text.
///
/// Deliberately not a [`std::error::Error`]: `mcp_server::ToolError` converts every
/// `std::error::Error` into an opaque internal error (-32603), which would hide the
/// upstream's message from the model.
#[derive(Debug)]
#[expect(
    clippy::exhaustive_enums,
    reason = "the examples match on these kinds (e.g. a 404 Status)"
)]
pub enum UpstreamError {
    /// No usable answer: connection refused, DNS failure, 502/503/504 (after retries).
    Unavailable {
        /// The service name (`"Jira"`).
        service: &'static str,
        /// What happened, e.g. `connection refused` or `HTTP 503`.
        detail: String,
    },
    /// An attempt took longer than [`UpstreamConfig::timeout`](super::UpstreamConfig::timeout).
    Timeout {
        /// The service name.
        service: &'static str,
        /// The per-attempt timeout.
        after: Duration,
    },
    /// HTTP 429 (after retries, or with a `Retry-After` too long to wait for).
    RateLimited {
        /// The service name.
        service: &'static str,
        /// The `Retry-After` of the last answer (at least 1 s).
        retry_after: Option<Duration>,
        /// The `RateLimit-Reason` header (`jira-quota-based`, ...).
        reason: Option<String>,
    },
    /// Any other non-2xx answer.
    Status {
        /// The service name.
        service: &'static str,
        /// The HTTP status.
        status: u16,
        /// The upstream's own words ([`upstream_message`] of the body).
        message: String,
        /// The parsed body (`Null` when empty).
        body: Value,
    },
    /// The request was never sent (a path leaving the base URL) or the answer could not be
    /// read (larger than [`MAX_BODY_BYTES`](super::MAX_BODY_BYTES)).
    Invalid {
        /// The service name.
        service: &'static str,
        /// What was wrong.
        detail: String,
    },
}

impl fmt::Display for UpstreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unavailable { service, detail } => {
                write!(f, "{service} is unavailable ({detail}); try again later")
            }
            Self::Timeout { service, after } => {
                write!(f, "{service} did not answer within {}", seconds(*after))
            }
            Self::RateLimited {
                service,
                retry_after,
                reason,
            } => write!(
                f,
                "{service} rate-limited this request{}; {}",
                reason_text(reason.as_deref()),
                retry_text(*retry_after)
            ),
            Self::Status {
                service,
                status,
                message,
                ..
            } => write!(
                f,
                "{service} {} (HTTP {status}){}",
                status_text(*status),
                message_text(message)
            ),
            Self::Invalid { service, detail } => write!(f, "{service} request failed: {detail}"),
        }
    }
}

fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

fn reason_text(reason: Option<&str>) -> String {
    reason.map_or_else(String::new, |r| format!(" (reason {r})"))
}

fn retry_text(retry_after: Option<Duration>) -> String {
    match retry_after {
        Some(d) => {
            let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
            format!("retry after {} s", secs.max(1))
        }
        None => "try again later".to_owned(),
    }
}

fn status_text(status: u16) -> &'static str {
    match status {
        401 => "authentication failed",
        403 => "denied permission",
        _ => "rejected the request",
    }
}

fn message_text(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

impl UpstreamError {
    /// The HTTP status behind the error: the status of [`Status`](Self::Status), 429 for
    /// [`RateLimited`](Self::RateLimited), `None` otherwise.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { status, .. } => Some(*status),
            Self::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// The service name.
    pub fn service(&self) -> &'static str {
        match self {
            Self::Unavailable { service, .. }
            | Self::Timeout { service, .. }
            | Self::RateLimited { service, .. }
            | Self::Status { service, .. }
            | Self::Invalid { service, .. } => service,
        }
    }
}

impl From<UpstreamError> for ToolError {
    /// An `isError` result whose text is the error's `Display`, e.g.
    /// `Jira rejected the request (HTTP 400): summary: You must specify a summary of the issue.`
    fn from(e: UpstreamError) -> Self {
        Self::new(e.to_string())
    }
}

/// The upstream's own words from any Atlassian error body, joined with `"; "`:
/// - Jira `ErrorCollection`: each of `errorMessages`, then each `errors` entry as
///   `field: message`;
/// - Confluence v2 `{"errors": [{"title", "detail"}]}`: `title` (`: detail` when present);
/// - Confluence v1 `{"statusCode", "message"}` and gateway `{"code", "message"}`: `message`;
/// - plain text (`Value::String`): the text itself.
///
/// Longer than 1000 chars → cut with `…`. Empty for `Null` or an empty collection; a JSON
/// body of another shape is returned compactly.
pub fn upstream_message(body: &Value) -> String {
    fn push(parts: &mut Vec<String>, part: &str) {
        let part = part.trim().to_owned();
        if !part.is_empty() && !parts.contains(&part) {
            parts.push(part);
        }
    }
    let mut parts: Vec<String> = Vec::new();
    match body {
        Value::Null => {}
        Value::String(text) => push(&mut parts, text),
        Value::Object(fields) => {
            if let Some(Value::Array(messages)) = fields.get("errorMessages") {
                for message in messages {
                    push(&mut parts, &plain(message));
                }
            }
            match fields.get("errors") {
                Some(Value::Object(errors)) => {
                    for (field, message) in errors {
                        push(&mut parts, &format!("{field}: {}", plain(message)));
                    }
                }
                Some(Value::Array(errors)) => {
                    for error in errors {
                        push(&mut parts, &v2_error(error));
                    }
                }
                _ => {}
            }
            for key in ["message", "errorMessage"] {
                if let Some(Value::String(message)) = fields.get(key) {
                    push(&mut parts, message);
                }
            }
            let known = ["errorMessages", "errors", "message", "errorMessage"];
            if parts.is_empty() && !fields.keys().any(|k| known.contains(&k.as_str())) {
                push(&mut parts, &body.to_string());
            }
        }
        other => push(&mut parts, &other.to_string()),
    }
    let joined = parts.join("; ");
    match crate::text::truncate(&joined, MAX_MESSAGE_CHARS) {
        (cut, true) => format!("{cut}…"),
        (whole, false) => whole,
    }
}

/// A JSON value as message text: strings unquoted.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One entry of a Confluence v2 `errors` array.
fn v2_error(error: &Value) -> String {
    let Value::Object(fields) = error else {
        return plain(error);
    };
    let text = |key: &str| match fields.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    };
    match (
        text("title").or_else(|| text("message")),
        text("detail"),
        text("code"),
    ) {
        (Some(title), Some(detail), _) if detail != title => format!("{title}: {detail}"),
        (Some(title), _, _) => title,
        (None, Some(detail), _) => detail,
        (None, None, Some(code)) => code,
        (None, None, None) => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use mcp_server::ToolError;
    use serde_json::{Value, json};

    use super::{UpstreamError, upstream_message};

    #[test]
    fn jira_error_collection() {
        let body = json!({
            "errorMessages": ["Issue does not exist or you do not have permission to see it."],
            "errors": {}
        });
        assert_eq!(
            upstream_message(&body),
            "Issue does not exist or you do not have permission to see it."
        );
        let body = json!({
            "errorMessages": [],
            "errors": {"customfield_10020": "Sprint is required.", "summary": "You must specify a summary of the issue."}
        });
        assert_eq!(
            upstream_message(&body),
            "customfield_10020: Sprint is required.; summary: You must specify a summary of the issue."
        );
        let body = json!({"errorMessages": ["Bad JQL."], "errors": {"jql": "x"}, "status": 400});
        assert_eq!(upstream_message(&body), "Bad JQL.; jql: x");
        assert_eq!(
            upstream_message(&json!({"errorMessages": [], "errors": {}})),
            ""
        );
    }

    #[test]
    fn confluence_v2_envelope() {
        let body = json!({"errors": [{
            "status": 409, "code": "CONFLICT",
            "title": "Version must be incremented when updating a page. Current Version: [8]. Provided version: [8]",
            "detail": null
        }]});
        assert_eq!(
            upstream_message(&body),
            "Version must be incremented when updating a page. Current Version: [8]. Provided version: [8]"
        );
        let body = json!({"errors": [
            {"status": 404, "code": "NOT_FOUND", "title": "Not Found", "detail": null},
            {"status": 400, "code": "INVALID", "title": "Invalid request", "detail": "title is required"},
            {"status": 400, "code": "ONLY_CODE"}
        ]});
        assert_eq!(
            upstream_message(&body),
            "Not Found; Invalid request: title is required; ONLY_CODE"
        );
    }

    #[test]
    fn confluence_v1_and_gateway_messages() {
        let body = json!({"statusCode": 400, "message": "Could not parse cql : foo", "data": {"authorized": false}});
        assert_eq!(upstream_message(&body), "Could not parse cql : foo");
        let body = json!({"statusCode": 409, "message": "Version must be incremented on update. Current version is: 8"});
        assert_eq!(
            upstream_message(&body),
            "Version must be incremented on update. Current version is: 8"
        );
        let body = json!({"code": 401, "message": "Unauthorized; scope does not match"});
        assert_eq!(
            upstream_message(&body),
            "Unauthorized; scope does not match"
        );
    }

    #[test]
    fn plain_text_null_and_other_shapes() {
        assert_eq!(
            upstream_message(&Value::String("  Client must be authenticated.\n".into())),
            "Client must be authenticated."
        );
        assert_eq!(upstream_message(&Value::Null), "");
        assert_eq!(upstream_message(&json!({"weird": 1})), r#"{"weird":1}"#);
        assert_eq!(upstream_message(&json!([1, 2])), "[1,2]");
        let long = "x".repeat(5000);
        let cut = upstream_message(&Value::String(long));
        assert_eq!(cut.chars().count(), 1001);
        assert!(cut.ends_with('…'));
    }

    fn text(e: UpstreamError) -> String {
        let e: ToolError = e.into();
        assert!(
            e.is_tool_error(),
            "an isError result, not an internal error"
        );
        e.message().expect("model-facing message").to_owned()
    }

    #[test]
    fn tool_error_texts() {
        assert_eq!(
            text(UpstreamError::Unavailable {
                service: "Jira",
                detail: "connection refused".into()
            }),
            "Jira is unavailable (connection refused); try again later"
        );
        assert_eq!(
            text(UpstreamError::Timeout {
                service: "Jira",
                after: Duration::from_secs(30)
            }),
            "Jira did not answer within 30 s"
        );
        assert_eq!(
            text(UpstreamError::RateLimited {
                service: "Jira",
                retry_after: Some(Duration::from_secs(2)),
                reason: Some("jira-quota-based".into())
            }),
            "Jira rate-limited this request (reason jira-quota-based); retry after 2 s"
        );
        assert_eq!(
            text(UpstreamError::RateLimited {
                service: "Confluence",
                retry_after: None,
                reason: None
            }),
            "Confluence rate-limited this request; try again later"
        );
        let status = |status: u16, message: &str| UpstreamError::Status {
            service: "Jira",
            status,
            message: message.into(),
            body: Value::Null,
        };
        assert_eq!(
            text(status(
                401,
                "Client must be authenticated to access this resource."
            )),
            "Jira authentication failed (HTTP 401): Client must be authenticated to access this resource."
        );
        assert_eq!(
            text(status(403, "You do not have permission.")),
            "Jira denied permission (HTTP 403): You do not have permission."
        );
        assert_eq!(
            text(status(400, "jql: bad")),
            "Jira rejected the request (HTTP 400): jql: bad"
        );
        assert_eq!(
            text(status(404, "")),
            "Jira rejected the request (HTTP 404)"
        );
        assert_eq!(status(404, "").status(), Some(404));
        assert_eq!(status(404, "").service(), "Jira");
        assert_eq!(
            UpstreamError::Timeout {
                service: "Jira",
                after: Duration::from_secs(1)
            }
            .status(),
            None
        );
    }

    #[test]
    fn question_mark_in_a_tool_gives_the_text() {
        fn tool() -> Result<(), ToolError> {
            Err(UpstreamError::Invalid {
                service: "Jira",
                detail: "the request path leaves the service's base URL".into(),
            })?;
            Ok(())
        }
        let e = tool().expect_err("fails");
        assert_eq!(
            e.message(),
            Some("Jira request failed: the request path leaves the service's base URL")
        );
    }
}
