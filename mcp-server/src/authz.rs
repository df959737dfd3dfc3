//! Per-call authorization: one [`Authorize`] hook that runs on every `tools/call`,
//! `resources/read`, `prompts/get`, `completion/complete`, `subscriptions/listen` and list
//! request, with the verified principal and the parsed arguments.
//!
//! No decision is cached across calls, so a revoked permission takes effect on the next call.
//! A policy that panics denies. The answer depends on the decision:
//!
//! | decision | stdio / JSON-RPC | HTTP |
//! | --- | --- | --- |
//! | [`Decision::Allow`] | the call runs | the call runs |
//! | [`Decision::InsufficientScope`] | [`INSUFFICIENT_SCOPE`] (-31001) with `data.requiredScopes` | 403 with `WWW-Authenticate: Bearer error="insufficient_scope", scope="..."` naming every scope the operation needs |
//! | [`Decision::Deny`] | [`FORBIDDEN`] (-31003) with the message (reveal nothing about whether the record exists) | 200 with the same JSON-RPC error, readable by the model |
//! | [`Decision::Hide`] | exactly the answer for an unknown tool, prompt or resource; unlisted | same |
//!
//! ```
//! use mcp_server::authz::{Check, Decision};
//! use mcp_server::Server;
//!
//! let server = Server::builder("s", "1")
//!     .authorize(|check: &Check<'_>| {
//!         if check.name == Some("delete_everything") && !check.principal.has_scope("admin") {
//!             Decision::InsufficientScope { required: vec!["admin".into()] }
//!         } else {
//!             Decision::Allow
//!         }
//!     })
//!     .build();
//! # let _ = server;
//! ```

use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures::FutureExt as _;
use futures::future::BoxFuture;
use mcp_core::auth::Principal;
use mcp_core::jsonrpc::{ErrorCode, ErrorObject};
use mcp_core::protocol::{ProtocolVersion, ToolAnnotations};
use serde_json::{Map, Value, json};

/// The application error code of a scope shortfall (outside the JSON-RPC reserved range).
pub const INSUFFICIENT_SCOPE: ErrorCode = ErrorCode(-31001);

/// The application error code of a policy denial (outside the JSON-RPC reserved range).
pub const FORBIDDEN: ErrorCode = ErrorCode(-31003);

/// One authorization question.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Check<'a> {
    /// The verified caller.
    pub principal: &'a Principal,
    /// The MCP method (`tools/call`, `tools/list`, ...).
    pub method: &'a str,
    /// The tool or prompt name, the resource URI or template, when the method names one.
    pub name: Option<&'a str>,
    /// The parsed arguments (`tools/call`, `prompts/get`; prompt arguments as strings).
    pub arguments: Option<&'a Map<String, Value>>,
    /// The tool's annotations (`tools/call`, and tools while listing).
    pub annotations: Option<&'a ToolAnnotations>,
    /// The protocol revision of the request.
    pub version: ProtocolVersion,
    /// `true` when deciding whether an item appears in a list (only [`Decision::Hide`]
    /// removes it).
    pub listing: bool,
}

/// The answer of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// Go ahead.
    Allow,
    /// The principal lacks scopes: a step-up challenge naming all of `required`.
    InsufficientScope {
        /// Every scope the operation needs.
        required: Vec<String>,
    },
    /// Denied for data, tenant or role reasons: an in-band error the model can read.
    Deny {
        /// What the model reads; say nothing about whether the record exists.
        message: String,
    },
    /// Behave as if the target did not exist (unlisted and unreachable).
    Hide,
}

impl Decision {
    /// A denial with `message`.
    pub fn deny(message: impl Into<String>) -> Self {
        Self::Deny {
            message: message.into(),
        }
    }
}

/// A per-call authorization policy.
///
/// Implemented for `Fn(&Check<'_>) -> Decision` closures; implement it by hand for policies
/// that await (a PDP, a database).
pub trait Authorize: Send + Sync + 'static {
    /// Decides one call.
    fn authorize<'a>(&'a self, check: &'a Check<'a>) -> impl Future<Output = Decision> + Send + 'a;
}

impl<F> Authorize for F
where
    F: Fn(&Check<'_>) -> Decision + Send + Sync + 'static,
{
    fn authorize<'a>(&'a self, check: &'a Check<'a>) -> impl Future<Output = Decision> + Send + 'a {
        std::future::ready(self(check))
    }
}

/// The object-safe twin the server stores.
pub(crate) trait DynAuthorize: Send + Sync {
    fn authorize<'a>(&'a self, check: &'a Check<'a>) -> BoxFuture<'a, Decision>;
}

impl<T: Authorize> DynAuthorize for T {
    fn authorize<'a>(&'a self, check: &'a Check<'a>) -> BoxFuture<'a, Decision> {
        Box::pin(Authorize::authorize(self, check))
    }
}

/// Runs a policy; a panic denies (and is logged, never sent).
pub(crate) async fn decide(policy: &dyn DynAuthorize, check: &Check<'_>) -> Decision {
    let denied = || {
        tracing::error!(method = check.method, name = ?check.name, "authorization policy panicked: denied");
        Decision::deny("not permitted")
    };
    // A closure policy runs when called, an async one when polled: guard both.
    let Ok(future) = std::panic::catch_unwind(AssertUnwindSafe(|| policy.authorize(check))) else {
        return denied();
    };
    AssertUnwindSafe(future)
        .catch_unwind()
        .await
        .unwrap_or_else(|_| denied())
}

/// The JSON-RPC error of a non-allow decision (`None` for allow and hide).
pub(crate) fn error_of(decision: &Decision) -> Option<ErrorObject> {
    match decision {
        Decision::InsufficientScope { required } => Some(
            ErrorObject::new(INSUFFICIENT_SCOPE, "insufficient scope")
                .with_data(json!({ "requiredScopes": required })),
        ),
        Decision::Deny { message } => Some(ErrorObject::new(FORBIDDEN, message.clone())),
        Decision::Allow | Decision::Hide => None,
    }
}

/// The scopes named by an [`INSUFFICIENT_SCOPE`] error.
pub fn required_scopes(error: &ErrorObject) -> Option<Vec<String>> {
    if error.code != INSUFFICIENT_SCOPE {
        return None;
    }
    let scopes = error.data.as_ref()?.get("requiredScopes")?.as_array()?;
    Some(
        scopes
            .iter()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect(),
    )
}
