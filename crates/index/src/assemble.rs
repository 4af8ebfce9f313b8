//! Assembling the index from the documents read: every passage and title folded to its match
//! key with the corpus's fold table, the vocabulary discovered in those keys (jieba, passed in
//! by the caller), the gram postings (gram layout) or the words' first occurrences (scan
//! layout), the pinyin table ([`crate::pinyin`]), the links and heading structure, all written
//! with `format::encode_index` of `zh-search-core`. The vocabulary and its frequencies are all
//! the query side needs to segment as jieba's words suggest.

use std::collections::BTreeMap;

use crate::corpus::SourceDoc;
use crate::folding::fold_pairs;
use crate::format::{
    encode_index, encode_numbering, encode_passage_links, encode_title_parents, encode_word_refs,
    FoldTable, IndexParts, Links, Posting, PostingsBlock, Stats, WordRef, FLAG_SCAN, KEY_SEPARATOR,
    WORD_REF_MAX_CHARS,
};
use crate::normalize::{is_cjk, match_key};
use crate::options::Layout;
use crate::passage::Section;
use crate::pinyin::pinyin_entries;
use crate::tokenize::{index_grams, MAX_WORD_CHARS};

/// A word the discoverer proposes for a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscoveredWord {
    pub word: String,
    /// Whether the segmenter's dictionary knows the word (as opposed to jieba's HMM guessing
    /// it: such words are kept only when they recur, `MIN_NEW_WORD_COUNT` times).
    pub known: bool,
}

/// Words jieba's HMM guesses (not in its dictionary) enter the vocabulary only when they occur
/// at least this often: on classical or noisy text the HMM proposes hundreds of thousands of
/// one-off "words" that cost megabytes and segment nothing better.
pub(crate) const MIN_NEW_WORD_COUNT: u64 = 2;

/// Corpora whose match keys total at most this many bytes are built in scan mode
/// (`format::FLAG_SCAN`): no gram index; the engine folds the texts once, at its first search,
/// and finds terms through the occurrences of their rarest character (`scan`). The gram index
/// costs about as much again as the text in transfer (57k Tang poems: 10.3 MB gzip of grams and
/// postings next to 6.5 MB of text) and doubles build time, while the scan answers as fast
/// (Node p95 on the bench's poem queries: 0.53 ms scan, 1.57 ms grams). What the scan costs
/// instead grows with the corpus: a first search that folds it (≈ 9 ms per MB natively, more in
/// wasm) and ≈ 2.4 bytes of memory per byte of text. Up to 16 MiB (≈ 5.5 million Chinese
/// characters) that stays a fraction of a second once and a few tens of MB; above it the gram
/// layout answers without the fold.
pub(crate) const SCAN_MODE_MAX_KEY_BYTES: usize = 16 << 20;

fn to_postings(counts: &BTreeMap<u32, u32>) -> Vec<Posting> {
    counts
        .iter()
        .map(|(&doc, &tf)| Posting { doc, tf })
        .collect()
}

#[derive(Default)]
struct GramPostings {
    text: BTreeMap<u32, u32>,
    title: BTreeMap<u32, u32>,
}

/// What the builder derives from the corpus before encoding.
struct Prepared {
    fold: Vec<u8>,
    titles: Vec<(String, u32)>,
    /// [`Links::encode`] of the sources' URLs, the titles' anchors and the pages' titles.
    links: Vec<u8>,
    /// [`encode_title_parents`] ([`title_parent`]).
    title_parents: Vec<u8>,
    /// [`encode_passage_links`] of every passage's link percentage.
    passage_links: Vec<u8>,
    /// [`encode_numbering`] of every title's and page title's match key.
    numbering: Vec<u8>,
    passages: Vec<String>,
    sources: Vec<(String, u32)>,
    text_keys: Vec<String>,
    title_keys: Vec<String>,
}

impl Prepared {
    /// Every match key in the order the vocabulary and the scan layout number them: the
    /// texts', then the titles'.
    fn all_keys(&self) -> Vec<&String> {
        self.text_keys.iter().chain(&self.title_keys).collect()
    }
}

