//! 2025-11-25 (complete) and the deltas of 2025-06-18, 2025-03-26 and 2024-11-05, validated
//! against each revision's official schema.

use std::collections::BTreeMap;

use mcp_core::jsonrpc::{ErrorCode, ErrorObject, RequestId};
use mcp_core::protocol::capabilities::{
    ClientTaskRequests, ClientTasksCapability, ElicitationTaskRequests, SamplingTaskRequests,
    ServerTaskRequests, ServerTasksCapability, ToolsTaskRequests,
};
use mcp_core::protocol::meta::RELATED_TASK_KEY;
use mcp_core::protocol::{
    CallToolParams, CallToolResult, CancelTaskParams, CancelledParams, ClientCapabilities,
    CompleteParams, CompleteResult, Completion, CompletionArgument, CompletionContext,
    CompletionReference, ContentBlock, CreateMessageResult, CreateTaskResult, ElicitAction,
    ElicitRequestParams, ElicitRequestUrlParams, ElicitResult, ElicitationCapability,
    ElicitationCompleteParams, EmbeddedResource, EmptyResult, GetPromptParams, GetPromptResult,
    GetTaskParams, GetTaskPayloadParams, GetTaskResult, Implementation, InitializeParams,
    InitializeResult, InitializedParams, JsonObject, LegacyTitledEnumSchema, ListPromptsParams,
    ListPromptsResult, ListResourceTemplatesParams, ListResourceTemplatesResult,
    ListResourcesParams, ListResourcesResult, ListRootsParams, ListTasksParams, ListTasksResult,
    ListToolsParams, ListToolsResult, LoggingLevel, LoggingMessageParams, Meta, NumberKind,
    NumberSchema, PingParams, PrimitiveSchema, ProgressParams, ProgressToken, Prompt,
    PromptListChangedParams, PromptMessage, PromptReference, PromptsCapability, ReadResourceParams,
    ReadResourceResult, RelatedTask, Resource, ResourceListChangedParams, ResourceTemplate,
    ResourceTemplateReference, ResourceUpdatedParams, ResourcesCapability, Role, RootsCapability,
    RootsListChangedParams, SamplingCapability, SamplingContent, SamplingMessage,
    ServerCapabilities, SetLevelParams, StopReason, StringSchema, SubscribeParams, Task,
    TaskMetadata, TaskStatus, TaskStatusNotificationParams, TaskSupport, TextContent, Tool,
    ToolAnnotations, ToolExecution, ToolListChangedParams, ToolsCapability, UnsubscribeParams,
};
use mcp_core::protocol::{
    CreateMessageParams, ElicitRequestFormParams, ElicitationSchema, ImageContent,
};
use serde_json::{Value, json};

use crate::corpus_modern::{
    all_blocks, all_primitive_schemas, annotations, audio_content, blob_resource, form_params,
    icon, image_content, input_schema, obj, resource, sampling_params, sampling_result,
    text_content, text_resource,
};
use crate::support::{Corpus, error_response, notification, request, response, to_json};

fn progress_meta() -> Meta {
    obj(json!({"progressToken": "p-1"}))
}

fn legacy_client_capabilities(tasks: bool) -> ClientCapabilities {
    let mut caps = ClientCapabilities::default();
    let mut roots = RootsCapability::default();
    roots.list_changed = Some(true);
    caps.roots = Some(roots);
    let mut sampling = SamplingCapability::default();
    sampling.context = Some(JsonObject::new());
    sampling.tools = Some(JsonObject::new());
    caps.sampling = Some(sampling);
    let mut elicitation = ElicitationCapability::default();
    elicitation.form = Some(JsonObject::new());
    elicitation.url = Some(JsonObject::new());
    caps.elicitation = Some(elicitation);
    caps.experimental = Some(BTreeMap::from([("x".to_owned(), JsonObject::new())]));
    if tasks {
        let mut t = ClientTasksCapability::default();
        t.list = Some(JsonObject::new());
        t.cancel = Some(JsonObject::new());
        let mut requests = ClientTaskRequests::default();
        let mut s = SamplingTaskRequests::default();
        s.create_message = Some(JsonObject::new());
        requests.sampling = Some(s);
        let mut e = ElicitationTaskRequests::default();
        e.create = Some(JsonObject::new());
        requests.elicitation = Some(e);
        t.requests = Some(requests);
        caps.tasks = Some(t);
    }
    caps
}

