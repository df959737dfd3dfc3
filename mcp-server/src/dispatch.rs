//! The engine: picks the era of each request, routes it, and shapes the result for the
//! requester's protocol revision. Transports only move bytes and map errors to statuses.

use std::sync::Arc;
use std::time::Duration;

use mcp_core::auth::Principal;
use mcp_core::jsonrpc::{
    ErrorCode, ErrorObject, Message, Notification, Request, RequestId, Response, decode_params,
};
use mcp_core::protocol::{
    self as p, CancelledParams, ClientCapabilities, InitializeParams, ProtocolVersion, RequestMeta,
    methods,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};
use tokio_util::sync::CancellationToken;

use crate::context::{LogLevelSource, RequestContext, to_value};
use crate::input::Input;
use crate::notify::Change;
use crate::server::Server;
use crate::session::Session;
use crate::sink::Sink;

/// A reply to a request: the raw result, a JSON-RPC error, or nothing (cancelled).
pub(crate) type Reply = Option<Result<Box<RawValue>, ErrorObject>>;

/// One inbound request and what the transport knows about it.
#[derive(Debug)]
pub(crate) struct Incoming {
    pub(crate) request: Request,
    pub(crate) principal: Arc<Principal>,
    /// The legacy session the request belongs to, if any.
    pub(crate) session: Option<Arc<Session>>,
    /// The revision of a legacy request without a session (stateless legacy HTTP).
    pub(crate) legacy_version: Option<ProtocolVersion>,
    /// The transport has already seen modern markers (HTTP `MCP-Protocol-Version`).
    pub(crate) modern_hint: bool,
    pub(crate) extensions: Arc<http::Extensions>,
    pub(crate) sink: Sink,
    pub(crate) cancel: CancellationToken,
    /// The transport already ran the authorization policy for this request.
    pub(crate) preauthorized: bool,
}

/// The era a request is served in.
#[derive(Debug)]
pub(crate) enum Era {
    Modern(Box<RequestMeta>),
    Legacy,
}

/// What a notification asks the transport to do.
#[derive(Debug, PartialEq)]
pub(crate) enum Effect {
    None,
    /// Cancel the in-flight request with this id.
    Cancel(RequestId),
}

/// Everything a handler invocation needs, shared by the handlers of both eras.
#[derive(Debug, Clone)]
pub(crate) struct Base {
    pub(crate) id: RequestId,
    pub(crate) version: ProtocolVersion,
    pub(crate) modern: bool,
    pub(crate) principal: Arc<Principal>,
    pub(crate) meta: Arc<RequestMeta>,
    pub(crate) capabilities: Arc<ClientCapabilities>,
    pub(crate) cancel: CancellationToken,
    pub(crate) sink: Sink,
    pub(crate) log_level: LogLevelSource,
    pub(crate) extensions: Arc<http::Extensions>,
    pub(crate) session: Option<Arc<Session>>,
    /// The transport already ran the policy for this call (HTTP decides before the
    /// response starts, so a scope shortfall can still be a 403).
    pub(crate) preauthorized: bool,
}

impl Base {
    pub(crate) fn context(&self, server: &Server, input: Input) -> RequestContext {
        RequestContext {
            id: self.id.clone(),
            version: self.version,
            principal: Arc::clone(&self.principal),
            meta: Arc::clone(&self.meta),
            capabilities: Arc::clone(&self.capabilities),
            cancel: self.cancel.clone(),
            sink: self.sink.clone(),
            log_level: self.log_level.clone(),
            input,
            state: Arc::clone(&server.inner.state),
            extensions: Arc::clone(&self.extensions),
            notifier: server.inner.notifier.clone(),
        }
    }
}

#[derive(Deserialize)]
struct Peek {
    #[serde(rename = "_meta", default)]
    meta: Option<Map<String, Value>>,
}

fn peek_meta(params: Option<&RawValue>) -> Option<Map<String, Value>> {
    params
        .and_then(|raw| serde_json::from_str::<Peek>(raw.get()).ok())
        .and_then(|p| p.meta)
}

pub(crate) fn invalid(message: impl Into<String>) -> ErrorObject {
    ErrorObject::new(ErrorCode::INVALID_PARAMS, message)
}

impl Server {
    /// Whether a request carries modern markers: `_meta` with the protocol version or client
    /// capabilities.
    pub(crate) fn is_modern(request: &Request) -> bool {
        peek_meta(request.params.as_deref()).is_some_and(|m| {
            m.contains_key(p::meta::PROTOCOL_VERSION_KEY)
                || m.contains_key(p::meta::CLIENT_CAPABILITIES_KEY)
        })
    }

