//! The scan layout's runtime side: every passage text and title folded once into one string
//! each ([`ScanKeys`]), plus where every character occurs in them ([`CharPositions`]).
//!
//! Why: small corpora ship no gram index (`format::FLAG_SCAN`), so a term used to be one
//! substring search over the whole folded corpus, and a pinyin term one walk over every
//! character: tens of µs per needle, hundreds for a pinyin term with 16 alternatives, most of a
//! query's time in the page. The character positions turn both into a walk over the
//! occurrences of the needle's rarest character. Both structures are built at the first search
//! (O(corpus), once) and live as long as the engine; the index itself stays as small as before.
//!
//! The vocabulary rides on the same keys: the index stores each word as a reference to an
//! occurrence in them (`format::WordRef`, ~2 bytes a word where a word fst spent ~9), and
//! [`WordList`] spells the words out at the first search.

use std::ops::Range;

use crate::format::{FormatError, Posting, WordRef};
use crate::normalize::{starts_with_word_char, word_char_before};
use crate::search::pinyin::Pattern;
use crate::sort::{radix_sort_by_key, sort_by};
use crate::tokenize::{Vocabulary, MAX_WORD_CHARS};

/// Where each character occurs in a string: distinct characters sorted, and per character the
/// byte offsets of its occurrences, ascending (two flat vectors, no per-character allocation).
pub(crate) struct CharPositions {
    chars: Vec<char>,
    /// `starts[i]..starts[i + 1]` is the range of `positions` that belongs to `chars[i]`.
    starts: Vec<u32>,
    positions: Vec<u32>,
}

/// How often each character occurs in a string, counted while the string is written (so that
/// [`CharPositions::from_counts`] walks it once more, not twice).
pub(crate) struct CharCounts {
    /// Occurrences of each Basic Multilingual Plane character, by code point.
    dense: Vec<u32>,
    /// The rare characters beyond it, as (character, byte offset) pairs.
    astral: Vec<(char, u32)>,
}

impl CharCounts {
    const DENSE: usize = 0x10000;

    pub(crate) fn new() -> CharCounts {
        CharCounts {
            dense: vec![0; Self::DENSE],
            astral: Vec::new(),
        }
    }

    /// Counts `c`, written at byte offset `at`.
    #[inline(always)]
    pub(crate) fn add(&mut self, c: char, at: usize) {
        match self.dense.get_mut(c as usize) {
            Some(count) => *count += 1,
            None => self.astral.push((c, at as u32)),
        }
    }
}

impl Default for CharCounts {
    fn default() -> Self {
        CharCounts::new()
    }
}

/// How many bytes of text [`scatter`] places per call.
const SCATTER_CHUNK_BYTES: usize = 1 << 16;

/// Places the byte offset of every character of `text[range]` but `skip` in the next free slot
/// of its character, `slots[c]`. A function of its own, called once per chunk, for the reason
/// given at [`ScanKeys::build`]: a browser optimises it after its first few chunks.
#[inline(never)]
fn scatter(text: &str, range: Range<usize>, skip: char, slots: &mut [u32], positions: &mut [u32]) {
    let Some(chunk) = text.get(range.clone()) else {
        return;
    };
    for (at, c) in chunk.char_indices() {
        if c != skip {
            if let Some(slot) = slots.get_mut(c as usize) {
                if let Some(position) = positions.get_mut(*slot as usize) {
                    *position = (range.start + at) as u32;
                }
                *slot += 1;
            }
        }
    }
}

impl CharPositions {
    /// Indexes every character of `text` except `skip` (the key separator): the plain way,
    /// which the tests check [`CharPositions::from_counts`] against.
    #[cfg(test)]
    pub(crate) fn new(text: &str, skip: char) -> CharPositions {
        let mut counts = CharCounts::new();
        for (at, c) in text.char_indices() {
            if c != skip {
                counts.add(c, at);
            }
        }
        CharPositions::from_counts(text, skip, counts)
    }

