//! Black-box checks of the fake over plain HTTP: the shapes the Jira and Confluence examples and
//! their end-to-end tests rely on.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

const CLOUD: &str = fake_atlassian::CLOUD_ID;
const ALICE_ID: &str = "5b10ac8d82e05b22cc7d4ef5";
const BOB_ID: &str = "5b10a0effa615349cb016cd8";

/// A running fake on an ephemeral port.
struct Fake {
    base: String,
    client: reqwest::Client,
}

/// A response: status, headers, JSON body (`Null` when empty).
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Value,
}

fn basic(user: &str) -> String {
    format!(
        "Basic {}",
        STANDARD.encode(format!("{user}@example.com:{user}-api-token"))
    )
}

async fn start() -> Fake {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(fake_atlassian::serve(listener));
    Fake {
        base,
        client: reqwest::Client::builder().build().expect("client"),
    }
}

impl Fake {
    async fn call(
        &self,
        method: Method,
        path: &str,
        auth: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    async fn alice(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.call(method, path, Some(&basic("alice")), body).await
    }

    /// `GET path` as alice.
    async fn get(&self, path: &str) -> Answer {
        self.alice(Method::GET, path, None).await
    }

    /// `POST path` with a JSON body as alice.
    async fn post(&self, path: &str, body: Value) -> Answer {
        self.alice(Method::POST, path, Some(body)).await
    }

    /// `PUT path` with a JSON body as alice.
    async fn put(&self, path: &str, body: Value) -> Answer {
        self.alice(Method::PUT, path, Some(body)).await
    }

    async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.call(method, &format!("/__fake/{path}"), None, body)
            .await
    }

    async fn log(&self) -> Vec<Value> {
        match self.admin(Method::GET, "requests", None).await.body {
            Value::Array(entries) => entries,
            other => panic!("log is not an array: {other}"),
        }
    }
}

