//! Characters folded at build time as the engine will fold them (width, case, traditional →
//! simplified), before the corpus's fold table exists; and that table's pairs: the traditional
//! characters whose simplified form occurs in the corpus, so the engine folds a traditional
//! query without carrying OpenCC's whole table.

use std::collections::HashSet;

use crate::normalize::{fold_case, fold_width};

/// A character folded as the corpus is (width, case, traditional → simplified) before the
/// fold table exists.
pub(crate) fn fold_char_for_build(c: char, to_simplified: &dyn Fn(char) -> Option<char>) -> char {
    let c = fold_case(fold_width(c));
    to_simplified(c).unwrap_or(c)
}

/// Candidate traditional characters: the CJK blocks where traditional forms live.
fn han_candidates() -> impl Iterator<Item = char> {
    (0x3400u32..=0x9FFF)
        .chain(0xF900..=0xFAFF)
        .chain(0x20000..=0x2A6DF)
        .filter_map(char::from_u32)
}

/// The fold table for a corpus: every `traditional → simplified` pair whose simplified side
/// occurs (after folding) in `texts`.
pub(crate) fn fold_pairs(
    texts: &[&str],
    to_simplified: &dyn Fn(char) -> Option<char>,
) -> Vec<(char, char)> {
    let fold = |c| fold_char_for_build(c, to_simplified);
    let alphabet: HashSet<char> = texts.iter().flat_map(|t| t.chars()).map(fold).collect();
    han_candidates()
        .filter_map(|t| {
            to_simplified(t)
                .filter(|&s| s != t && alphabet.contains(&s))
                .map(|s| (t, s))
        })
        .collect()
}
