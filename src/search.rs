//! The search engine over an opened index: matching, scoring, paging, hits.
//!
//! **Matching.** Every query term must occur (Ctrl-F style, on match keys) in the passage text
//! or in its title. Candidates come from intersecting the term's gram postings; terms that are
//! not a single gram are verified against the folded text, so the result is exact: every
//! passage that contains the term, and only those. When no passage contains every term and the
//! query has unquoted terms, the engine falls back to *partial* matching over the segmenter's
//! words (`rank` explains the ordering) and says so in [`SearchResults::partial`].
//!
//! **Latin first.** A term with letters also stands for the corpus text its letters read as
//! pinyin — unless the term occurs as typed (the same Ctrl-F match, in any text or title):
//! then the reader typed a word of the corpus (`ssh`, `ls`), and its initials (所示, 类似) would
//! only bury it. Suggestions follow the same rule with the corpus's Latin words. "Occurs" is
//! the match itself, not a vocabulary lookup, so both index layouts decide it identically.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;

use crate::format::{decode_word_refs, FormatError, IndexView, Posting, PostingsBlock};
use crate::normalize::{
    char_class, find_all, fold_chars, fold_text, match_key, original_ranges, CharClass, DenseFold,
};
use crate::pinyin::{best_runs, collect_runs, read_otherwise_entries, Pattern, Readings};
use crate::query::{parse_query, without_question_words, ParsedQuery, Term};
use crate::rank;
use crate::scan::{KeyWriter, ScanKeys, ScanVocabulary, WordList, WordPrefixes};
use crate::snippet::{snippet_html, utf16_ranges, Span};
use crate::sort::{sort_by, sort_by_key, sort_top_by};
use crate::tokenize::{
    is_whole_word, search_words, term_grams, term_is_single_gram, GramQuery, Vocabulary,
};

/// In the wasm module: whether the index it embeds is a scan-layout one (`build.rs` sets the
/// `zh_search_embedded_layout` cfg from the index it wrote). The module opens no other index,
/// so the engine answers `is_scan` from this constant and the compiler leaves the other
/// layout's query code out of the module (measured with `make build`). `None` (native builds:
/// tests, tools) decides per index.
pub const EMBEDDED_LAYOUT_IS_SCAN: Option<bool> = if cfg!(not(target_arch = "wasm32")) {
    None
} else if cfg!(zh_search_embedded_layout = "scan") {
    Some(true)
} else if cfg!(zh_search_embedded_layout = "grams") {
    Some(false)
} else {
    None
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
/// Bigrams looked up to find the passages a pinyin term may occur in (gram layout).
pub const MAX_PINYIN_GRAMS: usize = 4_096;
/// Passages (and titles) a pinyin term's runs are looked for in (gram layout).
pub const MAX_PINYIN_CANDIDATES: usize = 20_000;

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
    /// HTML sources: the page's URL relative to the corpus folder (percent-encoded path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// HTML sources: the `id` of the passage's heading on that page, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor: Option<String>,
    /// The title of the page the passage is on ("" when the source has none: text files).
    pub page_title: String,
    /// The headings above the passage, outermost first, ending with its own section's title
    /// (`["Debian 软件包管理", "基本的软件包管理操作", "apt-get"]`); empty when untitled.
    pub headings: Vec<String>,
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

/// One page of grouped results ([`Engine::search_pages`]).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PageHits {
    /// Corpus file of the page.
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub page_title: String,
    /// The score of its best hit.
    pub score: f32,
    /// Matching passages on this page.
    pub total: usize,
    /// Its best passages, best first, at most [`MAX_HITS_PER_PAGE`].
    pub hits: Vec<Hit>,
}

/// Grouped results: pages ordered by their best hit.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct PageResults {
    /// Number of matching passages (all pages).
    pub total: usize,
    /// Number of pages with a matching passage.
    pub total_pages: usize,
    /// As in [`SearchResults::partial`].
    pub partial: bool,
    pub pages: Vec<PageHits>,
}

/// Hits listed per page in grouped results.
pub const MAX_HITS_PER_PAGE: usize = 20;

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct IndexStats {
    pub sources: u32,
    pub passages: u32,
    pub terms: u32,
    pub index_bytes: usize,
}

/// What results are matched and highlighted on: a query term as typed, or one of its pinyin
/// alternatives, which only counts where the term's pinyin pattern matches (so the run 行 found
/// for `xing` does not count inside 银行, where 行 reads hang).
/// A `whole_word` needle (a Latin word the corpus has, [`Term::whole_word`]) also counts only
/// where it is a whole word: `cp` in `cp -a`, not in `cpu`; `tar` in `tar -x`, not in
/// `orig.tar.gz` ([`ends_word`], [`starts_word`]).
#[derive(Clone, Copy)]
struct Needle<'n> {
    text: &'n str,
    pattern: Option<&'n Pattern>,
    whole_word: bool,
}