fn error_messages(body: &Value) -> Vec<String> {
    body["errorMessages"]
        .as_array()
        .map(|m| {
            m.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn search_paginates_45_eng_issues_20_20_5() {
    let fake = start().await;
    let mut keys = Vec::new();
    let mut token: Option<String> = None;
    let mut sizes = Vec::new();
    loop {
        let mut body =
            json!({"jql": "project = ENG", "maxResults": 20, "fields": ["summary", "status"]});
        if let Some(t) = &token {
            body["nextPageToken"] = json!(t);
        }
        let page = fake.post("/rest/api/3/search/jql", body).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.get("total").is_none() && page.body.get("startAt").is_none());
        let issues = page.body["issues"].as_array().expect("issues");
        sizes.push(issues.len());
        for issue in issues {
            assert!(issue["fields"]["summary"].as_str().is_some());
            assert_eq!(issue["fields"]["status"]["name"], "To Do");
            keys.push(issue["key"].as_str().expect("key").to_owned());
        }
        if page.body["isLast"] == json!(true) {
            assert!(page.body.get("nextPageToken").is_none());
            break;
        }
        assert_eq!(page.body["isLast"], json!(false));
        token = Some(
            page.body["nextPageToken"]
                .as_str()
                .expect("token")
                .to_owned(),
        );
    }
    assert_eq!(sizes, vec![20, 20, 5]);
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 45);

    // Without fields only ids come back; GET works too; maxResults defaults to 50.
    let ids = fake.get("/rest/api/3/search/jql?jql=project%3DENG").await;
    let issues = ids.body["issues"].as_array().expect("issues");
    assert_eq!(issues.len(), 45);
    assert_eq!(issues[0], json!({"id": "10045"}));
    assert_eq!(ids.body["isLast"], json!(true));

    let log = fake.log().await;
    assert!(
        log.iter()
            .all(|e| e["path"] == "/rest/api/3/search/jql" && e["account_id"] == ALICE_ID)
    );
    assert_eq!(log.len(), 4);
    assert_eq!(log[0]["method"], "POST");
    assert_eq!(log[0]["status"], 200);
    assert_eq!(log[0]["body"]["maxResults"], 20);
    assert_eq!(log[0]["authorization"], json!(basic("alice")));
    assert_eq!(log[3]["query"], "jql=project%3DENG");
}

#[tokio::test]
async fn jql_errors_use_jiras_words() {
    let fake = start().await;
    let unbounded = fake
        .post("/rest/api/3/search/jql", json!({"jql": "ORDER BY created"}))
        .await;
    assert_eq!(unbounded.status, 400);
    assert_eq!(
        unbounded.body,
        json!({"errorMessages": ["Unbounded JQL queries are not allowed here. Please add a search restriction to your query."], "errors": {}})
    );
    let bad_field = fake
        .post("/rest/api/3/search/jql", json!({"jql": "sprintt = 3"}))
        .await;
    assert_eq!(bad_field.status, 400);
    assert_eq!(
        error_messages(&bad_field.body),
        vec!["Field 'sprintt' does not exist or you do not have permission to view it."]
    );
    for path in ["/rest/api/3/search?jql=project%3DENG", "/rest/api/2/search"] {
        let gone = fake.get(path).await;
        assert_eq!(gone.status, 410);
        assert_eq!(
            error_messages(&gone.body),
            vec![
                "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
            ]
        );
    }
    let count = fake
        .post(
            "/rest/api/3/search/approximate-count",
            json!({"jql": "project = HR"}),
        )
        .await;
    assert_eq!(count.body, json!({"count": 3}));
}

#[tokio::test]
async fn authentication_and_both_url_styles() {
    let fake = start().await;
    let missing = fake
        .call(Method::GET, "/rest/api/3/myself", None, None)
        .await;
    assert_eq!(missing.status, 401);
    assert_eq!(
        missing.body,
        json!({"errorMessages": ["Client must be authenticated to access this resource."], "errors": {}})
    );
    let wrong = fake
        .call(
            Method::GET,
            "/rest/api/3/myself",
            Some("Basic Ym9iQGV4YW1wbGUuY29tOm5vcGU="),
            None,
        )
        .await;
    assert_eq!(wrong.status, 401);

    let info = fake
        .call(Method::GET, "/rest/api/3/serverInfo", None, None)
        .await;
    assert_eq!(info.status, 200);
    assert_eq!(info.body["deploymentType"], "Cloud");

    let site = fake.get("/rest/api/3/myself").await;
    assert_eq!(site.status, 200);
    assert_eq!(site.body["accountId"], ALICE_ID);
    assert_eq!(site.body["emailAddress"], "alice@example.com");
    let scoped = fake
        .call(
            Method::GET,
            &format!("/ex/jira/{CLOUD}/rest/api/3/myself"),
            Some("Bearer bob-oauth-token"),
            None,
        )
        .await;
    assert_eq!(scoped.status, 200);
    assert_eq!(scoped.body["accountId"], BOB_ID);
    assert_eq!(scoped.body["displayName"], "Bob Example");
    let other_cloud = fake
        .call(
            Method::GET,
            "/ex/jira/00000000-0000-0000-0000-000000000000/rest/api/3/myself",
            Some("Bearer bob-oauth-token"),
            None,
        )
        .await;
    assert_eq!(other_cloud.status, 404);

    let resources = fake
        .call(
            Method::GET,
            "/oauth/token/accessible-resources",
            Some("Bearer mia-oauth-token"),
            None,
        )
        .await;
    assert_eq!(resources.body[0]["id"], CLOUD);

    // Anonymous mode: search looks empty, /myself says 401.
    fake.admin(Method::POST, "config", Some(json!({"anonymous": true})))
        .await;
    let search = fake
        .post("/rest/api/3/search/jql", json!({"jql": "project = ENG"}))
        .await;
    assert_eq!(search.status, 200);
    assert_eq!(search.body, json!({"issues": [], "isLast": true}));
    assert_eq!(fake.get("/rest/api/3/myself").await.status, 401);

    let log = fake.log().await;
    let scoped_entry = log
        .iter()
        .find(|e| e["authorization"] == "Bearer bob-oauth-token")
        .expect("logged");
    assert_eq!(
        scoped_entry["path"],
        format!("/ex/jira/{CLOUD}/rest/api/3/myself")
    );
    assert_eq!(scoped_entry["account_id"], BOB_ID);
    assert_eq!(log[0]["account_id"], Value::Null);
    assert_eq!(log[0]["authorization"], Value::Null);
    assert_eq!(log[0]["status"], 401);
    assert_eq!(log[2]["path"], "/rest/api/3/serverInfo");
    assert_eq!(log[2]["status"], 200);
}

#[tokio::test]
async fn create_edit_and_validation() {
    let fake = start().await;
    let invalid = fake
        .post("/rest/api/3/issue", json!({"fields": {"project": {"key": "NOPE"}, "issuetype": {"name": "Bug"}, "summary": "x"}}))
        .await;
    assert_eq!(invalid.status, 400);
    assert_eq!(
        invalid.body,
        json!({"errorMessages": [], "errors": {"project": "valid project is required"}})
    );

    let plain = fake
        .post("/rest/api/3/issue", json!({"fields": {"project": {"key": "ENG"}, "issuetype": {"name": "Bug"}, "summary": "x", "description": "plain"}}))
        .await;
    assert_eq!(
        plain.body["errors"]["description"],
        "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
    );

    let req_missing = fake
        .post("/rest/api/3/issue", json!({"fields": {"project": {"key": "REQ"}, "issuetype": {"id": "10001"}, "summary": "Need a laptop"}}))
        .await;
    assert_eq!(req_missing.status, 400);
    assert_eq!(
        req_missing.body,
        json!({"errorMessages": [], "errors": {"customfield_10020": "Sprint is required."}})
    );
    let meta = fake
        .get("/rest/api/3/issue/createmeta/REQ/issuetypes/10001")
        .await;
    let sprint = meta.body["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["fieldId"] == "customfield_10020")
        .expect("sprint field");
    assert_eq!(sprint["required"], true);
    assert_eq!(sprint["allowedValues"][1]["value"], "Sprint 2");
    let req_ok = fake
        .call(
            Method::POST,
            "/rest/api/3/issue",
            Some(&basic("bob")),
            Some(json!({"fields": {"project": {"key": "REQ"}, "issuetype": {"id": "10001"}, "summary": "Need a laptop", "customfield_10020": {"id": "2"}}})),
        )
        .await;
    assert_eq!(req_ok.status, 201, "{}", req_ok.body);
    assert_eq!(req_ok.body["key"], "REQ-1");

    let description = json!({"type": "doc", "version": 1, "content": [
        {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Repro"}]}]});
    let created = fake
        .post("/rest/api/3/issue", json!({"fields": {"project": {"key": "ENG"}, "issuetype": {"name": "Bug"}, "summary": "Login fails on Safari", "description": description, "labels": ["mcp"], "priority": {"name": "High"}}}))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["key"], "ENG-46");
    let id = created.body["id"].as_str().expect("id").to_owned();
    assert!(
        created.body["self"]
            .as_str()
            .is_some_and(|s| s.ends_with(&format!("/rest/api/3/issue/{id}")))
    );

    let edit = fake
        .put("/rest/api/3/issue/ENG-46", json!({"fields": {"summary": "New summary"}, "update": {"labels": [{"add": "triaged"}, {"remove": "mcp"}]}}))
        .await;
    assert_eq!(edit.status, 204);
    assert_eq!(edit.body, Value::Null);
    let issue = fake
        .get("/rest/api/3/issue/ENG-46?fields=summary,labels,description,reporter")
        .await;
    assert_eq!(issue.body["fields"]["summary"], "New summary");
    assert_eq!(issue.body["fields"]["labels"], json!(["triaged"]));
    assert_eq!(issue.body["fields"]["description"], description);
    assert_eq!(issue.body["fields"]["reporter"]["accountId"], ALICE_ID);
    assert!(issue.body["fields"].get("status").is_none());

    let missing = fake.get("/rest/api/3/issue/ENG-999").await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        error_messages(&missing.body),
        vec!["Issue does not exist or you do not have permission to see it."]
    );
}

#[tokio::test]
async fn transitions_and_comments() {
    let fake = start().await;
    let list = fake
        .get("/rest/api/3/issue/ENG-2/transitions?expand=transitions.fields")
        .await;
    let transitions = list.body["transitions"].as_array().expect("transitions");
    let names: Vec<&str> = transitions
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(names, vec!["To Do", "Start progress", "Done"]);
    assert_eq!(transitions[2]["fields"]["resolution"]["required"], true);

    let no_resolution = fake
        .post(
            "/rest/api/3/issue/ENG-2/transitions",
            json!({"transition": {"id": "31"}}),
        )
        .await;
    assert_eq!(no_resolution.status, 400);
    assert_eq!(
        no_resolution.body,
        json!({"errorMessages": [], "errors": {"resolution": "Resolution is required."}})
    );
    let invalid = fake
        .post(
            "/rest/api/3/issue/ENG-2/transitions",
            json!({"transition": {"id": "99"}}),
        )
        .await;
    assert_eq!(
        error_messages(&invalid.body),
        vec!["Transition id '99' is not valid for this issue."]
    );
    let done = fake
        .post(
            "/rest/api/3/issue/ENG-2/transitions",
            json!({"transition": {"id": "31"}, "fields": {"resolution": {"name": "Done"}}}),
        )
        .await;
    assert_eq!(done.status, 204);
    let issue = fake
        .get("/rest/api/3/issue/ENG-2?fields=status,resolution")
        .await;
    assert_eq!(issue.body["fields"]["status"]["name"], "Done");
    assert_eq!(issue.body["fields"]["resolution"]["name"], "Done");

    let body = json!({"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "LGTM"}]}]});
    let by_bob = fake
        .call(
            Method::POST,
            "/rest/api/3/issue/ENG-2/comment",
            Some("Bearer bob-oauth-token"),
            Some(json!({"body": body})),
        )
        .await;
    assert_eq!(by_bob.status, 201);
    assert_eq!(by_bob.body["author"]["accountId"], BOB_ID);
    let nested = fake
        .post(
            "/rest/api/3/issue/ENG-2/comment",
            json!({"comment": {"body": body}}),
        )
        .await;
    assert_eq!(nested.status, 400);
    assert_eq!(
        nested.body["errors"]["comment"],
        "Comment body can not be empty!"
    );
    let comments = fake.get("/rest/api/3/issue/ENG-2/comment").await;
    assert_eq!(comments.body["total"], 1);

    // ENG-1 is the large issue: 200 000-char description, 100 comments (20 in search).
    let big = fake.get("/rest/api/3/issue/ENG-1").await;
    let text = big.body["fields"]["description"]["content"][0]["content"][0]["text"]
        .as_str()
        .expect("text");
    assert_eq!(text.chars().count(), 200_000);
    assert_eq!(big.body["fields"]["comment"]["total"], 100);
    let searched = fake
        .post(
            "/rest/api/3/search/jql",
            json!({"jql": "key = ENG-1", "fields": ["comment"]}),
        )
        .await;
    assert_eq!(
        searched.body["issues"][0]["fields"]["comment"]["comments"]
            .as_array()
            .map(Vec::len),
        Some(20)
    );
}

#[tokio::test]
async fn faults_answer_once_with_retry_after() {
    let fake = start().await;
    let added = fake
        .admin(
            Method::POST,
            "faults",
            Some(json!({"method": "POST", "path": "/rest/api/3/search/jql", "status": 429, "retry_after": "2", "headers": {"RateLimit-Reason": "jira-quota-based"}, "times": 1})),
        )
        .await;
    assert_eq!(added.status, 201);
    let body = json!({"jql": "project = HR"});
    let limited = fake
        .call(
            Method::POST,
            &format!("/ex/jira/{CLOUD}/rest/api/3/search/jql"),
            Some("Bearer alice-oauth-token"),
            Some(body.clone()),
        )
        .await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.headers["retry-after"], "2");
    assert_eq!(limited.headers["ratelimit-reason"], "jira-quota-based");
    assert_eq!(
        limited.body,
        json!({"errorMessages": ["Rate limit exceeded."], "errors": {}})
    );
    let ok = fake.post("/rest/api/3/search/jql", body).await;
    assert_eq!(ok.status, 200);
    let statuses: Vec<Value> = fake
        .log()
        .await
        .iter()
        .map(|e| e["status"].clone())
        .collect();
    assert_eq!(statuses, vec![json!(429), json!(200)]);

    // A forever fault until deleted; reset clears everything.
    fake.admin(
        Method::POST,
        "faults",
        Some(json!({"path": "/rest/api/3/myself", "status": 503, "retry_after": "0"})),
    )
    .await;
    for _ in 0..3 {
        assert_eq!(fake.get("/rest/api/3/myself").await.status, 503);
    }
    fake.admin(Method::POST, "reset", None).await;
    assert_eq!(fake.get("/rest/api/3/myself").await.status, 200);
    assert_eq!(fake.log().await.len(), 1);
    let stats = fake.admin(Method::GET, "stats", None).await;
    assert_eq!(stats.body["in_flight"], 0);
}

#[tokio::test]
async fn eventual_consistency_and_reconcile() {
    let fake = start().await;
    fake.admin(Method::POST, "config", Some(json!({"search_delay": 2})))
        .await;
    let created = fake
        .post("/rest/api/3/issue", json!({"fields": {"project": {"key": "HR"}, "issuetype": {"name": "Task"}, "summary": "Onboard Mia"}}))
        .await;
    let id: u64 = created.body["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("id");
    let search = |reconcile: Value| {
        let fake = &fake;
        async move {
            let page = fake
                .post(
                    "/rest/api/3/search/jql",
                    json!({"jql": "project = HR", "reconcileIssues": reconcile}),
                )
                .await;
            page.body["issues"].as_array().map_or(0, Vec::len)
        }
    };
    assert_eq!(search(json!([id])).await, 4, "reconciled");
    assert_eq!(
        search(json!([])).await,
        3,
        "still hidden from the 2nd search"
    );
    assert_eq!(search(json!([])).await, 4, "indexed");
}

#[tokio::test]
async fn confluence_pages_versions_and_conflicts() {
    let fake = start().await;
    let page = fake
        .get("/wiki/api/v2/pages/65541?body-format=storage")
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body["title"], "Runbook: login outage");
    assert_eq!(page.body["spaceId"], "98306");
    assert_eq!(page.body["parentId"], "65537");
    assert_eq!(page.body["version"]["number"], 7);
    assert_eq!(
        page.body["_links"]["webui"],
        "/spaces/ENG/pages/65541/Runbook+login+outage"
    );
    let storage = page.body["body"]["storage"]["value"]
        .as_str()
        .expect("storage");
    assert!(storage.contains("<ac:structured-macro ac:name=\"toc\"/>"));

    // Someone else edits: v8. A write based on v7 (sending 8) conflicts.
    let bumped = fake
        .admin(Method::POST, "confluence/pages/65541/bump", None)
        .await;
    assert_eq!(bumped.body["version"]["number"], 8);
    let update = |number: u64, value: &str| {
        json!({"id": "65541", "status": "current", "title": "Runbook: login outage",
               "body": {"representation": "storage", "value": value},
               "version": {"number": number, "message": "Updated via MCP"}})
    };
    let stale = fake
        .put("/wiki/api/v2/pages/65541", update(8, "<p>mine</p>"))
        .await;
    assert_eq!(stale.status, 409);
    assert_eq!(
        stale.body,
        json!({"errors": [{"status": 409, "code": "CONFLICT", "title": "Version must be incremented when updating a page. Current Version: [8]. Provided version: [8]", "detail": null}]})
    );
    let stored = fake
        .admin(Method::GET, "confluence/pages/65541", None)
        .await;
    assert!(
        stored.body["body"]["storage"]["value"]
            .as_str()
            .is_some_and(|v| v.ends_with("<p>(edited)</p>"))
    );

    let ok = fake
        .call(
            Method::PUT,
            &format!("/ex/confluence/{CLOUD}/wiki/api/v2/pages/65541"),
            Some("Bearer bob-oauth-token"),
            Some(update(9, "<p>mine</p>")),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["version"]["number"], 9);
    assert_eq!(ok.body["version"]["authorId"], BOB_ID);
    assert_eq!(ok.body["version"]["message"], "Updated via MCP");
    assert_eq!(ok.body["body"]["storage"]["value"], "<p>mine</p>");

    // Create under a parent; a duplicate title in the space is refused.
    let create = json!({"spaceId": "98306", "status": "current", "title": "Incident 2026-11-22", "parentId": "65541",
                        "body": {"representation": "storage", "value": "<p>Summary</p>"}});
    let created = fake.post("/wiki/api/v2/pages", create.clone()).await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.body["version"]["number"], 1);
    assert_eq!(created.body["authorId"], ALICE_ID);
    assert_eq!(created.body["parentId"], "65541");
    let duplicate = fake.post("/wiki/api/v2/pages", create).await;
    assert_eq!(duplicate.status, 400);
    assert!(
        duplicate.body["errors"][0]["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("A page with this title already exists"))
    );
    let markdown = fake
        .post("/wiki/api/v2/pages", json!({"spaceId": "98306", "title": "Md", "body": {"representation": "markdown", "value": "# x"}}))
        .await;
    assert_eq!(markdown.status, 400);

    let missing = fake.get("/wiki/api/v2/pages/99999").await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.body,
        json!({"errors": [{"status": 404, "code": "NOT_FOUND", "title": "Not Found", "detail": null}]})
    );
    let anonymous = fake
        .call(Method::GET, "/wiki/api/v2/pages/65541", None, None)
        .await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.body["errors"][0]["status"], 401);

    let comment = fake
        .post("/wiki/api/v2/footer-comments", json!({"pageId": "65541", "body": {"representation": "storage", "value": "<p>LGTM</p>"}}))
        .await;
    assert_eq!(comment.status, 201);
    assert_eq!(comment.body["version"]["authorId"], ALICE_ID);
    assert_eq!(comment.body["pageId"], "65541");
}

#[tokio::test]
async fn confluence_lists_page_with_cursors() {
    let fake = start().await;
    let first = fake.get("/wiki/api/v2/spaces?limit=1").await;
    assert_eq!(first.body["results"][0]["key"], "ENG");
    assert_eq!(first.body["results"][0]["homepageId"], "65537");
    let next = first.body["_links"]["next"].as_str().expect("next");
    assert!(next.starts_with("/wiki/api/v2/spaces?") && next.contains("cursor="));
    let link = first.headers["link"].to_str().expect("link");
    assert!(link.starts_with(&format!("<{next}>; rel=\"next\"")));
    let second = fake.get(next).await;
    assert_eq!(second.body["results"][0]["key"], "HR");
    assert!(second.body["_links"].get("next").is_none());
    assert!(second.headers.get("link").is_none());

    let by_key = fake.get("/wiki/api/v2/spaces?keys=HR").await;
    assert_eq!(by_key.body["results"].as_array().map(Vec::len), Some(1));
    assert_eq!(by_key.body["results"][0]["id"], "98307");

    // Engineering Home has 33 children: runbook, checklist, big page, 30 notes.
    let mut ids = Vec::new();
    let mut path = "/wiki/api/v2/pages/65537/children?limit=25".to_owned();
    loop {
        let page = fake.get(&path).await;
        for child in page.body["results"].as_array().expect("results") {
            ids.push(child["id"].as_str().expect("id").to_owned());
        }
        match page.body["_links"]["next"].as_str() {
            Some(next) => path = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(ids.len(), 33);
}

#[tokio::test]
async fn cql_search_pages_through_30_hits_with_highlights() {
    let fake = start().await;
    let cql = "siteSearch ~ \"login note\" AND space = ENG AND type = page";
    let mut path = format!(
        "/wiki/rest/api/search?{}",
        url_encode(&[("cql", cql), ("limit", "10")])
    );
    let mut ids = Vec::new();
    let mut pages = 0;
    loop {
        let page = fake.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        pages += 1;
        assert_eq!(page.body["totalSize"], 30);
        assert_eq!(page.body["cqlQuery"], cql);
        for result in page.body["results"].as_array().expect("results") {
            let title = result["title"].as_str().expect("title");
            assert!(title.starts_with("@@@hl@@@Login@@@endhl@@@ @@@hl@@@note@@@endhl@@@ "));
            assert!(
                result["excerpt"]
                    .as_str()
                    .is_some_and(|e| e.contains("@@@hl@@@login@@@endhl@@@"))
            );
            assert_eq!(result["resultGlobalContainer"]["displayUrl"], "/spaces/ENG");
            ids.push(result["content"]["id"].as_str().expect("id").to_owned());
        }
        match page.body["_links"]["next"].as_str() {
            Some(next) => {
                assert!(next.starts_with("/rest/api/search?") && next.contains("cursor="));
                path = format!("/wiki{next}");
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 30);
    assert!(
        fake.log()
            .await
            .iter()
            .skip(1)
            .all(|e| e["query"].as_str().is_some_and(|q| q.contains("cursor=")))
    );

    // The runbook also mentions login; escaped quotes stay one literal.
    let login = fake
        .get(&format!(
            "/ex/confluence/{CLOUD}/wiki/rest/api/search?{}",
            url_encode(&[("cql", "text ~ \"login\"")])
        ))
        .await;
    assert_eq!(login.body["totalSize"], 31);
    let escaped = fake
        .get(&format!(
            "/wiki/rest/api/search?{}",
            url_encode(&[("cql", r#"siteSearch ~ "login \"outage\" AND x""#)])
        ))
        .await;
    assert_eq!(escaped.status, 200);
    let bad = fake
        .get(&format!(
            "/wiki/rest/api/search?{}",
            url_encode(&[("cql", "label = x")])
        ))
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["statusCode"], 400);
    assert_eq!(bad.body["message"], "Could not parse cql : label = x");
}

fn url_encode(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

#[tokio::test]
async fn latency_is_counted_in_flight_and_reset_restores_everything() {
    let fake = start().await;
    fake.admin(Method::POST, "config", Some(json!({"latency_ms": 300})))
        .await;
    let config = fake.admin(Method::GET, "config", None).await;
    assert_eq!(
        config.body,
        json!({"anonymous": false, "search_delay": 0, "latency_ms": 300})
    );
    let (a, b, c, d) = tokio::join!(
        fake.get("/rest/api/3/myself"),
        fake.get("/rest/api/3/myself"),
        fake.get("/rest/api/3/myself"),
        fake.get("/rest/api/3/myself"),
    );
    assert!([a.status, b.status, c.status, d.status] == [200; 4]);
    let stats = fake.admin(Method::GET, "stats", None).await;
    assert_eq!(stats.body["in_flight"], 0);
    assert!(
        stats.body["max_in_flight"].as_u64() >= Some(2),
        "{}",
        stats.body
    );

    // Writes change state; reset reseeds it and clears config, log and stats.
    let created = fake
        .post("/rest/api/3/issue", json!({"fields": {"project": {"key": "HR"}, "issuetype": {"name": "Task"}, "summary": "Temp"}}))
        .await;
    assert_eq!(created.body["key"], "HR-4");
    let raw = fake.admin(Method::GET, "jira/issues/HR-4", None).await;
    assert_eq!(raw.body["fields"]["summary"], "Temp");
    fake.admin(Method::POST, "reset", None).await;
    assert_eq!(
        fake.admin(Method::GET, "jira/issues/HR-4", None)
            .await
            .status,
        404
    );
    assert_eq!(
        fake.admin(Method::GET, "stats", None).await.body["max_in_flight"],
        0
    );
    assert_eq!(
        fake.admin(Method::GET, "config", None).await.body["latency_ms"],
        0
    );
    assert!(fake.log().await.is_empty());
    let key_missing = fake
        .post("/rest/api/3/search/jql", json!({"jql": "key = ENG-999"}))
        .await;
    assert_eq!(
        error_messages(&key_missing.body),
        vec!["An issue with key 'ENG-999' does not exist for field 'key'."]
    );
}
