//! HTML pages → titled, anchored passages (build time).
//!
//! Pages are parsed by html5ever (through `scraper`, whose `selectors` engine matches the site
//! owner's CSS selectors), so every character reference is decoded and malformed markup is
//! repaired exactly as a browser's parser does. [`dom_tokens`] walks the DOM in document order
//! and emits start tags, end tags and text, leaving out the subtrees nobody wants indexed
//! ([`IGNORE_ATTRIBUTE`], the owner's exclude selectors, and everything outside the elements
//! marked [`BODY_ATTRIBUTE`] when a page has any). A `Walker` then keeps the page's readable
//! text from that stream (it was written for a hand tokenizer; on a DOM stream its own
//! implied-end rules simply never fire):
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
//! Malformed markup never fails: the parser repairs it; nesting deeper than [`MAX_DEPTH`] is
//! flattened before the tree is built (`DepthCap`), so the work stays linear in the size of
//! the page. The result is a [`Page`] of blocks (headings and paragraphs with their share of
//! link text), which the builder filters across pages before [`sections`] cuts passages.

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
// Parsing: html5ever's DOM, filtered, as a token stream

/// Marks the part of a page to index: when any element of a page has it, only the content of
/// such elements is read (like Pagefind's `data-pagefind-body`).
pub const BODY_ATTRIBUTE: &str = "data-zh-search-body";
/// Marks an element whose content (and everything inside it) is never read.
pub const IGNORE_ATTRIBUTE: &str = "data-zh-search-ignore";

/// A CSS selector a site owner gave, parsed by the `selectors` engine (as browsers do).
#[derive(Clone, Debug)]
pub struct ExcludeSelector {
    /// As written, for messages.
    pub source: String,
    selector: scraper::Selector,
}

impl ExcludeSelector {
    /// Parses one selector (a selector list such as `.a, .b` is fine); the error is the
    /// parser's explanation.
    pub fn parse(source: &str) -> Result<ExcludeSelector, String> {
        let trimmed = source.trim();
        if trimmed.is_empty() {
            return Err("empty selector".to_string());
        }
        scraper::Selector::parse(trimmed)
            .map(|selector| ExcludeSelector {
                source: trimmed.to_string(),
                selector,
            })
            .map_err(|e| e.to_string())
    }
}

/// What a site owner left out of every page: elements matching any of `exclude` are skipped
/// with their content, like those marked [`IGNORE_ATTRIBUTE`].
#[derive(Clone, Debug, Default)]
pub struct PageFilter {
    pub exclude: Vec<ExcludeSelector>,
}

/// The element names that have no end tag (and so no `Token::End` in the stream).
fn is_void_element(name: &str) -> bool {
    is_void(name)
}

/// Elements HTML closes by itself when a sibling starts (`<li><li>`, `<p><p>`), which therefore
/// do not nest by repetition: [`DepthCap`] does not count them.
fn closes_implicitly(name: &str) -> bool {
    matches!(
        name,
        "p" | "li"
            | "dt"
            | "dd"
            | "option"
            | "optgroup"
            | "tr"
            | "td"
            | "th"
            | "thead"
            | "tbody"
            | "tfoot"
            | "colgroup"
            | "caption"
            | "rb"
            | "rt"
            | "rp"
            | "rtc"
            | "html"
            | "head"
            | "body"
    )
}

/// Sits between html5ever's tokenizer and its tree builder and drops start tags that would
/// nest deeper than [`MAX_DEPTH`] (and their end tags), keeping their text. The tree builder's
/// scope checks walk its stack of open elements, so without a cap a page of 100,000 nested
/// elements would take minutes; browsers cap the depth too. The depth is tracked from the
/// tags (end tags close the innermost open element of their name, as HTML's generic rule
/// does), so it follows the tree builder's own stack closely for any real page.
struct DepthCap<S> {
    inner: S,
    /// Names of the counted open elements, innermost last (at most MAX_DEPTH).
    open: std::cell::RefCell<Vec<html5ever::LocalName>>,
    /// Start tags dropped and not yet matched by an end tag.
    overflow: std::cell::Cell<usize>,
}

impl<S: html5ever::tokenizer::TokenSink> html5ever::tokenizer::TokenSink for DepthCap<S> {
    type Handle = S::Handle;

