//! Elicitation: asking the user for input through the client (since 2025-06-18).
//!
//! Form mode sends a flat [`ElicitationSchema`] of [`PrimitiveSchema`] properties; URL mode
//! (since 2025-11-25) sends the user to a URL, for anything sensitive. Legacy servers send
//! `elicitation/create` as a request; 2026-07-28 servers ask inside an
//! [`InputRequiredResult`](super::InputRequiredResult).
//!
//! Both [`ElicitRequestParams`] (by `mode`) and [`PrimitiveSchema`] (by its keys) are decoded
//! by hand, so that a malformed value fails with a precise error instead of "did not match any
//! variant".

use std::collections::BTreeMap;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use super::meta::{JsonObject, Meta};
use super::tasks::TaskMetadata;

/// Params of `elicitation/create`, by `mode` (absent means form).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ElicitRequestParams {
    /// Form mode: a flat schema the client renders.
    Form(ElicitRequestFormParams),
    /// URL mode (since 2025-11-25): the user opens a URL.
    Url(ElicitRequestUrlParams),
}

impl From<ElicitRequestFormParams> for ElicitRequestParams {
    fn from(p: ElicitRequestFormParams) -> Self {
        Self::Form(p)
    }
}

impl From<ElicitRequestUrlParams> for ElicitRequestParams {
    fn from(p: ElicitRequestUrlParams) -> Self {
        Self::Url(p)
    }
}

impl Serialize for ElicitRequestParams {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct WithMode<'a, T> {
            mode: &'static str,
            #[serde(flatten)]
            inner: &'a T,
        }
        match self {
            Self::Form(p) => p.serialize(serializer),
            Self::Url(p) => WithMode {
                mode: "url",
                inner: p,
            }
            .serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for ElicitRequestParams {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = Map::<String, Value>::deserialize(deserializer)?;
        match map.get("mode") {
            None => from_map(map).map(Self::Form),
            Some(Value::String(m)) if m == "form" => from_map(map).map(Self::Form),
            Some(Value::String(m)) if m == "url" => from_map(map).map(Self::Url),
            Some(other) => Err(de::Error::custom(format!(
                "unknown elicitation mode {other}"
            ))),
        }
    }
}

fn from_map<T: de::DeserializeOwned, E: de::Error>(map: Map<String, Value>) -> Result<T, E> {
    T::deserialize(Value::Object(map)).map_err(E::custom)
}

/// The elicitation modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ElicitMode {
    /// `form`.
    Form,
    /// `url` (since 2025-11-25).
    Url,
}

/// Form-mode elicitation params.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ElicitRequestFormParams {
    /// `form` or absent (absent in 2025-06-18, optional since 2025-11-25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<ElicitMode>,
    /// What to ask the user.
    pub message: String,
    /// The fields to fill.
    pub requested_schema: ElicitationSchema,
    /// Run as a task (2025-11-25 core tasks only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<TaskMetadata>,
    /// Metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl ElicitRequestFormParams {
    /// Ask `message` with the fields of `requested_schema` (with `mode: "form"`).
    pub fn new(message: impl Into<String>, requested_schema: ElicitationSchema) -> Self {
        Self {
            mode: Some(ElicitMode::Form),
            message: message.into(),
            requested_schema,
            task: None,
            meta: None,
        }
    }
}

/// URL-mode elicitation params (since 2025-11-25). `mode: "url"` is written by
/// [`ElicitRequestParams`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ElicitRequestUrlParams {
    /// Why the user should open the URL.
    pub message: String,
    /// The URL; never pre-authenticated, never carrying user data.
    pub url: String,
    /// Correlation id (2025-11-25, required there; removed in 2026-07-28).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elicitation_id: Option<String>,
    /// Run as a task (2025-11-25 core tasks only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<TaskMetadata>,
    /// Metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl ElicitRequestUrlParams {
    /// Send the user to `url`.
    pub fn new(message: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            url: url.into(),
            elicitation_id: None,
            task: None,
            meta: None,
        }
    }
}

/// The requested schema of a form: a flat object of primitive properties.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ElicitationSchema {
    /// `$schema`: the dialect.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The fields. (`"type": "object"` is implied and always written.)
    pub properties: BTreeMap<String, PrimitiveSchema>,
    /// Required field names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<Vec<String>>,
}

impl ElicitationSchema {
    /// A schema with `properties`.
    pub fn new(properties: BTreeMap<String, PrimitiveSchema>) -> Self {
        Self {
            schema: None,
            properties,
            required: None,
        }
    }
}

impl Serialize for ElicitationSchema {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Repr<'a> {
            #[serde(rename = "$schema", skip_serializing_if = "Option::is_none")]
            schema: Option<&'a String>,
            #[serde(rename = "type")]
            kind: &'static str,
            properties: &'a BTreeMap<String, PrimitiveSchema>,
            #[serde(skip_serializing_if = "Option::is_none")]
            required: Option<&'a Vec<String>>,
        }
        Repr {
            schema: self.schema.as_ref(),
            kind: "object",
            properties: &self.properties,
            required: self.required.as_ref(),
        }
        .serialize(serializer)
    }
}

