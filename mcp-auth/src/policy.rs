//! Declarative per-call policies implementing [`Authorize`]: register one with
//! [`ServerBuilder::authorize`](mcp_server::ServerBuilder::authorize).
//!
//! - [`ScopePolicy`]: required scopes per tool, resource and prompt, baseline scopes for every
//!   request, scope hierarchies (`files:admin` ⊇ `files:write`), and what happens to tools it
//!   does not list. A shortfall is a 403 step-up naming every scope the operation needs.
//! - [`TenantGuard`]: the principal must have a tenant (missing → deny), and tenant-naming
//!   arguments must equal it.
//! - [`RoleRule`]: roles required per tool.
//! - [`ArgumentRule`]: an argument must equal a verified claim (e.g. `customer_id`).
//! - [`AllOf`]: all must allow; the first non-allow decision wins.
//!
//! Denials other than scope shortfalls are in-band errors (`-31003`) with a fixed message that
//! reveals nothing about the record.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use futures::future::BoxFuture;
use mcp_core::auth::Principal;
use mcp_server::authz::{Authorize, Check, Decision};
use serde_json::Value;

/// The message of in-band denials.
pub const DENIED: &str = "not permitted";

/// What a [`ScopePolicy`] does with a tool, prompt or resource it does not list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Unlisted {
    /// Only the baseline scopes are needed (default).
    #[default]
    Allow,
    /// Denied in-band.
    Deny,
    /// Behaves as unknown: unlisted and unreachable.
    Hide,
}

/// Required scopes per call.
///
/// ```
/// use mcp_auth::ScopePolicy;
///
/// let policy = ScopePolicy::new()
///     .baseline(["mcp:read"])
///     .require("write_file", ["files:write"])
///     .resource("file:///secrets", ["files:admin"])
///     .implies("files:admin", ["files:write", "files:read"]);
/// # let _ = policy;
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct ScopePolicy {
    baseline: Vec<String>,
    tools: BTreeMap<String, Vec<String>>,
    resources: BTreeMap<String, Vec<String>>,
    prompts: BTreeMap<String, Vec<String>>,
    implies: BTreeMap<String, BTreeSet<String>>,
    unlisted: Unlisted,
    hide_in_lists: bool,
}

fn owned<I, S>(scopes: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    scopes.into_iter().map(Into::into).collect()
}

impl ScopePolicy {
    /// An empty policy: everything allowed until scopes are required.
    pub fn new() -> Self {
        Self::default()
    }

