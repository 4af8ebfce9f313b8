//! Ranking: BM25 per field (page title, section heading, body) over literal terms and words,
//! with structure tiers, proximity, whole-word and lead boosts.
//!
//! A passage's score adds up
//! * for every query term (what the reader typed, matched Ctrl-F style), BM25 in each field
//!   the term occurs in, weighted by field: `idf × (body·bm25(text) + HEADING_WEIGHT·bm25(heading)
//!   / (1 + position) + PAGE_TITLE_WEIGHT·bm25(page title))`. A heading is a few words chosen to
//!   name what follows, a page title names a whole page: a term there says more about the
//!   passage than the same term somewhere in a paragraph, so they weigh more than body text
//!   ([`HEADING_WEIGHT`] < [`PAGE_TITLE_WEIGHT`]). The heading counts in full for the first
//!   passage of its section, which represents it best, and decays for the later ones; the page
//!   title counts for the page's first passage only (see `search`);
//! * `body` is 1 for plain text and falls towards [`MIN_LINK_BODY_WEIGHT`] as the share of the
//!   passage that is link text grows ([`body_weight`]): navigation bars, "related topics" and
//!   "back to …" lists mention every page's words without being about them;
//! * for every occurrence of a term whose both ends are word boundaries under the shared
//!   segmenter (`tokenize::is_word_boundary`), a whole-word bonus ([`WORD_WEIGHT`]): `计量` as
//!   a word beats the accidental `会计量`;
//! * a proximity bonus when several terms sit close together, and a small lead bonus for the
//!   first passages of a section (news put the key facts first);
//! * a section-support bonus from the term's occurrences in the rest of the passage's section
//!   ([`section_support`]): results open sections, so the whole section's evidence counts.
//!
//! Above the score sits a **structure tier** ([`Structure`]): the passage that opens a section
//! (or a page) whose heading (or page title) *is* the query — after folding, and after dropping
//! section numbering such as `2.1.3.`, `第 2 章`, `A.1`, `一、`, `（一）` (stripped by the indexer) —
//! comes before everything else, then those whose heading holds the whole query tightly (the
//! terms close together, covering most of the heading). A reader who types a heading names
//! that section; no amount of body text that merely repeats its words should outrank it.
//! Literal matches still come before pinyin-only ones, and the tiers apply to literal full
//! matches only.
//!
//! In partial mode (no passage has every term) the query's words (cut by the shared
//! segmenter) are scored with BM25 over the word postings, multiplied by the square of the
//! share of the query's word weight the passage covers, so fuller matches always come first.

/// BM25 term-frequency saturation.
pub const K1: f32 = 1.2;
/// BM25 length normalisation. Lower than the usual 0.75 because the passage cutter already
/// bounds passage length (`passage::MAX_PASSAGE_CHARS`): what varies is mostly bylines and
/// sentence boundaries, not how much a passage is about.
pub const B: f32 = 0.5;
/// Weight of the section-heading field (× idf × BM25 over the heading) relative to body text.
pub const HEADING_WEIGHT: f32 = 1.5;
/// Weight of the page-title field, for the page's first passage.
pub const PAGE_TITLE_WEIGHT: f32 = 2.0;
/// Weight of body text that is all links (navigation, link lists), relative to plain text.
pub const MIN_LINK_BODY_WEIGHT: f32 = 0.15;
/// Share of link text above which body text counts less ([`body_weight`]).
pub const LINK_MAJORITY: f32 = 0.5;
/// "Tightly": the terms' window in a heading is at least this close (see [`proximity`]), and
/// the query covers at least [`TIGHT_MIN_COVERAGE`] of the heading's letters.
pub const TIGHT_MIN_CLOSENESS: f32 = 0.75;
/// See [`TIGHT_MIN_CLOSENESS`].
pub const TIGHT_MIN_COVERAGE: f32 = 0.5;
/// Weight of the term's occurrences in the passage's whole section (× idf, saturating; see
/// [`section_support`]).
pub const SECTION_SUPPORT_WEIGHT: f32 = 1.0;
/// Weight of the word layer relative to literal terms.
pub const WORD_WEIGHT: f32 = 0.5;
/// Weight of the proximity bonus (× sum of term idfs).
pub const PROXIMITY_WEIGHT: f32 = 0.6;
/// Bonus for the first passage of a section, decaying with the passage's position.
pub const LEAD_WEIGHT: f32 = 0.3;
/// How many top passages get the (text-reading) proximity pass.
pub const RERANK_DEPTH: usize = 200;
pub use crate::tokenize::MAX_WORD_CHECKS;

