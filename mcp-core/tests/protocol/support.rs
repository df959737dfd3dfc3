//! Shared helpers: numeric-tolerant JSON equality, message builders and a schema validator.

use std::collections::HashMap;
use std::fmt::Debug;
use std::path::PathBuf;

use mcp_core::jsonrpc::{ErrorObject, Message, Notification, Request, RequestId, Response, encode};
use mcp_core::protocol::{NotificationParams, RequestParams};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Equality of JSON values where numbers compare by value (`50 == 50.0`).
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// Paths of every `null` in `v`, except under the keys allowed to be null.
pub(crate) fn nulls(v: &Value, path: &str, allowed: &[&str], out: &mut Vec<String>) {
    match v {
        Value::Null => out.push(path.to_owned()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                nulls(item, &format!("{path}[{i}]"), allowed, out);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                if item.is_null() && allowed.contains(&k.as_str()) {
                    continue;
                }
                nulls(item, &format!("{path}.{k}"), allowed, out);
            }
        }
        _ => {}
    }
}

/// `to_value`, which cannot fail for protocol types.
pub(crate) fn to_json<T: Serialize>(t: &T) -> Value {
    serde_json::to_value(t).expect("protocol types serialize")
}

/// Asserts that `t` survives a JSON round trip unchanged, and returns its JSON.
pub(crate) fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(t: &T) -> Value {
    let json = to_json(t);
    let back: T = serde_json::from_value(json.clone())
        .unwrap_or_else(|e| panic!("{json} does not decode: {e}"));
    assert_eq!(&back, t, "round trip of {json}");
    json
}

fn message_json(m: &Message) -> Value {
    serde_json::from_slice(&encode(m)).expect("encode writes JSON")
}

/// A full JSON-RPC request for `params` (round-tripped first).
pub(crate) fn request<P: RequestParams + PartialEq + Debug>(id: i64, params: &P) -> Value {
    round_trip(params);
    let raw = serde_json::value::to_raw_value(params).expect("raw");
    message_json(&Message::Request(Request::new(id, P::METHOD, Some(raw))))
}

/// A full JSON-RPC notification for `params` (round-tripped first).
pub(crate) fn notification<P: NotificationParams + PartialEq + Debug>(params: &P) -> Value {
    round_trip(params);
    let raw = serde_json::value::to_raw_value(params).expect("raw");
    message_json(&Message::Notification(Notification::new(
        P::METHOD,
        Some(raw),
    )))
}

/// A full JSON-RPC result response for `result` (round-tripped first).
pub(crate) fn response<R: Serialize + DeserializeOwned + PartialEq + Debug>(
    id: i64,
    result: &R,
) -> Value {
    round_trip(result);
    let raw = serde_json::value::to_raw_value(result).expect("raw");
    message_json(&Message::Response(Response::result(
        RequestId::Number(id),
        raw,
    )))
}

/// A full JSON-RPC error response.
pub(crate) fn error_response(id: i64, error: ErrorObject) -> Value {
    message_json(&Message::Response(Response::error(
        Some(RequestId::Number(id)),
        error,
    )))
}

/// The official schema documents, and validators for their definitions.
pub(crate) struct Schemas {
    docs: HashMap<String, Value>,
    validators: HashMap<(String, String), jsonschema::Validator>,
}

impl Schemas {
    pub(crate) fn new() -> Self {
        Self {
            docs: HashMap::new(),
            validators: HashMap::new(),
        }
    }

    fn doc(&mut self, rev: &str) -> &Value {
        self.docs.entry(rev.to_owned()).or_insert_with(|| {
            let path: PathBuf = [
                env!("CARGO_MANIFEST_DIR"),
                "tests",
                "schema",
                rev,
                "schema.json",
            ]
            .iter()
            .collect();
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            serde_json::from_str(&text).expect("schema is JSON")
        })
    }

