//! Jira's data: projects, issue types, statuses, priorities, issues, comments; the seed; JSON
//! rendering of issues the way Jira Cloud REST v3 renders them.

use serde_json::{Value, json};

use crate::auth::{self, ALICE, Account};
use crate::jql::{Field, SortKey, Subject};
use crate::time;

/// An issue type.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct IssueType {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    pub(crate) description: &'static str,
}

pub(crate) const BUG: IssueType = IssueType {
    id: "10004",
    name: "Bug",
    description: "A problem or error.",
};
pub(crate) const TASK: IssueType = IssueType {
    id: "10001",
    name: "Task",
    description: "A small, distinct piece of work.",
};
pub(crate) const STORY: IssueType = IssueType {
    id: "10002",
    name: "Story",
    description: "A user story.",
};
/// Every issue type, in createmeta order.
pub(crate) static ISSUE_TYPES: [&IssueType; 3] = [&BUG, &TASK, &STORY];

/// A workflow status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    ToDo,
    InProgress,
    Done,
}

impl Status {
    pub(crate) const ALL: [Self; 3] = [Self::ToDo, Self::InProgress, Self::Done];

    pub(crate) fn id(self) -> &'static str {
        match self {
            Self::ToDo => "10000",
            Self::InProgress => "3",
            Self::Done => "10001",
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::ToDo => "To Do",
            Self::InProgress => "In Progress",
            Self::Done => "Done",
        }
    }

    /// `{"id","name","statusCategory"}` as Jira renders it.
    pub(crate) fn json(self, site: &str) -> Value {
        let category = match self {
            Self::ToDo => json!({"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"}),
            Self::InProgress => {
                json!({"id": 4, "key": "indeterminate", "colorName": "yellow", "name": "In Progress"})
            }
            Self::Done => json!({"id": 3, "key": "done", "colorName": "green", "name": "Done"}),
        };
        json!({
            "self": format!("{site}/rest/api/3/status/{}", self.id()),
            "id": self.id(),
            "name": self.name(),
            "statusCategory": category,
        })
    }
}

/// A priority (`id`, `name`, rank: lower is more important).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Priority {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    pub(crate) rank: i64,
}

pub(crate) static PRIORITIES: [Priority; 3] = [
    Priority {
        id: "2",
        name: "High",
        rank: 2,
    },
    Priority {
        id: "3",
        name: "Medium",
        rank: 3,
    },
    Priority {
        id: "4",
        name: "Low",
        rank: 4,
    },
];

/// A resolution.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Resolution {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
}

pub(crate) static RESOLUTIONS: [Resolution; 2] = [
    Resolution {
        id: "10000",
        name: "Done",
    },
    Resolution {
        id: "10001",
        name: "Won't Do",
    },
];

/// An option of the "Sprint" custom field (`customfield_10020`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SprintOption {
    pub(crate) id: &'static str,
    pub(crate) value: &'static str,
}

/// The "Sprint" field id (required when creating in REQ).
pub(crate) const SPRINT_FIELD: &str = "customfield_10020";

pub(crate) static SPRINTS: [SprintOption; 2] = [
    SprintOption {
        id: "1",
        value: "Sprint 1",
    },
    SprintOption {
        id: "2",
        value: "Sprint 2",
    },
];

/// A project.
#[derive(Debug)]
pub(crate) struct Project {
    pub(crate) id: u64,
    pub(crate) key: &'static str,
    pub(crate) name: &'static str,
    /// Whether creating an issue requires the Sprint field.
    pub(crate) requires_sprint: bool,
    /// The number the next issue key gets.
    pub(crate) next_number: u64,
}

impl Project {
    pub(crate) fn json(&self, site: &str) -> Value {
        json!({
            "self": format!("{site}/rest/api/3/project/{}", self.id),
            "id": self.id.to_string(),
            "key": self.key,
            "name": self.name,
            "projectTypeKey": "software",
            "simplified": false,
        })
    }
}

