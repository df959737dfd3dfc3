//! Protocol revisions, their ordering, negotiation, and what each one supports.
//!
//! A server downgrades its output for an older client in one place by asking the negotiated
//! [`ProtocolVersion`] what it supports, instead of scattering date comparisons.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A known MCP protocol revision, ordered by date.
///
/// ```
/// use mcp_core::protocol::ProtocolVersion;
///
/// let v: ProtocolVersion = "2025-06-18".parse().unwrap();
/// assert!(v < ProtocolVersion::LATEST);
/// assert!(v.supports_structured_output());
/// assert!(!v.supports_icons());
/// assert!(!v.is_modern());
/// assert!("1900-01-01".parse::<ProtocolVersion>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ProtocolVersion {
    /// 2024-11-05: the original revision, HTTP+SSE transport.
    V2024_11_05,
    /// 2025-03-26: Streamable HTTP, batching, tool annotations, audio.
    V2025_03_26,
    /// 2025-06-18: structured output, titles, resource links, elicitation; no batching.
    V2025_06_18,
    /// 2025-11-25: icons, URL elicitation, sampling with tools, tasks, SSE priming.
    V2025_11_25,
    /// 2026-07-28: stateless; per-request `_meta`, `server/discover`, MRTR, listen streams.
    V2026_07_28,
}

impl ProtocolVersion {
    /// Every known revision, oldest first.
    pub const ALL: [Self; 5] = [
        Self::V2024_11_05,
        Self::V2025_03_26,
        Self::V2025_06_18,
        Self::V2025_11_25,
        Self::V2026_07_28,
    ];

    /// The newest revision.
    pub const LATEST: Self = Self::V2026_07_28;

    /// The newest revision reachable through `initialize` (the legacy, session era).
    pub const LATEST_LEGACY: Self = Self::V2025_11_25;

    /// The revision to assume for an HTTP request without `MCP-Protocol-Version` and without
    /// a session to tell (the spec's rule for Streamable HTTP).
    pub const HTTP_DEFAULT: Self = Self::V2025_03_26;