fn legacy_server_capabilities(tasks: bool) -> ServerCapabilities {
    let mut caps = ServerCapabilities::default();
    let mut tools = ToolsCapability::default();
    tools.list_changed = Some(true);
    caps.tools = Some(tools);
    let mut resources = ResourcesCapability::default();
    resources.subscribe = Some(true);
    resources.list_changed = Some(true);
    caps.resources = Some(resources);
    caps.prompts = Some(PromptsCapability::default());
    caps.logging = Some(JsonObject::new());
    caps.experimental = Some(BTreeMap::from([("x".to_owned(), JsonObject::new())]));
    if tasks {
        caps.completions = Some(JsonObject::new());
        let mut t = ServerTasksCapability::default();
        t.list = Some(JsonObject::new());
        t.cancel = Some(JsonObject::new());
        let mut requests = ServerTaskRequests::default();
        let mut tools = ToolsTaskRequests::default();
        tools.call = Some(JsonObject::new());
        requests.tools = Some(tools);
        t.requests = Some(requests);
        caps.tasks = Some(t);
    }
    caps
}

fn implementation(full: bool) -> Implementation {
    let mut i = Implementation::new("impl", "1.0.0");
    if full {
        i.title = Some("Impl".into());
        i.description = Some("An implementation".into());
        i.website_url = Some("https://impl.example".into());
        i.icons = Some(vec![icon()]);
    }
    i
}

fn task(status: TaskStatus, ttl: Option<u64>) -> Task {
    let mut t = Task::new(
        "task-1",
        status,
        "2025-11-25T10:00:00Z",
        "2025-11-25T10:00:01Z",
    );
    t.status_message = Some("busy".into());
    t.ttl = ttl;
    t.poll_interval = Some(500);
    t
}

fn object_output_schema() -> Value {
    json!({"type": "object", "properties": {"sum": {"type": "number"}}, "required": ["sum"]})
}