/// A comment.
#[derive(Debug, Clone)]
pub(crate) struct Comment {
    pub(crate) id: u64,
    pub(crate) author: String,
    pub(crate) body: Value,
    pub(crate) created: i64,
    pub(crate) visibility: Option<Value>,
}

/// An issue.
#[derive(Debug, Clone)]
pub(crate) struct Issue {
    pub(crate) id: u64,
    pub(crate) key: String,
    pub(crate) project: &'static str,
    pub(crate) kind: &'static IssueType,
    pub(crate) summary: String,
    pub(crate) description: Option<Value>,
    pub(crate) status: Status,
    pub(crate) resolution: Option<&'static Resolution>,
    pub(crate) labels: Vec<String>,
    pub(crate) priority: Option<&'static Priority>,
    pub(crate) assignee: Option<String>,
    pub(crate) reporter: String,
    pub(crate) created: i64,
    pub(crate) updated: i64,
    pub(crate) comments: Vec<Comment>,
    pub(crate) sprint: Option<&'static SprintOption>,
    pub(crate) parent: Option<String>,
    /// How many more searches this (new) issue is hidden from.
    pub(crate) hidden_searches: u32,
}

/// All Jira data.
#[derive(Debug)]
pub(crate) struct Jira {
    pub(crate) projects: Vec<Project>,
    pub(crate) issues: Vec<Issue>,
    pub(crate) next_issue_id: u64,
    pub(crate) next_comment_id: u64,
}

/// An ADF document with one paragraph.
pub(crate) fn adf_paragraph(text: &str) -> Value {
    json!({"type": "doc", "version": 1, "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": text}]}
    ]})
}

/// The length of ENG-1's single description paragraph.
pub(crate) const LARGE_DESCRIPTION_CHARS: usize = 200_000;

fn large_description() -> String {
    let sentence = "ENG-1 is the large seed issue: this paragraph repeats until it is two hundred thousand characters long. ";
    let mut text = sentence.repeat(LARGE_DESCRIPTION_CHARS / sentence.len() + 1);
    text.truncate(LARGE_DESCRIPTION_CHARS);
    text
}

impl Jira {
    /// The seed: ENG (45 issues, ENG-1 large), HR (3 issues), REQ (0 issues, Sprint required).
    pub(crate) fn seeded() -> Self {
        let mut jira = Self {
            projects: vec![
                Project {
                    id: 10000,
                    key: "ENG",
                    name: "Engineering",
                    requires_sprint: false,
                    next_number: 1,
                },
                Project {
                    id: 10001,
                    key: "HR",
                    name: "Human Resources",
                    requires_sprint: false,
                    next_number: 1,
                },
                Project {
                    id: 10002,
                    key: "REQ",
                    name: "Requests",
                    requires_sprint: true,
                    next_number: 1,
                },
            ],
            issues: Vec::new(),
            next_issue_id: 10001,
            next_comment_id: 10000,
        };
        let assignees = [
            None,
            Some(auth::ACCOUNTS[1].account_id),
            Some(auth::MIA.account_id),
        ];
        let base = time::at(2026, 11, 1, 9, 0);
        for n in 1..=45_u64 {
            let i = usize::try_from(n).unwrap_or(0);
            let created = base + i64::try_from(n).unwrap_or(0) * 3600;
            let description = if n == 1 {
                adf_paragraph(&large_description())
            } else {
                adf_paragraph(&format!("Seed issue {n} of project ENG."))
            };
            let issue_type = ISSUE_TYPES[i % 3];
            let mut issue = jira.new_issue("ENG", issue_type, format!("ENG issue {n}"), created);
            issue.description = Some(description);
            issue.labels = vec!["seed".to_owned()];
            issue.priority = Some(&PRIORITIES[i % 3]);
            issue.assignee = assignees[i % 3].map(str::to_owned);
            if n == 1 {
                for c in 1..=100_u64 {
                    let author = auth::ACCOUNTS[usize::try_from(c % 2).unwrap_or(0)].account_id;
                    let id = jira.next_comment_id;
                    jira.next_comment_id += 1;
                    issue.comments.push(Comment {
                        id,
                        author: author.to_owned(),
                        body: adf_paragraph(&format!("Comment {c} on ENG-1.")),
                        created: created + i64::try_from(c).unwrap_or(0) * 60,
                        visibility: None,
                    });
                }
            }
            jira.issues.push(issue);
        }
        for n in 1..=3_i64 {
            let created = time::at(2026, 11, 3, 9, 0) + n * 3600;
            let mut issue = jira.new_issue("HR", &TASK, format!("HR issue {n}"), created);
            issue.description = Some(adf_paragraph(&format!("Seed issue {n} of project HR.")));
            issue.labels = vec!["seed".to_owned()];
            issue.priority = Some(&PRIORITIES[1]);
            jira.issues.push(issue);
        }
        jira
    }