impl<'n> Needle<'n> {
    /// The needle for a term as typed.
    fn of(term: &'n Term) -> Needle<'n> {
        Needle {
            text: &term.key,
            pattern: None,
            whole_word: term.whole_word,
        }
    }

    /// Its occurrences in a match key, as byte ranges.
    fn find_in(&self, key: &str) -> Vec<(usize, usize)> {
        let mut found = find_all(key, self.text);
        self.keep_matching(key, &mut found);
        found
    }

    /// [`Needle::find_in`] a scan layout's whole key string, through its character positions.
    fn find_in_scan(&self, keys: &ScanKeys) -> Vec<(usize, usize)> {
        let mut found = keys.positions.find_all(&keys.keys, self.text);
        self.keep_matching(&keys.keys, &mut found);
        found
    }

    /// Drops the occurrences its pattern or its word end rule refuses.
    fn keep_matching(&self, key: &str, found: &mut Vec<(usize, usize)>) {
        if let Some(pattern) = self.pattern {
            found.retain(|&(start, end)| pattern.match_at(key, start) == Some(end));
        }
        if self.whole_word {
            let word_start = self.text.chars().next().is_some_and(is_word_char);
            found.retain(|&(start, end)| {
                ends_word(key, end) && (!word_start || starts_word(key, start))
            });
        }
    }
}

/// Whether `mid` between the characters `a` and `b` keeps them one word, as Unicode's word
/// boundaries (UAX #29) have it: `.` and `'` join two letters or two digits (`orig.tar.gz`,
/// `don't`, `3.14`) but not a digit and a letter (`1.2.shell`, a heading number whose space
/// folding dropped); `_` joins any two (`file_name`, `foo_2`).
fn joins_word(a: char, mid: char, b: char) -> bool {
    let same_kind = (a.is_alphabetic() && b.is_alphabetic()) || (a.is_numeric() && b.is_numeric());
    match mid {
        '.' | '\'' | '’' => same_kind,
        '_' => is_word_char(a) && is_word_char(b),
        _ => false,
    }
}

fn is_word_char(c: char) -> bool {
    char_class(c) == CharClass::Word
}

/// Whether a word ends at byte offset `end` of `key`: no letter or digit follows, nor a
/// joiner that carries the word on ([`joins_word`]).
fn ends_word(key: &str, end: usize) -> bool {
    let Some(last) = key.get(..end).and_then(|s| s.chars().next_back()) else {
        return true;
    };
    let mut next = key.get(end..).unwrap_or("").chars();
    match (next.next(), next.next()) {
        (None, _) => true,
        (Some(c), _) if is_word_char(c) => false,
        (Some(mid), Some(b)) => !joins_word(last, mid, b),
        (Some(_), None) => true,
    }
}

/// Whether a word starts at byte offset `start` of `key` (the mirror of [`ends_word`]).
fn starts_word(key: &str, start: usize) -> bool {
    let Some(first) = key.get(start..).and_then(|s| s.chars().next()) else {
        return true;
    };
    let mut before = key.get(..start).unwrap_or("").chars().rev();
    match (before.next(), before.next()) {
        (None, _) => true,
        (Some(c), _) if is_word_char(c) => false,
        (Some(mid), Some(a)) => !joins_word(a, mid, first),
        (Some(_), None) => true,
    }
}

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
type Alternatives = (Vec<String>, Option<Pattern>);

/// Where one term occurs in one passage.
#[derive(Clone, Copy, Debug, Default)]
struct TermMatch {
    passage: u32,
    tf_text: u32,
    tf_title: u32,
    /// In the page title (counted on the page's first passage only).
    tf_page: u32,
    /// The term itself occurs (not only a pinyin alternative of it).
    exact: bool,
}

/// A scored passage.
#[derive(Clone, Copy, Debug)]
struct Scored {
    passage: u32,
    score: f32,
    /// Every term occurs as typed: such passages rank above pinyin-only matches.
    exact: bool,
    /// Whether it opens a section or page whose heading or title is (or tightly holds) the
    /// query: above any score (see `rank`).
    structure: rank::Structure,
}

/// One match per passage, sorted by passage: counts added (saturating: an index's counts are
/// not trusted), `exact` where any of them is.
fn merge_by_passage(mut matches: Vec<TermMatch>) -> Vec<TermMatch> {
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

/// Best first: exact matches, then by structure tier, then by score, then in corpus order.
fn by_rank(a: &Scored, b: &Scored) -> std::cmp::Ordering {
    b.exact
        .cmp(&a.exact)
        .then(b.structure.cmp(&a.structure))
        .then(b.score.total_cmp(&a.score))
        .then(a.passage.cmp(&b.passage))
}

/// Match keys folded during one search (gram layout: only the candidates' texts are folded).
#[derive(Default)]
struct KeyCache {
    texts: HashMap<u32, String>,
    titles: HashMap<u32, String>,
}

/// Scan layout: the vocabulary words of every text position are listed up front
/// ([`WordPrefixes`], ~20 bytes of memory per byte of text) only for corpora up to this many
/// bytes of match keys; the whole-word checks of larger ones look words up in the vocabulary, as
/// the gram layout's do (they check the few best passages of each query, not the corpus).
pub const WORD_PREFIXES_MAX_KEY_BYTES: usize = 1 << 20;

/// Scan layout: the folded passage texts and titles (see [`crate::scan`]).
struct ScanCorpus {
    texts: ScanKeys,
    titles: ScanKeys,
    /// The vocabulary, spelled out from the index's word references into `texts`/`titles`.
    words: WordList,
    /// The vocabulary words at every position of `texts` (for whole-word checks), when the
    /// texts are at most [`WORD_PREFIXES_MAX_KEY_BYTES`].
    text_words: Option<WordPrefixes>,
}

/// The index's vocabulary, as the shared segmenter and the suggestions read it: the word fst
/// (gram layout), or the word list the scan layout spells out from its word references.
#[derive(Clone, Copy)]
pub enum IndexVocabulary<'e, 'a> {
    Fst(&'e IndexView<'a>),
    Listed(&'e WordList),
}

impl IndexVocabulary<'_, '_> {
    /// Up to `limit` words starting with `prefix` with their frequencies, in byte order.
    pub fn starting_with(&self, prefix: &str, limit: usize) -> Vec<(String, u64)> {
        match self {
            IndexVocabulary::Fst(index) => {
                use fst::{IntoStreamer, Streamer};
                let automaton = fst::automaton::Str::new(prefix);
                let mut stream = index
                    .words()
                    .search(fst::Automaton::starts_with(automaton))
                    .into_stream();
                let mut found = Vec::new();
                while let Some((word, freq)) = stream.next() {
                    if found.len() == limit {
                        break;
                    }
                    found.push((String::from_utf8_lossy(word).into_owned(), freq));
                }
                found
            }
            IndexVocabulary::Listed(list) => list
                .starting_with(prefix)
                .take(limit)
                .map(|i| {
                    let (word, freq) = list.entry(i);
                    (word.to_string(), freq)
                })
                .collect(),
        }
    }

    /// Every word with its frequency, in byte order (for tests and tools).
    pub fn entries(&self) -> Vec<(String, u64)> {
        self.starting_with("", usize::MAX)
    }
}

impl Vocabulary for IndexVocabulary<'_, '_> {
    fn prefixes(&self, text: &str, found: &mut dyn FnMut(usize, u64)) {
        let index = match self {
            IndexVocabulary::Fst(index) => index,
            IndexVocabulary::Listed(list) => return list.prefixes(text, found),
        };
        let fst = index.words().as_fst();
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
        match self {
            IndexVocabulary::Fst(index) => index.words().get(word).filter(|&f| f > 0),
            IndexVocabulary::Listed(list) => list.freq(word),
        }
    }
    fn total_freq(&self) -> u64 {
        match self {
            IndexVocabulary::Fst(index) => index.stats().word_freq_total,
            IndexVocabulary::Listed(list) => list.total_freq(),
        }
    }
}

/// Suggestion order of `(frequency, chars, word)`: most frequent, then shortest, then in
/// code-point order (one function, so one instance of the sort for every list of suggestions).
fn most_frequent_first(a: &(u64, usize, String), b: &(u64, usize, String)) -> std::cmp::Ordering {
    b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
}

/// Vocabulary words starting with `prefix`: `(frequency, chars, word)`, at most
/// [`MAX_SUGGEST_SCAN`].
fn words_starting_with(vocab: &IndexVocabulary<'_, '_>, prefix: &str) -> Vec<(u64, usize, String)> {
    vocab
        .starting_with(prefix, MAX_SUGGEST_SCAN)
        .into_iter()
        .map(|(word, freq)| (freq, word.chars().count(), word))
        .collect()
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
    /// Scan layout only: the folded texts, built by the first search.
    scan_keys: OnceLock<Result<ScanCorpus, FormatError>>,
    /// Scan layout: list word prefixes up front up to this many bytes of text keys.
    word_prefixes_max_key_bytes: usize,
    /// The pinyin table's polyphone exceptions, read by the first pinyin query.
    read_otherwise: OnceLock<Vec<(char, Vec<char>)>>,
    /// The match keys of the page titles that are not empty, by source (first search).
    page_keys: OnceLock<Result<Vec<(u32, String)>, FormatError>>,
}

/// What [`Engine::ranked`] hands its caller: the scored passages (unsorted), whether they are
/// partial matches, the needles to highlight, and the search's key cache.
type FinishRanking<'f> =
    dyn FnMut(&mut Vec<Scored>, bool, &[Needle<'_>], &mut KeyCache) -> Result<(), FormatError> + 'f;

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
    /// The score of one term's match (× its idf).
    fn term_score(&self, m: &TermMatch, avg_text: f32, avg_heading: f32) -> f32 {
        self.body * rank::bm25_tf(m.tf_text, self.len, avg_text)
            + rank::heading_score(m.tf_title, self.heading_len, avg_heading, self.position)
            + rank::page_title_score(m.tf_page, self.page_len, avg_heading)
    }
}

impl<'a> Engine<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<Engine<'a>, FormatError> {
        let index = IndexView::open(bytes)?;
        index.require_layout(EMBEDDED_LAYOUT_IS_SCAN)?;
        Ok(Engine {
            index,
            scan_keys: OnceLock::new(),
            word_prefixes_max_key_bytes: WORD_PREFIXES_MAX_KEY_BYTES,
            read_otherwise: OnceLock::new(),
            page_keys: OnceLock::new(),
        })
    }

    /// Whether queries scan the texts instead of a gram index. A constant in the wasm module
    /// ([`EMBEDDED_LAYOUT_IS_SCAN`]; `open` refused the other layout), so the compiler leaves
    /// the other layout's query code out.
    fn is_scan(&self) -> bool {
        EMBEDDED_LAYOUT_IS_SCAN.unwrap_or_else(|| self.index.is_scan())
    }

    /// The same engine with another limit for listing word prefixes up front (scan layout;
    /// default [`WORD_PREFIXES_MAX_KEY_BYTES`]), before its first search: lets tests run the
    /// path of large corpora on a small one. Results never depend on it, only speed and memory.
    pub fn with_word_prefixes_max_key_bytes(mut self, bytes: usize) -> Engine<'a> {
        self.word_prefixes_max_key_bytes = bytes;
        self
    }

    /// For each term of `query` (as [`Self::parse`] gives them), the runs of corpus text it
    /// also stands for as pinyin — exactly the alternatives [`Self::search`] matches. For tests
    /// and tools that check results.
    pub fn pinyin_alternatives_of(&self, query: &str) -> Result<Vec<Vec<String>>, FormatError> {
        let parsed = self.parse(query);
        Ok(self
            .term_alternatives(&parsed.terms, &mut KeyCache::default())?
            .into_iter()
            .map(|(runs, _)| runs)
            .collect())
    }

    /// The index's reading table.
    fn readings(&self) -> Readings<'_> {
        Readings {
            map: self.index.pinyin(),
            chars: self.index.pinyin_chars(),
        }
    }

    /// The pinyin table's polyphone exceptions (read on first use).
    fn read_otherwise(&self) -> &[(char, Vec<char>)] {
        self.read_otherwise
            .get_or_init(|| read_otherwise_entries(self.readings()))
    }

    /// The scan layout's folded texts (folded on first use; O(corpus) once).
    fn scan_keys(&self) -> Result<&ScanCorpus, FormatError> {
        let index = &self.index;
        self.scan_keys
            .get_or_init(|| {
                let dense = DenseFold::new(index.fold());
                let fold = |text: Result<&str, FormatError>, writer: &mut KeyWriter| {
                    fold_chars(
                        text?,
                        &dense,
                        #[inline(always)]
                        |c| writer.push(c),
                    );
                    Ok(())
                };
                // Folding keeps a text's length or shortens it (whitespace dropped, full-width
                // letters halved), plus one separator per key: a capacity hint, not a limit.
                let texts = ScanKeys::build(
                    index.stats().passages,
                    index.passage_text_bytes() + index.stats().passages as usize,
                    &|p, writer| fold(index.passage_text(p), writer),
                )?;
                let titles = ScanKeys::build(
                    index.stats().titles,
                    index.title_text_bytes() + index.stats().titles as usize,
                    &|t, writer| fold(index.title_text(t), writer),
                )?;
                let words = WordList::new(
                    &decode_word_refs(index.word_refs())?,
                    &texts.keys,
                    &titles.keys,
                    index.stats().word_freq_total,
                )?;
                let text_words = (texts.keys.len() <= self.word_prefixes_max_key_bytes)
                    .then(|| WordPrefixes::new(&texts.keys, &words));
                Ok(ScanCorpus {
                    texts,
                    titles,
                    words,
                    text_words,
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The match keys of the non-empty page titles, without their numbering, with their sources
    /// (folded on first use).
    fn page_keys(&self) -> Result<&[(u32, String)], FormatError> {
        self.page_keys
            .get_or_init(|| {
                let mut keys = Vec::new();
                for source in 0..self.index.stats().sources {
                    let title = self.index.source_page_title(source)?;
                    if !title.is_empty() {
                        let key = fold_text(title, &self.index.fold());
                        let numbering = self.index.page_title_numbering(source)?;
                        keys.push((source, key.get(numbering..).unwrap_or(&key).to_string()));
                    }
                }
                Ok(keys)
            })
            .as_ref()
            .map(Vec::as_slice)
            .map_err(Clone::clone)
    }

    /// The match key of a passage's page title, when the passage is its page's first and the
    /// page has a title.
    fn page_key_of(&self, passage: u32) -> Result<Option<&str>, FormatError> {
        let keys = self.page_keys()?;
        if keys.is_empty() {
            return Ok(None);
        }
        let source = self.index.source_of(passage)?;
        if self.index.source_first_passage(source)? != passage {
            return Ok(None);
        }
        Ok(keys
            .binary_search_by_key(&source, |k| k.0)
            .ok()
            .map(|i| keys[i].1.as_str()))
    }

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
            heading_len: self.index.title_text(title)?.chars().count() as f32,
            page_len,
            body: rank::body_weight(self.index.passage_link_percent(passage)?),
        })
    }

    pub fn stats(&self) -> IndexStats {
        let s = self.index.stats();
        IndexStats {
            sources: s.sources,
            passages: s.passages,
            terms: s.grams.saturating_add(s.words),
            index_bytes: self.index.bytes().len(),
        }
    }

    /// The index's vocabulary (in the scan layout, spelled out by the first search).
    pub fn vocabulary(&self) -> Result<IndexVocabulary<'_, 'a>, FormatError> {
        Ok(if self.is_scan() {
            IndexVocabulary::Listed(&self.scan_keys()?.words)
        } else {
            IndexVocabulary::Fst(&self.index)
        })
    }

    /// The words of `text` as the index and queries cut them (normalised, then the shared
    /// segmenter over the index's own vocabulary).
    pub fn words(&self, text: &str) -> Result<Vec<String>, FormatError> {
        let key = match_key(text, &self.index.fold());
        Ok(search_words(&key.text, &self.vocabulary()?))
    }

    /// Parses a query with this index's fold table.
    pub fn parse(&self, query: &str) -> ParsedQuery {
        parse_query(query, &self.index.fold())
    }

    /// Vocabulary words starting with `prefix` (folded like a query), most frequent in the
    /// corpus first, then shortest, then in code-point order.
    pub fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<String>, FormatError> {
        let key = crate::normalize::fold_text(
            prefix.chars().take(64).collect::<String>().as_str(),
            &self.index.fold(),
        );
        if key.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let vocab = self.vocabulary()?;
        // Latin (`ss`): the corpus's own words that start with the letters (ssh, sshd, ssl),
        // ahead of the vocabulary's; their pinyin readings (所示, 上述) only when there are none.
        let mut latin = self.latin_words_starting_with(&key)?;
        sort_by(&mut latin, most_frequent_first);
        let mut found = words_starting_with(&vocab, &key);
        sort_by(&mut found, most_frequent_first);
        // Pinyin (`guangy`, `gyl`): the runs of corpus text the letters stand for, those that
        // are vocabulary words, after the words that start with the letters themselves.
        let mut pinyin: Vec<(u64, usize, String)> = Vec::new();
        if latin.is_empty() {
            let term = Term {
                grams: term_grams(&key),
                key,
                phrase: false,
                whole_word: false,
            };
            let runs = self.pinyin_alternatives(&term, &mut KeyCache::default())?.0;
            for run in &runs {
                pinyin.extend(words_starting_with(&vocab, run));
            }
            sort_by(&mut pinyin, most_frequent_first);
        }
        let mut out: Vec<String> = Vec::new();
        for (_, _, word) in latin.into_iter().chain(found).chain(pinyin) {
            if !out.contains(&word) {
                out.push(word);
            }
        }
        out.truncate(limit);
        Ok(out)
    }

    /// The corpus's Latin words (maximal runs of letters and digits, as the tokenizer cuts
    /// them: see [`crate::tokenize`]) that start with `prefix`, when `prefix` is such a run:
    /// `(passages and titles containing the word, chars, word)`, at most [`MAX_SUGGEST_SCAN`].
    /// The gram layout indexes these runs as whole grams, so they are the gram fst's keys that
    /// start with the prefix; the scan layout finds them in its folded texts. Both count the
    /// same texts and titles.
    fn latin_words_starting_with(
        &self,
        prefix: &str,
    ) -> Result<Vec<(u64, usize, String)>, FormatError> {
        if prefix.is_empty() || !prefix.chars().all(|c| char_class(c) == CharClass::Word) {
            return Ok(Vec::new());
        }
        let words = if self.is_scan() {
            let corpus = self.scan_keys()?;
            let needle = Needle {
                text: prefix,
                pattern: None,
                whole_word: false,
            };
            // (texts and titles counted, the last one counted, word), sorted by word:
            // occurrences come in key order, so each text or title counts once per word. The
            // middle field becomes the word's length in chars at the end.
            let mut words: Vec<(u64, usize, String)> = Vec::new();
            for keys in [&corpus.texts, &corpus.titles] {
                words.iter_mut().for_each(|w| w.1 = usize::MAX);
                for (start, end) in needle.find_in_scan(keys) {
                    let mut word_end = end;
                    for c in keys.keys[end..].chars() {
                        if char_class(c) != CharClass::Word {
                            break;
                        }
                        word_end += c.len_utf8();
                    }
                    let word = &keys.keys[start..word_end];
                    let entry = keys.entry_at(start) as usize;
                    match words.binary_search_by(|w| w.2.as_str().cmp(word)) {
                        Ok(i) if words[i].1 != entry => {
                            words[i].0 += 1;
                            words[i].1 = entry;
                        }
                        Ok(_) => {}
                        Err(i) if words.len() < MAX_SUGGEST_SCAN => {
                            words.insert(i, (1, entry, word.to_string()));
                        }
                        Err(_) => {}
                    }
                }
            }
            for word in &mut words {
                word.1 = word.2.chars().count();
            }
            words
        } else {
            use fst::{IntoStreamer, Streamer};
            let automaton = fst::automaton::Str::new(prefix);
            let mut stream = self
                .index
                .grams()
                .search(fst::Automaton::starts_with(automaton))
                .into_stream();
            let mut found = Vec::new();
            while let Some((gram, value)) = stream.next() {
                if found.len() == MAX_SUGGEST_SCAN {
                    break;
                }
                let block = self.index.gram_postings(value)?;
                let freq = (block.text.len() + block.title.len()) as u64;
                let word = String::from_utf8_lossy(gram).into_owned();
                found.push((freq, word.chars().count(), word));
            }
            found
        };
        Ok(words)
    }

    fn gram_postings(&self, gram: &GramQuery) -> Result<PostingsBlock, FormatError> {
        match gram {
            GramQuery::Exact(g) => match self.index.grams().get(g) {
                Some(value) => self.index.gram_postings(value),
                None => Ok(PostingsBlock::default()),
            },
            GramQuery::Prefix(p) => {
                use fst::{IntoStreamer, Streamer};
                let automaton = fst::automaton::Str::new(p);
                let mut stream = self
                    .index
                    .grams()
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

    /// The match key of a passage: from the scan keys, or folded once per search.
    fn text_key<'c>(
        &'c self,
        cache: &'c mut KeyCache,
        passage: u32,
    ) -> Result<&'c str, FormatError> {
        if self.is_scan() {
            return Ok(self.scan_keys()?.texts.key(passage));
        }
        self.cached_key(&mut cache.texts, passage, self.index.passage_text(passage))
    }

    /// The match key of a title, like [`Self::text_key`].
    fn title_key<'c>(
        &'c self,
        cache: &'c mut KeyCache,
        title: u32,
    ) -> Result<&'c str, FormatError> {
        if self.is_scan() {
            return Ok(self.scan_keys()?.titles.key(title));
        }
        self.cached_key(&mut cache.titles, title, self.index.title_text(title))
    }

    /// `original` folded once into `cache` under `id`.
    fn cached_key<'c>(
        &'c self,
        cache: &'c mut HashMap<u32, String>,
        id: u32,
        original: Result<&'a str, FormatError>,
    ) -> Result<&'c str, FormatError> {
        if let std::collections::hash_map::Entry::Vacant(slot) = cache.entry(id) {
            slot.insert(fold_text(original?, &self.index.fold()));
        }
        Ok(cache.get(&id).map_or("", String::as_str))
    }

