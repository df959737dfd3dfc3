//! Issues: get, create, edit, transitions, comments.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::model::{
    Comment, Fields, ISSUE_TYPES, Issue, IssueType, Jira, PRIORITIES, RESOLUTIONS, SPRINT_FIELD,
    SPRINTS, Status, comment_json,
};
use super::{NOT_ADF, bad_payload, bad_request, field_errors, is_adf, issue_not_found};
use crate::auth;
use crate::http::{Reply, Req, ReqBody};
use crate::store::Store;

/// `GET /rest/api/3/issue/{key}`.
pub(super) fn get(store: &Store, req: &Req, key: &str) -> Reply {
    let Some(index) = store.jira.issue_index(key) else {
        return issue_not_found();
    };
    let fields = Fields::from_names(req.params("fields")).unwrap_or(Fields::All);
    Reply::ok(store.jira.issues[index].json(&store.jira, &req.site, &fields, None))
}

/// The JSON object body, or the payload error.
fn object_body(req: &Req) -> Result<&Map<String, Value>, Reply> {
    match &req.body {
        ReqBody::Json(Value::Object(body)) => Ok(body),
        _ => Err(bad_payload()),
    }
}

/// The `fields`/`update` objects of a create or edit body.
/// The `fields` and `update` objects of a body.
type FieldMaps = (Map<String, Value>, Map<String, Value>);

fn field_maps(body: &Map<String, Value>) -> Result<FieldMaps, Reply> {
    let take = |name: &str| match body.get(name) {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(map)) => Ok(map.clone()),
        Some(_) => Err(bad_payload()),
    };
    Ok((take("fields")?, take("update")?))
}

fn cannot_set(name: &str) -> String {
    format!("Field '{name}' cannot be set. It is not on the appropriate screen, or unknown.")
}

/// `{"id": ..}` / `{"name": ..}` / `{"key": ..}` / `{"accountId": ..}` reference text.
fn reference<'v>(value: &'v Value, keys: &[&str]) -> Option<&'v str> {
    keys.iter()
        .find_map(|k| value.get(*k).and_then(Value::as_str))
        .or_else(|| value.as_str())
}

fn issue_type(value: &Value) -> Option<&'static IssueType> {
    let wanted = reference(value, &["id", "name"])?;
    ISSUE_TYPES
        .iter()
        .copied()
        .find(|t| t.id == wanted || t.name.eq_ignore_ascii_case(wanted))
}