    /// Classifies a request and, for modern ones, validates its `_meta`.
    pub(crate) fn era(&self, request: &Request, hint: bool) -> Result<Era, ErrorObject> {
        let meta = peek_meta(request.params.as_deref());
        let marked = meta.as_ref().is_some_and(|m| {
            m.contains_key(p::meta::PROTOCOL_VERSION_KEY)
                || m.contains_key(p::meta::CLIENT_CAPABILITIES_KEY)
        });
        if !marked && !hint {
            return Ok(Era::Legacy);
        }
        let meta = meta.unwrap_or_default();
        let Some(requested) = meta.get(p::meta::PROTOCOL_VERSION_KEY) else {
            return Err(invalid(format!(
                "missing _meta[\"{}\"]",
                p::meta::PROTOCOL_VERSION_KEY
            )));
        };
        let Some(requested) = requested.as_str() else {
            return Err(invalid(format!(
                "_meta[\"{}\"] must be a string",
                p::meta::PROTOCOL_VERSION_KEY
            )));
        };
        if self.modern_version(requested).is_none() {
            return Err(self.unsupported_version(requested));
        }
        if !meta.contains_key(p::meta::CLIENT_CAPABILITIES_KEY) {
            return Err(invalid(format!(
                "missing _meta[\"{}\"]",
                p::meta::CLIENT_CAPABILITIES_KEY
            )));
        }
        let parsed =
            RequestMeta::from_meta(&meta).map_err(|e| invalid(format!("invalid _meta: {e}")))?;
        Ok(Era::Modern(Box::new(parsed)))
    }

    /// The served modern revision named `requested`, if any.
    pub(crate) fn modern_version(&self, requested: &str) -> Option<ProtocolVersion> {
        ProtocolVersion::parse(requested)
            .filter(|v| v.is_modern() && self.inner.versions.contains(v))
    }

    /// The modern revisions served, as strings.
    pub(crate) fn modern_versions(&self) -> Vec<String> {
        self.inner
            .versions
            .iter()
            .filter(|v| v.is_modern())
            .map(|v| v.as_str().to_owned())
            .collect()
    }

    /// -32022 naming what is served and what was asked for.
    pub(crate) fn unsupported_version(&self, requested: &str) -> ErrorObject {
        ErrorObject::new(
            ErrorCode::UNSUPPORTED_PROTOCOL_VERSION,
            "Unsupported protocol version",
        )
        .with_data(json!({ "supported": self.modern_versions(), "requested": requested }))
    }

    /// Serves one request. `None` when it was cancelled: nothing is sent for it.
    pub(crate) async fn handle(&self, incoming: Incoming) -> Option<Response> {
        use tower::ServiceExt as _;
        match &self.inner.stack {
            None => self.dispatch(incoming).await,
            Some(stack) => {
                let request = crate::middleware::RpcRequest { incoming };
                match stack.clone().oneshot(request).await {
                    Ok(response) => response.response,
                    Err(never) => match never {},
                }
            }
        }
    }

    /// The engine below the middleware: era, routing, tracing span.
    pub(crate) async fn dispatch(&self, incoming: Incoming) -> Option<Response> {
        use tracing::Instrument as _;
        let span = request_span(&incoming);
        self.dispatch_inner(incoming).instrument(span).await
    }

    async fn dispatch_inner(&self, incoming: Incoming) -> Option<Response> {
        let id = incoming.request.id.clone();
        let reply = match self.era(&incoming.request, incoming.modern_hint) {
            Err(e) => Some(Err(e)),
            Ok(Era::Modern(meta)) => self.serve_modern(incoming, *meta).await,
            Ok(Era::Legacy) => self.serve_legacy(incoming).await,
        };
        reply.map(|outcome| match outcome {
            Ok(result) => Response::result(id, result),
            Err(error) => Response::error(Some(id), error),
        })
    }

    async fn serve_modern(&self, incoming: Incoming, meta: RequestMeta) -> Reply {
        let version = meta
            .protocol_version
            .as_deref()
            .and_then(|v| self.modern_version(v))
            .unwrap_or(ProtocolVersion::LATEST);
        let capabilities = meta.client_capabilities.clone().unwrap_or_default();
        let log_level = match (self.inner.logging, meta.log_level) {
            (true, Some(level)) => LogLevelSource::Fixed(level),
            _ => LogLevelSource::Off,
        };
        let Incoming {
            request,
            principal,
            extensions,
            sink,
            cancel,
            preauthorized,
            ..
        } = incoming;
        let base = Base {
            id: request.id.clone(),
            version,
            modern: true,
            principal,
            meta: Arc::new(meta),
            capabilities: Arc::new(capabilities),
            cancel,
            sink,
            log_level,
            extensions,
            session: None,
            preauthorized,
        };
        let params = request.params.as_deref();
        match request.method.as_str() {
            methods::SERVER_DISCOVER => {
                self.finish(&base, to_value(&self.discover()), Some(self.inner.list_ttl))
            }
            methods::SUBSCRIPTIONS_LISTEN => self.listen(&base, params).await,
            method => self.route(&base, method, params).await,
        }
    }

