//! Logging (deprecated in 2026-07-28, still functional): levels and log messages.
//!
//! Legacy revisions set the level per session with `logging/setLevel`; 2026-07-28 sets it
//! per request with `_meta["io.modelcontextprotocol/logLevel"]`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::meta::Meta;

/// A log severity (RFC 5424), ordered from [`Debug`](Self::Debug) (least severe) to
/// [`Emergency`](Self::Emergency).
///
/// ```
/// use mcp_core::protocol::LoggingLevel;
///
/// assert!(LoggingLevel::Debug < LoggingLevel::Emergency);
/// assert_eq!(serde_json::to_string(&LoggingLevel::Warning).unwrap(), r#""warning""#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[expect(
    clippy::exhaustive_enums,
    reason = "RFC 5424 fixes the eight severities"
)]
pub enum LoggingLevel {
    /// Debug-level messages.
    Debug,
    /// Informational messages.
    Info,
    /// Normal but significant conditions.
    Notice,
    /// Warning conditions.
    Warning,
    /// Error conditions.
    Error,
    /// Critical conditions.
    Critical,
    /// Action must be taken immediately.
    Alert,
    /// The system is unusable.
    Emergency,
}

/// Params of `logging/setLevel` (legacy only; removed in 2026-07-28).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SetLevelParams {
    /// The lowest level to send.
    pub level: LoggingLevel,
    /// Metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl SetLevelParams {
    /// Set the level to `level`.
    pub fn new(level: LoggingLevel) -> Self {
        Self { level, meta: None }
    }
}

/// Params of `notifications/message`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LoggingMessageParams {
    /// Severity.
    pub level: LoggingLevel,
    /// Name of the logger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logger: Option<String>,
    /// Any JSON value. Never credentials, secrets or personal data.
    pub data: Value,
    /// Metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl LoggingMessageParams {
    /// A message at `level` carrying `data`.
    pub fn new(level: LoggingLevel, data: Value) -> Self {
        Self {
            level,
            logger: None,
            data,
            meta: None,
        }
    }
}
