//! [`Server`] and its [`ServerBuilder`]: what is registered, and the configuration shared by
//! every transport.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use mcp_core::protocol::{
    CacheScope, Icon, Implementation, Prompt as PromptDef, ProtocolVersion,
    Resource as ResourceDef, ResourceTemplate as TemplateDef, Tool as ToolDef,
};
use serde_json::Value;

use crate::completion::{CompletionRequest, Completions, IntoCompletion};
use crate::error::HandlerError;
use crate::notify::Notifier;
use crate::prompt::{DynPrompt, Prompt};
use crate::resource::{DynResource, Resource, ResourceTemplate, TemplateHandler, UriTemplate};
use crate::seal::StateKeys;
use crate::tool::{DynTool, Tool};

/// An MCP server: registered tools, resources, prompts and completions, and its
/// configuration. Cheap to clone (an `Arc` inside) and shared by every connection and
/// transport.
///
/// ```
/// use mcp_server::{mcp_tool, Server, ToolError};
///
/// /// Adds two integers.
/// #[mcp_tool]
/// async fn add(
///     /// Left operand.
///     a: i64,
///     /// Right operand.
///     b: i64,
/// ) -> Result<i64, ToolError> {
///     a.checked_add(b).ok_or_else(|| ToolError::new("the sum does not fit in an i64"))
/// }
///
/// let server = Server::builder("calculator", "1.0.0").tool(add).build();
/// # let _ = server;
/// ```
#[derive(Clone)]
pub struct Server {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("name", &self.inner.info.name)
            .field("tools", &self.inner.tools.len())
            .field("resources", &self.inner.resources.len())
            .field("templates", &self.inner.templates.len())
            .field("prompts", &self.inner.prompts.len())
            .finish_non_exhaustive()
    }
}

pub(crate) struct ToolEntry {
    pub(crate) def: ToolDef,
    pub(crate) input: Option<jsonschema::Validator>,
    pub(crate) output: Option<jsonschema::Validator>,
    pub(crate) handler: DynTool,
}

pub(crate) struct ResourceEntry {
    pub(crate) def: ResourceDef,
    pub(crate) handler: DynResource,
}

pub(crate) struct TemplateEntry {
    pub(crate) def: TemplateDef,
    pub(crate) template: UriTemplate,
    pub(crate) handler: DynResource,
}

pub(crate) struct PromptEntry {
    pub(crate) def: PromptDef,
    pub(crate) handler: DynPrompt,
}

#[expect(
    clippy::struct_excessive_bools,
    reason = "independent configuration switches"
)]
pub(crate) struct Inner {
    pub(crate) info: Implementation,
    /// `info` as JSON, made once: every modern result carries it.
    pub(crate) info_value: Value,
    pub(crate) instructions: Option<String>,
    pub(crate) tools: Vec<ToolEntry>,
    pub(crate) tool_index: HashMap<String, usize>,
    pub(crate) resources: Vec<ResourceEntry>,
    pub(crate) resource_index: HashMap<String, usize>,
    pub(crate) templates: Vec<TemplateEntry>,
    pub(crate) prompts: Vec<PromptEntry>,
    pub(crate) prompt_index: HashMap<String, usize>,
    pub(crate) completions: Completions,
    pub(crate) page_size: usize,
    pub(crate) state: Arc<http::Extensions>,
    pub(crate) notifier: Notifier,
    pub(crate) keys: StateKeys,
    pub(crate) state_ttl: Duration,
    pub(crate) client_request_timeout: Duration,
    pub(crate) list_ttl: Duration,
    pub(crate) read_ttl: Duration,
    pub(crate) cache_scope: CacheScope,
    pub(crate) versions: Vec<ProtocolVersion>,
    pub(crate) list_changed: bool,
    pub(crate) logging: bool,
    pub(crate) subscriptions: bool,
    pub(crate) server_info_meta: bool,
    pub(crate) authz: Option<Arc<dyn crate::authz::DynAuthorize>>,
    pub(crate) stack: Option<crate::middleware::RpcService>,
}

impl Server {
    /// Starts building a server named `name` at `version` (its `serverInfo`).
    pub fn builder(name: impl Into<String>, version: impl Into<String>) -> ServerBuilder {
        ServerBuilder::new(name.into(), version.into())
    }

    /// The notifier that announces list changes and resource updates to clients.
    pub fn notifier(&self) -> Notifier {
        self.inner.notifier.clone()
    }

    /// The server's `serverInfo`.
    pub fn info(&self) -> &Implementation {
        &self.inner.info
    }

    /// The definition of the tool named `name`, if registered.
    pub fn tool_definition(&self, name: &str) -> Option<&ToolDef> {
        self.inner
            .tool_index
            .get(name)
            .map(|&i| &self.inner.tools[i].def)
    }