    /// Indexes every character of `text` except `skip`, when `counts` already holds every character of `text` but `skip`.
    /// A counting sort: the counts give each character its range of `positions`, and one pass
    /// places every offset in its character's range, so a corpus of millions of characters is
    /// indexed in linear time (a comparison sort of (character, offset) pairs took a second
    /// for the 57k Tang poems).
    pub(crate) fn from_counts(text: &str, skip: char, counts: CharCounts) -> CharPositions {
        let CharCounts {
            dense: mut counts,
            mut astral,
        } = counts;
        sort_by(&mut astral, |a, b| a.cmp(b));
        let mut chars: Vec<char> = Vec::new();
        let mut starts: Vec<u32> = Vec::new();
        // `counts[c]` becomes the next free slot of `c` in `positions`.
        let mut total = 0u32;
        for (code, count) in counts.iter_mut().enumerate() {
            if *count > 0 {
                chars.extend(char::from_u32(code as u32));
                starts.push(total);
                total += std::mem::replace(count, total);
            }
        }
        // Sized for the astral characters too: growing a vector of millions of offsets by one
        // would copy all of them.
        let mut positions = Vec::with_capacity(total as usize + astral.len());
        positions.resize(total as usize, 0u32);
        let mut chunk_start = 0;
        while chunk_start < text.len() {
            let mut chunk_end = (chunk_start + SCATTER_CHUNK_BYTES).min(text.len());
            while !text.is_char_boundary(chunk_end) {
                chunk_end += 1;
            }
            scatter(
                text,
                chunk_start..chunk_end,
                skip,
                &mut counts,
                &mut positions,
            );
            chunk_start = chunk_end;
        }
        for &(c, at) in &astral {
            if chars.last() != Some(&c) {
                chars.push(c);
                starts.push(positions.len() as u32);
            }
            positions.push(at);
        }
        starts.push(positions.len() as u32);
        CharPositions {
            chars,
            starts,
            positions,
        }
    }

    /// Byte offsets of `c`, ascending (empty when it does not occur).
    pub(crate) fn of(&self, c: char) -> &[u32] {
        match self.chars.binary_search(&c) {
            Ok(i) => &self.positions[self.starts[i] as usize..self.starts[i + 1] as usize],
            Err(_) => &[],
        }
    }

    /// Exactly [`crate::normalize::find_all`]`(text, needle)`, where `text` is the string these
    /// positions were built from: every non-overlapping occurrence, a needle starting with a
    /// letter/digit only at a word start. Needles never hold the separator these positions skip
    /// (query keys have no whitespace).
    pub(crate) fn find_all(&self, text: &str, needle: &str) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        // The needle's rarest character, and its byte offset in the needle.
        let mut rarest: Option<(usize, &[u32])> = None;
        for (offset, c) in needle.char_indices() {
            let at = self.of(c);
            if rarest.is_none_or(|(_, best)| at.len() < best.len()) {
                rarest = Some((offset, at));
            }
        }
        let Some((offset, positions)) = rarest else {
            return found;
        };
        let word_start = starts_with_word_char(needle);
        let mut from = 0;
        for &at in positions {
            let Some(start) = (at as usize).checked_sub(offset) else {
                continue;
            };
            let end = start + needle.len();
            if start < from || text.get(start..end) != Some(needle) {
                continue;
            }
            if !word_start || !word_char_before(text, start) {
                found.push((start, end));
                from = end;
            }
        }
        found
    }
}

/// Match keys of all passages (or all titles), each followed by [`SEPARATOR`], with their
/// character positions.
pub(crate) struct ScanKeys {
    pub(crate) keys: String,
    /// Where each key starts in `keys`, plus `keys.len()` at the end.
    starts: Vec<u32>,
    pub(crate) positions: CharPositions,
}

/// Ends every key. Match keys and query terms never contain whitespace (folding drops it), so
/// no match spans two keys, and it is a word boundary for Latin word-start matching. The index
/// format owns it: its word references point into these strings.
pub(crate) const SEPARATOR: char = crate::format::KEY_SEPARATOR;

/// Where [`ScanKeys::build`] has each key written: appends characters to the keys and counts
/// them for the character positions in the same step.
pub(crate) struct KeyWriter {
    keys: String,
    counts: CharCounts,
}

impl KeyWriter {
    /// Called per character of a corpus: always inlined into the folding walk.
    #[inline(always)]
    pub(crate) fn push(&mut self, c: char) {
        self.counts.add(c, self.keys.len());
        self.keys.push(c);
    }

    /// Tests write whole strings; the corpus fold pushes its characters one by one.
    #[cfg(test)]
    pub(crate) fn push_str(&mut self, s: &str) {
        s.chars().for_each(|c| self.push(c));
    }
}

