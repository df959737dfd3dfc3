//! Atlassian Document Format (ADF) → Markdown, for the model to read.
//!
//! Every node Markdown can express is converted (the inverse of [`crate::markdown::to_adf`], so
//! Markdown written by a model reads back the same). Nodes Markdown cannot express are never
//! dropped silently: they become a visible placeholder in square brackets, e.g.
//! `[panel: info]` (followed by the panel's content), `[media: diagram.png]`,
//! `[status: IN REVIEW]`, `[inlineCard: https://…]`, `[date: 2026-11-22]`, and
//! `[<type>]` for anything unknown. `jira_get_issue(format = "adf")` returns the lossless
//! original.

use serde_json::Value;

/// Renders an ADF document (or any ADF node) as Markdown. A `null` or non-ADF value gives an
/// empty string; a plain string (Jira v2 style) is returned as is.
///
/// ```
/// use serde_json::json;
/// let adf = json!({"type": "doc", "version": 1, "content": [
///     {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Repro"}]},
///     {"type": "panel", "attrs": {"panelType": "info"},
///      "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Careful"}]}]}]});
/// assert_eq!(jira::adf::to_markdown(&adf), "## Repro\n\n[panel: info]\n\nCareful");
/// ```
pub fn to_markdown(node: &Value) -> String {
    match node {
        Value::String(text) => text.clone(),
        Value::Object(_) if node["type"] == "doc" => blocks(children(node)),
        Value::Object(_) => blocks(std::slice::from_ref(node)),
        _ => String::new(),
    }
}

fn children(node: &Value) -> &[Value] {
    node["content"].as_array().map_or(&[], Vec::as_slice)
}

fn attr<'a>(node: &'a Value, name: &str) -> Option<&'a str> {
    node["attrs"][name].as_str().filter(|s| !s.is_empty())
}

/// Block nodes separated by blank lines.
fn blocks(nodes: &[Value]) -> String {
    let rendered: Vec<String> = nodes.iter().map(block).filter(|b| !b.is_empty()).collect();
    rendered.join("\n\n")
}

fn block(node: &Value) -> String {
    let kind = node["type"].as_str().unwrap_or_default();
    match kind {
        "paragraph" => inline(children(node), false),
        "heading" => {
            let level = node["attrs"]["level"].as_u64().unwrap_or(1).clamp(1, 6);
            let hashes = "#".repeat(usize::try_from(level).unwrap_or(1));
            format!("{hashes} {}", inline(children(node), false))
        }
        "bulletList" => list(node, None),
        "orderedList" => list(node, Some(node["attrs"]["order"].as_u64().unwrap_or(1))),
        "taskList" => task_list(node),
        "decisionList" => children(node)
            .iter()
            .map(|item| format!("- [decision] {}", inline(children(item), false)))
            .collect::<Vec<_>>()
            .join("\n"),
        "codeBlock" => code_block(node),
        "blockquote" => prefix_lines(&blocks(children(node)), "> ", ">"),
        "rule" => "---".to_owned(),
        "table" => table(node),
        "panel" => with_label(
            &format!("[panel: {}]", attr(node, "panelType").unwrap_or("info")),
            node,
        ),
        "expand" | "nestedExpand" => with_label(
            &format!("[expand: {}]", attr(node, "title").unwrap_or("details")),
            node,
        ),
        "mediaSingle" | "mediaGroup" => children(node)
            .iter()
            .map(media)
            .collect::<Vec<_>>()
            .join(" "),
        "media" => media(node),
        "blockCard" | "embedCard" => {
            format!("[{kind}: {}]", attr(node, "url").unwrap_or("link"))
        }
        "extension" | "bodiedExtension" => with_label(
            &format!(
                "[extension: {}]",
                attr(node, "extensionKey").unwrap_or("unknown")
            ),
            node,
        ),
        "layoutSection" | "layoutColumn" => blocks(children(node)),
        // An inline node where a block was expected: render it as a paragraph.
        "text" | "hardBreak" | "mention" | "emoji" | "inlineCard" | "status" | "date" => {
            inline(std::slice::from_ref(node), false)
        }
        _ => with_label(
            &format!("[{}]", if kind.is_empty() { "node" } else { kind }),
            node,
        ),
    }
}

