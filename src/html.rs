//! HTML pages → titled, anchored passages (build time).
//!
//! A small, forgiving HTML reader, enough for the pages a site owner points the index at; no
//! dependency, no DOM. [`tokens`] cuts the source into start tags, end tags and text (comments,
//! doctypes and processing instructions dropped; `<script>`/`<style>` and the other raw-text
//! elements read up to their end tag; character references decoded). [`extract`] walks the
//! tokens with a stack of open elements and keeps the page's readable text:
//!
//! * **What is read.** The content of `<main>`; without one, of the `<article>`s; without those,
//!   of `<body>` (everything outside `<head>`). Never read: `script`, `style`, `template`,
//!   `noscript`, `nav`, `svg`, `math`, `iframe`, `object`, `canvas`, `select`, `textarea`,
//!   `button`, elements with a `hidden` attribute or `aria-hidden="true"`, and the page's
//!   banner/footer/sidebar: `header`, `footer` and `aside` that are not inside an `article`,
//!   `main` or `section` (HTML's own rule for when they belong to the page rather than to a
//!   piece of content).
//! * **Headings cut sections.** Every `h1`–`h6` with text opens a section titled by it. Its
//!   anchor is the heading's `id`, else the `id` (or `<a name>`) of an element inside it, else
//!   the `id` of the nearest enclosing element whose first heading it is (`<section id=…>`); a
//!   heading without any of these has no anchor (none is invented). Text before the first
//!   heading is titled by the page's first `h1`, else its `<title>`.
//! * **Blocks are paragraphs.** Block elements (`p`, `div`, `li`, `tr`, `pre`, …) end a
//!   paragraph, `<br>` ends a line. Whitespace collapses as a browser shows it, except that a
//!   line break next to a CJK character is dropped (it is source formatting, not a space);
//!   `<pre>` is collapsed too (search needs the words, not the layout).
//!   Paragraphs become passages with the same splitting and merging as text files.
//!
//! Malformed markup never fails: unknown tags are inline, stray end tags are ignored, unclosed
//! elements end with their parent or the file, and nesting deeper than [`MAX_DEPTH`] is
//! flattened (so the work stays linear in the size of the page).

use crate::normalize::is_cjk;
use crate::passage::{
    enter_heading, section_from_paragraphs, visible_chars, LinkedParagraph, Section,
};

/// Open elements tracked at most; deeper start tags are read as inline (browsers flatten too).
pub const MAX_DEPTH: usize = 512;

/// One piece of HTML source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    /// A start tag: lower-case name, attributes (lower-case names, decoded values) and whether
    /// it ended in `/>`.
    Start {
        name: String,
        attrs: Vec<(String, String)>,
        self_closing: bool,
    },
    End {
        name: String,
    },
    /// Text with character references decoded.
    Text(String),
}

impl Token {
    fn attr(&self, key: &str) -> Option<&str> {
        match self {
            Token::Start { attrs, .. } => attrs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str()),
            _ => None,
        }
    }
}

/// Elements whose content is text up to their end tag (no markup, no character references for
/// the raw ones).
fn raw_text_kind(name: &str) -> Option<bool> {
    match name {
        "script" | "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => Some(false),
        "title" | "textarea" => Some(true),
        _ => None,
    }
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Elements that start and end a paragraph.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
    )
}

/// Elements whose content is never indexed.
fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "template"
            | "noscript"
            | "nav"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "canvas"
            | "select"
            | "textarea"
            | "button"
            | "head"
            | "title"
    )
}

