//! Scoring: the fields of a passage, the one scoring loop every match goes through (all terms
//! matched, or the partial fallback's words), the structure tiers, the order of results, and
//! the second pass that reads the best passages' texts (whole words, proximity). The formula
//! itself is `rank`'s.

use crate::format::FormatError;
use crate::query::{ParsedQuery, Term};
use crate::rank;
use crate::sort::{sort_by, sort_by_key, sort_top_by};
use crate::tokenize::{is_whole_word, search_words, term_grams, term_is_single_gram, Vocabulary};

use super::layout::gram::needle_key;
use super::layout::scan_keys::ScanVocabulary;
use super::layout::KeyCache;
use super::needle::Needle;
use super::postings::TermMatch;
use super::Engine;

/// The query's terms as the structure tiers compare them with headings and page titles: as
/// matched, and as typed.
#[derive(Clone, Copy)]
pub(crate) struct TermKeys<'q> {
    pub(crate) matched: &'q [&'q str],
    pub(crate) typed: &'q [&'q str],
}

/// A scored passage.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scored {
    pub(crate) passage: u32,
    pub(crate) score: f32,
    /// Every term occurs as typed: such passages rank above pinyin-only matches.
    pub(crate) exact: bool,
    /// Whether it opens a section or page whose heading or title is (or tightly holds) the
    /// query: above any score (see `rank`).
    pub(crate) structure: rank::Structure,
}

/// Best first: exact matches, then by structure tier, then by score, then in corpus order.
pub(crate) fn by_rank(a: &Scored, b: &Scored) -> std::cmp::Ordering {
    b.exact
        .cmp(&a.exact)
        .then(b.structure.cmp(&a.structure))
        .then(b.score.total_cmp(&a.score))
        .then(a.passage.cmp(&b.passage))
}

/// One needle's gram in a sharded index: the passages whose text holds the gram (exactly those
/// holding a plain needle or a usual reading's needle; a needle that checks a pattern otherwise
/// holds in some of them) and the whole-word counts the indexer stored in each: the needle's
/// own, or (`plain`) the gram's, which are the needle's where its pattern accepts every
/// occurrence of the gram.
struct NeedleDocs<'i> {
    docs: Vec<u32>,
    counts: Option<&'i [u8]>,
    plain: bool,
}

/// What the postings say of one needle's whole-word count in one passage.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Stored {
    /// Its count (0 where its gram is not).
    Own(u32),
    /// The count of its gram, its own where its pattern accepts each of the gram's
    /// occurrences (the text tells).
    Plain(u32),
    /// Only the text can tell.
    Unknown,
}

impl NeedleDocs<'_> {
    fn stored(&self, passage: u32) -> Stored {
        let Ok(at) = self.docs.binary_search(&passage) else {
            return Stored::Own(0);
        };
        match self.counts {
            Some(c) if self.plain => Stored::Plain(u32::from(c[at])),
            Some(c) => Stored::Own(u32::from(c[at])),
            None => Stored::Unknown,
        }
    }
}

/// A term's whole-word count in a passage when its needles' stored counts tell it (every one
/// its own: their sum, as the text's check counts each needle's first occurrences apart, see
/// `rerank_with_text`). `None` when the text must be read.
fn stored_whole_words(needles: &[Stored]) -> Option<u32> {
    needles
        .iter()
        .map(|n| match n {
            Stored::Own(c) => Some(*c),
            _ => None,
        })
        .sum()
}

/// How many of `ranked` (in rank order) the second pass must score so that the first `shown`
/// come out as they would with all of them scored: the first `shown`, then every passage
/// that adding at most `bound` could lift to the `shown`-th's place (same tier, score within
/// `bound` of it). The rest cannot: their tier is lower (the second pass leaves tiers as they
/// are), or their score stays below the `shown`-th's, which the second pass only raises.
fn reachable_top(ranked: &[Scored], shown: usize, bound: f32) -> usize {
    let Some(last) = shown.checked_sub(1).and_then(|i| ranked.get(i)) else {
        return ranked.len();
    };
    // A margin for the float sums: a passage at the edge is scored, never dropped.
    let reach = bound + 1e-3 * (1.0 + last.score.abs());
    shown
        + ranked[shown..]
            .iter()
            .take_while(|s| {
                s.exact == last.exact
                    && s.structure == last.structure
                    && s.score + reach >= last.score
            })
            .count()
}

/// One term's part in a passage's score.
#[derive(Clone, Copy)]
struct TermScore {
    /// The term's match in the passage.
    found: TermMatch,
    idf: f32,
    /// When the passage's text holds the term: how often it occurs in the rest of its section
    /// (see [`rank::section_support`]).
    section_others: Option<u32>,
}