    fn process_token(
        &self,
        token: html5ever::tokenizer::Token,
        line_number: u64,
    ) -> html5ever::tokenizer::TokenSinkResult<S::Handle> {
        use html5ever::tokenizer::{TagKind, Token as H5Token, TokenSinkResult};
        if let H5Token::TagToken(tag) = &token {
            let name: &str = &tag.name;
            if !is_void(name) && !closes_implicitly(name) {
                let mut open = self.open.borrow_mut();
                match tag.kind {
                    TagKind::StartTag if !tag.self_closing => {
                        if open.len() >= MAX_DEPTH {
                            self.overflow.set(self.overflow.get() + 1);
                            return TokenSinkResult::Continue;
                        }
                        open.push(tag.name.clone());
                    }
                    TagKind::EndTag => {
                        if self.overflow.get() > 0 {
                            self.overflow.set(self.overflow.get() - 1);
                            return TokenSinkResult::Continue;
                        }
                        if let Some(i) = open.iter().rposition(|n| *n == tag.name) {
                            open.truncate(i);
                        }
                    }
                    TagKind::StartTag => {}
                }
            }
        }
        self.inner.process_token(token, line_number)
    }

    fn end(&self) {
        self.inner.end();
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.inner
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

/// Parses a whole page with html5ever (as `scraper::Html::parse_document` does), with nesting
/// capped ([`DepthCap`]).
pub fn parse_document(html: &str) -> scraper::Html {
    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::{BufferQueue, Tokenizer};
    use html5ever::tree_builder::{TreeBuilder, TreeSink};
    use html5ever::TokenizerResult;

    let sink = scraper::HtmlTreeSink::new(scraper::Html::new_document());
    let builder = TreeBuilder::new(sink, Default::default());
    let tokenizer = Tokenizer::new(
        DepthCap {
            inner: builder,
            open: Default::default(),
            overflow: Default::default(),
        },
        Default::default(),
    );
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(html));
    // `Script` pauses for a script to run (none runs here) and `EncodingIndicator` reports a
    // `<meta charset>` (the text is already decoded): both just continue.
    while !matches!(tokenizer.feed(&input), TokenizerResult::Done) {}
    tokenizer.end();
    tokenizer.sink.inner.sink.finish()
}

/// Parses `html` with html5ever (every character reference decoded, malformed markup repaired
/// as a browser repairs it) and returns the page as the tokens of its DOM, in document order,
/// without the subtrees the filter, [`IGNORE_ATTRIBUTE`] or [`BODY_ATTRIBUTE`] leave out.
/// Comments, doctypes and processing instructions are dropped. The flag says whether the page
/// marks its body ([`BODY_ATTRIBUTE`]): then the marked elements are what is read, not
/// `<main>` or the `<article>`s.
pub fn dom_tokens(html: &str, filter: &PageFilter) -> (Vec<Token>, bool) {
    use ego_tree::iter::Edge;
    use std::collections::HashSet;

    let doc = parse_document(html);
    let ignore = scraper::Selector::parse(&format!("[{IGNORE_ATTRIBUTE}]"))
        .expect("attribute selector parses");
    let body = scraper::Selector::parse(&format!("[{BODY_ATTRIBUTE}]"))
        .expect("attribute selector parses");
    let mut excluded: HashSet<ego_tree::NodeId> = doc.select(&ignore).map(|e| e.id()).collect();
    for rule in &filter.exclude {
        excluded.extend(doc.select(&rule.selector).map(|e| e.id()));
    }
    let bodies: HashSet<ego_tree::NodeId> = doc.select(&body).map(|e| e.id()).collect();
    // In body mode, the ancestors of marked elements keep their tags (structure: sections,
    // main, article) but not their own text.
    let body_ancestors: HashSet<ego_tree::NodeId> = bodies
        .iter()
        .filter_map(|&id| doc.tree.get(id))
        .flat_map(|node| node.ancestors().map(|a| a.id()))
        .collect();
    let body_mode = !bodies.is_empty();

    let mut out = Vec::new();
    // The subtree being skipped, until its Close edge.
    let mut skipping: Option<ego_tree::NodeId> = None;
    let mut inside_body = 0usize;
    let mut inside_head = 0usize;
    let mut seen_ids: HashSet<String> = HashSet::new();
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    scraper::Node::Element(element) => {
                        let name = element.name();
                        let in_scope = !body_mode
                            || inside_body > 0
                            || inside_head > 0
                            || name == "head"
                            || bodies.contains(&node.id())
                            || body_ancestors.contains(&node.id());
                        if excluded.contains(&node.id()) || !in_scope {
                            skipping = Some(node.id());
                            continue;
                        }
                        if bodies.contains(&node.id()) {
                            inside_body += 1;
                        }
                        if name == "head" {
                            inside_head += 1;
                        }
                        // An id seen earlier in the page is no anchor here: a link to it lands
                        // on the first. (The parser repeats ids when it reopens formatting
                        // elements, e.g. the XHTML `<a id="x"/>` DocBook writes, which HTML
                        // reads as an open `<a>`.)
                        let attrs = element
                            .attrs()
                            .filter(|&(k, v)| k != "id" || seen_ids.insert(v.to_string()))
                            .map(|(k, v)| (k.to_string(), v.to_string()))
                            .collect();
                        out.push(Token::Start {
                            name: name.to_string(),
                            attrs,
                            self_closing: false,
                        });
                    }
                    scraper::Node::Text(text)
                        if !body_mode || inside_body > 0 || inside_head > 0 =>
                    {
                        out.push(Token::Text(text.text.to_string()));
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(id) = skipping {
                    if id == node.id() {
                        skipping = None;
                    }
                    continue;
                }
                if let scraper::Node::Element(element) = node.value() {
                    let name = element.name();
                    if bodies.contains(&node.id()) {
                        inside_body -= 1;
                    }
                    if name == "head" {
                        inside_head -= 1;
                    }
                    if !is_void_element(name) {
                        out.push(Token::End {
                            name: name.to_string(),
                        });
                    }
                }
            }
        }
    }
    (out, body_mode)
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
    /// A paragraph, how many of its visible characters are inside `<a href>`, and whether its
    /// text is in a table cell (`td`/`th`: often data, which boilerplate detection spares).
    Paragraph {
        text: String,
        link_chars: usize,
        in_cell: bool,
    },
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
    /// Open `td`/`th` elements.
    cell_depth: usize,
    /// Whether text of the paragraph being read was in a table cell.
    paragraph_in_cell: bool,
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
            cell_depth: 0,
            paragraph_in_cell: false,
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
        let in_cell = std::mem::take(&mut self.paragraph_in_cell);
        if !text.is_empty() {
            self.blocks.push(Block::Paragraph {
                link_chars: link_chars.min(visible_chars(&text)),
                in_cell,
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
        if self.heading.is_none() {
            if self.link_depth > 0 {
                self.paragraph_links += visible_chars(text);
            }
            if self.cell_depth > 0 && !text.trim().is_empty() {
                self.paragraph_in_cell = true;
            }
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
        if matches!(open.name.as_str(), "td" | "th") {
            self.cell_depth -= 1;
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
        if matches!(name, "td" | "th") {
            self.cell_depth += 1;
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
    page_blocks_filtered(html, &PageFilter::default())
}

/// [`page_blocks`] with the site owner's exclusions.
pub fn page_blocks_filtered(html: &str, filter: &PageFilter) -> (Vec<Block>, Option<String>) {
    let (tokens, marked_body) = dom_tokens(html, filter);
    let mut title = None;
    let roots: &[Root] = if marked_body {
        &[Root::Body]
    } else {
        &[Root::Main, Root::Article, Root::Body]
    };
    for &root in roots {
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
    read_page_filtered(html, &PageFilter::default())
}

/// [`read_page`] with the site owner's exclusions.
pub fn read_page_filtered(html: &str, filter: &PageFilter) -> Page {
    let (blocks, title_tag) = page_blocks_filtered(html, filter);
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
            Block::Paragraph {
                text, link_chars, ..
            } => paragraphs.push(LinkedParagraph {
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
            in_cell: false,
        }
    }

    fn heading(level: u8, text: &str, anchor: Option<&str>) -> Block {
        Block::Heading {
            level,
            text: text.to_string(),
            anchor: anchor.map(str::to_string),
        }
    }

    /// The text tokens of a page's DOM, concatenated.
    fn dom_text(html: &str) -> String {
        dom_tokens(html, &PageFilter::default())
            .0
            .into_iter()
            .filter_map(|t| match t {
                Token::Text(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    /// The start tags named `name` in a page's DOM.
    fn starts(html: &str, name: &str) -> Vec<Token> {
        dom_tokens(html, &PageFilter::default())
            .0
            .into_iter()
            .filter(|t| matches!(t, Token::Start { name: n, .. } if n == name))
            .collect()
    }

    /// Was a test of the hand-written reference decoder; the same cases now go through
    /// html5ever, which decodes all of HTML's named references (`&middot;`, `&hellip;`, …).
    #[test]
    fn entities() {
        let table = [
            (
                "a &amp; b &lt;c&gt; &quot;&#39;&#x4E2D;&#25991; &copy;",
                "a & b <c> \"'中文 ©",
            ),
            ("AT&T &unknown; &", "AT&T &unknown; &"),
            ("&amp &ampx &copy2024", "& &x ©2024"),
            (
                "&#0;&#x110000;&#xD800;&#99999999999999;",
                "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}",
            ),
            ("&#150;&#x80;", "–€"),
            ("&#", "&#"),
            ("中&nbsp;文", "中\u{A0}文"),
            // Names the hand decoder did not know.
            ("&middot;&hellip;&Alpha;&rarrw;&NotEqualTilde;", "·…Α↝≂̸"),
        ];
        for (source, want) in table {
            assert_eq!(dom_text(&format!("<p>{source}</p>")), want, "{source}");
        }
        // In attribute values a legacy name followed by `=` or a letter stays as written.
        assert_eq!(
            starts("<a href='?a=1&ampx=2&amp;y'>x</a>", "a"),
            vec![Token::Start {
                name: "a".into(),
                attrs: vec![("href".into(), "?a=1&ampx=2&y".into())],
                self_closing: false
            }]
        );
    }

    /// Was a test of the hand tokenizer's token stream; the DOM stream also has the html, head
    /// and body elements the parser implies, so the cases are checked piece by piece.
    #[test]
    fn parser_handles_comments_raw_text_and_attributes() {
        let html =
            "<!DOCTYPE html><!-- <p>x</p> --><P Class=a id=\"q&amp;a\" hidden data-x='1>2'>hi</p>\
             <script>if (a<b) { '</p>' }</script ><style>p{}</style><title>A &amp; B</title>\
             <?xml x?>1 < 2 <3";
        assert_eq!(
            starts(html, "p"),
            vec![Token::Start {
                name: "p".into(),
                // In name order (the DOM keeps attributes sorted).
                attrs: vec![
                    ("class".into(), "a".into()),
                    ("data-x".into(), "1>2".into()),
                    ("hidden".into(), String::new()),
                    ("id".into(), "q&a".into()),
                ],
                self_closing: false
            }]
        );
        assert_eq!(dom_text(html), "hiif (a<b) { '</p>' }p{}A & B1 < 2 <3");
        let (blocks, title) = page_blocks(html);
        assert_eq!(title.as_deref(), Some("A & B"));
        // The <p> is hidden.
        assert_eq!(blocks, vec![para("1 < 2 <3")]);
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
            let _ = dom_tokens(s, &PageFilter::default());
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

    #[test]
    fn a_meta_charset_does_not_stop_the_parse() {
        let html = "<head><meta charset=utf-8><meta http-equiv=Content-Type content='text/html; charset=gbk'>\
                    <title>题</title></head><body><p>正文</p></body>";
        assert_eq!(page_blocks(html), (vec![para("正文")], Some("题".into())));
    }

    /// DocBook writes XHTML `<a id="x"/>` inside headings, which HTML reads as an open `<a>`
    /// that the parser reopens after the heading (with the same id): each heading keeps its
    /// own anchor, not the previous heading's.
    #[test]
    fn xhtml_self_closed_anchors_keep_each_heading_its_own_id() {
        let html = "<body><div class=chapter><h1 class=title><a id=\"ch\"/>第 1 章</h1>\n \
                    <div class=section>\n <h2 class=title><a id=\"s1\"/>1.1 甲</h2>\n <p>一</p></div>\n \
                    <div class=section>\n <h2 class=title><a id=\"s2\"/>1.2 乙</h2>\n <p>二</p>\n \
                    <div class=section>\n <h3><a id=\"s21\"/>1.2.1 丙</h3>\n <p>三</p></div></div></div></body>";
        assert_eq!(
            blocks(html),
            vec![
                heading(1, "第 1 章", Some("ch")),
                heading(2, "1.1 甲", Some("s1")),
                para("一"),
                heading(2, "1.2 乙", Some("s2")),
                para("二"),
                heading(3, "1.2.1 丙", Some("s21")),
                para("三"),
            ]
        );
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
