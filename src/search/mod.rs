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
//!
//! **Modules.** What differs between the gram and the scan layout sits behind one trait
//! (`layout`), chosen when the engine opens; the rest is the same for both: `matching` (query
//! terms → the passages that hold them), `needle` (one Ctrl-F match and its word rules),
//! `postings` (posting-list operations), `score` (the one scoring loop, reranking),
//! `hits` (paging, page grouping, hits and their highlights), `vocabulary` (the index's
//! vocabulary as the segmenter and suggestions read it), `pinyin` (pinyin terms → runs of
//! corpus characters). This module holds the engine and its public types; the options as they
//! arrive from JavaScript are parsed at the wasm edge (`crate::wasm::options`).

mod hits;
mod layout;
mod matching;
mod needle;
mod pinyin;
mod postings;
mod score;
mod vocabulary;

use std::sync::OnceLock;

use serde::Serialize;

use crate::format::{FormatError, IndexView, ShardStore};
use crate::normalize::{char_class, fold_text, match_key, CharClass};
use crate::query::{parse_query, ParsedQuery, Term};
use crate::sort::sort_by;
use crate::tokenize::{search_words, term_grams};

use layout::{KeyCache, Layout};
use pinyin::Readings;
use vocabulary::{most_frequent_first, words_starting_with};

pub use vocabulary::IndexVocabulary;

#[cfg(all(feature = "scan-only", feature = "grams-only"))]
compile_error!("the features scan-only and grams-only exclude each other: choose one layout");

/// In the wasm module: whether the indexes it opens are scan-layout ones (`build.rs` sets the
/// `zh_search_embedded_layout` cfg from the index it embeds; the engine modules of `make engine`
/// are built with the feature `scan-only` or `grams-only`). The module opens no other index, so
/// [`Engine::open`] chooses the layout from this constant and the compiler leaves the other
/// layout's query code out of the module (measured with `make build` and `make engine`). `None`
/// (native builds: tests, tools; a wasm build with neither feature) decides per index.
pub const EMBEDDED_LAYOUT_IS_SCAN: Option<bool> = if cfg!(not(target_arch = "wasm32")) {
    None
} else if cfg!(zh_search_embedded_layout = "scan") || cfg!(feature = "scan-only") {
    Some(true)
} else if cfg!(zh_search_embedded_layout = "grams") || cfg!(feature = "grams-only") {
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
/// Hits listed per page in grouped results.
pub const MAX_HITS_PER_PAGE: usize = 20;
/// Scan layout: the vocabulary words of every text position are listed up front
/// (`WordPrefixes`, ~20 bytes of memory per byte of text) only for corpora up to this many
/// bytes of match keys; the whole-word checks of larger ones look words up in the vocabulary, as
/// the gram layout's do (they check the few best passages of each query, not the corpus).
pub const WORD_PREFIXES_MAX_KEY_BYTES: usize = 1 << 20;

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

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct IndexStats {
    pub sources: u32,
    pub passages: u32,
    pub terms: u32,
    pub index_bytes: usize,
}

/// The engine: a thin layer of logic over an [`IndexView`].
pub struct Engine<'a> {
    pub index: IndexView<'a>,
    /// What the index's layout does its own way, chosen by [`Engine::open`].
    layout: Box<dyn Layout + Send + Sync>,
    /// The match keys of the page titles that are not empty, by source (first search).
    page_keys: OnceLock<Result<Vec<(u32, String)>, FormatError>>,
}

