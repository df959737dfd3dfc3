//! Every official 2026-07-28 example decodes into its Rust type and re-encodes to the same
//! JSON (numbers compared by value).

use std::fmt::Debug;
use std::path::{Path, PathBuf};

use mcp_core::jsonrpc::{
    ErrorObject, Message, Notification, Request, Response, decode_message, decode_params, encode,
};
use mcp_core::protocol::{
    CallToolParams, CallToolResult, CancelledParams, ClientCapabilities, CompleteParams,
    CompleteResult, ContentBlock, CreateMessageParams, CreateMessageResult, DiscoverParams,
    DiscoverResult, ElicitRequestParams, ElicitResult, GetPromptParams, GetPromptResult,
    InputRequest, InputRequests, InputRequiredResult, InputResponses, ListPromptsParams,
    ListPromptsResult, ListResourceTemplatesParams, ListResourceTemplatesResult,
    ListResourcesParams, ListResourcesResult, ListRootsResult, ListToolsParams, ListToolsResult,
    LoggingMessageParams, ModelPreferences, NotificationParams, PaginatedParams, PrimitiveSchema,
    ProgressParams, PromptListChangedParams, ReadResourceParams, ReadResourceResult, RequestMeta,
    RequestParams, Resource, ResourceContents, ResourceListChangedParams, ResourceUpdatedParams,
    Root, SamplingContent, SamplingMessage, ServerCapabilities, SubscriptionsAcknowledgedParams,
    SubscriptionsListenParams, SubscriptionsListenResult, Tool, ToolListChangedParams,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::support::json_eq;

fn examples_dir() -> PathBuf {
    [
        env!("CARGO_MANIFEST_DIR"),
        "tests",
        "schema",
        "2026-07-28",
        "examples",
    ]
    .iter()
    .collect()
}

fn rt<T: Serialize + DeserializeOwned>(json: &Value) -> Value {
    let t: T =
        serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("does not decode: {e}"));
    serde_json::to_value(&t).expect("serializes")
}

/// Like [`rt`], and the decoded value must satisfy `check` (which variant, typically).
fn rt_where<T: Serialize + DeserializeOwned + Debug>(
    json: &Value,
    check: impl Fn(&T) -> bool,
) -> Value {
    let t: T =
        serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("does not decode: {e}"));
    assert!(check(&t), "unexpected shape: {t:?}");
    serde_json::to_value(&t).expect("serializes")
}

fn message(json: &Value) -> Message {
    decode_message(&serde_json::to_vec(json).expect("bytes"))
        .unwrap_or_else(|e| panic!("not a message: {e}"))
}

fn message_json(m: &Message) -> Value {
    serde_json::from_slice(&encode(m)).expect("JSON")
}

/// A full request: decode the envelope, then the params by method; re-encode.
fn request<P: RequestParams>(json: &Value) -> Value {
    let Message::Request(req) = message(json) else {
        panic!("not a request")
    };
    assert_eq!(req.method, P::METHOD);
    let params: P = decode_params(req.params.as_deref()).unwrap_or_else(|e| panic!("params: {e}"));
    // Every modern request carries the protocol version and client capabilities in `_meta`.
    let params_json = serde_json::to_value(&params).expect("serializes");
    let meta = params_json["_meta"]
        .as_object()
        .expect("modern requests carry _meta");
    let typed = RequestMeta::from_meta(meta).expect("typed _meta");
    assert_eq!(typed.protocol_version.as_deref(), Some("2026-07-28"));
    assert!(typed.client_capabilities.is_some());
    let raw = serde_json::value::to_raw_value(&params).expect("raw");
    message_json(&Message::Request(Request::new(
        req.id,
        req.method,
        Some(raw),
    )))
}

/// A full notification: decode the envelope, then the params by method; re-encode.
fn notification<P: NotificationParams>(json: &Value) -> Value {
    let Message::Notification(n) = message(json) else {
        panic!("not a notification")
    };
    assert_eq!(n.method, P::METHOD);
    let had_params = n.params.is_some();
    let params: P = decode_params(n.params.as_deref()).unwrap_or_else(|e| panic!("params: {e}"));
    let raw = had_params.then(|| serde_json::value::to_raw_value(&params).expect("raw"));
    message_json(&Message::Notification(Notification::new(n.method, raw)))
}