fn prepare(docs: &[SourceDoc], to_simplified: &dyn Fn(char) -> Option<char>) -> Prepared {
    // Flatten: titles (one per section) and passages, in order.
    let mut titles: Vec<(String, u32)> = Vec::new();
    let mut passages: Vec<String> = Vec::new();
    let mut sources: Vec<(String, u32)> = Vec::new();
    let (mut urls, mut anchors, mut page_titles) = (Vec::new(), Vec::new(), Vec::new());
    let mut parents: Vec<Option<u32>> = Vec::new();
    let mut link_percent: Vec<u8> = Vec::new();
    for doc in docs {
        sources.push((doc.name.clone(), passages.len() as u32));
        urls.push(doc.url.as_deref().unwrap_or(""));
        page_titles.push(doc.page_title.as_str());
        let first_title = titles.len();
        for (i, section) in doc.sections.iter().enumerate() {
            parents.push(
                title_parent(&doc.sections[..i], &section.parents)
                    .map(|j| (first_title + j) as u32),
            );
            titles.push((section.title(), passages.len() as u32));
            anchors.push(section.anchor.as_deref().unwrap_or(""));
            passages.extend(section.passages.iter().cloned());
            link_percent.extend(
                (0..section.passages.len())
                    .map(|p| section.link_percent.get(p).copied().unwrap_or(0).min(100)),
            );
        }
    }
    let links = Links::encode(&urls, &anchors, &page_titles);
    let title_parents = encode_title_parents(&parents);
    let passage_links = encode_passage_links(&link_percent);
    let all_texts: Vec<&str> = passages
        .iter()
        .map(String::as_str)
        .chain(titles.iter().map(|t| t.0.as_str()))
        .collect();
    let fold = FoldTable::encode(&fold_pairs(&all_texts, to_simplified));
    let table = FoldTable::new(&fold).expect("encoded by FoldTable::encode");
    let text_keys = passages.iter().map(|p| match_key(p, &table).text).collect();
    let title_keys: Vec<String> = titles
        .iter()
        .map(|t| match_key(&t.0, &table).text)
        .collect();
    let numbering_len = |key: &str| key.len() - crate::numbering::strip_numbering(key).len();
    let numbering = encode_numbering(
        &title_keys
            .iter()
            .map(|key| numbering_len(key))
            .chain(
                page_titles
                    .iter()
                    .map(|title| numbering_len(&match_key(title, &table).text)),
            )
            .collect::<Vec<_>>(),
    );
    Prepared {
        fold,
        titles,
        links,
        title_parents,
        passage_links,
        numbering,
        passages,
        sources,
        text_keys,
        title_keys,
    }
}

/// The section (index into `earlier`, the sections before it on the same page) that encloses a
/// section whose enclosing headings are `parents` (outermost first): the nearest earlier section
/// titled like the innermost parent whose own enclosing headings are the rest of `parents`;
/// failing that (a heading without a section of its own), the same for the next parent out.
fn title_parent(earlier: &[Section], parents: &[String]) -> Option<usize> {
    (1..=parents.len()).rev().find_map(|depth| {
        let (outer, own) = (&parents[..depth - 1], &parents[depth - 1]);
        let found = |strict: bool| {
            earlier
                .iter()
                .rposition(|s| s.title() == *own && (!strict || s.parents == outer))
        };
        found(true).or_else(|| found(false))
    })
}

// Word references name words of up to MAX_WORD_CHARS characters.
const _: () = assert!(MAX_WORD_CHARS as u32 <= WORD_REF_MAX_CHARS);

/// A vocabulary word's number of occurrences, and where it first occurs: `(key, byte offset)`,
/// keys numbered as `vocabulary` was given them.
#[derive(Clone, Copy, Debug)]
struct WordCount {
    count: u64,
    first: (usize, usize),
}

/// The vocabulary: every CJK word (up to `MAX_WORD_CHARS`) that `discover_words` finds in the
/// folded texts and titles, with its number of occurrences. A "word" that is not a piece of
/// the text it was discovered in (jieba's never are) is ignored: the scan layout names words by
/// where they occur.
fn vocabulary(
    keys: &[&String],
    discover_words: &mut dyn FnMut(&str) -> Vec<DiscoveredWord>,
) -> BTreeMap<String, WordCount> {
    let mut counts: BTreeMap<String, (WordCount, bool)> = BTreeMap::new();
    for (k, key) in keys.iter().enumerate() {
        for DiscoveredWord { word, known } in discover_words(key) {
            let chars = word.chars().count();
            if chars == 0 || chars > MAX_WORD_CHARS || !word.chars().all(is_cjk) {
                continue;
            }
            let known = known || chars == 1;
            if let Some((entry, was_known)) = counts.get_mut(&word) {
                entry.count += 1;
                *was_known |= known;
            } else if let Some(at) = key.find(&word) {
                let first = (k, at);
                counts.insert(word, (WordCount { count: 1, first }, known));
            }
        }
    }
    counts
        .into_iter()
        .filter(|(_, (entry, known))| *known || entry.count >= MIN_NEW_WORD_COUNT)
        .map(|(word, (entry, _))| (word, entry))
        .collect()
}