    async fn serve_legacy(&self, incoming: Incoming) -> Reply {
        let Incoming {
            request,
            principal,
            session,
            legacy_version,
            extensions,
            sink,
            cancel,
            preauthorized,
            ..
        } = incoming;
        let method = request.method.as_str();
        if method == methods::PING {
            return Some(Ok(empty()));
        }
        if method == methods::INITIALIZE {
            return Some(Err(ErrorObject::new(
                ErrorCode::INVALID_REQUEST,
                "initialize must be the first request of a session",
            )));
        }
        let version = match (&session, legacy_version) {
            (Some(s), _) => s.version,
            (None, Some(v)) => v,
            (None, None) => {
                return Some(Err(ErrorObject::new(
                    ErrorCode::INVALID_REQUEST,
                    "the server is not initialized: send initialize first",
                )));
            }
        };
        if let Some(s) = &session
            && s.principal_key != principal.binding_key()
        {
            // Transports check this before dispatch; this is the last line of defence.
            return Some(Err(ErrorObject::new(
                ErrorCode::INVALID_REQUEST,
                "session not found",
            )));
        }
        let mut meta = peek_meta(request.params.as_deref())
            .map(|m| RequestMeta::from_meta(&m).unwrap_or_default())
            .unwrap_or_default();
        if let Some(s) = &session {
            // Handlers read the client's self-description the same way in both eras.
            meta.client_info
                .get_or_insert_with(|| s.client_info.clone());
        }
        let capabilities = session.as_ref().map_or_else(
            || Arc::new(ClientCapabilities::default()),
            |s| Arc::clone(&s.capabilities),
        );
        let log_level = match (&session, self.inner.logging) {
            (Some(s), true) => LogLevelSource::Session(Arc::clone(s)),
            _ => LogLevelSource::Off,
        };
        let base = Base {
            id: request.id.clone(),
            version,
            modern: false,
            principal,
            meta: Arc::new(meta),
            capabilities,
            cancel,
            sink,
            log_level,
            extensions,
            session,
            preauthorized,
        };
        let params = request.params.as_deref();
        match self.legacy_only(&base, method, params) {
            Some(reply) => reply,
            None => self.route(&base, method, params).await,
        }
    }

    /// The methods only legacy sessions have: `logging/setLevel`, `resources/subscribe`,
    /// `resources/unsubscribe`.
    fn legacy_only(&self, base: &Base, method: &str, params: Option<&RawValue>) -> Option<Reply> {
        match method {
            methods::LOGGING_SET_LEVEL if self.inner.logging => {
                let params: p::SetLevelParams = match decode_params(params) {
                    Ok(p) => p,
                    Err(e) => return Some(Some(Err(e.to_error_object()))),
                };
                if let Some(s) = &base.session {
                    s.set_log_level(params.level);
                }
                Some(Some(Ok(empty())))
            }
            methods::RESOURCES_SUBSCRIBE | methods::RESOURCES_UNSUBSCRIBE
                if self.inner.subscriptions =>
            {
                let uri = match decode_params::<p::SubscribeParams>(params) {
                    Ok(p) => p.uri,
                    Err(e) => return Some(Some(Err(e.to_error_object()))),
                };
                let Some(s) = &base.session else {
                    return Some(Some(Err(ErrorObject::new(
                        ErrorCode::INVALID_REQUEST,
                        "subscriptions need a session",
                    ))));
                };
                if method == methods::RESOURCES_SUBSCRIBE {
                    s.subscribe(uri);
                } else {
                    s.unsubscribe(&uri);
                }
                Some(Some(Ok(empty())))
            }
            _ => None,
        }
    }