    /// Scopes every MCP request needs (list requests and calls alike).
    pub fn baseline<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.baseline = owned(scopes);
        self
    }

    /// Scopes the tool `name` needs (in addition to the baseline).
    pub fn require<I, S>(mut self, tool: impl Into<String>, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.tools.insert(tool.into(), owned(scopes));
        self
    }

    /// Scopes reading the resource `uri` (or template) needs.
    pub fn resource<I, S>(mut self, uri: impl Into<String>, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.resources.insert(uri.into(), owned(scopes));
        self
    }

    /// Scopes getting the prompt `name` needs.
    pub fn prompt<I, S>(mut self, name: impl Into<String>, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.prompts.insert(name.into(), owned(scopes));
        self
    }

    /// A scope hierarchy: holding `broad` grants every scope in `narrower` (transitively).
    pub fn implies<I, S>(mut self, broad: impl Into<String>, narrower: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.implies
            .entry(broad.into())
            .or_default()
            .extend(narrower.into_iter().map(Into::into));
        self
    }

    /// What happens to tools, prompts and resources the policy does not list.
    pub fn unlisted(mut self, unlisted: Unlisted) -> Self {
        self.unlisted = unlisted;
        self
    }

    /// Leaves items the principal lacks the scopes for out of lists (calling them still gets
    /// the 403 step-up). Off by default, so clients can discover what to ask for.
    pub fn hide_in_lists(mut self, hide: bool) -> Self {
        self.hide_in_lists = hide;
        self
    }

    /// The principal's scopes with every implied scope added.
    pub fn effective_scopes(&self, principal: &Principal) -> BTreeSet<String> {
        let mut held: BTreeSet<String> = principal.scopes.clone();
        let mut queue: Vec<String> = held.iter().cloned().collect();
        while let Some(scope) = queue.pop() {
            for narrower in self.implies.get(&scope).into_iter().flatten() {
                if held.insert(narrower.clone()) {
                    queue.push(narrower.clone());
                }
            }
        }
        held
    }

    fn target(&self, method: &str) -> Option<&BTreeMap<String, Vec<String>>> {
        match method {
            "tools/call" | "tools/list" => Some(&self.tools),
            "resources/read"
            | "resources/list"
            | "resources/templates/list"
            | "resources/subscribe"
            | "resources/unsubscribe" => Some(&self.resources),
            "prompts/get" | "prompts/list" => Some(&self.prompts),
            _ => None,
        }
    }

    /// Decides one check (synchronously).
    pub fn decide(&self, check: &Check<'_>) -> Decision {
        let mut needed: BTreeSet<String> = self.baseline.iter().cloned().collect();
        if let (Some(name), Some(table)) = (check.name, self.target(check.method)) {
            match table.get(name) {
                Some(scopes) => needed.extend(scopes.iter().cloned()),
                None => match self.unlisted {
                    Unlisted::Allow => {}
                    Unlisted::Hide => return Decision::Hide,
                    Unlisted::Deny if check.listing => return Decision::Hide,
                    Unlisted::Deny => return Decision::deny(DENIED),
                },
            }
        }
        let held = self.effective_scopes(check.principal);
        if needed.iter().all(|s| held.contains(s)) {
            return Decision::Allow;
        }
        if check.listing {
            return if self.hide_in_lists {
                Decision::Hide
            } else {
                Decision::Allow
            };
        }
        Decision::InsufficientScope {
            required: needed.into_iter().collect(),
        }
    }
}

impl Authorize for ScopePolicy {
    fn authorize<'a>(&'a self, check: &'a Check<'a>) -> impl Future<Output = Decision> + Send + 'a {
        std::future::ready(self.decide(check))
    }
}

/// Requires a tenant on every principal, and that tenant-naming arguments equal it.
///
/// ```
/// use mcp_auth::TenantGuard;
///
/// let guard = TenantGuard::new().argument("tenant_id");
/// # let _ = guard;
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct TenantGuard {
    arguments: Vec<String>,
    expected: Option<String>,
}

impl TenantGuard {
    /// A guard requiring a non-empty tenant.
    pub fn new() -> Self {
        Self::default()
    }

    /// An argument that, when present, must equal the principal's tenant.
    pub fn argument(mut self, name: impl Into<String>) -> Self {
        self.arguments.push(name.into());
        self
    }

    /// The one tenant this server serves (a single-tenant deployment).
    pub fn only(mut self, tenant: impl Into<String>) -> Self {
        self.expected = Some(tenant.into());
        self
    }

    /// Decides one check.
    pub fn decide(&self, check: &Check<'_>) -> Decision {
        let Some(tenant) = check.principal.tenant.as_deref().filter(|t| !t.is_empty()) else {
            return Decision::deny(DENIED);
        };
        if self.expected.as_deref().is_some_and(|e| e != tenant) {
            return Decision::deny(DENIED);
        }
        let mismatch = check.arguments.is_some_and(|args| {
            self.arguments
                .iter()
                .filter_map(|a| args.get(a))
                .any(|v| v.as_str() != Some(tenant))
        });
        if mismatch {
            Decision::deny(DENIED)
        } else {
            Decision::Allow
        }
    }
}

impl Authorize for TenantGuard {
    fn authorize<'a>(&'a self, check: &'a Check<'a>) -> impl Future<Output = Decision> + Send + 'a {
        std::future::ready(self.decide(check))
    }
}

/// Roles required per tool (any one of the listed roles suffices).
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct RoleRule {
    tools: BTreeMap<String, Vec<String>>,
}

impl RoleRule {
    /// No requirements yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The tool `name` needs one of `roles`.
    pub fn require<I, S>(mut self, tool: impl Into<String>, roles: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.tools.insert(tool.into(), owned(roles));
        self
    }