/// A full result response: decode the envelope, then the result by type; re-encode.
fn response<R: Serialize + DeserializeOwned>(json: &Value) -> Value {
    let Message::Response(r) = message(json) else {
        panic!("not a response")
    };
    let raw = r.outcome.expect("a result response");
    let result: R = serde_json::from_str(raw.get()).unwrap_or_else(|e| panic!("result: {e}"));
    let raw = serde_json::value::to_raw_value(&result).expect("raw");
    message_json(&Message::Response(Response::result(r.id.expect("id"), raw)))
}

/// A full error response.
fn error_response(json: &Value, check: impl Fn(&ErrorObject)) -> Value {
    let Message::Response(r) = message(json) else {
        panic!("not a response")
    };
    let error = r.outcome.expect_err("an error response");
    check(&error);
    message_json(&Message::Response(Response::error(r.id, error)))
}

fn with_code(code: i32) -> impl Fn(&ErrorObject) {
    move |e| assert_eq!(e.code.code(), code)
}

/// Round-trips an example of `type_name`: `(expected, actual)`, or `None` when the type has
/// no mapping.
#[expect(
    clippy::too_many_lines,
    reason = "one flat table from example directory to Rust type"
)]
fn round_trip(type_name: &str, json: &Value) -> Option<(Value, Value)> {
    let mut expected = json.clone();
    let out = match type_name {
        // Content.
        "TextContent" => rt_where::<ContentBlock>(json, |b| matches!(b, ContentBlock::Text(_))),
        "ImageContent" => rt_where::<ContentBlock>(json, |b| matches!(b, ContentBlock::Image(_))),
        "AudioContent" => rt_where::<ContentBlock>(json, |b| matches!(b, ContentBlock::Audio(_))),
        "ResourceLink" => {
            rt_where::<ContentBlock>(json, |b| matches!(b, ContentBlock::ResourceLink(_)))
        }
        "EmbeddedResource" => {
            rt_where::<ContentBlock>(json, |b| matches!(b, ContentBlock::Resource(_)))
        }
        "ToolUseContent" => {
            rt_where::<SamplingContent>(json, |b| matches!(b, SamplingContent::ToolUse(_)))
        }
        "ToolResultContent" => {
            rt_where::<SamplingContent>(json, |b| matches!(b, SamplingContent::ToolResult(_)))
        }
        "TextResourceContents" => {
            rt_where::<ResourceContents>(json, |c| matches!(c, ResourceContents::Text(_)))
        }
        "BlobResourceContents" => {
            rt_where::<ResourceContents>(json, |c| matches!(c, ResourceContents::Blob(_)))
        }
        // Elicitation schemas.
        "StringSchema" => {
            rt_where::<PrimitiveSchema>(json, |s| matches!(s, PrimitiveSchema::String(_)))
        }
        "NumberSchema" => {
            rt_where::<PrimitiveSchema>(json, |s| matches!(s, PrimitiveSchema::Number(_)))
        }
        "BooleanSchema" => {
            rt_where::<PrimitiveSchema>(json, |s| matches!(s, PrimitiveSchema::Boolean(_)))
        }
        "UntitledSingleSelectEnumSchema" => rt_where::<PrimitiveSchema>(json, |s| {
            matches!(s, PrimitiveSchema::UntitledSingleSelect(_))
        }),
        "TitledSingleSelectEnumSchema" => rt_where::<PrimitiveSchema>(json, |s| {
            matches!(s, PrimitiveSchema::TitledSingleSelect(_))
        }),
        "UntitledMultiSelectEnumSchema" => rt_where::<PrimitiveSchema>(json, |s| {
            matches!(s, PrimitiveSchema::UntitledMultiSelect(_))
        }),
        "TitledMultiSelectEnumSchema" => rt_where::<PrimitiveSchema>(json, |s| {
            matches!(s, PrimitiveSchema::TitledMultiSelect(_))
        }),
        "ElicitRequestFormParams" => {
            rt_where::<ElicitRequestParams>(json, |p| matches!(p, ElicitRequestParams::Form(_)))
        }
        "ElicitRequestURLParams" => {
            rt_where::<ElicitRequestParams>(json, |p| matches!(p, ElicitRequestParams::Url(_)))
        }
        // Input requests: `{method, params}` without `jsonrpc`.
        "ElicitRequest" => {
            rt_where::<InputRequest>(json, |r| matches!(r, InputRequest::Elicitation(_)))
        }
        "CreateMessageRequest" => {
            rt_where::<InputRequest>(json, |r| matches!(r, InputRequest::Sampling(_)))
        }
        "ListRootsRequest" => {
            // The example carries an `id` left over from the legacy request shape; input
            // requests have no id, so it is dropped before comparing.
            expected.as_object_mut().expect("object").remove("id");
            rt_where::<InputRequest>(&expected, |r| matches!(r, InputRequest::Roots(_)))
        }
        "InputRequests" => rt::<InputRequests>(json),
        "InputResponses" => {
            let r: InputResponses = serde_json::from_value(json.clone()).expect("decodes");
            // Each response decodes by the method the server asked for.
            for key in r.responses.keys() {
                let ok = r.elicit(key).is_some_and(|x| x.is_ok())
                    || r.sampling(key).is_some_and(|x| x.is_ok());
                assert!(
                    ok,
                    "input response {key} decodes as neither elicitation nor sampling"
                );
            }
            rt::<InputResponses>(json)
        }
        // Params.
        "CallToolRequestParams" => rt::<CallToolParams>(json),
        "CancelledNotificationParams" => rt::<CancelledParams>(json),
        "CompleteRequestParams" => rt::<CompleteParams>(json),
        "CreateMessageRequestParams" => rt::<CreateMessageParams>(json),
        "GetPromptRequestParams" => rt::<GetPromptParams>(json),
        "LoggingMessageNotificationParams" => rt::<LoggingMessageParams>(json),
        "PaginatedRequestParams" => rt::<PaginatedParams>(json),
        "ProgressNotificationParams" => rt::<ProgressParams>(json),
        "ResourceUpdatedNotificationParams" => rt::<ResourceUpdatedParams>(json),
        // Results.
        "CallToolResult" => rt::<CallToolResult>(json),
        "CompleteResult" => rt::<CompleteResult>(json),
        "CreateMessageResult" => rt::<CreateMessageResult>(json),
        "DiscoverResult" => rt::<DiscoverResult>(json),
        "ElicitResult" => rt::<ElicitResult>(json),
        "GetPromptResult" => rt::<GetPromptResult>(json),
        "InputRequiredResult" => rt::<InputRequiredResult>(json),
        "ListPromptsResult" => rt::<ListPromptsResult>(json),
        "ListResourceTemplatesResult" => rt::<ListResourceTemplatesResult>(json),
        "ListResourcesResult" => rt::<ListResourcesResult>(json),
        "ListRootsResult" => rt::<ListRootsResult>(json),
        "ListToolsResult" => rt::<ListToolsResult>(json),
        "ReadResourceResult" => rt::<ReadResourceResult>(json),
        "SubscriptionsListenResult" => rt::<SubscriptionsListenResult>(json),
        // Other shapes.
        "ClientCapabilities" => rt::<ClientCapabilities>(json),
        "ServerCapabilities" => rt::<ServerCapabilities>(json),
        "ModelPreferences" => rt::<ModelPreferences>(json),
        "Resource" => rt::<Resource>(json),
        "Root" => rt::<Root>(json),
        "SamplingMessage" => rt::<SamplingMessage>(json),
        "Tool" => rt::<Tool>(json),
        // Full requests.
        "CallToolRequest" => request::<CallToolParams>(json),
        "CompleteRequest" => request::<CompleteParams>(json),
        "DiscoverRequest" => request::<DiscoverParams>(json),
        "GetPromptRequest" => request::<GetPromptParams>(json),
        "ListPromptsRequest" => request::<ListPromptsParams>(json),
        "ListResourceTemplatesRequest" => request::<ListResourceTemplatesParams>(json),
        "ListResourcesRequest" => request::<ListResourcesParams>(json),
        "ListToolsRequest" => request::<ListToolsParams>(json),
        "ReadResourceRequest" => request::<ReadResourceParams>(json),
        "SubscriptionsListenRequest" => request::<SubscriptionsListenParams>(json),
        // Full notifications.
        "CancelledNotification" => notification::<CancelledParams>(json),
        "LoggingMessageNotification" => notification::<LoggingMessageParams>(json),
        "ProgressNotification" => notification::<ProgressParams>(json),
        "PromptListChangedNotification" => notification::<PromptListChangedParams>(json),
        "ResourceListChangedNotification" => notification::<ResourceListChangedParams>(json),
        "ResourceUpdatedNotification" => notification::<ResourceUpdatedParams>(json),
        "SubscriptionsAcknowledgedNotification" => {
            notification::<SubscriptionsAcknowledgedParams>(json)
        }
        "ToolListChangedNotification" => notification::<ToolListChangedParams>(json),
        // Full result responses.
        "CallToolResultResponse" => response::<CallToolResult>(json),
        "CompleteResultResponse" => response::<CompleteResult>(json),
        "DiscoverResultResponse" => response::<DiscoverResult>(json),
        "GetPromptResultResponse" => response::<GetPromptResult>(json),
        "ListPromptsResultResponse" => response::<ListPromptsResult>(json),
        "ListResourceTemplatesResultResponse" => response::<ListResourceTemplatesResult>(json),
        "ListResourcesResultResponse" => response::<ListResourcesResult>(json),
        "ListToolsResultResponse" => response::<ListToolsResult>(json),
        "ReadResourceResultResponse" => response::<ReadResourceResult>(json),
        "SubscriptionsListenResultResponse" => response::<SubscriptionsListenResult>(json),
        // Full error responses.
        "HeaderMismatchError" => error_response(json, with_code(-32020)),
        "UnsupportedProtocolVersionError" => error_response(json, with_code(-32022)),
        "MissingRequiredClientCapabilityError" => error_response(json, |e| {
            assert_eq!(e.code.code(), -32021);
            let data = e.data.as_ref().expect("data");
            let caps: ClientCapabilities =
                serde_json::from_value(data["requiredCapabilities"].clone()).expect("capabilities");
            assert!(caps.elicitation.is_some());
        }),
        // Bare error objects.
        "ParseError" | "InvalidParamsError" | "InternalError" | "MethodNotFoundError" => {
            let e: ErrorObject = serde_json::from_value(json.clone()).expect("error object");
            let expected = match type_name {
                "ParseError" => -32700,
                "InvalidParamsError" => -32602,
                "InternalError" => -32603,
                _ => -32601,
            };
            assert_eq!(e.code.code(), expected);
            serde_json::to_value(&e).expect("serializes")
        }
        _ => return None,
    };
    Some((expected, out))
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("readable")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_official_example_round_trips() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(examples_dir())
        .expect("examples directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() > 80,
        "found only {} example directories",
        dirs.len()
    );

    let mut unmapped = Vec::new();
    let mut failures = Vec::new();
    let mut checked = 0;
    for dir in &dirs {
        let type_name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let files = json_files(dir);
        assert!(!files.is_empty(), "{type_name} has no examples");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("readable");
            let json: Value = serde_json::from_str(&text).expect("example is JSON");
            let result = std::panic::catch_unwind(|| round_trip(&type_name, &json));
            match result {
                Ok(None) => {
                    unmapped.push(type_name.clone());
                    break;
                }
                Ok(Some((expected, out))) if json_eq(&out, &expected) => checked += 1,
                Ok(Some((expected, out))) => {
                    failures.push(format!(
                        "{}:\n  in:  {expected}\n  out: {out}",
                        file.display()
                    ));
                }
                Err(_) => failures.push(format!("{}: panicked (see above)", file.display())),
            }
        }
    }
    assert!(
        unmapped.is_empty(),
        "example directories without a mapping: {unmapped:?}"
    );
    assert!(
        failures.is_empty(),
        "{} examples do not round-trip:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 129, "checked only {checked} examples");
}

#[test]
fn numeric_tolerant_equality() {
    assert!(json_eq(
        &serde_json::json!({"a": [50]}),
        &serde_json::json!({"a": [50.0]})
    ));
    assert!(!json_eq(
        &serde_json::json!({"a": 1}),
        &serde_json::json!({"a": 1, "b": 2})
    ));
    assert!(!json_eq(&serde_json::json!("1"), &serde_json::json!(1)));
}