    /// Scan layout: the term's occurrences in every text and title, one search each.
    fn scan_postings(
        &self,
        needle: Needle<'_>,
    ) -> Result<(Vec<Posting>, Vec<Posting>), FormatError> {
        let corpus = self.scan_keys()?;
        let count = |keys: &ScanKeys| keys.count(&needle.find_in_scan(keys));
        Ok((count(&corpus.texts), count(&corpus.titles)))
    }

    /// Gram layout: the term's texts and titles from its grams' postings, verified against the
    /// folded text unless the term is a single gram (and not a pinyin alternative).
    fn gram_term_postings(
        &self,
        term: &Term,
        needle: Needle<'_>,
        cache: &mut KeyCache,
    ) -> Result<(Vec<Posting>, Vec<Posting>), FormatError> {
        let mut blocks = Vec::with_capacity(term.grams.len());
        for gram in &term.grams {
            let block = self.gram_postings(gram)?;
            if block.text.is_empty() && block.title.is_empty() {
                return Ok((Vec::new(), Vec::new()));
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
        let single_gram = term.grams.len() == 1 && term_is_single_gram(&term.key);
        if needle.pattern.is_some() || needle.whole_word || !single_gram {
            let mut verified = Vec::with_capacity(texts.len());
            for p in texts {
                let tf = needle.find_in(self.text_key(cache, p.doc)?).len() as u32;
                if tf > 0 {
                    verified.push(Posting { doc: p.doc, tf });
                }
            }
            texts = verified;
            let mut verified = Vec::with_capacity(titles.len());
            for t in titles {
                let tf = needle.find_in(self.title_key(cache, t.doc)?).len() as u32;
                if tf > 0 {
                    verified.push(Posting { doc: t.doc, tf });
                }
            }
            titles = verified;
        }
        Ok((texts, titles))
    }

    /// Every passage containing `term` (in its text or title), sorted by passage.
    fn term_matches(
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
        let (texts, titles) = if self.is_scan() {
            self.scan_postings(needle)?
        } else {
            self.gram_term_postings(term, needle, cache)?
        };
        let mut by_passage: Vec<TermMatch> = texts
            .iter()
            .map(|p| TermMatch {
                passage: p.doc,
                tf_text: p.tf,
                ..TermMatch::default()
            })
            .collect();
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
        let needle = Needle::of(term);
        if self.is_scan() {
            let corpus = self.scan_keys()?;
            let found = |keys: &ScanKeys| !needle.find_in_scan(keys).is_empty();
            return Ok(found(&corpus.texts) || found(&corpus.titles));
        }
        let (texts, titles) = self.gram_term_postings(term, needle, cache)?;
        Ok(!texts.is_empty() || !titles.is_empty())
    }

    /// The runs of corpus text a term with letters may stand for as pinyin (`gyl` → 光岳楼),
    /// most frequent first; empty for other terms, and for a term that occurs as typed
    /// ([`Self::occurs_literally`]): letters found in the corpus are searched as those letters
    /// only (`ssh` is the command, not 所示/上述), so their pinyin readings, initials above all,
    /// never bury the literal matches. See [`crate::pinyin`].
    fn pinyin_alternatives(
        &self,
        term: &Term,
        cache: &mut KeyCache,
    ) -> Result<Alternatives, FormatError> {
        if term.phrase {
            return Ok((Vec::new(), None));
        }
        let Some(pattern) = Pattern::new(&term.key, self.readings(), self.read_otherwise()) else {
            return Ok((Vec::new(), None));
        };
        // A whole-word term was found literally by mark_whole_words already: no second scan.
        if term.whole_word || self.occurs_literally(term, cache)? {
            return Ok((Vec::new(), None));
        }
        let mut runs = self.pinyin_runs(&pattern, cache)?;
        runs.retain(|run| *run != term.key);
        Ok((runs, Some(pattern)))
    }

    /// The alternatives of every term. Several terms of letters only (`guang yue lou`) are
    /// first read together as one run, and each term stands for its part of the runs found
    /// (光, 岳, 楼 rather than every character read yue), unless every one of them occurs as
    /// typed (`ssh key`: Latin words, searched as such); otherwise each term on its own.
    fn term_alternatives(
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
            if let Some((pattern, counts)) =
                Pattern::from_terms(&keys, self.readings(), self.read_otherwise())
            {
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

    /// The most frequent runs of corpus text matching `pattern`.
    fn pinyin_runs(
        &self,
        pattern: &Pattern,
        cache: &mut KeyCache,
    ) -> Result<Vec<String>, FormatError> {
        if self.is_scan() {
            let corpus = self.scan_keys()?;
            let mut found = Vec::new();
            for keys in [&corpus.texts, &corpus.titles] {
                keys.pinyin_runs(pattern, &mut found);
            }
            return Ok(best_runs(pattern, found));
        }
        let (passages, titles) = self.pinyin_candidates(pattern)?;
        let mut owned: Vec<String> = Vec::new();
        let mut collect = |key: &str| {
            let mut found = Vec::new();
            collect_runs(pattern, key, &mut found);
            owned.extend(found.into_iter().map(str::to_string));
        };
        for p in passages {
            collect(self.text_key(cache, p)?);
        }
        for t in titles {
            collect(self.title_key(cache, t)?);
        }
        Ok(best_runs(
            pattern,
            owned.iter().map(String::as_str).collect(),
        ))
    }

    /// Gram layout: the passages and titles that may hold a run of `pattern`, from the
    /// postings of the bigrams its first two slots can form (or of its first characters).
    fn pinyin_candidates(&self, pattern: &Pattern) -> Result<(Vec<u32>, Vec<u32>), FormatError> {
        let mut grams: Vec<GramQuery> = Vec::new();
        let first = pattern.slots.first().map_or(&[][..], |s| s.chars());
        match pattern.slots.get(1) {
            Some(second) => {
                for &a in first {
                    for &b in second.chars() {
                        grams.push(GramQuery::Exact([a, b].iter().collect()));
                        if grams.len() >= MAX_PINYIN_GRAMS {
                            break;
                        }
                    }
                }
                for (_, word) in pattern.words.iter().filter(|w| w.0 == 0) {
                    grams.push(GramQuery::Exact(word.iter().take(2).collect()));
                }
            }
            None => grams.extend(first.iter().map(|c| GramQuery::Prefix(c.to_string()))),
        }
        let (mut passages, mut titles) = (Vec::new(), Vec::new());
        for gram in grams.iter().take(MAX_PINYIN_GRAMS) {
            let block = self.gram_postings(gram)?;
            passages.extend(block.text.iter().map(|p| p.doc));
            titles.extend(block.title.iter().map(|p| p.doc));
            if passages.len() + titles.len() > MAX_PINYIN_CANDIDATES {
                break;
            }
        }
        for list in [&mut passages, &mut titles] {
            sort_by(list, |a, b| a.cmp(b));
            list.dedup();
            list.truncate(MAX_PINYIN_CANDIDATES);
        }
        Ok((passages, titles))
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
        for alternative in alternatives {
            let alt = Term {
                key: alternative.clone(),
                phrase: false,
                grams: term_grams(alternative),
                whole_word: false,
            };
            all.extend(
                self.term_matches(&alt, pattern.as_ref(), cache)?
                    .into_iter()
                    .map(|m| TermMatch { exact: false, ..m }),
            );
        }
        Ok(merge_by_passage(all))
    }

    fn passage_len(&self, passage: u32) -> Result<f32, FormatError> {
        Ok(self.index.passage_text(passage)?.chars().count() as f32)
    }

    /// Searches. Errors only when the index itself is damaged.
    pub fn search(
        &self,
        query: &str,
        options: SearchOptions,
    ) -> Result<SearchResults, FormatError> {
        let mut results = SearchResults::default();
        let shown = options.offset.saturating_add(options.limit);
        self.ranked(query, &mut |scored, partial, highlight, cache| {
            sort_top_by(scored, shown, by_rank);
            results.total = scored.len();
            results.partial = partial;
            for s in scored.iter().skip(options.offset).take(options.limit) {
                results.hits.push(self.hit(s, highlight, cache)?);
            }
            Ok(())
        })?;
        Ok(results)
    }

    /// Searches, grouping the hits by page: pages in the order of their best hit, each with
    /// its number of matching passages and its best [`MAX_HITS_PER_PAGE`] hits, best first.
    /// `options` count pages. The passages and their order are [`Self::search`]'s: a page's
    /// hits are the flat results of that page, in the flat order.
    pub fn search_pages(
        &self,
        query: &str,
        options: SearchOptions,
    ) -> Result<PageResults, FormatError> {
        let mut results = PageResults::default();
        self.ranked(query, &mut |scored, partial, highlight, cache| {
            sort_top_by(scored, usize::MAX, by_rank);
            results.total = scored.len();
            results.partial = partial;
            // Pages are numbered in order of first appearance; those in the window are listed.
            let window = options.offset..options.offset.saturating_add(options.limit);
            let mut page_of = vec![u32::MAX; self.index.stats().sources as usize];
            for s in scored.iter() {
                let source = self.index.source_of(s.passage)?;
                let slot = page_of
                    .get_mut(source as usize)
                    .ok_or(FormatError::OutOfBounds { what: "source id" })?;
                if *slot == u32::MAX {
                    *slot = results.total_pages as u32;
                    if window.contains(&results.total_pages) {
                        let url = self.index.source_url(source)?;
                        results.pages.push(PageHits {
                            source: self.index.source_name(source)?.to_string(),
                            url: (!url.is_empty()).then(|| url.to_string()),
                            page_title: self.index.source_page_title(source)?.to_string(),
                            score: s.score,
                            total: 0,
                            hits: Vec::new(),
                        });
                    }
                    results.total_pages += 1;
                }
                let listed = (*slot as usize).checked_sub(window.start);
                if let Some(page) = listed.and_then(|i| results.pages.get_mut(i)) {
                    page.total += 1;
                    if page.hits.len() < MAX_HITS_PER_PAGE {
                        let hit = self.hit(s, highlight, cache)?;
                        if page.hits.is_empty() {
                            page.score = hit.score;
                        }
                        page.hits.push(hit);
                    }
                }
            }
            Ok(())
        })?;
        Ok(results)
    }

    /// Matches and scores every passage for `query`, then hands `finish` the scored passages
    /// (unsorted), whether they are partial matches, and the needles to highlight. Does not
    /// call `finish` for an empty query.
    fn ranked(&self, query: &str, finish: &mut FinishRanking<'_>) -> Result<(), FormatError> {
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
        let needles: Vec<Vec<Needle<'_>>> = parsed
            .terms
            .iter()
            .zip(&alternatives)
            .map(|(term, (texts, pattern))| {
                let exact = Needle::of(term);
                let pinyin = texts.iter().map(|text| Needle {
                    text,
                    pattern: pattern.as_ref(),
                    whole_word: false,
                });
                [exact].into_iter().chain(pinyin).collect()
            })
            .collect();
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

        let n = self.index.stats().passages;
        let (avg, avg_heading) = (
            self.index.stats().avg_text_chars,
            self.index.stats().avg_title_chars,
        );
        let term_keys: Vec<&str> = parsed.terms.iter().map(|t| t.key.as_str()).collect();
        let typed: Vec<&str> = typed_keys.iter().map(String::as_str).collect();
        let mut partial_words: Vec<String> = Vec::new();
        let (mut scored, partial) = if !matched.is_empty() {
            let idfs: Vec<f32> = per_term.iter().map(|l| rank::idf(n, l.len())).collect();
            let supports = per_term
                .iter()
                .map(|list| self.section_support(list))
                .collect::<Result<Vec<_>, _>>()?;
            let mut scored = Vec::with_capacity(matched.len());
            let mut cursors = vec![0usize; per_term.len()];
            for &p in &matched {
                let fields = self.passage_fields(p)?;
                let mut score = fields.body * rank::lead_bonus(fields.position);
                let (mut exact, mut in_heading, mut in_page) = (true, true, true);
                for (t, list) in per_term.iter().enumerate() {
                    while list.get(cursors[t]).is_some_and(|m| m.passage < p) {
                        cursors[t] += 1;
                    }
                    let m = list.get(cursors[t]).copied().unwrap_or_default();
                    exact &= m.exact;
                    in_heading &= m.tf_title > 0;
                    in_page &= m.tf_page > 0;
                    score += idfs[t] * fields.term_score(&m, avg, avg_heading);
                    if m.passage == p && m.tf_text > 0 {
                        let section_tf = supports[t].get(cursors[t]).copied().unwrap_or(0);
                        let others = section_tf.saturating_sub(m.tf_text);
                        score += idfs[t] * fields.body * rank::section_support(others);
                    }
                }
                let mut structure = rank::Structure::None;
                if exact && in_page {
                    if let Some(key) = self.page_key_of(p)? {
                        structure = rank::structure(key, &term_keys, true)
                            .max(rank::structure(key, &typed, true));
                    }
                }
                if exact && in_heading && fields.position == 0 {
                    let title = self.index.title_of(p)?;
                    let numbering = self.index.title_numbering(title)?;
                    let key = self.title_key(&mut cache, title)?;
                    let key = key.get(numbering..).unwrap_or(key);
                    let heading = rank::structure(key, &term_keys, false)
                        .max(rank::structure(key, &typed, false));
                    structure = structure.max(heading);
                }
                scored.push(Scored {
                    passage: p,
                    score,
                    exact,
                    structure,
                });
            }
            self.rerank(&mut scored, &needles, &idfs, &mut cache)?;
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
                .map(|text| Needle {
                    text,
                    pattern: None,
                    whole_word: false,
                })
                .collect()
        } else {
            needles.concat()
        };
        finish(&mut scored, partial, &highlight, &mut cache)
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
    fn partial_matches(
        &self,
        parsed: &ParsedQuery,
        cache: &mut KeyCache,
    ) -> Result<(Vec<Scored>, Vec<String>), FormatError> {
        let vocab = self.vocabulary()?;
        let n = self.index.stats().passages;
        let (avg, avg_heading) = (
            self.index.stats().avg_text_chars,
            self.index.stats().avg_title_chars,
        );
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
            entries.extend(matches.into_iter().map(|m| (m, idf)));
        }
        sort_by_key(&mut entries, |e| e.0.passage);
        let mut scored: Vec<Scored> = Vec::new();
        let mut i = 0;
        while i < entries.len() {
            let passage = entries[i].0.passage;
            let fields = self.passage_fields(passage)?;
            let (mut score, mut covered) = (fields.body * rank::lead_bonus(fields.position), 0.0);
            while i < entries.len() && entries[i].0.passage == passage {
                let (m, idf) = entries[i];
                score += idf * fields.term_score(&m, avg, avg_heading);
                covered += idf;
                i += 1;
            }
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

    /// Second pass over the best [`rank::RERANK_DEPTH`] passages, reading their text: adds the
    /// whole-word bonus (matches whose both ends are word boundaries under the shared
    /// segmenter) and, for several terms, the proximity bonus.
    fn rerank(
        &self,
        scored: &mut [Scored],
        needles: &[Vec<Needle<'_>>],
        idfs: &[f32],
        cache: &mut KeyCache,
    ) -> Result<(), FormatError> {
        sort_top_by(scored, rank::RERANK_DEPTH, by_rank);
        let index_vocab = self.vocabulary()?;
        let scan_vocab;
        let corpus = if self.is_scan() {
            Some(self.scan_keys()?)
        } else {
            None
        };
        let vocab: &dyn Vocabulary = match corpus {
            Some(ScanCorpus {
                texts,
                text_words: Some(prefixes),
                ..
            }) => {
                scan_vocab = ScanVocabulary {
                    keys: &texts.keys,
                    prefixes,
                    fallback: &index_vocab,
                };
                &scan_vocab
            }
            _ => &index_vocab,
        };
        let idf_sum: f32 = idfs.iter().sum();
        let avg = self.index.stats().avg_text_chars;
        for s in scored.iter_mut().take(rank::RERANK_DEPTH) {
            let len = self.passage_len(s.passage)?;
            let key = self.text_key(cache, s.passage)?;
            let occurrences: Vec<Vec<(usize, usize)>> = needles
                .iter()
                .map(|term| {
                    let mut all: Vec<(usize, usize)> =
                        term.iter().flat_map(|n| n.find_in(key)).collect();
                    sort_by(&mut all, |a, b| a.cmp(b));
                    all
                })
                .collect();
            for (t, occ) in occurrences.iter().enumerate() {
                // BM25 saturates long before: checking the first few occurrences is enough,
                // and bounds the work for a term found all over a long passage.
                let whole_words = occ
                    .iter()
                    .take(rank::MAX_WORD_CHECKS)
                    .filter(|&&(a, b)| is_whole_word(key, a, b, vocab))
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
        needles: &[Needle<'_>],
        cache: &mut KeyCache,
    ) -> Result<Hit, FormatError> {
        let p = scored.passage;
        let text = self.index.passage_text(p)?;
        let title_id = self.index.title_of(p)?;
        let title = self.index.title_text(title_id)?;
        let source_id = self.index.source_of(p)?;
        let source = self.index.source_name(source_id)?;
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let url = some(self.index.source_url(source_id)?);
        let anchor = some(self.index.title_anchor(title_id)?);
        let page_title = self.index.source_page_title(source_id)?.to_string();
        let mut headings = Vec::new();
        let mut heading = Some(title_id);
        while let Some(t) = heading {
            let text = self.index.title_text(t)?;
            if !text.is_empty() {
                headings.push(text.to_string());
            }
            heading = self.index.title_parent(t)?;
        }
        headings.reverse();
        let spans_in = |original: &str, key: &str| -> Vec<Span> {
            let mut found: Vec<(usize, usize)> = Vec::new();
            let mut terms = Vec::new();
            for (term, needle) in needles.iter().enumerate() {
                for range in needle.find_in(key) {
                    found.push(range);
                    terms.push(term);
                }
            }
            original_ranges(original, key, &found)
                .into_iter()
                .zip(terms)
                .map(|((start, end), term)| Span { start, end, term })
                .collect()
        };
        let text_spans = spans_in(text, self.text_key(cache, p)?);
        let title_spans = spans_in(title, self.title_key(cache, title_id)?);
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
            url,
            anchor,
            page_title,
            headings,
        })
    }
}