    /// A new issue with the next id and key of `project` (not yet stored).
    pub(crate) fn new_issue(
        &mut self,
        project: &str,
        issue_type: &'static IssueType,
        summary: String,
        created: i64,
    ) -> Issue {
        let id = self.next_issue_id;
        self.next_issue_id += 1;
        let (key, number) =
            self.projects
                .iter_mut()
                .find(|p| p.key == project)
                .map_or(("ENG", 0), |p| {
                    let n = p.next_number;
                    p.next_number += 1;
                    (p.key, n)
                });
        Issue {
            id,
            key: format!("{key}-{number}"),
            project: key,
            kind: issue_type,
            summary,
            description: None,
            status: Status::ToDo,
            resolution: None,
            labels: Vec::new(),
            priority: None,
            assignee: None,
            reporter: ALICE.account_id.to_owned(),
            created,
            updated: created,
            comments: Vec::new(),
            sprint: None,
            parent: None,
            hidden_searches: 0,
        }
    }

    /// A project by key or id (case-insensitive key).
    pub(crate) fn project(&self, key_or_id: &str) -> Option<&Project> {
        self.projects
            .iter()
            .find(|p| p.key.eq_ignore_ascii_case(key_or_id) || p.id.to_string() == key_or_id)
    }

    /// Whether the project of `issue` requires the Sprint field (REQ).
    pub(crate) fn requires_sprint(&self, issue: &Issue) -> bool {
        self.project(issue.project)
            .is_some_and(|p| p.requires_sprint)
    }

    /// The index of an issue by key (case-insensitive) or numeric id.
    pub(crate) fn issue_index(&self, key_or_id: &str) -> Option<usize> {
        self.issues
            .iter()
            .position(|i| i.key.eq_ignore_ascii_case(key_or_id) || i.id.to_string() == key_or_id)
    }
}

/// `{"self","accountId","displayName","active",...}` of an account id.
pub(crate) fn user_json(account_id: &str, site: &str) -> Value {
    let account = auth::by_id(account_id);
    json!({
        "self": format!("{site}/rest/api/3/user?accountId={account_id}"),
        "accountId": account_id,
        "accountType": "atlassian",
        "displayName": account.map_or("Former user", |a: &Account| a.display_name),
        "active": account.is_some(),
        "timeZone": "Etc/UTC",
    })
}

/// A comment as Jira renders it.
pub(crate) fn comment_json(issue: &Issue, comment: &Comment, site: &str) -> Value {
    let mut value = json!({
        "self": format!("{site}/rest/api/3/issue/{}/comment/{}", issue.id, comment.id),
        "id": comment.id.to_string(),
        "author": user_json(&comment.author, site),
        "body": comment.body,
        "updateAuthor": user_json(&comment.author, site),
        "created": time::jira(comment.created),
        "updated": time::jira(comment.created),
        "jsdPublic": true,
    });
    if let (Some(v), Some(obj)) = (&comment.visibility, value.as_object_mut()) {
        obj.insert("visibility".to_owned(), v.clone());
    }
    value
}

/// Which fields to render.
#[derive(Debug, Clone)]
pub(crate) enum Fields {
    /// `*all` / `*navigable` (and issue GET without `fields`).
    All,
    /// Only these (unknown names are ignored, as Jira does).
    Only(Vec<String>),
}