/// Validates one field value and applies it to `issue`; failures go to `errors`.
fn set_field(
    jira: &Jira,
    issue: &mut Issue,
    requires_sprint: bool,
    name: &str,
    value: &Value,
    errors: &mut Map<String, Value>,
) {
    let mut fail = |message: String| {
        errors.insert(name.to_owned(), Value::String(message));
    };
    match name {
        "summary" => match value.as_str().map(str::trim) {
            Some(s) if !s.is_empty() => s.clone_into(&mut issue.summary),
            _ => fail("You must specify a summary of the issue.".to_owned()),
        },
        "description" => {
            if value.is_null() {
                issue.description = None;
            } else if is_adf(value) {
                issue.description = Some(value.clone());
            } else {
                fail(NOT_ADF.to_owned());
            }
        }
        "labels" => {
            let labels: Option<Vec<String>> = value.as_array().and_then(|items| {
                items
                    .iter()
                    .map(|l| l.as_str().map(str::to_owned))
                    .collect()
            });
            match labels {
                Some(labels) => match labels.iter().find(|l| l.contains(' ') || l.is_empty()) {
                    Some(bad) => fail(format!(
                        "The label '{bad}' contains spaces which is invalid."
                    )),
                    None => issue.labels = labels,
                },
                None => fail("Operation value must be an array of strings".to_owned()),
            }
        }
        "priority" => {
            let found = reference(value, &["id", "name"]).and_then(|wanted| {
                PRIORITIES
                    .iter()
                    .find(|p| p.id == wanted || p.name.eq_ignore_ascii_case(wanted))
            });
            match found {
                Some(p) => issue.priority = Some(p),
                None => fail("The priority selected is invalid.".to_owned()),
            }
        }
        "assignee" => {
            if value.is_null() || value.get("accountId").is_some_and(Value::is_null) {
                issue.assignee = None;
            } else {
                match reference(value, &["accountId", "id"]).and_then(auth::by_id) {
                    Some(a) => issue.assignee = Some(a.account_id.to_owned()),
                    None => fail("Specify a valid value for assignee".to_owned()),
                }
            }
        }
        "reporter" => match reference(value, &["accountId", "id"]).and_then(auth::by_id) {
            Some(a) => a.account_id.clone_into(&mut issue.reporter),
            None => fail("Specify a valid value for reporter".to_owned()),
        },
        "parent" => {
            let found = reference(value, &["key", "id"]).and_then(|k| jira.issue_index(k));
            match found {
                Some(i) if jira.issues[i].key != issue.key => {
                    issue.parent = Some(jira.issues[i].key.clone());
                }
                _ => fail("Could not find issue by id or key.".to_owned()),
            }
        }
        "issuetype" => match issue_type(value) {
            Some(t) => issue.kind = t,
            None => fail("Specify a valid issue type".to_owned()),
        },
        SPRINT_FIELD if requires_sprint => {
            if value.is_null() {
                fail("Sprint is required.".to_owned());
                return;
            }
            let by_id = value
                .get("id")
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .or_else(|| value.as_u64().map(|n| n.to_string()));
            let by_value = value
                .get("value")
                .and_then(Value::as_str)
                .or_else(|| value.as_str());
            let found = SPRINTS.iter().find(|s| {
                by_id.as_deref() == Some(s.id)
                    || by_value.is_some_and(|v| v == s.id || v.eq_ignore_ascii_case(s.value))
            });
            match found {
                Some(s) => issue.sprint = Some(s),
                None => fail(format!(
                    "Option value '{}' is not valid for field Sprint.",
                    by_value.map_or_else(|| value.to_string(), str::to_owned)
                )),
            }
        }
        other => fail(cannot_set(other)),
    }
}

/// [`apply_update`] at the next tick of the logical clock, stamping `issue` as updated then;
/// `errors` already found (none, when called) and those of the update as a `400`.
fn apply_update_now(
    store: &mut Store,
    issue: &mut Issue,
    requires_sprint: bool,
    update: &Map<String, Value>,
    req: &Req,
    mut errors: Map<String, Value>,
) -> Result<(), Reply> {
    let now = store.clock.tick();
    apply_update(
        &mut store.jira,
        issue,
        requires_sprint,
        update,
        req.account_id(),
        now,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(field_errors(&errors));
    }
    issue.updated = now;
    Ok(())
}

/// Applies `update` operations (`labels` add/remove/set, `comment` add, `set` on any field).
fn apply_update(
    jira: &mut Jira,
    issue: &mut Issue,
    requires_sprint: bool,
    update: &Map<String, Value>,
    author: &str,
    now: i64,
    errors: &mut Map<String, Value>,
) {
    for (name, ops) in update {
        let Some(ops) = ops.as_array() else {
            errors.insert(
                name.clone(),
                json!("Operation value must be an array of operations"),
            );
            continue;
        };
        for op in ops {
            let Some(op) = op.as_object() else {
                continue;
            };
            for (verb, value) in op {
                match (name.as_str(), verb.as_str()) {
                    ("labels", "add") => match value.as_str() {
                        Some(l) if !l.contains(' ') && !l.is_empty() => {
                            if !issue.labels.iter().any(|x| x == l) {
                                issue.labels.push(l.to_owned());
                            }
                        }
                        _ => {
                            errors.insert(
                                name.clone(),
                                json!(format!(
                                    "The label '{}' contains spaces which is invalid.",
                                    value.as_str().unwrap_or_default()
                                )),
                            );
                        }
                    },
                    ("labels", "remove") => {
                        if let Some(l) = value.as_str() {
                            issue.labels.retain(|x| x != l);
                        }
                    }
                    ("comment", "add") => match value.get("body").map(validate_comment_body) {
                        Some(Ok(body)) => {
                            let id = jira.next_comment_id;
                            jira.next_comment_id += 1;
                            issue.comments.push(Comment {
                                id,
                                author: author.to_owned(),
                                body,
                                created: now,
                                visibility: value.get("visibility").cloned(),
                            });
                        }
                        Some(Err(message)) => {
                            errors.insert("comment".to_owned(), json!(message));
                        }
                        None => {
                            errors.insert(
                                "comment".to_owned(),
                                json!("Comment body can not be empty!"),
                            );
                        }
                    },
                    (_, "set") => set_field(jira, issue, requires_sprint, name, value, errors),
                    _ => {
                        errors.insert(
                            name.clone(),
                            json!(format!(
                                "Operation '{verb}' is not supported for field '{name}'."
                            )),
                        );
                    }
                }
            }
        }
    }
}