fn heading_level(name: &str) -> Option<u8> {
    match name.as_bytes() {
        [b'h', d @ b'1'..=b'6'] => Some(d - b'0'),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Character references

/// Named references decoded (the common ones; any other stays as written, like a browser does
/// with an unknown name).
const NAMED: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", '\u{A0}'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("thinsp", '\u{2009}'),
    ("zwnj", '\u{200C}'),
    ("zwj", '\u{200D}'),
    ("shy", '\u{AD}'),
    ("copy", '©'),
    ("reg", '®'),
    ("trade", '™'),
    ("hellip", '…'),
    ("mdash", '—'),
    ("ndash", '–'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("sbquo", '‚'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("bdquo", '„'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("lsaquo", '‹'),
    ("rsaquo", '›'),
    ("middot", '·'),
    ("bull", '•'),
    ("deg", '°'),
    ("plusmn", '±'),
    ("times", '×'),
    ("divide", '÷'),
    ("minus", '−'),
    ("micro", 'µ'),
    ("para", '¶'),
    ("sect", '§'),
    ("dagger", '†'),
    ("Dagger", '‡'),
    ("permil", '‰'),
    ("prime", '′'),
    ("Prime", '″'),
    ("cent", '¢'),
    ("pound", '£'),
    ("yen", '¥'),
    ("euro", '€'),
    ("larr", '←'),
    ("rarr", '→'),
    ("uarr", '↑'),
    ("darr", '↓'),
    ("harr", '↔'),
    ("frac12", '½'),
    ("frac14", '¼'),
    ("frac34", '¾'),
    ("sup2", '²'),
    ("sup3", '³'),
    ("iexcl", '¡'),
    ("iquest", '¿'),
    ("ordf", 'ª'),
    ("ordm", 'º'),
    ("acute", '´'),
    ("uml", '¨'),
    ("cedil", '¸'),
    ("macr", '¯'),
    ("not", '¬'),
    ("brvbar", '¦'),
    ("curren", '¤'),
    ("alpha", 'α'),
    ("beta", 'β'),
    ("gamma", 'γ'),
    ("delta", 'δ'),
    ("pi", 'π'),
    ("sigma", 'σ'),
    ("omega", 'ω'),
    ("infin", '∞'),
    ("ne", '≠'),
    ("le", '≤'),
    ("ge", '≥'),
    ("asymp", '≈'),
    ("star", '☆'),
];

/// Names recognised even without the closing `;` (HTML's legacy references), in text only.
const LEGACY: &[&str] = &["amp", "lt", "gt", "quot", "nbsp", "copy", "reg"];

/// Windows-1252 meanings of the C1 code points, which `&#128;`–`&#159;` stand for.
const C1: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

fn numeric_reference(digits: &str, radix: u32) -> char {
    // Saturating: an overlong number is out of range (U+FFFD), not an overflow.
    let value = digits.chars().fold(0u32, |acc, c| {
        acc.saturating_mul(radix)
            .saturating_add(c.to_digit(radix).unwrap_or(0))
    });
    match value {
        0x80..=0x9F => C1[(value - 0x80) as usize],
        0 => '\u{FFFD}',
        _ => char::from_u32(value).unwrap_or('\u{FFFD}'),
    }
}

fn named(name: &str) -> Option<char> {
    NAMED.iter().find(|(n, _)| *n == name).map(|&(_, c)| c)
}

/// Decodes character references in `text` (`in_attribute`: legacy names without `;` only when
/// not followed by `=` or an alphanumeric, as in attribute values).
pub fn decode_entities(text: &str, in_attribute: bool) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let after = &rest[1..];
        if let Some(num) = after.strip_prefix('#') {
            let (hex, body) = match num.strip_prefix(['x', 'X']) {
                Some(body) => (true, body),
                None => (false, num),
            };
            let len = body
                .bytes()
                .take_while(|b| {
                    if hex {
                        b.is_ascii_hexdigit()
                    } else {
                        b.is_ascii_digit()
                    }
                })
                .count();
            if len > 0 {
                out.push(numeric_reference(&body[..len], if hex { 16 } else { 10 }));
                let consumed = 2 + (num.len() - body.len()) + len;
                rest = &rest[consumed..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
                continue;
            }
        } else {
            let len = after.bytes().take_while(u8::is_ascii_alphanumeric).count();
            let run = &after[..len];
            if let (true, Some(c)) = (after[len..].starts_with(';'), named(run)) {
                out.push(c);
                rest = &rest[2 + len..];
                continue;
            }
            // Legacy names also count without `;`, as the longest one the run starts with;
            // in attribute values not when a letter, digit or `=` follows.
            let legacy = LEGACY
                .iter()
                .filter(|n| run.starts_with(**n))
                .max_by_key(|n| n.len());
            if let Some(name) = legacy {
                let next = after[name.len()..].bytes().next();
                if !(in_attribute && next.is_some_and(|b| b == b'=' || b.is_ascii_alphanumeric())) {
                    out.push(named(name).unwrap_or('&'));
                    rest = &rest[1 + name.len()..];
                    continue;
                }
            }
        }
        out.push('&');
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

fn starts_with_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack.len() >= needle.len()
        && haystack.as_bytes()[..needle.len()].eq_ignore_ascii_case(needle.as_bytes())
}

/// Byte offset of the `</name` that ends a raw-text element in `rest` (followed by whitespace,
/// `/` or `>`), or `rest.len()`.
fn raw_text_end(rest: &str, name: &str) -> usize {
    let bytes = rest.as_bytes();
    let mut from = 0;
    while let Some(i) = rest[from..].find("</") {
        let at = from + i;
        let after = at + 2 + name.len();
        if starts_with_ignore_case(&rest[at + 2..], name)
            && bytes
                .get(after)
                .is_none_or(|b| b.is_ascii_whitespace() || *b == b'/' || *b == b'>')
        {
            return at;
        }
        from = at + 2;
    }
    rest.len()
}

/// Parses a start or end tag at the start of `s` (which begins with `<`); returns the token and
/// the bytes consumed, or `None` when the `<` does not start a tag.
fn parse_tag(s: &str) -> Option<(Token, usize)> {
    let bytes = s.as_bytes();
    let end_tag = bytes.get(1) == Some(&b'/');
    let name_start = if end_tag { 2 } else { 1 };
    if !bytes.get(name_start)?.is_ascii_alphabetic() {
        return None;
    }
    let is_name_end = |b: u8| b.is_ascii_whitespace() || b == b'/' || b == b'>';
    let mut i = name_start;
    while i < bytes.len() && !is_name_end(bytes[i]) {
        i += 1;
    }
    let name = s[name_start..i].to_ascii_lowercase();
    let mut attrs: Vec<(String, String)> = Vec::new();
    let mut self_closing = false;
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            self_closing = bytes[i] == b'/';
            i += 1;
        }
        match bytes.get(i) {
            None => return Some((end_or_start(end_tag, name, attrs, false), bytes.len())),
            Some(b'>') => {
                i += 1;
                break;
            }
            _ => {}
        }
        self_closing = false;
        // Attribute name (a leading `=` is part of the name, as in HTML).
        let start = i;
        i += 1;
        while i < bytes.len() && !is_name_end(bytes[i]) && bytes[i] != b'=' {
            i += 1;
        }
        let key = s[start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let close = s[i + 1..]
                        .find(q as char)
                        .map_or(bytes.len(), |p| i + 1 + p);
                    value = decode_entities(&s[i + 1..close], true);
                    i = (close + 1).min(bytes.len());
                }
                _ => {
                    let start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = decode_entities(&s[start..i], true);
                }
            }
        }
        if !attrs.iter().any(|(k, _)| *k == key) {
            attrs.push((key, value));
        }
    }
    Some((end_or_start(end_tag, name, attrs, self_closing), i))
}