impl<'a> Engine<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<Engine<'a>, FormatError> {
        Self::over(IndexView::open(bytes)?)
    }

    /// The engine over an opened index (single file or sharded), its layout chosen.
    fn over(index: IndexView<'a>) -> Result<Engine<'a>, FormatError> {
        index.require_layout(EMBEDDED_LAYOUT_IS_SCAN)?;
        let layout = layout::for_index(&index, WORD_PREFIXES_MAX_KEY_BYTES);
        Ok(Engine {
            index,
            layout,
            page_keys: OnceLock::new(),
        })
    }

    /// An engine over a sharded index ([`ShardStore`]): its searches answer
    /// [`FormatError::NeedShards`] until the shards they read have been added to the store
    /// ([`ShardStore::take_missing`] lists them), then exactly what the single-file index
    /// answers.
    pub fn open_sharded(store: &'a ShardStore) -> Result<Engine<'a>, FormatError> {
        Self::over(IndexView::open_sharded(store)?)
    }

    /// Runs one read of the index (a search, suggestions). For a sharded index, a run that
    /// read a shard that has not arrived is discarded: its answer may rest on the empty
    /// stand-ins of what was missing, so it answers [`FormatError::NeedShards`] instead.
    fn complete<T>(&self, run: impl FnOnce() -> Result<T, FormatError>) -> Result<T, FormatError> {
        let Some(store) = self.index.shard_store() else {
            return run();
        };
        store.take_missing();
        let result = run();
        if store.has_missing() {
            return Err(FormatError::NeedShards);
        }
        result
    }

    /// Whether reads since the current run began have missed shards (never for a single file):
    /// what is computed then must not be cached.
    fn missed_shards(&self) -> bool {
        self.index
            .shard_store()
            .is_some_and(ShardStore::has_missing)
    }

    /// Sharded: reads now what scoring `passages` reads (lengths, link share, title, section,
    /// page), so that one round fetches it for all of them, where the scoring loop would stop
    /// at its first miss. Nothing to do for a single file.
    pub(crate) fn touch_fields(&self, passages: &[u32]) -> Result<(), FormatError> {
        if self.index.shard_store().is_none() {
            return Ok(());
        }
        let index = &self.index;
        for &p in passages {
            let _ = index.passage_chars(p);
            let _ = index.passage_link_percent(p);
            let _ = index.source_of(p);
            match index.title_of(p) {
                Ok(t) => {
                    let _ = index.title_passages(t);
                    let _ = index.title_chars(t);
                }
                // Its page of the title table has not arrived: the title's length is asked
                // for in this round too.
                Err(_) => index.touch_title_lengths_near(p),
            }
        }
        self.stop_if_missed()
    }

    /// `Err(NeedShards)` when a read of this run has missed a shard (see [`Self::complete`]).
    pub(crate) fn stop_if_missed(&self) -> Result<(), FormatError> {
        if self.missed_shards() {
            Err(FormatError::NeedShards)
        } else {
            Ok(())
        }
    }

    /// The same engine with another limit for listing word prefixes up front (scan layout;
    /// default [`WORD_PREFIXES_MAX_KEY_BYTES`]), before its first search: lets tests run the
    /// path of large corpora on a small one. Results never depend on it, only speed and memory.
    pub fn with_word_prefixes_max_key_bytes(mut self, bytes: usize) -> Engine<'a> {
        self.layout = layout::for_index(&self.index, bytes);
        self
    }

    /// For each term of `query` (as [`Self::parse`] gives them), the runs of corpus text it
    /// also stands for as pinyin — exactly the alternatives [`Self::search`] matches. For tests
    /// and tools that check results.
    pub fn pinyin_alternatives_of(&self, query: &str) -> Result<Vec<Vec<String>>, FormatError> {
        self.complete(|| {
            let parsed = self.parse(query);
            Ok(self
                .term_alternatives(&parsed.terms, &mut KeyCache::default())?
                .into_iter()
                .map(|(runs, _)| runs)
                .collect())
        })
    }

    /// The index's reading table.
    fn readings(&self) -> Readings<'_> {
        Readings {
            map: self.index.pinyin(),
        }
    }

    /// The match keys of the non-empty page titles, without their numbering, with their sources
    /// (folded on first use).
    fn page_keys(&self) -> Result<&[(u32, String)], FormatError> {
        if let Some(keys) = self.page_keys.get() {
            return keys.as_ref().map(Vec::as_slice).map_err(Clone::clone);
        }
        let keys = self.fold_page_keys();
        if self.missed_shards() {
            // Not cached: the run is discarded (see `complete`), and the next one folds again.
            return keys.and(Err(FormatError::NeedShards));
        }
        self.page_keys
            .get_or_init(|| keys)
            .as_ref()
            .map(Vec::as_slice)
            .map_err(Clone::clone)
    }

    fn fold_page_keys(&self) -> Result<Vec<(u32, String)>, FormatError> {
        let mut keys = Vec::new();
        for source in 0..self.index.stats().sources {
            // A sharded index: go on past a group that has not arrived, so that one round
            // fetches every missing one (the caller sees the miss and discards these keys).
            let title = match self.index.source_page_title(source) {
                Err(FormatError::NeedShards) => continue,
                title => title?,
            };
            if !title.is_empty() {
                let key = fold_text(title, &self.index.fold());
                let numbering = self.index.page_title_numbering(source)?;
                keys.push((source, key.get(numbering..).unwrap_or(&key).to_string()));
            }
        }
        Ok(keys)
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

    fn passage_len(&self, passage: u32) -> Result<f32, FormatError> {
        Ok(self.index.passage_chars(passage)? as f32)
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
        self.layout.vocabulary(&self.index)
    }

    /// The words of `text` as the index and queries cut them (normalised, then the shared
    /// segmenter over the index's own vocabulary).
    pub fn words(&self, text: &str) -> Result<Vec<String>, FormatError> {
        self.complete(|| {
            let key = match_key(text, &self.index.fold());
            Ok(search_words(&key.text, &self.vocabulary()?))
        })
    }

    /// Parses a query with this index's fold table.
    pub fn parse(&self, query: &str) -> ParsedQuery {
        parse_query(query, &self.index.fold())
    }

    /// Vocabulary words starting with `prefix` (folded like a query), most frequent in the
    /// corpus first, then shortest, then in code-point order.
    pub fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<String>, FormatError> {
        self.complete(|| self.suggest_now(prefix, limit))
    }

    fn suggest_now(&self, prefix: &str, limit: usize) -> Result<Vec<String>, FormatError> {
        let key = fold_text(
            prefix.chars().take(64).collect::<String>().as_str(),
            &self.index.fold(),
        );
        if key.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let vocab = self.vocabulary()?;
        // Latin (`ss`): the corpus's own words that start with the letters (ssh, sshd, ssl),
        // ahead of the vocabulary's; their pinyin readings (所示, 上述) only when there are none.
        // The corpus's Latin words: maximal runs of letters and digits, as the tokenizer cuts
        // them (see [`crate::tokenize`]), so only a prefix that is such a run has any.
        let mut latin = if key.chars().all(|c| char_class(c) == CharClass::Word) {
            self.layout.latin_words_starting_with(&self.index, &key)?
        } else {
            Vec::new()
        };
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
}
