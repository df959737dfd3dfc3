//! Markdown → Atlassian Document Format (ADF), the rich-text format of Jira REST v3.
//!
//! Models write Markdown; Jira v3 accepts only ADF for `description` and comment bodies (a
//! plain string is a 400). The conversion runs here, in the server, with `pulldown-cmark`
//! (`CommonMark` + GFM tables and strikethrough):
//!
//! | Markdown | ADF |
//! | --- | --- |
//! | paragraph, `#`..`######` | `paragraph`, `heading{level}` |
//! | `-`/`*` list, `1.` list | `bulletList`, `orderedList{order}` → `listItem` |
//! | fenced or indented code | `codeBlock{language}` |
//! | `>` quote, `---` | `blockquote`, `rule` |
//! | GFM table | `table` → `tableRow` → `tableHeader` / `tableCell` |
//! | `**b**`, `*e*`, `` `c` ``, `~~s~~`, `[t](url)` | marks `strong`, `em`, `code`, `strike`, `link{href}` |
//! | hard line break | `hardBreak` |
//! | image `![alt](url)` | the alt text linked to the url (ADF media needs an upload) |
//! | raw HTML | kept as literal text |
//!
//! The output always satisfies the ADF rules Jira enforces: no empty text nodes, `code` only
//! combined with `link`, a `listItem` or table cell never empty, no heading or nested quote
//! inside a quote or list item (rendered as a bold paragraph / flattened instead).

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde_json::{Map, Value, json};

/// Converts Markdown to an ADF document (`{"type":"doc","version":1,"content":[..]}`).
///
/// ```
/// let adf = jira::markdown::to_adf("## Repro\n- step **one**");
/// assert_eq!(adf["content"][0]["type"], "heading");
/// assert_eq!(adf["content"][1]["type"], "bulletList");
/// ```
pub fn to_adf(markdown: &str) -> Value {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut builder = Builder::new();
    for event in Parser::new_ext(markdown, options) {
        builder.event(event);
    }
    builder.finish()
}

/// One node under construction.
struct Node {
    kind: &'static str,
    attrs: Option<Value>,
    content: Vec<Value>,
    /// Opened by the builder (inline content directly in a list item, quote or cell), not by
    /// the Markdown; closed as soon as a block starts or the container ends.
    implicit: bool,
}

impl Node {
    fn new(kind: &'static str, attrs: Option<Value>) -> Self {
        Self {
            kind,
            attrs,
            content: Vec::new(),
            implicit: false,
        }
    }

    fn into_value(self) -> Value {
        let mut node = Map::new();
        node.insert("type".into(), Value::from(self.kind));
        if let Some(attrs) = self.attrs {
            node.insert("attrs".into(), attrs);
        }
        let needs_content = !self.content.is_empty()
            || matches!(
                self.kind,
                "bulletList" | "orderedList" | "table" | "tableRow" | "blockquote"
            );
        if needs_content {
            node.insert("content".into(), Value::Array(self.content));
        }
        Value::Object(node)
    }
}

/// Whether inline nodes (text, hardBreak) go directly into this node.
fn is_inline_container(kind: &str) -> bool {
    matches!(kind, "paragraph" | "heading")
}

struct Builder {
    stack: Vec<Node>,
    /// Active marks, innermost last.
    marks: Vec<Value>,
    /// Markdown elements that became no node, by their end tag (a nested quote, a heading
    /// rendered as a bold paragraph).
    skipped_ends: Vec<TagEnd>,
    code: Option<String>,
    in_table_head: bool,
}

impl Builder {
    fn new() -> Self {
        Self {
            stack: vec![Node::new("doc", None)],
            marks: Vec::new(),
            skipped_ends: Vec::new(),
            code: None,
            in_table_head: false,
        }
    }

    fn finish(mut self) -> Value {
        while self.stack.len() > 1 {
            self.close();
        }
        let doc = self.stack.pop().map_or_else(Vec::new, |d| d.content);
        json!({"type": "doc", "version": 1, "content": doc})
    }

