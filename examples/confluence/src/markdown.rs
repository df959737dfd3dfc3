//! Markdown → Confluence storage format (XHTML), with `pulldown-cmark`.
//!
//! `CommonMark` plus tables and strikethrough. What storage wants differently from HTML:
//! fenced code becomes the `code` macro (CDATA body, `language` parameter), images become
//! `<ac:image><ri:url …/></ac:image>`, and raw HTML in the Markdown is kept as *text*: it would
//! otherwise reach Confluence as markup it may reject (storage is strict XHTML) or
//! misinterpret. Callers who need macros or layouts send `body_format=storage` instead.

use std::fmt::Write as _;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd, html};

use crate::storage::escape;

/// Converts Markdown to a storage-format body.
pub fn to_storage(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut parser = Parser::new_ext(markdown, options);
    while let Some(event) = parser.next() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                    CodeBlockKind::Indented => String::new(),
                };
                let mut code = String::new();
                for inner in parser.by_ref() {
                    match inner {
                        Event::End(TagEnd::CodeBlock) => break,
                        Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => {
                            code.push_str(&t);
                        }
                        _ => {}
                    }
                }
                events.push(Event::Html(CowStr::from(code_macro(&language, &code))));
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let mut alt = String::new();
                let mut depth = 0usize;
                for inner in parser.by_ref() {
                    match inner {
                        Event::End(TagEnd::Image) if depth == 0 => break,
                        Event::Start(Tag::Image { .. }) => depth += 1,
                        Event::End(TagEnd::Image) => depth -= 1,
                        Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                        _ => {}
                    }
                }
                let mut image = String::from("<ac:image");
                if !alt.is_empty() {
                    let _ = write!(image, " ac:alt=\"{}\"", escape(&alt));
                }
                if !title.is_empty() {
                    let _ = write!(image, " ac:title=\"{}\"", escape(&title));
                }
                let _ = write!(
                    image,
                    "><ri:url ri:value=\"{}\" /></ac:image>",
                    escape(&dest_url)
                );
                events.push(Event::Html(CowStr::from(image)));
            }
            // Raw HTML is shown as text, never passed through as markup.
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {}
            other => events.push(other),
        }
    }
    let mut out = String::with_capacity(markdown.len() + markdown.len() / 4);
    html::push_html(&mut out, events.into_iter());
    out.trim_end().to_owned()
}

/// The storage `code` macro for a code block.
fn code_macro(language: &str, code: &str) -> String {
    let mut out = String::from("<ac:structured-macro ac:name=\"code\">");
    if !language.is_empty() {
        let _ = write!(
            out,
            "<ac:parameter ac:name=\"language\">{}</ac:parameter>",
            escape(language)
        );
    }
    // `]]>` cannot appear inside CDATA: split it across two sections.
    let body = code
        .strip_suffix('\n')
        .unwrap_or(code)
        .replace("]]>", "]]]]><![CDATA[>");
    let _ = write!(
        out,
        "<ac:plain-text-body><![CDATA[{body}]]></ac:plain-text-body></ac:structured-macro>"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::to_markdown;

    #[test]
    fn basic_blocks() {
        assert_eq!(
            to_storage("## Repro\n\n- Open `/login`\n- **Fail** & *retry*\n\n---\n\nline  \nbreak"),
            "<h2>Repro</h2>\n<ul>\n<li>Open <code>/login</code></li>\n<li><strong>Fail</strong> \
             &amp; <em>retry</em></li>\n</ul>\n<hr />\n<p>line<br />\nbreak</p>"
        );
    }

    #[test]
    fn code_blocks_become_code_macros() {
        assert_eq!(
            to_storage("```bash\ncurl -i /login && echo ']]>'\n```"),
            "<ac:structured-macro ac:name=\"code\"><ac:parameter ac:name=\"language\">bash\
             </ac:parameter><ac:plain-text-body><![CDATA[curl -i /login && echo ']]]]><![CDATA[>'\
             ]]></ac:plain-text-body></ac:structured-macro>"
        );
    }

    #[test]
    fn images_links_and_tables() {
        assert_eq!(
            to_storage("![a <b>](https://x.test/i.png \"T\") [site](https://x.test?a=1&b=2)"),
            "<p><ac:image ac:alt=\"a \" ac:title=\"T\"><ri:url ri:value=\"https://x.test/i.png\" />\
             </ac:image> <a href=\"https://x.test?a=1&amp;b=2\">site</a></p>"
        );
        let table = to_storage("| a | b |\n|---|---|\n| 1 | 2 |");
        assert!(table.starts_with("<table><thead><tr><th>a</th>"), "{table}");
        assert!(table.contains("<td>1</td>"), "{table}");
    }

    #[test]
    fn raw_html_is_text() {
        assert_eq!(
            to_storage("<details>x</details>\n\nhi <b>there</b>"),
            "&lt;details&gt;x&lt;/details&gt;\n<p>hi &lt;b&gt;there&lt;/b&gt;</p>"
        );
    }

    #[test]
    fn round_trip_is_faithful_for_plain_content() {
        let markdown =
            "## Steps\n\n1. Open `/login`\n2. Check **logs**\n\n```bash\ntail -f x.log\n```";
        let back = to_markdown(&to_storage(markdown));
        assert!(back.lossy.is_empty(), "{:?}", back.lossy);
        assert_eq!(back.markdown, markdown);
    }
}
