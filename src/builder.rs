//! Building an index from a corpus folder (runs in `build.rs`, and natively in tests).
//!
//! The builder reads the corpus, cuts passages (`passage`), folds every text with the shared
//! normaliser, indexes the grams of every text and title (`tokenize::index_grams`), discovers
//! the vocabulary with a word discoverer (jieba, supplied by the caller so that the runtime
//! crate never links it) and writes one index with `format::encode_index`. The vocabulary and
//! its frequencies are all the query side needs to segment exactly as jieba's words suggest.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::format::{
    encode_char_list, encode_index, encode_word_refs, FoldTable, IndexParts, Links, Posting,
    PostingsBlock, Stats, WordRef, FLAG_SCAN, KEY_SEPARATOR, WORD_REF_MAX_CHARS,
};
use crate::normalize::{fold_case, fold_width, is_cjk, is_han, match_key};
use crate::passage::{cut_document, markdown_title, Section, TextKind};
use crate::tokenize::{index_grams, MAX_WORD_CHARS};

/// Corpus files larger than this are refused (the whole index ships inside the wasm module).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// How matching finds candidate passages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// [`Layout::Scan`] up to [`SCAN_MODE_MAX_KEY_BYTES`] of match keys, [`Layout::Grams`] above.
    Auto,
    /// No gram index: queries scan the texts (`format::FLAG_SCAN`).
    Scan,
    /// Gram postings, texts only.
    Grams,
}

impl Layout {
    /// Reads `ZH_SEARCH_LAYOUT` (`auto`, `scan` or `grams`; unset means `auto`).
    pub fn from_env_value(value: Option<&str>) -> Result<Layout, String> {
        match value.map(str::trim) {
            None | Some("") | Some("auto") => Ok(Layout::Auto),
            Some("scan") => Ok(Layout::Scan),
            Some("grams") => Ok(Layout::Grams),
            Some(other) => Err(format!(
                "ZH_SEARCH_LAYOUT={other:?}: expected auto, scan or grams"
            )),
        }
    }
}

/// A word the discoverer proposes, and whether the segmenter's dictionary knows it (as opposed
/// to jieba's HMM guessing it). A tuple so that `build_support` (shared by `build.rs` and tests
/// by path) need not name a type of this crate.
pub type DiscoveredWord = (String, bool);

/// Words jieba's HMM guesses (not in its dictionary) enter the vocabulary only when they occur
/// at least this often: on classical or noisy text the HMM proposes hundreds of thousands of
/// one-off "words" that cost megabytes and segment nothing better.
pub const MIN_NEW_WORD_COUNT: u64 = 2;

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
pub const SCAN_MODE_MAX_KEY_BYTES: usize = 16 << 20;
/// File extensions that are indexed (case-insensitively).
pub const EXTENSIONS: [&str; 4] = ["txt", "md", "html", "htm"];

/// One corpus file, cut into sections.
#[derive(Clone, Debug)]
pub struct SourceDoc {
    /// Path relative to the corpus folder, with `/` separators.
    pub name: String,
    pub sections: Vec<Section>,
    /// HTML pages: `name` as a URL path ([`url_path`]); hits link to it. `None` for text files.
    pub url: Option<String>,
    /// The page's title as a reader knows it (HTML: `<title>`, else the first `<h1>`); empty
    /// when the file has none (text files).
    pub page_title: String,
}