impl Fields {
    /// From a list of requested names; `None` when the list is empty.
    pub(crate) fn from_names(names: Vec<String>) -> Option<Self> {
        if names.is_empty() {
            None
        } else if names.iter().any(|n| n == "*all" || n == "*navigable") {
            Some(Self::All)
        } else {
            Some(Self::Only(names))
        }
    }

    fn wants(&self, name: &str) -> bool {
        match self {
            Self::All => true,
            Self::Only(names) => names.iter().any(|n| n == name),
        }
    }
}

/// Every field name an issue has.
const FIELD_NAMES: [&str; 16] = [
    "summary",
    "description",
    "status",
    "issuetype",
    "project",
    "labels",
    "priority",
    "assignee",
    "reporter",
    "creator",
    "created",
    "updated",
    "resolution",
    "comment",
    "parent",
    SPRINT_FIELD,
];

impl Issue {
    /// The issue as Jira renders it; `comment_cap` limits the comments (search caps at 20).
    pub(crate) fn json(
        &self,
        jira: &Jira,
        site: &str,
        fields: &Fields,
        comment_cap: Option<usize>,
    ) -> Value {
        let mut out = serde_json::Map::new();
        for name in FIELD_NAMES {
            if fields.wants(name) {
                out.insert(name.to_owned(), self.field(name, jira, site, comment_cap));
            }
        }
        json!({
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
            "id": self.id.to_string(),
            "self": format!("{site}/rest/api/3/issue/{}", self.id),
            "key": self.key,
            "fields": out,
        })
    }

    fn field(&self, name: &str, jira: &Jira, site: &str, comment_cap: Option<usize>) -> Value {
        match name {
            "summary" => json!(self.summary),
            "description" => self.description.clone().unwrap_or(Value::Null),
            "status" => self.status.json(site),
            "issuetype" => json!({
                "self": format!("{site}/rest/api/3/issuetype/{}", self.kind.id),
                "id": self.kind.id,
                "name": self.kind.name,
                "description": self.kind.description,
                "subtask": false,
                "hierarchyLevel": 0,
            }),
            "project" => jira
                .project(self.project)
                .map_or(Value::Null, |p| p.json(site)),
            "labels" => json!(self.labels),
            "priority" => self.priority.map_or(Value::Null, |p| {
                json!({"self": format!("{site}/rest/api/3/priority/{}", p.id), "id": p.id, "name": p.name})
            }),
            "assignee" => self
                .assignee
                .as_deref()
                .map_or(Value::Null, |a| user_json(a, site)),
            "reporter" | "creator" => user_json(&self.reporter, site),
            "created" => json!(time::jira(self.created)),
            "updated" => json!(time::jira(self.updated)),
            "resolution" => self.resolution.map_or(Value::Null, |r| {
                json!({"self": format!("{site}/rest/api/3/resolution/{}", r.id), "id": r.id, "name": r.name})
            }),
            "comment" => {
                let total = self.comments.len();
                let shown = comment_cap.unwrap_or(total).min(total);
                let comments: Vec<Value> = self.comments[..shown]
                    .iter()
                    .map(|c| comment_json(self, c, site))
                    .collect();
                json!({
                    "comments": comments,
                    "self": format!("{site}/rest/api/3/issue/{}/comment", self.id),
                    "maxResults": shown,
                    "total": total,
                    "startAt": 0,
                })
            }
            "parent" => self
                .parent
                .as_deref()
                .and_then(|key| jira.issue_index(key))
                .map_or(Value::Null, |i| {
                    let parent = &jira.issues[i];
                    json!({
                        "id": parent.id.to_string(),
                        "key": parent.key,
                        "self": format!("{site}/rest/api/3/issue/{}", parent.id),
                        "fields": {"summary": parent.summary, "status": parent.status.json(site)},
                    })
                }),
            SPRINT_FIELD => self.sprint.map_or(Value::Null, |s| {
                json!({"self": format!("{site}/rest/api/3/customFieldOption/{}", s.id), "id": s.id, "value": s.value})
            }),
            _ => Value::Null,
        }
    }
}