/// A property of a form: a string, number, boolean or enum schema.
///
/// Decoded by inspecting its keys: `type` first, then `oneOf`, `enum`, `enumNames` and
/// `items.anyOf` to tell the enum shapes apart.
///
/// ```
/// use mcp_core::protocol::PrimitiveSchema;
///
/// let s: PrimitiveSchema = serde_json::from_str(r#"{"type":"string","enum":["a","b"]}"#).unwrap();
/// assert!(matches!(s, PrimitiveSchema::UntitledSingleSelect(_)));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PrimitiveSchema {
    /// `{"type":"string"}`.
    String(StringSchema),
    /// `{"type":"number"}` or `{"type":"integer"}`.
    Number(NumberSchema),
    /// `{"type":"boolean"}`.
    Boolean(BooleanSchema),
    /// `{"type":"string","enum":[..]}` (since 2025-11-25 under this name).
    UntitledSingleSelect(UntitledSingleSelectEnumSchema),
    /// `{"type":"string","oneOf":[{const,title}]}` (since 2025-11-25).
    TitledSingleSelect(TitledSingleSelectEnumSchema),
    /// `{"type":"string","enum":[..],"enumNames":[..]}` (2025-06-18 style, still accepted).
    LegacyTitled(LegacyTitledEnumSchema),
    /// `{"type":"array","items":{"type":"string","enum":[..]}}` (since 2025-11-25).
    UntitledMultiSelect(UntitledMultiSelectEnumSchema),
    /// `{"type":"array","items":{"anyOf":[{const,title}]}}` (since 2025-11-25).
    TitledMultiSelect(TitledMultiSelectEnumSchema),
}

impl Serialize for PrimitiveSchema {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct WithType<'a, T> {
            #[serde(rename = "type")]
            kind: &'static str,
            #[serde(flatten)]
            inner: &'a T,
        }
        fn tagged<S: Serializer, T: Serialize>(
            s: S,
            kind: &'static str,
            inner: &T,
        ) -> Result<S::Ok, S::Error> {
            WithType { kind, inner }.serialize(s)
        }
        match self {
            Self::String(x) => tagged(serializer, "string", x),
            Self::Number(x) => x.serialize(serializer),
            Self::Boolean(x) => tagged(serializer, "boolean", x),
            Self::UntitledSingleSelect(x) => tagged(serializer, "string", x),
            Self::TitledSingleSelect(x) => tagged(serializer, "string", x),
            Self::LegacyTitled(x) => tagged(serializer, "string", x),
            Self::UntitledMultiSelect(x) => tagged(serializer, "array", x),
            Self::TitledMultiSelect(x) => tagged(serializer, "array", x),
        }
    }
}

impl<'de> Deserialize<'de> for PrimitiveSchema {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = Map::<String, Value>::deserialize(deserializer)?;
        let kind = match map.get("type") {
            Some(Value::String(t)) => t.clone(),
            Some(_) => {
                return Err(de::Error::custom(
                    "`type` of a primitive schema must be a string",
                ));
            }
            None => return Err(de::Error::missing_field("type")),
        };
        match kind.as_str() {
            "string" if map.contains_key("oneOf") => from_map(map).map(Self::TitledSingleSelect),
            "string" if map.contains_key("enumNames") => from_map(map).map(Self::LegacyTitled),
            "string" if map.contains_key("enum") => from_map(map).map(Self::UntitledSingleSelect),
            "string" => from_map(map).map(Self::String),
            "number" | "integer" => from_map(map).map(Self::Number),
            "boolean" => from_map(map).map(Self::Boolean),
            "array" => {
                let titled = map
                    .get("items")
                    .and_then(Value::as_object)
                    .is_some_and(|items| items.contains_key("anyOf"));
                if titled {
                    from_map(map).map(Self::TitledMultiSelect)
                } else {
                    from_map(map).map(Self::UntitledMultiSelect)
                }
            }
            other => Err(de::Error::custom(format!(
                "unsupported primitive schema type `{other}`"
            ))),
        }
    }
}

/// A string field. (`"type": "string"` is written by [`PrimitiveSchema`].)
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StringSchema {
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Help text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Minimum length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    /// Maximum length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// Format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<StringFormat>,
    /// Default value (since 2025-11-25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

/// The formats a [`StringSchema`] may declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum StringFormat {
    /// `email`.
    Email,
    /// `uri`.
    Uri,
    /// `date`.
    Date,
    /// `date-time`.
    DateTime,
}

/// A number or integer field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NumberSchema {
    /// `number` or `integer`.
    #[serde(rename = "type")]
    pub kind: NumberKind,
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Help text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Minimum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    /// Maximum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    /// Default value (since 2025-11-25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<f64>,
}

impl NumberSchema {
    /// A `number` or `integer` field.
    pub fn new(kind: NumberKind) -> Self {
        Self {
            kind,
            title: None,
            description: None,
            minimum: None,
            maximum: None,
            default: None,
        }
    }
}