/// What the fields of one passage weigh (see `rank`).
struct PassageFields {
    /// Body length in characters.
    len: f32,
    /// Position in its section (0 = first).
    position: u32,
    heading_len: f32,
    /// The page title's length when the passage is its page's first, else 0.
    page_len: f32,
    body: f32,
}

impl PassageFields {
    /// The score of a passage from its terms' matches: the lead bonus, and per term its idf ×
    /// the BM25 of its text, heading and page title counts, plus its section's support.
    fn score(&self, terms: &[TermScore], avg_text: f32, avg_heading: f32) -> f32 {
        let mut score = self.body * rank::lead_bonus(self.position);
        for term in terms {
            let m = &term.found;
            score += term.idf
                * (self.body * rank::bm25_tf(m.tf_text, self.len, avg_text)
                    + rank::heading_score(
                        m.tf_title,
                        self.heading_len,
                        avg_heading,
                        self.position,
                    )
                    + rank::page_title_score(m.tf_page, self.page_len, avg_heading));
            if let Some(others) = term.section_others {
                score += term.idf * self.body * rank::section_support(others);
            }
        }
        score
    }
}

impl Engine<'_> {
    /// The fields of a passage (see [`PassageFields`]).
    fn passage_fields(&self, passage: u32) -> Result<PassageFields, FormatError> {
        let title = self.index.title_of(passage)?;
        let position = passage.saturating_sub(self.index.title_passages(title)?.0);
        let page_len = self
            .page_key_of(passage)?
            .map_or(0.0, |k| k.chars().count() as f32);
        Ok(PassageFields {
            len: self.passage_len(passage)?,
            position,
            heading_len: self.index.title_chars(title)? as f32,
            page_len,
            body: rank::body_weight(self.index.passage_link_percent(passage)?),
        })
    }

    /// Scores the passages in `matched`, which every term's list in `per_term` (sorted by
    /// passage) has a match in. Then reranks the best, as many as can still reach the first
    /// `shown` (see [`Self::rerank`]).
    pub(crate) fn score_all_terms(
        &self,
        matched: &[u32],
        per_term: &[Vec<TermMatch>],
        needles: &[Vec<Needle<'_>>],
        keys: TermKeys<'_>,
        shown: usize,
        cache: &mut KeyCache,
    ) -> Result<Vec<Scored>, FormatError> {
        self.touch_fields(matched)?;
        if self.index.shard_store().is_some() {
            // The headings the structure tiers compare with the query (see below).
            let titles: Vec<u32> = per_term
                .iter()
                .flatten()
                .filter(|m| m.tf_title > 0)
                .filter_map(|m| self.index.title_of(m.passage).ok())
                .collect();
            super::layout::touch_texts(&self.index, std::iter::empty(), titles.into_iter())?;
        }
        let stats = &self.index.stats();
        let (n, avg, avg_heading) = (stats.passages, stats.avg_text_chars, stats.avg_title_chars);
        let idfs: Vec<f32> = per_term.iter().map(|l| rank::idf(n, l.len())).collect();
        let supports = per_term
            .iter()
            .map(|list| self.section_support(list))
            .collect::<Result<Vec<_>, _>>()?;
        let mut scored = Vec::with_capacity(matched.len());
        let mut cursors = vec![0usize; per_term.len()];
        let mut terms: Vec<TermScore> = Vec::with_capacity(per_term.len());
        for &p in matched {
            let fields = self.passage_fields(p)?;
            let (mut exact, mut in_heading, mut in_page) = (true, true, true);
            terms.clear();
            for (t, list) in per_term.iter().enumerate() {
                while list.get(cursors[t]).is_some_and(|m| m.passage < p) {
                    cursors[t] += 1;
                }
                let m = list.get(cursors[t]).copied().unwrap_or_default();
                exact &= m.exact;
                in_heading &= m.tf_title > 0;
                in_page &= m.tf_page > 0;
                let section_others = (m.passage == p && m.tf_text > 0).then(|| {
                    let section_tf = supports[t].get(cursors[t]).copied().unwrap_or(0);
                    section_tf.saturating_sub(m.tf_text)
                });
                terms.push(TermScore {
                    found: m,
                    idf: idfs[t],
                    section_others,
                });
            }
            let score = fields.score(&terms, avg, avg_heading);
            let mut structure = rank::Structure::None;
            if exact && in_page {
                if let Some(key) = self.page_key_of(p)? {
                    structure = rank::structure(key, keys.matched, true)
                        .max(rank::structure(key, keys.typed, true));
                }
            }
            if exact && in_heading && fields.position == 0 {
                let title = self.index.title_of(p)?;
                let numbering = self.index.title_numbering(title)?;
                let key = self.layout.title_key(&self.index, cache, title)?;
                let key = key.get(numbering..).unwrap_or(key);
                let heading = rank::structure(key, keys.matched, false)
                    .max(rank::structure(key, keys.typed, false));
                structure = structure.max(heading);
            }
            scored.push(Scored {
                passage: p,
                score,
                exact,
                structure,
            });
        }
        self.rerank(&mut scored, needles, &idfs, shown, cache)?;
        Ok(scored)
    }

    /// For each match of a term (sorted by passage), how often the term occurs in the text of
    /// its whole section (see [`rank::section_support`]). Sections are contiguous runs of
    /// passages, so one walk does.
    fn section_support(&self, matches: &[TermMatch]) -> Result<Vec<u32>, FormatError> {
        let mut counts = vec![0u32; matches.len()];
        let mut start = 0;
        while start < matches.len() {
            let title = self.index.title_of(matches[start].passage)?;
            let (_, end) = self.index.title_passages(title)?;
            let mut stop = start;
            while stop < matches.len() && matches[stop].passage < end {
                stop += 1;
            }
            let section_tf = matches[start..stop]
                .iter()
                .fold(0u32, |sum, m| sum.saturating_add(m.tf_text));
            counts[start..stop].fill(section_tf);
            start = stop.max(start + 1);
        }
        Ok(counts)
    }

    /// Partial matching, when no passage has every term: the unquoted terms are cut into words
    /// by the shared segmenter, every word is matched like a term (Ctrl-F on the gram index),
    /// and passages are ranked by BM25 over the words they contain times the square of the
    /// share of the query's word weight they cover. Returns the scored passages and the words
    /// that matched (for highlighting).
    pub(crate) fn partial_matches(
        &self,
        parsed: &ParsedQuery,
        cache: &mut KeyCache,
    ) -> Result<(Vec<Scored>, Vec<String>), FormatError> {
        let vocab = self.vocabulary()?;
        let stats = &self.index.stats();
        let (n, avg, avg_heading) = (stats.passages, stats.avg_text_chars, stats.avg_title_chars);
        let mut words: Vec<String> = Vec::new();
        for term in parsed.terms.iter().filter(|t| !t.phrase) {
            for word in search_words(&term.key, &vocab) {
                if !words.contains(&word) {
                    words.push(word);
                }
            }
        }
        let mut matched_words = Vec::new();
        let mut entries: Vec<TermScore> = Vec::new();
        let mut total_weight = 0.0;
        for word in words {
            let grams = term_grams(&word);
            if grams.is_empty() {
                continue;
            }
            let matches = self.term_matches(
                &Term {
                    key: word.clone(),
                    phrase: false,
                    grams,
                    whole_word: false,
                },
                None,
                cache,
            )?;
            if matches.is_empty() {
                continue;
            }
            let idf = rank::idf(n, matches.len());
            total_weight += idf;
            // A word in most passages (的, 是) barely counts and is not worth highlighting.
            if matches.len() * 2 <= n as usize {
                matched_words.push(word);
            }
            entries.extend(matches.into_iter().map(|found| TermScore {
                found,
                idf,
                section_others: None,
            }));
        }
        sort_by_key(&mut entries, |e| e.found.passage);
        let passages: Vec<u32> = entries.iter().map(|e| e.found.passage).collect();
        self.touch_fields(&passages)?;
        let mut scored: Vec<Scored> = Vec::new();
        let mut i = 0;
        while i < entries.len() {
            let passage = entries[i].found.passage;
            let mut end = i + 1;
            while end < entries.len() && entries[end].found.passage == passage {
                end += 1;
            }
            let words = &entries[i..end];
            i = end;
            let score = self.passage_fields(passage)?.score(words, avg, avg_heading);
            let covered = words.iter().fold(0.0, |sum: f32, w| sum + w.idf);
            let coverage = covered / total_weight.max(f32::EPSILON);
            scored.push(Scored {
                passage,
                score: coverage * coverage * score,
                exact: true,
                structure: rank::Structure::None,
            });
        }
        Ok((scored, matched_words))
    }

    /// For a query over a sharded index, what each term's needles' postings say of the
    /// passages that hold each ([`NeedleDocs`]), so that the second pass reads the text only of
    /// the passages it cannot score without (and, for several terms, only for their proximity);
    /// `None` for a single file, and a term's `None` when one of its needles is not one gram
    /// (its passages are an intersection the texts decide).
    fn needle_docs(
        &self,
        needles: &[Vec<Needle<'_>>],
    ) -> Result<Option<Vec<Option<Vec<NeedleDocs<'_>>>>>, FormatError> {
        if self.index.shard_store().is_none() {
            return Ok(None);
        }
        needles
            .iter()
            .map(|term| self.term_needle_docs(term))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// [`Self::needle_docs`] of one term.
    fn term_needle_docs(
        &self,
        term: &[Needle<'_>],
    ) -> Result<Option<Vec<NeedleDocs<'_>>>, FormatError> {
        let mut out = Vec::with_capacity(term.len());
        for needle in term {
            if !term_is_single_gram(needle.text) {
                return Ok(None);
            }
            // A one-character pinyin needle in its usual reading (`樂` for `yue`), the gram
            // itself, or the union of the grams one character starts (`月`).
            let Some((key, usual)) = needle_key(&self.index, needle) else {
                return Ok(None);
            };
            let Some((value, area)) = self.index.grams().get(&key) else {
                if usual {
                    // Not stored: the texts say.
                    return Ok(None);
                }
                // No text holds it.
                out.push(NeedleDocs {
                    docs: Vec::new(),
                    counts: None,
                    plain: false,
                });
                continue;
            };
            let postings = self.index.gram_postings(value, area)?.text;
            let docs = postings.iter().map(|p| p.doc).collect();
            // The stored counts are the needle's own for a plain needle (the gram's) and for a
            // pinyin one in its usual reading (that reading's matches'); a needle that checks a
            // pattern takes the gram's where the pattern accepts all its occurrences.
            let counts = if needle.whole_word {
                None
            } else {
                self.index.gram_whole_counts(value, area)?
            };
            let plain = needle.pattern.is_some() && !usual;
            out.push(NeedleDocs {
                docs,
                counts,
                plain,
            });
        }
        Ok(Some(out))
    }

    /// Second pass over the best [`rank::RERANK_DEPTH`] passages: adds the whole-word bonus
    /// (matches whose both ends are word boundaries under the shared segmenter) and, for
    /// several terms, the proximity bonus. A passage where every needle of the one term of a
    /// query over a sharded index is one the indexer counted takes the sum of the stored counts
    /// ([`crate::tokenize::whole_word_count`] of each, what the text would give); one that
    /// holds no needle counts none; the others are read.
    ///
    /// Only the passages that can still be among the first `shown` get it: one ranked below
    /// the `shown`-th whose first-pass score plus the most the second pass can add
    /// ([`rank::second_pass_bound`]) stays below the `shown`-th's score, or whose tier is
    /// lower, cannot pass it (the second pass only adds), so the first `shown` and their order
    /// are exactly those of a second pass over all of them, and their texts (and the
    /// vocabulary their words are checked against) are not read.
    fn rerank(
        &self,
        scored: &mut [Scored],
        needles: &[Vec<Needle<'_>>],
        idfs: &[f32],
        shown: usize,
        cache: &mut KeyCache,
    ) -> Result<(), FormatError> {
        sort_top_by(scored, rank::RERANK_DEPTH, by_rank);
        let depth = scored.len().min(rank::RERANK_DEPTH);
        let reachable = reachable_top(&scored[..depth], shown, rank::second_pass_bound(idfs));
        let Some(lists) = self.needle_docs(needles)? else {
            let all = (0..reachable).map(|i| (i, Vec::new()));
            return self.rerank_with_text(scored, all, needles, idfs, cache);
        };
        let avg = self.index.stats().avg_text_chars;
        let mut read = Vec::new();
        for (i, s) in scored.iter_mut().enumerate().take(reachable) {
            let stored: Vec<Option<Vec<Stored>>> = lists
                .iter()
                .map(|term| {
                    term.as_deref()
                        .map(|l| l.iter().map(|n| n.stored(s.passage)).collect())
                })
                .collect();
            // One term counted from the postings: no text. Several: their proximity reads it.
            let counted = match stored.as_slice() {
                [Some(term)] => stored_whole_words(term),
                _ => None,
            };
            if let Some(whole_words) = counted {
                let len = self.passage_len(s.passage)?;
                s.score += rank::WORD_WEIGHT * idfs[0] * rank::bm25_tf(whole_words, len, avg);
            } else {
                read.push((i, stored));
            }
        }
        self.rerank_with_text(scored, read.into_iter(), needles, idfs, cache)
    }

    /// The second pass of the passages `which` (indexes into `scored`, each with what the
    /// postings say of each term's needles' whole-word counts, `None` or missing where the text
    /// decides), reading their text.
    fn rerank_with_text(
        &self,
        scored: &mut [Scored],
        which: impl Iterator<Item = (usize, Vec<Option<Vec<Stored>>>)> + Clone,
        needles: &[Vec<Needle<'_>>],
        idfs: &[f32],
        cache: &mut KeyCache,
    ) -> Result<(), FormatError> {
        super::layout::touch_texts(
            &self.index,
            which.clone().map(|(i, _)| scored[i].passage),
            std::iter::empty(),
        )?;
        if which.clone().next().is_none() {
            return Ok(());
        }
        let idf_sum: f32 = idfs.iter().sum();
        let avg = self.index.stats().avg_text_chars;
        let index_vocab = self.vocabulary()?;
        let scan_vocab;
        let vocab: &dyn Vocabulary = match self.layout.text_word_prefixes(&self.index)? {
            Some((keys, prefixes)) => {
                scan_vocab = ScanVocabulary {
                    keys,
                    prefixes,
                    fallback: &index_vocab,
                };
                &scan_vocab
            }
            None => &index_vocab,
        };
        for (i, counted) in which {
            let s = &mut scored[i];
            let len = self.passage_len(s.passage)?;
            let key = self.layout.text_key(&self.index, cache, s.passage)?;
            let mut occurrences: Vec<Vec<(usize, usize)>> = Vec::with_capacity(needles.len());
            for (t, term) in needles.iter().enumerate() {
                let stored = counted.get(t).and_then(Option::as_deref);
                let mut whole_words = 0;
                let mut all = Vec::new();
                for (k, needle) in term.iter().enumerate() {
                    let (found, every) = needle.find_in_whole(key);
                    // BM25 saturates long before: checking the first few occurrences of each
                    // needle is enough, and bounds the work for a term found all over a long
                    // passage. Each needle apart, as the indexer counts a needle's (so a term
                    // of several counted needles is scored from the postings, without this
                    // text). This is core's `whole_words_among` without its memo of segmented
                    // windows, which the indexer needs (it counts every gram of a passage) and
                    // the engine does not: calling it here put 1.5 KB gzip on each engine
                    // module (make engine).
                    whole_words += match stored.and_then(|s| s.get(k)) {
                        Some(Stored::Own(count)) => *count,
                        Some(Stored::Plain(count)) if every => *count,
                        _ => found
                            .iter()
                            .take(rank::MAX_WORD_CHECKS)
                            .filter(|&&(a, b)| is_whole_word(key, a, b, vocab))
                            .count() as u32,
                    };
                    all.extend(found);
                }
                s.score += rank::WORD_WEIGHT * idfs[t] * rank::bm25_tf(whole_words, len, avg);
                sort_by(&mut all, |a, b| a.cmp(b));
                occurrences.push(all);
            }
            if let Some(closeness) = rank::proximity(&occurrences) {
                s.score += rank::PROXIMITY_WEIGHT * idf_sum * closeness;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scored(score: f32, exact: bool, structure: rank::Structure) -> Scored {
        Scored {
            passage: 0,
            score,
            exact,
            structure,
        }
    }

    #[test]
    fn the_second_pass_scores_only_what_can_reach_the_shown() {
        use rank::Structure::{HeadingIs, None as Plain};
        let ranked = [
            scored(9.0, true, HeadingIs),
            scored(5.0, true, Plain),
            scored(4.0, true, Plain),
            scored(3.5, true, Plain),
            scored(1.0, true, Plain),
            scored(8.0, false, Plain),
        ];
        // (shown, bound) → how many get the second pass.
        let table = [
            // The 2nd scores 5.0: 4.0 and 3.5 are within 2 of it, 1.0 is not.
            (2, 2.0, 4),
            // Within 1: 4.0 only; 3.5 + 1 < 5.
            (2, 1.0, 3),
            // Nothing below can pass the first: it alone is in a higher tier.
            (1, 100.0, 1),
            // A pinyin-only match (not exact) never passes an exact one, whatever its score.
            (5, 100.0, 5),
            // As many shown as ranked, or more: all of them.
            (6, 0.0, 6),
            (10, 0.0, 6),
            // Nothing shown: all of them (the caller asked for no page; nothing is cut).
            (0, 0.0, 6),
        ];
        for (shown, bound, want) in table {
            assert_eq!(
                reachable_top(&ranked, shown, bound),
                want,
                "shown {shown}, bound {bound}"
            );
        }
    }
}