    /// The protocol revisions the server serves.
    pub fn supported_versions(&self) -> &[ProtocolVersion] {
        &self.inner.versions
    }
}

type CompleteFn =
    Arc<dyn Fn(CompletionRequest) -> BoxFuture<'static, Result<Value, HandlerError>> + Send + Sync>;

/// Builds a [`Server`]. Mandatory data in [`Server::builder`], everything else chained.
#[must_use]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent configuration switches"
)]
pub struct ServerBuilder {
    info: Implementation,
    instructions: Option<String>,
    tools: Vec<(ToolDef, DynTool)>,
    resources: Vec<(ResourceDef, DynResource)>,
    templates: Vec<(TemplateDef, DynResource)>,
    prompts: Vec<(PromptDef, DynPrompt)>,
    completions: Vec<(crate::completion::Key, CompleteFn)>,
    page_size: usize,
    state: http::Extensions,
    keys: Option<StateKeys>,
    state_ttl: Duration,
    client_request_timeout: Duration,
    list_ttl: Duration,
    read_ttl: Duration,
    cache_scope: CacheScope,
    versions: Vec<ProtocolVersion>,
    list_changed: bool,
    logging: bool,
    subscriptions: bool,
    server_info_meta: bool,
    authz: Option<Arc<dyn crate::authz::DynAuthorize>>,
    layers: Vec<crate::middleware::LayerFn>,
}

impl std::fmt::Debug for ServerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("name", &self.info.name)
            .finish_non_exhaustive()
    }
}

impl ServerBuilder {
    fn new(name: String, version: String) -> Self {
        Self {
            info: Implementation::new(name, version),
            instructions: None,
            tools: Vec::new(),
            resources: Vec::new(),
            templates: Vec::new(),
            prompts: Vec::new(),
            completions: Vec::new(),
            page_size: 100,
            state: http::Extensions::new(),
            keys: None,
            state_ttl: Duration::from_mins(10),
            client_request_timeout: Duration::from_mins(1),
            list_ttl: Duration::from_mins(1),
            read_ttl: Duration::ZERO,
            cache_scope: CacheScope::Private,
            versions: ProtocolVersion::ALL.to_vec(),
            list_changed: true,
            logging: true,
            subscriptions: true,
            server_info_meta: true,
            authz: None,
            layers: Vec::new(),
        }
    }

    /// The per-call authorization policy (see [`authz`](crate::authz)). It runs on every
    /// call and list request; without one, every verified principal may do everything.
    pub fn authorize<A: crate::authz::Authorize>(mut self, policy: A) -> Self {
        self.authz = Some(Arc::new(policy));
        self
    }

    /// Wraps every MCP request in a tower layer (see [`middleware`](crate::middleware)):
    /// audit, rate limiting, metrics. The first layer added is the outermost.
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: tower::Layer<crate::middleware::RpcService> + Send + Sync + 'static,
        L::Service: tower::Service<
                crate::middleware::RpcRequest,
                Response = crate::middleware::RpcResponse,
                Error = std::convert::Infallible,
            > + Clone
            + Send
            + Sync
            + 'static,
        <L::Service as tower::Service<crate::middleware::RpcRequest>>::Future: Send + 'static,
    {
        self.layers.push(crate::middleware::erase(layer));
        self
    }

    /// Registers a tool.
    pub fn tool<T: Tool>(mut self, tool: T) -> Self {
        let def = tool.definition();
        self.tools.push((def, Arc::new(tool)));
        self
    }

    /// Registers a resource with a fixed URI.
    pub fn resource<R: Resource>(mut self, resource: R) -> Self {
        let def = resource.definition();
        self.resources.push((def, Arc::new(resource)));
        self
    }

    /// Registers a resource template.
    pub fn resource_template<R: ResourceTemplate>(mut self, template: R) -> Self {
        let def = template.definition();
        self.templates
            .push((def, Arc::new(TemplateHandler(template))));
        self
    }

    /// Registers a prompt.
    pub fn prompt<P: Prompt>(mut self, prompt: P) -> Self {
        let def = prompt.definition();
        self.prompts.push((def, Arc::new(prompt)));
        self
    }