/// The `type` of a [`NumberSchema`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[expect(
    clippy::exhaustive_enums,
    reason = "JSON Schema has exactly these two numeric types"
)]
pub enum NumberKind {
    /// `number`.
    Number,
    /// `integer`.
    Integer,
}

/// A boolean field. (`"type": "boolean"` is written by [`PrimitiveSchema`].)
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BooleanSchema {
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Help text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Default value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
}

/// A single choice among plain values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UntitledSingleSelectEnumSchema {
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Help text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The values.
    #[serde(rename = "enum")]
    pub values: Vec<String>,
    /// Default value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

impl UntitledSingleSelectEnumSchema {
    /// A choice among `values`.
    pub fn new(values: Vec<String>) -> Self {
        Self {
            title: None,
            description: None,
            values,
            default: None,
        }
    }
}

/// A value with a display title.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EnumOption {
    /// The value.
    #[serde(rename = "const")]
    pub value: String,
    /// Its display title.
    pub title: String,
}

impl EnumOption {
    /// `value` shown as `title`.
    pub fn new(value: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            title: title.into(),
        }
    }
}

/// A single choice among titled values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TitledSingleSelectEnumSchema {
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Help text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The options.
    pub one_of: Vec<EnumOption>,
    /// Default value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

impl TitledSingleSelectEnumSchema {
    /// A choice among `options`.
    pub fn new(options: Vec<EnumOption>) -> Self {
        Self {
            title: None,
            description: None,
            one_of: options,
            default: None,
        }
    }
}

/// A single choice with parallel `enumNames` (the 2025-06-18 shape, deprecated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LegacyTitledEnumSchema {
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Help text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The values.
    #[serde(rename = "enum")]
    pub values: Vec<String>,
    /// Display names, parallel to `enum`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enum_names: Option<Vec<String>>,
    /// Default value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

impl LegacyTitledEnumSchema {
    /// A choice among `values` shown as `names`.
    pub fn new(values: Vec<String>, names: Vec<String>) -> Self {
        Self {
            title: None,
            description: None,
            values,
            enum_names: Some(names),
            default: None,
        }
    }
}

/// Several choices among plain values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UntitledMultiSelectEnumSchema {
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Help text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Fewest choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    /// Most choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    /// The values.
    pub items: UntitledEnumItems,
    /// Default choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Vec<String>>,
}

impl UntitledMultiSelectEnumSchema {
    /// Choices among `values`.
    pub fn new(values: Vec<String>) -> Self {
        Self {
            title: None,
            description: None,
            min_items: None,
            max_items: None,
            items: UntitledEnumItems { values },
            default: None,
        }
    }
}

/// `items` of an [`UntitledMultiSelectEnumSchema`]: `{"type":"string","enum":[..]}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct UntitledEnumItems {
    /// The values. (`"type": "string"` is implied and always written.)
    #[serde(rename = "enum")]
    pub values: Vec<String>,
}

impl Serialize for UntitledEnumItems {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Repr<'a> {
            #[serde(rename = "type")]
            kind: &'static str,
            #[serde(rename = "enum")]
            values: &'a [String],
        }
        Repr {
            kind: "string",
            values: &self.values,
        }
        .serialize(serializer)
    }
}

/// Several choices among titled values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TitledMultiSelectEnumSchema {
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Help text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Fewest choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    /// Most choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    /// The options.
    pub items: TitledEnumItems,
    /// Default choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Vec<String>>,
}

impl TitledMultiSelectEnumSchema {
    /// Choices among `options`.
    pub fn new(options: Vec<EnumOption>) -> Self {
        Self {
            title: None,
            description: None,
            min_items: None,
            max_items: None,
            items: TitledEnumItems { any_of: options },
            default: None,
        }
    }
}

/// `items` of a [`TitledMultiSelectEnumSchema`]: `{"anyOf":[{const,title}]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TitledEnumItems {
    /// The options.
    pub any_of: Vec<EnumOption>,
}

/// Result of `elicitation/create`: what the user did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ElicitResult {
    /// Accept, decline or cancel.
    pub action: ElicitAction,
    /// The submitted values, for a form-mode accept: strings, numbers, booleans or string
    /// arrays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<JsonObject>,
    /// Metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl ElicitResult {
    /// A result with `action` and no content.
    pub fn new(action: ElicitAction) -> Self {
        Self {
            action,
            content: None,
            meta: None,
        }
    }
}

/// What the user did with an elicitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[expect(
    clippy::exhaustive_enums,
    reason = "accept, decline and cancel cover every outcome of asking a user"
)]
pub enum ElicitAction {
    /// Submitted (form) or consented (URL).
    Accept,
    /// Explicitly refused.
    Decline,
    /// Dismissed without choosing.
    Cancel,
}

/// Params of `notifications/elicitation/complete` (2025-11-25 only; removed in 2026-07-28).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ElicitationCompleteParams {
    /// The URL elicitation that completed.
    pub elicitation_id: String,
    /// Metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl ElicitationCompleteParams {
    /// `elicitation_id` completed.
    pub fn new(elicitation_id: impl Into<String>) -> Self {
        Self {
            elicitation_id: elicitation_id.into(),
            meta: None,
        }
    }
}
