//! Helpers: `/myself`, user search, projects, create metadata.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::model::{ISSUE_TYPES, PRIORITIES, SPRINT_FIELD, SPRINTS, user_json};
use super::{bad_request, errors};
use crate::auth::ACCOUNTS;
use crate::http::{Reply, Req};
use crate::store::Store;

/// `GET /rest/api/3/myself`.
pub(super) fn myself(req: &Req) -> Reply {
    let Some(account) = req.account else {
        return Reply::json(
            StatusCode::UNAUTHORIZED,
            errors(&["Client must be authenticated to access this resource."]),
        );
    };
    let mut user = user_json(account.account_id, &req.site);
    if let Some(obj) = user.as_object_mut() {
        obj.insert("emailAddress".to_owned(), json!(account.email));
        obj.insert("locale".to_owned(), json!("en_US"));
    }
    Reply::ok(user)
}

/// `GET /rest/api/3/user/search?query=` (display name, email or account id; case-insensitive).
pub(super) fn user_search(req: &Req) -> Reply {
    let query = req.param("query").unwrap_or("").trim().to_lowercase();
    let account_id = req.param("accountId").unwrap_or("");
    if query.is_empty() && account_id.is_empty() {
        return bad_request(
            "The query parameter 'query' or 'accountId' or 'property' must be provided.",
        );
    }
    let found: Vec<Value> = ACCOUNTS
        .iter()
        .filter(|a| {
            (!account_id.is_empty() && a.account_id == account_id)
                || (!query.is_empty()
                    && (a.display_name.to_lowercase().contains(&query)
                        || a.email.to_lowercase().starts_with(&query)
                        || a.account_id == query))
        })
        .map(|a| user_json(a.account_id, &req.site))
        .collect();
    Reply::ok(Value::Array(found))
}

fn project_not_found(key: &str) -> Reply {
    Reply::json(
        StatusCode::NOT_FOUND,
        errors(&[&format!("No project could be found with key '{key}'.")]),
    )
}

/// `GET /rest/api/3/project/{key}`.
pub(super) fn project(store: &Store, req: &Req, key: &str) -> Reply {
    match store.jira.project(key) {
        Some(p) => {
            let mut value = p.json(&req.site);
            if let Some(obj) = value.as_object_mut() {
                obj.insert(
                    "issueTypes".to_owned(),
                    ISSUE_TYPES
                        .iter()
                        .map(|t| json!({"id": t.id, "name": t.name, "subtask": false}))
                        .collect(),
                );
            }
            Reply::ok(value)
        }
        None => project_not_found(key),
    }
}

fn paged(items: Vec<Value>, req: &Req, name: &str) -> Value {
    let start = req.count("startAt").unwrap_or(0);
    let max = req.count("maxResults").unwrap_or(50).clamp(1, 200);
    let total = items.len();
    let page: Vec<Value> = items.into_iter().skip(start).take(max).collect();
    json!({name: page, "maxResults": max, "startAt": start, "total": total})
}

/// `GET /rest/api/3/issue/createmeta/{project}/issuetypes`.
pub(super) fn issue_types(store: &Store, req: &Req, project: &str) -> Reply {
    if store.jira.project(project).is_none() {
        return project_not_found(project);
    }
    let types = ISSUE_TYPES
        .iter()
        .map(|t| {
            json!({
                "self": format!("{}/rest/api/3/issuetype/{}", req.site, t.id),
                "id": t.id,
                "name": t.name,
                "description": t.description,
                "subtask": false,
            })
        })
        .collect();
    Reply::ok(paged(types, req, "issueTypes"))
}

/// `GET /rest/api/3/issue/createmeta/{project}/issuetypes/{issueTypeId}`.
#[expect(clippy::too_many_lines, reason = "one declarative list of fields")]
pub(super) fn create_fields(store: &Store, req: &Req, project: &str, type_id: &str) -> Reply {
    let Some(project) = store.jira.project(project) else {
        return project_not_found(project);
    };
    let Some(issue_type) = ISSUE_TYPES.iter().find(|t| t.id == type_id) else {
        return Reply::json(
            StatusCode::NOT_FOUND,
            errors(&[&format!(
                "Issue type with id '{type_id}' does not exist or you do not have permission to see it."
            )]),
        );
    };
    let site = &req.site;
    let field = |id: &str, name: &str, required: bool, schema: Value| {
        json!({
            "required": required,
            "schema": schema,
            "name": name,
            "key": id,
            "fieldId": id,
            "hasDefaultValue": false,
            "operations": ["set"],
        })
    };
    let mut fields = vec![
        field(
            "summary",
            "Summary",
            true,
            json!({"type": "string", "system": "summary"}),
        ),
        {
            let mut f = field(
                "issuetype",
                "Issue Type",
                true,
                json!({"type": "issuetype", "system": "issuetype"}),
            );
            f["allowedValues"] =
                json!([{"id": issue_type.id, "name": issue_type.name, "subtask": false}]);
            f
        },
        {
            let mut f = field(
                "project",
                "Project",
                true,
                json!({"type": "project", "system": "project"}),
            );
            f["allowedValues"] =
                json!([{"id": project.id.to_string(), "key": project.key, "name": project.name}]);
            f
        },
        field(
            "description",
            "Description",
            false,
            json!({"type": "string", "system": "description"}),
        ),
        {
            let mut f = field(
                "labels",
                "Labels",
                false,
                json!({"type": "array", "items": "string", "system": "labels"}),
            );
            f["operations"] = json!(["add", "set", "remove"]);
            f
        },
        {
            let mut f = field(
                "priority",
                "Priority",
                false,
                json!({"type": "priority", "system": "priority"}),
            );
            f["hasDefaultValue"] = json!(true);
            f["defaultValue"] = json!({"id": "3", "name": "Medium"});
            f["allowedValues"] = PRIORITIES
                .iter()
                .map(|p| json!({"self": format!("{site}/rest/api/3/priority/{}", p.id), "id": p.id, "name": p.name}))
                .collect();
            f
        },
        field(
            "assignee",
            "Assignee",
            false,
            json!({"type": "user", "system": "assignee"}),
        ),
        {
            let mut f = field(
                "reporter",
                "Reporter",
                true,
                json!({"type": "user", "system": "reporter"}),
            );
            f["hasDefaultValue"] = json!(true);
            f
        },
        field(
            "parent",
            "Parent",
            false,
            json!({"type": "issuelink", "system": "parent"}),
        ),
    ];
    if project.requires_sprint {
        let mut f = field(
            SPRINT_FIELD,
            "Sprint",
            true,
            json!({
                "type": "option",
                "custom": "com.atlassian.jira.plugin.system.customfieldtypes:select",
                "customId": 10020,
            }),
        );
        f["allowedValues"] = SPRINTS
            .iter()
            .map(|s| json!({"self": format!("{site}/rest/api/3/customFieldOption/{}", s.id), "id": s.id, "value": s.value}))
            .collect();
        fields.push(f);
    }
    Reply::ok(paged(fields, req, "fields"))
}