fn end_or_start(
    end_tag: bool,
    name: String,
    attrs: Vec<(String, String)>,
    self_closing: bool,
) -> Token {
    if end_tag {
        Token::End { name }
    } else {
        Token::Start {
            name,
            attrs,
            self_closing,
        }
    }
}

/// Cuts HTML source into tokens.
pub fn tokens(html: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut text_start = 0;
    let mut pos = 0;
    let flush_text = |out: &mut Vec<Token>, from: usize, to: usize| {
        if to > from {
            out.push(Token::Text(decode_entities(&html[from..to], false)));
        }
    };
    while let Some(i) = html[pos..].find('<') {
        let at = pos + i;
        let rest = &html[at..];
        let skip_to = |needle: &str, from: usize| {
            rest[from..]
                .find(needle)
                .map_or(rest.len(), |p| from + p + needle.len())
        };
        let consumed = if rest.starts_with("<!--") {
            Some((None, skip_to("-->", 2)))
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            Some((None, skip_to(">", 2)))
        } else {
            parse_tag(rest).map(|(token, len)| (Some(token), len))
        };
        let Some((token, len)) = consumed else {
            pos = at + 1;
            continue;
        };
        flush_text(&mut out, text_start, at);
        pos = at + len;
        text_start = pos;
        let Some(token) = token else { continue };
        let raw = match &token {
            Token::Start { name, .. } => raw_text_kind(name).map(|decoded| (name.clone(), decoded)),
            _ => None,
        };
        out.push(token);
        if let Some((name, decoded)) = raw {
            let end = pos + raw_text_end(&html[pos..], &name);
            if end > pos {
                let text = &html[pos..end];
                out.push(Token::Text(if decoded {
                    decode_entities(text, false)
                } else {
                    text.to_string()
                }));
            }
            pos = end;
            text_start = end;
        }
    }
    flush_text(&mut out, text_start, html.len());
    out
}

// ---------------------------------------------------------------------------------------------
// Extraction

/// What a page reads as, before passages are cut.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Heading {
        level: u8,
        text: String,
        anchor: Option<String>,
    },
    /// A paragraph and how many of its visible characters are inside `<a href>`.
    Paragraph { text: String, link_chars: usize },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Root {
    Main,
    Article,
    Body,
}

struct Open {
    name: String,
    id: Option<String>,
    /// Headings that started inside this element so far.
    headings: u32,
    skip: bool,
    /// Counted in `Walker::root_depth`.
    root: bool,
    /// An `<a href>`: counted in `Walker::link_depth`.
    link: bool,
}

#[derive(Default)]
struct HeadingDraft {
    level: u8,
    lines: Vec<String>,
    anchor: Option<String>,
    inner_anchor: Option<String>,
}

/// Collapses whitespace as a browser displays it (runs become one space, none at the ends),
/// except that a run containing a line break next to a CJK character disappears.
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending: Option<bool> = None; // Some(has_newline) while inside a whitespace run
    for c in text.chars() {
        if c.is_whitespace() || c == '\u{A0}' {
            let newline = c == '\n' || c == '\r';
            pending = Some(pending.unwrap_or(false) || newline);
            continue;
        }
        if let Some(newline) = pending.take() {
            let previous = out.chars().next_back();
            if let Some(previous) = previous {
                let cjk_side = is_cjk_or_punct(previous) || is_cjk_or_punct(c);
                if !(newline && cjk_side) {
                    out.push(' ');
                }
            }
        }
        out.push(c);
    }
    out
}

fn is_cjk_or_punct(c: char) -> bool {
    is_cjk(c) || matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF | 0x2010..=0x2027)
}

/// Lines joined by `\n`, each collapsed, empty lines dropped.
fn join_lines(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| collapse(l))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Permalink markers some generators append to headings (`¶`, `#`, `§`, `🔗`).
fn trim_permalink(text: &str) -> &str {
    text.trim_end_matches(['¶', '#', '§', '🔗', ' ']).trim_end()
}

struct Walker {
    root: Root,
    stack: Vec<Open>,
    /// Start tags beyond MAX_DEPTH, whose end tags are ignored.
    overflow: usize,
    skip_depth: usize,
    root_depth: usize,
    /// Open article/main/section elements (where header/footer/aside belong to content).
    sectioning: usize,
    /// Open svg/math elements (where `/>` closes an element).
    foreign: usize,
    saw_root: bool,
    /// Open `<a href>` elements.
    link_depth: usize,
    /// Visible characters of link text in the paragraph being read.
    paragraph_links: usize,
    lines: Vec<String>,
    heading: Option<HeadingDraft>,
    blocks: Vec<Block>,
    title: Option<String>,
    title_buf: Option<String>,
}