    /// Validates `instance` against definition `def` of revision `rev`.
    pub(crate) fn validate(
        &mut self,
        rev: &str,
        def: &str,
        instance: &Value,
    ) -> Result<(), String> {
        let key = (rev.to_owned(), def.to_owned());
        if !self.validators.contains_key(&key) {
            let doc = self.doc(rev);
            // Draft-07 documents keep their definitions under `definitions`, 2020-12 under `$defs`.
            let defs_key = if doc.get("$defs").is_some() {
                "$defs"
            } else {
                "definitions"
            };
            let defs = doc[defs_key].clone();
            if defs.get(def).is_none() {
                return Err(format!("{rev} has no definition {def}"));
            }
            let mut root = serde_json::Map::new();
            root.insert("$schema".to_owned(), doc["$schema"].clone());
            root.insert(
                "$ref".to_owned(),
                Value::from(format!("#/{defs_key}/{def}")),
            );
            root.insert(defs_key.to_owned(), defs);
            let root = Value::Object(root);
            let validator = jsonschema::validator_for(&root)
                .map_err(|e| format!("{rev}/{def} does not compile: {e}"))?;
            self.validators.insert(key.clone(), validator);
        }
        let validator = &self.validators[&key];
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }
}

/// A list of (definition, value) pairs for one revision, checked at once.
pub(crate) struct Corpus {
    rev: &'static str,
    items: Vec<(String, Value)>,
}

impl Corpus {
    pub(crate) fn new(rev: &'static str) -> Self {
        Self {
            rev,
            items: Vec::new(),
        }
    }

    /// Adds `value`, to be validated against `def`.
    pub(crate) fn add(&mut self, def: &str, value: Value) {
        self.items.push((def.to_owned(), value));
    }

    /// Adds a typed value (round-tripped first), to be validated against `def`.
    pub(crate) fn typed<T: Serialize + DeserializeOwned + PartialEq + Debug>(
        &mut self,
        def: &str,
        t: &T,
    ) {
        let json = round_trip(t);
        self.add(def, json);
    }

    /// Validates everything; panics listing every failure. Returns the number of values.
    pub(crate) fn check(self) -> usize {
        let mut schemas = Schemas::new();
        let mut failures = Vec::new();
        for (def, value) in &self.items {
            if let Err(e) = schemas.validate(self.rev, def, value) {
                failures.push(format!("{}/{def}: {e}\n  value: {value}", self.rev));
            }
            let mut found = Vec::new();
            // `ttl` (2025-11-25 tasks) and `ttlMs` (tasks extension) are the only fields the
            // schema defines as nullable.
            nulls(value, "$", &["ttl", "ttlMs"], &mut found);
            if !found.is_empty() {
                failures.push(format!(
                    "{}/{def}: null at {found:?}\n  value: {value}",
                    self.rev
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "{} failures:\n{}",
            failures.len(),
            failures.join("\n")
        );
        self.items.len()
    }
}

#[test]
fn the_validator_rejects_what_the_schemas_reject() {
    let mut schemas = Schemas::new();
    let complete = serde_json::json!({"content": [], "resultType": "complete"});
    assert!(
        schemas
            .validate("2026-07-28", "CallToolResult", &complete)
            .is_ok()
    );
    // resultType is required in 2026-07-28 only.
    let legacy = serde_json::json!({"content": []});
    assert!(
        schemas
            .validate("2026-07-28", "CallToolResult", &legacy)
            .is_err()
    );
    assert!(
        schemas
            .validate("2025-11-25", "CallToolResult", &legacy)
            .is_ok()
    );
    // Draft-07 documents are validated too.
    let tool = serde_json::json!({"name": "t"});
    assert!(schemas.validate("2024-11-05", "Tool", &tool).is_err());
    let audio = serde_json::json!({"type": "audio", "data": "AA==", "mimeType": "audio/wav"});
    assert!(
        schemas
            .validate("2024-11-05", "ImageContent", &audio)
            .is_err()
    );
    assert!(
        schemas
            .validate("2025-03-26", "AudioContent", &audio)
            .is_ok()
    );
    let mut corpus = Corpus::new("2025-06-18");
    corpus.add(
        "Tool",
        serde_json::json!({"name": "t", "title": null, "inputSchema": {"type": "object"}}),
    );
    assert!(
        std::panic::catch_unwind(move || corpus.check()).is_err(),
        "a null is reported"
    );
}
