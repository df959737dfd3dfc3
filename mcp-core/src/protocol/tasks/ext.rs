//! The `io.modelcontextprotocol/tasks` extension of 2026-07-28 (SEP-2663).
//!
//! Negotiated through `capabilities.extensions["io.modelcontextprotocol/tasks"]` on both
//! sides; never returned to a request that did not declare it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::TaskStatus;
use crate::jsonrpc::ErrorObject;
use crate::protocol::input_required::{InputRequests, InputResponses};
use crate::protocol::meta::Meta;
use crate::protocol::result::ResultType;

/// The extension identifier, a key of `capabilities.extensions`.
pub const TASKS_EXTENSION_ID: &str = "io.modelcontextprotocol/tasks";

/// A task of the extension (2026-07-28).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExtTask {
    /// The task id: unguessable.
    pub task_id: String,
    /// The current status.
    pub status: TaskStatus,
    /// Human-readable status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    /// ISO 8601 creation time.
    pub created_at: String,
    /// ISO 8601 time of the last update.
    pub last_updated_at: String,
    /// Retention in milliseconds; `null` (always written) means unlimited.
    #[serde(default)]
    pub ttl_ms: Option<u64>,
    /// Suggested polling interval in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_interval_ms: Option<u64>,
}

impl ExtTask {
    /// A task with its timestamps and no ttl.
    pub fn new(
        task_id: impl Into<String>,
        status: TaskStatus,
        created_at: impl Into<String>,
        last_updated_at: impl Into<String>,
    ) -> Self {
        Self {
            task_id: task_id.into(),
            status,
            status_message: None,
            created_at: created_at.into(),
            last_updated_at: last_updated_at.into(),
            ttl_ms: None,
            poll_interval_ms: None,
        }
    }
}

/// The result of a `tools/call` the server turned into a task: `resultType: "task"` and the
/// task's fields inline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExtCreateTaskResult {
    /// Always `task`.
    pub result_type: ResultType,
    /// The task.
    #[serde(flatten)]
    pub task: ExtTask,
    /// Metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl ExtCreateTaskResult {
    /// The result for `task`.
    pub fn new(task: ExtTask) -> Self {
        Self {
            result_type: ResultType::Task,
            task,
            meta: None,
        }
    }
}

/// Params of `tasks/get` (extension).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExtGetTaskParams {
    /// The task id.
    pub task_id: String,
    /// Request metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl ExtGetTaskParams {
    /// Get task `task_id`.
    pub fn new(task_id: impl Into<String>) -> Self {
        Self {
            task_id: task_id.into(),
            meta: None,
        }
    }
}

/// Result of `tasks/get` (extension): the task plus its status payload, inline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExtGetTaskResult {
    /// Always `complete`.
    pub result_type: ResultType,
    /// The task.
    #[serde(flatten)]
    pub task: ExtTask,
    /// For `input_required`: what the task needs (answer with `tasks/update`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_requests: Option<InputRequests>,
    /// For `completed`: the underlying result (a `CallToolResult`, even with `isError`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    /// For `failed`: the JSON-RPC error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorObject>,
    /// Metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl ExtGetTaskResult {
    /// The result for `task`, without a status payload.
    pub fn new(task: ExtTask) -> Self {
        Self {
            result_type: ResultType::Complete,
            task,
            input_requests: None,
            result: None,
            error: None,
            meta: None,
        }
    }
}

/// Params of `tasks/update` (extension): answers to the task's input requests. The result is
/// an empty acknowledgement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExtUpdateTaskParams {
    /// The task id.
    pub task_id: String,
    /// The answers, by input request key.
    pub input_responses: InputResponses,
    /// Request metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl ExtUpdateTaskParams {
    /// Answer `input_responses` for task `task_id`.
    pub fn new(task_id: impl Into<String>, input_responses: InputResponses) -> Self {
        Self {
            task_id: task_id.into(),
            input_responses,
            meta: None,
        }
    }
}

/// Params of `tasks/cancel` (extension). The result is an empty acknowledgement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExtCancelTaskParams {
    /// The task id.
    pub task_id: String,
    /// Request metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl ExtCancelTaskParams {
    /// Cancel task `task_id`.
    pub fn new(task_id: impl Into<String>) -> Self {
        Self {
            task_id: task_id.into(),
            meta: None,
        }
    }
}

/// Params of `notifications/tasks` (extension): the full task, pushed on a
/// `subscriptions/listen` stream that asked for its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExtTaskNotificationParams {
    /// The task.
    #[serde(flatten)]
    pub task: ExtTask,
    /// Metadata (`io.modelcontextprotocol/subscriptionId`).
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl ExtTaskNotificationParams {
    /// A notification for `task`.
    pub fn new(task: ExtTask) -> Self {
        Self { task, meta: None }
    }
}