/// `POST /rest/api/3/issue` → `201 {"id","key","self"}`.
pub(super) fn create(store: &mut Store, req: &Req) -> Reply {
    let (fields, update) = match object_body(req).and_then(field_maps) {
        Ok(maps) => maps,
        Err(reply) => return reply,
    };
    let jira = &store.jira;
    let project = fields
        .get("project")
        .and_then(|p| reference(p, &["key", "id"]))
        .and_then(|k| jira.project(k));
    let Some(project) = project else {
        let mut errors = Map::new();
        errors.insert("project".to_owned(), json!("valid project is required"));
        return field_errors(&errors);
    };
    let (project_key, requires_sprint) = (project.key, project.requires_sprint);

    let mut errors = Map::new();
    let mut draft = Issue {
        id: 0,
        key: String::new(),
        project: project_key,
        kind: ISSUE_TYPES[1],
        summary: String::new(),
        description: None,
        status: Status::ToDo,
        resolution: None,
        labels: Vec::new(),
        priority: PRIORITIES.iter().find(|p| p.name == "Medium"),
        assignee: None,
        reporter: req.account_id().to_owned(),
        created: 0,
        updated: 0,
        comments: Vec::new(),
        sprint: None,
        parent: None,
        hidden_searches: 0,
    };
    match fields.get("issuetype").and_then(issue_type) {
        Some(t) => draft.kind = t,
        None => {
            errors.insert("issuetype".to_owned(), json!("Specify a valid issue type"));
        }
    }
    if !fields.contains_key("summary") {
        errors.insert(
            "summary".to_owned(),
            json!("You must specify a summary of the issue."),
        );
    }
    if requires_sprint && fields.get(SPRINT_FIELD).is_none_or(Value::is_null) {
        errors.insert(SPRINT_FIELD.to_owned(), json!("Sprint is required."));
    }
    for (name, value) in &fields {
        if name == "project" || name == "issuetype" {
            continue;
        }
        set_field(jira, &mut draft, requires_sprint, name, value, &mut errors);
    }
    if !errors.is_empty() {
        return field_errors(&errors);
    }
    let now = store.clock.tick();
    let author = req.account_id();
    let mut update_errors = Map::new();
    apply_update(
        &mut store.jira,
        &mut draft,
        requires_sprint,
        &update,
        author,
        now,
        &mut update_errors,
    );
    if !update_errors.is_empty() {
        return field_errors(&update_errors);
    }
    let mut issue = store
        .jira
        .new_issue(project_key, draft.kind, draft.summary.clone(), now);
    draft.id = issue.id;
    draft.key = std::mem::take(&mut issue.key);
    draft.created = now;
    draft.updated = now;
    draft.hidden_searches = store.config.search_delay;
    let reply = json!({
        "id": draft.id.to_string(),
        "key": draft.key,
        "self": format!("{}/rest/api/3/issue/{}", req.site, draft.id),
    });
    store.jira.issues.push(draft);
    Reply::json(StatusCode::CREATED, reply)
}