/// The most the second pass (`Engine::rerank`) can add to a passage's score for terms of
/// these idfs: each term's whole-word bonus ([`WORD_WEIGHT`] × idf × [`bm25_tf`], which stays
/// below `K1 + 1`) and, for several terms, the proximity bonus ([`PROXIMITY_WEIGHT`] × the
/// idfs' sum × a closeness of at most 1).
pub fn second_pass_bound(idfs: &[f32]) -> f32 {
    let idf_sum: f32 = idfs.iter().sum();
    let proximity = if idfs.len() >= 2 {
        PROXIMITY_WEIGHT * idf_sum
    } else {
        0.0
    };
    WORD_WEIGHT * (K1 + 1.0) * idf_sum + proximity
}

/// Inverse document frequency (BM25+ style, never negative).
pub fn idf(passages: u32, df: usize) -> f32 {
    let n = passages as f32;
    let df = df as f32;
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// The BM25 term-frequency part for a document of `len` chars.
pub fn bm25_tf(tf: u32, len: f32, avg_len: f32) -> f32 {
    if tf == 0 {
        return 0.0;
    }
    let tf = tf as f32;
    let norm = 1.0 - B + B * (len / avg_len.max(1.0));
    tf * (K1 + 1.0) / (tf + K1 * norm)
}

/// The heading field's score (× idf) for the `position`-th passage of its section: a heading
/// describes the whole section, and the section's opening passage represents it best.
pub fn heading_score(tf: u32, heading_len: f32, avg_heading_len: f32, position: u32) -> f32 {
    HEADING_WEIGHT * bm25_tf(tf, heading_len, avg_heading_len) / (1.0 + position as f32)
}

/// The page-title field's score (× idf).
pub fn page_title_score(tf: u32, title_len: f32, avg_heading_len: f32) -> f32 {
    PAGE_TITLE_WEIGHT * bm25_tf(tf, title_len, avg_heading_len)
}

/// The bonus (× idf) a passage holding the term gets from the rest of its section, where the
/// term occurs `others` more times. A hit opens its section, so the section is what the reader
/// gets: one that keeps coming back to the term (a table of firewall tools) is about it, more
/// than one that mentions it once in passing. The passage's own occurrences already count in
/// its BM25; saturates like BM25's term frequency.
pub fn section_support(others: u32) -> f32 {
    let tf = others as f32;
    SECTION_SUPPORT_WEIGHT * tf / (tf + K1)
}

/// How much a passage's body text counts, from the share of it that is link text (0–100).
/// Text that is *mostly* links (navigation, tables of contents, "related topics") counts
/// little; prose or a table with a linked name per row is still text, so the weight only falls
/// once links are the majority ([`LINK_MAJORITY`]), down to [`MIN_LINK_BODY_WEIGHT`] for
/// nothing but links.
pub fn body_weight(link_percent: u8) -> f32 {
    let share = f32::from(link_percent.min(100)) / 100.0;
    let over = ((share - LINK_MAJORITY) / (1.0 - LINK_MAJORITY)).max(0.0);
    1.0 - (1.0 - MIN_LINK_BODY_WEIGHT) * over
}

/// How a heading or page title relates to the query (ordered: better is greater).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Structure {
    #[default]
    None,
    /// A heading holds the whole query, tightly.
    HeadingHolds,
    /// The page title holds the whole query, tightly.
    PageTitleHolds,
    /// A section heading is the query.
    HeadingIs,
    /// The page title is the query.
    PageTitleIs,
}

/// How a heading's (or page title's) match key, its numbering stripped (done at build
/// time by the indexer), relates to the query whose terms' keys are `terms` (as typed; a heading
/// is known to contain each of them). `is_page` picks the page-title tiers. Equality compares
/// letters, digits and CJK characters only: `apt-get` and `apt get` name the same heading.
pub fn structure(heading: &str, terms: &[&str], is_page: bool) -> Structure {
    // Counted and compared as they are read: this runs for every candidate whose heading holds
    // the terms (a single character's: a good share of the corpus), twice.
    let heading_len = letter_count(&[heading]);
    let query_len = letter_count(terms);
    if heading_len == 0 || query_len == 0 {
        return Structure::None;
    }
    if heading_len == query_len && same_letters(heading, terms) {
        return if is_page {
            Structure::PageTitleIs
        } else {
            Structure::HeadingIs
        };
    }
    let coverage = query_len as f32 / heading_len as f32;
    if coverage < TIGHT_MIN_COVERAGE {
        return Structure::None;
    }
    let occurrences: Vec<Vec<(usize, usize)>> = terms
        .iter()
        .map(|t| crate::normalize::find_all(heading, t))
        .collect();
    let tight = match occurrences.len() {
        1 => !occurrences[0].is_empty(),
        _ => proximity(&occurrences).is_some_and(|c| c >= TIGHT_MIN_CLOSENESS),
    };
    match (tight, is_page) {
        (false, _) => Structure::None,
        (true, true) => Structure::PageTitleHolds,
        (true, false) => Structure::HeadingHolds,
    }
}

/// A letter, digit or CJK character (the common CJK block first: `is_alphanumeric` looks every
/// other character up in a table).
fn is_letter(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_alphanumeric()
}

