//! Progress and cancellation notifications.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::meta::Meta;
use crate::jsonrpc::RequestId;

/// A progress token: a string or an integer, echoed with its original JSON type (`"7"` and
/// `7` are different tokens).
///
/// ```
/// use mcp_core::protocol::ProgressToken;
///
/// let t: ProgressToken = serde_json::from_str("7").unwrap();
/// assert_eq!(t, ProgressToken::Number(7));
/// assert_eq!(serde_json::to_string(&ProgressToken::from("7")).unwrap(), r#""7""#);
/// assert!(serde_json::from_str::<ProgressToken>("1.5").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[expect(
    clippy::exhaustive_enums,
    reason = "the schema fixes a progress token to a string or an integer"
)]
pub enum ProgressToken {
    /// An integer token.
    Number(i64),
    /// A string token.
    String(String),
}

impl fmt::Display for ProgressToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::String(s) => write!(f, "{s:?}"),
        }
    }
}

impl From<i64> for ProgressToken {
    fn from(n: i64) -> Self {
        Self::Number(n)
    }
}

impl From<String> for ProgressToken {
    fn from(s: String) -> Self {
        Self::String(s)
    }
}

impl From<&str> for ProgressToken {
    fn from(s: &str) -> Self {
        Self::String(s.to_owned())
    }
}

impl Serialize for ProgressToken {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Number(n) => serializer.serialize_i64(*n),
            Self::String(s) => serializer.serialize_str(s),
        }
    }
}

impl<'de> Deserialize<'de> for ProgressToken {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TokenVisitor)
    }
}

struct TokenVisitor;

impl Visitor<'_> for TokenVisitor {
    type Value = ProgressToken;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or an integer progress token")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<ProgressToken, E> {
        Ok(ProgressToken::Number(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<ProgressToken, E> {
        i64::try_from(v)
            .map(ProgressToken::Number)
            .map_err(|_| E::custom("integer progress token out of range"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<ProgressToken, E> {
        Ok(ProgressToken::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<ProgressToken, E> {
        Ok(ProgressToken::String(v))
    }
}

/// Params of `notifications/progress`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ProgressParams {
    /// The token from the request's `_meta.progressToken`.
    pub progress_token: ProgressToken,
    /// Progress so far; increases with every notification.
    pub progress: f64,
    /// Total, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    /// Human-readable progress message (since 2025-03-26).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl ProgressParams {
    /// `progress` for `progress_token`.
    pub fn new(progress_token: ProgressToken, progress: f64) -> Self {
        Self {
            progress_token,
            progress,
            total: None,
            message: None,
            meta: None,
        }
    }
}

/// Params of `notifications/cancelled`.
///
/// `requestId` is required in 2026-07-28 and optional in 2025-11-25 (where tasks are
/// cancelled with `tasks/cancel` instead).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CancelledParams {
    /// The request to cancel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<RequestId>,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl CancelledParams {
    /// Cancel `request_id`.
    pub fn new(request_id: RequestId) -> Self {
        Self {
            request_id: Some(request_id),
            reason: None,
            meta: None,
        }
    }
}
