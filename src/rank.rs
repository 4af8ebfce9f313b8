//! Ranking: BM25 over literal terms and over words, with title, proximity and lead boosts.
//!
//! A passage's score adds up
//! * for every query term (what the reader typed, matched Ctrl-F style):
//!   `idf × (bm25_tf + TITLE_WEIGHT·[term in title])`;
//! * for every occurrence of a term whose both ends are word boundaries under the shared
//!   segmenter (`tokenize::is_word_boundary`), a whole-word bonus ([`WORD_WEIGHT`]): `计量` as
//!   a word beats the accidental `会计量`;
//! * the title bonus decays with the passage's position in its section ([`title_bonus`]);
//! * a proximity bonus when several terms sit close together, and a small lead bonus for the
//!   first passages of a section (news put the key facts first).
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
/// Bonus (× idf) for a term found in the passage's title.
pub const TITLE_WEIGHT: f32 = 0.8;
/// Weight of the word layer relative to literal terms.
pub const WORD_WEIGHT: f32 = 0.5;
/// Weight of the proximity bonus (× sum of term idfs).
pub const PROXIMITY_WEIGHT: f32 = 0.6;
/// Bonus for the first passage of a section, decaying with the passage's position.
pub const LEAD_WEIGHT: f32 = 0.3;
/// How many top passages get the (text-reading) proximity pass.
pub const RERANK_DEPTH: usize = 200;
/// Occurrences of a term per passage checked for being whole words in the second pass.
pub const MAX_WORD_CHECKS: usize = 4;

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

/// Title bonus for the `position`-th passage of its section: a headline describes the whole
/// section, and the section's opening passage represents it best.
pub fn title_bonus(position: u32) -> f32 {
    TITLE_WEIGHT / (1.0 + position as f32)
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
