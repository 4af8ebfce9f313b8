//! HTML pages → titled, anchored passages (build time).
//!
//! Pages are parsed by html5ever (through `scraper`, whose `selectors` engine matches the site
//! owner's CSS selectors), so every character reference is decoded and malformed markup is
//! repaired exactly as a browser's parser does. `dom::dom_tokens` walks the DOM in document order
//! and emits start tags, end tags and text, leaving out the subtrees nobody wants indexed
//! ([`filter::IGNORE_ATTRIBUTE`], the owner's exclude selectors, and everything outside the elements
//! marked [`filter::BODY_ATTRIBUTE`] when a page has any). `walker::Walker` then keeps the page's
//! readable text from that stream:
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
//! Malformed markup never fails: the parser repairs it; nesting deeper than [`dom::MAX_DEPTH`] is
//! flattened before the tree is built (`dom::DepthCap`), so the work stays linear in the size of
//! the page. The result is a [`Page`] of blocks (headings and paragraphs with their share of
//! link text), which the builder filters across pages before [`sections`] cuts passages.
//!
//! The modules: `filter` (what the site owner leaves out: attributes and CSS selectors), `dom`
//! (html5ever's parse, depth-capped, as a filtered token stream), `walker` (that stream →
//! headings and paragraphs); this module turns a page's blocks into sections.

mod dom;
mod filter;
mod walker;

pub use filter::SelectorError;
pub(crate) use filter::{ExcludeSelector, PageFilter};
pub(crate) use walker::Block;

use crate::passage::{enter_heading, section_from_paragraphs, LinkedParagraph, Section};
use walker::page_blocks_filtered;

/// A page as read: its title (`<title>`, else the first `h1`, whitespace collapsed) and its
/// readable blocks in order. The builder sees pages in this shape so that it can drop
/// boilerplate blocks across pages before passages are cut ([`sections`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Page {
    pub title: Option<String>,
    /// The `<title>` alone (the leading untitled text prefers the first `h1`).
    pub title_tag: Option<String>,
    pub blocks: Vec<Block>,
}

impl Page {
    /// The first `h1`'s text.
    pub(crate) fn first_h1(&self) -> Option<&str> {
        self.blocks.iter().find_map(|b| match b {
            Block::Heading { level: 1, text, .. } => Some(text.as_str()),
            _ => None,
        })
    }
}

/// Reads a page into a [`Page`]: its readable blocks (`<main>` if the page has one with text,
/// else its `<article>`s, else its body, without what `filter` and the page's own marks leave
/// out) and its titles.
pub(crate) fn read_page_filtered(html: &str, filter: &PageFilter) -> Page {
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
pub(crate) fn sections(page: &Page) -> Vec<Section> {
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

/// A page's sections ([`read_page_filtered`] without exclusions, then [`sections`]).
#[cfg(test)]
fn extract(html: &str) -> Vec<Section> {
    sections(&read_page_filtered(html, &PageFilter::default()))
}

#[cfg(test)]
mod tests;
