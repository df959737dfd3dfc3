//! The multi round-trip tools of 2026-07-28 (`InputRequiredResult`, SEP-2322).
//!
//! Each round's `inputResponses` carry only that round's answers; anything a later round
//! needs travels in the sealed `requestState` ([`InputError::with_state`](mcp_server::input::InputError::with_state),
//! [`InputRequired::with_state`]). The SDK rejects tampered or foreign state with -32602
//! before the tool runs. In legacy sessions the same tools ask the client directly.

use std::collections::BTreeMap;

use mcp_server::core::protocol::{
    BooleanSchema, ElicitAction, ElicitRequestFormParams, ElicitRequestParams, ElicitResult,
    ElicitationSchema, PrimitiveSchema,
};
use mcp_server::{Input, InputRequired, ToolError, mcp_tool};
use serde_json::{Value, json};

use super::interactive::{sampled_text, sampling_request, string_field};

/// What `test_input_required_result_request_state` seals into its state and expects back.
const STATE_CHECK: &str = "state-ok";

/// Asks for the user's name under the key `user_name`, then greets them.
#[mcp_tool]
pub async fn test_input_required_result_elicitation(
    #[ctx] input: Input,
) -> Result<String, ToolError> {
    let answer = input.elicit("user_name", ask_name())?;
    match accepted(&answer, "name") {
        Some(name) => Ok(format!("Hello, {}!", text_of(name))),
        // An accept without a usable name: ask again.
        None if answer.action == ElicitAction::Accept => {
            Err(InputRequired::new().elicit("user_name", ask_name()).into())
        }
        None => Ok(format!(
            "No name given ({})",
            json!(answer.action).as_str().unwrap_or("declined")
        )),
    }
}

/// Asks the client's model a question under the key `capital_question`.
#[mcp_tool]
pub async fn test_input_required_result_sampling(#[ctx] input: Input) -> Result<String, ToolError> {
    let answer = input.sample(
        "capital_question",
        sampling_request("What is the capital of France?", 100),
    )?;
    Ok(format!(
        "The model answered: {}",
        sampled_text(&answer.content)
    ))
}

/// Asks the client for its roots under the key `client_roots`.
#[mcp_tool]
pub async fn test_input_required_result_list_roots(
    #[ctx] input: Input,
) -> Result<String, ToolError> {
    let roots = input.list_roots("client_roots")?;
    let uris: Vec<&str> = roots.roots.iter().map(|r| r.uri.as_str()).collect();
    Ok(format!(
        "The client has {} root(s): {}",
        uris.len(),
        uris.join(", ")
    ))
}

/// Asks for a confirmation (`confirm`, `{ok: boolean}`) with state, and completes only when
/// the state comes back.
#[mcp_tool]
pub async fn test_input_required_result_request_state(
    #[ctx] input: Input,
) -> Result<String, ToolError> {
    let issued = json!({ "check": STATE_CHECK });
    let ask = || InputRequired::new().elicit("confirm", ask_confirm());
    let answer = input
        .elicit("confirm", ask_confirm())
        .map_err(|e| e.with_state(issued.clone()))?;
    if input.state() != Some(&issued) {
        // The answer came without the state we issued: start over.
        return Err(ask().with_state(issued).into());
    }
    let ok = accepted(&answer, "ok")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok(format!("{STATE_CHECK}: confirmed={ok}"))
}

/// Asks for an elicitation (`user_name`), a sampling (`greeting`) and the roots
/// (`client_roots`) in one round, with state.
#[mcp_tool]
pub async fn test_input_required_result_multiple_inputs(
    #[ctx] input: Input,
) -> Result<String, ToolError> {
    let (name, greeting, roots) = Input::join((
        input.elicit("user_name", ask_name()),
        input.sample(
            "greeting",
            sampling_request("Write a one-line greeting", 50),
        ),
        input.list_roots("client_roots"),
    ))
    .map_err(|e| e.with_state(json!({ "round": 1, "asked": 3 })))?;
    let name = accepted(&name, "name").map_or_else(|| "anonymous".to_owned(), text_of);
    Ok(format!(
        "name={name}; greeting={}; roots={}",
        sampled_text(&greeting.content),
        roots.roots.len()
    ))
}