/// The scan layout's WordRefs: each vocabulary word by its first occurrence in the keys as the
/// runtime lays them out (every key followed by `KEY_SEPARATOR`, `keys` in `vocabulary`'s
/// order: texts, then titles).
fn word_refs(vocab: &BTreeMap<String, WordCount>, keys: &[&String]) -> Vec<WordRef> {
    let mut starts = Vec::with_capacity(keys.len());
    let mut at = 0usize;
    for key in keys {
        starts.push(at);
        at += key.len() + KEY_SEPARATOR.len_utf8();
    }
    vocab
        .iter()
        .map(|(word, entry)| WordRef {
            at: u32::try_from(starts[entry.first.0] + entry.first.1)
                .expect("scan-layout keys are far below 4 GiB (SCAN_MODE_MAX_KEY_BYTES)"),
            chars: word.chars().count() as u32,
            freq: entry.count,
        })
        .collect()
}

/// The vocabulary `build_index` stores for `docs` (for tests of segmentation consistency).
pub fn build_vocabulary(
    docs: &[SourceDoc],
    discover_words: &mut dyn FnMut(&str) -> Vec<DiscoveredWord>,
    to_simplified: &dyn Fn(char) -> Option<char>,
) -> BTreeMap<String, u64> {
    let prepared = prepare(docs, to_simplified);
    vocabulary(&prepared.all_keys(), discover_words)
        .into_iter()
        .map(|(word, entry)| (word, entry.count))
        .collect()
}