    /// The date string on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::V2024_11_05 => "2024-11-05",
            Self::V2025_03_26 => "2025-03-26",
            Self::V2025_06_18 => "2025-06-18",
            Self::V2025_11_25 => "2025-11-25",
            Self::V2026_07_28 => "2026-07-28",
        }
    }

    /// The revision with this date string, if known.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether this is a modern (stateless, per-request `_meta`) revision.
    pub const fn is_modern(self) -> bool {
        matches!(self, Self::V2026_07_28)
    }

    /// Whether this revision is reached through the `initialize` handshake.
    pub const fn is_legacy(self) -> bool {
        !self.is_modern()
    }

    /// Legacy negotiation: the version to answer an `initialize` asking for `requested`,
    /// choosing among `supported` (which must hold at least one legacy revision).
    ///
    /// The requested version is echoed only when supported; otherwise the newest supported
    /// legacy revision is offered. An unsupported version is never echoed.
    ///
    /// ```
    /// use mcp_core::protocol::ProtocolVersion as V;
    ///
    /// let all = V::ALL;
    /// assert_eq!(V::negotiate("2025-06-18", &all), Some(V::V2025_06_18));
    /// assert_eq!(V::negotiate("2099-01-01", &all), Some(V::V2025_11_25));
    /// // a modern revision is not reachable through initialize
    /// assert_eq!(V::negotiate("2026-07-28", &all), Some(V::V2025_11_25));
    /// ```
    pub fn negotiate(requested: &str, supported: &[Self]) -> Option<Self> {
        if let Some(v) = Self::parse(requested).filter(|v| v.is_legacy() && supported.contains(v)) {
            return Some(v);
        }
        supported.iter().copied().filter(|v| v.is_legacy()).max()
    }

    /// `audio` content blocks (2025-03-26+).
    pub const fn supports_audio(self) -> bool {
        self as u8 >= Self::V2025_03_26 as u8
    }

    /// Tool annotations (2025-03-26+).
    pub const fn supports_tool_annotations(self) -> bool {
        self as u8 >= Self::V2025_03_26 as u8
    }

    /// The `completions` server capability (2025-03-26+; 2024-11-05 had the method only).
    pub const fn supports_completions_capability(self) -> bool {
        self as u8 >= Self::V2025_03_26 as u8
    }

    /// JSON-RPC batches in one message (2025-03-26 only).
    pub const fn supports_batching(self) -> bool {
        matches!(self, Self::V2025_03_26)
    }

    /// `structuredContent` and `outputSchema` on tools (2025-06-18+).
    pub const fn supports_structured_output(self) -> bool {
        self as u8 >= Self::V2025_06_18 as u8
    }

    /// Whether `outputSchema` must have an object root and `structuredContent` be an object
    /// (every revision before 2026-07-28).
    pub const fn requires_object_structured_output(self) -> bool {
        !self.is_modern()
    }

    /// `resource_link` content blocks (2025-06-18+).
    pub const fn supports_resource_links(self) -> bool {
        self as u8 >= Self::V2025_06_18 as u8
    }

    /// `title` on named things (2025-06-18+).
    pub const fn supports_titles(self) -> bool {
        self as u8 >= Self::V2025_06_18 as u8
    }

    /// `lastModified` in content annotations (2025-06-18+).
    pub const fn supports_last_modified(self) -> bool {
        self as u8 >= Self::V2025_06_18 as u8
    }

    /// `_meta` on every type (2025-06-18+).
    pub const fn supports_meta_everywhere(self) -> bool {
        self as u8 >= Self::V2025_06_18 as u8
    }

    /// Form elicitation (2025-06-18+).
    pub const fn supports_elicitation(self) -> bool {
        self as u8 >= Self::V2025_06_18 as u8
    }

    /// `context.arguments` in `completion/complete` (2025-06-18+).
    pub const fn supports_completion_context(self) -> bool {
        self as u8 >= Self::V2025_06_18 as u8
    }

    /// The `MCP-Protocol-Version` HTTP header after initialization (2025-06-18+).
    pub const fn uses_version_header(self) -> bool {
        self as u8 >= Self::V2025_06_18 as u8
    }

    /// `icons`, and `description`/`websiteUrl` on `Implementation` (2025-11-25+).
    pub const fn supports_icons(self) -> bool {
        self as u8 >= Self::V2025_11_25 as u8
    }

    /// URL-mode elicitation (2025-11-25+).
    pub const fn supports_url_elicitation(self) -> bool {
        self as u8 >= Self::V2025_11_25 as u8
    }

    /// SSE priming events and `retry:` on legacy POST streams (2025-11-25 only: older clients
    /// choke on empty `data:`; modern streams have no event ids).
    pub const fn supports_priming_events(self) -> bool {
        matches!(self, Self::V2025_11_25)
    }

    /// Tools in sampling requests (2025-11-25+).
    pub const fn supports_sampling_tools(self) -> bool {
        self as u8 >= Self::V2025_11_25 as u8
    }

    /// The experimental core tasks of 2025-11-25 (the modern revision moved them to an
    /// extension).
    pub const fn supports_core_tasks(self) -> bool {
        matches!(self, Self::V2025_11_25)
    }

    /// `resultType` on every result (2026-07-28).
    pub const fn requires_result_type(self) -> bool {
        self.is_modern()
    }

    /// Server-to-client JSON-RPC requests (every legacy revision; modern uses MRTR).
    pub const fn supports_server_requests(self) -> bool {
        self.is_legacy()
    }

    /// The JSON-RPC code for "resource not found": -32002 in legacy revisions, -32602 in
    /// 2026-07-28.
    pub const fn resource_not_found_code(self) -> crate::jsonrpc::ErrorCode {
        if self.is_modern() {
            crate::jsonrpc::ErrorCode::INVALID_PARAMS
        } else {
            crate::jsonrpc::ErrorCode::RESOURCE_NOT_FOUND
        }
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing an unknown revision string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVersion(String);

impl UnknownVersion {
    /// The string that was not a known revision.
    pub fn requested(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown protocol version {:?}", self.0)
    }
}

impl std::error::Error for UnknownVersion {}

impl FromStr for ProtocolVersion {
    type Err = UnknownVersion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| UnknownVersion(s.to_owned()))
    }
}

impl Serialize for ProtocolVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ProtocolVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordering_follows_dates() {
        let mut sorted = ProtocolVersion::ALL;
        sorted.sort_by_key(|v| v.as_str());
        assert_eq!(sorted, ProtocolVersion::ALL);
    }

    #[test]
    fn round_trips_every_revision() {
        for v in ProtocolVersion::ALL {
            assert_eq!(v.as_str().parse::<ProtocolVersion>(), Ok(v));
            let json = serde_json::to_string(&v).expect("serializes");
            assert_eq!(
                serde_json::from_str::<ProtocolVersion>(&json).expect("parses"),
                v
            );
        }
    }

    #[test]
    fn negotiation_never_echoes_unsupported() {
        let supported = [ProtocolVersion::V2025_06_18, ProtocolVersion::V2025_11_25];
        assert_eq!(
            ProtocolVersion::negotiate("2025-03-26", &supported),
            Some(ProtocolVersion::V2025_11_25)
        );
        assert_eq!(
            ProtocolVersion::negotiate("garbage", &[ProtocolVersion::V2026_07_28]),
            None
        );
    }

    #[test]
    fn feature_matrix() {
        use ProtocolVersion as V;
        assert!(!V::V2024_11_05.supports_audio());
        assert!(V::V2025_03_26.supports_audio());
        assert!(V::V2025_03_26.supports_batching());
        assert!(!V::V2025_06_18.supports_batching());
        assert!(V::V2025_11_25.supports_priming_events());
        assert!(!V::V2026_07_28.supports_priming_events());
        assert_eq!(V::V2026_07_28.resource_not_found_code().code(), -32602);
        assert_eq!(V::V2025_11_25.resource_not_found_code().code(), -32002);
    }
}