/// Plain text of an ADF tree (for `~`).
pub(crate) fn adf_text(node: &Value, out: &mut String) {
    if let Some(text) = node.get("text").and_then(Value::as_str) {
        out.push_str(text);
        out.push(' ');
    }
    if let Some(children) = node.get("content").and_then(Value::as_array) {
        for child in children {
            adf_text(child, out);
        }
    }
}

/// An issue seen through the JQL evaluator.
#[derive(Debug)]
pub(crate) struct JqlView<'a> {
    pub(crate) issue: &'a Issue,
    pub(crate) jira: &'a Jira,
}

fn user_values(account_id: Option<&str>) -> Vec<String> {
    let Some(id) = account_id else {
        return Vec::new();
    };
    let mut values = vec![id.to_owned()];
    if let Some(a) = auth::by_id(id) {
        values.push(a.email.to_owned());
        values.push(a.display_name.to_owned());
        values.push(a.name.to_owned());
    }
    values
}

impl Subject for JqlView<'_> {
    fn values(&self, field: Field) -> Vec<String> {
        let issue = self.issue;
        match field {
            Field::Project => self
                .jira
                .project(issue.project)
                .map(|p| vec![p.key.to_owned(), p.id.to_string(), p.name.to_owned()])
                .unwrap_or_default(),
            Field::Key => vec![issue.key.clone(), issue.id.to_string()],
            Field::Status => vec![issue.status.name().to_owned(), issue.status.id().to_owned()],
            Field::IssueType => vec![issue.kind.name.to_owned(), issue.kind.id.to_owned()],
            Field::Labels => issue.labels.clone(),
            Field::Assignee => user_values(issue.assignee.as_deref()),
            Field::Reporter => user_values(Some(&issue.reporter)),
            Field::Priority => issue
                .priority
                .map(|p| vec![p.name.to_owned(), p.id.to_owned()])
                .unwrap_or_default(),
            Field::Resolution => issue.resolution.map_or_else(
                || vec!["Unresolved".to_owned()],
                |r| vec![r.name.to_owned(), r.id.to_owned()],
            ),
            Field::Parent => issue.parent.iter().cloned().collect(),
            Field::Created => vec![time::jira(issue.created)],
            Field::Updated => vec![time::jira(issue.updated)],
            Field::Summary | Field::Description | Field::Text => Vec::new(),
        }
    }

    fn text(&self, field: Field) -> String {
        let issue = self.issue;
        let mut out = String::new();
        match field {
            Field::Summary => out.push_str(&issue.summary),
            Field::Description => {
                if let Some(d) = &issue.description {
                    adf_text(d, &mut out);
                }
            }
            Field::Text => {
                out.push_str(&issue.summary);
                out.push(' ');
                if let Some(d) = &issue.description {
                    adf_text(d, &mut out);
                }
                for c in &issue.comments {
                    adf_text(&c.body, &mut out);
                }
            }
            _ => {}
        }
        out
    }

    fn time(&self, field: Field) -> Option<i64> {
        match field {
            Field::Created => Some(self.issue.created),
            Field::Updated => Some(self.issue.updated),
            _ => None,
        }
    }

    fn sort_key(&self, field: Field) -> SortKey {
        let issue = self.issue;
        match field {
            Field::Key => {
                let number: i64 = issue
                    .key
                    .rsplit('-')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                SortKey::Text(format!("{}-{number:012}", issue.project))
            }
            Field::Created => SortKey::Num(issue.created),
            Field::Updated => SortKey::Num(issue.updated),
            Field::Priority => issue
                .priority
                .map_or(SortKey::Empty, |p| SortKey::Num(-p.rank)),
            Field::Summary => SortKey::Text(issue.summary.to_lowercase()),
            Field::Status => SortKey::Text(issue.status.name().to_lowercase()),
            other => self
                .values(other)
                .into_iter()
                .next()
                .map_or(SortKey::Empty, |v| SortKey::Text(v.to_lowercase())),
        }
    }
}
