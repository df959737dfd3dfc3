use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::jsonrpc::{Category, ErrorCode};

fn category(bytes: &[u8]) -> Category {
    decode(bytes).expect_err("should fail").category()
}

fn single(bytes: &[u8]) -> Message {
    match decode(bytes).expect("should decode") {
        Decoded::Single(m) => m,
        Decoded::Batch(_) => panic!("unexpected batch"),
    }
}

#[test]
fn request_notification_response() {
    let Message::Request(r) =
        single(br#"{"jsonrpc":"2.0","id":"a","method":"tools/list","params":{}}"#)
    else {
        panic!("not a request")
    };
    assert_eq!(r.id, RequestId::String("a".into()));
    assert_eq!(r.params.as_deref().map(RawValue::get), Some("{}"));

    assert!(matches!(
        single(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#),
        Message::Notification(_)
    ));
    assert!(matches!(
        single(br#"{"jsonrpc":"2.0","id":7,"result":{}}"#),
        Message::Response(Response { outcome: Ok(_), .. })
    ));
    let Message::Response(r) =
        single(br#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}"#)
    else {
        panic!("not a response")
    };
    assert_eq!(r.id, None);
    assert_eq!(r.outcome.expect_err("error").code, ErrorCode::PARSE_ERROR);
}

#[test]
fn ids_keep_their_json_type() {
    for (text, id) in [
        (r#""7""#, RequestId::String("7".into())),
        ("7", RequestId::Number(7)),
        ("9007199254740991", RequestId::Number(9_007_199_254_740_991)),
        ("-1", RequestId::Number(-1)),
    ] {
        let bytes = format!(r#"{{"jsonrpc":"2.0","id":{text},"method":"ping"}}"#);
        let m = single(bytes.as_bytes());
        let Message::Request(r) = &m else {
            panic!("not a request")
        };
        assert_eq!(r.id, id);
        let response = Message::Response(Response::result(
            r.id.clone(),
            RawValue::from_string("{}".into()).expect("raw"),
        ));
        let out = String::from_utf8(encode(&response)).expect("utf8");
        assert!(out.contains(&format!(r#""id":{text}"#)), "{out}");
    }
}

#[test]
fn syntax_errors_are_32700() {
    for bad in [
        &b"{bad json"[..],
        b"",
        b"   ",
        b"{\"jsonrpc\":\"2.0\"} trailing",
        b"\xff\xfe",
        b"{\"a\":\"\xc3\x28\"}",
        b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":{\"n\":1e400}}",
        b"{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"x\"}",
        b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":{\"a\":{\"b\":1,\"b\":2}}}",
        b"[{\"a\":1,\"a\":1}]",
    ] {
        assert_eq!(
            category(bad),
            Category::Syntax,
            "{:?}",
            String::from_utf8_lossy(bad)
        );
        assert_eq!(
            decode(bad).expect_err("fails").code(),
            ErrorCode::PARSE_ERROR
        );
    }
}

#[test]
fn duplicate_keys_with_escapes_are_detected() {
    // "a" and "\u0061" are the same key.
    assert_eq!(category(br#"{"a":1,"\u0061":2}"#), Category::Syntax);
}

#[test]
fn duplicate_keys_in_large_objects_are_detected() {
    let mut obj = serde_json::Map::new();
    for i in 0..40 {
        obj.insert(format!("k{i}"), json!(i));
    }
    let text = serde_json::to_string(&obj).expect("json");
    let dup = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"m","params":{},"k39":0}}}}"#,
        &text[..text.len() - 1]
    );
    assert_eq!(category(dup.as_bytes()), Category::Syntax);
    let ok = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"m","params":{text}}}"#);
    assert!(decode(ok.as_bytes()).is_ok());
}

#[test]
fn depth_is_bounded() {
    let deep_ok = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"m","params":{{"a":{}1{}}}}}"#,
        "[".repeat(MAX_DEPTH - 3),
        "]".repeat(MAX_DEPTH - 3)
    );
    assert!(decode(deep_ok.as_bytes()).is_ok());
    let too_deep = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"m","params":{{"a":{}1{}}}}}"#,
        "[".repeat(MAX_DEPTH),
        "]".repeat(MAX_DEPTH)
    );
    assert_eq!(category(too_deep.as_bytes()), Category::Syntax);
    let very_deep = "[".repeat(100_000);
    assert_eq!(category(very_deep.as_bytes()), Category::Syntax);
}

#[test]
fn envelope_errors_are_32600() {
    for bad in [
        r#"{"jsonrpc":"1.0","id":1,"method":"x"}"#,
        r#"{"id":1,"method":"x"}"#,
        r#"{"jsonrpc":2.0,"id":1,"method":"x"}"#,
        r#"{"jsonrpc":"2.0","id":null,"method":"x"}"#,
        r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#,
        r#"{"jsonrpc":"2.0","id":true,"method":"x"}"#,
        r#"{"jsonrpc":"2.0","id":{},"method":"x"}"#,
        r#"{"jsonrpc":"2.0","id":18446744073709551615,"method":"x"}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":7}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"x","params":"s"}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"x","params":null}"#,
        r#"{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"m"}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"x","result":{}}"#,
        r#"{"jsonrpc":"2.0","result":{}}"#,
        r#"{"jsonrpc":"2.0","id":1}"#,
        r#"{"jsonrpc":"2.0","id":1,"error":{"code":"x"}}"#,
        r"[]",
        r"5",
        r#""hello""#,
        r"null",
    ] {
        assert_eq!(category(bad.as_bytes()), Category::Envelope, "{bad}");
    }
}