/// A corpus-relative path as a URL path: every byte outside `A–Z a–z 0–9 - . _ ~ /` is
/// percent-encoded (UTF-8), so `新闻/第 1 期.html` → `%E6%96%B0%E9%97%BB/%E7%AC%AC%201%20%E6%9C%9F.html`.
pub fn url_path(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for &b in name.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Why a corpus could not be read.
#[derive(Debug)]
pub enum CorpusError {
    /// The corpus folder does not exist or is not a folder.
    MissingFolder(PathBuf),
    /// The folder has no `.txt`/`.md`/`.html` file with any text.
    Empty(PathBuf),
    /// A file is not UTF-8; `line` is the first line with invalid bytes.
    NotUtf8 { path: PathBuf, line: usize },
    /// A file exceeds [`MAX_FILE_BYTES`].
    TooLarge { path: PathBuf, bytes: u64 },
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl fmt::Display for CorpusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CorpusError::MissingFolder(p) => write!(
                f,
                "corpus folder {} does not exist or is not a folder; set ZH_SEARCH_SEEDS to a folder of .txt/.md/.html files",
                p.display()
            ),
            CorpusError::Empty(p) => {
                write!(f, "corpus folder {} has no non-empty .txt, .md or .html file to index", p.display())
            }
            CorpusError::NotUtf8 { path, line } => write!(
                f,
                "{}:{line}: file is not UTF-8; convert it first (e.g. `iconv -f GB18030 -t UTF-8`)",
                path.display()
            ),
            CorpusError::TooLarge { path, bytes } => write!(
                f,
                "{}: {bytes} bytes is over the {MAX_FILE_BYTES}-byte limit per corpus file; split it",
                path.display()
            ),
            CorpusError::Io { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for CorpusError {}

/// What reading a corpus produced: the documents and warnings worth printing.
#[derive(Debug, Default)]
pub struct Corpus {
    pub docs: Vec<SourceDoc>,
    pub files: Vec<PathBuf>,
    pub warnings: Vec<String>,
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), CorpusError> {
    let io = |error| CorpusError::Io {
        path: dir.to_path_buf(),
        error,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_files(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// The line (from 1) of the first bytes that are not UTF-8.
fn first_bad_line(error: &std::string::FromUtf8Error) -> usize {
    let valid = error.utf8_error().valid_up_to();
    error.as_bytes()[..valid]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A character folded as the corpus is (width, case, traditional → simplified) before the
/// fold table exists.
fn fold_char_for_build(c: char, to_simplified: &dyn Fn(char) -> Option<char>) -> char {
    let c = fold_case(fold_width(c));
    to_simplified(c).unwrap_or(c)
}

/// Reads every `.txt`/`.md`/`.html`/`.htm` file under `dir` (recursively, in path order).
pub fn read_corpus(dir: &Path) -> Result<Corpus, CorpusError> {
    if !dir.is_dir() {
        return Err(CorpusError::MissingFolder(dir.to_path_buf()));
    }
    let mut files = Vec::new();
    collect_files(dir, &mut files)?;
    let mut corpus = Corpus::default();
    for path in files {
        let meta = std::fs::metadata(&path).map_err(|error| CorpusError::Io {
            path: path.clone(),
            error,
        })?;
        if meta.len() > MAX_FILE_BYTES {
            return Err(CorpusError::TooLarge {
                path,
                bytes: meta.len(),
            });
        }
        let bytes = std::fs::read(&path).map_err(|error| CorpusError::Io {
            path: path.clone(),
            error,
        })?;
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let line = first_bad_line(&e);
                return Err(CorpusError::NotUtf8 { path, line });
            }
        };
        let name = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let (sections, url, page_title) = match extension.as_str() {
            "html" | "htm" => {
                let page = crate::html::read_page(&text);
                (
                    crate::html::sections(&page),
                    Some(url_path(&name)),
                    page.title.unwrap_or_default(),
                )
            }
            "md" => (
                cut_document(&text, TextKind::Markdown),
                None,
                markdown_title(&text).unwrap_or_default(),
            ),
            _ => (cut_document(&text, TextKind::Plain), None, String::new()),
        };
        if sections.is_empty() {
            corpus
                .warnings
                .push(format!("{}: no text, skipped", path.display()));
        } else {
            corpus.docs.push(SourceDoc {
                name,
                sections,
                url,
                page_title,
            });
        }
        corpus.files.push(path);
    }
    if corpus.docs.is_empty() {
        return Err(CorpusError::Empty(dir.to_path_buf()));
    }
    Ok(corpus)
}

/// One user-dictionary entry for jieba: the word (folded like the corpus text jieba reads),
/// its frequency and its part-of-speech tag when given. A tuple so that `build_support` need
/// not name a type of this crate.
pub type UserWord = (String, Option<usize>, Option<String>);

/// A parsed user dictionary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserDict {
    pub words: Vec<UserWord>,
    /// Entries that load but cannot work fully, worth printing.
    pub warnings: Vec<String>,
}

/// Why a user dictionary (`ZH_SEARCH_DICT`) could not be read.
#[derive(Debug)]
pub enum DictError {
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A line is malformed or not UTF-8; `line` counts from 1.
    Line {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

impl fmt::Display for DictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DictError::Io { path, error } => write!(
                f,
                "user dictionary {} (ZH_SEARCH_DICT) cannot be read: {error}",
                path.display()
            ),
            DictError::Line { path, line, reason } => write!(
                f,
                "{}:{line}: {reason} (user dictionary lines are `word [frequency] [tag]`, as in jieba)",
                path.display()
            ),
        }
    }
}

impl std::error::Error for DictError {}

/// Parses a jieba user dictionary: one `word [frequency] [tag]` per line, separated by spaces
/// or tabs; blank lines are skipped; a frequency is a whole number ≥ 1, a tag (jieba's
/// part-of-speech, e.g. `nr`) starts with an ASCII letter. Words are folded like the corpus
/// (full-width → half-width, lower case, traditional → simplified) so that they match the text
/// jieba segments. Errors are `(line, reason)`.
pub fn parse_user_dict(
    text: &str,
    to_simplified: &dyn Fn(char) -> Option<char>,
) -> Result<UserDict, (usize, String)> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let fold = |c| fold_char_for_build(c, to_simplified);
    let is_tag = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let parse_freq = |s: &str| match s.parse::<usize>() {
        Ok(0) => Err(format!("frequency {s:?} must be at least 1")),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("frequency {s:?} is not a whole number")),
    };
    let mut dict = UserDict::default();
    for (i, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let entry = match fields.as_slice() {
            [] => continue,
            [word] => Ok((*word, None, None)),
            [word, second] if second.bytes().all(|b| b.is_ascii_digit()) => {
                parse_freq(second).map(|f| (*word, Some(f), None))
            }
            [word, tag] if is_tag(tag) => Ok((*word, None, Some(*tag))),
            [_, other] => Err(format!(
                "{other:?} is neither a frequency (a whole number) nor a tag"
            )),
            [word, freq, tag] if is_tag(tag) => {
                parse_freq(freq).map(|f| (*word, Some(f), Some(*tag)))
            }
            [_, _, tag] => Err(format!(
                "tag {tag:?} is not a part-of-speech tag like nr or nz"
            )),
            _ => Err(format!(
                "{} fields; expected at most 3 (a word cannot contain spaces)",
                fields.len()
            )),
        };
        let (word, freq, tag) = entry.map_err(|reason| (i + 1, reason))?;
        let word: String = word.chars().map(fold).collect();
        if word.chars().count() > MAX_WORD_CHARS {
            dict.warnings.push(format!(
                "line {}: {word:?} is longer than {MAX_WORD_CHARS} characters: jieba keeps it whole in the text, but queries are cut into words of at most {MAX_WORD_CHARS}",
                i + 1
            ));
        }
        dict.words.push((word, freq, tag.map(str::to_string)));
    }
    Ok(dict)
}

/// Reads a user dictionary file ([`parse_user_dict`]).
pub fn read_user_dict(
    path: &Path,
    to_simplified: &dyn Fn(char) -> Option<char>,
) -> Result<UserDict, DictError> {
    let bytes = std::fs::read(path).map_err(|error| DictError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| DictError::Line {
        path: path.to_path_buf(),
        line: first_bad_line(&e),
        reason: "not UTF-8".to_string(),
    })?;
    parse_user_dict(&text, to_simplified).map_err(|(line, reason)| DictError::Line {
        path: path.to_path_buf(),
        line,
        reason,
    })
}

/// Candidate traditional characters: the CJK blocks where traditional forms live.
fn han_candidates() -> impl Iterator<Item = char> {
    (0x3400u32..=0x9FFF)
        .chain(0xF900..=0xFAFF)
        .chain(0x20000..=0x2A6DF)
        .filter_map(char::from_u32)
}

/// The fold table for a corpus: every `traditional → simplified` pair whose simplified side
/// occurs (after folding) in `texts`.
fn fold_pairs(texts: &[&str], to_simplified: &dyn Fn(char) -> Option<char>) -> Vec<(char, char)> {
    let fold = |c| fold_char_for_build(c, to_simplified);
    let alphabet: HashSet<char> = texts.iter().flat_map(|t| t.chars()).map(fold).collect();
    han_candidates()
        .filter_map(|t| {
            to_simplified(t)
                .filter(|&s| s != t && alphabet.contains(&s))
                .map(|s| (t, s))
        })
        .collect()
}

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
    /// [`Links::encode`] of the sources' URLs and the titles' anchors.
    links: Vec<u8>,
    passages: Vec<String>,
    sources: Vec<(String, u32)>,
    text_keys: Vec<String>,
    title_keys: Vec<String>,
}

