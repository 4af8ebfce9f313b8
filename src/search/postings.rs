//! Posting-list operations: intersecting and uniting gram postings, one match per passage, and
//! the passages every term matched. Lists are sorted by passage (or by text/title id); counts add
//! saturating, since an index's counts are not trusted.

use crate::format::Posting;
use crate::sort::sort_by_key;

/// Where one term occurs in one passage.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TermMatch {
    pub(crate) passage: u32,
    pub(crate) tf_text: u32,
    pub(crate) tf_title: u32,
    /// In the page title (counted on the page's first passage only).
    pub(crate) tf_page: u32,
    /// The term itself occurs (not only a pinyin alternative of it).
    pub(crate) exact: bool,
}

/// One match per passage, sorted by passage: counts added (saturating: an index's counts are
/// not trusted), `exact` where any of them is.
pub(crate) fn merge_by_passage(mut matches: Vec<TermMatch>) -> Vec<TermMatch> {
    sort_by_key(&mut matches, |m| m.passage);
    let mut merged: Vec<TermMatch> = Vec::with_capacity(matches.len());
    for m in matches {
        match merged.last_mut() {
            Some(last) if last.passage == m.passage => {
                last.tf_text = last.tf_text.saturating_add(m.tf_text);
                last.tf_title = last.tf_title.saturating_add(m.tf_title);
                last.tf_page = last.tf_page.saturating_add(m.tf_page);
                last.exact |= m.exact;
            }
            _ => merged.push(m),
        }
    }
    merged
}

/// The passages that every list (one per term, each sorted by passage) has a match in.
pub(crate) fn passages_in_all(per_term: &[Vec<TermMatch>]) -> Vec<u32> {
    let Some((first, rest)) = per_term.split_first() else {
        return Vec::new();
    };
    let mut matched: Vec<u32> = first.iter().map(|m| m.passage).collect();
    for list in rest {
        let mut j = 0;
        matched.retain(|&p| {
            while j < list.len() && list[j].passage < p {
                j += 1;
            }
            j < list.len() && list[j].passage == p
        });
    }
    matched
}

/// Intersects two posting lists sorted by doc; the tf of the result is the minimum.
pub(crate) fn intersect(a: &[Posting], b: &[Posting]) -> Vec<Posting> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    while i < a.len() && j < b.len() {
        match a[i].doc.cmp(&b[j].doc) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(Posting {
                    doc: a[i].doc,
                    tf: a[i].tf.min(b[j].tf),
                });
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Unions posting lists, summing term frequencies: the format's own [`crate::format::union`],
/// which the sharded layout's character unions are built with.
pub(crate) fn union(lists: Vec<Vec<Posting>>) -> Vec<Posting> {
    crate::format::union(lists)
}
