//! Hand-written decoders: each shape is chosen by its keys, and malformed input fails.

use mcp_core::protocol::methods::{self, is_removed_in_modern};
use mcp_core::protocol::{
    ElicitRequestParams, InputRequest, LoggingLevel, PrimitiveSchema, ProgressToken,
    ResourceContents, SamplingMessageContent, StopReason,
};
use serde_json::json;

fn decode<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(v)
}

#[test]
fn resource_contents_need_exactly_one_of_text_and_blob() {
    assert!(matches!(
        decode::<ResourceContents>(json!({"uri": "u", "text": "t"})),
        Ok(ResourceContents::Text(_))
    ));
    assert!(matches!(
        decode::<ResourceContents>(json!({"uri": "u", "blob": "AA=="})),
        Ok(ResourceContents::Blob(_))
    ));
    assert!(decode::<ResourceContents>(json!({"uri": "u", "text": "t", "blob": "AA=="})).is_err());
    assert!(decode::<ResourceContents>(json!({"uri": "u"})).is_err());
}

#[test]
fn elicitation_params_dispatch_on_mode() {
    let schema = json!({"type": "object", "properties": {}});
    let form = decode::<ElicitRequestParams>(json!({"message": "m", "requestedSchema": schema}));
    assert!(matches!(form, Ok(ElicitRequestParams::Form(p)) if p.mode.is_none()));
    let url =
        decode::<ElicitRequestParams>(json!({"mode": "url", "message": "m", "url": "https://x"}));
    assert!(matches!(url, Ok(ElicitRequestParams::Url(_))));
    assert!(decode::<ElicitRequestParams>(json!({"mode": "voice", "message": "m"})).is_err());
    assert!(decode::<ElicitRequestParams>(json!({"mode": "url", "message": "m"})).is_err());
}

#[test]
fn primitive_schemas_dispatch_on_keys() {
    let cases = [
        (json!({"type": "string"}), "String"),
        (json!({"type": "integer"}), "Number"),
        (json!({"type": "boolean"}), "Boolean"),
        (
            json!({"type": "string", "enum": ["a"]}),
            "UntitledSingleSelect",
        ),
        (
            json!({"type": "string", "enum": ["a"], "enumNames": ["A"]}),
            "LegacyTitled",
        ),
        (
            json!({"type": "string", "oneOf": [{"const": "a", "title": "A"}]}),
            "TitledSingleSelect",
        ),
        (
            json!({"type": "array", "items": {"type": "string", "enum": ["a"]}}),
            "UntitledMultiSelect",
        ),
        (
            json!({"type": "array", "items": {"anyOf": [{"const": "a", "title": "A"}]}}),
            "TitledMultiSelect",
        ),
    ];
    for (json, expected) in cases {
        let schema: PrimitiveSchema =
            decode(json.clone()).unwrap_or_else(|e| panic!("{json}: {e}"));
        let name = format!("{schema:?}");
        assert!(name.starts_with(expected), "{json} decoded as {name}");
        assert_eq!(serde_json::to_value(&schema).expect("json"), json);
    }
    assert!(decode::<PrimitiveSchema>(json!({"type": "object"})).is_err());
    assert!(decode::<PrimitiveSchema>(json!({"title": "no type"})).is_err());
    assert!(decode::<PrimitiveSchema>(json!({"type": "string", "oneOf": "bad"})).is_err());
}

#[test]
fn input_requests_dispatch_on_method() {
    let roots = decode::<InputRequest>(json!({"method": "roots/list"})).expect("roots");
    assert_eq!(roots.method(), methods::ROOTS_LIST);
    assert_eq!(
        serde_json::to_value(&roots).expect("json"),
        json!({"method": "roots/list"})
    );
    assert!(decode::<InputRequest>(json!({"method": "tools/call", "params": {}})).is_err());
    assert!(
        decode::<InputRequest>(json!({"method": "sampling/createMessage", "params": {}})).is_err()
    );
}

#[test]
fn sampling_content_is_one_or_many() {
    let one = decode::<SamplingMessageContent>(json!({"type": "text", "text": "a"})).expect("one");
    assert!(matches!(one, SamplingMessageContent::One(_)));
    let many =
        decode::<SamplingMessageContent>(json!([{"type": "text", "text": "a"}])).expect("many");
    assert_eq!(many.blocks().len(), 1);
    assert!(decode::<SamplingMessageContent>(json!("text")).is_err());
    assert!(
        decode::<SamplingMessageContent>(json!({"type": "resource_link", "uri": "u", "name": "n"}))
            .is_err()
    );
}

#[test]
fn scalars() {
    assert!(
        LoggingLevel::Debug < LoggingLevel::Info && LoggingLevel::Alert < LoggingLevel::Emergency
    );
    assert_eq!(
        decode::<StopReason>(json!("endTurn")).expect("known"),
        StopReason::EndTurn
    );
    assert_eq!(
        decode::<StopReason>(json!("custom")).expect("other"),
        StopReason::Other("custom".into())
    );
    assert_eq!(
        serde_json::to_value(StopReason::Other("x".into())).expect("json"),
        json!("x")
    );
    assert_eq!(
        decode::<ProgressToken>(json!("7")).expect("string"),
        ProgressToken::from("7")
    );
    assert!(decode::<ProgressToken>(json!(null)).is_err());
    assert!(decode::<ProgressToken>(json!(true)).is_err());
}

#[test]
fn removed_methods() {
    for m in [
        "initialize",
        "ping",
        "logging/setLevel",
        "resources/subscribe",
        "resources/unsubscribe",
        "tasks/list",
        "tasks/result",
        "notifications/initialized",
        "notifications/roots/list_changed",
    ] {
        assert!(is_removed_in_modern(m), "{m}");
    }
    for m in [
        "completion/complete",
        "tools/call",
        "server/discover",
        "subscriptions/listen",
        "tasks/get",
        "notifications/cancelled",
    ] {
        assert!(!is_removed_in_modern(m), "{m}");
    }
}
