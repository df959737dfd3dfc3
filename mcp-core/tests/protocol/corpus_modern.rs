//! 2026-07-28: a value of every message, params, result and content type, validated against
//! the official schema.

use std::collections::BTreeMap;

use mcp_core::jsonrpc::{ErrorCode, ErrorObject, RequestId};
use mcp_core::protocol::meta::{SERVER_INFO_KEY, SUBSCRIPTION_ID_KEY};
use mcp_core::protocol::tasks::ext::{
    ExtCancelTaskParams, ExtCreateTaskResult, ExtGetTaskParams, ExtGetTaskResult, ExtTask,
    ExtTaskNotificationParams, ExtUpdateTaskParams, TASKS_EXTENSION_ID,
};
use mcp_core::protocol::{
    Annotations, AudioContent, BlobResourceContents, BooleanSchema, CacheScope, CallToolParams,
    CallToolResult, CancelledParams, ClientCapabilities, CompleteParams, CompleteResult,
    Completion, CompletionArgument, CompletionContext, CompletionReference, ContentBlock,
    CreateMessageParams, CreateMessageResult, DiscoverParams, DiscoverResult, ElicitAction,
    ElicitRequestFormParams, ElicitRequestParams, ElicitRequestUrlParams, ElicitResult,
    ElicitationCapability, ElicitationSchema, EmbeddedResource, EmptyResult, EnumOption,
    GetPromptParams, GetPromptResult, Icon, IconTheme, ImageContent, Implementation,
    IncludeContext, InputRequest, InputRequiredResult, InputResponses, JsonObject,
    LegacyTitledEnumSchema, ListPromptsParams, ListPromptsResult, ListResourceTemplatesParams,
    ListResourceTemplatesResult, ListResourcesParams, ListResourcesResult, ListRootsParams,
    ListRootsResult, ListToolsParams, ListToolsResult, LoggingLevel, LoggingMessageParams, Meta,
    ModelHint, ModelPreferences, NumberKind, NumberSchema, PrimitiveSchema, ProgressParams,
    ProgressToken, Prompt, PromptArgument, PromptListChangedParams, PromptMessage, PromptReference,
    PromptsCapability, ReadResourceParams, ReadResourceResult, RequestMeta, Resource,
    ResourceContents, ResourceLink, ResourceListChangedParams, ResourceTemplate,
    ResourceTemplateReference, ResourceUpdatedParams, ResourcesCapability, ResultType, Role, Root,
    RootsCapability, SamplingCapability, SamplingContent, SamplingMessage, ServerCapabilities,
    StopReason, StringFormat, StringSchema, SubscriptionFilter, SubscriptionsAcknowledgedParams,
    SubscriptionsListenParams, SubscriptionsListenResult, TaskStatus, TextContent,
    TextResourceContents, TitledMultiSelectEnumSchema, TitledSingleSelectEnumSchema, Tool,
    ToolAnnotations, ToolChoice, ToolChoiceMode, ToolListChangedParams, ToolResultContent,
    ToolUseContent, ToolsCapability, UntitledMultiSelectEnumSchema, UntitledSingleSelectEnumSchema,
};
use serde_json::{Value, json};

use crate::support::{
    Corpus, error_response, notification, request, response, round_trip, to_json,
};

const REV: &str = "2026-07-28";

