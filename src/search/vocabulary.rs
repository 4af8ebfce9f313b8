//! The index's vocabulary as the shared segmenter and the suggestions read it
//! ([`IndexVocabulary`]: the gram layout's word fst or the scan layout's spelled-out word list),
//! and the order suggestions are listed in.

use crate::format::{IndexView, MapVocabulary};
use crate::tokenize::Vocabulary;

use super::layout::scan_keys::WordList;
use super::{EMBEDDED_LAYOUT_IS_SCAN, MAX_SUGGEST_SCAN};

/// The index's vocabulary, as the shared segmenter and the suggestions read it: the word fst
/// (gram layout), or the word list the scan layout spells out from its word references.
#[derive(Clone, Copy)]
pub enum IndexVocabulary<'e, 'a> {
    Fst(&'e IndexView<'a>),
    Listed(&'e WordList),
}

impl<'e, 'a> IndexVocabulary<'e, 'a> {
    /// The word list (scan layout). The wasm module makes only its embedded layout's
    /// vocabulary ([`EMBEDDED_LAYOUT_IS_SCAN`]), so there the other layout's is `None` and the
    /// compiler drops the code that reads it.
    fn listed(&self) -> Option<&'e WordList> {
        match *self {
            IndexVocabulary::Listed(list) if EMBEDDED_LAYOUT_IS_SCAN != Some(false) => Some(list),
            _ => None,
        }
    }

    /// The index whose word fst this is (gram layout), like [`Self::listed`].
    fn fst(&self) -> Option<&'e IndexView<'a>> {
        match *self {
            IndexVocabulary::Fst(index) if EMBEDDED_LAYOUT_IS_SCAN != Some(true) => Some(index),
            _ => None,
        }
    }

    /// Up to `limit` words starting with `prefix` with their frequencies, in byte order.
    pub fn starting_with(&self, prefix: &str, limit: usize) -> Vec<(String, u64)> {
        if let Some(list) = self.listed() {
            return list
                .starting_with(prefix)
                .take(limit)
                .map(|i| {
                    let (word, freq) = list.entry(i);
                    (word.to_string(), freq)
                })
                .collect();
        }
        let mut found = Vec::new();
        if let Some(index) = self.fst() {
            index
                .words()
                .for_each_with_prefix(prefix, &mut |word, freq, _| {
                    if found.len() == limit {
                        return false;
                    }
                    found.push((String::from_utf8_lossy(word).into_owned(), freq));
                    true
                });
        }
        found
    }

    /// Every word with its frequency, in byte order (for tests and tools).
    pub fn entries(&self) -> Vec<(String, u64)> {
        self.starting_with("", usize::MAX)
    }
}

impl Vocabulary for IndexVocabulary<'_, '_> {
    fn prefixes(&self, text: &str, found: &mut dyn FnMut(usize, u64)) {
        if let Some(list) = self.listed() {
            return list.prefixes(text, found);
        }
        if let Some(index) = self.fst() {
            fst_vocabulary(index).prefixes(text, found);
        }
    }

    fn freq(&self, word: &str) -> Option<u64> {
        if let Some(list) = self.listed() {
            return list.freq(word);
        }
        fst_vocabulary(self.fst()?).freq(word)
    }

    fn total_freq(&self) -> u64 {
        if let Some(list) = self.listed() {
            return list.total_freq();
        }
        self.fst()
            .map_or(0, |index| fst_vocabulary(index).total_freq())
    }
}

/// The gram layout's vocabulary: the word fst, read as the indexer's precomputations read it.
fn fst_vocabulary<'m, 'a>(index: &'m IndexView<'a>) -> MapVocabulary<'m, 'a> {
    MapVocabulary {
        words: index.words(),
        total_freq: index.stats().word_freq_total,
    }
}

/// Suggestion order of `(frequency, chars, word)`: most frequent, then shortest, then in
/// code-point order (one function, so one instance of the sort for every list of suggestions).
pub(crate) fn most_frequent_first(
    a: &(u64, usize, String),
    b: &(u64, usize, String),
) -> std::cmp::Ordering {
    b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
}

/// Vocabulary words starting with `prefix`: `(frequency, chars, word)`, at most
/// [`MAX_SUGGEST_SCAN`].
pub(crate) fn words_starting_with(
    vocab: &IndexVocabulary<'_, '_>,
    prefix: &str,
) -> Vec<(u64, usize, String)> {
    vocab
        .starting_with(prefix, MAX_SUGGEST_SCAN)
        .into_iter()
        .map(|(word, freq)| (freq, word.chars().count(), word))
        .collect()
}
