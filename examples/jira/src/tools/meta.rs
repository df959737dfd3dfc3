//! `jira_get_create_fields` (required-field discovery) and `jira_find_user` (name → accountId).

use std::fmt::Write as _;

use mcp_server::{Principal, State, Structured, ToolError, mcp_tool};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

use super::PROJECT_PATTERN;
use crate::client::{Jira, path_segment, text};

/// At most this many allowed values are listed per field.
const MAX_ALLOWED: usize = 50;
/// At most this many createmeta pages are read.
const MAX_PAGES: usize = 5;

/// One allowed value of a choice field.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AllowedValue {
    /// Its id.
    pub id: Option<String>,
    /// Its name or value.
    pub name: String,
}

/// One field of the create screen.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CreateField {
    /// The field id to use as key in `fields` (e.g. `customfield_10020`).
    pub field_id: String,
    /// Its display name.
    pub name: String,
    /// The JSON type Jira expects (`string`, `number`, `option`, `array`, `user`, ...).
    pub schema_type: Option<String>,
    /// Whether Jira fills it in when it is not given.
    pub has_default: bool,
    /// Allowed values (at most 50), when the field is a choice.
    pub allowed_values: Vec<AllowedValue>,
    /// Whether more allowed values exist than listed.
    pub allowed_values_truncated: bool,
    /// The shape to send, e.g. `{"id": "1"}`.
    pub example: Value,
}

/// The create screen of a project and issue type.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CreateFields {
    /// The project key.
    pub project_key: String,
    /// The issue type id.
    pub issue_type_id: String,
    /// The issue type name.
    pub issue_type: String,
    /// Fields `jira_create_issue` must set (besides project, issue type and summary, which it
    /// always sets).
    pub required: Vec<CreateField>,
    /// Optional fields (names and ids only, no allowed values).
    pub optional: Vec<CreateField>,
}

/// Fields the create tool sets from its own arguments.
const BUILT_IN: &[&str] = &["project", "issuetype", "summary", "reporter"];

fn example(schema_type: Option<&str>, items: Option<&str>, allowed: &[AllowedValue]) -> Value {
    let first = allowed.first();
    let choice = || match first {
        Some(AllowedValue { id: Some(id), .. }) => json!({ "id": id }),
        Some(v) => json!({ "name": v.name }),
        None => json!({ "id": "…" }),
    };
    match schema_type {
        Some("string") => json!("text"),
        Some("number") => json!(1),
        Some("date") => json!("2026-12-31"),
        Some("datetime") => json!("2026-12-31T12:00:00.000+0000"),
        Some("user") => json!({"accountId": "…"}),
        Some("array") => match items {
            Some("string") => json!(["text"]),
            Some("user") => json!([{"accountId": "…"}]),
            _ => json!([choice()]),
        },
        _ => choice(),
    }
}

