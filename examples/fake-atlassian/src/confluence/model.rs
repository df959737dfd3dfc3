//! Confluence's data: spaces, pages with versions, footer comments; the seed; storage-format
//! helpers (plain text, ADF conversion).

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::auth::ALICE;
use crate::time;

/// A space.
#[derive(Debug, Clone)]
pub(crate) struct Space {
    pub(crate) id: u64,
    pub(crate) key: &'static str,
    pub(crate) name: &'static str,
    pub(crate) homepage_id: u64,
    pub(crate) created: i64,
}

/// A page version.
#[derive(Debug, Clone)]
pub(crate) struct Version {
    pub(crate) number: u64,
    pub(crate) message: String,
    pub(crate) minor_edit: bool,
    pub(crate) author_id: String,
    pub(crate) created: i64,
}

/// A page (current version only).
#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub(crate) id: u64,
    pub(crate) status: String,
    pub(crate) title: String,
    pub(crate) space_id: u64,
    pub(crate) parent_id: Option<u64>,
    pub(crate) position: i64,
    pub(crate) author_id: String,
    pub(crate) owner_id: String,
    pub(crate) created: i64,
    pub(crate) version: Version,
    /// The storage-format body.
    storage: String,
    /// The ADF JSON string when the page was last written as `atlas_doc_format`.
    pub(crate) adf: Option<String>,
    /// Plain text of the body (tags stripped), for search.
    plain: String,
}

impl Page {
    /// A page at version 1 by `author`, created at `created`.
    pub(crate) fn new(
        id: u64,
        title: &str,
        space_id: u64,
        parent_id: Option<u64>,
        author: &str,
        created: i64,
    ) -> Self {
        Self {
            id,
            status: "current".to_owned(),
            title: title.to_owned(),
            space_id,
            parent_id,
            position: 0,
            author_id: author.to_owned(),
            owner_id: author.to_owned(),
            created,
            version: Version {
                number: 1,
                message: String::new(),
                minor_edit: false,
                author_id: author.to_owned(),
                created,
            },
            storage: String::new(),
            adf: None,
            plain: String::new(),
        }
    }

    /// The storage-format body.
    pub(crate) fn storage(&self) -> &str {
        &self.storage
    }

    /// The body as plain text.
    pub(crate) fn plain(&self) -> &str {
        &self.plain
    }

    /// Replaces the body (storage format), keeping the plain-text cache in step.
    pub(crate) fn set_storage(&mut self, storage: String, adf: Option<String>) {
        self.plain = plain_text(&storage);
        self.storage = storage;
        self.adf = adf;
    }
}

/// A footer comment.
#[derive(Debug, Clone)]
pub(crate) struct FooterComment {
    pub(crate) id: u64,
    pub(crate) page_id: u64,
    pub(crate) storage: String,
    pub(crate) version: Version,
}

/// All Confluence data.
#[derive(Debug)]
pub(crate) struct Confluence {
    pub(crate) spaces: Vec<Space>,
    pub(crate) pages: Vec<Page>,
    pub(crate) comments: Vec<FooterComment>,
    pub(crate) next_page_id: u64,
    pub(crate) next_comment_id: u64,
}

/// Id of the "Engineering Home" page.
pub(crate) const ENG_HOME: u64 = 65537;
/// Id of the "Human Resources Home" page.
pub(crate) const HR_HOME: u64 = 65538;

/// The approximate size of the "Big page" body.
pub(crate) const BIG_PAGE_BYTES: usize = 1_000_000;

fn big_body() -> String {
    let mut body = String::with_capacity(BIG_PAGE_BYTES + 512);
    let mut section = 1;
    while body.len() < BIG_PAGE_BYTES {
        let _ = write!(
            body,
            "<h2>Section {section}</h2><p>Section {section} of the big page: capacity planning figures, \
             quarterly budgets and a long list of deployment targets, repeated to make the page about \
             one megabyte in storage format.</p><ul><li><p>Target {section}a</p></li><li><p>Target {section}b</p></li></ul>"
        );
        section += 1;
    }
    body
}