/// Builds the index bytes for `docs`.
///
/// `discover_words` returns the words of a folded text (jieba `cut_for_search`), each marked
/// whether the dictionary knows it;
/// `to_simplified` maps a traditional character to its simplified form;
/// `reading` gives the toneless pinyin of a word or character (`"yin hang"`), see
/// the `pinyin` module.
pub fn build_index(
    docs: &[SourceDoc],
    discover_words: &mut dyn FnMut(&str) -> Vec<DiscoveredWord>,
    to_simplified: &dyn Fn(char) -> Option<char>,
    reading: &dyn Fn(&str) -> Option<String>,
    layout: Layout,
) -> Vec<u8> {
    let prepared = prepare(docs, to_simplified);
    let all_keys = prepared.all_keys();
    let key_bytes: usize = all_keys.iter().map(|key| key.len()).sum();
    let scan_mode = match layout {
        Layout::Auto => key_bytes <= SCAN_MODE_MAX_KEY_BYTES,
        Layout::Scan => true,
        Layout::Grams => false,
    };
    // The grams' postings need neither the vocabulary nor the readings: they are collected on a
    // second thread while jieba segments on this one (the two longest steps of a large build).
    let (vocab, pinyin, grams) = std::thread::scope(|scope| {
        let grams = (!scan_mode)
            .then(|| scope.spawn(|| gram_index(&prepared.text_keys, &prepared.title_keys)));
        let vocab = vocabulary(&all_keys, discover_words);
        let pinyin = pinyin_entries(&all_keys, vocab.keys().map(String::as_str), reading);
        let grams = match grams {
            // A panic on the gram thread is a bug of ours: let it surface as one.
            Some(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => GramIndex::default(),
        };
        (vocab, pinyin, grams)
    });
    // The scan layout names its words by where they occur in the keys it folds anyway (2–3
    // bytes a word); the gram layout, which never folds the corpus, spells them out in an fst.
    let mut word_fst = fst::MapBuilder::memory();
    let word_refs = if scan_mode {
        encode_word_refs(&word_refs(&vocab, &all_keys))
    } else {
        for (word, entry) in &vocab {
            word_fst
                .insert(word, entry.count)
                .expect("keys are sorted and unique (BTreeMap)");
        }
        Vec::new()
    };

    let (passages, titles, sources) = (&prepared.passages, &prepared.titles, &prepared.sources);
    let mut blob = Vec::new();
    let passage_offsets = push_strings(&mut blob, passages.iter().map(String::as_str));
    let title_offsets = push_strings(&mut blob, titles.iter().map(|t| t.0.as_str()));
    let source_offsets = push_strings(&mut blob, sources.iter().map(|s| s.0.as_str()));

    let stats = Stats {
        passages: passages.len() as u32,
        titles: titles.len() as u32,
        sources: sources.len() as u32,
        grams: grams.count,
        words: vocab.len() as u32,
        avg_text_chars: mean_chars(passages.iter().map(String::as_str)),
        avg_title_chars: mean_chars(titles.iter().map(|t| t.0.as_str())),
        word_freq_total: vocab.values().map(|entry| entry.count).sum::<u64>().max(1),
        max_word_chars: MAX_WORD_CHARS as u32,
        flags: if scan_mode { FLAG_SCAN } else { 0 },
    };
    encode_index(&IndexParts {
        stats,
        blob,
        passage_offsets,
        title_first: titles.iter().map(|t| t.1).collect(),
        title_offsets,
        source_first: sources.iter().map(|s| s.1).collect(),
        source_offsets,
        gram_fst: grams.fst,
        postings: grams.postings,
        word_fst: word_fst
            .into_inner()
            .expect("writing to memory cannot fail"),
        word_refs,
        fold: prepared.fold,
        pinyin_fst: fst::Map::from_iter(pinyin.entries)
            .expect("keys are sorted and unique (BTreeMap)")
            .into_fst()
            .into_inner(),
        pinyin_chars: pinyin.chars,
        links: prepared.links,
        title_parents: prepared.title_parents,
        passage_links: prepared.passage_links,
        numbering: prepared.numbering,
    })
}

/// The gram layout's index: every gram of the texts' and titles' match keys with its postings.
struct GramIndex {
    /// The grams, each mapped to its [`PostingsBlock`] in `postings`.
    fst: Vec<u8>,
    postings: Vec<u8>,
    count: u32,
}

impl Default for GramIndex {
    /// No grams (the scan layout): an empty fst.
    fn default() -> GramIndex {
        gram_index(&[], &[])
    }
}

fn gram_index(text_keys: &[String], title_keys: &[String]) -> GramIndex {
    let mut grams: BTreeMap<&str, GramPostings> = BTreeMap::new();
    for (keys, is_title) in [(text_keys, false), (title_keys, true)] {
        for (doc, key) in keys.iter().enumerate() {
            for gram in index_grams(key) {
                let entry = grams.entry(gram).or_default();
                *(if is_title {
                    &mut entry.title
                } else {
                    &mut entry.text
                })
                .entry(doc as u32)
                .or_default() += 1;
            }
        }
    }
    let mut postings = Vec::new();
    let mut gram_fst = fst::MapBuilder::memory();
    for (gram, lists) in &grams {
        let block = PostingsBlock {
            text: to_postings(&lists.text),
            title: to_postings(&lists.title),
        };
        gram_fst
            .insert(gram, block.encode(&mut postings))
            .expect("keys are sorted and unique (BTreeMap)");
    }
    GramIndex {
        fst: gram_fst
            .into_inner()
            .expect("writing to memory cannot fail"),
        postings,
        count: grams.len() as u32,
    }
}

/// Appends `strings` to `blob`; returns their offsets (one more than there are strings: each
/// string runs from its offset to the next).
fn push_strings<'s>(blob: &mut Vec<u8>, strings: impl Iterator<Item = &'s str>) -> Vec<u32> {
    let mut offsets = vec![blob.len() as u32];
    for s in strings {
        blob.extend_from_slice(s.as_bytes());
        offsets.push(blob.len() as u32);
    }
    offsets
}

/// The mean length of `texts` in characters (0 for none).
fn mean_chars<'s>(texts: impl ExactSizeIterator<Item = &'s str>) -> f32 {
    let n = texts.len();
    if n == 0 {
        0.0
    } else {
        texts.map(|t| t.chars().count()).sum::<usize>() as f32 / n as f32
    }
}