/// Two rounds: `step1`, then `step2` with a different state carrying the first answer; the
/// third call completes.
#[mcp_tool]
pub async fn test_input_required_result_multi_round(
    #[ctx] input: Input,
) -> Result<String, ToolError> {
    if let Some(step1) = input.state().and_then(|s| s.get("step1")).cloned() {
        let step2 = input
            .elicit("step2", ask_step(2))
            .map_err(|e| e.with_state(json!({ "round": 2, "step1": step1 })))?;
        let step2 = accepted(&step2, "answer").map_or_else(String::new, text_of);
        return Ok(format!(
            "Completed both rounds: step1={}, step2={step2}",
            text_of(&step1)
        ));
    }
    let step1 = input
        .elicit("step1", ask_step(1))
        .map_err(|e| e.with_state(json!({ "round": 1 })))?;
    let step1 = accepted(&step1, "answer").cloned().unwrap_or(Value::Null);
    Err(InputRequired::new()
        .elicit("step2", ask_step(2))
        .with_state(json!({ "round": 2, "step1": step1 }))
        .into())
}

/// Issues integrity-protected state; a retry with altered state is a JSON-RPC error (the
/// SDK seals and checks it).
#[mcp_tool]
pub async fn test_input_required_result_tampered_state(
    #[ctx] input: Input,
) -> Result<String, ToolError> {
    let issued = json!({ "issued": "tampered-state-check" });
    let answer = input
        .elicit("confirm", ask_confirm())
        .map_err(|e| e.with_state(issued.clone()))?;
    if input.state() != Some(&issued) {
        return Err(InputRequired::new()
            .elicit("confirm", ask_confirm())
            .with_state(issued)
            .into());
    }
    let ok = accepted(&answer, "ok")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok(format!("State verified: confirmed={ok}"))
}

/// Asks only for what the client declared: elicitation if it can, else sampling, else roots.
#[mcp_tool]
pub async fn test_input_required_result_capabilities(
    #[ctx] input: Input,
) -> Result<String, ToolError> {
    let caps = input.client_capabilities();
    if caps.supports_elicitation_form() {
        let answer = input.elicit("user_name", ask_name())?;
        let name = accepted(&answer, "name").map_or_else(|| "anonymous".to_owned(), text_of);
        Ok(format!("Asked by elicitation: {name}"))
    } else if caps.supports_sampling() {
        let answer = input.sample("user_name", sampling_request("Suggest a user name", 20))?;
        Ok(format!(
            "Asked by sampling: {}",
            sampled_text(&answer.content)
        ))
    } else if caps.supports_roots() {
        let roots = input.list_roots("client_roots")?;
        Ok(format!("Asked for roots: {}", roots.roots.len()))
    } else {
        Ok("The client declared no input capability: nothing to ask".to_owned())
    }
}

/// The accepted value of field `key` of an elicitation answer.
fn accepted<'a>(answer: &'a ElicitResult, key: &str) -> Option<&'a Value> {
    if answer.action != ElicitAction::Accept {
        return None;
    }
    answer
        .content
        .as_ref()
        .and_then(|c| c.get(key))
        .filter(|v| !v.is_null())
}

fn text_of(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

fn ask_name() -> ElicitRequestParams {
    let mut schema = ElicitationSchema::new(BTreeMap::from([(
        "name".to_owned(),
        string_field("Your name", None),
    )]));
    schema.required = Some(vec!["name".to_owned()]);
    ElicitRequestFormParams::new("What is your name?", schema).into()
}

fn ask_confirm() -> ElicitRequestParams {
    let mut ok = BooleanSchema::default();
    ok.description = Some("Confirm to continue".to_owned());
    let mut schema = ElicitationSchema::new(BTreeMap::from([(
        "ok".to_owned(),
        PrimitiveSchema::Boolean(ok),
    )]));
    schema.required = Some(vec!["ok".to_owned()]);
    ElicitRequestFormParams::new("Please confirm", schema).into()
}

fn ask_step(step: u8) -> ElicitRequestParams {
    let mut schema = ElicitationSchema::new(BTreeMap::from([(
        "answer".to_owned(),
        string_field(&format!("Answer for step {step}"), None),
    )]));
    schema.required = Some(vec!["answer".to_owned()]);
    ElicitRequestFormParams::new(format!("Step {step}: please answer"), schema).into()
}