    /// Registers completions for argument `argument` of prompt `prompt`. The handler gets the
    /// partial value and returns candidates (at most 100 are sent, with `hasMore`).
    pub fn complete_prompt<F, Fut, C>(self, prompt: &str, argument: &str, f: F) -> Self
    where
        F: Fn(CompletionRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = C> + Send + 'static,
        C: IntoCompletion,
    {
        self.complete(crate::completion::Key::prompt(prompt, argument), f)
    }

    /// Registers completions for variable `variable` of the resource template `uri_template`.
    pub fn complete_resource<F, Fut, C>(self, uri_template: &str, variable: &str, f: F) -> Self
    where
        F: Fn(CompletionRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = C> + Send + 'static,
        C: IntoCompletion,
    {
        self.complete(crate::completion::Key::resource(uri_template, variable), f)
    }

    fn complete<F, Fut, C>(mut self, key: crate::completion::Key, f: F) -> Self
    where
        F: Fn(CompletionRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = C> + Send + 'static,
        C: IntoCompletion,
    {
        let f = Arc::new(f);
        let erased: CompleteFn = Arc::new(move |req| {
            let f = Arc::clone(&f);
            Box::pin(async move { f(req).await.into_completion() })
        });
        self.completions.push((key, erased));
        self
    }

    /// Instructions for the model, sent in `initialize` and `server/discover`.
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// A display title for the server.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.info.title = Some(title.into());
        self
    }

    /// A description of the server (2025-11-25+).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.info.description = Some(description.into());
        self
    }

    /// The server's website (2025-11-25+).
    pub fn website_url(mut self, url: impl Into<String>) -> Self {
        self.info.website_url = Some(url.into());
        self
    }

    /// Icons for the server (2025-11-25+).
    pub fn icons(mut self, icons: Vec<Icon>) -> Self {
        self.info.icons = Some(icons);
        self
    }

    /// Application state handlers extract by type (`#[ctx] State(db): State<Db>`).
    pub fn state<T: Clone + Send + Sync + 'static>(mut self, state: T) -> Self {
        self.state.insert(state);
        self
    }

    /// Items per page of `tools/list`, `prompts/list`, `resources/list` and
    /// `resources/templates/list` (default 100, at least 1).
    pub fn page_size(mut self, size: usize) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// The keys that seal MRTR request state (default: one random key, right for a single
    /// process; replicas must share a ring).
    pub fn state_keys(mut self, keys: StateKeys) -> Self {
        self.keys = Some(keys);
        self
    }

    /// How long sealed request state stays valid (default 10 minutes).
    pub fn state_ttl(mut self, ttl: Duration) -> Self {
        self.state_ttl = ttl;
        self
    }

    /// How long the server waits for a legacy client to answer a server-to-client request
    /// (default 60 s).
    pub fn client_request_timeout(mut self, timeout: Duration) -> Self {
        self.client_request_timeout = timeout;
        self
    }

    /// Caching hints of 2026-07-28 results: `ttlMs` of discover and list results, of
    /// `resources/read` results, and the `cacheScope` of all of them (default 60 s, 0 and
    /// `private`; use `public` only when results do not depend on the caller).
    pub fn cache(mut self, list_ttl: Duration, read_ttl: Duration, scope: CacheScope) -> Self {
        self.list_ttl = list_ttl;
        self.read_ttl = read_ttl;
        self.cache_scope = scope;
        self
    }

    /// The protocol revisions served (default: all known). Drop the legacy ones to serve
    /// 2026-07-28 only, or the modern one to serve sessions only.
    ///
    /// # Panics
    ///
    /// When `versions` is empty.
    pub fn protocol_versions(
        mut self,
        versions: impl IntoIterator<Item = ProtocolVersion>,
    ) -> Self {
        let mut v: Vec<_> = versions.into_iter().collect();
        v.sort();
        v.dedup();
        assert!(
            !v.is_empty(),
            "a server must serve at least one protocol version"
        );
        self.versions = v;
        self
    }

    /// Whether to declare `listChanged` for tools, prompts and resources (default on).
    pub fn list_changed(mut self, on: bool) -> Self {
        self.list_changed = on;
        self
    }

    /// Whether to declare the (deprecated) `logging` capability (default on).
    pub fn logging(mut self, on: bool) -> Self {
        self.logging = on;
        self
    }

    /// Whether to declare resource subscriptions (default on when resources exist).
    pub fn resource_subscriptions(mut self, on: bool) -> Self {
        self.subscriptions = on;
        self
    }

    /// Whether 2026-07-28 results carry `_meta["io.modelcontextprotocol/serverInfo"]`
    /// (default on).
    pub fn server_info_in_results(mut self, on: bool) -> Self {
        self.server_info_meta = on;
        self
    }

    /// Builds the server.
    ///
    /// # Panics
    ///
    /// On a registration mistake, with a message naming it: two tools, prompts or resources
    /// with the same name or URI, an invalid tool name, an input schema whose root is not an
    /// object or that does not compile, an invalid URI template. These are programming
    /// errors, caught the first time the server starts. [`try_build`](Self::try_build)
    /// returns them instead.
    pub fn build(self) -> Server {
        match self.try_build() {
            Ok(server) => server,
            Err(e) => panic!("{e}"),
        }
    }