impl Walker {
    fn new(root: Root) -> Walker {
        Walker {
            root,
            stack: Vec::new(),
            overflow: 0,
            skip_depth: 0,
            root_depth: 0,
            sectioning: 0,
            foreign: 0,
            saw_root: false,
            link_depth: 0,
            paragraph_links: 0,
            lines: vec![String::new()],
            heading: None,
            blocks: Vec::new(),
            title: None,
            title_buf: None,
        }
    }

    fn is_root(&self, name: &str) -> bool {
        match self.root {
            Root::Main => name == "main",
            Root::Article => name == "article",
            Root::Body => name == "body",
        }
    }

    /// Whether text at this point is page content.
    fn reading(&self) -> bool {
        self.skip_depth == 0 && (self.root_depth > 0 || self.root == Root::Body)
    }

    fn flush_paragraph(&mut self) {
        if self.heading.is_some() {
            return;
        }
        let text = join_lines(&self.lines);
        self.lines = vec![String::new()];
        let link_chars = std::mem::take(&mut self.paragraph_links);
        if !text.is_empty() {
            self.blocks.push(Block::Paragraph {
                link_chars: link_chars.min(visible_chars(&text)),
                text,
            });
        }
    }

    fn line_break(&mut self) {
        match &mut self.heading {
            Some(h) => h.lines.push(String::new()),
            None => self.lines.push(String::new()),
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(title) = &mut self.title_buf {
            title.push_str(text);
            return;
        }
        if !self.reading() {
            return;
        }
        if self.link_depth > 0 && self.heading.is_none() {
            self.paragraph_links += visible_chars(text);
        }
        let lines = match &mut self.heading {
            Some(h) => &mut h.lines,
            None => &mut self.lines,
        };
        match lines.last_mut() {
            Some(line) => line.push_str(text),
            None => lines.push(text.to_string()),
        }
    }

    fn finish_heading(&mut self) {
        if let Some(h) = self.heading.take() {
            let text = join_lines(&h.lines).replace('\n', " ");
            let text = trim_permalink(&text).to_string();
            if !text.is_empty() {
                self.blocks.push(Block::Heading {
                    level: h.level,
                    text,
                    anchor: h.anchor.or(h.inner_anchor),
                });
            }
        }
    }

    fn pop(&mut self) {
        let Some(open) = self.stack.pop() else { return };
        if open.skip {
            self.skip_depth -= 1;
        }
        if open.root {
            self.root_depth -= 1;
        }
        if open.link {
            self.link_depth -= 1;
        }
        match open.name.as_str() {
            "article" | "main" | "section" => self.sectioning -= 1,
            "svg" | "math" => self.foreign -= 1,
            _ => {}
        }
        if open.name == "title" {
            if let Some(title) = self.title_buf.take() {
                let title = collapse(&title);
                if self.title.is_none() && !title.is_empty() {
                    self.title = Some(title);
                }
            }
        }
        if heading_level(&open.name).is_some() && self.heading.is_some() {
            self.finish_heading();
        } else if is_block(&open.name) {
            self.flush_paragraph();
        }
    }

    /// Pops back to (and including) the element at `index`.
    fn pop_to(&mut self, index: usize) {
        while self.stack.len() > index {
            self.pop();
        }
    }

    /// The index of the innermost open element named in `names`, unless one of `barriers` is
    /// open inside it.
    fn find_open(&self, names: &[&str], barriers: &[&str]) -> Option<usize> {
        for (i, open) in self.stack.iter().enumerate().rev() {
            if names.contains(&open.name.as_str()) {
                return Some(i);
            }
            if barriers.contains(&open.name.as_str()) {
                return None;
            }
        }
        None
    }

    /// Closes what HTML closes implicitly when `name` starts.
    fn implied_ends(&mut self, name: &str) {
        let target = match name {
            "li" => self.find_open(&["li"], &["ul", "ol", "menu"]),
            "dt" | "dd" => self.find_open(&["dt", "dd"], &["dl"]),
            "tr" => self.find_open(&["tr"], &["table"]),
            "td" | "th" => self.find_open(&["td", "th"], &["tr", "table"]),
            "option" => self.find_open(&["option"], &["select"]),
            _ => None,
        };
        if let Some(i) = target {
            self.pop_to(i);
        }
        if is_block(name) {
            // A block closes an open paragraph, when only inline elements are inside it.
            let p = self
                .stack
                .iter()
                .rposition(|o| o.name == "p" || is_block(&o.name));
            if let Some(i) = p.filter(|&i| self.stack[i].name == "p") {
                self.pop_to(i);
            }
            if heading_level(name).is_some() {
                if let Some(i) = self
                    .stack
                    .iter()
                    .rposition(|o| heading_level(&o.name).is_some())
                {
                    // A heading inside a heading ends the first one (as HTML does).
                    if self.stack[i + 1..].iter().all(|o| !is_block(&o.name)) {
                        self.pop_to(i);
                    }
                }
            }
        }
    }

    fn start(&mut self, token: &Token) {
        let Token::Start {
            name, self_closing, ..
        } = token
        else {
            return;
        };
        let name = name.as_str();
        let in_foreign = self.foreign > 0 || matches!(name, "svg" | "math");
        self.implied_ends(name);
        if name == "br" {
            if self.reading() {
                self.line_break();
            }
            return;
        }
        if is_void(name) || (*self_closing && in_foreign) {
            if is_block(name) && self.reading() {
                self.flush_paragraph();
            }
            return;
        }
        if self.stack.len() >= MAX_DEPTH {
            self.overflow += 1;
            return;
        }
        let id = token
            .attr("id")
            .filter(|v| !v.trim().is_empty())
            .map(str::to_string);
        let hidden = token.attr("hidden").is_some()
            || token
                .attr("aria-hidden")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        let chrome = matches!(name, "header" | "footer" | "aside") && self.sectioning == 0;
        let skip = is_skipped(name) || hidden || chrome;
        if is_block(name) && self.reading() {
            self.flush_paragraph();
        }
        // Anchors: inside a heading, the first id or <a name> is the heading's fallback anchor.
        if let Some(h) = &mut self.heading {
            if h.inner_anchor.is_none() {
                h.inner_anchor = id.clone().or_else(|| {
                    (name == "a")
                        .then(|| token.attr("name"))
                        .flatten()
                        .filter(|v| !v.trim().is_empty())
                        .map(str::to_string)
                });
            }
        }
        let level = heading_level(name);
        if let (Some(level), true, false) = (level, self.reading(), skip) {
            let enclosing = self
                .stack
                .iter()
                .rev()
                .find(|o| o.id.is_some())
                .filter(|o| o.headings == 0)
                .and_then(|o| o.id.clone());
            self.heading = Some(HeadingDraft {
                level,
                lines: vec![String::new()],
                anchor: id.clone().or(enclosing),
                inner_anchor: None,
            });
            for open in &mut self.stack {
                open.headings += 1;
            }
        }
        if name == "title" && self.title.is_none() && self.foreign == 0 {
            self.title_buf = Some(String::new());
        }
        let root = self.is_root(name) && !skip && self.skip_depth == 0;
        if root {
            self.root_depth += 1;
            self.saw_root = true;
        }
        match name {
            "article" | "main" | "section" => self.sectioning += 1,
            "svg" | "math" => self.foreign += 1,
            _ => {}
        }
        if skip {
            self.skip_depth += 1;
        }
        let link = name == "a" && token.attr("href").is_some();
        if link {
            self.link_depth += 1;
        }
        self.stack.push(Open {
            name: name.to_string(),
            id,
            headings: 0,
            skip,
            root,
            link,
        });
    }

    fn end(&mut self, name: &str) {
        if self.overflow > 0 {
            self.overflow -= 1;
            return;
        }
        if name == "br" {
            if self.reading() {
                self.line_break();
            }
            return;
        }
        let open = self.stack.iter().rposition(|o| o.name == name).or_else(|| {
            // Any heading end tag ends the open heading (`<h2>…</h3>`), as in HTML.
            heading_level(name)?;
            self.stack
                .iter()
                .rposition(|o| heading_level(&o.name).is_some())
        });
        match open {
            Some(i) => self.pop_to(i),
            // A stray </p> is an empty paragraph: it still ends the one before.
            None if name == "p" && self.reading() => self.flush_paragraph(),
            None => {}
        }
    }

    fn finish(mut self) -> (Vec<Block>, Option<String>, bool) {
        self.pop_to(0);
        self.finish_heading();
        self.flush_paragraph();
        (self.blocks, self.title, self.saw_root)
    }
}

fn walk(tokens: &[Token], root: Root) -> (Vec<Block>, Option<String>, bool) {
    let mut walker = Walker::new(root);
    for token in tokens {
        match token {
            Token::Start { .. } => walker.start(token),
            Token::End { name } => walker.end(name),
            Token::Text(text) => walker.text(text),
        }
    }
    walker.finish()
}

/// The readable blocks of a page and its `<title>`: `<main>` if the page has one with text,
/// else its `<article>`s, else its body.
pub fn page_blocks(html: &str) -> (Vec<Block>, Option<String>) {
    let tokens = tokens(html);
    let mut title = None;
    for root in [Root::Main, Root::Article, Root::Body] {
        let (blocks, page_title, saw_root) = walk(&tokens, root);
        title = title.or(page_title);
        if root == Root::Body || (saw_root && !blocks.is_empty()) {
            return (blocks, title);
        }
    }
    (Vec::new(), title)
}

/// A page as read: its title (`<title>`, else the first `h1`, whitespace collapsed) and its
/// readable blocks in order. The builder sees pages in this shape so that it can drop
/// boilerplate blocks across pages before passages are cut ([`sections`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Page {
    pub title: Option<String>,
    /// The `<title>` alone (the leading untitled text prefers the first `h1`).
    pub title_tag: Option<String>,
    pub blocks: Vec<Block>,
}

