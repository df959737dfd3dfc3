//! `subscriptions/listen` (2026-07-28): the stream that replaces `resources/subscribe` and
//! session-wide `list_changed` notifications.
//!
//! The server first sends `notifications/subscriptions/acknowledged` with the subset it
//! honours, tags every notification on the stream with
//! `_meta["io.modelcontextprotocol/subscriptionId"]` (the listen request's id), and ends the
//! stream with a [`SubscriptionsListenResult`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::meta::{Meta, SUBSCRIPTION_ID_KEY};
use super::result::ResultType;
use crate::jsonrpc::RequestId;

/// Which notifications a listen stream carries.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SubscriptionFilter {
    /// `notifications/tools/list_changed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools_list_changed: Option<bool>,
    /// `notifications/prompts/list_changed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompts_list_changed: Option<bool>,
    /// `notifications/resources/list_changed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources_list_changed: Option<bool>,
    /// `notifications/resources/updated` for these URIs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_subscriptions: Option<Vec<String>>,
    /// `notifications/tasks` for these task ids (the tasks extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_ids: Option<Vec<String>>,
}

/// Params of `subscriptions/listen`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SubscriptionsListenParams {
    /// What the client wants to hear about.
    pub notifications: SubscriptionFilter,
    /// Request metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl SubscriptionsListenParams {
    /// Listen for `notifications`.
    pub fn new(notifications: SubscriptionFilter) -> Self {
        Self {
            notifications,
            meta: None,
        }
    }
}

/// Params of `notifications/subscriptions/acknowledged`: the honoured subset.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SubscriptionsAcknowledgedParams {
    /// What the server will send.
    pub notifications: SubscriptionFilter,
    /// Metadata with `io.modelcontextprotocol/subscriptionId`.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl SubscriptionsAcknowledgedParams {
    /// Acknowledge `notifications` for the listen request `subscription_id`.
    pub fn new(subscription_id: &RequestId, notifications: SubscriptionFilter) -> Self {
        Self {
            notifications,
            meta: Some(subscription_meta(subscription_id)),
        }
    }
}

/// Result of `subscriptions/listen`, sent when the stream ends gracefully.
///
/// ```
/// use mcp_core::jsonrpc::RequestId;
/// use mcp_core::protocol::SubscriptionsListenResult;
///
/// let r = SubscriptionsListenResult::new(&RequestId::from("listen-1"));
/// assert_eq!(
///     serde_json::to_string(&r).unwrap(),
///     r#"{"resultType":"complete","_meta":{"io.modelcontextprotocol/subscriptionId":"listen-1"}}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SubscriptionsListenResult {
    /// Always `complete`.
    #[serde(default)]
    pub result_type: ResultType,
    /// Metadata; required, with `io.modelcontextprotocol/subscriptionId`.
    #[serde(rename = "_meta", default)]
    pub meta: Meta,
}

impl SubscriptionsListenResult {
    /// The final result of the listen request `subscription_id`.
    pub fn new(subscription_id: &RequestId) -> Self {
        Self {
            result_type: ResultType::Complete,
            meta: subscription_meta(subscription_id),
        }
    }
}

/// `{"io.modelcontextprotocol/subscriptionId": id}`, keeping the id's JSON type.
pub fn subscription_meta(subscription_id: &RequestId) -> Meta {
    let id = match subscription_id {
        RequestId::Number(n) => Value::from(*n),
        RequestId::String(s) => Value::from(s.as_str()),
    };
    let mut meta = Meta::new();
    meta.insert(SUBSCRIPTION_ID_KEY.to_owned(), id);
    meta
}