    /// Builds the server, returning registration mistakes as errors.
    ///
    /// # Errors
    ///
    /// See [`build`](Self::build).
    pub fn try_build(self) -> Result<Server, crate::Error> {
        let (tools, tool_index) = compile_tools(self.tools)?;

        let mut resources = Vec::with_capacity(self.resources.len());
        let mut resource_index = HashMap::new();
        for (def, handler) in self.resources {
            if resource_index
                .insert(def.uri.clone(), resources.len())
                .is_some()
            {
                return Err(crate::Error::config(format!(
                    "resource `{}` registered twice",
                    def.uri
                )));
            }
            resources.push(ResourceEntry { def, handler });
        }

        let mut templates = Vec::with_capacity(self.templates.len());
        for (def, handler) in self.templates {
            let template = UriTemplate::parse(&def.uri_template).map_err(|e| {
                crate::Error::config(format!("resource template `{}`: {e}", def.uri_template))
            })?;
            templates.push(TemplateEntry {
                def,
                template,
                handler,
            });
        }

        let mut prompts = Vec::with_capacity(self.prompts.len());
        let mut prompt_index = HashMap::new();
        for (def, handler) in self.prompts {
            if prompt_index
                .insert(def.name.clone(), prompts.len())
                .is_some()
            {
                return Err(crate::Error::config(format!(
                    "prompt `{}` registered twice",
                    def.name
                )));
            }
            prompts.push(PromptEntry { def, handler });
        }

        let completions = Completions::new(self.completions);
        let has_resources = !resources.is_empty() || !templates.is_empty();

        let layers = self.layers;
        Ok(Server {
            inner: Arc::new_cyclic(|weak| Inner {
                stack: crate::middleware::stack(layers, weak.clone()),
                info_value: serde_json::to_value(&self.info).unwrap_or(Value::Null),
                info: self.info,
                instructions: self.instructions,
                tools,
                tool_index,
                resources,
                resource_index,
                templates,
                prompts,
                prompt_index,
                completions,
                page_size: self.page_size,
                state: Arc::new(self.state),
                notifier: Notifier::new(),
                keys: self.keys.unwrap_or_else(StateKeys::random),
                state_ttl: self.state_ttl,
                client_request_timeout: self.client_request_timeout,
                list_ttl: self.list_ttl,
                read_ttl: self.read_ttl,
                cache_scope: self.cache_scope,
                versions: self.versions,
                list_changed: self.list_changed,
                logging: self.logging,
                subscriptions: self.subscriptions && has_resources,
                server_info_meta: self.server_info_meta,
                authz: self.authz,
            }),
        })
    }
}

type Tools = (Vec<ToolEntry>, HashMap<String, usize>);

/// Checks tool names and compiles input and output schemas, once.
fn compile_tools(registered: Vec<(ToolDef, DynTool)>) -> Result<Tools, crate::Error> {
    let mut tools = Vec::with_capacity(registered.len());
    let mut tool_index = HashMap::new();
    for (def, handler) in registered {
        validate_tool_name(&def.name)?;
        if tool_index.insert(def.name.clone(), tools.len()).is_some() {
            return Err(crate::Error::config(format!(
                "tool `{}` registered twice",
                def.name
            )));
        }
        if def.input_schema.get("type").and_then(Value::as_str) != Some("object") {
            return Err(crate::Error::config(format!(
                "tool `{}`: the input schema root must be `\"type\": \"object\"`",
                def.name
            )));
        }
        let input = compile(&Value::Object(def.input_schema.clone())).map_err(|e| {
            crate::Error::config(format!("tool `{}`: invalid input schema: {e}", def.name))
        })?;
        let output = match &def.output_schema {
            Some(schema) => Some(compile(schema).map_err(|e| {
                crate::Error::config(format!("tool `{}`: invalid output schema: {e}", def.name))
            })?),
            None => None,
        };
        tools.push(ToolEntry {
            def,
            input: Some(input),
            output,
            handler,
        });
    }

    Ok((tools, tool_index))
}

fn compile(schema: &Value) -> Result<jsonschema::Validator, String> {
    // Network `$ref`s are never fetched: the validator is built without a retriever for
    // remote documents (the crate's HTTP and file resolvers are compiled out).
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| e.to_string())
}

/// Tool names: 1-128 characters from `[A-Za-z0-9_.-]` (the specification's SHOULD, enforced).
fn validate_tool_name(name: &str) -> Result<(), crate::Error> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(crate::Error::config(format!(
            "invalid tool name {name:?}: use 1-128 characters from [A-Za-z0-9_.-]"
        )))
    }
}
