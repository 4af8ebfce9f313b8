//! The token stream of a page's DOM → its readable blocks: headings (with their anchors) and
//! paragraphs (with their share of link text), from the part of the page that is read
//! (`<main>`, else the `<article>`s, else the body), whitespace collapsed as a browser shows it.

use super::dom::{dom_tokens, is_void, Token, MAX_DEPTH};
use super::filter::PageFilter;
use crate::normalize::is_cjk;
use crate::passage::visible_chars;

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

/// What a page reads as, before passages are cut.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Block {
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
pub(super) fn collapse(text: &str) -> String {
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

    /// An end tag. Void elements (`br`, `img`, …) have none in a DOM's token stream.
    fn end(&mut self, name: &str) {
        if self.overflow > 0 {
            self.overflow -= 1;
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
/// else its `<article>`s, else its body; without what `filter` leaves out.
pub(super) fn page_blocks_filtered(
    html: &str,
    filter: &PageFilter,
) -> (Vec<Block>, Option<String>) {
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
