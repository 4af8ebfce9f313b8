//! [`KeyMap`]: the three key → value maps of an index (grams, vocabulary words, pinyin
//! readings) as the engine reads them, whole (one fst) or cut into key ranges (a sharded
//! index, see [`super::sharded`]). The engine asks only three kinds of questions: a key, the
//! keys under a prefix, the keys that are prefixes of a text; each answer is the same from
//! both, read from the ranges that can hold such keys. A value comes with the *area* it points
//! into (the postings, the pinyin character lists), which a sharded index keeps per range.

use fst::raw::Output;
use fst::{IntoStreamer, Streamer};

use super::sharded::{Missing, RangeMap};
use super::SHARDED;
use crate::tokenize::Vocabulary;

/// What [`KeyMap::for_each_with_prefix`] calls for each entry: `(key, value, area) -> go on`.
pub type EntryVisitor<'v, 'a> = dyn FnMut(&[u8], u64, &'a [u8]) -> bool + 'v;

/// A key → value map of the index (see the module docs).
#[derive(Clone)]
pub enum KeyMap<'a> {
    Whole {
        map: fst::Map<&'a [u8]>,
        area: &'a [u8],
    },
    Ranges {
        map: &'a RangeMap,
        missing: &'a Missing,
    },
}

impl<'a> KeyMap<'a> {
    /// The value of `key` with its area, when the key is there (and its range has arrived).
    pub fn get(&self, key: &[u8]) -> Option<(u64, &'a [u8])> {
        match self {
            KeyMap::Whole { map, area } => map.get(key).map(|v| (v, *area)),
            KeyMap::Ranges { map, missing } if SHARDED => {
                let range = map.ranges_between(key, key).start;
                let (fst, area) = map.range(range, missing)?;
                fst.get(key).map(|v| (v, area))
            }
            KeyMap::Ranges { .. } => None,
        }
    }

    /// Calls `f(key, value, area)` for every key starting with `prefix`, in key order, until
    /// it returns false.
    pub fn for_each_with_prefix(&self, prefix: &str, f: &mut EntryVisitor<'_, 'a>) {
        let starts_with = fst::Automaton::starts_with(fst::automaton::Str::new(prefix));
        match self {
            KeyMap::Whole { map, area } => {
                let mut stream = map.search(starts_with).into_stream();
                while let Some((key, value)) = stream.next() {
                    if !f(key, value, area) {
                        return;
                    }
                }
            }
            KeyMap::Ranges { map, missing } if SHARDED => {
                for i in map.ranges_with_prefix(prefix.as_bytes()) {
                    let Some((fst, area)) = map.range(i, missing) else {
                        continue;
                    };
                    let mut stream = fst.search(starts_with.clone()).into_stream();
                    while let Some((key, value)) = stream.next() {
                        if !f(key, value, area) {
                            return;
                        }
                    }
                }
            }
            KeyMap::Ranges { .. } => {}
        }
    }

    /// Sharded: asks for every range that may hold keys starting with `prefix` (those that
    /// have not arrived are recorded as missing), reading nothing, so that lookups a search
    /// will make one after another are fetched in one round. A single file has them all.
    pub fn request_prefix(&self, prefix: &str) {
        if let KeyMap::Ranges { map, missing } = self {
            if SHARDED {
                for i in map.ranges_with_prefix(prefix.as_bytes()) {
                    let _ = map.range(i, missing);
                }
            }
        }
    }

    /// Calls `found(len, value)` for every key that is a prefix of `text` ending on a
    /// character boundary, shortest first: one walk of the fst per range.
    pub fn prefixes_of(&self, text: &str, found: &mut dyn FnMut(usize, u64)) {
        match self {
            KeyMap::Whole { map, .. } => walk_prefixes(map.as_fst(), text, found),
            KeyMap::Ranges { map, missing } if SHARDED => {
                let Some(first) = text.chars().next() else {
                    return;
                };
                let low = &text.as_bytes()[..first.len_utf8()];
                let mut all: Vec<(usize, u64)> = Vec::new();
                for i in map.ranges_between(low, text.as_bytes()) {
                    if let Some((fst, _)) = map.range(i, missing) {
                        walk_prefixes(fst.as_fst(), text, &mut |len, v| all.push((len, v)));
                    }
                }
                crate::sort::sort_by(&mut all, |a, b| a.0.cmp(&b.0));
                for (len, value) in all {
                    found(len, value);
                }
            }
            KeyMap::Ranges { .. } => {}
        }
    }

    /// The whole fst, for a single-file index (tests and tools that compare bytes).
    pub fn as_whole(&self) -> Option<&fst::Map<&'a [u8]>> {
        match self {
            KeyMap::Whole { map, .. } => Some(map),
            KeyMap::Ranges { .. } => None,
        }
    }
}

/// The keys of `fst` that are prefixes of `text`, shortest first (the segmenter's inner loop:
/// one walk instead of a lookup per length).
fn walk_prefixes<D: AsRef<[u8]>>(
    fst: &fst::raw::Fst<D>,
    text: &str,
    found: &mut dyn FnMut(usize, u64),
) {
    let mut node = fst.root();
    let mut output = Output::zero();
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

/// The vocabulary of a gram-layout index as the shared segmenter reads it: its WordFst (whole
/// or in key ranges) and the frequency total of its Stats. The engine's vocabulary and the
/// sharded index's precomputed whole-word counts both read the words through this.
pub struct MapVocabulary<'m, 'a> {
    pub words: &'m KeyMap<'a>,
    pub total_freq: u64,
}

impl Vocabulary for MapVocabulary<'_, '_> {
    fn prefixes(&self, text: &str, found: &mut dyn FnMut(usize, u64)) {
        self.words.prefixes_of(text, found);
    }

    fn freq(&self, word: &str) -> Option<u64> {
        self.words
            .get(word.as_bytes())
            .map(|(f, _)| f)
            .filter(|&f| f > 0)
    }

    fn total_freq(&self) -> u64 {
        self.total_freq
    }
}