fn initialize(
    c: &mut Corpus,
    version: &str,
    client: ClientCapabilities,
    server: ServerCapabilities,
    full: bool,
) {
    let mut params = InitializeParams::new(version, client, implementation(full));
    params.meta = Some(progress_meta());
    c.add("InitializeRequest", request(1, &params));
    let mut result = InitializeResult::new(version, server, implementation(full));
    result.instructions = Some("Use the tools".into());
    c.typed("InitializeResult", &result);
    c.add("JSONRPCResponse", response(1, &result));
    c.add(
        "InitializedNotification",
        notification(&InitializedParams::default()),
    );
    c.add("PingRequest", request(2, &PingParams::default()));
    c.typed("EmptyResult", &EmptyResult::default());
}

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "a corpus is a flat list of values; splitting it would hide what is covered"
)]
fn corpus_2025_11_25() {
    const REV: &str = "2025-11-25";
    let mut c = Corpus::new(REV);
    initialize(
        &mut c,
        REV,
        legacy_client_capabilities(true),
        legacy_server_capabilities(true),
        true,
    );

    // Tools, with core tasks.
    let mut list = ListToolsParams::default();
    list.cursor = Some("c".into());
    list.meta = Some(progress_meta());
    c.add("ListToolsRequest", request(3, &list));
    let mut tool = Tool::new("add", input_schema());
    tool.title = Some("Add".into());
    tool.description = Some("Adds".into());
    tool.output_schema = Some(object_output_schema());
    let mut ann = ToolAnnotations::default();
    ann.title = Some("Adder".into());
    ann.read_only_hint = Some(true);
    ann.destructive_hint = Some(false);
    ann.idempotent_hint = Some(true);
    ann.open_world_hint = Some(false);
    tool.annotations = Some(ann);
    let mut execution = ToolExecution::default();
    execution.task_support = Some(TaskSupport::Optional);
    tool.execution = Some(execution);
    tool.icons = Some(vec![icon()]);
    tool.meta = Some(obj(json!({"k": 1})));
    let mut tools = ListToolsResult::new(vec![tool.clone()]);
    tools.next_cursor = Some("n".into());
    c.typed("ListToolsResult", &tools);
    c.add("JSONRPCResultResponse", response(3, &tools));
    c.typed("Tool", &tool);
    let mut call = CallToolParams::new("add");
    call.arguments = Some(obj(json!({"a": 1, "b": 2})));
    let mut task_meta = TaskMetadata::default();
    task_meta.ttl = Some(60_000);
    call.task = Some(task_meta);
    call.meta = Some(progress_meta());
    c.add("CallToolRequest", request(4, &call));
    c.typed("CallToolRequestParams", &call);
    let mut called = CallToolResult::new(all_blocks());
    called.structured_content = Some(json!({"sum": 3}));
    called.is_error = Some(false);
    called.meta = Some(obj(json!({"k": 1})));
    c.typed("CallToolResult", &called);
    c.typed("CallToolResult", &CallToolResult::new(vec![]));
    c.typed("CallToolResult", &CallToolResult::error("bad"));
    c.typed(
        "CallToolResult",
        &CallToolResult::structured(json!({"sum": 3})),
    );
    for block in all_blocks() {
        c.typed("ContentBlock", &block);
    }

    // Core tasks.
    let mut created = CreateTaskResult::new(task(TaskStatus::Working, Some(60_000)));
    created.meta = Some(obj(
        json!({RELATED_TASK_KEY: to_json(&RelatedTask::new("task-1"))}),
    ));
    c.typed("CreateTaskResult", &created);
    let unlimited = CreateTaskResult::new(task(TaskStatus::Working, None));
    assert_eq!(
        to_json(&unlimited)["task"]["ttl"],
        Value::Null,
        "ttl is written as null"
    );
    c.typed("CreateTaskResult", &unlimited);
    c.add("GetTaskRequest", request(5, &GetTaskParams::new("task-1")));
    c.typed(
        "GetTaskResult",
        &GetTaskResult::new(task(TaskStatus::InputRequired, None)),
    );
    c.typed(
        "GetTaskResult",
        &GetTaskResult::new(task(TaskStatus::Completed, Some(1))),
    );
    c.add(
        "GetTaskPayloadRequest",
        request(6, &GetTaskPayloadParams::new("task-1")),
    );
    let payload: JsonObject = obj(to_json(&CallToolResult::text("done")));
    c.add("GetTaskPayloadResult", Value::Object(payload));
    c.add(
        "CancelTaskRequest",
        request(7, &CancelTaskParams::new("task-1")),
    );
    c.typed(
        "CancelTaskResult",
        &GetTaskResult::new(task(TaskStatus::Cancelled, Some(5))),
    );
    let mut list_tasks = ListTasksParams::default();
    list_tasks.cursor = Some("c".into());
    c.add("ListTasksRequest", request(8, &list_tasks));
    let mut tasks = ListTasksResult::new(vec![
        task(TaskStatus::Failed, None),
        task(TaskStatus::Working, Some(9)),
    ]);
    tasks.next_cursor = Some("n".into());
    c.typed("ListTasksResult", &tasks);
    c.add(
        "TaskStatusNotification",
        notification(&TaskStatusNotificationParams::new(task(
            TaskStatus::Completed,
            None,
        ))),
    );

    // Resources.
    let mut list_resources = ListResourcesParams::default();
    list_resources.cursor = Some("c".into());
    c.add("ListResourcesRequest", request(9, &list_resources));
    let mut resources = ListResourcesResult::new(vec![resource()]);
    resources.next_cursor = Some("n".into());
    c.typed("ListResourcesResult", &resources);
    c.add(
        "ListResourceTemplatesRequest",
        request(10, &ListResourceTemplatesParams::default()),
    );
    let mut template = ResourceTemplate::new("file:///{path}", "files");
    template.title = Some("Files".into());
    template.description = Some("d".into());
    template.mime_type = Some("text/plain".into());
    template.icons = Some(vec![icon()]);
    template.annotations = Some(annotations());
    template.meta = Some(obj(json!({"k": 1})));
    c.typed(
        "ListResourceTemplatesResult",
        &ListResourceTemplatesResult::new(vec![template]),
    );
    c.add(
        "ReadResourceRequest",
        request(11, &ReadResourceParams::new("file:///a.txt")),
    );
    c.typed(
        "ReadResourceResult",
        &ReadResourceResult::new(vec![text_resource(), blob_resource()]),
    );
    c.add(
        "SubscribeRequest",
        request(12, &SubscribeParams::new("file:///a.txt")),
    );
    c.add(
        "UnsubscribeRequest",
        request(13, &UnsubscribeParams::new("file:///a.txt")),
    );
    c.add(
        "ResourceUpdatedNotification",
        notification(&ResourceUpdatedParams::new("file:///a.txt")),
    );
    c.add(
        "ResourceListChangedNotification",
        notification(&ResourceListChangedParams::default()),
    );

    // Prompts and completion.
    c.add(
        "ListPromptsRequest",
        request(14, &ListPromptsParams::default()),
    );
    let mut prompt = Prompt::new("review");
    prompt.title = Some("Review".into());
    prompt.icons = Some(vec![icon()]);
    c.typed("ListPromptsResult", &ListPromptsResult::new(vec![prompt]));
    let mut get = GetPromptParams::new("review");
    get.arguments = Some(BTreeMap::from([("code".to_owned(), "x".to_owned())]));
    c.add("GetPromptRequest", request(15, &get));
    let mut got = GetPromptResult::new(
        all_blocks()
            .into_iter()
            .map(|b| PromptMessage::new(Role::User, b))
            .collect(),
    );
    got.description = Some("d".into());
    c.typed("GetPromptResult", &got);
    c.add(
        "PromptListChangedNotification",
        notification(&PromptListChangedParams::default()),
    );
    let mut complete = CompleteParams::new(
        CompletionReference::Prompt(PromptReference::new("review")),
        CompletionArgument::new("lang", "py"),
    );
    let mut ctx = CompletionContext::default();
    ctx.arguments = Some(BTreeMap::from([("a".to_owned(), "b".to_owned())]));
    complete.context = Some(ctx);
    c.add("CompleteRequest", request(16, &complete));
    let mut completion = Completion::new(vec!["python".into()]);
    completion.total = Some(1);
    completion.has_more = Some(false);
    c.typed("CompleteResult", &CompleteResult::new(completion));

    // Logging, progress, cancellation.
    c.add(
        "SetLevelRequest",
        request(17, &SetLevelParams::new(LoggingLevel::Warning)),
    );
    let mut log = LoggingMessageParams::new(LoggingLevel::Critical, json!("text"));
    log.logger = Some("l".into());
    c.add("LoggingMessageNotification", notification(&log));
    let mut progress = ProgressParams::new(ProgressToken::from(3), 1.5);
    progress.total = Some(3.0);
    progress.message = Some("m".into());
    c.add("ProgressNotification", notification(&progress));
    let mut cancelled = CancelledParams::new(RequestId::from(4));
    cancelled.reason = Some("r".into());
    c.add("CancelledNotification", notification(&cancelled));
    c.add(
        "CancelledNotification",
        notification(&CancelledParams::default()),
    );

    // Server-to-client requests.
    let mut form = form_params(true);
    let mut task_meta = TaskMetadata::default();
    task_meta.ttl = Some(1000);
    form.task = Some(task_meta);
    c.add(
        "ElicitRequest",
        request(18, &ElicitRequestParams::Form(form)),
    );
    let mut url = ElicitRequestUrlParams::new("Log in", "https://example.com/login");
    url.elicitation_id = Some("e-1".into());
    c.add(
        "ElicitRequest",
        request(19, &ElicitRequestParams::Url(url.clone())),
    );
    for schema in all_primitive_schemas() {
        c.typed("PrimitiveSchemaDefinition", &schema);
    }
    let mut accepted = ElicitResult::new(ElicitAction::Accept);
    accepted.content = Some(obj(json!({"name": "x", "n": 1, "tags": ["a"]})));
    c.typed("ElicitResult", &accepted);
    c.add(
        "ElicitationCompleteNotification",
        notification(&ElicitationCompleteParams::new("e-1")),
    );
    c.add(
        "URLElicitationRequiredError",
        error_response(
            20,
            ErrorObject::new(
                ErrorCode::URL_ELICITATION_REQUIRED,
                "URL elicitation required",
            )
            .with_data(json!({"elicitations": [to_json(&ElicitRequestParams::Url(url))]})),
        ),
    );
    c.add("CreateMessageRequest", request(21, &sampling_params(true)));
    c.typed("CreateMessageResult", &sampling_result(false));
    c.typed("CreateMessageResult", &sampling_result(true));
    c.typed(
        "SamplingMessage",
        &SamplingMessage::new(Role::User, SamplingContent::Audio(audio_content())),
    );
    c.add("ListRootsRequest", request(22, &ListRootsParams::default()));
    c.add(
        "RootsListChangedNotification",
        notification(&RootsListChangedParams::default()),
    );
    c.add(
        "ToolListChangedNotification",
        notification(&ToolListChangedParams::default()),
    );

    let n = c.check();
    assert!(n > 60, "only {n} values");
}