impl Page {
    /// The first `h1`'s text.
    pub fn first_h1(&self) -> Option<&str> {
        self.blocks.iter().find_map(|b| match b {
            Block::Heading { level: 1, text, .. } => Some(text.as_str()),
            _ => None,
        })
    }
}

/// Reads a page ([`page_blocks`]) into a [`Page`].
pub fn read_page(html: &str) -> Page {
    let (blocks, title_tag) = page_blocks(html);
    let mut page = Page {
        title: None,
        title_tag,
        blocks,
    };
    page.title = page
        .title_tag
        .clone()
        .or_else(|| page.first_h1().map(str::to_string));
    page
}

/// A page's sections: one per heading (titled by it, with its anchor and the headings above it
/// as `parents`), preceded by the text before the first heading (titled by the page's first
/// `h1`, else its `<title>`).
pub fn sections(page: &Page) -> Vec<Section> {
    let lead_title = page
        .first_h1()
        .map(str::to_string)
        .or_else(|| page.title_tag.clone());
    let mut sections = Vec::new();
    // The open headings (level, text) above the current one.
    let mut open: Vec<(usize, String)> = Vec::new();
    let mut heading: Option<(String, Option<String>, Vec<String>)> = None;
    let mut paragraphs: Vec<LinkedParagraph> = Vec::new();
    let mut close = |heading: Option<(String, Option<String>, Vec<String>)>,
                     paragraphs: &mut Vec<LinkedParagraph>| {
        let (headings, anchor, parents) = match heading {
            Some((text, anchor, parents)) => (vec![text], anchor, parents),
            None => (lead_title.iter().cloned().collect(), None, Vec::new()),
        };
        sections.extend(section_from_paragraphs(
            headings, parents, anchor, paragraphs,
        ));
        paragraphs.clear();
    };
    let mut started = false;
    for block in &page.blocks {
        match block {
            Block::Heading {
                level,
                text,
                anchor,
            } => {
                if started || !paragraphs.is_empty() {
                    close(heading.take(), &mut paragraphs);
                }
                let parents = enter_heading(&mut open, usize::from(*level), text);
                heading = Some((text.clone(), anchor.clone(), parents));
                started = true;
            }
            Block::Paragraph { text, link_chars } => paragraphs.push(LinkedParagraph {
                text: text.clone(),
                link_chars: *link_chars,
            }),
        }
    }
    if started || !paragraphs.is_empty() {
        close(heading, &mut paragraphs);
    }
    sections
}

