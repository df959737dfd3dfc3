//! Every MCP protocol type, one module per area of the specification.
//!
//! Types follow the 2026-07-28 schema and carry the fields of 2025-11-25 and older revisions
//! that the modern one removed (marked in their docs), so one set of types serves both eras.
//! Which fields a given revision may see is decided by the server through
//! [`ProtocolVersion`]'s `supports_*` queries.
//!
//! Params types implement [`RequestParams`] or [`NotificationParams`], which tie them to
//! their method name and (for requests) their result type:
//!
//! ```
//! use mcp_core::protocol::{CallToolParams, CallToolResult, RequestParams};
//!
//! assert_eq!(CallToolParams::METHOD, "tools/call");
//! let _: Option<<CallToolParams as RequestParams>::Result> = Some(CallToolResult::text("ok"));
//! ```

use serde::Serialize;
use serde::de::DeserializeOwned;

pub mod capabilities;
pub mod completion;
pub mod content;
pub mod elicitation;
pub mod input_required;
pub mod lifecycle;
pub mod logging;
pub mod meta;
pub mod methods;
pub mod pagination;
pub mod progress;
pub mod prompts;
pub mod resources;
pub mod result;
pub mod roots;
pub mod sampling;
pub mod subscriptions;
pub mod tasks;
pub mod tools;
mod version;

pub use capabilities::{
    ClientCapabilities, ElicitationCapability, PromptsCapability, ResourcesCapability,
    RootsCapability, SamplingCapability, ServerCapabilities, ToolsCapability,
};
pub use completion::{
    CompleteParams, CompleteResult, Completion, CompletionArgument, CompletionContext,
    CompletionReference, PromptReference, ResourceTemplateReference,
};
pub use content::{
    Annotations, AudioContent, BlobResourceContents, ContentBlock, EmbeddedResource, ImageContent,
    ResourceContents, ResourceLink, Role, SamplingContent, TextContent, TextResourceContents,
    ToolResultContent, ToolUseContent,
};
pub use elicitation::{
    BooleanSchema, ElicitAction, ElicitMode, ElicitRequestFormParams, ElicitRequestParams,
    ElicitRequestUrlParams, ElicitResult, ElicitationCompleteParams, ElicitationSchema, EnumOption,
    LegacyTitledEnumSchema, NumberKind, NumberSchema, PrimitiveSchema, StringFormat, StringSchema,
    TitledMultiSelectEnumSchema, TitledSingleSelectEnumSchema, UntitledMultiSelectEnumSchema,
    UntitledSingleSelectEnumSchema,
};
pub use input_required::{InputRequest, InputRequests, InputRequiredResult, InputResponses};
pub use lifecycle::{
    DiscoverParams, DiscoverResult, Icon, IconTheme, Implementation, InitializeParams,
    InitializeResult, InitializedParams, PingParams,
};
pub use logging::{LoggingLevel, LoggingMessageParams, SetLevelParams};
pub use meta::{JsonObject, Meta, MetaKeyError, RequestMeta};
pub use pagination::{Cursor, PaginatedParams};
pub use progress::{CancelledParams, ProgressParams, ProgressToken};
pub use prompts::{
    GetPromptParams, GetPromptResult, ListPromptsParams, ListPromptsResult, Prompt, PromptArgument,
    PromptListChangedParams, PromptMessage,
};
pub use resources::{
    ListResourceTemplatesParams, ListResourceTemplatesResult, ListResourcesParams,
    ListResourcesResult, ReadResourceParams, ReadResourceResult, Resource,
    ResourceListChangedParams, ResourceTemplate, ResourceUpdatedParams, SubscribeParams,
    UnsubscribeParams,
};
pub use result::{CacheScope, EmptyResult, ResultType};
pub use roots::{ListRootsParams, ListRootsResult, Root, RootsListChangedParams};
pub use sampling::{
    CreateMessageParams, CreateMessageResult, IncludeContext, ModelHint, ModelPreferences,
    SamplingMessage, SamplingMessageContent, StopReason, ToolChoice, ToolChoiceMode,
};
pub use subscriptions::{
    SubscriptionFilter, SubscriptionsAcknowledgedParams, SubscriptionsListenParams,
    SubscriptionsListenResult,
};
pub use tasks::{
    CancelTaskParams, CancelTaskResult, CreateTaskResult, GetTaskParams, GetTaskPayloadParams,
    GetTaskPayloadResult, GetTaskResult, ListTasksParams, ListTasksResult, RelatedTask, Task,
    TaskMetadata, TaskStatus, TaskStatusNotificationParams,
};
pub use tools::{
    CallToolParams, CallToolResult, ListToolsParams, ListToolsResult, TaskSupport, Tool,
    ToolAnnotations, ToolExecution, ToolListChangedParams,
};
pub use version::{ProtocolVersion, UnknownVersion};

