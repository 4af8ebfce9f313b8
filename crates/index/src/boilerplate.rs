//! Navigation look-alikes dropped from a site's HTML pages before passages are cut: blocks
//! repeated across pages (footers, link bars, notices) and paragraphs that only repeat a
//! page's title or a heading (previous/next links, tables of contents). A reader never
//! searches for them, and indexed on every page they would crowd out the page that is about
//! the words.

use std::collections::{HashMap, HashSet};

use crate::html::{Block, Page};
use crate::passage::visible_chars;

/// A paragraph found verbatim (after whitespace folding) on at least this many pages is
/// navigation or boilerplate: indexed once, on the first page that has it.
pub(crate) const REPEATED_BLOCK_MIN_PAGES: usize = 3;
/// Only paragraphs of at least this many visible characters, or mostly link text outside
/// table cells, count as repeated boilerplate: short repeats are data (table cells such as
/// `yes`, `1.2`, a linked package name; labels such as `注意`), which the page needs to be
/// found by.
pub(crate) const REPEATED_BLOCK_MIN_CHARS: usize = 16;

/// Whitespace folded to single spaces: the key that finds verbatim repeats.
fn fold_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a paragraph is mostly link text (at least half of its visible characters).
fn mostly_links(text: &str, link_chars: usize) -> bool {
    link_chars * 2 >= visible_chars(text).max(1)
}

/// How many paragraphs [`drop_boilerplate`] dropped, by rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Dropped {
    pub repeated_blocks: usize,
    pub title_echoes: usize,
}

/// Drops navigation look-alikes from HTML pages, before passages are cut:
/// * **title echoes**: paragraphs whose whole text is a page's title (this page's or another
///   page's: previous/next links, DocBook's navigation header and footer cells), or, when the
///   paragraph is mostly link text, a heading of any page (table-of-contents entries);
/// * **repeats**: paragraphs found verbatim on [`REPEATED_BLOCK_MIN_PAGES`] pages or more
///   (all but the first), when they are at least [`REPEATED_BLOCK_MIN_CHARS`] long (footers,
///   notices) or, outside table cells, mostly link text (link bars).
///
/// Text is compared after whitespace folding. `other_titles` are titles of the corpus's other
/// files (Markdown).
pub(crate) fn drop_boilerplate(pages: &mut [&mut Page], other_titles: &[String]) -> Dropped {
    let titles: HashSet<String> = pages
        .iter()
        .filter_map(|p| p.title.as_deref())
        .chain(other_titles.iter().map(String::as_str))
        .map(fold_whitespace)
        .filter(|t| !t.is_empty())
        .collect();
    let headings: HashSet<String> = pages
        .iter()
        .flat_map(|p| p.blocks.iter())
        .filter_map(|b| match b {
            Block::Heading { text, .. } => Some(fold_whitespace(text)),
            Block::Paragraph { .. } => None,
        })
        .collect();
    let mut echoes = 0;
    for page in pages.iter_mut() {
        let before = page.blocks.len();
        page.blocks.retain(|b| match b {
            Block::Paragraph {
                text, link_chars, ..
            } => {
                let key = fold_whitespace(text);
                !(titles.contains(&key)
                    || (mostly_links(text, *link_chars) && headings.contains(&key)))
            }
            Block::Heading { .. } => true,
        });
        echoes += before - page.blocks.len();
    }
    let candidate = |text: &str, link_chars: usize, in_cell: bool| {
        (!in_cell && mostly_links(text, link_chars))
            || visible_chars(text) >= REPEATED_BLOCK_MIN_CHARS
    };
    // Pages each candidate paragraph is on.
    let mut pages_with: HashMap<String, usize> = HashMap::new();
    for page in pages.iter() {
        let distinct: HashSet<String> = page
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph {
                    text,
                    link_chars,
                    in_cell,
                } if candidate(text, *link_chars, *in_cell) => Some(fold_whitespace(text)),
                _ => None,
            })
            .collect();
        for key in distinct {
            *pages_with.entry(key).or_default() += 1;
        }
    }
    let mut kept: HashSet<String> = HashSet::new();
    let mut repeated = 0;
    for page in pages.iter_mut() {
        let before = page.blocks.len();
        page.blocks.retain(|b| match b {
            Block::Paragraph { text, .. } => {
                let key = fold_whitespace(text);
                pages_with.get(&key).copied().unwrap_or(0) < REPEATED_BLOCK_MIN_PAGES
                    || kept.insert(key)
            }
            Block::Heading { .. } => true,
        });
        repeated += before - page.blocks.len();
    }
    Dropped {
        repeated_blocks: repeated,
        title_echoes: echoes,
    }
}
