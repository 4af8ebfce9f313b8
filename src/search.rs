//! The search engine over an opened index: matching, scoring, paging, hits.
//!
//! **Matching.** Every query term must occur (Ctrl-F style, on match keys) in the passage text
//! or in its title. Candidates come from intersecting the term's gram postings; terms that are
//! not a single gram are verified against the folded text, so the result is exact: every
//! passage that contains the term, and only those. When no passage contains every term and the
//! query has unquoted terms, the engine falls back to *partial* matching over the segmenter's
//! words (`rank` explains the ordering) and says so in [`SearchResults::partial`].

use std::collections::HashMap;

use serde::Serialize;

use crate::format::{FormatError, IndexView, Posting, PostingsBlock};
use crate::normalize::{find_all, fold_text, match_key, Key};
use crate::query::{parse_query, ParsedQuery, Term};
use crate::rank;
use crate::snippet::{snippet_html, utf16_ranges, Span};
use crate::sort::{sort_by, sort_by_key};
use crate::tokenize::{
    is_whole_word, search_words, term_grams, term_is_single_gram, GramQuery, Vocabulary,
};

/// Hits per page when the caller does not say.
pub const DEFAULT_LIMIT: usize = 10;
/// Largest page size; larger limits are clamped to it.
pub const MAX_LIMIT: usize = 100;
/// Default and maximum number of suggestions.
pub const DEFAULT_SUGGESTIONS: usize = 8;
pub const MAX_SUGGESTIONS: usize = 50;
/// Vocabulary entries examined per suggestion request (bounds the work of a 1-char prefix).
pub const MAX_SUGGEST_SCAN: usize = 20_000;

/// Paging options of a search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchOptions {
    pub limit: usize,
    pub offset: usize,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

/// An option value the caller got wrong.
#[derive(Clone, Debug, PartialEq)]
pub enum OptionsError {
    /// Not a finite number (NaN, ±Infinity).
    NotFinite { name: &'static str },
    /// Below zero.
    Negative { name: &'static str },
    /// Present but not a number.
    WrongType { name: &'static str },
}

impl std::fmt::Display for OptionsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OptionsError::NotFinite { name } => write!(f, "options.{name} must be a finite number"),
            OptionsError::Negative { name } => write!(f, "options.{name} must be 0 or more"),
            OptionsError::WrongType { name } => write!(f, "options.{name} must be a number"),
        }
    }
}

impl std::error::Error for OptionsError {}

/// A raw option value as it arrives from JavaScript.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RawOption {
    /// `undefined` or `null`: use the default.
    Missing,
    Number(f64),
    /// Any other type.
    Other,
}

fn count_option(
    name: &'static str,
    raw: RawOption,
    default: usize,
    max: usize,
) -> Result<usize, OptionsError> {
    match raw {
        RawOption::Missing => Ok(default),
        RawOption::Other => Err(OptionsError::WrongType { name }),
        RawOption::Number(v) if !v.is_finite() => Err(OptionsError::NotFinite { name }),
        RawOption::Number(v) if v < 0.0 => Err(OptionsError::Negative { name }),
        RawOption::Number(v) => Ok((v.floor() as usize).min(max)),
    }
}

impl SearchOptions {
    /// Validates options: missing → default; fractions are floored; `limit` above
    /// [`MAX_LIMIT`] is clamped; negative, non-finite or non-numeric values are errors.
    pub fn from_raw(limit: RawOption, offset: RawOption) -> Result<SearchOptions, OptionsError> {
        Ok(SearchOptions {
            limit: count_option("limit", limit, DEFAULT_LIMIT, MAX_LIMIT)?,
            offset: count_option("offset", offset, 0, u32::MAX as usize)?,
        })
    }
}

/// Validates a suggestion count like [`SearchOptions::from_raw`].
pub fn suggest_limit(raw: RawOption) -> Result<usize, OptionsError> {
    count_option("limit", raw, DEFAULT_SUGGESTIONS, MAX_SUGGESTIONS)
}