impl Confluence {
    /// The seed: spaces ENG and HR; pages 65537, 65538, 65541, 65542, 65600, 65700 and
    /// "Login note 1..30" (66001..66030).
    pub(crate) fn seeded() -> Self {
        let created = time::at(2026, 10, 1, 8, 0);
        let mut c = Self {
            spaces: vec![
                Space {
                    id: 98306,
                    key: "ENG",
                    name: "Engineering",
                    homepage_id: ENG_HOME,
                    created,
                },
                Space {
                    id: 98307,
                    key: "HR",
                    name: "Human Resources",
                    homepage_id: HR_HOME,
                    created,
                },
            ],
            pages: Vec::new(),
            comments: Vec::new(),
            next_page_id: 70001,
            next_comment_id: 80001,
        };
        let edited = time::at(2026, 11, 20, 12, 0);
        let mut add =
            |id: u64, title: &str, space: u64, parent: Option<u64>, version: u64, body: &str| {
                let position = i64::try_from(c.pages.len()).unwrap_or(0);
                let mut page = Page::new(id, title, space, parent, ALICE.account_id, created);
                page.position = position;
                page.version.number = version;
                if version > 1 {
                    page.version.created = edited;
                }
                page.set_storage(body.to_owned(), None);
                c.pages.push(page);
            };
        add(
            ENG_HOME,
            "Engineering Home",
            98306,
            None,
            3,
            "<h1>Engineering</h1><p>Welcome to the Engineering space: runbooks, checklists and notes.</p>",
        );
        add(
            HR_HOME,
            "Human Resources Home",
            98307,
            None,
            1,
            "<h1>Human Resources</h1><p>Policies and the handbook.</p>",
        );
        add(
            65541,
            "Runbook: login outage",
            98306,
            Some(ENG_HOME),
            7,
            "<h2>Steps</h2><p>When sign-in fails for everyone, follow these steps to restore the login service.</p>\
             <ac:structured-macro ac:name=\"toc\"/>\
             <ol><li><p>Check the identity provider status page.</p></li>\
             <li><p>Restart the <code>auth-gateway</code> deployment.</p></li>\
             <li><p>Post an update in <strong>#incidents</strong>.</p></li></ol>",
        );
        add(
            65542,
            "Release checklist",
            98306,
            Some(ENG_HOME),
            1,
            "<h2>Before the release</h2><ul><li><p>Changelog updated</p></li><li><p>Version bumped</p></li></ul>\
             <h2>After the release</h2><p>Announce it in <em>#general</em>.</p>",
        );
        add(65600, "Big page", 98306, Some(ENG_HOME), 1, &big_body());
        for n in 1..=30_u64 {
            add(
                66000 + n,
                &format!("Login note {n}"),
                98306,
                Some(ENG_HOME),
                1,
                &format!(
                    "<p>Login note {n}: users reported a login problem on day {n}; it was resolved.</p>"
                ),
            );
        }
        add(
            65700,
            "HR handbook",
            98307,
            Some(HR_HOME),
            2,
            "<h2>Leave</h2><p>Employees have 30 days of paid leave.</p><h2>Expenses</h2><p>Submit receipts within a month.</p>",
        );
        c
    }

    /// A page by id text.
    pub(crate) fn page_index(&self, id: &str) -> Option<usize> {
        let id: u64 = id.parse().ok()?;
        self.pages.iter().position(|p| p.id == id)
    }

    /// A space by id.
    pub(crate) fn space(&self, id: u64) -> Option<&Space> {
        self.spaces.iter().find(|s| s.id == id)
    }

    /// The ancestors of a page, root first.
    pub(crate) fn ancestors(&self, page: &Page) -> Vec<u64> {
        let mut out = Vec::new();
        let mut parent = page.parent_id;
        while let Some(id) = parent {
            if out.contains(&id) {
                break;
            }
            out.push(id);
            parent = self
                .pages
                .iter()
                .find(|p| p.id == id)
                .and_then(|p| p.parent_id);
        }
        out.reverse();
        out
    }
}

/// `Runbook: login outage` → `Runbook+login+outage` (the web UI slug).
pub(crate) fn slug(title: &str) -> String {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("+")
}