#[test]
fn corpus_2025_06_18() {
    const REV: &str = "2025-06-18";
    let mut c = Corpus::new(REV);
    let mut client = legacy_client_capabilities(false);
    client.elicitation = Some(ElicitationCapability::default());
    client.sampling = Some(SamplingCapability::default());
    let mut impl_ = implementation(false);
    impl_.title = Some("Title".into());
    let mut params = InitializeParams::new(REV, client, impl_.clone());
    params.meta = Some(progress_meta());
    c.add("InitializeRequest", request(1, &params));
    let mut server = legacy_server_capabilities(false);
    server.completions = Some(JsonObject::new());
    c.typed(
        "InitializeResult",
        &InitializeResult::new(REV, server, impl_),
    );

    let mut tool = Tool::new("add", input_schema());
    tool.title = Some("Add".into());
    tool.output_schema = Some(object_output_schema());
    let mut ann = ToolAnnotations::default();
    ann.read_only_hint = Some(true);
    tool.annotations = Some(ann);
    tool.meta = Some(obj(json!({"k": 1})));
    c.typed("ListToolsResult", &ListToolsResult::new(vec![tool]));
    // 2025-06-18 content: text, image, audio, resource_link, embedded resource.
    let mut called = CallToolResult::new(all_blocks());
    called.structured_content = Some(json!({"sum": 3}));
    c.typed("CallToolResult", &called);

    // Elicitation as introduced: form mode, flat primitives, enums with enumNames.
    let mut props = BTreeMap::new();
    let mut s = StringSchema::default();
    s.title = Some("Name".into());
    s.min_length = Some(1);
    props.insert("name".to_owned(), PrimitiveSchema::String(s));
    props.insert(
        "age".to_owned(),
        PrimitiveSchema::Number(NumberSchema::new(NumberKind::Integer)),
    );
    props.insert(
        "color".to_owned(),
        PrimitiveSchema::LegacyTitled(LegacyTitledEnumSchema::new(
            vec!["r".into()],
            vec!["Red".into()],
        )),
    );
    let mut schema = ElicitationSchema::new(props);
    schema.required = Some(vec!["name".into()]);
    let mut form = ElicitRequestFormParams::new("Who are you?", schema);
    form.mode = None;
    c.add(
        "ElicitRequest",
        request(2, &ElicitRequestParams::Form(form)),
    );
    let mut accepted = ElicitResult::new(ElicitAction::Accept);
    accepted.content = Some(obj(json!({"name": "x", "age": 3})));
    c.typed("ElicitResult", &accepted);

    let mut complete = CompleteParams::new(
        CompletionReference::Resource(ResourceTemplateReference::new("file:///{path}")),
        CompletionArgument::new("path", "s"),
    );
    let mut ctx = CompletionContext::default();
    ctx.arguments = Some(BTreeMap::from([("a".to_owned(), "b".to_owned())]));
    complete.context = Some(ctx);
    c.add("CompleteRequest", request(3, &complete));
    let mut r = Resource::new("file:///a", "a");
    r.title = Some("A".into());
    r.annotations = Some(annotations());
    c.typed("ListResourcesResult", &ListResourcesResult::new(vec![r]));
    c.check();
}