    fn top_kind(&self) -> &'static str {
        self.stack.last().map_or("doc", |n| n.kind)
    }

    fn inside(&self, kinds: &[&str]) -> bool {
        self.stack.iter().any(|n| kinds.contains(&n.kind))
    }

    /// Closes an implicit paragraph on top, if any.
    fn end_implicit(&mut self) {
        if self.stack.last().is_some_and(|n| n.implicit) {
            self.close();
        }
    }

    fn open(&mut self, kind: &'static str, attrs: Option<Value>) {
        self.end_implicit();
        self.stack.push(Node::new(kind, attrs));
    }

    /// Pops the top node and appends it to its parent.
    fn close(&mut self) {
        if self.stack.len() <= 1 {
            return;
        }
        let Some(mut node) = self.stack.pop() else {
            return;
        };
        // ADF requires content in list items and table cells.
        if matches!(node.kind, "listItem" | "tableCell" | "tableHeader") && node.content.is_empty()
        {
            node.content.push(json!({"type": "paragraph"}));
        }
        let value = node.into_value();
        if let Some(parent) = self.stack.last_mut() {
            parent.content.push(value);
        }
    }

    /// Closes the node opened for `end` (and an implicit paragraph inside it).
    fn close_tag(&mut self) {
        self.end_implicit();
        self.close();
    }

    /// Appends an inline node, opening an implicit paragraph when the top is a block container.
    fn inline(&mut self, node: Value) {
        if !is_inline_container(self.top_kind()) {
            let mut paragraph = Node::new("paragraph", None);
            paragraph.implicit = true;
            self.stack.push(paragraph);
        }
        let Some(top) = self.stack.last_mut() else {
            return;
        };
        // Merge adjacent text with the same marks.
        if node["type"] == "text"
            && let Some(last) = top.content.last_mut()
            && last["type"] == "text"
            && last.get("marks") == node.get("marks")
            && let (Some(Value::String(a)), Some(b)) = (last.get_mut("text"), node["text"].as_str())
        {
            a.push_str(b);
            return;
        }
        top.content.push(node);
    }

    fn text(&mut self, text: &str, code: bool) {
        if text.is_empty() {
            return;
        }
        let mut marks: Vec<Value> = if code {
            // ADF allows `code` only together with `link`.
            self.marks
                .iter()
                .filter(|m| m["type"] == "link")
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        if code {
            marks.push(json!({"type": "code"}));
        } else {
            for mark in &self.marks {
                if !marks.contains(mark) {
                    marks.push(mark.clone());
                }
            }
        }
        let mut node = json!({"type": "text", "text": text});
        if !marks.is_empty() {
            node["marks"] = Value::Array(marks);
        }
        self.inline(node);
    }

    /// Whether the last inline node written carries `mark`.
    fn last_inline_has_mark(&self, mark: &Value) -> bool {
        self.stack
            .last()
            .and_then(|top| top.content.last())
            .and_then(|node| node.get("marks"))
            .and_then(Value::as_array)
            .is_some_and(|marks| marks.contains(mark))
    }

    fn pop_mark(&mut self, kind: &str) {
        if let Some(at) = self.marks.iter().rposition(|m| m["type"] == kind) {
            self.marks.remove(at);
        }
    }

    fn event(&mut self, event: Event<'_>) {
        if let Some(code) = &mut self.code {
            match event {
                Event::Text(text) => code.push_str(&text),
                Event::End(TagEnd::CodeBlock) => self.end_code_block(),
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(end) => self.end(end),
            Event::Text(text) => self.text(&text, false),
            Event::Code(text) => self.text(&text, true),
            Event::Html(html) | Event::InlineHtml(html) => {
                // Raw HTML has no ADF equivalent: keep it visible as text, lines as breaks.
                let mut lines = html.lines().peekable();
                while let Some(line) = lines.next() {
                    self.text(line, false);
                    if lines.peek().is_some() {
                        self.inline(json!({"type": "hardBreak"}));
                    }
                }
            }
            Event::SoftBreak => self.text(" ", false),
            Event::HardBreak => self.inline(json!({"type": "hardBreak"})),
            Event::Rule => {
                self.end_implicit();
                if let Some(top) = self.stack.last_mut() {
                    top.content.push(json!({"type": "rule"}));
                }
            }
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }, false),
            Event::FootnoteReference(label) => self.text(&format!("[^{label}]"), false),
            Event::InlineMath(math) | Event::DisplayMath(math) => self.text(&math, true),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph | Tag::HtmlBlock => self.open("paragraph", None),
            Tag::Heading { level, .. } => {
                if self.inside(&["listItem", "blockquote"]) {
                    // ADF allows no heading there: a bold paragraph instead.
                    self.open("paragraph", None);
                    self.marks.push(json!({"type": "strong"}));
                    self.skipped_ends.push(TagEnd::Heading(level));
                } else {
                    self.open("heading", Some(json!({"level": heading_level(level)})));
                }
            }
            Tag::BlockQuote(kind) => {
                if self.inside(&["blockquote"]) {
                    // ADF has no nested quotes: the inner quote's content joins the outer one.
                    self.end_implicit();
                    self.skipped_ends.push(TagEnd::BlockQuote(kind));
                } else {
                    self.open("blockquote", None);
                }
            }
            Tag::CodeBlock(kind) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                    CodeBlockKind::Indented => String::new(),
                };
                let attrs = (!language.is_empty()).then(|| json!({"language": language}));
                self.open("codeBlock", attrs);
                self.code = Some(String::new());
            }
            Tag::List(Some(start)) => self.open("orderedList", Some(json!({"order": start}))),
            Tag::List(None) => self.open("bulletList", None),
            Tag::Item => self.open("listItem", None),
            Tag::Table(_) => self.open("table", None),
            Tag::TableHead => {
                self.in_table_head = true;
                self.open("tableRow", None);
            }
            Tag::TableRow => self.open("tableRow", None),
            Tag::TableCell => {
                let kind = if self.in_table_head {
                    "tableHeader"
                } else {
                    "tableCell"
                };
                self.open(kind, None);
            }
            Tag::Emphasis => self.marks.push(json!({"type": "em"})),
            Tag::Strong => self.marks.push(json!({"type": "strong"})),
            Tag::Strikethrough => self.marks.push(json!({"type": "strike"})),
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                self.marks
                    .push(json!({"type": "link", "attrs": {"href": dest_url.as_ref()}}));
            }
            // Not enabled in the parser options; kept as their text content.
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript
            | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, end: TagEnd) {
        if self.skipped_ends.last() == Some(&end) {
            self.skipped_ends.pop();
            if matches!(end, TagEnd::Heading(_)) {
                self.pop_mark("strong");
                self.close_tag();
            } else {
                self.end_implicit();
            }
            return;
        }
        match end {
            TagEnd::Paragraph
            | TagEnd::HtmlBlock
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::Table
            | TagEnd::TableRow
            | TagEnd::TableCell => self.close_tag(),
            TagEnd::TableHead => {
                self.in_table_head = false;
                self.close_tag();
            }
            TagEnd::CodeBlock => self.end_code_block(),
            TagEnd::Emphasis => self.pop_mark("em"),
            TagEnd::Strong => self.pop_mark("strong"),
            TagEnd::Strikethrough => self.pop_mark("strike"),
            TagEnd::Link => self.pop_mark("link"),
            TagEnd::Image => {
                // An image without alt text still shows its url.
                if let Some(link) = self.marks.iter().rev().find(|m| m["type"] == "link")
                    && !self.last_inline_has_mark(link)
                {
                    let href = link["attrs"]["href"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned();
                    self.text(&href, false);
                }
                self.pop_mark("link");
            }
            TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::MetadataBlock(_) => {}
        }
    }

    fn end_code_block(&mut self) {
        let mut text = self.code.take().unwrap_or_default();
        if text.ends_with('\n') {
            text.pop();
        }
        if let Some(top) = self.stack.last_mut()
            && !text.is_empty()
        {
            top.content.push(json!({"type": "text", "text": text}));
        }
        self.close();
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::to_adf;
    use crate::adf::to_markdown;

    /// Markdown → ADF → Markdown → ADF gives the same ADF (the read-back is equivalent).
    fn round_trips(markdown: &str) -> String {
        let adf = to_adf(markdown);
        let back = to_markdown(&adf);
        assert_eq!(
            to_adf(&back),
            adf,
            "not a fixed point:\n{markdown}\n---\n{back}"
        );
        back
    }

    #[test]
    fn scenario_five_heading_list_strong() {
        let adf = to_adf("## Repro\n- step **one**");
        assert_eq!(
            adf,
            json!({"type": "doc", "version": 1, "content": [
                {"type": "heading", "attrs": {"level": 2},
                 "content": [{"type": "text", "text": "Repro"}]},
                {"type": "bulletList", "content": [{"type": "listItem", "content": [
                    {"type": "paragraph", "content": [
                        {"type": "text", "text": "step "},
                        {"type": "text", "text": "one", "marks": [{"type": "strong"}]}]}]}]}]})
        );
        assert_eq!(
            round_trips("## Repro\n- step **one**"),
            "## Repro\n\n- step **one**"
        );
    }

    #[test]
    fn inline_marks() {
        let adf = to_adf("a *em* `code` ~~gone~~ [link](https://x.test/a) **bold _both_**");
        let content = &adf["content"][0]["content"];
        assert_eq!(
            content[1],
            json!({"type": "text", "text": "em", "marks": [{"type": "em"}]})
        );
        assert_eq!(
            content[3],
            json!({"type": "text", "text": "code", "marks": [{"type": "code"}]})
        );
        assert_eq!(
            content[5],
            json!({"type": "text", "text": "gone", "marks": [{"type": "strike"}]})
        );
        assert_eq!(
            content[7],
            json!({"type": "text", "text": "link",
                   "marks": [{"type": "link", "attrs": {"href": "https://x.test/a"}}]})
        );
        assert_eq!(
            content[10],
            json!({"type": "text", "text": "both", "marks": [{"type": "strong"}, {"type": "em"}]})
        );
        round_trips("a *em* `code` ~~gone~~ [link](https://x.test/a) **bold _both_**");
    }

    #[test]
    fn code_only_combines_with_links() {
        let adf = to_adf("**`x`** [`y`](https://y.test)");
        let content = &adf["content"][0]["content"];
        assert_eq!(content[0]["marks"], json!([{"type": "code"}]));
        assert_eq!(
            content[2]["marks"],
            json!([{"type": "link", "attrs": {"href": "https://y.test"}}, {"type": "code"}])
        );
    }

    #[test]
    fn blocks() {
        let md = "# Title\n\n1. first\n2. second\n   - nested\n\n```rust\nfn main() {}\n```\n\n> quoted\n\n---\n\nend";
        let adf = to_adf(md);
        let kinds: Vec<&str> = adf["content"]
            .as_array()
            .expect("content")
            .iter()
            .map(|n| n["type"].as_str().expect("type"))
            .collect();
        assert_eq!(
            kinds,
            [
                "heading",
                "orderedList",
                "codeBlock",
                "blockquote",
                "rule",
                "paragraph"
            ]
        );
        assert_eq!(adf["content"][1]["attrs"], json!({"order": 1}));
        assert_eq!(adf["content"][2]["attrs"], json!({"language": "rust"}));
        assert_eq!(adf["content"][2]["content"][0]["text"], "fn main() {}");
        let nested = &adf["content"][1]["content"][1]["content"][1];
        assert_eq!(nested["type"], "bulletList");
        round_trips(md);
    }

    #[test]
    fn tables() {
        let md = "| a | b |\n| --- | --- |\n| 1 | **2** |\n|  | x \\| y |";
        let adf = to_adf(md);
        let table = &adf["content"][0];
        assert_eq!(table["type"], "table");
        assert_eq!(table["content"][0]["content"][0]["type"], "tableHeader");
        assert_eq!(table["content"][1]["content"][1]["type"], "tableCell");
        // An empty cell still holds a paragraph.
        assert_eq!(
            table["content"][2]["content"][0]["content"],
            json!([{"type": "paragraph"}])
        );
        assert_eq!(
            table["content"][2]["content"][1]["content"][0]["content"][0]["text"],
            "x | y"
        );
        round_trips(md);
    }

    #[test]
    fn awkward_text_survives() {
        for md in [
            "snake_case and 2 * 3 and [brackets] and <b>",
            "1986\\. a good year",
            "\\# not a heading",
            "line one\\\nline two",
            "**bold **then plain",
            "trailing `tick` and ``a`b``",
            "[spaced link](<https://x.test/a b>)",
        ] {
            round_trips(md);
        }
    }

    #[test]
    fn no_empty_text_and_no_invalid_nesting() {
        let adf = to_adf("- \n- # heading in a list\n\n> > nested quote\n> # title");
        let text = adf.to_string();
        assert!(!text.contains(r#""text":"""#), "{text}");
        let list = &adf["content"][0];
        assert_eq!(
            list["content"][0]["content"],
            json!([{"type": "paragraph"}])
        );
        assert_eq!(list["content"][1]["content"][0]["type"], "paragraph");
        assert_eq!(
            list["content"][1]["content"][0]["content"][0]["marks"],
            json!([{"type": "strong"}])
        );
        let quote = &adf["content"][1];
        assert_eq!(quote["type"], "blockquote");
        let inner = quote["content"].to_string();
        assert!(!inner.contains(r#""blockquote""#), "{inner}");
        assert!(!inner.contains(r#""heading""#), "{inner}");
    }

    #[test]
    fn empty_input_is_an_empty_document() {
        assert_eq!(
            to_adf(""),
            json!({"type": "doc", "version": 1, "content": []})
        );
    }

    #[test]
    fn images_become_links() {
        let adf = to_adf("![diagram](https://x.test/d.png) ![](https://x.test/e.png)");
        let content = &adf["content"][0]["content"];
        assert_eq!(content[0]["text"], "diagram");
        assert_eq!(content[2]["text"], "https://x.test/e.png");
        assert_eq!(
            content[2]["marks"][0]["attrs"]["href"],
            "https://x.test/e.png"
        );
    }
}
