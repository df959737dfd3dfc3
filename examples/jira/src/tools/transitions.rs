//! `jira_get_transitions` and `jira_transition_issue` (by id or by name).

use std::fmt::Write as _;

use http::Method;
use mcp_server::{Principal, State, Structured, ToolError, mcp_tool};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{ISSUE_PATTERN, audit_refusal, audit_result, write_credential};
use crate::client::{Jira, path_segment, text};
use crate::markdown;

/// A field a transition asks for.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct TransitionField {
    /// The field id to use as key in `fields` (e.g. `resolution`).
    pub field_id: String,
    /// Its display name.
    pub name: String,
    /// Whether the transition fails without it.
    pub required: bool,
    /// Whether Jira fills it in when it is not given.
    pub has_default: bool,
    /// Allowed values (names), when the field is a choice.
    pub allowed_values: Vec<String>,
}

/// One transition available on an issue.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct Transition {
    /// The transition id.
    pub id: String,
    /// The transition name (what Jira's button says).
    pub name: String,
    /// The status the issue moves to.
    pub to_status: Option<String>,
    /// The fields of the transition screen (required ones first).
    pub fields: Vec<TransitionField>,
}

impl Transition {
    /// Parses one entry of Jira's `transitions` array.
    pub fn from_jira(value: &Value) -> Self {
        let mut fields: Vec<TransitionField> = value["fields"]
            .as_object()
            .map(|map| {
                map.iter()
                    .map(|(id, f)| TransitionField {
                        field_id: id.clone(),
                        name: text(&f["name"]).unwrap_or_else(|| id.clone()),
                        required: f["required"].as_bool().unwrap_or(false),
                        has_default: f["hasDefaultValue"].as_bool().unwrap_or(false),
                        allowed_values: f["allowedValues"]
                            .as_array()
                            .map(|values| {
                                values
                                    .iter()
                                    .filter_map(|v| text(&v["name"]).or_else(|| text(&v["value"])))
                                    .collect()
                            })
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        fields.sort_by_key(|f| !f.required);
        Self {
            id: text(&value["id"]).unwrap_or_default(),
            name: text(&value["name"]).unwrap_or_default(),
            to_status: text(&value["to"]["name"]),
            fields,
        }
    }

    /// The required fields without a default that `given` lacks.
    pub fn missing_fields(&self, given: &Map<String, Value>) -> Vec<&TransitionField> {
        self.fields
            .iter()
            .filter(|f| f.required && !f.has_default && !given.contains_key(&f.field_id))
            .collect()
    }

    /// Refuses a call that lacks required fields (without a default), naming each with its
    /// allowed values and the shape to pass.
    ///
    /// # Errors
    ///
    /// The model-facing message.
    pub fn check_fields(&self, given: &Map<String, Value>, issue_key: &str) -> Result<(), String> {
        let missing = self.missing_fields(given);
        if missing.is_empty() {
            return Ok(());
        }
        let needs = missing
            .iter()
            .map(|f| {
                if f.allowed_values.is_empty() {
                    f.field_id.clone()
                } else {
                    format!("{} (one of: {})", f.field_id, f.allowed_values.join(", "))
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        let example = missing
            .iter()
            .map(|f| {
                let value = f.allowed_values.first().map_or("…", String::as_str);
                format!("\"{}\": {{\"name\": \"{value}\"}}", f.field_id)
            })
            .collect::<Vec<_>>()
            .join(", ");
        Err(format!(
            "transition \"{}\" on {issue_key} requires {needs}; pass them in `fields`, e.g. {{{example}}}. Nothing was changed.",
            self.name
        ))
    }
}

/// `Name (id) → Status` for each transition.
fn describe(transitions: &[Transition]) -> String {
    transitions
        .iter()
        .map(|t| match &t.to_status {
            Some(to) => format!("\"{}\" (id {}) → {to}", t.name, t.id),
            None => format!("\"{}\" (id {})", t.name, t.id),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Picks the transition meant by `wanted`: an exact id, else an exact case-insensitive name,
/// else (when exactly one matches) the target status name.
///
/// # Errors
///
/// No match (or an ambiguous status name): the message lists every available transition.
pub fn resolve<'a>(
    transitions: &'a [Transition],
    wanted: &str,
    issue: &str,
) -> Result<&'a Transition, String> {
    let wanted = wanted.trim();
    if let Some(t) = transitions.iter().find(|t| t.id == wanted) {
        return Ok(t);
    }
    if let Some(t) = transitions
        .iter()
        .find(|t| t.name.eq_ignore_ascii_case(wanted))
    {
        return Ok(t);
    }
    let by_status: Vec<&Transition> = transitions
        .iter()
        .filter(|t| {
            t.to_status
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(wanted))
        })
        .collect();
    if let [one] = by_status.as_slice() {
        return Ok(one);
    }
    if transitions.is_empty() {
        return Err(format!(
            "no transition \"{wanted}\" on {issue}: the issue has no transitions available to this user"
        ));
    }
    Err(format!(
        "no transition \"{wanted}\" on {issue}; available: {}. Nothing was changed.",
        describe(transitions)
    ))
}

async fn transitions_of(
    jira: &Jira,
    who: &Principal,
    credential: &example_support::Credential,
    issue: &str,
) -> Result<Vec<Transition>, ToolError> {
    let body = jira
        .get(
            who,
            credential,
            &format!("rest/api/3/issue/{}/transitions", path_segment(issue)),
            &[("expand", "transitions.fields")],
        )
        .await?
        .body;
    Ok(body["transitions"]
        .as_array()
        .map(|list| list.iter().map(Transition::from_jira).collect())
        .unwrap_or_default())
}

/// The transitions of an issue.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Transitions {
    /// The issue key.
    pub issue_key: String,
    /// What can be done now.
    pub transitions: Vec<Transition>,
}

/// Lists the workflow transitions available on an issue now: id, name, target status, and the
/// fields each needs (with allowed values).
#[mcp_tool(
    read_only,
    idempotent,
    open_world,
    title = "Get Jira issue transitions"
)]
pub async fn jira_get_transitions(
    /// The issue key (`ENG-42`) or numeric id.
    #[schemars(regex(pattern = ISSUE_PATTERN))]
    issue_key: String,
    #[ctx] State(jira): State<Jira>,
    #[ctx] who: Principal,
) -> Result<Structured<Transitions>, ToolError> {
    let credential = jira.credential(&who).await?;
    jira.check_issue(&who, &credential, &issue_key).await?;
    let transitions = transitions_of(&jira, &who, &credential, &issue_key).await?;
    let mut text = format!("Transitions of {issue_key}:");
    if transitions.is_empty() {
        text.push_str(" none available.");
    }
    for t in &transitions {
        let _ = write!(
            text,
            "\n- \"{}\" (id {}) → {}",
            t.name,
            t.id,
            t.to_status.as_deref().unwrap_or("?")
        );
        for f in t.fields.iter().filter(|f| f.required) {
            let _ = write!(text, "; requires {}", f.field_id);
            if !f.allowed_values.is_empty() {
                let _ = write!(text, " (one of: {})", f.allowed_values.join(", "));
            }
        }
    }
    Ok(Structured::new(
        Transitions {
            issue_key,
            transitions,
        },
        text,
    ))
}

/// The transition made.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Transitioned {
    /// The issue key.
    pub issue_key: String,
    /// The transition id used.
    pub transition_id: String,
    /// The transition name.
    pub transition_name: String,
    /// The new status.
    pub to_status: Option<String>,
}

/// Moves an issue through its workflow, by transition id or exact name (case-insensitive;
/// a target status name works when unambiguous). Fields the transition requires (e.g.
/// `{"resolution": {"name": "Done"}}`) go in `fields`; `jira_get_transitions` lists them.
/// An unknown transition changes nothing and lists the available ones.
#[mcp_tool(destructive, open_world, title = "Transition a Jira issue")]
pub async fn jira_transition_issue(
    /// The issue key (`ENG-42`) or numeric id.
    #[schemars(regex(pattern = ISSUE_PATTERN))]
    issue_key: String,
    /// The transition id (`31`) or name (`Done`).
    #[schemars(length(min = 1, max = 255))]
    transition: String,
    /// Fields the transition screen needs, as Jira expects them (e.g. `{"resolution":
    /// {"name": "Done"}}`).
    fields: Option<Map<String, Value>>,
    /// A comment to add with the transition, in Markdown.
    #[schemars(length(max = 100_000))]
    comment: Option<String>,
    #[ctx] State(jira): State<Jira>,
    #[ctx] who: Principal,
) -> Result<Structured<Transitioned>, ToolError> {
    const TOOL: &str = "jira_transition_issue";
    let credential = write_credential(&jira, &who, TOOL, &issue_key).await?;
    let transitions = transitions_of(&jira, &who, &credential, &issue_key).await?;
    let chosen = match resolve(&transitions, &transition, &issue_key) {
        Ok(t) => t.clone(),
        Err(message) => {
            audit_refusal(&who, &credential, TOOL, &issue_key, "unknown transition");
            return Err(ToolError::new(message));
        }
    };
    let fields = fields.unwrap_or_default();
    if let Err(message) = chosen.check_fields(&fields, &issue_key) {
        audit_refusal(&who, &credential, TOOL, &issue_key, "missing fields");
        return Err(ToolError::new(message));
    }
    let mut body = json!({"transition": {"id": chosen.id}});
    if !fields.is_empty() {
        body["fields"] = Value::Object(fields);
    }
    if let Some(c) = comment {
        body["update"] = json!({"comment": [{"add": {"body": markdown::to_adf(&c)}}]});
    }
    let result = jira
        .request(
            &who,
            &credential,
            Method::POST,
            &format!("rest/api/3/issue/{}/transitions", path_segment(&issue_key)),
        )
        .json(&body)
        .send()
        .await;
    audit_result(&who, &credential, TOOL, &issue_key, &result);
    result?;
    let text = format!(
        "{issue_key}: \"{}\" done (transition {}){}.",
        chosen.name,
        chosen.id,
        chosen
            .to_status
            .as_deref()
            .map(|s| format!(", now {s}"))
            .unwrap_or_default()
    );
    Ok(Structured::new(
        Transitioned {
            issue_key,
            transition_id: chosen.id,
            transition_name: chosen.name,
            to_status: chosen.to_status,
        },
        text,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> Vec<Transition> {
        let body = json!({"transitions": [
            {"id": "11", "name": "To Do", "to": {"name": "To Do"}},
            {"id": "21", "name": "Start progress", "to": {"name": "In Progress"}},
            {"id": "31", "name": "Done", "to": {"name": "Done"},
             "fields": {"resolution": {"required": true, "name": "Resolution",
                "allowedValues": [{"id": "10000", "name": "Done"}, {"id": "10001", "name": "Won't Do"}]}}}
        ]});
        body["transitions"]
            .as_array()
            .expect("array")
            .iter()
            .map(Transition::from_jira)
            .collect()
    }

    #[test]
    fn by_id_name_or_status() {
        let t = seed();
        assert_eq!(resolve(&t, "31", "ENG-1").expect("id").id, "31");
        assert_eq!(resolve(&t, "done", "ENG-1").expect("name").id, "31");
        assert_eq!(
            resolve(&t, " START PROGRESS ", "ENG-1").expect("name").id,
            "21"
        );
        assert_eq!(
            resolve(&t, "in progress", "ENG-1").expect("status").id,
            "21"
        );
    }

    #[test]
    fn unknown_lists_every_transition() {
        let e = resolve(&seed(), "Shipped", "ENG-1").expect_err("unknown");
        assert!(
            e.starts_with("no transition \"Shipped\" on ENG-1; available:"),
            "{e}"
        );
        for name in [
            "\"To Do\" (id 11)",
            "\"Start progress\" (id 21)",
            "\"Done\" (id 31)",
        ] {
            assert!(e.contains(name), "{name} missing: {e}");
        }
        let e = resolve(&[], "Done", "ENG-1").expect_err("none");
        assert!(e.contains("no transitions available"), "{e}");
    }

    #[test]
    fn required_fields_are_found() {
        let t = seed();
        let done = &t[2];
        assert_eq!(done.fields[0].allowed_values, ["Done", "Won't Do"]);
        let missing = done.missing_fields(&Map::new());
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].field_id, "resolution");
        let mut given = Map::new();
        given.insert("resolution".into(), json!({"name": "Done"}));
        assert!(done.missing_fields(&given).is_empty());
        assert!(t[0].missing_fields(&Map::new()).is_empty());
        let e = done
            .check_fields(&Map::new(), "ENG-1")
            .expect_err("missing");
        assert!(
            e.contains("requires resolution (one of: Done, Won't Do)"),
            "{e}"
        );
        assert!(e.contains(r#"{"resolution": {"name": "Done"}}"#), "{e}");
        assert!(done.check_fields(&given, "ENG-1").is_ok());
    }
}