/// `PUT /rest/api/3/issue/{key}` → `204` (or `200` + issue with `returnIssue=true`).
pub(super) fn edit(store: &mut Store, req: &Req, key: &str) -> Reply {
    let Some(index) = store.jira.issue_index(key) else {
        return issue_not_found();
    };
    let (fields, update) = match object_body(req).and_then(field_maps) {
        Ok(maps) => maps,
        Err(reply) => return reply,
    };
    let mut issue = store.jira.issues[index].clone();
    let requires_sprint = store.jira.requires_sprint(&issue);
    let mut errors = Map::new();
    for (name, value) in &fields {
        if update.contains_key(name) {
            errors.insert(
                name.clone(),
                json!(format!(
                    "Field '{name}' cannot be set in both the 'fields' and 'update' sections."
                )),
            );
            continue;
        }
        if name == "project" {
            errors.insert(name.clone(), json!(cannot_set(name)));
            continue;
        }
        set_field(
            &store.jira,
            &mut issue,
            requires_sprint,
            name,
            value,
            &mut errors,
        );
    }
    if !errors.is_empty() {
        return field_errors(&errors);
    }
    if let Err(reply) = apply_update_now(store, &mut issue, requires_sprint, &update, req, errors) {
        return reply;
    }
    store.jira.issues[index] = issue;
    if req.param("returnIssue") == Some("true") {
        let issue = &store.jira.issues[index];
        return Reply::ok(issue.json(&store.jira, &req.site, &Fields::All, None));
    }
    Reply::no_content()
}

/// The workflow: every issue can take 11 → To Do, 21 → In Progress, 31 → Done.
const TRANSITIONS: [(&str, &str, Status); 3] = [
    ("11", "To Do", Status::ToDo),
    ("21", "Start progress", Status::InProgress),
    ("31", "Done", Status::Done),
];

fn transition_json(id: &str, name: &str, to: Status, site: &str, with_fields: bool) -> Value {
    let done = to == Status::Done;
    let mut t = json!({
        "id": id,
        "name": name,
        "to": to.json(site),
        "hasScreen": done,
        "isGlobal": true,
        "isInitial": false,
        "isAvailable": true,
        "isConditional": false,
        "isLooped": false,
    });
    if with_fields && let Some(obj) = t.as_object_mut() {
        let fields = if done {
            json!({"resolution": {
                "required": true,
                "schema": {"type": "resolution", "system": "resolution"},
                "name": "Resolution",
                "key": "resolution",
                "operations": ["set"],
                "allowedValues": RESOLUTIONS.iter().map(|r| json!({
                    "self": format!("{site}/rest/api/3/resolution/{}", r.id),
                    "id": r.id,
                    "name": r.name,
                })).collect::<Vec<_>>(),
            }})
        } else {
            json!({})
        };
        obj.insert("fields".to_owned(), fields);
    }
    t
}

/// `GET /rest/api/3/issue/{key}/transitions` (`fields` with `expand=transitions.fields`).
pub(super) fn transitions(store: &Store, req: &Req, key: &str) -> Reply {
    if store.jira.issue_index(key).is_none() {
        return issue_not_found();
    }
    let with_fields = req
        .param("expand")
        .is_some_and(|e| e.split(',').any(|x| x.trim() == "transitions.fields"));
    let only = req.param("transitionId");
    let list: Vec<Value> = TRANSITIONS
        .iter()
        .filter(|(id, ..)| only.is_none_or(|o| o == *id))
        .map(|&(id, name, to)| transition_json(id, name, to, &req.site, with_fields))
        .collect();
    Reply::ok(json!({"expand": "transitions", "transitions": list}))
}

