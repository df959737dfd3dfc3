//! Asking the client for input: elicitation, sampling and roots, written once for both eras.
//!
//! A handler that needs something from the user or the client's model does not call the
//! client. It answers "input required" with named requests (and, optionally, state to carry
//! to the next round), and is invoked again with the answers:
//!
//! - In 2026-07-28 this becomes an `InputRequiredResult`; the client retries the request with
//!   `inputResponses` and the sealed `requestState` (integrity-protected and encrypted, bound
//!   to the principal, the method, a digest of the params and an expiry).
//! - In a legacy session (2025-11-25 and older) the SDK performs the round trip itself: it
//!   sends `elicitation/create`, `sampling/createMessage` or `roots/list` to the client, waits
//!   for the answers and invokes the handler again with them.
//!
//! ```
//! use mcp_server::input::Input;
//! use mcp_server::ToolError;
//! use mcp_core::protocol::{ElicitAction, ElicitRequestFormParams, ElicitationSchema};
//!
//! async fn greet(input: Input) -> Result<String, ToolError> {
//!     let form = ElicitRequestFormParams::new("What is your name?", ElicitationSchema::new(Default::default()));
//!     // returns "input required" to the client when the answer is not there yet
//!     let answer = input.elicit("user_name", form.into())?;
//!     Ok(match answer.action {
//!         ElicitAction::Accept => format!("hello {:?}", answer.content),
//!         _ => "no name given".to_owned(),
//!     })
//! }
//! # let _ = greet;
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use mcp_core::jsonrpc::{ErrorCode, ErrorObject};
use mcp_core::protocol::{
    ClientCapabilities, CreateMessageParams, CreateMessageResult, ElicitRequestParams,
    ElicitResult, InputRequest, ListRootsParams, ListRootsResult,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What a handler asks the client for: named input requests and optional state for the next
/// round. Returned with `?` from [`Input`]'s accessors, or built by hand.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct InputRequired {
    pub(crate) requests: Vec<(String, InputRequest)>,
    pub(crate) state: Option<Value>,
}

impl InputRequired {
    /// Nothing requested yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the user, through the client, to fill in a form or visit a URL.
    pub fn elicit(mut self, key: impl Into<String>, params: ElicitRequestParams) -> Self {
        self.requests
            .push((key.into(), InputRequest::Elicitation(params)));
        self
    }

    /// Asks the client's model for a completion.
    pub fn sample(mut self, key: impl Into<String>, params: CreateMessageParams) -> Self {
        self.requests
            .push((key.into(), InputRequest::Sampling(params)));
        self
    }

    /// Asks the client for its filesystem roots.
    pub fn list_roots(mut self, key: impl Into<String>) -> Self {
        self.requests
            .push((key.into(), InputRequest::Roots(ListRootsParams::default())));
        self
    }

    /// Carries `state` to the next round, where [`Input::state`] returns it. In 2026-07-28 it
    /// travels through the client sealed (encrypted and authenticated), so it can hold
    /// earlier answers of a multi-round exchange.
    pub fn with_state(mut self, state: Value) -> Self {
        self.state = Some(state);
        self
    }

    /// Adds the requests of `other` (and its state, if this one has none).
    pub fn merge(mut self, other: Self) -> Self {
        self.requests.extend(other.requests);
        if self.state.is_none() {
            self.state = other.state;
        }
        self
    }

    /// The keys requested.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.requests.iter().map(|(k, _)| k.as_str())
    }

    /// The client capabilities these requests need and `caps` lacks, as a
    /// `ClientCapabilities` object (for -32021 `requiredCapabilities`).
    pub(crate) fn missing_capabilities(&self, caps: &ClientCapabilities) -> Option<Value> {
        let mut missing = serde_json::Map::new();
        for (_, req) in &self.requests {
            match req {
                InputRequest::Elicitation(p) => {
                    let (ok, mode) = if matches!(p, ElicitRequestParams::Url(_)) {
                        (caps.supports_elicitation_url(), "url")
                    } else {
                        (caps.supports_elicitation_form(), "form")
                    };
                    if !ok {
                        missing.insert("elicitation".into(), serde_json::json!({ mode: {} }));
                    }
                }
                InputRequest::Sampling(p) => {
                    if !caps.supports_sampling() {
                        missing.insert("sampling".into(), serde_json::json!({}));
                    } else if (p.tools.is_some() || p.tool_choice.is_some())
                        && !caps.supports_sampling_tools()
                    {
                        missing.insert("sampling".into(), serde_json::json!({ "tools": {} }));
                    }
                }
                InputRequest::Roots(_) if !caps.supports_roots() => {
                    missing.insert("roots".into(), serde_json::json!({}));
                }
                _ => {}
            }
        }
        (!missing.is_empty()).then_some(Value::Object(missing))
    }
}

/// Why an [`Input`] accessor did not return an answer.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum InputError {
    /// The answer is not there yet: ask for it (converts into "input required" with `?`).
    Required(InputRequired),
    /// The client answered the request with a JSON-RPC error (legacy sessions).
    Client(ErrorObject),
    /// The client's answer does not have the shape of the request's result: -32602.
    Invalid(ErrorObject),
}