#[test]
fn corpus_2025_03_26() {
    const REV: &str = "2025-03-26";
    let mut c = Corpus::new(REV);
    let mut client = ClientCapabilities::default();
    let mut roots = RootsCapability::default();
    roots.list_changed = Some(true);
    client.roots = Some(roots);
    client.sampling = Some(SamplingCapability::default());
    c.add(
        "InitializeRequest",
        request(
            1,
            &InitializeParams::new(REV, client, implementation(false)),
        ),
    );
    let mut server = legacy_server_capabilities(false);
    server.completions = Some(JsonObject::new());
    c.typed(
        "InitializeResult",
        &InitializeResult::new(REV, server, implementation(false)),
    );

    // Tool annotations arrived in 2025-03-26; titles and output schemas did not exist yet.
    let mut tool = Tool::new("add", input_schema());
    tool.description = Some("Adds".into());
    let mut ann = ToolAnnotations::default();
    ann.title = Some("Adder".into());
    ann.destructive_hint = Some(false);
    tool.annotations = Some(ann);
    c.typed("ListToolsResult", &ListToolsResult::new(vec![tool]));
    // Text, image, audio and embedded resources.
    let blocks = vec![
        ContentBlock::Text(text_content_plain()),
        ContentBlock::Image(image_content()),
        ContentBlock::Audio(audio_content()),
        ContentBlock::Resource(EmbeddedResource::new(text_resource())),
    ];
    c.typed("CallToolResult", &CallToolResult::new(blocks));
    let mut progress = ProgressParams::new(ProgressToken::from("t"), 2.0);
    progress.message = Some("m".into());
    c.add("ProgressNotification", notification(&progress));
    let params = CreateMessageParams::new(
        vec![SamplingMessage::new(
            Role::User,
            SamplingContent::text("hi"),
        )],
        10,
    );
    c.add("CreateMessageRequest", request(2, &params));
    let mut sampled =
        CreateMessageResult::new(Role::Assistant, SamplingContent::text("hello"), "m");
    sampled.stop_reason = Some(StopReason::MaxTokens);
    c.typed("CreateMessageResult", &sampled);
    c.check();
}

