//! The handlers of each method, and the input-required loop shared by tools, prompts and
//! resources.

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures::FutureExt as _;
use mcp_core::jsonrpc::{ErrorCode, ErrorObject, decode_params};
use mcp_core::protocol::{
    self as p, CallToolResult, CompletionReference, InputRequest, InputResponses,
    SubscriptionFilter, methods,
};
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use crate::authz::{self, Check, Decision, decide};
use crate::completion::{CompletionRequest, Key};
use crate::context::{RequestContext, notification, to_value};
use crate::dispatch::{Base, Reply, invalid, raw};
use crate::error::{HandlerError, HandlerErrorKind, ToolError, ToolErrorKind};
use crate::input::{Input, InputRequired};
use crate::notify::Change;
use crate::prompt::PromptCall;
use crate::resource::ResourceCall;
use crate::seal::{Binding, digest};
use crate::server::Server;
use crate::tool::ToolCall;
use crate::{downgrade, downgrade::named};

/// The most input rounds the SDK drives for one legacy request.
const MAX_LEGACY_ROUNDS: usize = 16;

/// How a handler invocation failed.
pub(crate) enum Failure {
    Input(InputRequired),
    Error(ErrorObject),
    /// A tool failure the model reads (`isError: true`).
    Tool(CallToolResult),
}

/// How the input-required loop ended.
enum Step<T> {
    Done(T),
    /// A modern `InputRequiredResult`, ready to send.
    InputRequired(Value),
    Failed(Failure),
    Cancelled,
}

fn correlation_id() -> String {
    format!("{:016x}", rand::random::<u64>())
}

pub(crate) fn internal(source: &dyn std::fmt::Display) -> ErrorObject {
    let id = correlation_id();
    tracing::error!(correlation_id = %id, error = %source, "handler failed");
    ErrorObject::new(
        ErrorCode::INTERNAL_ERROR,
        format!("internal error (correlation id {id})"),
    )
    .with_data(json!({ "correlationId": id }))
}

impl Failure {
    fn from_tool(e: ToolError) -> Self {
        match e.kind {
            ToolErrorKind::Tool {
                message,
                structured,
            } => {
                let mut r = CallToolResult::error(message);
                r.structured_content = structured;
                Self::Tool(r)
            }
            ToolErrorKind::Internal(source) => Self::Error(internal(&source)),
            ToolErrorKind::Input(i) => Self::Input(i),
            ToolErrorKind::Protocol(e) => Self::Error(e),
        }
    }

    fn from_handler(e: HandlerError, base: &Base) -> Self {
        match e.kind {
            HandlerErrorKind::NotFound(uri) => Self::Error(not_found(base, &uri)),
            HandlerErrorKind::InvalidParams(m) => Self::Error(invalid(m)),
            HandlerErrorKind::Internal(source) => Self::Error(internal(&source)),
            HandlerErrorKind::Input(i) => Self::Input(i),
            HandlerErrorKind::Protocol(e) => Self::Error(e),
        }
    }
}

/// Resource not found, in the code of the request's era, with `data.uri`.
fn not_found(base: &Base, uri: &str) -> ErrorObject {
    ErrorObject::new(base.version.resource_not_found_code(), "Resource not found")
        .with_data(json!({ "uri": uri }))
}

fn params<T: serde::de::DeserializeOwned>(raw: Option<&RawValue>) -> Result<T, ErrorObject> {
    decode_params(raw).map_err(|e| e.to_error_object())
}

macro_rules! try_reply {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return Some(Err(e)),
        }
    };
}