/// One result.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Hit {
    /// Corpus file the passage comes from (path relative to the corpus folder).
    pub source: String,
    pub title: String,
    /// The passage's original text.
    pub text: String,
    /// HTML: escaped text with `<mark>` around matches.
    pub snippet: String,
    pub score: f32,
    /// Passage id (stable for a given index).
    pub passage: u32,
    /// Matched ranges of `text`, in UTF-16 code units.
    pub highlights: Vec<[u32; 2]>,
    /// Matched ranges of `title`, in UTF-16 code units.
    pub title_highlights: Vec<[u32; 2]>,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct SearchResults {
    /// Number of matching passages (all pages).
    pub total: usize,
    pub hits: Vec<Hit>,
    /// No passage contained every term; `hits` are the best partial matches (false when
    /// nothing matched at all).
    pub partial: bool,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct IndexStats {
    pub sources: u32,
    pub passages: u32,
    pub terms: u32,
    pub index_bytes: usize,
}

/// Where one term occurs in one passage.
#[derive(Clone, Copy, Debug, Default)]
struct TermMatch {
    passage: u32,
    tf_text: u32,
    tf_title: u32,
}

/// A scored passage.
#[derive(Clone, Copy, Debug)]
struct Scored {
    passage: u32,
    score: f32,
}

/// Match keys folded during one search (indexes without stored keys).
#[derive(Default)]
struct KeyCache {
    texts: HashMap<u32, String>,
    titles: HashMap<u32, String>,
}

/// The index's vocabulary, read through the word fst (for the shared segmenter).
struct IndexVocabulary<'v, 'a>(&'v IndexView<'a>);

impl Vocabulary for IndexVocabulary<'_, '_> {
    fn prefixes(&self, text: &str, found: &mut dyn FnMut(usize, u64)) {
        let fst = self.0.words.as_fst();
        let mut node = fst.root();
        let mut output = fst::raw::Output::zero();
        for (i, &byte) in text.as_bytes().iter().enumerate() {
            let Some(t) = node.find_input(byte) else {
                return;
            };
            let transition = node.transition(t);
            output = output.cat(transition.out);
            node = fst.node(transition.addr);
            if node.is_final() && text.is_char_boundary(i + 1) {
                found(i + 1, output.cat(node.final_output()).value());
            }
        }
    }

    fn freq(&self, word: &str) -> Option<u64> {
        self.0.words.get(word).filter(|&f| f > 0)
    }
    fn total_freq(&self) -> u64 {
        self.0.stats.word_freq_total
    }
}

/// Intersects two posting lists sorted by doc; the tf of the result is the minimum.
fn intersect(a: &[Posting], b: &[Posting]) -> Vec<Posting> {
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

/// Unions posting lists, summing term frequencies.
fn union(lists: Vec<Vec<Posting>>) -> Vec<Posting> {
    let mut all: Vec<Posting> = lists.into_iter().flatten().collect();
    sort_by_key(&mut all, |p| p.doc);
    let mut out: Vec<Posting> = Vec::with_capacity(all.len());
    for p in all {
        match out.last_mut() {
            Some(last) if last.doc == p.doc => last.tf = last.tf.saturating_add(p.tf),
            _ => out.push(p),
        }
    }
    out
}

/// The engine: a thin layer of logic over an [`IndexView`].
pub struct Engine<'a> {
    pub index: IndexView<'a>,
}

impl<'a> Engine<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<Engine<'a>, FormatError> {
        Ok(Engine {
            index: IndexView::open(bytes)?,
        })
    }

    pub fn stats(&self) -> IndexStats {
        let s = self.index.stats;
        IndexStats {
            sources: s.sources,
            passages: s.passages,
            terms: s.grams.saturating_add(s.words),
            index_bytes: self.index.bytes.len(),
        }
    }

    /// The words of `text` as the index and queries cut them (normalised, then the shared
    /// segmenter over the index's own vocabulary).
    pub fn words(&self, text: &str) -> Vec<String> {
        let key = match_key(text, &self.index.fold);
        search_words(&key.text, &IndexVocabulary(&self.index))
    }

    /// Parses a query with this index's fold table.
    pub fn parse(&self, query: &str) -> ParsedQuery {
        parse_query(query, &self.index.fold)
    }

    /// Vocabulary words starting with `prefix` (folded like a query), most frequent in the
    /// corpus first, then shortest, then in code-point order.
    pub fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<String>, FormatError> {
        use fst::{IntoStreamer, Streamer};
        let key = crate::normalize::fold_text(
            prefix.chars().take(64).collect::<String>().as_str(),
            &self.index.fold,
        );
        if key.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let automaton = fst::automaton::Str::new(&key);
        let mut stream = self
            .index
            .words
            .search(fst::Automaton::starts_with(automaton))
            .into_stream();
        let mut found: Vec<(u64, usize, String)> = Vec::new();
        let mut scanned = 0;
        while let Some((word, freq)) = stream.next() {
            scanned += 1;
            if scanned > MAX_SUGGEST_SCAN {
                break;
            }
            let word = String::from_utf8_lossy(word).into_owned();
            found.push((freq, word.chars().count(), word));
        }
        sort_by(&mut found, |a, b| {
            b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
        });
        Ok(found.into_iter().take(limit).map(|f| f.2).collect())
    }

    fn gram_postings(&self, gram: &GramQuery) -> Result<PostingsBlock, FormatError> {
        match gram {
            GramQuery::Exact(g) => match self.index.grams.get(g) {
                Some(value) => self.index.gram_postings(value),
                None => Ok(PostingsBlock::default()),
            },
            GramQuery::Prefix(p) => {
                use fst::{IntoStreamer, Streamer};
                let automaton = fst::automaton::Str::new(p);
                let mut stream = self
                    .index
                    .grams
                    .search(fst::Automaton::starts_with(automaton))
                    .into_stream();
                let (mut texts, mut titles) = (Vec::new(), Vec::new());
                while let Some((_, value)) = stream.next() {
                    let block = self.index.gram_postings(value)?;
                    texts.push(block.text);
                    titles.push(block.title);
                }
                Ok(PostingsBlock {
                    text: union(texts),
                    title: union(titles),
                })
            }
        }
    }

    /// The match key of a passage: stored in the index, or folded once per search.
    fn text_key<'c>(
        &'c self,
        cache: &'c mut KeyCache,
        passage: u32,
    ) -> Result<&'c str, FormatError> {
        let index = &self.index;
        self.cached_key(
            &mut cache.texts,
            passage,
            |p| index.passage_key(p),
            |p| index.passage_text(p),
        )
    }

    /// The match key of a title, like [`Self::text_key`].
    fn title_key<'c>(
        &'c self,
        cache: &'c mut KeyCache,
        title: u32,
    ) -> Result<&'c str, FormatError> {
        let index = &self.index;
        self.cached_key(
            &mut cache.titles,
            title,
            |t| index.title_key(t),
            |t| index.title_text(t),
        )
    }

    /// `stored(id)` when the index stores keys, else `original(id)` folded once into `cache`.
    fn cached_key<'c>(
        &'c self,
        cache: &'c mut HashMap<u32, String>,
        id: u32,
        stored: impl Fn(u32) -> Result<&'a str, FormatError>,
        original: impl Fn(u32) -> Result<&'a str, FormatError>,
    ) -> Result<&'c str, FormatError> {
        if self.index.has_keys() {
            return stored(id);
        }
        if let std::collections::hash_map::Entry::Vacant(slot) = cache.entry(id) {
            slot.insert(fold_text(original(id)?, &self.index.fold));
        }
        Ok(cache.get(&id).map_or("", String::as_str))
    }

    /// Scan mode: every passage and title key is searched for the term.
    fn scan_matches(&self, term: &Term) -> Result<Vec<TermMatch>, FormatError> {
        let mut out = Vec::new();
        for title in 0..self.index.stats.titles {
            let tf_title = find_all(self.index.title_key(title)?, &term.key).len() as u32;
            let (first, end) = self.index.title_passages(title)?;
            for passage in first..end {
                let tf_text = find_all(self.index.passage_key(passage)?, &term.key).len() as u32;
                if tf_text > 0 || tf_title > 0 {
                    out.push(TermMatch {
                        passage,
                        tf_text,
                        tf_title,
                    });
                }
            }
        }
        Ok(out)
    }

    /// Every passage containing `term` (in its text or title), sorted by passage.
    fn term_matches(
        &self,
        term: &Term,
        cache: &mut KeyCache,
    ) -> Result<Vec<TermMatch>, FormatError> {
        if self.index.has_keys() {
            return self.scan_matches(term);
        }
        let mut blocks = Vec::with_capacity(term.grams.len());
        for gram in &term.grams {
            let block = self.gram_postings(gram)?;
            if block.text.is_empty() && block.title.is_empty() {
                return Ok(Vec::new());
            }
            blocks.push(block);
        }
        // Intersect the rarest lists first.
        sort_by_key(&mut blocks, |b| b.text.len() + b.title.len());
        let mut texts = blocks[0].text.clone();
        let mut titles = blocks[0].title.clone();
        for block in &blocks[1..] {
            texts = intersect(&texts, &block.text);
            titles = intersect(&titles, &block.title);
        }
        if !(term.grams.len() == 1 && term_is_single_gram(&term.key)) {
            let mut verified = Vec::with_capacity(texts.len());
            for p in texts {
                let tf = find_all(self.text_key(cache, p.doc)?, &term.key).len() as u32;
                if tf > 0 {
                    verified.push(Posting { doc: p.doc, tf });
                }
            }
            texts = verified;
            let mut verified = Vec::with_capacity(titles.len());
            for t in titles {
                let tf = find_all(self.title_key(cache, t.doc)?, &term.key).len() as u32;
                if tf > 0 {
                    verified.push(Posting { doc: t.doc, tf });
                }
            }
            titles = verified;
        }
        let mut by_passage: Vec<TermMatch> = texts
            .iter()
            .map(|p| TermMatch {
                passage: p.doc,
                tf_text: p.tf,
                tf_title: 0,
            })
            .collect();
        for t in &titles {
            let (first, end) = self.index.title_passages(t.doc)?;
            by_passage.extend((first..end).map(|passage| TermMatch {
                passage,
                tf_text: 0,
                tf_title: t.tf,
            }));
        }
        sort_by_key(&mut by_passage, |m| m.passage);
        let mut merged: Vec<TermMatch> = Vec::with_capacity(by_passage.len());
        for m in by_passage {
            match merged.last_mut() {
                Some(last) if last.passage == m.passage => {
                    last.tf_text = last.tf_text.saturating_add(m.tf_text);
                    last.tf_title = last.tf_title.saturating_add(m.tf_title);
                }
                _ => merged.push(m),
            }
        }
        Ok(merged)
    }

    fn passage_len(&self, passage: u32) -> Result<f32, FormatError> {
        Ok(self.index.passage_text(passage)?.chars().count() as f32)
    }

    fn position_in_section(&self, passage: u32) -> Result<u32, FormatError> {
        let title = self.index.title_of(passage)?;
        Ok(passage.saturating_sub(self.index.title_passages(title)?.0))
    }

    /// Searches. Errors only when the index itself is damaged.
    pub fn search(
        &self,
        query: &str,
        options: SearchOptions,
    ) -> Result<SearchResults, FormatError> {
        let parsed = self.parse(query);
        if parsed.is_empty() {
            return Ok(SearchResults::default());
        }
        let mut cache = KeyCache::default();

        let mut per_term = Vec::with_capacity(parsed.terms.len());
        for term in &parsed.terms {
            per_term.push(self.term_matches(term, &mut cache)?);
        }
        // AND across terms.
        let mut matched: Vec<u32> = per_term[0].iter().map(|m| m.passage).collect();
        for list in &per_term[1..] {
            let mut j = 0;
            matched.retain(|&p| {
                while j < list.len() && list[j].passage < p {
                    j += 1;
                }
                j < list.len() && list[j].passage == p
            });
        }

        let n = self.index.stats.passages;
        let avg = self.index.stats.avg_text_chars;
        let (scored, partial, highlight_terms) = if !matched.is_empty() {
            let idfs: Vec<f32> = per_term.iter().map(|l| rank::idf(n, l.len())).collect();
            let mut scored = Vec::with_capacity(matched.len());
            let mut cursors = vec![0usize; per_term.len()];
            for &p in &matched {
                let len = self.passage_len(p)?;
                let position = self.position_in_section(p)?;
                let mut score = rank::lead_bonus(position);
                for (t, list) in per_term.iter().enumerate() {
                    while list.get(cursors[t]).is_some_and(|m| m.passage < p) {
                        cursors[t] += 1;
                    }
                    let m = list.get(cursors[t]).copied().unwrap_or_default();
                    let title = if m.tf_title > 0 {
                        rank::title_bonus(position)
                    } else {
                        0.0
                    };
                    score += idfs[t] * (rank::bm25_tf(m.tf_text, len, avg) + title);
                }
                scored.push(Scored { passage: p, score });
            }
            self.rerank(&mut scored, &parsed.terms, &idfs, &mut cache)?;
            let keys: Vec<String> = parsed.terms.iter().map(|t| t.key.clone()).collect();
            (scored, false, keys)
        } else if parsed.terms.iter().any(|t| !t.phrase) {
            let (scored, words) = self.partial_matches(&parsed, &mut cache)?;
            let partial = !scored.is_empty();
            (scored, partial, words)
        } else {
            (Vec::new(), false, Vec::new())
        };

        let mut scored = scored;
        sort_by(&mut scored, |a, b| {
            b.score.total_cmp(&a.score).then(a.passage.cmp(&b.passage))
        });
        let total = scored.len();
        let mut hits = Vec::new();
        for s in scored.iter().skip(options.offset).take(options.limit) {
            hits.push(self.hit(s, &highlight_terms, &mut cache)?);
        }
        Ok(SearchResults {
            total,
            hits,
            partial,
        })
    }

    /// Partial matching, when no passage has every term: the unquoted terms are cut into words
    /// by the shared segmenter, every word is matched like a term (Ctrl-F on the gram index),
    /// and passages are ranked by BM25 over the words they contain times the square of the
    /// share of the query's word weight they cover. Returns the scored passages and the words
    /// that matched (for highlighting).
    fn partial_matches(
        &self,
        parsed: &ParsedQuery,
        cache: &mut KeyCache,
    ) -> Result<(Vec<Scored>, Vec<String>), FormatError> {
        let vocab = IndexVocabulary(&self.index);
        let n = self.index.stats.passages;
        let avg = self.index.stats.avg_text_chars;
        let mut words: Vec<String> = Vec::new();
        for term in parsed.terms.iter().filter(|t| !t.phrase) {
            for word in search_words(&term.key, &vocab) {
                if !words.contains(&word) {
                    words.push(word);
                }
            }
        }
        let mut matched_words = Vec::new();
        let mut entries: Vec<(TermMatch, f32)> = Vec::new();
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
                },
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
            entries.extend(matches.into_iter().map(|m| (m, idf)));
        }
        sort_by_key(&mut entries, |e| e.0.passage);
        let mut scored: Vec<Scored> = Vec::new();
        let mut i = 0;
        while i < entries.len() {
            let passage = entries[i].0.passage;
            let len = self.passage_len(passage)?;
            let position = self.position_in_section(passage)?;
            let (mut score, mut covered) = (rank::lead_bonus(position), 0.0);
            while i < entries.len() && entries[i].0.passage == passage {
                let (m, idf) = entries[i];
                let title = if m.tf_title > 0 {
                    rank::title_bonus(position)
                } else {
                    0.0
                };
                score += idf * (rank::bm25_tf(m.tf_text, len, avg) + title);
                covered += idf;
                i += 1;
            }
            let coverage = covered / total_weight.max(f32::EPSILON);
            scored.push(Scored {
                passage,
                score: coverage * coverage * score,
            });
        }
        Ok((scored, matched_words))
    }

    /// Second pass over the best [`rank::RERANK_DEPTH`] passages, reading their text: adds the
    /// whole-word bonus (matches whose both ends are word boundaries under the shared
    /// segmenter) and, for several terms, the proximity bonus.
    fn rerank(
        &self,
        scored: &mut [Scored],
        terms: &[Term],
        idfs: &[f32],
        cache: &mut KeyCache,
    ) -> Result<(), FormatError> {
        sort_by(scored, |a, b| {
            b.score.total_cmp(&a.score).then(a.passage.cmp(&b.passage))
        });
        let vocab = IndexVocabulary(&self.index);
        let idf_sum: f32 = idfs.iter().sum();
        let avg = self.index.stats.avg_text_chars;
        for s in scored.iter_mut().take(rank::RERANK_DEPTH) {
            let len = self.passage_len(s.passage)?;
            let key = self.text_key(cache, s.passage)?;
            let occurrences: Vec<Vec<(usize, usize)>> =
                terms.iter().map(|t| find_all(key, &t.key)).collect();
            for (t, occ) in occurrences.iter().enumerate() {
                let whole_words = occ
                    .iter()
                    .filter(|&&(a, b)| is_whole_word(key, a, b, &vocab))
                    .count() as u32;
                s.score += rank::WORD_WEIGHT * idfs[t] * rank::bm25_tf(whole_words, len, avg);
            }
            if let Some(closeness) = rank::proximity(&occurrences) {
                s.score += rank::PROXIMITY_WEIGHT * idf_sum * closeness;
            }
        }
        Ok(())
    }

    fn hit(
        &self,
        scored: &Scored,
        needles: &[String],
        cache: &mut KeyCache,
    ) -> Result<Hit, FormatError> {
        let p = scored.passage;
        let text = self.index.passage_text(p)?;
        let title_id = self.index.title_of(p)?;
        let title = self.index.title_text(title_id)?;
        let source = self.index.source_name(self.index.source_of(p)?)?;
        let spans_in = |key: &Key| -> Vec<Span> {
            let mut spans = Vec::new();
            for (term, needle) in needles.iter().enumerate() {
                for (start, end) in key.find_all(needle) {
                    let (start, end) = key.original_range(start, end);
                    spans.push(Span { start, end, term });
                }
            }
            spans
        };
        let text_spans = spans_in(&match_key(text, &self.index.fold));
        // Most titles contain none of the needles: map them back only when one is there.
        let title_key = self.title_key(cache, title_id)?;
        let title_spans = if needles.iter().any(|n| !find_all(title_key, n).is_empty()) {
            spans_in(&match_key(title, &self.index.fold))
        } else {
            Vec::new()
        };
        let merged_text = crate::snippet::merge_spans(text_spans.clone());
        let merged_title = crate::snippet::merge_spans(title_spans);
        Ok(Hit {
            source: source.to_string(),
            title: title.to_string(),
            text: text.to_string(),
            snippet: snippet_html(text, &text_spans),
            score: (scored.score * 1000.0).round() / 1000.0,
            passage: p,
            highlights: utf16_ranges(text, &merged_text),
            title_highlights: utf16_ranges(title, &merged_title),
        })
    }
}
