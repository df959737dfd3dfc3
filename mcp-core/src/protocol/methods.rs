//! Method and notification names of every revision, and which ones 2026-07-28 removed.

/// `initialize` (legacy only).
pub const INITIALIZE: &str = "initialize";
/// `ping` (legacy only).
pub const PING: &str = "ping";
/// `server/discover` (2026-07-28).
pub const SERVER_DISCOVER: &str = "server/discover";
/// `tools/list`.
pub const TOOLS_LIST: &str = "tools/list";
/// `tools/call`.
pub const TOOLS_CALL: &str = "tools/call";
/// `resources/list`.
pub const RESOURCES_LIST: &str = "resources/list";
/// `resources/templates/list`.
pub const RESOURCES_TEMPLATES_LIST: &str = "resources/templates/list";
/// `resources/read`.
pub const RESOURCES_READ: &str = "resources/read";
/// `resources/subscribe` (legacy only).
pub const RESOURCES_SUBSCRIBE: &str = "resources/subscribe";
/// `resources/unsubscribe` (legacy only).
pub const RESOURCES_UNSUBSCRIBE: &str = "resources/unsubscribe";
/// `prompts/list`.
pub const PROMPTS_LIST: &str = "prompts/list";
/// `prompts/get`.
pub const PROMPTS_GET: &str = "prompts/get";
/// `completion/complete`.
pub const COMPLETION_COMPLETE: &str = "completion/complete";
/// `logging/setLevel` (legacy only).
pub const LOGGING_SET_LEVEL: &str = "logging/setLevel";
/// `subscriptions/listen` (2026-07-28).
pub const SUBSCRIPTIONS_LISTEN: &str = "subscriptions/listen";
/// `sampling/createMessage`: a server-to-client request in legacy revisions, an input request
/// in 2026-07-28.
pub const SAMPLING_CREATE_MESSAGE: &str = "sampling/createMessage";
/// `elicitation/create`: a server-to-client request in legacy revisions, an input request in
/// 2026-07-28.
pub const ELICITATION_CREATE: &str = "elicitation/create";
/// `roots/list`: a server-to-client request in legacy revisions, an input request in
/// 2026-07-28.
pub const ROOTS_LIST: &str = "roots/list";
/// `tasks/get` (2025-11-25 core tasks and the 2026-07-28 tasks extension).
pub const TASKS_GET: &str = "tasks/get";
/// `tasks/result` (2025-11-25 core tasks only).
pub const TASKS_RESULT: &str = "tasks/result";
/// `tasks/list` (2025-11-25 core tasks only).
pub const TASKS_LIST: &str = "tasks/list";
/// `tasks/cancel` (2025-11-25 core tasks and the 2026-07-28 tasks extension).
pub const TASKS_CANCEL: &str = "tasks/cancel";
/// `tasks/update` (2026-07-28 tasks extension).
pub const TASKS_UPDATE: &str = "tasks/update";

/// `notifications/initialized` (legacy only).
pub const NOTIFICATION_INITIALIZED: &str = "notifications/initialized";
/// `notifications/cancelled`.
pub const NOTIFICATION_CANCELLED: &str = "notifications/cancelled";
/// `notifications/progress`.
pub const NOTIFICATION_PROGRESS: &str = "notifications/progress";
/// `notifications/message` (log messages).
pub const NOTIFICATION_MESSAGE: &str = "notifications/message";
/// `notifications/resources/updated`.
pub const NOTIFICATION_RESOURCES_UPDATED: &str = "notifications/resources/updated";
/// `notifications/resources/list_changed`.
pub const NOTIFICATION_RESOURCES_LIST_CHANGED: &str = "notifications/resources/list_changed";
/// `notifications/tools/list_changed`.
pub const NOTIFICATION_TOOLS_LIST_CHANGED: &str = "notifications/tools/list_changed";
/// `notifications/prompts/list_changed`.
pub const NOTIFICATION_PROMPTS_LIST_CHANGED: &str = "notifications/prompts/list_changed";
/// `notifications/roots/list_changed` (legacy only).
pub const NOTIFICATION_ROOTS_LIST_CHANGED: &str = "notifications/roots/list_changed";
/// `notifications/elicitation/complete` (2025-11-25 only).
pub const NOTIFICATION_ELICITATION_COMPLETE: &str = "notifications/elicitation/complete";
/// `notifications/tasks/status` (2025-11-25 core tasks only).
pub const NOTIFICATION_TASKS_STATUS: &str = "notifications/tasks/status";
/// `notifications/tasks` (2026-07-28 tasks extension).
pub const NOTIFICATION_TASKS: &str = "notifications/tasks";
/// `notifications/subscriptions/acknowledged` (2026-07-28).
pub const NOTIFICATION_SUBSCRIPTIONS_ACKNOWLEDGED: &str =
    "notifications/subscriptions/acknowledged";

/// Whether 2026-07-28 removed `method`: a modern request for it gets -32601 (and HTTP 404).
///
/// Covers `initialize`, `ping`, `logging/setLevel`, `resources/subscribe`,
/// `resources/unsubscribe`, `tasks/list`, `tasks/result`, and the notifications
/// `notifications/initialized`, `notifications/roots/list_changed`,
/// `notifications/elicitation/complete` and `notifications/tasks/status`.
/// `completion/complete` is not removed.
///
/// ```
/// use mcp_core::protocol::methods::{is_removed_in_modern, COMPLETION_COMPLETE, PING};
///
/// assert!(is_removed_in_modern(PING));
/// assert!(!is_removed_in_modern(COMPLETION_COMPLETE));
/// ```
pub fn is_removed_in_modern(method: &str) -> bool {
    matches!(
        method,
        INITIALIZE
            | PING
            | LOGGING_SET_LEVEL
            | RESOURCES_SUBSCRIBE
            | RESOURCES_UNSUBSCRIBE
            | TASKS_LIST
            | TASKS_RESULT
            | NOTIFICATION_INITIALIZED
            | NOTIFICATION_ROOTS_LIST_CHANGED
            | NOTIFICATION_ELICITATION_COMPLETE
            | NOTIFICATION_TASKS_STATUS
    )
}