impl InputError {
    /// Carries `state` to the next round when this asks for input.
    #[must_use]
    pub fn with_state(self, state: Value) -> Self {
        match self {
            Self::Required(r) => Self::Required(r.with_state(state)),
            other => other,
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Required(r) => write!(f, "input required: {:?}", r.keys().collect::<Vec<_>>()),
            Self::Client(e) => write!(f, "the client failed the input request: {e}"),
            Self::Invalid(e) => write!(f, "invalid input response: {e}"),
        }
    }
}

/// The answers a client gave to earlier input requests, and the state carried from the
/// previous round. A context extractor (`#[ctx] input: Input`).
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub(crate) responses: Arc<HashMap<String, Result<Value, ErrorObject>>>,
    pub(crate) state: Option<Arc<Value>>,
    pub(crate) capabilities: Arc<ClientCapabilities>,
}

impl Input {
    /// The state carried from the previous round, if any.
    pub fn state(&self) -> Option<&Value> {
        self.state.as_deref()
    }

    /// Whether the client answered `key`.
    pub fn has(&self, key: &str) -> bool {
        self.responses.contains_key(key)
    }

    /// The capabilities the client declared (on this request in 2026-07-28, at
    /// initialization in legacy sessions).
    pub fn client_capabilities(&self) -> &ClientCapabilities {
        &self.capabilities
    }

    /// The answer to the elicitation `key`, or "input required" asking for it with `params`.
    ///
    /// # Errors
    ///
    /// [`InputError::Required`] when the answer is missing, [`InputError::Invalid`] when it
    /// is not an `ElicitResult`, [`InputError::Client`] when the client failed the request.
    pub fn elicit(
        &self,
        key: &str,
        params: ElicitRequestParams,
    ) -> Result<ElicitResult, InputError> {
        self.answer(key, || InputRequired::new().elicit(key, params))
    }

    /// The answer to the sampling request `key`, or "input required" asking for it.
    ///
    /// # Errors
    ///
    /// As [`Input::elicit`].
    pub fn sample(
        &self,
        key: &str,
        params: CreateMessageParams,
    ) -> Result<CreateMessageResult, InputError> {
        self.answer(key, || InputRequired::new().sample(key, params))
    }

    /// The client's roots answered under `key`, or "input required" asking for them.
    ///
    /// # Errors
    ///
    /// As [`Input::elicit`].
    pub fn list_roots(&self, key: &str) -> Result<ListRootsResult, InputError> {
        self.answer(key, || InputRequired::new().list_roots(key))
    }

    fn answer<T: DeserializeOwned>(
        &self,
        key: &str,
        ask: impl FnOnce() -> InputRequired,
    ) -> Result<T, InputError> {
        match self.responses.get(key) {
            None => Err(InputError::Required(ask())),
            Some(Err(e)) => Err(InputError::Client(e.clone())),
            Some(Ok(v)) => T::deserialize(v).map_err(|e| {
                InputError::Invalid(ErrorObject::new(
                    ErrorCode::INVALID_PARAMS,
                    format!("invalid input response `{key}`: {e}"),
                ))
            }),
        }
    }

    /// Combines several answers: all of them, or every missing request at once (so the client
    /// is asked for everything in one round).
    ///
    /// # Errors
    ///
    /// The first client or validation failure, else every missing request merged.
    ///
    /// ```
    /// use mcp_server::input::Input;
    ///
    /// let input = Input::default();
    /// let both = Input::join((input.list_roots("a"), input.list_roots("b")));
    /// let Err(mcp_server::input::InputError::Required(r)) = both else { panic!() };
    /// assert_eq!(r.keys().collect::<Vec<_>>(), ["a", "b"]);
    /// ```
    pub fn join<J: Join>(results: J) -> Result<J::Output, InputError> {
        results.join()
    }
}

/// Tuples of input answers that [`Input::join`] combines.
pub trait Join {
    /// The answers, when all are there.
    type Output;
    /// Combines the answers.
    ///
    /// # Errors
    ///
    /// See [`Input::join`].
    fn join(self) -> Result<Self::Output, InputError>;
}

fn fold(errors: impl IntoIterator<Item = Option<InputError>>) -> Option<InputError> {
    let mut required: Option<InputRequired> = None;
    for e in errors.into_iter().flatten() {
        match e {
            InputError::Required(r) => {
                required = Some(match required {
                    Some(acc) => acc.merge(r),
                    None => r,
                });
            }
            other => return Some(other),
        }
    }
    required.map(InputError::Required)
}

macro_rules! impl_join {
    ($($t:ident $v:ident),+) => {
        impl<$($t),+> Join for ($(Result<$t, InputError>,)+) {
            type Output = ($($t,)+);
            fn join(self) -> Result<Self::Output, InputError> {
                let ($($v,)+) = self;
                match ($($v,)+) {
                    ($(Ok($v),)+) => Ok(($($v,)+)),
                    ($($v,)+) => Err(fold([$($v.err(),)+]).expect("at least one answer failed")),
                }
            }
        }
    };
}

impl_join!(A a, B b);
impl_join!(A a, B b, C c);
impl_join!(A a, B b, C c, D d);