/// How many letters, digits and CJK characters `texts` have.
fn letter_count(texts: &[&str]) -> usize {
    let mut n = 0;
    for text in texts {
        for c in text.chars() {
            n += usize::from(is_letter(c));
        }
    }
    n
}

/// Whether `heading` has the letters, digits and CJK characters of `terms`, in order, and no
/// others.
fn same_letters(heading: &str, terms: &[&str]) -> bool {
    let mut own = heading.chars().filter(|&c| is_letter(c));
    for term in terms {
        for c in term.chars() {
            if is_letter(c) && own.next() != Some(c) {
                return false;
            }
        }
    }
    own.next().is_none()
}

/// Bonus for the `position`-th passage of its section (0 = first).
pub fn lead_bonus(position: u32) -> f32 {
    LEAD_WEIGHT / (1.0 + position as f32)
}

/// Proximity factor in (0, 1]: the summed lengths of the terms over the length of the smallest
/// window that contains one occurrence of every term. `occurrences[t]` are sorted
/// `(start, end)` byte ranges of term `t`; `None` when a term has no occurrence.
pub fn proximity(occurrences: &[Vec<(usize, usize)>]) -> Option<f32> {
    if occurrences.len() < 2 || occurrences.iter().any(Vec::is_empty) {
        return None;
    }
    let needed: usize = occurrences.iter().map(|o| o[0].1 - o[0].0).sum();
    let mut events: Vec<(usize, usize, usize)> = occurrences
        .iter()
        .enumerate()
        .flat_map(|(t, occ)| occ.iter().map(move |&(s, e)| (s, e, t)))
        .collect();
    crate::sort::sort_by(&mut events, |a, b| a.cmp(b));
    let terms = occurrences.len();
    let mut counts = vec![0usize; terms];
    let mut covered = 0;
    let mut best = usize::MAX;
    let mut left = 0;
    for right in 0..events.len() {
        let t = events[right].2;
        counts[t] += 1;
        if counts[t] == 1 {
            covered += 1;
        }
        while covered == terms {
            let end = events[left..=right]
                .iter()
                .map(|e| e.1)
                .max()
                .unwrap_or(events[right].1);
            best = best.min(end - events[left].0);
            let lt = events[left].2;
            counts[lt] -= 1;
            if counts[lt] == 0 {
                covered -= 1;
            }
            left += 1;
        }
    }
    (best != usize::MAX && best > 0).then(|| (needed as f32 / best as f32).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use zh_search_index::strip_numbering;

    #[test]
    fn idf_decreases_with_df() {
        assert!(idf(100, 1) > idf(100, 10));
        assert!(idf(100, 100) > 0.0);
    }

    #[test]
    fn bm25_saturates_and_prefers_short() {
        assert!(bm25_tf(2, 100.0, 100.0) > bm25_tf(1, 100.0, 100.0));
        assert!(bm25_tf(1, 50.0, 100.0) > bm25_tf(1, 200.0, 100.0));
        assert_eq!(bm25_tf(0, 50.0, 100.0), 0.0);
    }

    #[test]
    fn structure_tiers() {
        use Structure::*;
        for (heading, terms, is_page, want) in [
            ("2.1.软件包", &["软件包"][..], false, HeadingIs),
            ("第2章软件包", &["软件包"], true, PageTitleIs),
            ("apt-get", &["apt", "get"], false, HeadingIs),
            ("apt-get 命令", &["apt-get"], false, HeadingHolds),
            ("软件包管理工具", &["软件包管理"], true, PageTitleHolds),
            ("软件包的管理与维护工具介绍", &["软件包"], false, None),
            // The terms far apart in the heading: not tight.
            ("软件包和其他一些工具", &["软件包", "工具"], false, None),
        ] {
            let got = structure(strip_numbering(heading), terms, is_page);
            assert_eq!(got, want, "{heading} / {terms:?}");
        }
        assert!(Structure::PageTitleIs > Structure::HeadingIs);
        assert!(Structure::HeadingIs > Structure::PageTitleHolds);
        assert!(Structure::HeadingHolds > Structure::None);
    }

    #[test]
    fn link_text_counts_little() {
        assert_eq!(body_weight(0), 1.0);
        assert!((body_weight(100) - MIN_LINK_BODY_WEIGHT).abs() < 1e-6);
        assert!(body_weight(80) < body_weight(20));
    }

    #[test]
    fn proximity_prefers_adjacent_terms() {
        let adjacent = proximity(&[vec![(0, 6)], vec![(6, 12)]]).unwrap();
        let far = proximity(&[vec![(0, 6)], vec![(60, 66)]]).unwrap();
        assert_eq!(adjacent, 1.0);
        assert!(far < 0.2);
        assert_eq!(proximity(&[vec![(0, 6)], vec![]]), None);
        let best_pair = proximity(&[vec![(0, 3), (100, 103)], vec![(50, 53), (104, 107)]]).unwrap();
        assert!((best_pair - 6.0 / 7.0).abs() < 1e-6);
    }
}