impl ScanKeys {
    /// The keys of entries `0..count`, `write_key(id, writer)` writing each one's match key.
    /// `capacity` (bytes, e.g. the entries' total text length) is reserved up front: the keys
    /// of a large corpus are megabytes, which growing by doubling would copy over and over.
    ///
    /// `write_key` is called through a pointer, once per entry, and never inlined into this
    /// loop: a browser runs new wasm code in its baseline compiler and swaps in optimised code
    /// only between calls, so the corpus-sized loop here, called once, would run unoptimised
    /// throughout, where `write_key` is optimised after its first few entries.
    #[inline(never)]
    pub(crate) fn build(
        count: u32,
        capacity: usize,
        write_key: &dyn Fn(u32, &mut KeyWriter) -> Result<(), FormatError>,
    ) -> Result<ScanKeys, FormatError> {
        let mut writer = KeyWriter {
            keys: String::with_capacity(capacity),
            counts: CharCounts::new(),
        };
        let mut starts = Vec::with_capacity(count as usize + 1);
        for id in 0..count {
            starts.push(writer.keys.len() as u32);
            write_key(id, &mut writer)?;
            writer.keys.push(SEPARATOR);
        }
        starts.push(writer.keys.len() as u32);
        let KeyWriter { keys, counts } = writer;
        let positions = CharPositions::from_counts(&keys, SEPARATOR, counts);
        Ok(ScanKeys {
            keys,
            starts,
            positions,
        })
    }

    /// Byte range of entry `id`'s key in [`ScanKeys::keys`] (without its separator).
    pub(crate) fn range(&self, id: u32) -> Range<usize> {
        let start = self.starts[id as usize] as usize;
        let end = self.starts[id as usize + 1] as usize;
        start..end - SEPARATOR.len_utf8()
    }

    /// The match key of entry `id`.
    pub(crate) fn key(&self, id: u32) -> &str {
        &self.keys[self.range(id)]
    }

    /// The entry a byte offset of [`ScanKeys::keys`] belongs to.
    pub(crate) fn entry_at(&self, at: usize) -> u32 {
        self.starts.partition_point(|&s| s as usize <= at) as u32 - 1
    }

    /// Occurrences per entry, `(id, count)` sorted by id, of the ranges `found` in `keys`
    /// (sorted by start).
    pub(crate) fn count(&self, found: &[(usize, usize)]) -> Vec<Posting> {
        let mut out: Vec<Posting> = Vec::new();
        for &(at, _) in found {
            let id = self.entry_at(at);
            match out.last_mut() {
                Some(last) if last.doc == id => last.tf += 1,
                _ => out.push(Posting { doc: id, tf: 1 }),
            }
        }
        out
    }
}

impl ScanKeys {
    /// Every run of the keys matching a pinyin `pattern`, like [`crate::search::pinyin::collect_runs`]
    /// over [`ScanKeys::keys`], but tried only where a character it may start with occurs.
    pub(crate) fn pinyin_runs<'k>(&'k self, pattern: &Pattern, found: &mut Vec<&'k str>) {
        for c in pattern.start_chars() {
            for &at in self.positions.of(c) {
                if let Some(end) = pattern.match_at(&self.keys, at as usize) {
                    found.push(&self.keys[at as usize..end]);
                }
            }
        }
    }
}

/// Every vocabulary word that starts at each character of a key string and spans at most
/// [`MAX_WORD_CHARS`] characters: the segmenter's inner loop (one dictionary walk per
/// character), done once for the whole corpus instead of again for every whole-word check.
pub(crate) struct WordPrefixes {
    /// `at[b]..at[b + 1]` is the range of `words` starting at byte `b` (empty inside a char).
    at: Vec<u32>,
    /// `(length in bytes, frequency)`, shortest first per position.
    words: Vec<(u32, u64)>,
}

impl WordPrefixes {
    pub(crate) fn new(keys: &str, vocab: &dyn Vocabulary) -> WordPrefixes {
        let mut at = Vec::with_capacity(keys.len() + 1);
        let mut words = Vec::new();
        for byte in 0..keys.len() {
            at.push(words.len() as u32);
            if keys.is_char_boundary(byte) {
                let rest = &keys[byte..];
                let window = rest
                    .char_indices()
                    .nth(MAX_WORD_CHARS)
                    .map_or(rest, |(end, _)| &rest[..end]);
                vocab.prefixes(window, &mut |len, freq| words.push((len as u32, freq)));
            }
        }
        at.push(words.len() as u32);
        WordPrefixes { at, words }
    }
}

