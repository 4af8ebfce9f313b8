//! A page parsed by html5ever (every character reference decoded, malformed markup repaired
//! as a browser repairs it, nesting capped at [`MAX_DEPTH`]) and walked in document order as a
//! stream of start tags, end tags and text, without the subtrees the page filter leaves out.

use super::filter::{PageFilter, BODY_ATTRIBUTE, IGNORE_ATTRIBUTE};

/// Open elements tracked at most; deeper start tags are read as inline (browsers flatten too).
pub(crate) const MAX_DEPTH: usize = 512;

/// One piece of HTML source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Token {
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
    pub(super) fn attr(&self, key: &str) -> Option<&str> {
        match self {
            Token::Start { attrs, .. } => attrs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str()),
            _ => None,
        }
    }
}

pub(super) fn is_void(name: &str) -> bool {
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
pub(super) fn parse_document(html: &str) -> scraper::Html {
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
pub(super) fn dom_tokens(html: &str, filter: &PageFilter) -> (Vec<Token>, bool) {
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