fn prepare(docs: &[SourceDoc], to_simplified: &dyn Fn(char) -> Option<char>) -> Prepared {
    // Flatten: titles (one per section) and passages, in order.
    let mut titles: Vec<(String, u32)> = Vec::new();
    let mut passages: Vec<String> = Vec::new();
    let mut sources: Vec<(String, u32)> = Vec::new();
    let (mut urls, mut anchors) = (Vec::new(), Vec::new());
    for doc in docs {
        sources.push((doc.name.clone(), passages.len() as u32));
        urls.push(doc.url.as_deref().unwrap_or(""));
        for section in &doc.sections {
            titles.push((section.title(), passages.len() as u32));
            anchors.push(section.anchor.as_deref().unwrap_or(""));
            passages.extend(section.passages.iter().cloned());
        }
    }
    let links = Links::encode(&urls, &anchors);
    let all_texts: Vec<&str> = passages
        .iter()
        .map(String::as_str)
        .chain(titles.iter().map(|t| t.0.as_str()))
        .collect();
    let fold = FoldTable::encode(&fold_pairs(&all_texts, to_simplified));
    let table = FoldTable::new(&fold).expect("encoded by FoldTable::encode");
    let text_keys = passages.iter().map(|p| match_key(p, &table).text).collect();
    let title_keys = titles
        .iter()
        .map(|t| match_key(&t.0, &table).text)
        .collect();
    Prepared {
        fold,
        titles,
        links,
        passages,
        sources,
        text_keys,
        title_keys,
    }
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
        for (word, known) in discover_words(key) {
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
    vocabulary(
        &prepared
            .text_keys
            .iter()
            .chain(&prepared.title_keys)
            .collect::<Vec<_>>(),
        discover_words,
    )
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
/// [`pinyin_entries`].
pub fn build_index(
    docs: &[SourceDoc],
    discover_words: &mut dyn FnMut(&str) -> Vec<DiscoveredWord>,
    to_simplified: &dyn Fn(char) -> Option<char>,
    reading: &dyn Fn(&str) -> Option<String>,
    layout: Layout,
) -> Vec<u8> {
    let Prepared {
        fold,
        titles,
        links,
        passages,
        sources,
        text_keys,
        title_keys,
    } = prepare(docs, to_simplified);
    let all_keys: Vec<&String> = text_keys.iter().chain(&title_keys).collect();
    let vocab = vocabulary(&all_keys, discover_words);

    let pinyin = pinyin_entries(&all_keys, vocab.keys().map(String::as_str), reading);
    let key_bytes: usize = all_keys.iter().map(|key| key.len()).sum();
    let scan_mode = match layout {
        Layout::Auto => key_bytes <= SCAN_MODE_MAX_KEY_BYTES,
        Layout::Scan => true,
        Layout::Grams => false,
    };
    let mut grams: BTreeMap<&str, GramPostings> = BTreeMap::new();
    let fields: [(&[String], bool); 2] = [(&text_keys, false), (&title_keys, true)];
    for (keys, is_title) in fields.into_iter().filter(|_| !scan_mode) {
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

    let mut blob = Vec::new();
    let mut push_strings = |strings: &mut dyn Iterator<Item = &str>| {
        let mut offsets = vec![blob.len() as u32];
        for s in strings {
            blob.extend_from_slice(s.as_bytes());
            offsets.push(blob.len() as u32);
        }
        offsets
    };
    let passage_offsets = push_strings(&mut passages.iter().map(String::as_str));
    let title_offsets = push_strings(&mut titles.iter().map(|t| t.0.as_str()));
    let source_offsets = push_strings(&mut sources.iter().map(|s| s.0.as_str()));

    let mean = |lens: &mut dyn Iterator<Item = usize>, n: usize| {
        if n == 0 {
            0.0
        } else {
            lens.sum::<usize>() as f32 / n as f32
        }
    };
    let stats = Stats {
        passages: passages.len() as u32,
        titles: titles.len() as u32,
        sources: sources.len() as u32,
        grams: grams.len() as u32,
        words: vocab.len() as u32,
        avg_text_chars: mean(
            &mut passages.iter().map(|p| p.chars().count()),
            passages.len(),
        ),
        avg_title_chars: mean(
            &mut titles.iter().map(|t| t.0.chars().count()),
            titles.len(),
        ),
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
        gram_fst: gram_fst
            .into_inner()
            .expect("writing to memory cannot fail"),
        postings,
        word_fst: word_fst
            .into_inner()
            .expect("writing to memory cannot fail"),
        word_refs,
        fold,
        pinyin_fst: fst::Map::from_iter(pinyin.0)
            .expect("keys are sorted and unique (BTreeMap)")
            .into_fst()
            .into_inner(),
        pinyin_chars: pinyin.1,
        links,
    })
}

/// The pinyin table (`format`'s PinyinFst and PinyinChars): every Han character of the match
/// keys under its usual toneless reading (`tan` → 碳谈…), every vocabulary word whose reading is not its
/// characters' usual readings strung together (`~yin hang\0银行`: 行 is usually xing), and for
/// each such word the characters it reads otherwise (`^行\0银行`). Queries match a pinyin
/// syllable against the characters' readings except inside those words, and a run of syllables
/// also against the words, so a polyphone is found under the reading it has in the word.
pub fn pinyin_entries<'w>(
    keys: &[&String],
    vocab: impl Iterator<Item = &'w str>,
    reading: &dyn Fn(&str) -> Option<String>,
) -> (BTreeMap<Vec<u8>, u64>, Vec<u8>) {
    let entry = |reading: &str, text: &str| {
        let mut e = reading.as_bytes().to_vec();
        e.push(0);
        e.extend_from_slice(text.as_bytes());
        e
    };
    let mut usual: BTreeMap<char, String> = BTreeMap::new();
    for c in keys.iter().flat_map(|k| k.chars()).filter(|&c| is_han(c)) {
        if let std::collections::btree_map::Entry::Vacant(slot) = usual.entry(c) {
            if let Some(r) = reading(c.encode_utf8(&mut [0; 4])).filter(|r| !r.contains(' ')) {
                slot.insert(r);
            }
        }
    }
    let mut by_reading: BTreeMap<&str, Vec<char>> = BTreeMap::new();
    for (c, r) in &usual {
        by_reading.entry(r.as_str()).or_default().push(*c);
    }
    let mut chars = Vec::new();
    let mut out: BTreeMap<Vec<u8>, u64> = by_reading
        .iter()
        .map(|(r, list)| (r.as_bytes().to_vec(), encode_char_list(&mut chars, list)))
        .collect();
    for word in vocab {
        let word_chars: Vec<char> = word.chars().collect();
        if word_chars.len() < 2 || !word_chars.iter().all(|&c| is_han(c)) {
            continue;
        }
        let Some(said) = reading(word) else { continue };
        let strung: Option<Vec<&str>> = word_chars
            .iter()
            .map(|c| usual.get(c).map(String::as_str))
            .collect();
        let fits = said.split(' ').count() == word_chars.len();
        let Some(strung) = strung.filter(|s| fits && s.join(" ") != said) else {
            continue;
        };
        out.insert(entry(&format!("~{said}"), word), 0);
        // The characters read otherwise in this word: a query for their usual reading must
        // not match them here (`xing` does not find the 行 of 银行).
        for ((c, usual), in_word) in word_chars.iter().zip(&strung).zip(said.split(' ')) {
            if *usual != in_word {
                out.insert(entry(&format!("^{c}"), word), 0);
            }
        }
    }
    (out, chars)
}