#[test]
fn envelope_errors_echo_a_readable_id() {
    let e = decode(br#"{"jsonrpc":"1.0","id":"q","method":"x"}"#).expect_err("fails");
    assert_eq!(e.id(), Some(&RequestId::String("q".into())));
    let e = decode(br#"{"jsonrpc":"2.0","id":null,"method":"x"}"#).expect_err("fails");
    assert_eq!(e.id(), None);
}

#[test]
fn batches_are_a_distinct_value() {
    let Decoded::Batch(items) = decode(
        br#"[{"jsonrpc":"2.0","id":1,"method":"a"},{"jsonrpc":"1.0","id":2,"method":"b"},{"jsonrpc":"2.0","method":"n"}]"#,
    )
    .expect("batch") else {
        panic!("not a batch")
    };
    assert_eq!(items.len(), 3);
    assert!(items[0].is_ok());
    assert_eq!(
        items[1].as_ref().expect_err("bad").category(),
        Category::Envelope
    );
    assert!(matches!(items[2], Ok(Message::Notification(_))));
    assert_eq!(
        decode_message(br#"[{"jsonrpc":"2.0","id":1,"method":"a"}]"#)
            .expect_err("no batches")
            .category(),
        Category::Envelope
    );
}

#[test]
fn params_errors_are_32602_with_a_path() {
    #[derive(Debug, serde::Deserialize)]
    #[expect(dead_code, reason = "only decoding is tested")]
    struct P {
        name: String,
        arguments: Option<Inner>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[expect(dead_code, reason = "only decoding is tested")]
    struct Inner {
        values: Vec<f64>,
    }
    let raw = RawValue::from_string(r#"{"name":"x","arguments":{"values":[1,"two"]}}"#.into())
        .expect("raw");
    let e = decode_params::<P>(Some(&raw)).expect_err("fails");
    assert_eq!(e.category(), Category::Params);
    assert_eq!(e.path(), Some("arguments.values[1]"));
    let obj = e.to_error_object();
    assert_eq!(obj.code, ErrorCode::INVALID_PARAMS);
    assert_eq!(obj.data, Some(json!({"path": "arguments.values[1]"})));
    // absent params decode as {}
    let e = decode_params::<P>(None).expect_err("name is required");
    assert_eq!(e.category(), Category::Params);
}

#[test]
fn encode_is_compact_and_single_line() {
    let params = RawValue::from_string(r#"{"text":"a\nb"}"#.into()).expect("raw");
    let m = Message::Request(Request::new(1, "tools/call", Some(params)));
    let out = encode(&m);
    assert!(!out.contains(&b'\n'));
    assert_eq!(
        out,
        br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"text":"a\nb"}}"#
    );
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1.0e6f64..1.0e6).prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,6}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn arb_id() -> impl Strategy<Value = RequestId> {
    prop_oneof![
        any::<i64>().prop_map(RequestId::Number),
        ".{0,10}".prop_map(RequestId::String),
    ]
}

fn arb_params() -> impl Strategy<Value = Option<Box<RawValue>>> {
    prop::option::of(
        prop::collection::btree_map("[a-z]{1,5}", arb_json(), 0..5).prop_map(|m| {
            let v = Value::Object(m.into_iter().collect());
            serde_json::value::to_raw_value(&v).expect("raw")
        }),
    )
}

fn arb_message() -> impl Strategy<Value = Message> {
    prop_oneof![
        (arb_id(), "[a-z/]{1,20}", arb_params())
            .prop_map(|(id, method, params)| Message::Request(Request { id, method, params })),
        ("[a-z/]{1,20}", arb_params())
            .prop_map(|(method, params)| Message::Notification(Notification { method, params })),
        (arb_id(), arb_json()).prop_map(|(id, v)| Message::Response(Response::result(
            id,
            serde_json::value::to_raw_value(&v).expect("raw")
        ))),
        (
            prop::option::of(arb_id()),
            any::<i32>(),
            ".{0,20}",
            prop::option::of(arb_json())
        )
            .prop_map(|(id, code, message, data)| {
                let mut e = ErrorObject::new(ErrorCode(code), message);
                e.data = data;
                Message::Response(Response::error(id, e))
            }),
    ]
}

proptest! {
    #[test]
    fn decode_encode_round_trips(m in arb_message()) {
        let bytes = encode(&m);
        let back = decode_message(&bytes).expect("round trip");
        prop_assert_eq!(back, m);
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_classify(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Err(e) = decode(&bytes) {
            prop_assert!(matches!(e.code().code(), -32700 | -32600));
        }
    }

    #[test]
    fn arbitrary_json_text_classifies(v in arb_json()) {
        let bytes = serde_json::to_vec(&v).expect("json");
        if let Err(e) = decode(&bytes) {
            prop_assert_eq!(e.category(), Category::Envelope);
        }
    }

    #[test]
    fn duplicate_keys_are_always_rejected(
        m in arb_message(),
        key in "[a-z]{1,5}",
        a in arb_json(),
        b in arb_json(),
    ) {
        // Inject a duplicate pair into the outermost object of the encoded message.
        let text = String::from_utf8(encode(&m)).expect("utf8");
        let pair = format!(
            "{}:{},{}:{},",
            serde_json::to_string(&key).expect("key"),
            a,
            serde_json::to_string(&key).expect("key"),
            b
        );
        let injected = format!("{{{pair}{}", &text[1..]);
        prop_assert_eq!(decode(injected.as_bytes()).expect_err("dup").category(), Category::Syntax);
    }
}
