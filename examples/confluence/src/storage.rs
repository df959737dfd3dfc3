//! Confluence storage format (XHTML with `ac:`/`ri:` elements) → Markdown for the model.
//!
//! Storage is XML, but `htmd` parses HTML: a self-closing `<ac:structured-macro …/>` would
//! swallow its following siblings, and CDATA code bodies would vanish. So the body is first
//! read with a small lenient XML reader into a tree, every Confluence-specific element is
//! rewritten (code macros become `<pre><code>`, `ri:url` images become `<img>`, everything
//! else becomes a visible placeholder such as `[macro: toc]`), and only then is the plain HTML
//! handed to `htmd`. Placeholders travel through `htmd` as opaque letter tokens, so Markdown
//! escaping never mangles them.
//!
//! The same walk lists what Markdown cannot carry ([`Converted::lossy`]): a page with any of
//! those must not be overwritten from Markdown without the caller's explicit consent.

use std::fmt::Write as _;

/// A node of a storage document.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Element(Element),
    /// Text as written (entities still encoded).
    Text(String),
    /// The content of a `<![CDATA[…]]>` section (not encoded).
    CData(String),
}

/// An element: its name as written, attributes (values still entity-encoded) and children.
#[derive(Debug, Clone, PartialEq)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
}

impl Element {
    fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// An attribute value, entity-decoded.
    fn attr(&self, name: &str) -> Option<String> {
        self.attrs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| decode_entities(v))
    }

    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find_map(|n| match n {
            Node::Element(e) if e.is(name) => Some(e),
            _ => None,
        })
    }

    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter_map(move |n| match n {
            Node::Element(e) if e.is(name) => Some(e),
            _ => None,
        })
    }

    /// The decoded text of the element and its descendants.
    fn text(&self) -> String {
        let mut out = String::new();
        collect_text(&self.children, &mut out);
        out
    }
}

fn collect_text(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(&decode_entities(t)),
            Node::CData(t) => out.push_str(t),
            Node::Element(e) => collect_text(&e.children, out),
        }
    }
}

/// HTML elements that never have children (written `<br>` as often as `<br/>`).
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Reads a storage document leniently: unknown entities are kept, a stray end tag is
/// ignored and unclosed elements are closed at the end, so any input gives a tree.
fn parse(input: &str) -> Vec<Node> {
    // The stack of open elements; the root is a synthetic element.
    let mut stack: Vec<Element> = vec![Element {
        name: String::new(),
        attrs: Vec::new(),
        children: Vec::new(),
    }];
    let mut rest = input;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
        } else if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after.find("]]>").unwrap_or(after.len());
            push_node(&mut stack, Node::CData(after[..end].to_owned()));
            rest = after.get(end + 3..).unwrap_or("");
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
        } else if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').unwrap_or(after.len());
            let name = after[..end].trim();
            if stack.iter().skip(1).any(|e| e.is(name)) {
                while let Some(open) = stack.pop() {
                    let done = open.is(name);
                    push_node(&mut stack, Node::Element(open));
                    if done {
                        break;
                    }
                }
            }
            rest = after.get(end + 1..).unwrap_or("");
        } else if rest.starts_with('<') && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic())
        {
            let (element, self_closing, after) = parse_start_tag(&rest[1..]);
            if self_closing || VOID.iter().any(|v| element.is(v)) {
                push_node(&mut stack, Node::Element(element));
            } else {
                stack.push(element);
            }
            rest = after;
        } else {
            // Text up to the next tag (a lone `<` is text).
            let end = rest[1..].find('<').map_or(rest.len(), |i| i + 1);
            push_node(&mut stack, Node::Text(rest[..end].to_owned()));
            rest = &rest[end..];
        }
    }
    while stack.len() > 1 {
        if let Some(open) = stack.pop() {
            push_node(&mut stack, Node::Element(open));
        }
    }
    stack.pop().map(|root| root.children).unwrap_or_default()
}

fn push_node(stack: &mut [Element], node: Node) {
    if let Some(parent) = stack.last_mut() {
        parent.children.push(node);
    }
}

