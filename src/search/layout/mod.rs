//! What the two index layouts do their own way, behind one trait ([`Layout`]).
//!
//! A *gram* index finds a term's passages from its grams' postings and verifies them against
//! the few candidates' folded texts ([`gram::GramLayout`]); a *scan* index ships no postings
//! and searches every passage text and title, folded into one string each at the first search
//! ([`scan::ScanLayout`], over the structures of [`scan_keys`]). Everything else (matching
//! rules, scoring, hits) is the same code for both, so both answer every query identically.
//!
//! The layout is chosen once, when the engine opens ([`for_index`]). In the wasm module that
//! choice is a constant ([`super::EMBEDDED_LAYOUT_IS_SCAN`]), so the other layout is never
//! constructed and the compiler leaves its code out of the module (the one value both layouts
//! hand out, [`IndexVocabulary`], reads its variant through the same constant for that reason).

pub(crate) mod gram;
mod scan;
pub(crate) mod scan_keys;

use std::collections::HashMap;

use crate::format::{FormatError, IndexView, Posting};
use crate::query::Term;

use super::needle::Needle;
use super::pinyin::Pattern;
use super::vocabulary::IndexVocabulary;
use super::EMBEDDED_LAYOUT_IS_SCAN;
use scan_keys::WordPrefixes;

/// The layout of `index`, ready for its first search (the scan layout folds its texts then).
/// `word_prefixes_max_key_bytes`: see [`super::WORD_PREFIXES_MAX_KEY_BYTES`].
pub(crate) fn for_index(
    index: &IndexView<'_>,
    word_prefixes_max_key_bytes: usize,
) -> Box<dyn Layout + Send + Sync> {
    if EMBEDDED_LAYOUT_IS_SCAN.unwrap_or_else(|| index.is_scan()) {
        Box::new(scan::ScanLayout::new(word_prefixes_max_key_bytes))
    } else {
        Box::new(gram::GramLayout::new(index.stats().titles))
    }
}

/// Sharded: reads now the texts and titles a step will read one by one (see
/// `Engine::touch_fields`); `Err(NeedShards)` when some have not arrived.
pub(crate) fn touch_texts(
    index: &IndexView<'_>,
    passages: impl Iterator<Item = u32>,
    titles: impl Iterator<Item = u32>,
) -> Result<(), FormatError> {
    let Some(store) = index.shard_store() else {
        return Ok(());
    };
    for p in passages {
        let _ = index.passage_text(p);
    }
    for t in titles {
        let _ = index.title_text(t);
    }
    if store.has_missing() {
        return Err(FormatError::NeedShards);
    }
    Ok(())
}

/// Match keys folded during one search (gram layout: only the candidates' texts are folded;
/// the scan layout has every key folded already and leaves it empty).
#[derive(Default)]
pub(crate) struct KeyCache {
    texts: HashMap<u32, String>,
    titles: HashMap<u32, String>,
}

/// A passage's term postings and its keys, the vocabulary, pinyin runs: what the gram and the
/// scan layout find their own way. Every method reads the engine's `index`; both layouts give
/// the same answers.
pub(crate) trait Layout {
    /// The index's vocabulary (the scan layout spells it out at its first search).
    fn vocabulary<'e, 'a>(
        &'e self,
        index: &'e IndexView<'a>,
    ) -> Result<IndexVocabulary<'e, 'a>, FormatError>;

    /// Scan layout, small corpora: the text keys and the vocabulary words listed at every
    /// position of them up front ([`scan_keys::WordPrefixes`]), which the whole-word checks of
    /// reranking read instead of looking words up in the vocabulary; `None` otherwise.
    fn text_word_prefixes<'e>(
        &'e self,
        index: &IndexView<'_>,
    ) -> Result<Option<(&'e str, &'e WordPrefixes)>, FormatError>;

    /// The corpus's Latin words (maximal runs of letters and digits, as the tokenizer cuts
    /// them: see [`crate::tokenize`]) that start with `prefix`, itself such a run:
    /// `(passages and titles containing the word, chars, word)`, at most
    /// [`super::MAX_SUGGEST_SCAN`]. The gram layout indexes these runs as whole grams, so they
    /// are the gram fst's keys that start with the prefix; the scan layout finds them in its
    /// folded texts. Both count the same texts and titles.
    fn latin_words_starting_with(
        &self,
        index: &IndexView<'_>,
        prefix: &str,
    ) -> Result<Vec<(u64, usize, String)>, FormatError>;

    /// The match key of a passage: from the scan keys, or folded once per search into `cache`.
    fn text_key<'c>(
        &'c self,
        index: &'c IndexView<'_>,
        cache: &'c mut KeyCache,
        passage: u32,
    ) -> Result<&'c str, FormatError>;

    /// The match key of a title, like [`Layout::text_key`].
    fn title_key<'c>(
        &'c self,
        index: &'c IndexView<'_>,
        cache: &'c mut KeyCache,
        title: u32,
    ) -> Result<&'c str, FormatError>;

    /// The texts and the titles `needle` (made from `term`) occurs in, with its counts there,
    /// each sorted by id.
    fn term_postings(
        &self,
        index: &IndexView<'_>,
        term: &Term,
        needle: Needle<'_>,
        cache: &mut KeyCache,
    ) -> Result<(Vec<Posting>, Vec<Posting>), FormatError>;

    /// Whether `term` occurs as typed in some passage text or title: exactly the Ctrl-F match
    /// [`Layout::term_postings`] makes, without counting.
    fn occurs_literally(
        &self,
        index: &IndexView<'_>,
        term: &Term,
        cache: &mut KeyCache,
    ) -> Result<bool, FormatError>;

    /// The most frequent runs of corpus text matching `pattern` (see [`super::pinyin`]).
    fn pinyin_runs(
        &self,
        index: &IndexView<'_>,
        pattern: &Pattern,
        cache: &mut KeyCache,
    ) -> Result<Vec<String>, FormatError>;
}