    /// Decides one check.
    pub fn decide(&self, check: &Check<'_>) -> Decision {
        let Some(roles) = check
            .name
            .filter(|_| check.method == "tools/call" || check.method == "tools/list")
            .and_then(|n| self.tools.get(n))
        else {
            return Decision::Allow;
        };
        if roles.iter().any(|r| check.principal.roles.contains(r)) {
            Decision::Allow
        } else if check.listing {
            Decision::Hide
        } else {
            Decision::deny(DENIED)
        }
    }
}

impl Authorize for RoleRule {
    fn authorize<'a>(&'a self, check: &'a Check<'a>) -> impl Future<Output = Decision> + Send + 'a {
        std::future::ready(self.decide(check))
    }
}

/// An argument must equal a verified claim of the principal (e.g. a `customer_id` argument
/// must equal the token's `customer_id` claim). A missing claim denies; the answer never
/// says whether the record exists.
///
/// ```
/// use mcp_auth::ArgumentRule;
///
/// let rule = ArgumentRule::new("get_invoice", "customer_id", "customer_id");
/// # let _ = rule;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ArgumentRule {
    tool: Option<String>,
    argument: String,
    claim: String,
}

impl ArgumentRule {
    /// On calls of `tool`, `argument` must equal the principal's `claim`.
    pub fn new(
        tool: impl Into<String>,
        argument: impl Into<String>,
        claim: impl Into<String>,
    ) -> Self {
        Self {
            tool: Some(tool.into()),
            argument: argument.into(),
            claim: claim.into(),
        }
    }

    /// On calls of any tool that has `argument`.
    pub fn any_tool(argument: impl Into<String>, claim: impl Into<String>) -> Self {
        Self {
            tool: None,
            argument: argument.into(),
            claim: claim.into(),
        }
    }

    /// Decides one check.
    pub fn decide(&self, check: &Check<'_>) -> Decision {
        if check.listing || check.method != "tools/call" {
            return Decision::Allow;
        }
        if self.tool.as_deref().is_some_and(|t| Some(t) != check.name) {
            return Decision::Allow;
        }
        let Some(value) = check.arguments.and_then(|a| a.get(&self.argument)) else {
            return Decision::Allow;
        };
        let claim = check.principal.claims.get(&self.claim);
        let equal = match (value, claim) {
            (_, None | Some(Value::Null)) => false,
            (Value::String(a), Some(Value::String(b))) => !b.is_empty() && a == b,
            (a, Some(b)) => a == b,
        };
        if equal {
            Decision::Allow
        } else {
            Decision::deny(DENIED)
        }
    }
}

impl Authorize for ArgumentRule {
    fn authorize<'a>(&'a self, check: &'a Check<'a>) -> impl Future<Output = Decision> + Send + 'a {
        std::future::ready(self.decide(check))
    }
}

trait DynPolicy: Send + Sync {
    fn authorize<'a>(&'a self, check: &'a Check<'a>) -> BoxFuture<'a, Decision>;
}

impl<T: Authorize> DynPolicy for T {
    fn authorize<'a>(&'a self, check: &'a Check<'a>) -> BoxFuture<'a, Decision> {
        Box::pin(Authorize::authorize(self, check))
    }
}

/// All policies must allow; the first other decision is the answer.
///
/// ```
/// use mcp_auth::{AllOf, ScopePolicy, TenantGuard};
///
/// let policy = AllOf::new()
///     .and(TenantGuard::new())
///     .and(ScopePolicy::new().require("add", ["calc:use"]));
/// # let _ = policy;
/// ```
#[derive(Default)]
#[must_use]
pub struct AllOf {
    policies: Vec<Box<dyn DynPolicy>>,
}

impl std::fmt::Debug for AllOf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AllOf")
            .field("policies", &self.policies.len())
            .finish()
    }
}

impl AllOf {
    /// No policies (allows everything).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a policy.
    pub fn and<A: Authorize>(mut self, policy: A) -> Self {
        self.policies.push(Box::new(policy));
        self
    }
}

impl Authorize for AllOf {
    async fn authorize<'a>(&'a self, check: &'a Check<'a>) -> Decision {
        for policy in &self.policies {
            let decision = policy.authorize(check).await;
            if decision != Decision::Allow {
                return decision;
            }
        }
        Decision::Allow
    }
}