impl Server {
    fn page<'a, T>(
        &self,
        items: &'a [T],
        raw: Option<&RawValue>,
    ) -> Result<(&'a [T], Option<String>), ErrorObject> {
        let params: p::PaginatedParams = params(raw)?;
        let start = match params.cursor.as_deref() {
            None => 0,
            Some(cursor) => decode_cursor(cursor)
                .filter(|&o| o <= items.len())
                .ok_or_else(|| invalid("Invalid cursor"))?,
        };
        let end = (start + self.inner.page_size).min(items.len());
        let next = (end < items.len()).then(|| URL_SAFE_NO_PAD.encode(format!("o:{end}")));
        Ok((&items[start..end], next))
    }

    /// Asks the policy (if any) about one call or one listed item.
    pub(crate) async fn check(
        &self,
        base: &Base,
        method: &str,
        name: Option<&str>,
        arguments: Option<&Map<String, Value>>,
        annotations: Option<&p::ToolAnnotations>,
        listing: bool,
    ) -> Decision {
        let Some(policy) = &self.inner.authz else {
            return Decision::Allow;
        };
        if base.preauthorized && !listing {
            return Decision::Allow;
        }
        let check = Check {
            principal: &base.principal,
            method,
            name,
            arguments,
            annotations,
            version: base.version,
            listing,
        };
        decide(policy.as_ref(), &check).await
    }

    /// A list result: the list request is authorized, hidden items are left out, and the
    /// visible ones are paged.
    #[expect(
        clippy::too_many_arguments,
        reason = "one generic body for the four list methods"
    )]
    async fn list<T>(
        &self,
        base: &Base,
        method: &str,
        raw: Option<&RawValue>,
        items: &[T],
        key: &str,
        describe: impl Fn(&T) -> (&str, Option<&p::ToolAnnotations>),
        render: impl Fn(&T) -> Value,
        shape: impl Fn(&mut Map<String, Value>),
    ) -> Reply {
        match self.check(base, method, None, None, None, false).await {
            Decision::Allow => {}
            Decision::Hide => return Some(Err(ErrorObject::method_not_found(method))),
            denied => return Some(Err(authz::error_of(&denied).expect("a denial has an error"))),
        }
        let mut visible: Vec<&T> = Vec::with_capacity(items.len());
        for item in items {
            let (name, annotations) = describe(item);
            if self
                .check(base, method, Some(name), None, annotations, true)
                .await
                != Decision::Hide
            {
                visible.push(item);
            }
        }
        let (page, next) = try_reply!(self.page(&visible, raw));
        let rendered: Vec<Value> = page
            .iter()
            .map(|item| {
                let mut v = render(item);
                if !base.modern
                    && let Value::Object(m) = &mut v
                {
                    shape(m);
                }
                v
            })
            .collect();
        let mut result = Map::new();
        result.insert(key.into(), Value::Array(rendered));
        if let Some(next) = next {
            result.insert("nextCursor".into(), Value::String(next));
        }
        self.finish(base, Value::Object(result), Some(self.inner.list_ttl))
    }

    pub(crate) async fn list_tools(&self, base: &Base, raw: Option<&RawValue>) -> Reply {
        let v = base.version;
        self.list(
            base,
            methods::TOOLS_LIST,
            raw,
            &self.inner.tools,
            "tools",
            |t| (t.def.name.as_str(), t.def.annotations.as_ref()),
            |t| to_value(&t.def),
            |m| downgrade::tool(m, v),
        )
        .await
    }

    pub(crate) async fn list_prompts(&self, base: &Base, raw: Option<&RawValue>) -> Reply {
        let v = base.version;
        self.list(
            base,
            methods::PROMPTS_LIST,
            raw,
            &self.inner.prompts,
            "prompts",
            |e| (e.def.name.as_str(), None),
            |e| to_value(&e.def),
            |m| named(m, v),
        )
        .await
    }

    pub(crate) async fn list_resources(&self, base: &Base, raw: Option<&RawValue>) -> Reply {
        let v = base.version;
        self.list(
            base,
            methods::RESOURCES_LIST,
            raw,
            &self.inner.resources,
            "resources",
            |e| (e.def.uri.as_str(), None),
            |e| to_value(&e.def),
            |m| named(m, v),
        )
        .await
    }

    pub(crate) async fn list_templates(&self, base: &Base, raw: Option<&RawValue>) -> Reply {
        let v = base.version;
        self.list(
            base,
            methods::RESOURCES_TEMPLATES_LIST,
            raw,
            &self.inner.templates,
            "resourceTemplates",
            |e| (e.def.uri_template.as_str(), None),
            |e| to_value(&e.def),
            |m| named(m, v),
        )
        .await
    }

    pub(crate) async fn call_tool(&self, base: &Base, raw: Option<&RawValue>) -> Reply {
        let params: p::CallToolParams = try_reply!(params(raw));
        let Some(&index) = self.inner.tool_index.get(&params.name) else {
            return Some(Err(invalid(format!("Unknown tool: {}", params.name))));
        };
        let entry = &self.inner.tools[index];
        let arguments = params.arguments.unwrap_or_default();
        let decision = self
            .check(
                base,
                methods::TOOLS_CALL,
                Some(&params.name),
                Some(&arguments),
                entry.def.annotations.as_ref(),
                false,
            )
            .await;
        match decision {
            Decision::Allow => {}
            // Hidden tools are unreachable with exactly the answer of an unknown one.
            Decision::Hide => return Some(Err(invalid(format!("Unknown tool: {}", params.name)))),
            denied => return Some(Err(authz::error_of(&denied).expect("a denial has an error"))),
        }
        if let Some(validator) = &entry.input {
            let instance = Value::Object(arguments);
            let errors: Vec<String> = if validator.is_valid(&instance) {
                Vec::new()
            } else {
                validator
                    .iter_errors(&instance)
                    .take(5)
                    .map(|e| {
                        let path = e.instance_path().to_string();
                        if path.is_empty() {
                            format!("{e}")
                        } else {
                            format!("`{path}`: {e}")
                        }
                    })
                    .collect()
            };
            if !errors.is_empty() {
                let result =
                    CallToolResult::error(format!("invalid arguments: {}", errors.join("; ")));
                return self.finish(base, to_value(&result), None);
            }
            let Value::Object(arguments) = instance else {
                unreachable!("constructed as an object")
            };
            return self
                .run_tool(
                    base,
                    entry,
                    params.name,
                    arguments,
                    params.input_responses,
                    params.request_state,
                )
                .await;
        }
        self.run_tool(
            base,
            entry,
            params.name,
            arguments,
            params.input_responses,
            params.request_state,
        )
        .await
    }

    async fn run_tool(
        &self,
        base: &Base,
        entry: &crate::server::ToolEntry,
        name: String,
        arguments: Map<String, Value>,
        responses: Option<InputResponses>,
        state: Option<String>,
    ) -> Reply {
        // The params digest binds sealed state; it is only needed when state is opened or
        // sealed, so it is computed lazily (it hashes every argument).
        let digest_of = || {
            digest(&[
                &Value::String(name.clone()),
                &Value::Object(arguments.clone()),
            ])
        };
        // The first invocation takes the arguments; a legacy retry (rare) gets a copy.
        let retry_copy = (!base.modern).then(|| arguments.clone());
        let mut first = Some(arguments.clone());
        let handler = Arc::clone(&entry.handler);
        let step = self
            .drive(
                base,
                methods::TOOLS_CALL,
                &digest_of,
                responses,
                state,
                |cx| {
                    let handler = Arc::clone(&handler);
                    let arguments = first
                        .take()
                        .or_else(|| retry_copy.clone())
                        .unwrap_or_default();
                    let call = ToolCall { arguments, cx };
                    async move { handler.handle(call).await.map_err(Failure::from_tool) }
                },
            )
            .await;
        let result = match step {
            Step::Done(result) | Step::Failed(Failure::Tool(result)) => result,
            Step::Failed(Failure::Error(e)) => return Some(Err(e)),
            Step::Failed(Failure::Input(_)) => unreachable!("drive resolves input failures"),
            Step::InputRequired(v) => return self.finish(base, v, None),
            Step::Cancelled => return None,
        };
        if let (Some(validator), Some(structured)) = (&entry.output, &result.structured_content)
            && result.is_error != Some(true)
            && !validator.is_valid(structured)
        {
            let errors: Vec<String> = validator
                .iter_errors(structured)
                .take(3)
                .map(|e| e.to_string())
                .collect();
            return Some(Err(internal(&format!(
                "tool output does not match its outputSchema: {}",
                errors.join("; ")
            ))));
        }
        if entry.output.is_some()
            && result.structured_content.is_none()
            && result.is_error != Some(true)
        {
            return Some(Err(internal(
                &"tool declares an outputSchema but returned no structuredContent",
            )));
        }
        let mut value = to_value(&result);
        if !base.modern {
            let object_schema = entry
                .def
                .output_schema
                .as_ref()
                .is_none_or(crate::schema::is_object_root);
            if let Value::Object(m) = &mut value {
                downgrade::call_tool_result(m, base.version, object_schema);
            }
        }
        self.finish(base, value, None)
    }

    pub(crate) async fn get_prompt(&self, base: &Base, raw: Option<&RawValue>) -> Reply {
        let params: p::GetPromptParams = try_reply!(params(raw));
        let Some(&index) = self.inner.prompt_index.get(&params.name) else {
            return Some(Err(invalid(format!("Unknown prompt: {}", params.name))));
        };
        let entry = &self.inner.prompts[index];
        let as_values: Map<String, Value> = params
            .arguments
            .iter()
            .flatten()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        match self
            .check(
                base,
                methods::PROMPTS_GET,
                Some(&params.name),
                Some(&as_values),
                None,
                false,
            )
            .await
        {
            Decision::Allow => {}
            Decision::Hide => {
                return Some(Err(invalid(format!("Unknown prompt: {}", params.name))));
            }
            denied => return Some(Err(authz::error_of(&denied).expect("a denial has an error"))),
        }
        let arguments: HashMap<String, String> =
            params.arguments.unwrap_or_default().into_iter().collect();
        for arg in entry.def.arguments.iter().flatten() {
            if arg.required == Some(true) && !arguments.contains_key(&arg.name) {
                return Some(Err(invalid(format!(
                    "missing required argument `{}`",
                    arg.name
                ))));
            }
        }
        let digest_of = || digest(&[&Value::String(params.name.clone()), &to_value(&arguments)]);
        let handler = Arc::clone(&entry.handler);
        let step = self
            .drive(
                base,
                methods::PROMPTS_GET,
                &digest_of,
                params.input_responses,
                params.request_state,
                |cx| {
                    let handler = Arc::clone(&handler);
                    let call = PromptCall {
                        arguments: arguments.clone(),
                        cx,
                    };
                    let base = base.clone();
                    async move {
                        handler
                            .get(call)
                            .await
                            .map_err(|e| Failure::from_handler(e, &base))
                    }
                },
            )
            .await;
        match step {
            Step::Done(result) => {
                let mut value = to_value(&result);
                if !base.modern
                    && let Value::Object(m) = &mut value
                {
                    downgrade::prompt_result(m, base.version);
                }
                self.finish(base, value, None)
            }
            Step::InputRequired(v) => self.finish(base, v, None),
            Step::Failed(Failure::Error(e)) => Some(Err(e)),
            Step::Failed(Failure::Tool(r)) => Some(Err(internal(&format!("{:?}", r.content)))),
            Step::Failed(Failure::Input(_)) => unreachable!("drive resolves input failures"),
            Step::Cancelled => None,
        }
    }

    pub(crate) async fn read_resource(&self, base: &Base, raw: Option<&RawValue>) -> Reply {
        let params: p::ReadResourceParams = try_reply!(params(raw));
        let uri = params.uri;
        match self
            .check(base, methods::RESOURCES_READ, Some(&uri), None, None, false)
            .await
        {
            Decision::Allow => {}
            Decision::Hide => return Some(Err(not_found(base, &uri))),
            denied => return Some(Err(authz::error_of(&denied).expect("a denial has an error"))),
        }
        let (handler, variables) = if let Some(&i) = self.inner.resource_index.get(&uri) {
            (Arc::clone(&self.inner.resources[i].handler), HashMap::new())
        } else if let Some((entry, vars)) = self
            .inner
            .templates
            .iter()
            .find_map(|t| t.template.matches(&uri).map(|vars| (t, vars)))
        {
            (Arc::clone(&entry.handler), vars)
        } else {
            return Some(Err(not_found(base, &uri)));
        };
        let digest_of = || digest(&[&Value::String(uri.clone())]);
        let step = self
            .drive(
                base,
                methods::RESOURCES_READ,
                &digest_of,
                params.input_responses,
                params.request_state,
                |cx| {
                    let handler = Arc::clone(&handler);
                    let call = ResourceCall {
                        uri: uri.clone(),
                        variables: variables.clone(),
                        cx,
                    };
                    let base = base.clone();
                    async move {
                        handler
                            .read(call)
                            .await
                            .map_err(|e| Failure::from_handler(e, &base))
                    }
                },
            )
            .await;
        match step {
            Step::Done(result) => {
                if result.contents.is_empty() {
                    // An empty `contents` list must never stand for "not found".
                    return Some(Err(not_found(base, &uri)));
                }
                let mut value = to_value(&result);
                if !base.modern
                    && let Value::Object(m) = &mut value
                {
                    downgrade::read_result(m, base.version);
                }
                self.finish(base, value, Some(self.inner.read_ttl))
            }
            Step::InputRequired(v) => self.finish(base, v, None),
            Step::Failed(Failure::Error(e)) => Some(Err(e)),
            Step::Failed(Failure::Tool(r)) => Some(Err(internal(&format!("{:?}", r.content)))),
            Step::Failed(Failure::Input(_)) => unreachable!("drive resolves input failures"),
            Step::Cancelled => None,
        }
    }

    pub(crate) async fn complete(&self, base: &Base, raw: Option<&RawValue>) -> Reply {
        let params: p::CompleteParams = try_reply!(params(raw));
        let target = match &params.reference {
            CompletionReference::Prompt(r) => r.name.as_str(),
            CompletionReference::Resource(r) => r.uri.as_str(),
            _ => "",
        };
        match self
            .check(
                base,
                methods::COMPLETION_COMPLETE,
                Some(target),
                None,
                None,
                false,
            )
            .await
        {
            Decision::Allow => {}
            Decision::Hide => return Some(Err(invalid(format!("Unknown reference: {target}")))),
            denied => return Some(Err(authz::error_of(&denied).expect("a denial has an error"))),
        }
        let key = match &params.reference {
            CompletionReference::Prompt(r) => {
                let Some(&i) = self.inner.prompt_index.get(&r.name) else {
                    return Some(Err(invalid(format!("Unknown prompt: {}", r.name))));
                };
                let known = self.inner.prompts[i]
                    .def
                    .arguments
                    .iter()
                    .flatten()
                    .any(|a| a.name == params.argument.name);
                if !known {
                    return Some(Err(invalid(format!(
                        "prompt `{}` has no argument `{}`",
                        r.name, params.argument.name
                    ))));
                }
                Key::prompt(&r.name, &params.argument.name)
            }
            CompletionReference::Resource(r) => {
                if !self
                    .inner
                    .templates
                    .iter()
                    .any(|t| t.def.uri_template == r.uri)
                    && !self.inner.resource_index.contains_key(&r.uri)
                {
                    return Some(Err(invalid(format!(
                        "Unknown resource template: {}",
                        r.uri
                    ))));
                }
                Key::resource(&r.uri, &params.argument.name)
            }
            _ => return Some(Err(invalid("unsupported completion reference"))),
        };
        let completion = match self.inner.completions.get(&key) {
            None => json!({ "values": [], "hasMore": false }),
            Some(completer) => {
                let request = CompletionRequest {
                    argument: params.argument.name.clone(),
                    value: params.argument.value.clone(),
                    context: params
                        .context
                        .and_then(|c| c.arguments)
                        .map(|a| a.into_iter().collect())
                        .unwrap_or_default(),
                    cx: base.context(self, Input::default()),
                };
                let fut = completer(request);
                match guarded(async move { fut.await.map_err(Failure::from) }, base).await {
                    None => return None,
                    Some(Ok(v)) => v,
                    Some(Err(Failure::Error(e))) => return Some(Err(e)),
                    Some(Err(_)) => {
                        return Some(Err(internal(&"completion handler asked for input")));
                    }
                }
            }
        };
        self.finish(base, json!({ "completion": completion }), None)
    }

    /// `subscriptions/listen` (2026-07-28): acknowledgement first, then every requested change
    /// tagged with the subscription id, until the client cancels or the transport shuts down.
    pub(crate) async fn listen(&self, base: &Base, raw: Option<&RawValue>) -> Reply {
        let params: p::SubscriptionsListenParams = try_reply!(params(raw));
        let requested = params.notifications;
        let inner = &self.inner;
        let has_resources = !inner.resources.is_empty() || !inner.templates.is_empty();
        let mut honored = SubscriptionFilter::default();
        if inner.list_changed {
            if !inner.tools.is_empty() && requested.tools_list_changed == Some(true) {
                honored.tools_list_changed = Some(true);
            }
            if !inner.prompts.is_empty() && requested.prompts_list_changed == Some(true) {
                honored.prompts_list_changed = Some(true);
            }
            if has_resources && requested.resources_list_changed == Some(true) {
                honored.resources_list_changed = Some(true);
            }
        }
        if has_resources && inner.subscriptions {
            honored.resource_subscriptions = requested.resource_subscriptions.clone();
        }
        // Subscribe before acknowledging, so no change after the ack is missed; the ack is
        // queued before any change can be.
        match self
            .check(base, methods::SUBSCRIPTIONS_LISTEN, None, None, None, false)
            .await
        {
            Decision::Allow => {}
            Decision::Hide => {
                return Some(Err(ErrorObject::method_not_found(
                    methods::SUBSCRIPTIONS_LISTEN,
                )));
            }
            denied => return Some(Err(authz::error_of(&denied).expect("a denial has an error"))),
        }
        let mut changes = inner.notifier.subscribe();
        let tag = || {
            let mut m = Map::new();
            m.insert(p::meta::SUBSCRIPTION_ID_KEY.into(), to_value(&base.id));
            m
        };
        let mut ack = p::SubscriptionsAcknowledgedParams::new(&base.id, honored.clone());
        ack.meta = Some(tag());
        if !base.sink.send(notification(&ack)) {
            return None;
        }
        // A listen stream lives no longer than the credential that opened it.
        let lifetime = base.principal.expires_at.map(|t| {
            t.duration_since(std::time::SystemTime::now())
                .unwrap_or(std::time::Duration::ZERO)
        });
        let expired = async move {
            match lifetime {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(expired);
        loop {
            tokio::select! {
                () = base.cancel.cancelled() => break,
                () = &mut expired => break,
                change = changes.recv() => match change {
                    Ok(change) => {
                        let message = match &change {
                            Change::Tools if honored.tools_list_changed == Some(true) => {
                                tagged(methods::NOTIFICATION_TOOLS_LIST_CHANGED, &json!({ "_meta": tag() }))
                            }
                            Change::Prompts if honored.prompts_list_changed == Some(true) => {
                                tagged(methods::NOTIFICATION_PROMPTS_LIST_CHANGED, &json!({ "_meta": tag() }))
                            }
                            Change::Resources if honored.resources_list_changed == Some(true) => {
                                tagged(methods::NOTIFICATION_RESOURCES_LIST_CHANGED, &json!({ "_meta": tag() }))
                            }
                            Change::Resource(uri)
                                if honored.resource_subscriptions.as_ref().is_some_and(|s| s.contains(uri)) =>
                            {
                                tagged(methods::NOTIFICATION_RESOURCES_UPDATED, &json!({ "uri": uri, "_meta": tag() }))
                            }
                            _ => continue,
                        };
                        if !base.sink.send(message) {
                            return None;
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(skipped = n, "listen stream lagged behind changes");
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                },
            }
        }
        if base.sink.is_closed() {
            return None;
        }
        self.finish(base, json!({ "_meta": tag() }), None)
    }

    /// Runs a handler, driving input-required rounds: in 2026-07-28 by answering with a
    /// sealed `InputRequiredResult`, in legacy sessions by asking the client directly.
    async fn drive<T, F, Fut>(
        &self,
        base: &Base,
        method: &'static str,
        digest: &(dyn Fn() -> String + Sync),
        responses: Option<InputResponses>,
        state: Option<String>,
        mut run: F,
    ) -> Step<T>
    where
        F: FnMut(RequestContext) -> Fut,
        Fut: Future<Output = Result<T, Failure>> + Send,
    {
        let binding_parts = || (base.principal.binding_key(), digest());
        if base.modern {
            let state = match state {
                None => None,
                Some(token) => {
                    let (principal, digest) = binding_parts();
                    let binding = Binding {
                        principal: &principal,
                        method,
                        digest: &digest,
                    };
                    match self.inner.keys.open(&token, &binding) {
                        Ok(state) => state,
                        Err(reason) => {
                            tracing::debug!(reason, "requestState rejected");
                            return Step::Failed(Failure::Error(invalid("invalid requestState")));
                        }
                    }
                }
            };
            let responses: HashMap<String, Result<Value, ErrorObject>> = responses
                .map(|r| r.responses.into_iter().map(|(k, v)| (k, Ok(v))).collect())
                .unwrap_or_default();
            let input = Input {
                responses: Arc::new(responses),
                state: state.map(Arc::new),
                capabilities: Arc::clone(&base.capabilities),
            };
            return match guarded(run(base.context(self, input)), base).await {
                None => Step::Cancelled,
                Some(Ok(t)) => Step::Done(t),
                Some(Err(Failure::Input(required))) => {
                    let (principal, digest) = binding_parts();
                    let binding = Binding {
                        principal: &principal,
                        method,
                        digest: &digest,
                    };
                    self.input_required_result(base, &binding, &required)
                }
                Some(Err(other)) => Step::Failed(other),
            };
        }

        let mut responses: HashMap<String, Result<Value, ErrorObject>> = HashMap::new();
        let mut state: Option<Value> = None;
        for _ in 0..MAX_LEGACY_ROUNDS {
            let input = Input {
                responses: Arc::new(std::mem::take(&mut responses)),
                state: state.take().map(Arc::new),
                capabilities: Arc::clone(&base.capabilities),
            };
            let required = match guarded(run(base.context(self, input)), base).await {
                None => return Step::Cancelled,
                Some(Ok(t)) => return Step::Done(t),
                Some(Err(Failure::Input(required))) => required,
                Some(Err(other)) => return Step::Failed(other),
            };
            let Some(session) = base.session.as_ref().filter(|s| s.is_initialized()) else {
                return Step::Failed(Failure::Error(ErrorObject::new(
                    ErrorCode::INVALID_REQUEST,
                    "this request needs input from the client, which needs an initialized session",
                )));
            };
            if let Some(missing) = required.missing_capabilities(&base.capabilities) {
                return Step::Failed(Failure::Error(
                    ErrorObject::new(
                        ErrorCode::INVALID_REQUEST,
                        format!("this request needs client capabilities the client did not declare: {missing}"),
                    )
                    .with_data(json!({ "requiredCapabilities": missing })),
                ));
            }
            let timeout = self.inner.client_request_timeout;
            let asks = required.requests.iter().map(|(key, request)| {
                let params = request_params(request, base.version);
                async move {
                    let answer = session
                        .request(&base.sink, request.method(), &params, timeout)
                        .await;
                    (key.clone(), answer)
                }
            });
            tokio::select! {
                () = base.cancel.cancelled() => return Step::Cancelled,
                answers = futures::future::join_all(asks) => {
                    responses = answers.into_iter().collect();
                }
            }
            state = required.state;
        }
        Step::Failed(Failure::Error(internal(&"too many input rounds")))
    }

    fn input_required_result<T>(
        &self,
        base: &Base,
        binding: &Binding<'_>,
        required: &InputRequired,
    ) -> Step<T> {
        if required.requests.is_empty() && required.state.is_none() {
            return Step::Failed(Failure::Error(internal(
                &"handler asked for input without naming any",
            )));
        }
        if let Some(missing) = required.missing_capabilities(&base.capabilities) {
            return Step::Failed(Failure::Error(
                ErrorObject::new(
                    ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY,
                    "Missing required client capability",
                )
                .with_data(json!({ "requiredCapabilities": missing })),
            ));
        }
        let token = self
            .inner
            .keys
            .seal(binding, required.state.as_ref(), self.inner.state_ttl);
        let mut requests = Map::new();
        for (key, request) in &required.requests {
            requests.insert(key.clone(), to_value(request));
        }
        let mut result = json!({ "resultType": "input_required", "requestState": token });
        if !requests.is_empty() {
            result["inputRequests"] = Value::Object(requests);
        }
        Step::InputRequired(result)
    }
}

/// The params of a server-to-client request, shaped for a legacy revision.
fn request_params(request: &InputRequest, version: p::ProtocolVersion) -> Value {
    let mut params = match request {
        InputRequest::Elicitation(p) => to_value(p),
        InputRequest::Sampling(p) => to_value(p),
        InputRequest::Roots(p) => to_value(p),
        _ => Value::Object(Map::new()),
    };
    if let (InputRequest::Elicitation(p::ElicitRequestParams::Url(_)), Value::Object(m)) =
        (request, &mut params)
    {
        // 2025-11-25 URL elicitation requires an id; the modern revision dropped it.
        if version.supports_url_elicitation() && !m.contains_key("elicitationId") {
            m.insert("elicitationId".into(), Value::String(correlation_id()));
        }
    }
    params
}

fn tagged(method: &str, params: &Value) -> mcp_core::jsonrpc::Message {
    mcp_core::jsonrpc::Message::Notification(mcp_core::jsonrpc::Notification::new(
        method,
        Some(raw(params)),
    ))
}

/// Runs a handler future, stopping at cancellation and turning a panic into -32603.
async fn guarded<T, Fut>(fut: Fut, base: &Base) -> Option<Result<T, Failure>>
where
    Fut: Future<Output = Result<T, Failure>>,
{
    tokio::select! {
        biased;
        () = base.cancel.cancelled() => None,
        outcome = AssertUnwindSafe(fut).catch_unwind() => Some(outcome.unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a handler panicked".to_owned());
            Err(Failure::Error(internal(&format!("panic: {message}"))))
        })),
    }
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    text.strip_prefix("o:")?.parse().ok()
}

impl From<HandlerError> for Failure {
    fn from(e: HandlerError) -> Self {
        match e.kind {
            HandlerErrorKind::NotFound(uri) => Self::Error(invalid(format!("not found: {uri}"))),
            HandlerErrorKind::InvalidParams(m) => Self::Error(invalid(m)),
            HandlerErrorKind::Internal(source) => Self::Error(internal(&source)),
            HandlerErrorKind::Input(i) => Self::Input(i),
            HandlerErrorKind::Protocol(e) => Self::Error(e),
        }
    }
}

#[cfg(feature = "http")]
impl Server {
    /// Runs the policy before the transport chooses how to answer, so a scope shortfall can
    /// still become an HTTP 403. `Ok(true)`: allowed (the engine need not ask again);
    /// `Ok(false)`: left to the engine (no policy, an unknown or hidden target).
    pub(crate) async fn preauthorize(
        &self,
        request: &mcp_core::jsonrpc::Request,
        principal: &Arc<mcp_core::auth::Principal>,
        version: p::ProtocolVersion,
    ) -> Result<bool, ErrorObject> {
        let Some(policy) = &self.inner.authz else {
            return Ok(false);
        };
        let raw = request.params.as_deref();
        let method = request.method.as_str();
        let (name, arguments, annotations): (
            Option<String>,
            Option<Map<String, Value>>,
            Option<p::ToolAnnotations>,
        ) = match method {
            methods::TOOLS_CALL => {
                let Ok(params) = params::<p::CallToolParams>(raw) else {
                    return Ok(false);
                };
                let Some(&i) = self.inner.tool_index.get(&params.name) else {
                    return Ok(false);
                };
                let annotations = self.inner.tools[i].def.annotations.clone();
                (
                    Some(params.name),
                    Some(params.arguments.unwrap_or_default()),
                    annotations,
                )
            }
            methods::PROMPTS_GET => {
                let Ok(params) = params::<p::GetPromptParams>(raw) else {
                    return Ok(false);
                };
                let args = params
                    .arguments
                    .iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect();
                (Some(params.name), Some(args), None)
            }
            methods::RESOURCES_READ => {
                let Ok(params) = params::<p::ReadResourceParams>(raw) else {
                    return Ok(false);
                };
                (Some(params.uri), None, None)
            }
            methods::TOOLS_LIST
            | methods::PROMPTS_LIST
            | methods::RESOURCES_LIST
            | methods::RESOURCES_TEMPLATES_LIST
            | methods::SUBSCRIPTIONS_LISTEN => (None, None, None),
            _ => return Ok(false),
        };
        let check = Check {
            principal,
            method,
            name: name.as_deref(),
            arguments: arguments.as_ref(),
            annotations: annotations.as_ref(),
            version,
            listing: false,
        };
        match decide(policy.as_ref(), &check).await {
            Decision::Allow => Ok(true),
            Decision::Hide => Ok(false),
            denied => Err(authz::error_of(&denied).expect("a denial has an error")),
        }
    }
}