fn parse_field(value: &Value, with_values: bool) -> CreateField {
    let field_id = text(&value["fieldId"])
        .or_else(|| text(&value["key"]))
        .unwrap_or_default();
    let schema_type = text(&value["schema"]["type"]);
    let all = value["allowedValues"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    let allowed: Vec<AllowedValue> = if with_values {
        all.iter()
            .take(MAX_ALLOWED)
            .filter_map(|v| {
                let name = text(&v["name"]).or_else(|| text(&v["value"]))?;
                Some(AllowedValue {
                    id: text(&v["id"]),
                    name,
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let example = example(
        schema_type.as_deref(),
        value["schema"]["items"].as_str(),
        &allowed,
    );
    CreateField {
        name: text(&value["name"]).unwrap_or_else(|| field_id.clone()),
        field_id,
        schema_type,
        has_default: value["hasDefaultValue"].as_bool().unwrap_or(false),
        allowed_values_truncated: with_values && all.len() > MAX_ALLOWED,
        allowed_values: allowed,
        example,
    }
}

/// Every field of a createmeta issue type (at most `MAX_PAGES` pages).
async fn all_fields(
    jira: &Jira,
    who: &Principal,
    credential: &example_support::Credential,
    path: &str,
) -> Result<Vec<Value>, ToolError> {
    let mut fields: Vec<Value> = Vec::new();
    for _ in 0..MAX_PAGES {
        let start = fields.len().to_string();
        let page = jira
            .get(
                who,
                credential,
                path,
                &[("startAt", &start), ("maxResults", "200")],
            )
            .await?
            .body;
        let items = page["fields"]
            .as_array()
            .or_else(|| page["values"].as_array())
            .cloned()
            .unwrap_or_default();
        let got = items.len();
        fields.extend(items);
        let total = page["total"]
            .as_u64()
            .map_or(fields.len(), |t| usize::try_from(t).unwrap_or(usize::MAX));
        if got == 0 || fields.len() >= total {
            break;
        }
    }
    Ok(fields)
}

/// Lists what creating an issue of a type in a project needs: the required fields with their
/// allowed values and the shape to pass in `jira_create_issue(fields=…)`, and the optional
/// fields. Issue type by name (`Bug`) or id.
#[mcp_tool(read_only, idempotent, open_world, title = "Get Jira create fields")]
pub async fn jira_get_create_fields(
    /// The project key, e.g. `ENG`.
    #[schemars(regex(pattern = PROJECT_PATTERN))]
    project_key: String,
    /// The issue type name (`Bug`, `Task`, ...) or id.
    #[schemars(length(min = 1, max = 255))]
    issue_type: String,
    #[ctx] State(jira): State<Jira>,
    #[ctx] who: Principal,
) -> Result<Structured<CreateFields>, ToolError> {
    let project = project_key.trim().to_ascii_uppercase();
    jira.check_project(&project)?;
    let credential = jira.credential(&who).await?;
    let base = format!(
        "rest/api/3/issue/createmeta/{}/issuetypes",
        path_segment(&project)
    );
    let types = jira
        .get(&who, &credential, &base, &[("maxResults", "200")])
        .await?
        .body;
    let list = types["issueTypes"]
        .as_array()
        .or_else(|| types["values"].as_array())
        .cloned()
        .unwrap_or_default();
    let wanted = issue_type.trim();
    let found = list.iter().find(|t| {
        text(&t["id"]).as_deref() == Some(wanted)
            || text(&t["name"]).is_some_and(|n| n.eq_ignore_ascii_case(wanted))
    });
    let Some(found) = found else {
        let names: Vec<String> = list
            .iter()
            .filter_map(|t| Some(format!("{} (id {})", text(&t["name"])?, text(&t["id"])?)))
            .collect();
        return Err(ToolError::new(format!(
            "project {project} has no issue type \"{wanted}\"; available: {}",
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        )));
    };
    let type_id = text(&found["id"]).unwrap_or_default();
    let type_name = text(&found["name"]).unwrap_or_else(|| type_id.clone());

    let path = format!("{base}/{}", path_segment(&type_id));
    let fields = all_fields(&jira, &who, &credential, &path).await?;
    let (required, optional): (Vec<&Value>, Vec<&Value>) = fields
        .iter()
        .filter(|f| {
            let id = text(&f["fieldId"])
                .or_else(|| text(&f["key"]))
                .unwrap_or_default();
            !BUILT_IN.contains(&id.as_str())
        })
        .partition(|f| f["required"].as_bool().unwrap_or(false));
    let required: Vec<CreateField> = required.into_iter().map(|f| parse_field(f, true)).collect();
    let optional: Vec<CreateField> = optional
        .into_iter()
        .map(|f| parse_field(f, false))
        .collect();

    let mut text = format!("Creating a {type_name} (id {type_id}) in {project}");
    if required.is_empty() {
        text.push_str(" needs only project, issue type and summary.");
    } else {
        text.push_str(" also requires:");
        for f in &required {
            let _ = write!(text, "\n- {} ({})", f.field_id, f.name);
            if !f.allowed_values.is_empty() {
                let values: Vec<String> = f
                    .allowed_values
                    .iter()
                    .map(|v| match &v.id {
                        Some(id) => format!("{} (id {id})", v.name),
                        None => v.name.clone(),
                    })
                    .collect();
                let _ = write!(text, ", one of: {}", values.join(", "));
                if f.allowed_values_truncated {
                    text.push_str(", …");
                }
            }
            let _ = write!(text, "; pass e.g. \"{}\": {}", f.field_id, f.example);
        }
    }
    if !optional.is_empty() {
        let names: Vec<String> = optional
            .iter()
            .map(|f| format!("{} ({})", f.field_id, f.name))
            .collect();
        let _ = write!(text, "\nOptional: {}", names.join(", "));
    }
    Ok(Structured::new(
        CreateFields {
            project_key: project,
            issue_type_id: type_id,
            issue_type: type_name,
            required,
            optional,
        },
        text,
    ))
}

/// One user.
#[derive(Debug, Serialize, JsonSchema)]
pub struct User {
    /// The accountId (use it for assignee, mentions, JQL `assignee = <accountId>`).
    pub account_id: String,
    /// The display name.
    pub display_name: Option<String>,
    /// The email address, when the user's privacy settings show it.
    pub email: Option<String>,
    /// Whether the account is active.
    pub active: bool,
}

/// Users found.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Users {
    /// Matching users.
    pub users: Vec<User>,
}

/// Finds Jira users by name or email and returns their accountIds (what `assignee`, JQL and
/// mentions need).
#[mcp_tool(read_only, idempotent, open_world, title = "Find a Jira user")]
pub async fn jira_find_user(
    /// Part of a display name or an email address.
    #[schemars(length(min = 1, max = 255))]
    query: String,
    /// At most this many users, 1-50 (default 10).
    #[schemars(range(min = 1, max = 50))]
    limit: Option<u32>,
    #[ctx] State(jira): State<Jira>,
    #[ctx] who: Principal,
) -> Result<Structured<Users>, ToolError> {
    let credential = jira.credential(&who).await?;
    let limit = limit.unwrap_or(10).clamp(1, 50);
    let body = jira
        .get(
            &who,
            &credential,
            "rest/api/3/user/search",
            &[("query", query.trim()), ("maxResults", &limit.to_string())],
        )
        .await?
        .body;
    let users: Vec<User> = body
        .as_array()
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .take(limit as usize)
        .filter_map(|u| {
            Some(User {
                account_id: text(&u["accountId"])?,
                display_name: text(&u["displayName"]),
                email: text(&u["emailAddress"]),
                active: u["active"].as_bool().unwrap_or(true),
            })
        })
        .collect();
    let mut text = if users.is_empty() {
        format!("No Jira user matches \"{}\".", query.trim())
    } else {
        format!("Users matching \"{}\":", query.trim())
    };
    for u in &users {
        let _ = write!(
            text,
            "\n- {} — accountId {}{}{}",
            u.display_name.as_deref().unwrap_or("(no name)"),
            u.account_id,
            u.email
                .as_deref()
                .map(|e| format!(", {e}"))
                .unwrap_or_default(),
            if u.active { "" } else { " (inactive)" }
        );
    }
    Ok(Structured::new(Users { users }, text))
}
