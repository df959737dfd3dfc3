//! Multi round-trip requests (2026-07-28, MRTR): how a modern server asks the client for
//! elicitation, sampling or roots in the middle of `tools/call`, `prompts/get` or
//! `resources/read`.
//!
//! The server answers with an [`InputRequiredResult`] holding [`InputRequests`] (by a key of
//! its choice) and optionally an opaque `requestState`. The client retries the request with
//! [`InputResponses`] under the same keys and the echoed state. Each response is decoded by
//! the method the server asked for, with [`InputResponses::elicit`],
//! [`InputResponses::sampling`] or [`InputResponses::roots`].

use std::collections::BTreeMap;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use super::elicitation::{ElicitRequestParams, ElicitResult};
use super::meta::Meta;
use super::methods;
use super::result::ResultType;
use super::roots::{ListRootsParams, ListRootsResult};
use super::sampling::{CreateMessageParams, CreateMessageResult};

/// An interim result asking the client for input (2026-07-28). Allowed only on `tools/call`,
/// `prompts/get` and `resources/read`; at least one of `inputRequests` and `requestState`
/// must be present.
///
/// ```
/// use mcp_core::protocol::{ElicitRequestFormParams, ElicitationSchema, InputRequest, InputRequiredResult};
///
/// let mut r = InputRequiredResult::new();
/// let ask = ElicitRequestFormParams::new("Your name?", ElicitationSchema::default());
/// r.input_requests = Some([("name".to_owned(), InputRequest::Elicitation(ask.into()))].into());
/// let json = serde_json::to_value(&r).unwrap();
/// assert_eq!(json["resultType"], "input_required");
/// assert_eq!(json["inputRequests"]["name"]["method"], "elicitation/create");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct InputRequiredResult {
    /// Always `input_required`.
    #[serde(default = "input_required")]
    pub result_type: ResultType,
    /// What the client should ask, by key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_requests: Option<InputRequests>,
    /// Opaque state the client echoes on the retry. Attacker-controlled when it comes back:
    /// integrity-protect it if it matters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_state: Option<String>,
    /// Metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

fn input_required() -> ResultType {
    ResultType::InputRequired
}

impl InputRequiredResult {
    /// An empty `input_required` result; fill `input_requests` and/or `request_state`.
    pub fn new() -> Self {
        Self {
            result_type: ResultType::InputRequired,
            input_requests: None,
            request_state: None,
            meta: None,
        }
    }
}

impl Default for InputRequiredResult {
    fn default() -> Self {
        Self::new()
    }
}

/// Input requests by server-assigned key.
pub type InputRequests = BTreeMap<String, InputRequest>;

/// One thing the server asks the client to do, dispatched on `"method"` (with its `params`;
/// no `jsonrpc`, no `id`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum InputRequest {
    /// `elicitation/create`.
    Elicitation(ElicitRequestParams),
    /// `sampling/createMessage`.
    Sampling(CreateMessageParams),
    /// `roots/list`.
    Roots(ListRootsParams),
}

impl InputRequest {
    /// The method name.
    pub fn method(&self) -> &'static str {
        match self {
            Self::Elicitation(_) => methods::ELICITATION_CREATE,
            Self::Sampling(_) => methods::SAMPLING_CREATE_MESSAGE,
            Self::Roots(_) => methods::ROOTS_LIST,
        }
    }
}

impl Serialize for InputRequest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Repr<'a, P> {
            method: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            params: Option<&'a P>,
        }
        let method = self.method();
        match self {
            Self::Elicitation(p) => Repr {
                method,
                params: Some(p),
            }
            .serialize(serializer),
            Self::Sampling(p) => Repr {
                method,
                params: Some(p),
            }
            .serialize(serializer),
            // `roots/list` has no params besides `_meta`; omit the object when it is empty.
            Self::Roots(p) => Repr {
                method,
                params: (p != &ListRootsParams::default()).then_some(p),
            }
            .serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for InputRequest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            method: String,
            #[serde(default)]
            params: Option<Value>,
        }
        let raw = Raw::deserialize(deserializer)?;
        let params = raw.params.unwrap_or_else(|| Value::Object(Map::new()));
        let err = |e: serde_json::Error| {
            de::Error::custom(format!("invalid `{}` params: {e}", raw.method))
        };
        match raw.method.as_str() {
            methods::ELICITATION_CREATE => ElicitRequestParams::deserialize(params)
                .map(Self::Elicitation)
                .map_err(err),
            methods::SAMPLING_CREATE_MESSAGE => CreateMessageParams::deserialize(params)
                .map(Self::Sampling)
                .map_err(err),
            methods::ROOTS_LIST => ListRootsParams::deserialize(params)
                .map(Self::Roots)
                .map_err(err),
            other => Err(de::Error::custom(format!(
                "unknown input request method `{other}`"
            ))),
        }
    }
}

/// The client's answers by key (2026-07-28), kept raw: the server decodes each one by the
/// method it asked for.
///
/// ```
/// use mcp_core::protocol::{ElicitAction, InputResponses};
/// use serde_json::json;
///
/// let r: InputResponses = serde_json::from_value(json!({"name": {"action": "accept", "content": {"name": "x"}}})).unwrap();
/// assert_eq!(r.elicit("name").unwrap().unwrap().action, ElicitAction::Accept);
/// assert!(r.elicit("other").is_none());
/// assert!(r.sampling("name").unwrap().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
#[non_exhaustive]
pub struct InputResponses {
    /// The raw responses.
    pub responses: Map<String, Value>,
}

impl InputResponses {
    /// No responses.
    pub fn new() -> Self {
        Self::default()
    }

    /// The raw response under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.responses.get(key)
    }

    /// Adds a response under `key`.
    ///
    /// # Errors
    ///
    /// When `response` cannot be represented as JSON.
    pub fn insert<T: Serialize>(
        &mut self,
        key: impl Into<String>,
        response: &T,
    ) -> Result<(), serde_json::Error> {
        self.responses
            .insert(key.into(), serde_json::to_value(response)?);
        Ok(())
    }

    /// The response under `key` decoded as an [`ElicitResult`]; `None` when absent.
    pub fn elicit(&self, key: &str) -> Option<Result<ElicitResult, serde_json::Error>> {
        self.decode(key)
    }

    /// The response under `key` decoded as a [`CreateMessageResult`]; `None` when absent.
    pub fn sampling(&self, key: &str) -> Option<Result<CreateMessageResult, serde_json::Error>> {
        self.decode(key)
    }

    /// The response under `key` decoded as a [`ListRootsResult`]; `None` when absent.
    pub fn roots(&self, key: &str) -> Option<Result<ListRootsResult, serde_json::Error>> {
        self.decode(key)
    }

    fn decode<T: de::DeserializeOwned>(&self, key: &str) -> Option<Result<T, serde_json::Error>> {
        self.responses.get(key).map(T::deserialize)
    }
}