/// The index vocabulary, answering for texts inside the scan keys from their [`WordPrefixes`]
/// (the same answers, without walking the dictionary) and for anything else from `fallback`.
pub(crate) struct ScanVocabulary<'v> {
    pub(crate) keys: &'v str,
    pub(crate) prefixes: &'v WordPrefixes,
    pub(crate) fallback: &'v dyn Vocabulary,
}

impl Vocabulary for ScanVocabulary<'_> {
    fn prefixes(&self, text: &str, found: &mut dyn FnMut(usize, u64)) {
        // `text` is a slice of `keys` when it lies in its memory (the engine's whole-word
        // checks pass slices of the keys); its offset then names the precomputed position.
        let offset = (text.as_ptr() as usize).wrapping_sub(self.keys.as_ptr() as usize);
        let inside = offset < self.keys.len() && offset + text.len() <= self.keys.len();
        if !inside || text.chars().nth(MAX_WORD_CHARS).is_some() {
            return self.fallback.prefixes(text, found);
        }
        let table = self.prefixes;
        let range = table.at[offset] as usize..table.at[offset + 1] as usize;
        for &(len, freq) in &table.words[range] {
            if len as usize <= text.len() {
                found(len as usize, freq);
            }
        }
    }

    fn freq(&self, word: &str) -> Option<u64> {
        self.fallback.freq(word)
    }

    fn total_freq(&self) -> u64 {
        self.fallback.total_freq()
    }
}

/// The vocabulary of a scan-layout index, spelled out from its word references
/// ([`WordRef`]) into the folded keys at the first search: every word once, sorted by bytes
/// (the order of the word fst it replaces), with the range of words of each first character.
///
/// Why the first-character ranges: a whole-word check or a query segmentation asks for the words
/// that start at a position ([`Vocabulary::prefixes`]) many times per query. A binary search over
/// all 130k words of the Tang poems is ~17 string comparisons before the first character is even
/// matched; the range of the first character (a search over plain `char`s) leaves a handful.
///
/// `pub` (where the rest of this module is `pub(crate)`): the public
/// [`IndexVocabulary`](crate::search::IndexVocabulary) holds one.
pub struct WordList {
    /// The words, concatenated in sorted order.
    text: String,
    /// Word `i` is `text[ends[i - 1]..ends[i]]` (from 0 for the first).
    ends: Vec<u32>,
    freqs: Vec<u64>,
    /// The distinct first characters of the words, ascending.
    firsts: Vec<char>,
    /// The words starting with `firsts[k]` are `first_starts[k]..first_starts[k + 1]`.
    first_starts: Vec<u32>,
    total_freq: u64,
}

/// The first 8 bytes of `word`, zero-padded, big-endian: `key(a) < key(b)` implies `a < b` as
/// bytes, so sorting by the key (a radix sort) and then runs of equal keys by the bytes is
/// sorting by the bytes (a 2-character CJK word is 6 bytes: most runs are one word).
fn sort_key(word: &str) -> u64 {
    let mut key = [0u8; 8];
    let n = word.len().min(8);
    key[..n].copy_from_slice(&word.as_bytes()[..n]);
    u64::from_be_bytes(key)
}

/// The word `r` points to in `texts` followed by `titles` (see [`WordList::new`]), or None.
fn referenced_word<'a>(r: &WordRef, texts: &'a str, titles: &'a str) -> Option<&'a str> {
    let at = r.at as usize;
    let (keys, at) = match at.checked_sub(texts.len()) {
        None => (texts, at),
        Some(in_titles) => (titles, in_titles),
    };
    let rest = keys.get(at..)?;
    let mut chars = rest.char_indices().map(|(i, c)| i + c.len_utf8());
    let end = chars.nth((r.chars as usize).checked_sub(1)?)?;
    let word = rest.get(..end)?;
    (!word.contains(SEPARATOR)).then_some(word)
}