fn text_content_plain() -> TextContent {
    let mut t = text_content();
    // `_meta` on content blocks arrived in 2025-06-18; `lastModified` too.
    t.meta = None;
    let mut a = annotations();
    a.last_modified = None;
    t.annotations = Some(a);
    t
}

#[test]
fn corpus_2024_11_05() {
    const REV: &str = "2024-11-05";
    let mut c = Corpus::new(REV);
    let mut client = ClientCapabilities::default();
    client.roots = Some(RootsCapability::default());
    c.add(
        "InitializeRequest",
        request(
            1,
            &InitializeParams::new(REV, client, implementation(false)),
        ),
    );
    let mut server = legacy_server_capabilities(false);
    server.prompts = Some(PromptsCapability::default());
    c.typed(
        "InitializeResult",
        &InitializeResult::new(REV, server, implementation(false)),
    );
    c.add("PingRequest", request(2, &PingParams::default()));

    let mut tool = Tool::new("add", input_schema());
    tool.description = Some("Adds".into());
    let mut tools = ListToolsResult::new(vec![tool]);
    tools.next_cursor = Some("n".into());
    c.typed("ListToolsResult", &tools);
    // Only text, image and embedded resources existed.
    let blocks = vec![
        ContentBlock::text("hello"),
        ContentBlock::Image(ImageContent::new("iVBORw0KGgo=", "image/png")),
        ContentBlock::Resource(EmbeddedResource::new(blob_resource())),
    ];
    let mut called = CallToolResult::new(blocks);
    called.is_error = Some(false);
    c.typed("CallToolResult", &called);
    c.typed(
        "ListResourcesResult",
        &ListResourcesResult::new(vec![Resource::new("file:///a", "a")]),
    );
    c.typed(
        "ReadResourceResult",
        &ReadResourceResult::new(vec![text_resource_plain()]),
    );
    c.add(
        "CompleteRequest",
        request(
            3,
            &CompleteParams::new(
                CompletionReference::Resource(ResourceTemplateReference::new("file:///{p}")),
                CompletionArgument::new("p", "x"),
            ),
        ),
    );
    c.add(
        "ProgressNotification",
        notification(&ProgressParams::new(ProgressToken::from(1), 1.0)),
    );
    c.add(
        "SetLevelRequest",
        request(4, &SetLevelParams::new(LoggingLevel::Debug)),
    );
    c.typed(
        "GetPromptResult",
        &GetPromptResult::new(vec![PromptMessage::new(
            Role::Assistant,
            ContentBlock::text("x"),
        )]),
    );
    c.check();
}

fn text_resource_plain() -> mcp_core::protocol::ResourceContents {
    mcp_core::protocol::TextResourceContents::new("file:///a.txt", "text").into()
}