/// Plain text of storage-format XHTML: tags removed (block tags become spaces), entities decoded.
pub(crate) fn plain_text(storage: &str) -> String {
    const INLINE: [&str; 12] = [
        "strong", "em", "b", "i", "u", "s", "code", "span", "a", "sub", "sup", "del",
    ];
    let mut out = String::with_capacity(storage.len());
    let mut rest = storage;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[start + 1..start + end];
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        if !INLINE.contains(&name) && !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes text for XHTML.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A minimal ADF → storage rendering (for pages written as `atlas_doc_format`).
pub(crate) fn adf_to_storage(node: &Value) -> String {
    let children = || -> String {
        node.get("content")
            .and_then(Value::as_array)
            .map(|c| c.iter().map(adf_to_storage).collect())
            .unwrap_or_default()
    };
    let wrap = |tag: &str| format!("<{tag}>{}</{tag}>", children());
    match node.get("type").and_then(Value::as_str).unwrap_or("") {
        "paragraph" => wrap("p"),
        "heading" => {
            let level = node
                .pointer("/attrs/level")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .clamp(1, 6);
            wrap(&format!("h{level}"))
        }
        "bulletList" => wrap("ul"),
        "orderedList" => wrap("ol"),
        "listItem" => wrap("li"),
        "blockquote" => wrap("blockquote"),
        "codeBlock" => format!("<pre><code>{}</code></pre>", children()),
        "rule" => "<hr/>".to_owned(),
        "hardBreak" => "<br/>".to_owned(),
        "table" => format!("<table><tbody>{}</tbody></table>", children()),
        "tableRow" => wrap("tr"),
        "tableHeader" => wrap("th"),
        "tableCell" => wrap("td"),
        "text" => {
            let mut text = escape(node.get("text").and_then(Value::as_str).unwrap_or(""));
            for mark in node
                .get("marks")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                text = match mark.get("type").and_then(Value::as_str).unwrap_or("") {
                    "strong" => format!("<strong>{text}</strong>"),
                    "em" => format!("<em>{text}</em>"),
                    "code" => format!("<code>{text}</code>"),
                    "strike" => format!("<s>{text}</s>"),
                    "link" => format!(
                        "<a href=\"{}\">{text}</a>",
                        escape(
                            mark.pointer("/attrs/href")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                        )
                    ),
                    _ => text,
                };
            }
            text
        }
        _ => children(),
    }
}

/// The page body as ADF JSON text: the stored ADF, or one paragraph of the plain text.
pub(crate) fn page_adf(page: &Page) -> String {
    if let Some(adf) = &page.adf {
        return adf.clone();
    }
    let content = if page.plain().is_empty() {
        json!([])
    } else {
        json!([{"type": "paragraph", "content": [{"type": "text", "text": page.plain()}]}])
    };
    json!({"type": "doc", "version": 1, "content": content}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_shapes() {
        let c = Confluence::seeded();
        let runbook = &c.pages[c.page_index("65541").expect("runbook")];
        assert_eq!(runbook.version.number, 7);
        assert!(
            runbook
                .storage()
                .contains("<ac:structured-macro ac:name=\"toc\"/>")
        );
        assert!(runbook.plain().contains("restore the login service"));
        let big = &c.pages[c.page_index("65600").expect("big")];
        assert!(big.storage().len() >= BIG_PAGE_BYTES);
        assert!(!big.plain().to_lowercase().contains("login"));
        let notes = c
            .pages
            .iter()
            .filter(|p| p.title.starts_with("Login note"))
            .count();
        assert_eq!(notes, 30);
        assert_eq!(c.ancestors(runbook), vec![ENG_HOME]);
    }

    #[test]
    fn text_helpers() {
        assert_eq!(slug("Runbook: login outage"), "Runbook+login+outage");
        assert_eq!(
            plain_text("<h2>Steps</h2><p>Use <code>x</code> &amp; y</p>"),
            "Steps Use x & y"
        );
        let adf = json!({"type":"doc","version":1,"content":[
            {"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"Hi"}]},
            {"type":"paragraph","content":[{"type":"text","text":"a<b","marks":[{"type":"strong"}]}]}]});
        assert_eq!(
            adf_to_storage(&adf),
            "<h2>Hi</h2><p><strong>a&lt;b</strong></p>"
        );
    }
}