    /// The methods both eras share.
    async fn route(&self, base: &Base, method: &str, params: Option<&RawValue>) -> Reply {
        let inner = &self.inner;
        let has_tools = !inner.tools.is_empty();
        let has_resources = !inner.resources.is_empty() || !inner.templates.is_empty();
        let has_prompts = !inner.prompts.is_empty();
        match method {
            methods::TOOLS_LIST if has_tools => self.list_tools(base, params).await,
            methods::TOOLS_CALL if has_tools => self.call_tool(base, params).await,
            methods::RESOURCES_LIST if has_resources => self.list_resources(base, params).await,
            methods::RESOURCES_TEMPLATES_LIST if has_resources => {
                self.list_templates(base, params).await
            }
            methods::RESOURCES_READ if has_resources => self.read_resource(base, params).await,
            methods::PROMPTS_LIST if has_prompts => self.list_prompts(base, params).await,
            methods::PROMPTS_GET if has_prompts => self.get_prompt(base, params).await,
            methods::COMPLETION_COMPLETE if self.has_completions() => {
                self.complete(base, params).await
            }
            other => Some(Err(ErrorObject::method_not_found(other))),
        }
    }

    pub(crate) fn has_completions(&self) -> bool {
        !self.inner.prompts.is_empty() || !self.inner.templates.is_empty()
    }

    /// The server's capabilities, in the shape of `version`.
    pub(crate) fn capabilities(&self, version: ProtocolVersion) -> p::ServerCapabilities {
        let inner = &self.inner;
        let mut caps = p::ServerCapabilities::default();
        let list_changed = inner.list_changed.then_some(true);
        if !inner.tools.is_empty() {
            let mut t = p::ToolsCapability::default();
            t.list_changed = list_changed;
            caps.tools = Some(t);
        }
        if !inner.resources.is_empty() || !inner.templates.is_empty() {
            let mut r = p::ResourcesCapability::default();
            r.list_changed = list_changed;
            r.subscribe = inner.subscriptions.then_some(true);
            caps.resources = Some(r);
        }
        if !inner.prompts.is_empty() {
            let mut pr = p::PromptsCapability::default();
            pr.list_changed = list_changed;
            caps.prompts = Some(pr);
        }
        if inner.logging {
            caps.logging = Some(Map::new());
        }
        if self.has_completions() && version.supports_completions_capability() {
            caps.completions = Some(Map::new());
        }
        caps
    }

    fn discover(&self) -> p::DiscoverResult {
        let mut result = p::DiscoverResult::new(
            self.modern_versions(),
            self.capabilities(ProtocolVersion::LATEST),
            ttl_ms(self.inner.list_ttl),
            self.inner.cache_scope,
        );
        result.instructions.clone_from(&self.inner.instructions);
        result
    }

    /// Answers a legacy `initialize`: the negotiated result and the new session.
    pub(crate) fn initialize(
        &self,
        request: &Request,
        principal: &Principal,
    ) -> Result<(Box<RawValue>, Arc<Session>), ErrorObject> {
        let params: InitializeParams =
            decode_params(request.params.as_deref()).map_err(|e| e.to_error_object())?;
        let Some(version) =
            ProtocolVersion::negotiate(&params.protocol_version, &self.inner.versions)
        else {
            let supported: Vec<&str> = self.inner.versions.iter().map(|v| v.as_str()).collect();
            return Err(ErrorObject::new(
                ErrorCode::INVALID_PARAMS,
                format!(
                    "this server does not serve initialize; supported protocol versions: {}",
                    supported.join(", ")
                ),
            )
            .with_data(json!({ "supported": supported, "requested": params.protocol_version })));
        };
        let session = Arc::new(Session::new(
            version,
            params.capabilities,
            params.client_info,
            principal.binding_key(),
        ));
        let mut caps = to_value(&self.capabilities(version));
        if let Value::Object(c) = &mut caps {
            c.remove("extensions");
        }
        let mut info = to_value(&self.inner.info);
        if let Value::Object(i) = &mut info {
            crate::downgrade::implementation(i, version);
        }
        let mut result = json!({
            "protocolVersion": version.as_str(),
            "capabilities": caps,
            "serverInfo": info,
        });
        if let Some(instructions) = &self.inner.instructions {
            result["instructions"] = Value::String(instructions.clone());
        }
        Ok((raw(&result), session))
    }