/// `POST /rest/api/3/issue/{key}/transitions` → `204`.
pub(super) fn transition(store: &mut Store, req: &Req, key: &str) -> Reply {
    let Some(index) = store.jira.issue_index(key) else {
        return issue_not_found();
    };
    let body = match object_body(req) {
        Ok(b) => b,
        Err(reply) => return reply,
    };
    let Some(id) = body.get("transition").and_then(|t| {
        t.get("id")
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
    }) else {
        return bad_request("Missing 'transition' identifier");
    };
    let Some(&(_, _, to)) = TRANSITIONS.iter().find(|(tid, ..)| *tid == id) else {
        return bad_request(&format!(
            "Transition id '{id}' is not valid for this issue."
        ));
    };
    let (fields, update) = match field_maps(body) {
        Ok(maps) => maps,
        Err(reply) => return reply,
    };
    let mut errors = Map::new();
    let mut resolution = None;
    for (name, value) in &fields {
        if name == "resolution" && to == Status::Done {
            let wanted = reference(value, &["name", "id"]);
            match RESOLUTIONS
                .iter()
                .find(|r| wanted.is_some_and(|w| r.id == w || r.name.eq_ignore_ascii_case(w)))
            {
                Some(r) => resolution = Some(r),
                None => {
                    errors.insert(
                        name.clone(),
                        json!(format!(
                            "Resolution '{}' is not valid.",
                            wanted.unwrap_or_default()
                        )),
                    );
                }
            }
        } else {
            errors.insert(name.clone(), json!(cannot_set(name)));
        }
    }
    if to == Status::Done && resolution.is_none() && !errors.contains_key("resolution") {
        errors.insert("resolution".to_owned(), json!("Resolution is required."));
    }
    if !errors.is_empty() {
        return field_errors(&errors);
    }
    let mut issue = store.jira.issues[index].clone();
    let requires_sprint = store.jira.requires_sprint(&issue);
    if let Err(reply) = apply_update_now(store, &mut issue, requires_sprint, &update, req, errors) {
        return reply;
    }
    issue.status = to;
    issue.resolution = resolution;
    store.jira.issues[index] = issue;
    Reply::no_content()
}

/// A comment body: a non-empty ADF document.
fn validate_comment_body(body: &Value) -> Result<Value, String> {
    if body.is_null()
        || body.as_str().is_some_and(str::is_empty)
        || body
            .get("content")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
    {
        return Err("Comment body can not be empty!".to_owned());
    }
    if is_adf(body) {
        Ok(body.clone())
    } else {
        Err(NOT_ADF.to_owned())
    }
}

/// `POST /rest/api/3/issue/{key}/comment` → `201` + comment.
pub(super) fn add_comment(store: &mut Store, req: &Req, key: &str) -> Reply {
    let Some(index) = store.jira.issue_index(key) else {
        return issue_not_found();
    };
    let body = match object_body(req) {
        Ok(b) => b,
        Err(reply) => return reply,
    };
    let comment_body = match body.get("body").map(validate_comment_body) {
        Some(Ok(b)) => b,
        Some(Err(message)) => {
            let mut errors = Map::new();
            errors.insert("comment".to_owned(), json!(message));
            return field_errors(&errors);
        }
        None => {
            let mut errors = Map::new();
            errors.insert(
                "comment".to_owned(),
                json!("Comment body can not be empty!"),
            );
            return field_errors(&errors);
        }
    };
    let now = store.clock.tick();
    let id = store.jira.next_comment_id;
    store.jira.next_comment_id += 1;
    let comment = Comment {
        id,
        author: req.account_id().to_owned(),
        body: comment_body,
        created: now,
        visibility: body.get("visibility").filter(|v| !v.is_null()).cloned(),
    };
    let issue = &mut store.jira.issues[index];
    issue.comments.push(comment.clone());
    issue.updated = now;
    Reply::json(
        StatusCode::CREATED,
        comment_json(&store.jira.issues[index], &comment, &req.site),
    )
}

/// `GET /rest/api/3/issue/{key}/comment?startAt&maxResults&orderBy`.
pub(super) fn comments(store: &Store, req: &Req, key: &str) -> Reply {
    let Some(index) = store.jira.issue_index(key) else {
        return issue_not_found();
    };
    let issue = &store.jira.issues[index];
    let start = req.count("startAt").unwrap_or(0);
    let max = req.count("maxResults").unwrap_or(5000).min(5000);
    let mut all: Vec<&Comment> = issue.comments.iter().collect();
    if req.param("orderBy").is_some_and(|o| o.starts_with('-')) {
        all.reverse();
    }
    let page: Vec<Value> = all
        .iter()
        .skip(start)
        .take(max)
        .map(|c| comment_json(issue, c, &req.site))
        .collect();
    Reply::ok(json!({
        "startAt": start,
        "maxResults": max,
        "total": all.len(),
        "comments": page,
    }))
}