/// A page's sections ([`read_page`], then [`sections`]).
pub fn extract(html: &str) -> Vec<Section> {
    sections(&read_page(html))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(html: &str) -> Vec<Block> {
        page_blocks(html).0
    }

    fn para(s: &str) -> Block {
        Block::Paragraph {
            text: s.to_string(),
            link_chars: 0,
        }
    }

    fn heading(level: u8, text: &str, anchor: Option<&str>) -> Block {
        Block::Heading {
            level,
            text: text.to_string(),
            anchor: anchor.map(str::to_string),
        }
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities(
                "a &amp; b &lt;c&gt; &quot;&#39;&#x4E2D;&#25991; &copy;",
                false
            ),
            "a & b <c> \"'中文 ©"
        );
        assert_eq!(
            decode_entities("AT&T &unknown; &", false),
            "AT&T &unknown; &"
        );
        assert_eq!(decode_entities("&amp &ampx &copy2024", false), "& &x ©2024");
        assert_eq!(decode_entities("?a=1&ampx=2", true), "?a=1&ampx=2");
        assert_eq!(
            decode_entities("&#0;&#x110000;&#xD800;&#99999999999999;", false),
            "\u{FFFD}".repeat(4)
        );
        assert_eq!(decode_entities("&#150;&#x80;", false), "–€");
        assert_eq!(decode_entities("&#", false), "&#");
        assert_eq!(decode_entities("中&nbsp;文", false), "中\u{A0}文");
    }

    #[test]
    fn tokenizer_handles_comments_raw_text_and_attributes() {
        let t = tokens(
            "<!DOCTYPE html><!-- <p>x</p> --><P Class=a id=\"q&amp;a\" hidden data-x='1>2'>hi</p>\
             <script>if (a<b) { '</p>' }</script ><style>p{}</style><title>A &amp; B</title>\
             <?xml x?>1 < 2 <3",
        );
        assert_eq!(
            t,
            vec![
                Token::Start {
                    name: "p".into(),
                    attrs: vec![
                        ("class".into(), "a".into()),
                        ("id".into(), "q&a".into()),
                        ("hidden".into(), String::new()),
                        ("data-x".into(), "1>2".into()),
                    ],
                    self_closing: false
                },
                Token::Text("hi".into()),
                Token::End { name: "p".into() },
                Token::Start {
                    name: "script".into(),
                    attrs: vec![],
                    self_closing: false
                },
                Token::Text("if (a<b) { '</p>' }".into()),
                Token::End {
                    name: "script".into()
                },
                Token::Start {
                    name: "style".into(),
                    attrs: vec![],
                    self_closing: false
                },
                Token::Text("p{}".into()),
                Token::End {
                    name: "style".into()
                },
                Token::Start {
                    name: "title".into(),
                    attrs: vec![],
                    self_closing: false
                },
                Token::Text("A & B".into()),
                Token::End {
                    name: "title".into()
                },
                Token::Text("1 < 2 <3".into()),
            ]
        );
        // Unterminated constructs run to the end without panicking.
        for s in [
            "<",
            "<a",
            "<a href=",
            "<a href='x",
            "<!--",
            "<script>x",
            "</",
            "<p/",
            "&#x",
        ] {
            let _ = tokens(s);
            let _ = extract(s);
        }
    }

    #[test]
    fn main_is_read_and_chrome_is_skipped() {
        let html = r##"<html><head><title>站点 &middot; 页面</title><style>h1{}</style></head>
            <body><header><a href="/">首页</a></header><nav><ul><li>导航</li></ul></nav>
            <main id="content"><h1>安装指南</h1><p>第一段
            文字，
            继续。</p><script>var x = "<p>不要</p>";</script>
            <h2 id="setup">配置 <a class="headerlink" href="#setup">¶</a></h2>
            <p>设置&nbsp;A &amp; B。<br>第二行</p><div hidden>隐藏</div><button>复制</button>
            <ul><li>一<li>二</ul></main>
            <footer>版权所有</footer></body></html>"##;
        assert_eq!(
            blocks(html),
            vec![
                heading(1, "安装指南", Some("content")),
                para("第一段文字，继续。"),
                heading(2, "配置", Some("setup")),
                para("设置 A & B。\n第二行"),
                para("一"),
                para("二"),
            ]
        );
        assert_eq!(page_blocks(html).1.as_deref(), Some("站点 · 页面"));
    }

    #[test]
    fn without_main_articles_then_body() {
        let html = "<body><header>站头</header><article><header><h1>文章</h1></header><p>正文。</p>\
                    <footer>文末</footer></article><aside>侧栏</aside><article><p>第二篇。</p></article></body>";
        assert_eq!(
            blocks(html),
            vec![
                heading(1, "文章", None),
                para("正文。"),
                para("文末"),
                para("第二篇。")
            ]
        );
        let html = "<body><header>站头</header><section id=s1><h2>小节</h2><p>内容</p><h3>子</h3>\
                    <footer>节尾</footer></section><aside>侧栏</aside><footer>页脚</footer></body>";
        assert_eq!(
            blocks(html),
            vec![
                heading(2, "小节", Some("s1")),
                para("内容"),
                heading(3, "子", None),
                para("节尾")
            ]
        );
        // A fragment without <body>: everything outside <head>.
        assert_eq!(blocks("<p>片段</p>文字"), vec![para("片段"), para("文字")]);
        // An empty <main> falls back to the body.
        assert_eq!(blocks("<main></main><p>正文</p>"), vec![para("正文")]);
    }

    #[test]
    fn anchors_from_inner_ids_and_enclosing_sections() {
        let html = "<main><section id=a><h2>甲</h2><p>x</p><h3>乙</h3></section>\
                    <h2><a id=c></a>丙</h2><h2><a name=d>丁</a></h2>\
                    <div id=e><div><h2 id=f>戊</h2></div></div><h2></h2></main>";
        assert_eq!(
            blocks(html),
            vec![
                heading(2, "甲", Some("a")),
                para("x"),
                heading(3, "乙", None),
                heading(2, "丙", Some("c")),
                heading(2, "丁", Some("d")),
                heading(2, "戊", Some("f")),
            ]
        );
    }

    #[test]
    fn whitespace_collapses_like_a_browser_with_cjk_line_breaks_dropped() {
        assert_eq!(collapse("  a \n b  "), "a b");
        assert_eq!(collapse("中\n  文"), "中文");
        assert_eq!(collapse("中 文"), "中 文");
        assert_eq!(collapse("中\nA"), "中A");
        assert_eq!(collapse("A\nB"), "A B");
        assert_eq!(collapse("\u{A0}x\u{A0}"), "x");
    }

    #[test]
    fn sections_with_titles_and_anchors() {
        let html = "<html><head><title>网站标题</title></head><body><p>开头的介绍。</p>\
                    <h2 id=one>第一节</h2><p>内容一。</p><h2>第二节</h2><h3 id=three>第三节</h3><p>内容三。</p></body></html>";
        let sections = extract(html);
        let got: Vec<(String, Option<&str>, Vec<String>)> = sections
            .iter()
            .map(|s| (s.title(), s.anchor.as_deref(), s.passages.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("网站标题".into(), None, vec!["开头的介绍。".into()]),
                ("第一节".into(), Some("one"), vec!["内容一。".into()]),
                ("第二节".into(), None, vec![String::new()]),
                ("第三节".into(), Some("three"), vec!["内容三。".into()]),
            ]
        );
        assert!(extract("<html><head><title>空</title></head><body> </body></html>").is_empty());
        // No <title>, no h1: the leading text gets a derived title.
        assert_eq!(
            extract("<p>今天天气很好，我们去公园。</p>")[0].title(),
            "今天天气很好"
        );
    }

    #[test]
    fn page_title_is_the_title_tag_else_the_first_h1() {
        let table = [
            (
                "<title>  Debian \n\t FAQ 手册 </title><h1>大标题</h1>",
                Some("Debian FAQ 手册"),
            ),
            (
                "<h2>小</h2><h1>大 <b>标题</b></h1><h1>第二</h1>",
                Some("大 标题"),
            ),
            ("<title> </title><h1>大标题</h1>", Some("大标题")),
            ("<p>没有标题</p>", None),
        ];
        for (html, want) in table {
            assert_eq!(read_page(html).title.as_deref(), want, "{html}");
        }
    }

    #[test]
    fn parents_are_the_heading_path_above_each_section() {
        let html = "<h1>书</h1><p>序。</p><h2>第一章</h2><h3>一节</h3><p>甲</p><h4>细目</h4>\
                    <h3>二节</h3><h2>第二章</h2><p>乙</p><h4>跳级</h4><h1>附录</h1>";
        let got: Vec<(String, Vec<String>)> = extract(html)
            .into_iter()
            .map(|s| (s.title(), s.parents))
            .collect();
        let path = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            got,
            vec![
                ("书".into(), path(&[])),
                ("第一章".into(), path(&["书"])),
                ("一节".into(), path(&["书", "第一章"])),
                ("细目".into(), path(&["书", "第一章", "一节"])),
                ("二节".into(), path(&["书", "第一章"])),
                ("第二章".into(), path(&["书"])),
                ("跳级".into(), path(&["书", "第二章"])),
                ("附录".into(), path(&[])),
            ]
        );
        // Text before any heading has no parents.
        assert!(extract("<p>前言</p><h2>甲</h2>")[0].parents.is_empty());
    }

    #[test]
    fn link_percent_is_the_share_of_link_text_per_passage() {
        let long_text = "正文".repeat(40);
        let table: Vec<(String, Vec<u8>)> = vec![
            // A table of contents: all link text.
            (
                "<h2>目录</h2><ul><li><a href=a.html>第一章 安装</a><li><a href=b.html>第二章 配置</a></ul>"
                    .into(),
                vec![100],
            ),
            // Plain prose.
            ("<h2>甲</h2><p>没有链接的段落。</p>".into(), vec![0]),
            // Half of the visible characters are link text (spaces do not count).
            ("<h2>甲</h2><p>请 看一 <a href=x>这一节</a></p>".into(), vec![50]),
            // An anchor without href is not a link.
            ("<h2>甲</h2><p><a name=x>锚点文字</a></p>".into(), vec![0]),
            // A heading link does not count for the passage.
            ("<h2><a href=#a>甲</a></h2><p>正文</p>".into(), vec![0]),
            // A long paragraph next to a short link line: merged into one passage, shared.
            (
                format!("<h2>甲</h2><p>{long_text}</p><p><a href=n.html>下一页</a></p>"),
                vec![4],
            ),
            // A heading without text has one empty passage with share 0.
            ("<h2>甲</h2>".into(), vec![0]),
        ];
        for (html, want) in table {
            let sections = extract(&html);
            let got: Vec<u8> = sections
                .iter()
                .flat_map(|s| s.link_percent.clone())
                .collect();
            assert_eq!(got, want, "{html}");
            for s in &sections {
                assert_eq!(s.link_percent.len(), s.passages.len(), "{html}");
            }
        }
    }

    proptest::proptest! {
        /// Any soup of markup characters reads without panicking.
        #[test]
        fn markup_soup_never_panics(html in "[<>/!?=&#;:xapbdhimnrstvy1-6\"' \n中文é\\-]{0,300}") {
            let _ = extract(&html);
        }

        /// Well-formed pages lose no text: every character of every paragraph and heading is in
        /// a passage or a title, in order.
        #[test]
        fn nothing_is_dropped(
            blocks in proptest::collection::vec((0u8..4, "[中文字词甲乙丙a-z0-9，。 ]{1,40}"), 1..12),
        ) {
            let mut html = String::from("<!doctype html><title>页</title><main>");
            let mut expected = String::new();
            for (kind, text) in &blocks {
                let escaped = text.replace('&', "&amp;");
                html.push_str(&match kind {
                    0 => format!("<h2 id=x>{escaped}</h2>"),
                    1 => format!("<p>{escaped}</p>"),
                    2 => format!("<ul><li>{escaped}</ul>"),
                    _ => format!("<div><span>{escaped}</span><br></div>"),
                });
                expected.extend(text.chars().filter(|c| !c.is_whitespace()));
            }
            html.push_str("</main>");
            let mut got = String::new();
            for section in extract(&html) {
                if !section.headings.is_empty() && section.headings != ["页"] {
                    got.push_str(&section.title());
                }
                for p in &section.passages {
                    got.push_str(p);
                }
            }
            let got: String = got.chars().filter(|c| !c.is_whitespace()).collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn deep_nesting_is_linear_and_safe() {
        let html = format!(
            "{}<p>深</p>{}",
            "<div><span>".repeat(5000),
            "</span></div>".repeat(5000)
        );
        assert_eq!(blocks(&html), vec![para("深")]);
        let html = format!(
            "<main>{}<h2 id=x>题</h3>正文{}</main>",
            "<b>".repeat(300),
            "</i>".repeat(20_000)
        );
        assert_eq!(
            blocks(&html),
            vec![heading(2, "题", Some("x")), para("正文")]
        );
        // Beyond MAX_DEPTH the structure is flattened; the text is still read, in linear time.
        let html = format!(
            "<main>{}<p>底</p>{}</main>",
            "<b><div>".repeat(50_000),
            "</div></b>".repeat(50_000)
        );
        let started = std::time::Instant::now();
        let got = blocks(&html);
        assert!(
            started.elapsed().as_secs() < 5,
            "deep nesting took {:?}",
            started.elapsed()
        );
        assert!(
            got.iter()
                .any(|b| matches!(b, Block::Paragraph { text, .. } if text.contains('底'))),
            "{got:?}"
        );
    }
}
