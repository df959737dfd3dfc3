//! Header mirroring of 2026-07-28 requests: `MCP-Protocol-Version`, `Mcp-Method`,
//! `Mcp-Name` and `Mcp-Param-*` must equal the body; values may use the `=?base64?...?=` form.

use base64::Engine as _;
use http::{HeaderMap, HeaderName, HeaderValue};
use mcp_core::jsonrpc::{ErrorCode, ErrorObject, Request as RpcRequest};
use mcp_core::protocol::methods;
use serde_json::Value;

use super::service::{MCP_METHOD, MCP_NAME, MCP_PROTOCOL_VERSION};
use crate::server::Server;

/// Decodes a mirrored header value: `=?base64?...?=` or plain; `None` when invalid.
pub(crate) fn decode_header_value(raw: &HeaderValue) -> Option<String> {
    let text = raw.to_str().ok()?.trim();
    if let Some(inner) = text
        .strip_prefix("=?base64?")
        .and_then(|t| t.strip_suffix("?="))
    {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(inner)
            .ok()?;
        return String::from_utf8(bytes).ok();
    }
    Some(text.to_owned())
}

fn mismatch(message: String) -> ErrorObject {
    ErrorObject::new(ErrorCode::HEADER_MISMATCH, message)
}

/// `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` and `Mcp-Param-*` must mirror the body.
pub(crate) fn check_mirrored_headers(
    headers: &HeaderMap,
    request: &RpcRequest,
    server: &Server,
) -> Result<(), ErrorObject> {
    // Only the mirrored members are read; the arguments stay raw unless a tool declares
    // `x-mcp-header` parameters.
    let params: Mirror<'_> = request
        .params
        .as_deref()
        .and_then(|p| serde_json::from_str(p.get()).ok())
        .unwrap_or_default();
    let read = |name: &HeaderName| -> Result<Option<String>, ErrorObject> {
        match headers.get(name) {
            None => Ok(None),
            Some(v) => decode_header_value(v)
                .map(Some)
                .ok_or_else(|| mismatch(format!("Header mismatch: invalid {name} header value"))),
        }
    };
    let Some(version) = read(&MCP_PROTOCOL_VERSION)? else {
        return Err(mismatch(
            "Header mismatch: missing MCP-Protocol-Version header".into(),
        ));
    };
    if let Some(body_version) = params.meta.as_ref().and_then(|m| m.version.as_deref())
        && body_version != version
    {
        return Err(mismatch(format!(
            "Header mismatch: MCP-Protocol-Version header value '{version}' does not match body value '{body_version}'"
        )));
    }
    match read(&MCP_METHOD)? {
        None => {
            return Err(mismatch(
                "Header mismatch: missing Mcp-Method header".into(),
            ));
        }
        Some(m) if m != request.method => {
            return Err(mismatch(format!(
                "Header mismatch: Mcp-Method header value '{m}' does not match body value '{}'",
                request.method
            )));
        }
        Some(_) => {}
    }
    let named = match request.method.as_str() {
        methods::TOOLS_CALL | methods::PROMPTS_GET => Some(params.name.as_deref()),
        methods::RESOURCES_READ => Some(params.uri.as_deref()),
        _ => None,
    };
    if let Some(body_name) = named {
        let body_name = body_name.unwrap_or_default();
        match read(&MCP_NAME)? {
            None => return Err(mismatch("Header mismatch: missing Mcp-Name header".into())),
            Some(n) if n != body_name => {
                return Err(mismatch(format!(
                    "Header mismatch: Mcp-Name header value '{n}' does not match body value '{body_name}'"
                )));
            }
            Some(_) => {}
        }
    }
    if request.method == methods::TOOLS_CALL {
        check_param_headers(headers, &params, server)?;
    }
    Ok(())
}

/// The members of `params` that headers mirror.
#[derive(Default, serde::Deserialize)]
struct Mirror<'a> {
    #[serde(borrow, default)]
    name: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    uri: Option<std::borrow::Cow<'a, str>>,
    #[serde(rename = "_meta", borrow, default)]
    meta: Option<MirrorMeta<'a>>,
    #[serde(borrow, default)]
    arguments: Option<&'a serde_json::value::RawValue>,
}

#[derive(serde::Deserialize)]
struct MirrorMeta<'a> {
    #[serde(rename = "io.modelcontextprotocol/protocolVersion", borrow, default)]
    version: Option<std::borrow::Cow<'a, str>>,
}

/// `Mcp-Param-{Name}` headers of the tool's `x-mcp-header` properties must equal the body.
fn check_param_headers(
    headers: &HeaderMap,
    params: &Mirror<'_>,
    server: &Server,
) -> Result<(), ErrorObject> {
    let Some(name) = params.name.as_deref() else {
        return Ok(());
    };
    let Some(def) = server.tool_definition(name) else {
        return Ok(());
    };
    let Some(Value::Object(props)) = def.input_schema.get("properties") else {
        return Ok(());
    };
    let mut arguments: Option<Value> = None;
    for (prop, schema) in props {
        let Some(header_name) = schema.get("x-mcp-header").and_then(Value::as_str) else {
            continue;
        };
        let Ok(name) = HeaderName::try_from(format!("mcp-param-{header_name}")) else {
            continue;
        };
        let arguments = arguments.get_or_insert_with(|| {
            params
                .arguments
                .and_then(|a| serde_json::from_str(a.get()).ok())
                .unwrap_or(Value::Null)
        });
        let body = &arguments[prop];
        let value = headers.get(&name);
        match (body, value) {
            (Value::Null, None) => {}
            (Value::Null, Some(_)) => {
                return Err(mismatch(format!(
                    "Header mismatch: {name} sent without a body value"
                )));
            }
            (_, None) => return Err(mismatch(format!("Header mismatch: missing {name} header"))),
            (body, Some(raw)) => {
                let Some(text) = decode_header_value(raw) else {
                    return Err(mismatch(format!(
                        "Header mismatch: invalid {name} header value"
                    )));
                };
                let equal = match body {
                    Value::String(s) => *s == text,
                    Value::Bool(b) => text == if *b { "true" } else { "false" },
                    Value::Number(n) => text.parse::<f64>().ok() == n.as_f64(),
                    _ => false,
                };
                if !equal {
                    return Err(mismatch(format!(
                        "Header mismatch: {name} header value '{text}' does not match the body"
                    )));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_decode() {
        assert_eq!(
            decode_header_value(&HeaderValue::from_static("=?base64?Z2V0X3dlYXRoZXI=?="))
                .as_deref(),
            Some("get_weather")
        );
        assert_eq!(
            decode_header_value(&HeaderValue::from_static("  plain ")).as_deref(),
            Some("plain")
        );
        assert_eq!(
            decode_header_value(&HeaderValue::from_static("=?base64?!!!?=")),
            None
        );
    }
}