impl WordList {
    /// The words `refs` point to in `texts` (the passages' keys) followed by `titles` (the
    /// titles' keys), both as [`ScanKeys::keys`] holds them. A reference that does not name
    /// whole characters of one key is an error (a damaged or mismatched index).
    pub(crate) fn new(
        refs: &[WordRef],
        texts: &str,
        titles: &str,
        total_freq: u64,
    ) -> Result<WordList, FormatError> {
        let bad = FormatError::OutOfBounds {
            what: "word reference",
        };
        let mut words: Vec<(u64, &str, u64)> = Vec::with_capacity(refs.len());
        for r in refs {
            let word = referenced_word(r, texts, titles).ok_or_else(|| bad.clone())?;
            words.push((sort_key(word), word, r.freq));
        }
        radix_sort_by_key(&mut words, |w| w.0);
        // Words that share their first 8 bytes form runs of equal keys: order each by bytes.
        let mut run = 0;
        while run < words.len() {
            let key = words[run].0;
            let end = run + words[run..].iter().take_while(|w| w.0 == key).count();
            sort_by(&mut words[run..end], |a, b| a.1.cmp(b.1));
            run = end;
        }
        words.dedup_by(|next, kept| next.1 == kept.1);
        let mut list = WordList {
            text: String::with_capacity(words.iter().map(|w| w.1.len()).sum()),
            ends: Vec::with_capacity(words.len()),
            freqs: Vec::with_capacity(words.len()),
            firsts: Vec::new(),
            first_starts: Vec::new(),
            total_freq,
        };
        for (i, (_, word, freq)) in words.into_iter().enumerate() {
            // Every word has at least one character (`decode_word_refs` refuses 0).
            let first = word.chars().next().unwrap_or_default();
            if list.firsts.last() != Some(&first) {
                list.firsts.push(first);
                list.first_starts.push(i as u32);
            }
            list.text.push_str(word);
            list.ends.push(list.text.len() as u32);
            list.freqs.push(freq);
        }
        list.first_starts.push(list.ends.len() as u32);
        Ok(list)
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Where word `i` is in `text`.
    fn span(&self, i: usize) -> Range<usize> {
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p] as usize);
        start..self.ends[i] as usize
    }

    /// Word `i` and its frequency.
    pub(crate) fn entry(&self, i: usize) -> (&str, u64) {
        (&self.text[self.span(i)], self.freqs[i])
    }

    /// Word `i`'s bytes (the hot path of the searches below: no char-boundary checks).
    fn bytes(&self, i: usize) -> &[u8] {
        &self.text.as_bytes()[self.span(i)]
    }

    /// The first index in `lo..hi` whose word fails `before` (which holds for a prefix of the
    /// range: a binary search).
    fn partition(&self, mut lo: usize, mut hi: usize, before: impl Fn(&[u8]) -> bool) -> usize {
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if before(self.bytes(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The range of the words that start with `c`.
    fn starting_with_char(&self, c: char) -> Range<usize> {
        match self.firsts.binary_search(&c) {
            Ok(k) => self.first_starts[k] as usize..self.first_starts[k + 1] as usize,
            Err(_) => 0..0,
        }
    }

    /// The range of the words within `range` (all of which start with `text[..done]`) that also
    /// start with the character `text[done..end]`. Compares integers (see [`char_key`]), not
    /// slices: this runs a few times for every position a whole-word check segments.
    fn narrow(&self, range: Range<usize>, text: &[u8], done: usize, end: usize) -> Range<usize> {
        let width = end - done;
        let piece = char_key(text, done, width);
        let lo = self.partition(range.start, range.end, |w| char_key(w, done, width) < piece);
        lo..self.partition(lo, range.end, |w| char_key(w, done, width) == piece)
    }

    /// The range of words that start with `prefix`.
    pub(crate) fn starting_with(&self, prefix: &str) -> Range<usize> {
        let mut chars = prefix.char_indices();
        let Some((_, first)) = chars.next() else {
            return 0..self.len();
        };
        let mut range = self.starting_with_char(first);
        for (i, c) in chars {
            range = self.narrow(range, prefix.as_bytes(), i, i + c.len_utf8());
        }
        range
    }
}

/// `width` (at most 7) bytes of `bytes` from `at` as one integer that orders like the byte
/// strings: big-endian, zero-padded where `bytes` ends early, then how many bytes there were
/// (so a string shorter than `width` sorts before one it is a prefix of, even one ending in
/// NUL). Equal keys with `width` bytes present mean `bytes[at..]` starts with the other's.
fn char_key(bytes: &[u8], at: usize, width: usize) -> u64 {
    let mut key = 0u64;
    let mut present = 0u64;
    for i in 0..width {
        key <<= 8;
        if let Some(&b) = bytes.get(at + i) {
            key |= u64::from(b);
            present += 1;
        }
    }
    key << 8 | present
}

impl Vocabulary for WordList {
    fn prefixes(&self, text: &str, found: &mut dyn FnMut(usize, u64)) {
        // The words starting with ever longer prefixes of `text` form ever narrower ranges;
        // where a range's first word is the prefix itself, that prefix is a word.
        let Some(first) = text.chars().next() else {
            return;
        };
        let mut range = self.starting_with_char(first);
        for (i, c) in text.char_indices() {
            let end = i + c.len_utf8();
            if i > 0 {
                range = self.narrow(range, text.as_bytes(), i, end);
            }
            if range.is_empty() {
                return;
            }
            if self.bytes(range.start).len() == end {
                found(end, self.freqs[range.start]);
            }
        }
    }

    fn freq(&self, word: &str) -> Option<u64> {
        let range = self.starting_with(word);
        (!range.is_empty() && self.bytes(range.start) == word.as_bytes())
            .then(|| self.freqs[range.start])
    }

    fn total_freq(&self) -> u64 {
        self.total_freq
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::find_all;

    /// Checks `positions` against a naive listing of every character of `text` but the
    /// separator.
    fn assert_positions_of_every_character(positions: &CharPositions, text: &str) {
        let mut expected: Vec<(char, Vec<u32>)> = Vec::new();
        for (at, c) in text.char_indices().filter(|&(_, c)| c != SEPARATOR) {
            match expected.iter_mut().find(|(e, _)| *e == c) {
                Some((_, list)) => list.push(at as u32),
                None => expected.push((c, vec![at as u32])),
            }
        }
        expected.sort();
        assert_eq!(
            positions.chars,
            expected.iter().map(|e| e.0).collect::<Vec<_>>()
        );
        for (c, list) in &expected {
            assert_eq!(positions.of(*c), &list[..], "{c:?}");
        }
    }

    #[test]
    fn positions_list_every_character_in_order() {
        // BMP and astral characters (counted apart), the skipped separator, a Latin word.
        let text = "𠀀碳计量\n计𠀀量😀\nab碳\n😀𠀀\n";
        let positions = CharPositions::new(text, SEPARATOR);
        assert_positions_of_every_character(&positions, text);
        assert_eq!(positions.of(SEPARATOR), &[] as &[u32]);
        assert_eq!(positions.of('x'), &[] as &[u32]);
        assert_eq!(positions.of('𠀀'), &[0, 17, 39]);
        let empty = CharPositions::new("", SEPARATOR);
        assert!(empty.chars.is_empty() && empty.of('a').is_empty());
    }

    #[test]
    fn positions_across_scatter_chunks() {
        // Several chunks of `scatter`, whose nominal ends fall inside multi-byte characters.
        let alphabet = ['碳', '计', '量', 'a', '😀', '\n', '中', 'é'];
        let mut state = 7u32;
        let text: String = (0..3 * SCATTER_CHUNK_BYTES / 2)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                alphabet[(state >> 16) as usize % alphabet.len()]
            })
            .collect();
        let chunk_ends = (1..=text.len() / SCATTER_CHUNK_BYTES).map(|n| n * SCATTER_CHUNK_BYTES);
        assert!(chunk_ends.clone().count() >= 2);
        assert!(chunk_ends.clone().any(|end| !text.is_char_boundary(end)));
        let positions = CharPositions::new(&text, SEPARATOR);
        assert_positions_of_every_character(&positions, &text);
    }

    #[test]
    fn find_all_agrees_with_the_substring_search() {
        let text = "碳计量中心\n计量计量计\nnqi qi nq\n会计量\nabcab\n\n𠀀计𠀀量\n";
        let positions = CharPositions::new(text, SEPARATOR);
        let needles = [
            "计量",
            "计",
            "碳",
            "qi",
            "nq",
            "nqi",
            "ab",
            "计量计",
            "量",
            "x",
            "中心会",
            "𠀀量",
            "计𠀀",
        ];
        for needle in needles {
            assert_eq!(
                positions.find_all(text, needle),
                find_all(text, needle),
                "{needle:?}"
            );
        }
    }

    /// A vocabulary of a few words with made-up frequencies.
    struct Words(&'static [(&'static str, u64)]);

    impl Vocabulary for Words {
        fn prefixes(&self, text: &str, found: &mut dyn FnMut(usize, u64)) {
            let mut words: Vec<_> = self.0.iter().filter(|w| text.starts_with(w.0)).collect();
            words.sort_by_key(|w| w.0.len());
            for (word, freq) in words {
                found(word.len(), *freq);
            }
        }
        fn total_freq(&self) -> u64 {
            self.0.iter().map(|w| w.1).sum()
        }
    }

    #[test]
    fn precomputed_prefixes_answer_like_the_vocabulary() {
        let vocab = Words(&[
            ("计量", 50),
            ("碳计量", 9),
            ("计量中心", 7),
            ("中心", 80),
            ("会计", 30),
            ("一二三四五六七八九", 1),
        ]);
        let keys = "碳计量中心\n会计量\n一二三四五六七八九十\nab计量";
        let table = WordPrefixes::new(keys, &vocab);
        let scan = ScanVocabulary {
            keys,
            prefixes: &table,
            fallback: &vocab,
        };
        let all = |v: &dyn Vocabulary, text: &str| {
            let mut out = Vec::new();
            v.prefixes(text, &mut |len, freq| out.push((len, freq)));
            out
        };
        let mut checked = 0;
        for (start, _) in keys.char_indices() {
            for (end, _) in keys[start..].char_indices().skip(1) {
                let text = &keys[start..start + end];
                assert_eq!(all(&scan, text), all(&vocab, text), "{text:?}");
                checked += 1;
            }
        }
        assert!(checked > 200, "{checked}");
        assert_eq!(
            all(&scan, "碳计量"),
            all(&vocab, "碳计量"),
            "a copy outside the keys"
        );
        assert_eq!(scan.total_freq(), vocab.total_freq());
    }

    #[test]
    fn keys_count_occurrences_per_entry() {
        let keys = ScanKeys::build(3, 0, &|id, writer| {
            writer.push_str(["甲乙甲", "乙", "𠀀甲甲"][id as usize]);
            Ok(())
        })
        .unwrap();
        assert_eq!(keys.keys, "甲乙甲\n乙\n𠀀甲甲\n");
        let fresh = CharPositions::new(&keys.keys, SEPARATOR);
        assert_eq!(
            (
                &keys.positions.chars,
                &keys.positions.starts,
                &keys.positions.positions
            ),
            (&fresh.chars, &fresh.starts, &fresh.positions),
            "counted while written = counted afterwards"
        );
        assert_eq!(keys.key(1), "乙");
        let found = keys.positions.find_all(&keys.keys, "甲");
        let counts: Vec<(u32, u32)> = keys.count(&found).iter().map(|p| (p.doc, p.tf)).collect();
        assert_eq!(counts, [(0, 2), (2, 2)]);
        assert_eq!(keys.positions.of('𠀀'), &[14]);
    }

    /// Word references to the first occurrence in `texts` then `titles` of each `(word, freq)`.
    fn refs_to(words: &[(&str, u64)], texts: &str, titles: &str) -> Vec<WordRef> {
        let keys = format!("{texts}{titles}");
        words
            .iter()
            .map(|&(word, freq)| WordRef {
                at: keys.find(word).unwrap() as u32,
                chars: word.chars().count() as u32,
                freq,
            })
            .collect()
    }

    #[test]
    fn word_lists_answer_like_the_vocabulary_they_name() {
        let (texts, titles) = ("国家碳计量中心\n聊城市质检所\n𠀀计\n", "计量中心简介\n");
        let words: &'static [(&str, u64)] = &[
            ("国家", 5),
            ("碳", 2),
            ("计量", 50),
            ("碳计量", 9),
            ("计量中心", 7),
            ("中心", 12),
            ("聊城", 3),
            ("聊城市", 4),
            ("质检所", 1),
            ("𠀀计", 1),
            ("简介", 2),
        ];
        let list = WordList::new(&refs_to(words, texts, titles), texts, titles, 96).unwrap();
        let vocab = Words(words);
        assert_eq!(list.len(), words.len());
        assert_eq!(list.total_freq(), 96);
        let all = |v: &dyn Vocabulary, text: &str| {
            let mut out = Vec::new();
            v.prefixes(text, &mut |len, freq| out.push((len, freq)));
            out
        };
        let keys = format!("{texts}{titles}");
        let mut checked = 0;
        for (start, _) in keys.char_indices() {
            for (end, c) in keys[start..].char_indices() {
                let text = &keys[start..start + end + c.len_utf8()];
                assert_eq!(all(&list, text), all(&vocab, text), "{text:?}");
                checked += 1;
            }
        }
        assert!(checked > 300, "{checked}");
        assert_eq!(list.freq("计量"), Some(50));
        assert_eq!(list.freq("简介"), Some(2), "a word named in a title");
        assert_eq!(list.freq("计"), None);
        assert_eq!(list.freq("计量中"), None);
        assert_eq!(list.freq(""), None);
        let named = |range: Range<usize>| -> Vec<&str> { range.map(|i| list.entry(i).0).collect() };
        assert_eq!(named(list.starting_with("计量")), ["计量", "计量中心"]);
        assert_eq!(named(list.starting_with("聊")), ["聊城", "聊城市"]);
        assert_eq!(named(list.starting_with("量")), Vec::<&str>::new());
        assert_eq!(list.starting_with("").len(), words.len());
        // The same word named twice (a damaged but readable index) is listed once.
        let twice = [
            refs_to(&words[..1], texts, titles),
            refs_to(&words[..1], texts, titles),
        ]
        .concat();
        assert_eq!(WordList::new(&twice, texts, titles, 5).unwrap().len(), 1);
    }

    proptest::proptest! {
        /// Against a `BTreeMap` model: words over a small alphabet of 1-byte (NUL among them),
        /// 2-, 3- and 4-byte characters, so many share their first 8 bytes (the sort key) and
        /// first characters.
        #[test]
        fn word_lists_answer_like_a_sorted_map(
            words in proptest::collection::btree_map("[ab\\x00é中國𠀀]{1,6}", 1u64..100, 0..40),
            probes in proptest::collection::vec("[ab\\x00é中國𠀀x]{0,7}", 0..20),
        ) {
            let texts: String = words.keys().rev().map(|w| format!("{w}\n")).collect();
            let named: Vec<(&str, u64)> = words.iter().map(|(w, f)| (w.as_str(), *f)).collect();
            let list = WordList::new(&refs_to(&named, &texts, ""), &texts, "", 7).unwrap();
            let listed: Vec<(&str, u64)> = (0..list.len()).map(|i| list.entry(i)).collect();
            proptest::prop_assert_eq!(&listed, &named);
            for probe in &probes {
                let mut found = Vec::new();
                list.prefixes(probe, &mut |len, freq| found.push((len, freq)));
                let expected: Vec<(usize, u64)> = probe
                    .char_indices()
                    .map(|(i, c)| &probe[..i + c.len_utf8()])
                    .filter_map(|p| words.get(p).map(|f| (p.len(), *f)))
                    .collect();
                proptest::prop_assert_eq!(found, expected, "{:?}", probe);
                proptest::prop_assert_eq!(list.freq(probe), words.get(probe.as_str()).copied());
                let starting: Vec<&str> =
                    list.starting_with(probe).map(|i| list.entry(i).0).collect();
                let model: Vec<&str> =
                    named.iter().map(|w| w.0).filter(|w| w.starts_with(probe.as_str())).collect();
                proptest::prop_assert_eq!(starting, model, "{:?}", probe);
            }
        }
    }

    #[test]
    fn references_that_name_no_word_of_the_keys_are_refused() {
        let (texts, titles) = ("国家碳\n", "计量\n");
        let bad = Err(FormatError::OutOfBounds {
            what: "word reference",
        });
        let list = |at: u32, chars: u32| {
            WordList::new(&[WordRef { at, chars, freq: 1 }], texts, titles, 1).map(|l| l.len())
        };
        assert_eq!(list(0, 3), Ok(1));
        assert_eq!(
            list(10, 2),
            Ok(1),
            "the title's key starts after the texts' separator"
        );
        assert_eq!(list(1, 1), bad, "not a character boundary");
        assert_eq!(list(3, 3), bad, "runs into the separator");
        assert_eq!(list(10, 3), bad, "runs into the titles' separator");
        assert_eq!(list(13, 2), bad, "past the end of the key");
        assert_eq!(list(99, 1), bad, "past the keys");
        assert_eq!(list(0, 0), bad, "no characters");
    }
}