    /// Handles a notification from the client.
    #[expect(
        clippy::unused_self,
        reason = "a method of the engine like every other handler"
    )]
    pub(crate) fn notification(
        &self,
        notification: &Notification,
        session: Option<&Session>,
    ) -> Effect {
        match notification.method.as_str() {
            methods::NOTIFICATION_INITIALIZED => {
                if let Some(s) = session {
                    s.mark_initialized();
                }
                Effect::None
            }
            methods::NOTIFICATION_CANCELLED => {
                match decode_params::<CancelledParams>(notification.params.as_deref()) {
                    Ok(CancelledParams {
                        request_id: Some(id),
                        ..
                    }) => Effect::Cancel(id),
                    _ => Effect::None,
                }
            }
            other => {
                tracing::trace!(method = other, "notification ignored");
                Effect::None
            }
        }
    }

    /// Adds `resultType`, caching hints and `serverInfo` to modern results; strips
    /// `resultType` from legacy ones.
    #[expect(
        clippy::unnecessary_wraps,
        reason = "returns the `Reply` every handler returns"
    )]
    pub(crate) fn finish(&self, base: &Base, mut value: Value, cache: Option<Duration>) -> Reply {
        if let Value::Object(map) = &mut value {
            if base.modern {
                map.entry("resultType")
                    .or_insert_with(|| Value::String("complete".into()));
                if let Some(ttl) = cache {
                    map.insert("ttlMs".into(), json!(ttl_ms(ttl)));
                    map.insert("cacheScope".into(), to_value(&self.inner.cache_scope));
                }
                if self.inner.server_info_meta {
                    let meta = map
                        .entry("_meta")
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(meta) = meta {
                        meta.insert(
                            p::meta::SERVER_INFO_KEY.into(),
                            self.inner.info_value.clone(),
                        );
                    }
                }
            } else {
                map.remove("resultType");
                map.remove("ttlMs");
                map.remove("cacheScope");
            }
        }
        Some(Ok(raw(&value)))
    }
}

impl Server {
    /// Forwards list changes and resource updates to a legacy session until it closes:
    /// `list_changed` when declared, `resources/updated` for subscribed URIs.
    pub(crate) fn forward_changes(&self, session: &Arc<Session>) {
        let mut changes = self.inner.notifier.subscribe();
        let weak = Arc::downgrade(session);
        let closed = session.closed.clone();
        let list_changed = self.inner.list_changed;
        tokio::spawn(async move {
            loop {
                let change = tokio::select! {
                    () = closed.cancelled() => return,
                    change = changes.recv() => change,
                };
                let change = match change {
                    Ok(c) => c,
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                };
                let Some(session) = weak.upgrade() else {
                    return;
                };
                if !session.is_initialized() {
                    continue;
                }
                let (method, params) = match change {
                    Change::Tools if list_changed => {
                        (methods::NOTIFICATION_TOOLS_LIST_CHANGED, None)
                    }
                    Change::Prompts if list_changed => {
                        (methods::NOTIFICATION_PROMPTS_LIST_CHANGED, None)
                    }
                    Change::Resources if list_changed => {
                        (methods::NOTIFICATION_RESOURCES_LIST_CHANGED, None)
                    }
                    Change::Resource(uri) if session.is_subscribed(&uri) => (
                        methods::NOTIFICATION_RESOURCES_UPDATED,
                        Some(raw(&json!({ "uri": uri }))),
                    ),
                    _ => continue,
                };
                session.send_unrelated(Message::Notification(Notification::new(method, params)));
            }
        });
    }
}

/// The span of one request: the OpenTelemetry MCP attribute names, and the W3C trace context
/// of `_meta` (`traceparent`, `tracestate`) for a tracing-opentelemetry layer to parent it.
fn request_span(incoming: &Incoming) -> tracing::Span {
    let span = tracing::info_span!(
        "mcp.request",
        mcp.method.name = %incoming.request.method,
        jsonrpc.request.id = %incoming.request.id,
        traceparent = tracing::field::Empty,
        tracestate = tracing::field::Empty,
        trace_id = tracing::field::Empty,
    );
    if span.is_disabled() {
        return span;
    }
    if let Some(meta) = peek_meta(incoming.request.params.as_deref()) {
        if let Some(tp) = meta.get(p::meta::TRACEPARENT_KEY).and_then(Value::as_str) {
            span.record("traceparent", tp);
            // version-traceid-parentid-flags
            if let Some(trace_id) = tp.split('-').nth(1).filter(|t| t.len() == 32) {
                span.record("trace_id", trace_id);
            }
        }
        if let Some(ts) = meta.get(p::meta::TRACESTATE_KEY).and_then(Value::as_str) {
            span.record("tracestate", ts);
        }
    }
    span
}

fn ttl_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

pub(crate) fn raw(value: &Value) -> Box<RawValue> {
    serde_json::value::to_raw_value(value).expect("a Value always serializes")
}

pub(crate) fn empty() -> Box<RawValue> {
    RawValue::from_string("{}".to_owned()).expect("{} is JSON")
}