/// Params of a request method: ties the params type to its method name and result type.
///
/// `Result` is the complete result. `tools/call`, `prompts/get` and `resources/read` may also
/// answer with an [`InputRequiredResult`] (2026-07-28), and a task-capable `tools/call` with
/// a task result; decode by `resultType` where those are possible.
pub trait RequestParams: Serialize + DeserializeOwned {
    /// The method name.
    const METHOD: &'static str;
    /// The result type.
    type Result: Serialize + DeserializeOwned;
}

/// Params of a notification method.
pub trait NotificationParams: Serialize + DeserializeOwned {
    /// The method name.
    const METHOD: &'static str;
}

macro_rules! request {
    ($($params:ty => $result:ty, $method:expr;)*) => {$(
        impl RequestParams for $params {
            const METHOD: &'static str = $method;
            type Result = $result;
        }
    )*};
}

macro_rules! notification {
    ($($params:ty, $method:expr;)*) => {$(
        impl NotificationParams for $params {
            const METHOD: &'static str = $method;
        }
    )*};
}

request! {
    InitializeParams => InitializeResult, methods::INITIALIZE;
    PingParams => EmptyResult, methods::PING;
    DiscoverParams => DiscoverResult, methods::SERVER_DISCOVER;
    ListToolsParams => ListToolsResult, methods::TOOLS_LIST;
    CallToolParams => CallToolResult, methods::TOOLS_CALL;
    ListResourcesParams => ListResourcesResult, methods::RESOURCES_LIST;
    ListResourceTemplatesParams => ListResourceTemplatesResult, methods::RESOURCES_TEMPLATES_LIST;
    ReadResourceParams => ReadResourceResult, methods::RESOURCES_READ;
    SubscribeParams => EmptyResult, methods::RESOURCES_SUBSCRIBE;
    UnsubscribeParams => EmptyResult, methods::RESOURCES_UNSUBSCRIBE;
    ListPromptsParams => ListPromptsResult, methods::PROMPTS_LIST;
    GetPromptParams => GetPromptResult, methods::PROMPTS_GET;
    CompleteParams => CompleteResult, methods::COMPLETION_COMPLETE;
    SetLevelParams => EmptyResult, methods::LOGGING_SET_LEVEL;
    SubscriptionsListenParams => SubscriptionsListenResult, methods::SUBSCRIPTIONS_LISTEN;
    CreateMessageParams => CreateMessageResult, methods::SAMPLING_CREATE_MESSAGE;
    ElicitRequestParams => ElicitResult, methods::ELICITATION_CREATE;
    ListRootsParams => ListRootsResult, methods::ROOTS_LIST;
    GetTaskParams => GetTaskResult, methods::TASKS_GET;
    GetTaskPayloadParams => GetTaskPayloadResult, methods::TASKS_RESULT;
    CancelTaskParams => CancelTaskResult, methods::TASKS_CANCEL;
    ListTasksParams => ListTasksResult, methods::TASKS_LIST;
    tasks::ext::ExtGetTaskParams => tasks::ext::ExtGetTaskResult, methods::TASKS_GET;
    tasks::ext::ExtUpdateTaskParams => EmptyResult, methods::TASKS_UPDATE;
    tasks::ext::ExtCancelTaskParams => EmptyResult, methods::TASKS_CANCEL;
}

notification! {
    InitializedParams, methods::NOTIFICATION_INITIALIZED;
    CancelledParams, methods::NOTIFICATION_CANCELLED;
    ProgressParams, methods::NOTIFICATION_PROGRESS;
    LoggingMessageParams, methods::NOTIFICATION_MESSAGE;
    ResourceUpdatedParams, methods::NOTIFICATION_RESOURCES_UPDATED;
    ResourceListChangedParams, methods::NOTIFICATION_RESOURCES_LIST_CHANGED;
    ToolListChangedParams, methods::NOTIFICATION_TOOLS_LIST_CHANGED;
    PromptListChangedParams, methods::NOTIFICATION_PROMPTS_LIST_CHANGED;
    RootsListChangedParams, methods::NOTIFICATION_ROOTS_LIST_CHANGED;
    ElicitationCompleteParams, methods::NOTIFICATION_ELICITATION_COMPLETE;
    TaskStatusNotificationParams, methods::NOTIFICATION_TASKS_STATUS;
    tasks::ext::ExtTaskNotificationParams, methods::NOTIFICATION_TASKS;
    SubscriptionsAcknowledgedParams, methods::NOTIFICATION_SUBSCRIPTIONS_ACKNOWLEDGED;
}