/// A placeholder line followed by the node's own content, if any.
fn with_label(label: &str, node: &Value) -> String {
    let inner = blocks(children(node));
    if inner.is_empty() {
        label.to_owned()
    } else {
        format!("{label}\n\n{inner}")
    }
}

fn media(node: &Value) -> String {
    let name = attr(node, "alt")
        .or_else(|| attr(node, "url"))
        .or_else(|| attr(node, "id"))
        .unwrap_or("attachment");
    format!("[media: {name}]")
}

fn prefix_lines(text: &str, prefix: &str, empty: &str) -> String {
    text.lines()
        .map(|line| {
            if line.is_empty() {
                empty.to_owned()
            } else {
                format!("{prefix}{line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A list item: the marker on the first line, the rest indented under its content.
fn item(marker: &str, body: &str) -> String {
    let indent = " ".repeat(marker.len());
    let mut out = String::new();
    for (i, line) in body.lines().enumerate() {
        if i == 0 {
            out.push_str(marker);
            out.push_str(line);
        } else {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&indent);
                out.push_str(line);
            }
        }
    }
    if out.is_empty() {
        marker.trim_end().to_owned()
    } else {
        out
    }
}

/// The blocks of a list item: a nested list follows its paragraph on the next line (tight).
fn item_body(node: &Value) -> String {
    let mut out = String::new();
    for child in children(node) {
        let rendered = block(child);
        if rendered.is_empty() {
            continue;
        }
        if !out.is_empty() {
            let nested = matches!(
                child["type"].as_str(),
                Some("bulletList" | "orderedList" | "taskList")
            );
            out.push_str(if nested { "\n" } else { "\n\n" });
        }
        out.push_str(&rendered);
    }
    out
}

fn list(node: &Value, start: Option<u64>) -> String {
    children(node)
        .iter()
        .enumerate()
        .map(|(i, child)| {
            let marker = match start {
                Some(n) => format!("{}. ", n.saturating_add(i as u64)),
                None => "- ".to_owned(),
            };
            item(&marker, &item_body(child))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn task_list(node: &Value) -> String {
    children(node)
        .iter()
        .map(|child| {
            if child["type"] == "taskList" {
                return prefix_lines(&task_list(child), "  ", "");
            }
            let done = attr(child, "state") == Some("DONE");
            let marker = if done { "- [x] " } else { "- [ ] " };
            item(marker, &inline(children(child), false))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn code_block(node: &Value) -> String {
    let text: String = children(node)
        .iter()
        .filter_map(|t| t["text"].as_str())
        .collect();
    let longest = longest_run(&text, '`');
    let fence = "`".repeat(longest.max(2) + 1);
    let language = attr(node, "language").unwrap_or_default();
    format!("{fence}{language}\n{text}\n{fence}")
}

fn longest_run(text: &str, c: char) -> usize {
    let (mut longest, mut run) = (0, 0);
    for ch in text.chars() {
        if ch == c {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

fn table(node: &Value) -> String {
    let rows: Vec<Vec<String>> = children(node)
        .iter()
        .map(|row| {
            children(row)
                .iter()
                .map(|cell| {
                    let text = children(cell)
                        .iter()
                        .map(|b| match b["type"].as_str() {
                            Some("paragraph" | "heading") => inline(children(b), true),
                            _ => block(b).replace('\n', " ").replace('|', "\\|"),
                        })
                        .filter(|t| !t.is_empty())
                        .collect::<Vec<_>>()
                        .join("<br>");
                    if text.is_empty() {
                        " ".to_owned()
                    } else {
                        text
                    }
                })
                .collect()
        })
        .collect();
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    if width == 0 {
        return String::new();
    }
    let line = |cells: &[String]| {
        let mut padded: Vec<&str> = cells.iter().map(String::as_str).collect();
        padded.resize(width, " ");
        format!("| {} |", padded.join(" | "))
    };
    let mut out = Vec::with_capacity(rows.len() + 1);
    let mut rest = rows.iter();
    // GFM tables need a header row: the first row is it (ADF's tableHeader cells, usually).
    if let Some(first) = rest.next() {
        out.push(line(first));
        out.push(format!("|{}", " --- |".repeat(width)));
    }
    out.extend(rest.map(|r| line(r)));
    out.join("\n")
}

/// A mark Markdown can express, in nesting order (outermost first).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Mark {
    Link(String),
    Strike,
    Strong,
    Em,
}

impl Mark {
    fn open(&self) -> &'static str {
        match self {
            Self::Link(_) => "[",
            Self::Strike => "~~",
            Self::Strong => "**",
            Self::Em => "*",
        }
    }

    fn close(&self) -> String {
        match self {
            Self::Link(href) => format!("]({})", link_destination(href)),
            Self::Strike => "~~".to_owned(),
            Self::Strong => "**".to_owned(),
            Self::Em => "*".to_owned(),
        }
    }
}

/// A link destination that survives Markdown parsing (spaces and parentheses).
fn link_destination(href: &str) -> String {
    if href.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", href.replace('<', "%3C").replace('>', "%3E"))
    } else {
        href.to_owned()
    }
}

fn marks_of(node: &Value) -> (Vec<Mark>, bool) {
    let mut marks = Vec::new();
    let mut code = false;
    for mark in node["marks"].as_array().map_or(&[][..], Vec::as_slice) {
        match mark["type"].as_str() {
            Some("link") => marks.push(Mark::Link(
                mark["attrs"]["href"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )),
            Some("strike") => marks.push(Mark::Strike),
            Some("strong") => marks.push(Mark::Strong),
            Some("em") => marks.push(Mark::Em),
            Some("code") => code = true,
            // underline, textColor, subsup, ...: no Markdown; the text stays.
            _ => {}
        }
    }
    marks.sort();
    marks.dedup();
    (marks, code)
}

/// Inline content with marks opened and closed only where they change, whitespace kept
/// outside the delimiters (`CommonMark` does not close `**` after a space).
struct Inline {
    out: String,
    open: Vec<Mark>,
    in_table: bool,
}

impl Inline {
    fn set_marks(&mut self, wanted: &[Mark]) {
        let common = self
            .open
            .iter()
            .zip(wanted)
            .take_while(|(a, b)| a == b)
            .count();
        if common < self.open.len() {
            let trimmed = self.out.trim_end_matches([' ', '\t']).len();
            let trailing = self.out.split_off(trimmed);
            while self.open.len() > common {
                if let Some(mark) = self.open.pop() {
                    self.out.push_str(&mark.close());
                }
            }
            self.out.push_str(&trailing);
        }
        for mark in &wanted[common..] {
            self.out.push_str(mark.open());
            self.open.push(mark.clone());
        }
    }

    /// Writes `text` under `marks`, leading whitespace before any newly opened delimiter.
    fn write(&mut self, text: &str, marks: &[Mark]) {
        let core = text.trim_start_matches([' ', '\t']);
        let lead = &text[..text.len() - core.len()];
        if core.is_empty() {
            // Whitespace alone never opens or closes a delimiter.
            self.out.push_str(lead);
            return;
        }
        let common = self
            .open
            .iter()
            .zip(marks)
            .take_while(|(a, b)| a == b)
            .count();
        if common < marks.len() || common < self.open.len() {
            // Close first (trailing whitespace moves out), then the lead, then open.
            self.set_marks(&marks[..common.min(marks.len())]);
            self.out.push_str(lead);
            self.set_marks(marks);
        } else {
            self.out.push_str(lead);
        }
        let at_start = self.out.is_empty() || self.out.ends_with('\n');
        self.out.push_str(&escape(core, at_start, self.in_table));
    }

    fn raw(&mut self, text: &str, marks: &[Mark]) {
        self.set_marks(marks);
        self.out.push_str(text);
    }

    fn finish(mut self) -> String {
        self.set_marks(&[]);
        self.out
    }
}

fn inline(nodes: &[Value], in_table: bool) -> String {
    let mut w = Inline {
        out: String::new(),
        open: Vec::new(),
        in_table,
    };
    for node in nodes {
        let kind = node["type"].as_str().unwrap_or_default();
        match kind {
            "text" => {
                let text = node["text"].as_str().unwrap_or_default();
                let (marks, code) = marks_of(node);
                if code {
                    w.raw(&code_span(text), &marks);
                } else {
                    w.write(text, &marks);
                }
            }
            "hardBreak" => {
                if in_table {
                    w.raw("<br>", &[]);
                } else {
                    w.raw("\\\n", &[]);
                }
            }
            "mention" => {
                let text = attr(node, "text").unwrap_or("@someone");
                let text = if text.starts_with('@') {
                    text.to_owned()
                } else {
                    format!("@{text}")
                };
                w.write(&text, &[]);
            }
            "emoji" => {
                let text = attr(node, "text")
                    .or_else(|| attr(node, "shortName"))
                    .unwrap_or("");
                w.write(text, &[]);
            }
            "inlineCard" => {
                let url = attr(node, "url").unwrap_or("link");
                w.raw(&format!("[inlineCard: {url}]"), &[]);
            }
            "status" => {
                let text = attr(node, "text").unwrap_or("status");
                w.raw(&format!("[status: {text}]"), &[]);
            }
            "date" => {
                let day = node["attrs"]["timestamp"]
                    .as_str()
                    .and_then(|t| t.parse::<i64>().ok())
                    .or_else(|| node["attrs"]["timestamp"].as_i64())
                    .map_or_else(|| "unknown".to_owned(), date_of_millis);
                w.raw(&format!("[date: {day}]"), &[]);
            }
            "placeholder" => w.write(attr(node, "text").unwrap_or(""), &[]),
            "" => {}
            other => w.raw(&format!("[{other}]"), &[]),
        }
    }
    w.finish()
}

fn code_span(text: &str) -> String {
    let ticks = "`".repeat(longest_run(text, '`') + 1);
    if text.starts_with('`') || text.ends_with('`') {
        format!("{ticks} {text} {ticks}")
    } else {
        format!("{ticks}{text}{ticks}")
    }
}

/// Escapes what Markdown would read as syntax: emphasis and code delimiters, brackets,
/// backslashes, HTML openers, `_` at word edges, block markers at the start of a line, and
/// `|` inside tables. Plain prose stays readable (`snake_case`, `ENG-42` untouched).
fn escape(text: &str, at_line_start: bool, in_table: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut marker_at = None;
    for (i, &c) in chars.iter().enumerate() {
        let line_start = if i == 0 {
            at_line_start
        } else {
            chars[i - 1] == '\n'
        };
        if line_start {
            marker_at = block_marker(&chars[i..]).map(|offset| i + offset);
        }
        if marker_at == Some(i) {
            out.push('\\');
            out.push(c);
            continue;
        }
        match c {
            '\\' | '*' | '`' | '[' | ']' | '<' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '_' => {
                let before = i.checked_sub(1).and_then(|j| chars.get(j));
                let after = chars.get(i + 1);
                let inside_word = before.is_some_and(|b| b.is_alphanumeric())
                    && after.is_some_and(|a| a.is_alphanumeric());
                if !inside_word {
                    out.push('\\');
                }
                out.push(c);
            }
            '|' if in_table => out.push_str("\\|"),
            '\n' if in_table => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Where a line starting with `line` has a block marker to escape (`#`, `>`, `=`, a `-`/`+`
/// bullet, the `.`/`)` of `1.`), as an offset into `line`.
fn block_marker(line: &[char]) -> Option<usize> {
    match line {
        ['#' | '>' | '=', ..] | ['-' | '+'] | ['-' | '+', ' ' | '\t' | '-', ..] => Some(0),
        [d, ..] if d.is_ascii_digit() => {
            let digits = line.iter().take_while(|c| c.is_ascii_digit()).count();
            match &line[digits..] {
                ['.' | ')'] | ['.' | ')', ' ' | '\t', ..] => Some(digits),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `YYYY-MM-DD` of a unix timestamp in milliseconds (UTC), without a date library.
fn date_of_millis(millis: i64) -> String {
    let days = millis.div_euclid(86_400_000);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::to_markdown;

    fn doc(content: &serde_json::Value) -> serde_json::Value {
        json!({"type": "doc", "version": 1, "content": content})
    }

    fn para(text: &str) -> serde_json::Value {
        json!({"type": "paragraph", "content": [{"type": "text", "text": text}]})
    }

    #[test]
    fn unknown_nodes_become_visible_placeholders() {
        let adf = doc(&json!([
            {"type": "panel", "attrs": {"panelType": "warning"}, "content": [para("Careful")]},
            {"type": "mediaSingle", "content": [{"type": "media", "attrs": {"id": "abc", "alt": "diagram.png"}}]},
            {"type": "paragraph", "content": [
                {"type": "status", "attrs": {"text": "IN REVIEW"}},
                {"type": "text", "text": " "},
                {"type": "inlineCard", "attrs": {"url": "https://x.test/card"}},
                {"type": "text", "text": " "},
                {"type": "date", "attrs": {"timestamp": "1795305600000"}},
                {"type": "text", "text": " "},
                {"type": "mention", "attrs": {"id": "5b10", "text": "@Mia Krystof"}},
                {"type": "text", "text": " "},
                {"type": "sparkle"}]},
            {"type": "expand", "attrs": {"title": "More"}, "content": [para("hidden")]},
            {"type": "mysteryBlock", "content": [para("inside")]},
            {"type": "taskList", "content": [
                {"type": "taskItem", "attrs": {"state": "DONE"}, "content": [{"type": "text", "text": "shipped"}]},
                {"type": "taskItem", "attrs": {"state": "TODO"}, "content": [{"type": "text", "text": "docs"}]}]}
        ]));
        assert_eq!(
            to_markdown(&adf),
            "[panel: warning]\n\nCareful\n\n[media: diagram.png]\n\n\
             [status: IN REVIEW] [inlineCard: https://x.test/card] [date: 2026-11-22] @Mia Krystof [sparkle]\n\n\
             [expand: More]\n\nhidden\n\n[mysteryBlock]\n\ninside\n\n- [x] shipped\n- [ ] docs"
        );
    }

    #[test]
    fn marks_open_and_close_where_they_change() {
        let adf = doc(&json!([{"type": "paragraph", "content": [
            {"type": "text", "text": "bold ", "marks": [{"type": "strong"}]},
            {"type": "text", "text": "and em", "marks": [{"type": "strong"}, {"type": "em"}]},
            {"type": "text", "text": " plain"}]}]));
        assert_eq!(to_markdown(&adf), "**bold *and em*** plain");
    }

    #[test]
    fn lists_code_quotes_tables() {
        let adf = doc(&json!([
            {"type": "orderedList", "attrs": {"order": 3}, "content": [
                {"type": "listItem", "content": [para("three"),
                    {"type": "bulletList", "content": [{"type": "listItem", "content": [para("sub")]}]}]},
                {"type": "listItem", "content": [para("four")]}]},
            {"type": "codeBlock", "attrs": {"language": "sh"}, "content": [{"type": "text", "text": "echo ```"}]},
            {"type": "blockquote", "content": [para("a"), para("b")]},
            {"type": "table", "content": [
                {"type": "tableRow", "content": [
                    {"type": "tableHeader", "content": [para("k")]},
                    {"type": "tableHeader", "content": [para("v")]}]},
                {"type": "tableRow", "content": [
                    {"type": "tableCell", "content": [para("a|b")]},
                    {"type": "tableCell", "content": [para("1"), para("2")]}]}]}
        ]));
        assert_eq!(
            to_markdown(&adf),
            "3. three\n   - sub\n4. four\n\n````sh\necho ```\n````\n\n> a\n>\n> b\n\n\
             | k | v |\n| --- | --- |\n| a\\|b | 1<br>2 |"
        );
    }

    #[test]
    fn non_documents() {
        assert_eq!(to_markdown(&json!(null)), "");
        assert_eq!(to_markdown(&json!("plain v2 text")), "plain v2 text");
        assert_eq!(to_markdown(&doc(&json!([]))), "");
    }
}
