//! Sampling and elicitation of the 2025-11-25 scenarios. Written once with [`Input`]: in a
//! session the SDK sends `sampling/createMessage` / `elicitation/create` to the client and
//! calls the tool again with the answer; in 2026-07-28 the same code answers with an
//! `InputRequiredResult`.

use std::collections::BTreeMap;

use mcp_server::core::protocol::{
    BooleanSchema, CreateMessageParams, ElicitRequestFormParams, ElicitResult, ElicitationSchema,
    EnumOption, LegacyTitledEnumSchema, NumberKind, NumberSchema, PrimitiveSchema, Role,
    SamplingContent, SamplingMessage, StringFormat, StringSchema, TitledMultiSelectEnumSchema,
    TitledSingleSelectEnumSchema, UntitledMultiSelectEnumSchema, UntitledSingleSelectEnumSchema,
};
use mcp_server::{Input, ToolError, mcp_tool};

/// Asks the client's model to answer `prompt` (`sampling/createMessage`) and returns its
/// answer.
#[mcp_tool]
pub async fn test_sampling(
    /// The prompt to send to the client's model.
    prompt: String,
    #[ctx] input: Input,
) -> Result<String, ToolError> {
    let answer = input.sample("sampling", sampling_request(&prompt, 100))?;
    Ok(format!("LLM response: {}", sampled_text(&answer.content)))
}

/// Asks the user for a username and an email address (`elicitation/create`).
#[mcp_tool]
pub async fn test_elicitation(
    /// The message shown to the user.
    message: String,
    #[ctx] input: Input,
) -> Result<String, ToolError> {
    let mut properties = BTreeMap::new();
    properties.insert("username".to_owned(), string_field("Your username", None));
    properties.insert(
        "email".to_owned(),
        string_field("Your email address", Some(StringFormat::Email)),
    );
    let mut schema = ElicitationSchema::new(properties);
    schema.required = Some(vec!["username".to_owned(), "email".to_owned()]);
    let answer = input.elicit(
        "user_info",
        ElicitRequestFormParams::new(message, schema).into(),
    )?;
    Ok(describe(&answer))
}

/// Elicits a form whose fields carry defaults (SEP-1034): name "John Doe", age 30, score
/// 95.5, status "active", verified true.
#[mcp_tool]
pub async fn test_elicitation_sep1034_defaults(#[ctx] input: Input) -> Result<String, ToolError> {
    let mut name = StringSchema::default();
    name.description = Some("User name".to_owned());
    name.default = Some("John Doe".to_owned());
    let mut age = NumberSchema::new(NumberKind::Integer);
    age.description = Some("User age".to_owned());
    age.default = Some(30.0);
    let mut score = NumberSchema::new(NumberKind::Number);
    score.description = Some("User score".to_owned());
    score.default = Some(95.5);
    let mut status =
        UntitledSingleSelectEnumSchema::new(strings(&["active", "inactive", "pending"]));
    status.description = Some("User status".to_owned());
    status.default = Some("active".to_owned());
    let mut verified = BooleanSchema::default();
    verified.description = Some("Verification status".to_owned());
    verified.default = Some(true);

    let properties = BTreeMap::from([
        ("name".to_owned(), PrimitiveSchema::String(name)),
        ("age".to_owned(), PrimitiveSchema::Number(age)),
        ("score".to_owned(), PrimitiveSchema::Number(score)),
        (
            "status".to_owned(),
            PrimitiveSchema::UntitledSingleSelect(status),
        ),
        ("verified".to_owned(), PrimitiveSchema::Boolean(verified)),
    ]);
    let params = ElicitRequestFormParams::new(
        "Please review and update the form fields with defaults",
        ElicitationSchema::new(properties),
    );
    Ok(describe(&input.elicit("defaults", params.into())?))
}

/// Elicits a form with the five enum shapes of SEP-1330.
#[mcp_tool]
pub async fn test_elicitation_sep1330_enums(#[ctx] input: Input) -> Result<String, ToolError> {
    let values = strings(&["option1", "option2", "option3"]);
    let options = || {
        vec![
            EnumOption::new("value1", "First Option"),
            EnumOption::new("value2", "Second Option"),
            EnumOption::new("value3", "Third Option"),
        ]
    };
    let mut untitled_single = UntitledSingleSelectEnumSchema::new(values.clone());
    untitled_single.description = Some("Choose an option".to_owned());
    let mut titled_single = TitledSingleSelectEnumSchema::new(options());
    titled_single.description = Some("Choose a titled option".to_owned());
    let mut legacy = LegacyTitledEnumSchema::new(
        values.clone(),
        strings(&["Option One", "Option Two", "Option Three"]),
    );
    legacy.description = Some("Choose a legacy option".to_owned());
    let mut untitled_multi = UntitledMultiSelectEnumSchema::new(values);
    untitled_multi.description = Some("Choose multiple options".to_owned());
    let mut titled_multi = TitledMultiSelectEnumSchema::new(options());
    titled_multi.description = Some("Choose multiple titled options".to_owned());

    let properties = BTreeMap::from([
        (
            "untitledSingle".to_owned(),
            PrimitiveSchema::UntitledSingleSelect(untitled_single),
        ),
        (
            "titledSingle".to_owned(),
            PrimitiveSchema::TitledSingleSelect(titled_single),
        ),
        (
            "legacyEnum".to_owned(),
            PrimitiveSchema::LegacyTitled(legacy),
        ),
        (
            "untitledMulti".to_owned(),
            PrimitiveSchema::UntitledMultiSelect(untitled_multi),
        ),
        (
            "titledMulti".to_owned(),
            PrimitiveSchema::TitledMultiSelect(titled_multi),
        ),
    ]);
    let params = ElicitRequestFormParams::new(
        "Please select options from the enum fields",
        ElicitationSchema::new(properties),
    );
    Ok(describe(&input.elicit("enums", params.into())?))
}

/// A one-message sampling request for `prompt`.
pub fn sampling_request(prompt: &str, max_tokens: u64) -> CreateMessageParams {
    CreateMessageParams::new(
        vec![SamplingMessage::new(
            Role::User,
            SamplingContent::text(prompt),
        )],
        max_tokens,
    )
}

/// The text blocks of a sampling answer, joined.
pub fn sampled_text(content: &mcp_server::core::protocol::SamplingMessageContent) -> String {
    content
        .blocks()
        .iter()
        .filter_map(|block| match block {
            SamplingContent::Text(t) => Some(t.text.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A string field with a description and an optional format.
pub fn string_field(description: &str, format: Option<StringFormat>) -> PrimitiveSchema {
    let mut s = StringSchema::default();
    s.description = Some(description.to_owned());
    s.format = format;
    PrimitiveSchema::String(s)
}

/// `action=..., content=...` of an elicitation answer.
pub fn describe(answer: &ElicitResult) -> String {
    let content = answer.content.as_ref().map_or_else(
        || "{}".to_owned(),
        |c| serde_json::Value::Object(c.clone()).to_string(),
    );
    format!(
        "Elicitation completed: action={}, content={content}",
        serde_json::to_value(answer.action)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    )
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|&v| v.to_owned()).collect()
}
