//! Shaping output for the protocol revision of the request, in one place.
//!
//! Legacy clients validate what they receive against their own revision's schema, so fields
//! and content types newer than the negotiated revision are removed or converted:
//!
//! | what | before | becomes |
//! | --- | --- | --- |
//! | `audio` content | 2025-03-26 | a text block naming the omitted audio |
//! | `resource_link` content | 2025-06-18 | a text block with the link |
//! | `structuredContent`, `outputSchema`, `title`, `_meta`, `lastModified` | 2025-06-18 | removed |
//! | `icons`, `execution`, `description`/`websiteUrl` of `Implementation` | 2025-11-25 | removed |
//! | tool `annotations` | 2025-03-26 | removed |
//! | non-object `outputSchema` / `structuredContent` | 2026-07-28 | wrapped as `{"result": ...}` |

use mcp_core::protocol::ProtocolVersion;
use serde_json::{Map, Value, json};

use crate::schema::{is_object_root, wrap_output_schema};

/// A tool definition for `version`.
pub(crate) fn tool(def: &mut Map<String, Value>, v: ProtocolVersion) {
    named(def, v);
    if !v.supports_tool_annotations() {
        def.remove("annotations");
    }
    if !v.supports_structured_output() {
        def.remove("outputSchema");
    } else if v.requires_object_structured_output()
        && let Some(schema) = def.get_mut("outputSchema")
        && !is_object_root(schema)
    {
        *schema = wrap_output_schema(schema);
    }
    if !v.supports_core_tasks() {
        def.remove("execution");
    }
}

/// Fields every named thing (tool, prompt, resource, template) may carry.
pub(crate) fn named(def: &mut Map<String, Value>, v: ProtocolVersion) {
    if !v.supports_titles() {
        def.remove("title");
    }
    if !v.supports_icons() {
        def.remove("icons");
    }
    if !v.supports_meta_everywhere() {
        def.remove("_meta");
    }
    if let Some(Value::Object(a)) = def.get_mut("annotations") {
        annotations(a, v);
    }
}

/// `serverInfo` / `Implementation`.
pub(crate) fn implementation(info: &mut Map<String, Value>, v: ProtocolVersion) {
    if !v.supports_titles() {
        info.remove("title");
    }
    if !v.supports_icons() {
        info.remove("icons");
        info.remove("description");
        info.remove("websiteUrl");
    }
}

fn annotations(a: &mut Map<String, Value>, v: ProtocolVersion) {
    if !v.supports_last_modified() {
        a.remove("lastModified");
    }
}

/// A list of content blocks.
pub(crate) fn content(blocks: &mut [Value], v: ProtocolVersion) {
    for block in blocks {
        content_block(block, v);
    }
}

fn content_block(block: &mut Value, v: ProtocolVersion) {
    let Value::Object(map) = block else { return };
    let kind = map
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    match kind.as_str() {
        "audio" if !v.supports_audio() => {
            let mime = map
                .get("mimeType")
                .and_then(Value::as_str)
                .unwrap_or("audio");
            *block = json!({"type": "text", "text": format!("[{mime} audio omitted: not supported by protocol {v}]")});
            return;
        }
        "resource_link" if !v.supports_resource_links() => {
            let uri = map.get("uri").and_then(Value::as_str).unwrap_or_default();
            let name = map.get("name").and_then(Value::as_str).unwrap_or(uri);
            *block = json!({"type": "text", "text": format!("{name}: {uri}")});
            return;
        }
        "resource_link" => named(map, v),
        "resource" => {
            if let Some(Value::Object(r)) = map.get_mut("resource")
                && !v.supports_meta_everywhere()
            {
                r.remove("_meta");
            }
        }
        _ => {}
    }
    if !v.supports_meta_everywhere() {
        map.remove("_meta");
    }
    if let Some(Value::Object(a)) = map.get_mut("annotations") {
        annotations(a, v);
    }
}

/// A `tools/call` result. `object_schema` tells whether the tool's declared output schema
/// has an object root (a non-object one was wrapped in the listing, so the content is too).
pub(crate) fn call_tool_result(
    result: &mut Map<String, Value>,
    v: ProtocolVersion,
    object_schema: bool,
) {
    if let Some(Value::Array(blocks)) = result.get_mut("content") {
        content(blocks, v);
    }
    if !v.supports_structured_output() {
        result.remove("structuredContent");
    } else if v.requires_object_structured_output()
        && let Some(sc) = result.get_mut("structuredContent")
        && (!sc.is_object() || !object_schema)
    {
        let inner = sc.take();
        *sc = json!({ "result": inner });
    }
    if !v.supports_meta_everywhere() {
        result.remove("_meta");
    }
}

/// A `prompts/get` result.
pub(crate) fn prompt_result(result: &mut Map<String, Value>, v: ProtocolVersion) {
    if let Some(Value::Array(messages)) = result.get_mut("messages") {
        for m in messages {
            if let Some(c) = m.get_mut("content") {
                content_block(c, v);
            }
        }
    }
    if !v.supports_meta_everywhere() {
        result.remove("_meta");
    }
}

/// A `resources/read` result.
pub(crate) fn read_result(result: &mut Map<String, Value>, v: ProtocolVersion) {
    if !v.supports_meta_everywhere() {
        result.remove("_meta");
        if let Some(Value::Array(contents)) = result.get_mut("contents") {
            for c in contents {
                if let Value::Object(c) = c {
                    c.remove("_meta");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_downgrades() {
        let mut blocks = vec![
            json!({"type": "audio", "data": "AA==", "mimeType": "audio/wav"}),
            json!({"type": "resource_link", "uri": "file:///a", "name": "a", "title": "A"}),
            json!({"type": "text", "text": "t", "annotations": {"lastModified": "2025-01-01T00:00:00Z", "priority": 1}}),
        ];
        content(&mut blocks, ProtocolVersion::V2024_11_05);
        assert_eq!(blocks[0]["type"], "text");
        assert_eq!(blocks[1]["type"], "text");
        assert!(blocks[2]["annotations"].get("lastModified").is_none());

        let mut modern = vec![
            json!({"type": "resource_link", "uri": "file:///a", "name": "a", "title": "A", "icons": []}),
        ];
        content(&mut modern, ProtocolVersion::V2025_06_18);
        assert_eq!(modern[0]["title"], "A");
        assert!(modern[0].get("icons").is_none());
    }

    #[test]
    fn structured_output_is_wrapped_for_legacy() {
        let mut def = json!({"name": "t", "inputSchema": {"type": "object"}, "outputSchema": {"type": "array"}});
        tool(
            def.as_object_mut().expect("object"),
            ProtocolVersion::V2025_11_25,
        );
        assert_eq!(def["outputSchema"]["properties"]["result"]["type"], "array");

        let mut r = json!({"content": [], "structuredContent": [1, 2]});
        call_tool_result(
            r.as_object_mut().expect("object"),
            ProtocolVersion::V2025_11_25,
            false,
        );
        assert_eq!(r["structuredContent"], json!({"result": [1, 2]}));

        let mut r = json!({"content": [], "structuredContent": {"a": 1}});
        call_tool_result(
            r.as_object_mut().expect("object"),
            ProtocolVersion::V2025_03_26,
            true,
        );
        assert!(r.get("structuredContent").is_none());
    }
}
