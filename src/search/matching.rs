//! Matching: a query's terms → the passages that hold every one of them (Ctrl-F on match keys,
//! through the layout), with Latin words searched as whole words and letters that are no word
//! of the corpus also read as pinyin; then scoring, or the partial fallback, and the needles
//! the hits highlight.

use crate::format::FormatError;
use crate::query::{without_question_words, Term};
use crate::tokenize::{term_grams, GramQuery};

use super::layout::KeyCache;
use super::needle::Needle;
use super::pinyin::{request_readings, Pattern};
use super::postings::{merge_by_passage, passages_in_all, TermMatch};
use super::score::{Scored, TermKeys};
use super::Engine;

/// A term that [`Engine::search`] searches as a whole word when the corpus has it as one: Latin
/// text ending in a letter (`ssh`, `cp`, `apt-get`, the option `-s`). Terms ending in a digit are
/// left to Ctrl-F (`20` must still find `2023年`), and so are quoted phrases.
fn is_latin_word(term: &Term) -> bool {
    !term.phrase
        && term.key.bytes().all(|b| b.is_ascii_graphic())
        && term
            .key
            .bytes()
            .last()
            .is_some_and(|b| b.is_ascii_lowercase())
}

/// A term's alternatives and the pattern they must match (see [`Needle`]).
pub(crate) type Alternatives = (Vec<String>, Option<Pattern>);

