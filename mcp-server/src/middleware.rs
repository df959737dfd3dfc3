//! The RPC-tier middleware seam: tower layers around every MCP request.
//!
//! [`ServerBuilder::layer`](crate::ServerBuilder::layer) wraps the engine in any
//! `tower::Layer` over [`RpcRequest`] → [`RpcResponse`]: audit logs, rate limits, metrics,
//! timeouts. Layers see every request after its era is known and before it is dispatched,
//! with the verified principal; per-call authorization has its own hook
//! ([`ServerBuilder::authorize`](crate::ServerBuilder::authorize)) because it needs the parsed
//! arguments.
//!
//! ```
//! use std::convert::Infallible;
//! use mcp_server::middleware::{RpcRequest, RpcResponse};
//! use mcp_server::Server;
//! use tower::ServiceExt as _;
//!
//! // An audit layer from a closure: log, then call the inner service.
//! let audit = tower::layer::layer_fn(|inner: mcp_server::middleware::RpcService| {
//!     tower::service_fn(move |req: RpcRequest| {
//!         let inner = inner.clone();
//!         async move {
//!             let method = req.method().to_owned();
//!             let response: RpcResponse = inner.oneshot(req).await?;
//!             tracing::info!(%method, ok = response.is_ok(), "mcp call");
//!             Ok::<_, Infallible>(response)
//!         }
//!     })
//! });
//! let server = Server::builder("audited", "1").layer(audit).build();
//! # let _ = server;
//! ```

use std::convert::Infallible;
use std::sync::Weak;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use mcp_core::auth::Principal;
use mcp_core::jsonrpc::{ErrorObject, RequestId, Response};
use tower::util::BoxCloneSyncService;

use crate::dispatch::Incoming;
use crate::server::Inner;

/// One MCP request as the middleware sees it.
#[derive(Debug)]
pub struct RpcRequest {
    pub(crate) incoming: Incoming,
}

impl RpcRequest {
    /// The JSON-RPC id.
    pub fn id(&self) -> &RequestId {
        &self.incoming.request.id
    }

    /// The method.
    pub fn method(&self) -> &str {
        &self.incoming.request.method
    }

    /// The raw params.
    pub fn params(&self) -> Option<&serde_json::value::RawValue> {
        self.incoming.request.params.as_deref()
    }

    /// The verified caller.
    pub fn principal(&self) -> &Principal {
        &self.incoming.principal
    }

    /// What the transport attached (for HTTP, [`HttpRequestInfo`](crate::http) and more).
    pub fn extensions(&self) -> &http::Extensions {
        &self.incoming.extensions
    }
}

/// The answer to one MCP request: the response, or nothing when it was cancelled.
#[derive(Debug)]
pub struct RpcResponse {
    pub(crate) response: Option<Response>,
}

impl RpcResponse {
    /// An error answer for `request` (a layer refusing it, e.g. a rate limit).
    pub fn error(request: &RpcRequest, error: ErrorObject) -> Self {
        Self {
            response: Some(Response::error(Some(request.id().clone()), error)),
        }
    }

    /// Whether the request succeeded (a result, not an error or a cancellation).
    pub fn is_ok(&self) -> bool {
        self.response.as_ref().is_some_and(|r| r.outcome.is_ok())
    }

    /// The JSON-RPC response, if one is sent.
    pub fn response(&self) -> Option<&Response> {
        self.response.as_ref()
    }
}

/// The type-erased service a layer wraps.
pub type RpcService = BoxCloneSyncService<RpcRequest, RpcResponse, Infallible>;

/// The innermost service: the engine itself. Holds the server weakly, since the server holds
/// the stack.
#[derive(Clone)]
pub(crate) struct Engine(pub(crate) Weak<Inner>);

impl tower::Service<RpcRequest> for Engine {
    type Response = RpcResponse;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<RpcResponse, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: RpcRequest) -> Self::Future {
        let inner = self.0.upgrade();
        Box::pin(async move {
            let Some(inner) = inner else {
                return Ok(RpcResponse { response: None });
            };
            let server = crate::Server { inner };
            Ok(RpcResponse {
                response: server.dispatch(request.incoming).await,
            })
        })
    }
}

/// A layer applied to the stack, erased.
pub(crate) type LayerFn = Box<dyn FnOnce(RpcService) -> RpcService + Send + Sync>;

/// Builds the stack: the engine wrapped in every layer, the first added outermost.
pub(crate) fn stack(layers: Vec<LayerFn>, inner: Weak<Inner>) -> Option<RpcService> {
    if layers.is_empty() {
        return None;
    }
    let mut service = RpcService::new(Engine(inner));
    for layer in layers.into_iter().rev() {
        service = layer(service);
    }
    Some(service)
}

pub(crate) fn erase<L>(layer: L) -> LayerFn
where
    L: tower::Layer<RpcService> + Send + Sync + 'static,
    L::Service: tower::Service<RpcRequest, Response = RpcResponse, Error = Infallible>
        + Clone
        + Send
        + Sync
        + 'static,
    <L::Service as tower::Service<RpcRequest>>::Future: Send + 'static,
{
    Box::new(move |inner| RpcService::new(layer.layer(inner)))
}