/// Parses `name attr="v" …>` or `…/>` (the input starts after `<`); returns the element, whether
/// it closed itself, and the rest of the input.
fn parse_start_tag(input: &str) -> (Element, bool, &str) {
    let name_end = input
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(input.len());
    let mut element = Element {
        name: input[..name_end].to_owned(),
        attrs: Vec::new(),
        children: Vec::new(),
    };
    let mut rest = &input[name_end..];
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("/>") {
            return (element, true, after);
        }
        if let Some(after) = rest.strip_prefix('>') {
            return (element, false, after);
        }
        if rest.is_empty() {
            return (element, false, rest);
        }
        if let Some(after) = rest.strip_prefix('/') {
            rest = after;
            continue;
        }
        let attr_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
            .unwrap_or(rest.len())
            .max(1);
        let name = rest[..attr_end].to_owned();
        rest = rest[attr_end..].trim_start();
        let mut value = "";
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            if let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') {
                let body = &after[1..];
                let end = body.find(quote).unwrap_or(body.len());
                value = &body[..end];
                rest = body.get(end + 1..).unwrap_or("");
            } else {
                let end = after
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(after.len());
                value = &after[..end];
                rest = &after[end..];
            }
        }
        element.attrs.push((name, value.to_owned()));
    }
}

/// Decodes the XML entities and the HTML ones storage uses most; unknown ones stay as written.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|end| *end <= 12).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                "ndash" => Some('–'),
                "mdash" => Some('—'),
                "hellip" => Some('…'),
                "rsquo" => Some('’'),
                "lsquo" => Some('‘'),
                "rdquo" => Some('”'),
                "ldquo" => Some('“'),
                _ => name.strip_prefix('#').and_then(|num| {
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => num.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            c.map(|c| (c, end))
        });
        if let Some((c, end)) = decoded {
            out.push(c);
            rest = &rest[end + 1..];
        } else {
            out.push('&');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Escapes text for HTML/XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A storage body converted for the model.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Converted {
    /// The Markdown.
    pub markdown: String,
    /// What Markdown cannot carry, deduplicated in document order (`"macro toc"`,
    /// `"attachment image"`, `"layout"`, …). Empty when a Markdown round trip is faithful.
    pub lossy: Vec<String>,
}

/// Elements inside which a placeholder is inline (a macro in a sentence); elsewhere it gets a
/// paragraph of its own.
const INLINE_PARENTS: &[&str] = &[
    "p", "span", "a", "strong", "b", "em", "i", "u", "s", "del", "code", "sub", "sup", "h1", "h2",
    "h3", "h4", "h5", "h6", "th", "td", "li",
];

/// The tokens standing for placeholders while `htmd` runs: letters and digits only, so no
/// Markdown escaping touches them.
const TOKEN_OPEN: &str = "QzxPH";
const TOKEN_CLOSE: &str = "HxzQ";

struct Writer {
    html: String,
    placeholders: Vec<String>,
    lossy: Vec<String>,
}

impl Writer {
    fn lossy(&mut self, what: impl Into<String>) {
        let what = what.into();
        if !self.lossy.contains(&what) {
            self.lossy.push(what);
        }
    }

    /// Writes a placeholder: inline in running text, as its own paragraph otherwise.
    fn placeholder(&mut self, text: String, inline: bool) {
        let token = format!("{TOKEN_OPEN}{}{TOKEN_CLOSE}", self.placeholders.len());
        self.placeholders.push(text);
        if inline {
            self.html.push_str(&token);
        } else {
            let _ = write!(self.html, "<p>{token}</p>");
        }
    }

    fn nodes(&mut self, nodes: &[Node], parent: &str) {
        for node in nodes {
            match node {
                Node::Text(t) => self.html.push_str(t),
                Node::CData(t) => self.html.push_str(&escape(t)),
                Node::Element(e) => self.element(e, parent),
            }
        }
    }

    fn element(&mut self, e: &Element, parent: &str) {
        let name = e.name.to_ascii_lowercase();
        let inline = INLINE_PARENTS.contains(&parent);
        if let Some(local) = name.strip_prefix("ac:") {
            self.confluence(e, local, inline, parent);
        } else if let Some(resource) = name.strip_prefix("ri:") {
            self.lossy(format!("resource {resource}"));
            self.placeholder(format!("[{}]", describe_resource(e)), inline);
        } else if name == "time" {
            // Storage dates: `<time datetime="2026-11-22" />`.
            self.lossy("date");
            let date = e.attr("datetime").unwrap_or_default();
            self.html.push_str(&escape(&date));
        } else {
            self.html.push('<');
            self.html.push_str(&name);
            for (attr, value) in &e.attrs {
                let _ = write!(self.html, " {attr}=\"{value}\"");
            }
            self.html.push('>');
            if !VOID.contains(&name.as_str()) {
                self.nodes(&e.children, &name);
                let _ = write!(self.html, "</{name}>");
            }
        }
    }

    fn confluence(&mut self, e: &Element, local: &str, inline: bool, parent: &str) {
        match local {
            "structured-macro" | "macro" => self.macro_(e, inline),
            "image" => self.image(e, inline),
            "link" => {
                self.lossy("Confluence link");
                self.placeholder(format!("[{}]", describe_link(e)), inline);
            }
            "emoticon" => {
                self.lossy("emoticon");
                let name = e
                    .attr("ac:emoji-fallback")
                    .or_else(|| e.attr("ac:name"))
                    .unwrap_or_default();
                self.placeholder(format!("[emoticon: {name}]"), inline);
            }
            "task-list" => {
                self.lossy("task list");
                self.html.push_str("<ul>");
                for task in e.children_named("ac:task") {
                    let done = task
                        .child("ac:task-status")
                        .is_some_and(|s| s.text().trim() == "complete");
                    self.html.push_str("<li>");
                    self.placeholder(if done { "[x]" } else { "[ ]" }.to_owned(), true);
                    self.html.push(' ');
                    if let Some(body) = task.child("ac:task-body") {
                        self.nodes(&body.children, "li");
                    }
                    self.html.push_str("</li>");
                }
                self.html.push_str("</ul>");
            }
            "layout" | "layout-section" | "layout-cell" => {
                self.lossy("layout");
                self.html.push_str("<div>");
                self.nodes(&e.children, "div");
                self.html.push_str("</div>");
            }
            "inline-comment-marker" => {
                // The text stays readable; the anchor of the inline comment would be lost.
                self.lossy("inline comment anchor");
                self.nodes(&e.children, parent);
            }
            "placeholder" => {
                self.lossy("placeholder");
                self.placeholder(format!("[placeholder: {}]", e.text().trim()), inline);
            }
            "rich-text-body" | "link-body" => self.nodes(&e.children, parent),
            "plain-text-body" | "plain-text-link-body" => {
                self.html.push_str(&escape(&e.text()));
            }
            other => {
                self.lossy(format!("ac:{other}"));
                self.placeholder(format!("[ac:{other}]"), inline);
                self.nodes(&e.children, parent);
            }
        }
    }

    fn macro_(&mut self, e: &Element, inline: bool) {
        let name = e.attr("ac:name").unwrap_or_else(|| "unnamed".to_owned());
        let params: Vec<(String, String)> = e
            .children_named("ac:parameter")
            .map(|p| (p.attr("ac:name").unwrap_or_default(), p.text()))
            .collect();
        let plain = e.child("ac:plain-text-body").map(Element::text);
        if (name == "code" || name == "noformat") && !inline {
            let language = params
                .iter()
                .find(|(n, _)| n == "language")
                .map(|(_, v)| v.trim().to_owned())
                .unwrap_or_default();
            // A code macro with nothing but a language round-trips through a fenced block.
            if name != "code" || params.iter().any(|(n, _)| n != "language") {
                self.lossy(format!("macro {name}"));
            }
            let class = if language.is_empty() {
                String::new()
            } else {
                format!(" class=\"language-{}\"", escape(&language))
            };
            let _ = write!(
                self.html,
                "<pre><code{class}>{}</code></pre>",
                escape(plain.as_deref().unwrap_or(""))
            );
            return;
        }
        self.lossy(format!("macro {name}"));
        let mut label = format!("[macro: {name}");
        for (param, value) in params.iter().take(4) {
            let value: String = value.split_whitespace().collect::<Vec<_>>().join(" ");
            let value = if value.chars().count() > 40 {
                format!("{}…", value.chars().take(40).collect::<String>())
            } else {
                value
            };
            if param.is_empty() {
                let _ = write!(label, " {value}");
            } else {
                let _ = write!(label, " {param}={value}");
            }
        }
        label.push(']');
        let body = e.child("ac:rich-text-body");
        self.placeholder(label, inline);
        if let Some(body) = body {
            self.nodes(&body.children, if inline { "span" } else { "div" });
        }
        if let Some(text) = plain.filter(|t| !t.trim().is_empty()) {
            let _ = write!(self.html, "<pre><code>{}</code></pre>", escape(&text));
        }
        if body.is_some() {
            self.placeholder(format!("[/macro: {name}]"), inline);
        }
    }

    fn image(&mut self, e: &Element, inline: bool) {
        let alt = e.attr("ac:alt").unwrap_or_default();
        if let Some(url) = e.child("ri:url").and_then(|u| u.attr("ri:value")) {
            if e.attrs
                .iter()
                .any(|(n, _)| !n.eq_ignore_ascii_case("ac:alt"))
            {
                self.lossy("image attributes");
            }
            let _ = write!(
                self.html,
                "<img src=\"{}\" alt=\"{}\">",
                escape(&url),
                escape(&alt)
            );
            return;
        }
        self.lossy("attachment image");
        let what = e
            .children
            .iter()
            .find_map(|n| match n {
                Node::Element(r) => Some(describe_resource(r)),
                _ => None,
            })
            .unwrap_or_else(|| "image".to_owned());
        self.placeholder(format!("[image: {what}]"), inline);
    }
}

/// `attachment diagram.png`, `page Runbook`, `user 5b10…`, …
fn describe_resource(r: &Element) -> String {
    let kind = r
        .name
        .get(3..)
        .unwrap_or(r.name.as_str())
        .to_ascii_lowercase();
    let value = r
        .attr("ri:filename")
        .or_else(|| r.attr("ri:content-title"))
        .or_else(|| r.attr("ri:account-id"))
        .or_else(|| r.attr("ri:space-key"))
        .or_else(|| r.attr("ri:value"))
        .unwrap_or_default();
    if value.is_empty() {
        kind
    } else {
        format!("{kind} {value}")
    }
}

fn describe_link(e: &Element) -> String {
    let target = e
        .children
        .iter()
        .find_map(|n| match n {
            Node::Element(r) if r.name.to_ascii_lowercase().starts_with("ri:") => {
                Some(describe_resource(r))
            }
            _ => None,
        })
        .unwrap_or_else(|| "link".to_owned());
    let text = e
        .child("ac:plain-text-link-body")
        .or_else(|| e.child("ac:link-body"))
        .map(|b| b.text().trim().to_owned())
        .filter(|t| !t.is_empty());
    match (target.strip_prefix("user "), text) {
        (Some(account), None) => format!("mention: {account}"),
        (_, Some(text)) => format!("link to {target}: {text}"),
        (None, None) => format!("link to {target}"),
    }
}

/// What Markdown cannot carry in a storage body (see [`Converted::lossy`]), without
/// converting it.
pub fn lossy_constructs(storage: &str) -> Vec<String> {
    to_markdown(storage).lossy
}

/// Converts a storage body to Markdown with visible placeholders for Confluence-only content.
pub fn to_markdown(storage: &str) -> Converted {
    let tree = parse(storage);
    let mut writer = Writer {
        html: String::with_capacity(storage.len()),
        placeholders: Vec::new(),
        lossy: Vec::new(),
    };
    writer.nodes(&tree, "");
    let converter = htmd::HtmlToMarkdown::builder()
        .options(htmd::options::Options {
            bullet_list_marker: htmd::options::BulletListMarker::Dash,
            ul_bullet_spacing: 1,
            ol_number_spacing: 1,
            ..Default::default()
        })
        .build();
    // htmd fails only on I/O errors of its in-memory reader; fall back to the text.
    let markdown = converter.convert(&writer.html).unwrap_or_else(|_| {
        let mut text = String::new();
        collect_text(&tree, &mut text);
        text
    });
    Converted {
        markdown: restore_placeholders(&markdown, &writer.placeholders),
        lossy: writer.lossy,
    }
}

fn restore_placeholders(markdown: &str, placeholders: &[String]) -> String {
    if placeholders.is_empty() {
        return markdown.to_owned();
    }
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(at) = rest.find(TOKEN_OPEN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + TOKEN_OPEN.len()..];
        let digits = after
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len());
        let replacement = after[digits..]
            .starts_with(TOKEN_CLOSE)
            .then(|| after[..digits].parse::<usize>().ok())
            .flatten()
            .and_then(|i| placeholders.get(i));
        if let Some(text) = replacement {
            out.push_str(text);
            rest = &after[digits + TOKEN_CLOSE.len()..];
        } else {
            out.push_str(TOKEN_OPEN);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_storage_becomes_markdown_without_loss() {
        let c = to_markdown(
            "<h2>Steps</h2><p>Open <code>/login</code> and <strong>check</strong> &amp; retry.</p>\
             <ul><li>one</li><li>two</li></ul>",
        );
        assert_eq!(
            c.markdown,
            "## Steps\n\nOpen `/login` and **check** & retry.\n\n- one\n- two"
        );
        assert!(c.lossy.is_empty());
    }

    #[test]
    fn self_closing_macro_is_a_placeholder_and_does_not_swallow_siblings() {
        let c = to_markdown(
            "<h2>Steps</h2><ac:structured-macro ac:name=\"toc\"/><p>Restart the service.</p>",
        );
        assert_eq!(
            c.markdown,
            "## Steps\n\n[macro: toc]\n\nRestart the service."
        );
        assert_eq!(c.lossy, vec!["macro toc".to_owned()]);
    }

    #[test]
    fn macros_with_parameters_and_bodies_stay_visible() {
        let c = to_markdown(
            "<ac:structured-macro ac:name=\"info\" ac:schema-version=\"1\">\
             <ac:parameter ac:name=\"title\">Heads up</ac:parameter>\
             <ac:rich-text-body><p>Read <em>this</em>.</p></ac:rich-text-body>\
             </ac:structured-macro><p>Status: <ac:structured-macro ac:name=\"status\">\
             <ac:parameter ac:name=\"colour\">Green</ac:parameter>\
             <ac:parameter ac:name=\"title\">DONE</ac:parameter></ac:structured-macro></p>",
        );
        assert_eq!(
            c.markdown,
            "[macro: info title=Heads up]\n\nRead *this*.\n\n[/macro: info]\n\n\
             Status: [macro: status colour=Green title=DONE]"
        );
        assert_eq!(
            c.lossy,
            vec!["macro info".to_owned(), "macro status".to_owned()]
        );
    }

    #[test]
    fn code_macro_becomes_a_fenced_block_without_loss() {
        let c = to_markdown(
            "<ac:structured-macro ac:name=\"code\"><ac:parameter ac:name=\"language\">bash\
             </ac:parameter><ac:plain-text-body><![CDATA[curl -i /login && echo \"<ok>\"]]>\
             </ac:plain-text-body></ac:structured-macro>",
        );
        assert_eq!(c.markdown, "```bash\ncurl -i /login && echo \"<ok>\"\n```");
        assert!(c.lossy.is_empty());
    }

    #[test]
    fn images_links_and_layouts() {
        let c = to_markdown(
            "<ac:layout><ac:layout-section ac:type=\"single\"><ac:layout-cell>\
             <p><ac:image ac:alt=\"logo\"><ri:url ri:value=\"https://x.test/l.png\"/></ac:image></p>\
             <p><ac:image><ri:attachment ri:filename=\"diagram.png\"/></ac:image></p>\
             <p>See <ac:link><ri:page ri:content-title=\"Release checklist\"/></ac:link> \
             and ask <ac:link><ri:user ri:account-id=\"5b10ac\"/></ac:link>.</p>\
             </ac:layout-cell></ac:layout-section></ac:layout>",
        );
        assert_eq!(
            c.markdown,
            "![logo](https://x.test/l.png)\n\n[image: attachment diagram.png]\n\n\
             See [link to page Release checklist] and ask [mention: 5b10ac]."
        );
        assert_eq!(
            c.lossy,
            vec![
                "layout".to_owned(),
                "attachment image".to_owned(),
                "Confluence link".to_owned()
            ]
        );
    }

    #[test]
    fn tasks_and_inline_comments_are_flagged() {
        let c = to_markdown(
            "<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>complete\
             </ac:task-status><ac:task-body>ship it</ac:task-body></ac:task></ac:task-list>\
             <p>A <ac:inline-comment-marker ac:ref=\"abc\">marked</ac:inline-comment-marker> word.</p>",
        );
        assert_eq!(c.markdown, "- [x] ship it\n\nA marked word.");
        assert_eq!(
            c.lossy,
            vec!["task list".to_owned(), "inline comment anchor".to_owned()]
        );
    }

    #[test]
    fn malformed_input_still_converts() {
        let c = to_markdown("<p>unclosed <strong>bold<p>next</em> a < b");
        assert!(c.markdown.contains("unclosed"), "{}", c.markdown);
        assert!(c.markdown.contains("next"), "{}", c.markdown);
        assert!(c.markdown.contains("a < b") || c.markdown.contains("a \\< b"));
    }

    #[test]
    fn placeholder_look_alike_text_is_kept() {
        let c = to_markdown("<p>QzxPH12 and QzxPH3HxzQ</p>");
        assert_eq!(c.markdown, "QzxPH12 and QzxPH3HxzQ");
    }

    #[test]
    fn entities_decode() {
        assert_eq!(
            decode_entities("a &amp; b &#65;&#x42; &bogus; &"),
            "a & b AB &bogus; &"
        );
        assert_eq!(
            escape("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
    }
}