/// What [`Engine::ranked`] hands its caller: the scored passages (unsorted), whether they are
/// partial matches, the needles to highlight, and the search's key cache.
pub(crate) type FinishRanking<'f> =
    dyn FnMut(&mut Vec<Scored>, bool, &[Needle<'_>], &mut KeyCache) -> Result<(), FormatError> + 'f;

impl Engine<'_> {
    /// Matches and scores every passage for `query`, then hands `finish` the scored passages
    /// (unsorted), whether they are partial matches, and the needles to highlight. Does not
    /// call `finish` for an empty query.
    pub(crate) fn ranked(
        &self,
        query: &str,
        shown: usize,
        finish: &mut FinishRanking<'_>,
    ) -> Result<(), FormatError> {
        let mut parsed = self.parse(query);
        if parsed.is_empty() {
            return Ok(());
        }
        let mut cache = KeyCache::default();
        // The heading tiers compare headings with the query as typed (`如何报告缺陷` is a
        // heading); matching uses the terms without question words.
        let typed_keys: Vec<String> = parsed.terms.iter().map(|t| t.key.clone()).collect();
        parsed.terms = without_question_words(&parsed.terms);
        self.mark_whole_words(&mut parsed.terms, &mut cache)?;

        let mut per_term = Vec::with_capacity(parsed.terms.len());
        let alternatives = self.term_alternatives(&parsed.terms, &mut cache)?;
        for (term, alternatives) in parsed.terms.iter().zip(&alternatives) {
            per_term.push(self.matches_with_alternatives(term, alternatives, &mut cache)?);
        }
        // Sharded: every term's ranges were asked for in this round; what follows (the
        // partial fallback above all) depends on their answers.
        self.stop_if_missed()?;
        let needles: Vec<Vec<Needle<'_>>> = parsed
            .terms
            .iter()
            .zip(&alternatives)
            .zip(&per_term)
            .map(|((term, (texts, pattern)), matches)| {
                // The term as typed is a needle where it matched: a term found through its
                // pinyin alternatives only is highlighted and counted on those alone (not on
                // its letters inside some longer word, which never matched).
                let exact =
                    (texts.is_empty() || matches.iter().any(|m| m.exact)).then(|| Needle::of(term));
                let pinyin = texts.iter().map(|text| Needle {
                    text,
                    pattern: pattern.as_ref().and_then(|p| p.check_for(text)),
                    whole_word: false,
                });
                exact.into_iter().chain(pinyin).collect()
            })
            .collect();
        // AND across terms.
        let matched = passages_in_all(&per_term);

        let term_keys: Vec<&str> = parsed.terms.iter().map(|t| t.key.as_str()).collect();
        let typed: Vec<&str> = typed_keys.iter().map(String::as_str).collect();
        let mut partial_words: Vec<String> = Vec::new();
        let (mut scored, partial) = if !matched.is_empty() {
            let keys = TermKeys {
                matched: &term_keys,
                typed: &typed,
            };
            let scored =
                self.score_all_terms(&matched, &per_term, &needles, keys, shown, &mut cache)?;
            (scored, false)
        } else if parsed.terms.iter().any(|t| !t.phrase) {
            let (scored, words) = self.partial_matches(&parsed, &mut cache)?;
            partial_words = words;
            let partial = !scored.is_empty();
            (scored, partial)
        } else {
            (Vec::new(), false)
        };
        let highlight: Vec<Needle<'_>> = if partial {
            partial_words
                .iter()
                .map(|text| Needle::plain(text))
                .collect()
        } else {
            needles.concat()
        };
        finish(&mut scored, partial, &highlight, &mut cache)
    }

    /// Every passage containing `term` (in its text or title), sorted by passage.
    pub(crate) fn term_matches(
        &self,
        term: &Term,
        pattern: Option<&Pattern>,
        cache: &mut KeyCache,
    ) -> Result<Vec<TermMatch>, FormatError> {
        let needle = Needle {
            text: &term.key,
            pattern,
            whole_word: term.whole_word,
        };
        let (texts, titles) = self
            .layout
            .term_postings(&self.index, term, needle, cache)?;
        let mut by_passage: Vec<TermMatch> = texts
            .iter()
            .map(|p| TermMatch {
                passage: p.doc,
                tf_text: p.tf,
                ..TermMatch::default()
            })
            .collect();
        // Sharded: every title's section is read in one round. Without titles nothing stops
        // here, so the alternatives of a term all miss their ranges in the same round.
        if self.index.shard_store().is_some() && !titles.is_empty() {
            for t in &titles {
                let _ = self.index.title_passages(t.doc);
            }
            self.stop_if_missed()?;
        }
        for t in &titles {
            let (first, end) = self.index.title_passages(t.doc)?;
            by_passage.extend((first..end).map(|passage| TermMatch {
                passage,
                tf_title: t.tf,
                ..TermMatch::default()
            }));
        }
        // A page title stands for the whole page: its first passage carries it.
        for (source, key) in self.page_keys()? {
            let tf = needle.find_in(key).len() as u32;
            if tf > 0 {
                by_passage.push(TermMatch {
                    passage: self.index.source_first_passage(*source)?,
                    tf_page: tf,
                    ..TermMatch::default()
                });
            }
        }
        for m in &mut by_passage {
            m.exact = true;
        }
        Ok(merge_by_passage(by_passage))
    }

    /// Latin is Latin first: a term of letters only that the corpus has as a whole word is
    /// searched as that word ([`Term::whole_word`]: `cp` finds `cp -a`, not `cpu`). Letters that
    /// are no word of the corpus (`nq` for `NQI`, `ss` on the way to `ssh`) still match the
    /// start of words, and letters found nowhere may be pinyin ([`Self::pinyin_alternatives`]).
    fn mark_whole_words(
        &self,
        terms: &mut [Term],
        cache: &mut KeyCache,
    ) -> Result<(), FormatError> {
        for term in terms.iter_mut().filter(|t| is_latin_word(t)) {
            let mut grams = term.grams.clone();
            // The last run of letters is a whole gram now, not the prefix of longer ones.
            if let Some(last) = grams.last_mut() {
                if let GramQuery::Prefix(run) = last {
                    *last = GramQuery::Exact(std::mem::take(run));
                }
            }
            let word = Term {
                key: term.key.clone(),
                phrase: false,
                grams,
                whole_word: true,
            };
            if self.occurs_literally(&word, cache)? {
                *term = word;
            }
        }
        Ok(())
    }

    /// Whether `term` occurs as typed in some passage text or title: exactly the Ctrl-F match
    /// [`Self::term_matches`] makes (a term starting with a letter or digit matches at a word
    /// start, so `ls` occurs in `ls -l` but not in `tools`), one pass over the scan keys or
    /// the term's gram postings; both layouts answer the same.
    fn occurs_literally(&self, term: &Term, cache: &mut KeyCache) -> Result<bool, FormatError> {
        self.layout.occurs_literally(&self.index, term, cache)
    }

    /// The runs of corpus text a term with letters may stand for as pinyin (`gyl` → 光岳楼),
    /// most frequent first; empty for other terms, and for a term that occurs as typed
    /// ([`Self::occurs_literally`]): letters found in the corpus are searched as those letters
    /// only (`ssh` is the command, not 所示/上述), so their pinyin readings, initials above all,
    /// never bury the literal matches. See [`super::pinyin`].
    pub(crate) fn pinyin_alternatives(
        &self,
        term: &Term,
        cache: &mut KeyCache,
    ) -> Result<Alternatives, FormatError> {
        // A term without letters has no pattern (`Pattern::new` says so too, but only after
        // reading the table's exceptions: a sharded index would fetch them for nothing).
        if term.phrase || !term.key.bytes().any(|b| b.is_ascii_lowercase()) {
            return Ok((Vec::new(), None));
        }
        // A whole-word term was found literally by mark_whole_words already: no second scan.
        if term.whole_word || self.occurs_literally(term, cache)? {
            return Ok((Vec::new(), None));
        }
        // The pattern reads the pinyin table: a sharded index first learns whether the term
        // occurs as typed (its grams' ranges), instead of fetching the table's ranges with them
        // for a term such as `ssh` that never reads it; a term of whole syllables (`mingyue`)
        // asks for its readings in the same round.
        if self.missed_shards() {
            request_readings(&term.key, self.readings());
        }
        self.stop_if_missed()?;
        let Some(pattern) = Pattern::new(&term.key, self.readings()) else {
            return Ok((Vec::new(), None));
        };
        let mut runs = self.pinyin_runs(&pattern, cache)?;
        runs.retain(|run| *run != term.key);
        Ok((runs, Some(pattern)))
    }

    /// The most frequent runs of corpus text matching `pattern`: a one-slot pattern's from the
    /// reading table's counts ([`Pattern::runs_from_counts`]), longer ones from the layout.
    fn pinyin_runs(
        &self,
        pattern: &Pattern,
        cache: &mut KeyCache,
    ) -> Result<Vec<String>, FormatError> {
        match pattern.runs_from_counts() {
            Some(runs) => Ok(runs),
            None => self.layout.pinyin_runs(&self.index, pattern, cache),
        }
    }

    /// The alternatives of every term. Several terms of letters only (`guang yue lou`) are
    /// first read together as one run, and each term stands for its part of the runs found
    /// (光, 岳, 楼 rather than every character read yue), unless every one of them occurs as
    /// typed (`ssh key`: Latin words, searched as such); otherwise each term on its own.
    pub(crate) fn term_alternatives(
        &self,
        terms: &[Term],
        cache: &mut KeyCache,
    ) -> Result<Vec<Alternatives>, FormatError> {
        let letters = |t: &Term| !t.phrase && t.key.bytes().all(|b| b.is_ascii_lowercase());
        if terms.len() >= 2 && terms.iter().all(letters) {
            let mut all_literal = true;
            for term in terms {
                if !(term.whole_word || self.occurs_literally(term, cache)?) {
                    all_literal = false;
                    break;
                }
            }
            if all_literal {
                return Ok(vec![(Vec::new(), None); terms.len()]);
            }
            let keys: Vec<&str> = terms.iter().map(|t| t.key.as_str()).collect();
            if let Some((pattern, counts)) = Pattern::from_terms(&keys, self.readings()) {
                let runs = self.pinyin_runs(&pattern, cache)?;
                if !runs.is_empty() {
                    let mut per_term: Vec<Vec<String>> = vec![Vec::new(); terms.len()];
                    for run in runs {
                        let mut chars = run.chars();
                        for (i, &n) in counts.iter().enumerate() {
                            let piece: String = chars.by_ref().take(n).collect();
                            if piece != terms[i].key && !per_term[i].contains(&piece) {
                                per_term[i].push(piece);
                            }
                        }
                    }
                    // Each piece came from a run the whole pattern matched.
                    return Ok(per_term.into_iter().map(|p| (p, None)).collect());
                }
            }
        }
        terms
            .iter()
            .map(|t| self.pinyin_alternatives(t, cache))
            .collect()
    }

    /// [`Self::term_matches`] of the term and of each of its alternatives, merged per passage
    /// (`exact` where the term itself occurs).
    fn matches_with_alternatives(
        &self,
        term: &Term,
        alternatives: &Alternatives,
        cache: &mut KeyCache,
    ) -> Result<Vec<TermMatch>, FormatError> {
        let (alternatives, pattern) = alternatives;
        let mut all = self.term_matches(term, None, cache)?;
        if alternatives.is_empty() {
            return Ok(all);
        }
        // Sharded: an alternative whose shards have not arrived does not stop the others, so
        // that the texts every alternative checks (a pinyin run read otherwise somewhere) come
        // in one round, not one round per alternative; the search is run again once they have.
        let mut missed = false;
        for alternative in alternatives {
            let alt = Term {
                key: alternative.clone(),
                phrase: false,
                grams: term_grams(alternative),
                whole_word: false,
            };
            let found = match self.term_matches(
                &alt,
                pattern.as_ref().and_then(|p| p.check_for(alternative)),
                cache,
            ) {
                Err(FormatError::NeedShards) => {
                    missed = true;
                    continue;
                }
                found => found?,
            };
            all.extend(found.into_iter().map(|m| TermMatch { exact: false, ..m }));
        }
        if missed {
            return Err(FormatError::NeedShards);
        }
        Ok(merge_by_passage(all))
    }
}
