//! The index's vocabulary as the shared segmenter and the suggestions read it
//! ([`IndexVocabulary`]: the gram layout's word fst or the scan layout's spelled-out word list),
//! and the order suggestions are listed in.

use crate::format::IndexView;
use crate::tokenize::Vocabulary;

use super::layout::scan_keys::WordList;
use super::MAX_SUGGEST_SCAN;

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
                    .words
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
        let fst = index.words.as_fst();
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
            IndexVocabulary::Fst(index) => index.words.get(word).filter(|&f| f > 0),
            IndexVocabulary::Listed(list) => list.freq(word),
        }
    }
    fn total_freq(&self) -> u64 {
        match self {
            IndexVocabulary::Fst(index) => index.stats.word_freq_total,
            IndexVocabulary::Listed(list) => list.total_freq(),
        }
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