pub(crate) fn obj(v: Value) -> JsonObject {
    match v {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

fn client_info() -> Implementation {
    let mut i = Implementation::new("client", "1.0.0");
    i.title = Some("Client".into());
    i.description = Some("A test client".into());
    i.website_url = Some("https://client.example".into());
    i.icons = Some(vec![icon()]);
    i
}

pub(crate) fn icon() -> Icon {
    let mut icon = Icon::new("https://example.com/icon.png");
    icon.mime_type = Some("image/png".into());
    icon.sizes = Some(vec!["48x48".into(), "any".into()]);
    icon.theme = Some(IconTheme::Dark);
    icon
}

fn modern_client_capabilities() -> ClientCapabilities {
    let mut caps = ClientCapabilities::default();
    caps.roots = Some(RootsCapability::default());
    let mut sampling = SamplingCapability::default();
    sampling.context = Some(JsonObject::new());
    sampling.tools = Some(JsonObject::new());
    caps.sampling = Some(sampling);
    let mut elicitation = ElicitationCapability::default();
    elicitation.form = Some(JsonObject::new());
    elicitation.url = Some(JsonObject::new());
    caps.elicitation = Some(elicitation);
    caps.experimental = Some(BTreeMap::from([(
        "com.example/x".to_owned(),
        obj(json!({"on": true})),
    )]));
    caps.extensions = Some(BTreeMap::from([(
        TASKS_EXTENSION_ID.to_owned(),
        JsonObject::new(),
    )]));
    caps
}

fn modern_server_capabilities() -> ServerCapabilities {
    let mut caps = ServerCapabilities::default();
    let mut tools = ToolsCapability::default();
    tools.list_changed = Some(true);
    caps.tools = Some(tools);
    let mut resources = ResourcesCapability::default();
    resources.subscribe = Some(true);
    resources.list_changed = Some(true);
    caps.resources = Some(resources);
    let mut prompts = PromptsCapability::default();
    prompts.list_changed = Some(false);
    caps.prompts = Some(prompts);
    caps.logging = Some(JsonObject::new());
    caps.completions = Some(JsonObject::new());
    caps.experimental = Some(BTreeMap::from([(
        "com.example/x".to_owned(),
        JsonObject::new(),
    )]));
    caps.extensions = Some(BTreeMap::from([(
        TASKS_EXTENSION_ID.to_owned(),
        JsonObject::new(),
    )]));
    caps
}

/// A complete modern request `_meta`.
fn request_meta() -> Meta {
    let mut m = RequestMeta::default();
    m.protocol_version = Some(REV.into());
    m.client_capabilities = Some(modern_client_capabilities());
    m.client_info = Some(client_info());
    m.log_level = Some(LoggingLevel::Info);
    m.progress_token = Some(ProgressToken::from(7));
    m.traceparent = Some("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".into());
    m.tracestate = Some("vendor=value".into());
    m.baggage = Some("userId=alice".into());
    m.other.insert("com.example/trace".into(), json!("x"));
    m.into_meta()
}

fn result_meta() -> Meta {
    let mut m = Meta::new();
    m.insert(
        SERVER_INFO_KEY.into(),
        to_json(&Implementation::new("server", "2.0.0")),
    );
    m
}

fn notification_meta() -> Meta {
    let mut m = Meta::new();
    m.insert(SUBSCRIPTION_ID_KEY.into(), json!("listen-1"));
    m
}

pub(crate) fn annotations() -> Annotations {
    let mut a = Annotations::default();
    a.audience = Some(vec![Role::User, Role::Assistant]);
    a.priority = Some(0.5);
    a.last_modified = Some("2025-01-12T15:00:58Z".into());
    a
}

pub(crate) fn text_content() -> TextContent {
    let mut t = TextContent::new("hello");
    t.annotations = Some(annotations());
    t.meta = Some(obj(json!({"com.example/k": 1})));
    t
}

pub(crate) fn image_content() -> ImageContent {
    let mut i = ImageContent::new("iVBORw0KGgo=", "image/png");
    i.annotations = Some(annotations());
    i
}

pub(crate) fn audio_content() -> AudioContent {
    let mut a = AudioContent::new("UklGRiQAAABXQVZF", "audio/wav");
    a.annotations = Some(annotations());
    a
}

pub(crate) fn resource() -> Resource {
    let mut r = Resource::new("file:///project/README.md", "README.md");
    r.title = Some("Readme".into());
    r.description = Some("The readme".into());
    r.mime_type = Some("text/markdown".into());
    r.size = Some(1024);
    r.icons = Some(vec![icon()]);
    r.annotations = Some(annotations());
    r.meta = Some(obj(json!({"com.example/k": "v"})));
    r
}

pub(crate) fn text_resource() -> ResourceContents {
    let mut t = TextResourceContents::new("file:///a.txt", "text");
    t.mime_type = Some("text/plain".into());
    t.meta = Some(obj(json!({"com.example/k": true})));
    t.into()
}

pub(crate) fn blob_resource() -> ResourceContents {
    let mut b = BlobResourceContents::new("file:///a.png", "iVBORw0KGgo=");
    b.mime_type = Some("image/png".into());
    b.into()
}

/// Every content block kind, with optional fields populated.
pub(crate) fn all_blocks() -> Vec<ContentBlock> {
    let mut embedded = EmbeddedResource::new(text_resource());
    embedded.annotations = Some(annotations());
    embedded.meta = Some(obj(json!({"com.example/k": 2})));
    vec![
        text_content().into(),
        image_content().into(),
        audio_content().into(),
        ResourceLink::from(resource()).into(),
        embedded.into(),
        EmbeddedResource::new(blob_resource()).into(),
    ]
}

pub(crate) fn input_schema() -> JsonObject {
    obj(json!({
        "type": "object",
        "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
        "required": ["a", "b"],
        "additionalProperties": false
    }))
}

fn full_tool() -> Tool {
    let mut t = Tool::new("add", input_schema());
    t.title = Some("Add".into());
    t.description = Some("Adds two numbers".into());
    // 2026-07-28 allows any output schema, arrays included.
    t.output_schema = Some(json!({"type": "array", "items": {"type": "number"}}));
    let mut ann = ToolAnnotations::default();
    ann.title = Some("Adder".into());
    ann.read_only_hint = Some(true);
    ann.destructive_hint = Some(false);
    ann.idempotent_hint = Some(true);
    ann.open_world_hint = Some(false);
    t.annotations = Some(ann);
    t.icons = Some(vec![icon()]);
    t.meta = Some(obj(json!({"com.example/k": 1})));
    t
}

/// Every primitive schema kind, with optional fields populated.
pub(crate) fn all_primitive_schemas() -> Vec<PrimitiveSchema> {
    let mut s = StringSchema::default();
    s.title = Some("Email".into());
    s.description = Some("Your email".into());
    s.min_length = Some(3);
    s.max_length = Some(50);
    s.format = Some(StringFormat::Email);
    s.default = Some("a@example.com".into());
    let mut n = NumberSchema::new(NumberKind::Integer);
    n.title = Some("Age".into());
    n.description = Some("Your age".into());
    n.minimum = Some(0.0);
    n.maximum = Some(150.0);
    n.default = Some(30.0);
    let mut b = BooleanSchema::default();
    b.title = Some("Agree".into());
    b.description = Some("Do you agree".into());
    b.default = Some(false);
    let mut us = UntitledSingleSelectEnumSchema::new(vec!["red".into(), "green".into()]);
    us.title = Some("Color".into());
    us.description = Some("Pick one".into());
    us.default = Some("red".into());
    let mut ts = TitledSingleSelectEnumSchema::new(vec![
        EnumOption::new("#f00", "Red"),
        EnumOption::new("#0f0", "Green"),
    ]);
    ts.title = Some("Color".into());
    ts.description = Some("Pick one".into());
    ts.default = Some("#f00".into());
    let mut lt = LegacyTitledEnumSchema::new(
        vec!["r".into(), "g".into()],
        vec!["Red".into(), "Green".into()],
    );
    lt.title = Some("Color".into());
    lt.description = Some("Pick one".into());
    lt.default = Some("r".into());
    let mut um = UntitledMultiSelectEnumSchema::new(vec!["a".into(), "b".into(), "c".into()]);
    um.title = Some("Letters".into());
    um.description = Some("Pick some".into());
    um.min_items = Some(1);
    um.max_items = Some(2);
    um.default = Some(vec!["a".into()]);
    let mut tm = TitledMultiSelectEnumSchema::new(vec![
        EnumOption::new("a", "A"),
        EnumOption::new("b", "B"),
    ]);
    tm.title = Some("Letters".into());
    tm.description = Some("Pick some".into());
    tm.min_items = Some(0);
    tm.max_items = Some(2);
    tm.default = Some(vec!["b".into()]);
    vec![
        PrimitiveSchema::String(s),
        PrimitiveSchema::Number(n),
        PrimitiveSchema::Number(NumberSchema::new(NumberKind::Number)),
        PrimitiveSchema::Boolean(b),
        PrimitiveSchema::UntitledSingleSelect(us),
        PrimitiveSchema::TitledSingleSelect(ts),
        PrimitiveSchema::LegacyTitled(lt),
        PrimitiveSchema::UntitledMultiSelect(um),
        PrimitiveSchema::TitledMultiSelect(tm),
    ]
}

pub(crate) fn form_params(mode: bool) -> ElicitRequestFormParams {
    let props: BTreeMap<String, PrimitiveSchema> = all_primitive_schemas()
        .into_iter()
        .enumerate()
        .map(|(i, s)| (format!("field{i}"), s))
        .collect();
    let mut schema = ElicitationSchema::new(props);
    schema.schema = Some("https://json-schema.org/draft/2020-12/schema".into());
    schema.required = Some(vec!["field0".into()]);
    let mut p = ElicitRequestFormParams::new("Tell me", schema);
    if !mode {
        p.mode = None;
    }
    p
}

pub(crate) fn sampling_params(with_tools: bool) -> CreateMessageParams {
    let mut input = JsonObject::new();
    input.insert("a".into(), json!(1));
    let mut tool_result = ToolResultContent::new("call-1", vec![ContentBlock::text("3")]);
    tool_result.structured_content = Some(json!({"sum": 3}));
    tool_result.is_error = Some(false);
    let mut messages = vec![SamplingMessage::new(
        Role::User,
        SamplingContent::text("What is 1+2?"),
    )];
    if with_tools {
        messages.push(SamplingMessage::new(
            Role::Assistant,
            vec![SamplingContent::ToolUse(ToolUseContent::new(
                "call-1", "add", input,
            ))],
        ));
        messages.push(SamplingMessage::new(
            Role::User,
            vec![SamplingContent::ToolResult(tool_result)],
        ));
    }
    let mut p = CreateMessageParams::new(messages, 100);
    p.system_prompt = Some("Be brief".into());
    let mut prefs = ModelPreferences::default();
    prefs.hints = Some(vec![ModelHint::new("claude")]);
    prefs.cost_priority = Some(0.2);
    prefs.speed_priority = Some(0.5);
    prefs.intelligence_priority = Some(0.9);
    p.model_preferences = Some(prefs);
    p.temperature = Some(0.7);
    p.stop_sequences = Some(vec!["STOP".into()]);
    p.metadata = Some(obj(json!({"k": "v"})));
    p.include_context = Some(IncludeContext::None);
    if with_tools {
        let mut tool = Tool::new("add", input_schema());
        tool.description = Some("Adds".into());
        p.tools = Some(vec![tool]);
        let mut choice = ToolChoice::default();
        choice.mode = Some(ToolChoiceMode::Auto);
        p.tool_choice = Some(choice);
    }
    p
}

pub(crate) fn sampling_result(many: bool) -> CreateMessageResult {
    let mut r = if many {
        let mut input = JsonObject::new();
        input.insert("a".into(), json!(1));
        CreateMessageResult::new(
            Role::Assistant,
            vec![
                SamplingContent::text("calling"),
                SamplingContent::ToolUse(ToolUseContent::new("c", "add", input)),
            ],
            "model-1",
        )
    } else {
        CreateMessageResult::new(Role::Assistant, SamplingContent::text("3"), "model-1")
    };
    r.stop_reason = Some(if many {
        StopReason::ToolUse
    } else {
        StopReason::EndTurn
    });
    r
}

fn elicit_result() -> ElicitResult {
    let mut r = ElicitResult::new(ElicitAction::Accept);
    r.content = Some(obj(
        json!({"name": "x", "age": 3, "ok": true, "tags": ["a", "b"]}),
    ));
    r
}

fn roots_result() -> ListRootsResult {
    let mut root = Root::new("file:///home/user/project");
    root.name = Some("Project".into());
    root.meta = Some(obj(json!({"com.example/k": 1})));
    ListRootsResult::new(vec![root])
}

fn input_required() -> InputRequiredResult {
    let mut r = InputRequiredResult::new();
    let mut url = ElicitRequestUrlParams::new("Open this", "https://example.com/auth");
    url.meta = Some(obj(json!({"com.example/k": 1})));
    let mut roots = ListRootsParams::default();
    roots.meta = Some(obj(json!({"com.example/k": 1})));
    r.input_requests = Some(BTreeMap::from([
        (
            "form".to_owned(),
            InputRequest::Elicitation(form_params(true).into()),
        ),
        ("url".to_owned(), InputRequest::Elicitation(url.into())),
        (
            "sample".to_owned(),
            InputRequest::Sampling(sampling_params(true)),
        ),
        (
            "roots".to_owned(),
            InputRequest::Roots(ListRootsParams::default()),
        ),
        ("roots2".to_owned(), InputRequest::Roots(roots)),
    ]));
    r.request_state = Some("opaque".into());
    r.meta = Some(result_meta());
    r
}

fn input_responses() -> InputResponses {
    let mut r = InputResponses::new();
    r.insert("form", &elicit_result()).expect("json");
    r.insert("sample", &sampling_result(false)).expect("json");
    r.insert("roots", &roots_result()).expect("json");
    r
}

fn ext_task(status: TaskStatus) -> ExtTask {
    let mut t = ExtTask::new(
        "task-1",
        status,
        "2026-07-28T10:00:00Z",
        "2026-07-28T10:00:01Z",
    );
    t.status_message = Some("working on it".into());
    t.ttl_ms = Some(60_000);
    t.poll_interval_ms = Some(1000);
    t
}

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "a corpus is a flat list of values; splitting it would hide what is covered"
)]
fn corpus_2026_07_28() {
    let mut c = Corpus::new(REV);

    // Requests.
    let mut discover = DiscoverParams::default();
    discover.meta = Some(request_meta());
    c.add("DiscoverRequest", request(1, &discover));
    let mut list_tools = ListToolsParams::default();
    list_tools.cursor = Some("c1".into());
    list_tools.meta = Some(request_meta());
    c.add("ListToolsRequest", request(2, &list_tools));
    let mut call = CallToolParams::new("add");
    call.arguments = Some(obj(json!({"a": 1, "b": 2})));
    call.input_responses = Some(input_responses());
    call.request_state = Some("opaque".into());
    call.meta = Some(request_meta());
    c.add("CallToolRequest", request(3, &call));
    c.typed("CallToolRequestParams", &call);
    let mut list_resources = ListResourcesParams::default();
    list_resources.cursor = Some(String::new());
    list_resources.meta = Some(request_meta());
    c.add("ListResourcesRequest", request(4, &list_resources));
    let mut list_templates = ListResourceTemplatesParams::default();
    list_templates.meta = Some(request_meta());
    c.add("ListResourceTemplatesRequest", request(5, &list_templates));
    let mut read = ReadResourceParams::new("file:///a.txt");
    read.input_responses = Some(input_responses());
    read.request_state = Some("s".into());
    read.meta = Some(request_meta());
    c.add("ReadResourceRequest", request(6, &read));
    let mut list_prompts = ListPromptsParams::default();
    list_prompts.meta = Some(request_meta());
    c.add("ListPromptsRequest", request(7, &list_prompts));
    let mut get_prompt = GetPromptParams::new("review");
    get_prompt.arguments = Some(BTreeMap::from([("code".to_owned(), "x".to_owned())]));
    get_prompt.input_responses = Some(input_responses());
    get_prompt.request_state = Some("s".into());
    get_prompt.meta = Some(request_meta());
    c.add("GetPromptRequest", request(8, &get_prompt));
    let mut prompt_ref = PromptReference::new("review");
    prompt_ref.title = Some("Review".into());
    let mut complete = CompleteParams::new(
        CompletionReference::Prompt(prompt_ref),
        CompletionArgument::new("lang", "py"),
    );
    let mut ctx = CompletionContext::default();
    ctx.arguments = Some(BTreeMap::from([(
        "framework".to_owned(),
        "flask".to_owned(),
    )]));
    complete.context = Some(ctx);
    complete.meta = Some(request_meta());
    c.add("CompleteRequest", request(9, &complete));
    let mut complete_res = CompleteParams::new(
        CompletionReference::Resource(ResourceTemplateReference::new("file:///{path}")),
        CompletionArgument::new("path", "sr"),
    );
    complete_res.meta = Some(request_meta());
    c.add("CompleteRequest", request(10, &complete_res));
    let mut filter = SubscriptionFilter::default();
    filter.tools_list_changed = Some(true);
    filter.prompts_list_changed = Some(true);
    filter.resources_list_changed = Some(false);
    filter.resource_subscriptions = Some(vec!["file:///a.txt".into()]);
    let mut listen = SubscriptionsListenParams::new(filter.clone());
    listen.meta = Some(request_meta());
    c.add("SubscriptionsListenRequest", request(11, &listen));
    c.add("RequestMetaObject", Value::Object(request_meta()));

    // Results and responses.
    let mut discovered = DiscoverResult::new(
        vec![REV.into()],
        modern_server_capabilities(),
        3_600_000,
        CacheScope::Public,
    );
    discovered.instructions = Some("Use add".into());
    discovered.meta = Some(result_meta());
    c.add("DiscoverResultResponse", response(1, &discovered));
    let mut tools = ListToolsResult::new(vec![
        full_tool(),
        Tool::new("bare", obj(json!({"type": "object"}))),
    ]);
    tools.next_cursor = Some("c2".into());
    tools.ttl_ms = Some(0);
    tools.cache_scope = Some(CacheScope::Private);
    tools.result_type = Some(ResultType::Complete);
    tools.meta = Some(result_meta());
    c.add("ListToolsResultResponse", response(2, &tools));
    let mut called = CallToolResult::new(all_blocks());
    called.structured_content = Some(json!([1, 2, 3]));
    called.is_error = Some(false);
    called.result_type = Some(ResultType::Complete);
    called.meta = Some(result_meta());
    c.add("CallToolResultResponse", response(3, &called));
    let mut empty = CallToolResult::new(vec![]);
    empty.result_type = Some(ResultType::Complete);
    c.add("CallToolResult", round_trip(&empty));
    for mut r in [
        CallToolResult::text("ok"),
        CallToolResult::error("bad input"),
        CallToolResult::structured(json!({"sum": 3})),
    ] {
        r.result_type = Some(ResultType::Complete);
        c.typed("CallToolResult", &r);
    }
    c.add("CallToolResultResponse", response(3, &input_required()));
    c.typed("InputRequiredResult", &input_required());
    c.typed("InputResponses", &input_responses());
    let mut resources = ListResourcesResult::new(vec![resource(), Resource::new("file:///b", "b")]);
    resources.next_cursor = Some("n".into());
    resources.ttl_ms = Some(600_000);
    resources.cache_scope = Some(CacheScope::Public);
    resources.result_type = Some(ResultType::Complete);
    resources.meta = Some(result_meta());
    c.add("ListResourcesResultResponse", response(4, &resources));
    let mut template = ResourceTemplate::new("file:///{path}", "files");
    template.title = Some("Files".into());
    template.description = Some("Project files".into());
    template.mime_type = Some("text/plain".into());
    template.icons = Some(vec![icon()]);
    template.annotations = Some(annotations());
    template.meta = Some(obj(json!({"com.example/k": 1})));
    let mut templates = ListResourceTemplatesResult::new(vec![template]);
    templates.next_cursor = Some("n".into());
    templates.ttl_ms = Some(1);
    templates.cache_scope = Some(CacheScope::Public);
    templates.result_type = Some(ResultType::Complete);
    c.add(
        "ListResourceTemplatesResultResponse",
        response(5, &templates),
    );
    let mut read_result = ReadResourceResult::new(vec![text_resource(), blob_resource()]);
    read_result.ttl_ms = Some(60_000);
    read_result.cache_scope = Some(CacheScope::Private);
    read_result.result_type = Some(ResultType::Complete);
    read_result.meta = Some(result_meta());
    c.add("ReadResourceResultResponse", response(6, &read_result));
    let mut prompt = Prompt::new("review");
    prompt.title = Some("Review".into());
    prompt.description = Some("Reviews code".into());
    let mut arg = PromptArgument::new("code");
    arg.title = Some("Code".into());
    arg.description = Some("The code".into());
    arg.required = Some(true);
    prompt.arguments = Some(vec![arg]);
    prompt.icons = Some(vec![icon()]);
    prompt.meta = Some(obj(json!({"com.example/k": 1})));
    let mut prompts = ListPromptsResult::new(vec![prompt]);
    prompts.next_cursor = Some("n".into());
    prompts.ttl_ms = Some(5);
    prompts.cache_scope = Some(CacheScope::Public);
    prompts.result_type = Some(ResultType::Complete);
    c.add("ListPromptsResultResponse", response(7, &prompts));
    let messages = all_blocks()
        .into_iter()
        .map(|b| PromptMessage::new(Role::User, b))
        .chain([PromptMessage::new(
            Role::Assistant,
            ContentBlock::text("ok"),
        )])
        .collect();
    let mut prompt_result = GetPromptResult::new(messages);
    prompt_result.description = Some("A review".into());
    prompt_result.result_type = Some(ResultType::Complete);
    prompt_result.meta = Some(result_meta());
    c.add("GetPromptResultResponse", response(8, &prompt_result));
    let mut completion = Completion::new(vec!["python".into(), "pytorch".into()]);
    completion.total = Some(10);
    completion.has_more = Some(true);
    let mut completed = CompleteResult::new(completion);
    completed.result_type = Some(ResultType::Complete);
    completed.meta = Some(result_meta());
    c.add("CompleteResultResponse", response(9, &completed));
    let listen_result = SubscriptionsListenResult::new(&RequestId::from("listen-1"));
    c.add(
        "SubscriptionsListenResultResponse",
        response(11, &listen_result),
    );
    c.add(
        "SubscriptionsListenResultResponse",
        response(12, &SubscriptionsListenResult::new(&RequestId::from(12))),
    );
    c.add(
        "JSONRPCResultResponse",
        response(13, &EmptyResult::complete()),
    );
    c.typed("EmptyResult", &EmptyResult::complete());

    // Notifications.
    let mut cancelled = CancelledParams::new(RequestId::from("123"));
    cancelled.reason = Some("user".into());
    cancelled.meta = Some(notification_meta());
    c.add("CancelledNotification", notification(&cancelled));
    let mut progress = ProgressParams::new(ProgressToken::from("tok"), 50.0);
    progress.total = Some(100.0);
    progress.message = Some("halfway".into());
    progress.meta = Some(Meta::new());
    c.add("ProgressNotification", notification(&progress));
    c.add(
        "ProgressNotification",
        notification(&ProgressParams::new(ProgressToken::from(1), 0.5)),
    );
    let mut log = LoggingMessageParams::new(LoggingLevel::Error, json!({"error": "boom"}));
    log.logger = Some("db".into());
    c.add("LoggingMessageNotification", notification(&log));
    let mut updated = ResourceUpdatedParams::new("file:///a.txt");
    updated.meta = Some(notification_meta());
    c.add("ResourceUpdatedNotification", notification(&updated));
    let mut list_changed = ResourceListChangedParams::default();
    list_changed.meta = Some(notification_meta());
    c.add(
        "ResourceListChangedNotification",
        notification(&list_changed),
    );
    let mut tools_changed = ToolListChangedParams::default();
    tools_changed.meta = Some(notification_meta());
    c.add("ToolListChangedNotification", notification(&tools_changed));
    c.add(
        "ToolListChangedNotification",
        notification(&ToolListChangedParams::default()),
    );
    let mut prompts_changed = PromptListChangedParams::default();
    prompts_changed.meta = Some(notification_meta());
    c.add(
        "PromptListChangedNotification",
        notification(&prompts_changed),
    );
    let ack = SubscriptionsAcknowledgedParams::new(&RequestId::from("listen-1"), filter);
    c.add("SubscriptionsAcknowledgedNotification", notification(&ack));

    // Errors.
    c.add(
        "UnsupportedProtocolVersionError",
        error_response(
            1,
            ErrorObject::new(
                ErrorCode::UNSUPPORTED_PROTOCOL_VERSION,
                "Unsupported protocol version",
            )
            .with_data(json!({"supported": [REV], "requested": "1900-01-01"})),
        ),
    );
    let mut required = ClientCapabilities::default();
    required.sampling = Some(SamplingCapability::default());
    c.add(
        "MissingRequiredClientCapabilityError",
        error_response(
            2,
            ErrorObject::new(
                ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY,
                "Missing capability",
            )
            .with_data(json!({"requiredCapabilities": to_json(&required)})),
        ),
    );
    c.add(
        "HeaderMismatchError",
        error_response(
            3,
            ErrorObject::new(ErrorCode::HEADER_MISMATCH, "Header mismatch"),
        ),
    );

    // Standalone shapes.
    for block in all_blocks() {
        c.typed("ContentBlock", &block);
    }
    let mut input = JsonObject::new();
    input.insert("x".into(), json!(1));
    let mut tool_use = ToolUseContent::new("id-1", "add", input);
    tool_use.meta = Some(obj(json!({"com.example/k": 1})));
    let mut tool_result = ToolResultContent::new("id-1", all_blocks());
    tool_result.structured_content = Some(json!("any JSON"));
    tool_result.is_error = Some(true);
    tool_result.meta = Some(obj(json!({"com.example/k": 1})));
    for block in [
        SamplingContent::Text(text_content()),
        SamplingContent::Image(image_content()),
        SamplingContent::Audio(audio_content()),
        SamplingContent::ToolUse(tool_use),
        SamplingContent::ToolResult(tool_result),
    ] {
        c.typed("SamplingMessageContentBlock", &block);
    }
    for schema in all_primitive_schemas() {
        c.typed("PrimitiveSchemaDefinition", &schema);
    }
    c.typed(
        "ElicitRequestParams",
        &ElicitRequestParams::Form(form_params(true)),
    );
    c.typed(
        "ElicitRequestFormParams",
        &ElicitRequestParams::Form(form_params(false)),
    );
    c.typed(
        "ElicitRequestURLParams",
        &ElicitRequestParams::Url(ElicitRequestUrlParams::new("Open", "https://example.com/x")),
    );
    c.typed("ElicitResult", &elicit_result());
    c.typed("ElicitResult", &ElicitResult::new(ElicitAction::Decline));
    c.typed("ElicitResult", &ElicitResult::new(ElicitAction::Cancel));
    c.typed("CreateMessageRequestParams", &sampling_params(true));
    c.typed("CreateMessageRequestParams", &sampling_params(false));
    c.typed("CreateMessageResult", &sampling_result(false));
    c.typed("CreateMessageResult", &sampling_result(true));
    for (_, req) in input_required().input_requests.expect("requests") {
        c.typed("InputRequest", &req);
    }
    c.typed("ListRootsResult", &roots_result());
    c.typed("ClientCapabilities", &modern_client_capabilities());
    c.typed("ClientCapabilities", &ClientCapabilities::default());
    c.typed("ServerCapabilities", &modern_server_capabilities());
    c.typed("Tool", &full_tool());
    c.typed("Implementation", &client_info());
    c.typed("Resource", &resource());
    c.typed("Annotations", &annotations());

    // The tasks extension has no definitions in the core schema: its results are `Result`s
    // and its requests and notifications ordinary JSON-RPC messages.
    let created = ExtCreateTaskResult::new(ext_task(TaskStatus::Working));
    c.typed("Result", &created);
    let mut unlimited = ExtCreateTaskResult::new(ext_task(TaskStatus::Working));
    unlimited.task.ttl_ms = None;
    assert_eq!(
        to_json(&unlimited)["ttlMs"],
        Value::Null,
        "ttlMs is written as null"
    );
    assert!(to_json(&unlimited).get("pollIntervalMs").is_some());
    c.typed("Result", &unlimited);
    let mut got = ExtGetTaskResult::new(ext_task(TaskStatus::Completed));
    got.result = Some(to_json(&CallToolResult::text("done")));
    c.add("JSONRPCResultResponse", response(20, &got));
    let mut waiting = ExtGetTaskResult::new(ext_task(TaskStatus::InputRequired));
    waiting.input_requests = input_required().input_requests;
    c.typed("Result", &waiting);
    let mut failed = ExtGetTaskResult::new(ext_task(TaskStatus::Failed));
    failed.error = Some(ErrorObject::internal("boom"));
    c.typed("Result", &failed);
    let mut get = ExtGetTaskParams::new("task-1");
    get.meta = Some(request_meta());
    c.add("JSONRPCRequest", request(21, &get));
    let mut update = ExtUpdateTaskParams::new("task-1", input_responses());
    update.meta = Some(request_meta());
    c.add("JSONRPCRequest", request(22, &update));
    let mut cancel = ExtCancelTaskParams::new("task-1");
    cancel.meta = Some(request_meta());
    c.add("JSONRPCRequest", request(23, &cancel));
    let mut pushed = ExtTaskNotificationParams::new(ext_task(TaskStatus::Cancelled));
    pushed.meta = Some(notification_meta());
    c.add("JSONRPCNotification", notification(&pushed));

    let n = c.check();
    assert!(n > 90, "only {n} values");
}

#[test]
fn optional_fields_are_absent_not_null() {
    let tool = to_json(&Tool::new("t", obj(json!({"type": "object"}))));
    assert_eq!(
        tool,
        json!({"name": "t", "inputSchema": {"type": "object"}})
    );
    assert!(tool.get("title").is_none());
    assert_eq!(
        to_json(&CallToolResult::new(vec![])),
        json!({"content": []})
    );
    assert_eq!(to_json(&ListToolsResult::new(vec![])), json!({"tools": []}));
    assert_eq!(to_json(&ClientCapabilities::default()), json!({}));
    assert_eq!(
        to_json(&Implementation::new("n", "1")),
        json!({"name": "n", "version": "1"})
    );
    let mut caps = ServerCapabilities::default();
    caps.completions = Some(JsonObject::new());
    caps.tools = Some(ToolsCapability::default());
    assert_eq!(to_json(&caps), json!({"completions": {}, "tools": {}}));
}
