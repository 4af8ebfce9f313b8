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
    encode_char_list, encode_index, encode_numbering, encode_passage_links, encode_title_parents,
    encode_word_refs, FoldTable, IndexParts, Links, Posting, PostingsBlock, Stats, WordRef,
    FLAG_SCAN, KEY_SEPARATOR, WORD_REF_MAX_CHARS,
};
use crate::normalize::{fold_case, fold_width, is_cjk, is_han, match_key};
use crate::passage::{cut_document, markdown_title, Section, TextKind};
use crate::tokenize::{index_grams, MAX_WORD_CHARS};

/// Corpus files larger than this are refused (the whole index ships inside the wasm module).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// How matching finds candidate passages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Layout {
    /// [`Layout::Scan`] up to [`SCAN_MODE_MAX_KEY_BYTES`] of match keys, [`Layout::Grams`] above.
    #[default]
    Auto,
    /// No gram index: queries scan the texts (`format::FLAG_SCAN`).
    Scan,
    /// Gram postings, texts only.
    Grams,
}

/// A layout name the indexer does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayoutError {
    pub value: String,
}

impl fmt::Display for LayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ZH_SEARCH_LAYOUT={:?}: expected auto, scan or grams",
            self.value
        )
    }
}

impl std::error::Error for LayoutError {}

impl Layout {
    /// Reads `ZH_SEARCH_LAYOUT` (`auto`, `scan` or `grams`; unset means `auto`).
    pub fn from_env_value(value: Option<&str>) -> Result<Layout, LayoutError> {
        match value.map(str::trim) {
            None | Some("") | Some("auto") => Ok(Layout::Auto),
            Some("scan") => Ok(Layout::Scan),
            Some("grams") => Ok(Layout::Grams),
            Some(other) => Err(LayoutError {
                value: other.to_string(),
            }),
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

/// The site owner's configuration file, read from the corpus folder when present.
pub const CONFIG_FILE: &str = "zh-search.toml";
/// Environment variables read by `build.rs` (comma-separated lists; they add to the file).
pub const ENV_EXCLUDE_SELECTORS: &str = "ZH_SEARCH_EXCLUDE_SELECTORS";
pub const ENV_INCLUDE: &str = "ZH_SEARCH_INCLUDE";
pub const ENV_EXCLUDE: &str = "ZH_SEARCH_EXCLUDE";
/// `1`/`true` stops the build on a file that is not UTF-8 and declares no encoding.
pub const ENV_STRICT_ENCODING: &str = "ZH_SEARCH_STRICT_ENCODING";
/// Every environment variable [`CorpusOptions::load`] reads (for `cargo:rerun-if-env-changed`).
pub const OPTION_ENV_VARS: [&str; 4] = [
    ENV_EXCLUDE_SELECTORS,
    ENV_INCLUDE,
    ENV_EXCLUDE,
    ENV_STRICT_ENCODING,
];
/// A paragraph found verbatim (after whitespace folding) on at least this many pages is
/// navigation or boilerplate: indexed once, on the first page that has it.
pub const REPEATED_BLOCK_MIN_PAGES: usize = 3;
/// Only paragraphs of at least this many visible characters, or mostly link text outside
/// table cells, count as repeated boilerplate: short repeats are data (table cells such as
/// `yes`, `1.2`, a linked package name; labels such as `注意`), which the page needs to be
/// found by.
pub const REPEATED_BLOCK_MIN_CHARS: usize = 16;
/// Skipped files named in the one summary warning (the rest are counted).
pub const SKIPPED_NAMES_SHOWN: usize = 5;

/// Why a corpus could not be read.
#[derive(Debug)]
pub enum CorpusError {
    /// The corpus folder does not exist or is not a folder.
    MissingFolder(PathBuf),
    /// The folder has no `.txt`/`.md`/`.html` file with any text.
    Empty(PathBuf),
    /// A file is not UTF-8 and declares no encoding, and the build is strict about encodings
    /// (`strict_encoding`); `line` is the first line with invalid bytes.
    NotUtf8 { path: PathBuf, line: usize },
    /// A file exceeds [`MAX_FILE_BYTES`].
    TooLarge { path: PathBuf, bytes: u64 },
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The configuration file is not valid TOML or has a key or value it does not take.
    Config { path: PathBuf, reason: String },
    /// A CSS selector (from `origin`: the config file or an environment variable) does not
    /// parse.
    BadSelector {
        origin: String,
        selector: String,
        reason: String,
    },
    /// A file glob does not parse.
    BadGlob {
        origin: String,
        pattern: String,
        reason: String,
    },
    /// An environment variable has a value it does not take.
    BadEnv {
        var: &'static str,
        value: String,
        expected: &'static str,
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
                "{}:{line}: file is not UTF-8 and declares no encoding; convert it first (e.g. `iconv -f GB18030 -t UTF-8`), or declare it in the page (<meta charset=\"gbk\">), or turn off strict_encoding to skip such files with a warning",
                path.display()
            ),
            CorpusError::TooLarge { path, bytes } => write!(
                f,
                "{}: {bytes} bytes is over the {MAX_FILE_BYTES}-byte limit per corpus file; split it",
                path.display()
            ),
            CorpusError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            CorpusError::Config { path, reason } => write!(
                f,
                "{}: {reason} (keys: exclude_selectors, include, exclude: lists of strings; strict_encoding: true or false)",
                path.display()
            ),
            CorpusError::BadSelector {
                origin,
                selector,
                reason,
            } => write!(
                f,
                "{origin}: exclude selector {selector:?} is not a valid CSS selector: {reason}"
            ),
            CorpusError::BadGlob {
                origin,
                pattern,
                reason,
            } => write!(f, "{origin}: file pattern {pattern:?} is not a valid glob: {reason}"),
            CorpusError::BadEnv {
                var,
                value,
                expected,
            } => write!(f, "{var}={value:?}: expected {expected}"),
        }
    }
}

impl std::error::Error for CorpusError {}

/// The keys of [`CONFIG_FILE`].
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    exclude_selectors: Vec<String>,
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    strict_encoding: Option<bool>,
}

/// What a site owner chose to index: from [`CONFIG_FILE`] in the corpus folder and the
/// environment ([`OPTION_ENV_VARS`], which add to the file).
#[derive(Clone, Debug, Default)]
pub struct CorpusOptions {
    /// Elements left out of every HTML page (with `data-zh-search-ignore`, `data-zh-search-body`).
    pub page_filter: crate::html::PageFilter,
    /// When not empty, only files whose corpus-relative path matches one of these are read.
    pub include: Vec<String>,
    /// Files whose corpus-relative path matches one of these are not read.
    pub exclude: Vec<String>,
    include_set: Option<globset::GlobSet>,
    exclude_set: Option<globset::GlobSet>,
    /// Stop on a file that is not UTF-8 and declares no encoding (else: skip it, with a warning).
    pub strict_encoding: bool,
}

/// Comma-separated items of an environment value, trimmed, empty ones dropped.
fn env_list(value: Option<String>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn glob_set(patterns: &[(String, String)]) -> Result<Option<globset::GlobSet>, CorpusError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = globset::GlobSetBuilder::new();
    for (origin, pattern) in patterns {
        let glob = globset::GlobBuilder::new(pattern)
            .literal_separator(false)
            .build()
            .map_err(|e| CorpusError::BadGlob {
                origin: origin.clone(),
                pattern: pattern.clone(),
                reason: e.kind().to_string(),
            })?;
        builder.add(glob);
    }
    builder.build().map(Some).map_err(|e| CorpusError::BadGlob {
        origin: "file patterns".to_string(),
        pattern: String::new(),
        reason: e.to_string(),
    })
}

impl CorpusOptions {
    /// Options from `dir`'s [`CONFIG_FILE`] (if any) and the environment as `env` reads it
    /// (`|name| std::env::var(name).ok()` in `build.rs`; tests pass their own).
    pub fn load(
        dir: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<CorpusOptions, CorpusError> {
        let path = dir.join(CONFIG_FILE);
        let file: ConfigFile = match std::fs::read(&path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|_| CorpusError::Config {
                    path: path.clone(),
                    reason: "not UTF-8".to_string(),
                })?;
                toml::from_str(&text).map_err(|e| CorpusError::Config {
                    path: path.clone(),
                    reason: e.to_string().trim_end().replace('\n', " "),
                })?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => ConfigFile::default(),
            Err(error) => return Err(CorpusError::Io { path, error }),
        };
        let from_file = path.display().to_string();
        let tagged = |list: Vec<String>, var: &str| {
            let mut all: Vec<(String, String)> = Vec::new();
            all.extend(list.into_iter().map(|v| (from_file.clone(), v)));
            all.extend(env_list(env(var)).into_iter().map(|v| (var.to_string(), v)));
            all
        };
        let selectors = tagged(file.exclude_selectors, ENV_EXCLUDE_SELECTORS);
        let include = tagged(file.include, ENV_INCLUDE);
        let exclude = tagged(file.exclude, ENV_EXCLUDE);
        let mut options = CorpusOptions {
            strict_encoding: file.strict_encoding.unwrap_or(false),
            ..CorpusOptions::default()
        };
        for (origin, selector) in selectors {
            let parsed = crate::html::ExcludeSelector::parse(&selector).map_err(|reason| {
                CorpusError::BadSelector {
                    origin,
                    selector: selector.clone(),
                    reason,
                }
            })?;
            options.page_filter.exclude.push(parsed);
        }
        options.include_set = glob_set(&include)?;
        options.exclude_set = glob_set(&exclude)?;
        options.include = include.into_iter().map(|(_, p)| p).collect();
        options.exclude = exclude.into_iter().map(|(_, p)| p).collect();
        match env(ENV_STRICT_ENCODING).as_deref().map(str::trim) {
            None | Some("") => {}
            Some("1" | "true") => options.strict_encoding = true,
            Some("0" | "false") => options.strict_encoding = false,
            Some(other) => {
                return Err(CorpusError::BadEnv {
                    var: ENV_STRICT_ENCODING,
                    value: other.to_string(),
                    expected: "1, true, 0 or false",
                })
            }
        }
        Ok(options)
    }

    /// Whether the file at corpus-relative `name` is read.
    pub fn selects(&self, name: &str) -> bool {
        self.include_set
            .as_ref()
            .is_none_or(|set| set.is_match(name))
            && !self
                .exclude_set
                .as_ref()
                .is_some_and(|set| set.is_match(name))
    }
}

/// What the build did with the corpus, for the one summary line the site owner sees.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CorpusSummary {
    /// Files indexed.
    pub pages: usize,
    pub passages: usize,
    /// Paragraphs dropped because the same text is on at least [`REPEATED_BLOCK_MIN_PAGES`]
    /// pages (the first is kept).
    pub repeated_blocks_dropped: usize,
    /// Paragraphs dropped because their whole text is a page's title (previous/next links,
    /// navigation headers and footers).
    pub title_echoes_dropped: usize,
    /// Files skipped: no text, or not UTF-8 without a declared encoding.
    pub files_skipped: usize,
    /// Files left out by the include/exclude patterns.
    pub files_excluded: usize,
}

impl fmt::Display for CorpusSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "indexed {} pages, {} passages; dropped {} repeated blocks and {} title echoes; skipped {} files",
            self.pages,
            self.passages,
            self.repeated_blocks_dropped,
            self.title_echoes_dropped,
            self.files_skipped
        )?;
        if self.files_excluded > 0 {
            write!(f, "; {} files excluded by pattern", self.files_excluded)?;
        }
        Ok(())
    }
}

/// What reading a corpus produced: the documents and warnings worth printing.
#[derive(Debug, Default)]
pub struct Corpus {
    pub docs: Vec<SourceDoc>,
    /// Every file read (for cargo's `rerun-if-changed`), skipped ones included.
    pub files: Vec<PathBuf>,
    pub warnings: Vec<String>,
    pub summary: CorpusSummary,
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
fn first_bad_line(bytes: &[u8], valid_up_to: usize) -> usize {
    bytes[..valid_up_to].iter().filter(|&&b| b == b'\n').count() + 1
}

/// A character folded as the corpus is (width, case, traditional → simplified) before the
/// fold table exists.
fn fold_char_for_build(c: char, to_simplified: &dyn Fn(char) -> Option<char>) -> char {
    let c = fold_case(fold_width(c));
    to_simplified(c).unwrap_or(c)
}

/// How a file's bytes became text.
#[derive(Debug, PartialEq, Eq)]
pub enum Decoded {
    /// UTF-8 (a UTF-8 BOM dropped).
    Utf8(String),
    /// Decoded from the encoding a BOM or the page declares (`encoding` is its name);
    /// `replaced` counts malformed sequences turned into U+FFFD.
    Declared {
        text: String,
        encoding: &'static str,
        replaced: bool,
    },
    /// Not UTF-8, and no encoding declared: `line` is the first line with invalid bytes.
    Undeclared { line: usize },
}

/// The encoding an HTML page declares in its first 1024 bytes, as a browser's prescan finds
/// it: `<meta charset="…">` or `<meta http-equiv="Content-Type" content="…; charset=…">`.
pub fn declared_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = find(&lower[from..], b"<meta").map(|i| from + i) {
        let end = lower[at..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |i| at + i);
        let tag = &lower[at + 5..end];
        from = end;
        let Some(c) = find(tag, b"charset") else {
            continue;
        };
        // `charset=` directly (attribute) or inside `content` (after `charset=`).
        let rest = &tag[c + 7..];
        let rest = rest.trim_ascii_start();
        let Some(rest) = rest.strip_prefix(b"=") else {
            continue;
        };
        let rest = rest.trim_ascii_start();
        let rest = rest
            .strip_prefix(b"\"")
            .or_else(|| rest.strip_prefix(b"'"))
            .unwrap_or(rest);
        let label_len = rest
            .iter()
            .position(|&b| {
                b == b'"' || b == b'\'' || b == b';' || b == b'/' || b.is_ascii_whitespace()
            })
            .unwrap_or(rest.len());
        if let Some(encoding) = encoding_rs::Encoding::for_label(&rest[..label_len]) {
            // A page cannot declare UTF-16 in a meta (it would not be readable as ASCII).
            if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
                return Some(encoding_rs::UTF_8);
            }
            return Some(encoding);
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Turns a file's bytes into text: a BOM wins; then UTF-8; then, for HTML pages, the encoding
/// the page declares ([`declared_encoding`]; a page declaring UTF-8 whose bytes are not quite
/// UTF-8 is decoded with U+FFFD for the bad bytes, as a browser shows it); anything else is
/// [`Decoded::Undeclared`].
pub fn decode(bytes: Vec<u8>, is_html: bool) -> Decoded {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        if encoding == encoding_rs::UTF_8 {
            if let Ok(text) = std::str::from_utf8(&bytes[bom..]) {
                return Decoded::Utf8(text.to_string());
            }
        }
        let (text, replaced) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return Decoded::Declared {
            text: text.into_owned(),
            encoding: encoding.name(),
            replaced,
        };
    }
    let valid_up_to = match std::str::from_utf8(&bytes) {
        Ok(_) => return Decoded::Utf8(String::from_utf8(bytes).unwrap_or_default()),
        Err(e) => e.valid_up_to(),
    };
    match declared_encoding(&bytes).filter(|_| is_html) {
        // A page that declares UTF-8 but has a few bad bytes reads as a browser shows it.
        Some(encoding) => {
            let (text, replaced) = encoding.decode_without_bom_handling(&bytes);
            Decoded::Declared {
                text: text.into_owned(),
                encoding: encoding.name(),
                replaced,
            }
        }
        None => Decoded::Undeclared {
            line: first_bad_line(&bytes, valid_up_to),
        },
    }
}

/// Reads every `.txt`/`.md`/`.html`/`.htm` file under `dir` (recursively, in path order), with
/// the options of the folder's own [`CONFIG_FILE`] (the environment is not read here).
pub fn read_corpus(dir: &Path) -> Result<Corpus, CorpusError> {
    if !dir.is_dir() {
        return Err(CorpusError::MissingFolder(dir.to_path_buf()));
    }
    let options = CorpusOptions::load(dir, &|_| None)?;
    read_corpus_with(dir, &options)
}

/// A file read, before pages are filtered against each other.
enum Content {
    Page(crate::html::Page),
    Cut(Vec<Section>, String),
}

/// Whitespace folded to single spaces: the key that finds verbatim repeats.
fn fold_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a paragraph is mostly link text (at least half of its visible characters).
fn mostly_links(text: &str, link_chars: usize) -> bool {
    link_chars * 2 >= crate::passage::visible_chars(text).max(1)
}

/// Drops navigation look-alikes from HTML pages, before passages are cut:
/// * **title echoes**: paragraphs whose whole text is a page's title (this page's or another
///   page's: previous/next links, DocBook's navigation header and footer cells), or, when the
///   paragraph is mostly link text, a heading of any page (table-of-contents entries);
/// * **repeats**: paragraphs found verbatim on [`REPEATED_BLOCK_MIN_PAGES`] pages or more
///   (all but the first), when they are at least [`REPEATED_BLOCK_MIN_CHARS`] long (footers,
///   notices) or, outside table cells, mostly link text (link bars).
///
/// Text is compared after whitespace folding. `other_titles` are titles of the corpus's other
/// files (Markdown). Returns (repeated blocks dropped, title echoes dropped).
pub fn drop_boilerplate(
    pages: &mut [&mut crate::html::Page],
    other_titles: &[String],
) -> (usize, usize) {
    use crate::html::Block;
    use std::collections::HashMap;
    let titles: HashSet<String> = pages
        .iter()
        .filter_map(|p| p.title.as_deref())
        .chain(other_titles.iter().map(String::as_str))
        .map(fold_whitespace)
        .filter(|t| !t.is_empty())
        .collect();
    let headings: HashSet<String> = pages
        .iter()
        .flat_map(|p| p.blocks.iter())
        .filter_map(|b| match b {
            Block::Heading { text, .. } => Some(fold_whitespace(text)),
            Block::Paragraph { .. } => None,
        })
        .collect();
    let mut echoes = 0;
    for page in pages.iter_mut() {
        let before = page.blocks.len();
        page.blocks.retain(|b| match b {
            Block::Paragraph {
                text, link_chars, ..
            } => {
                let key = fold_whitespace(text);
                !(titles.contains(&key)
                    || (mostly_links(text, *link_chars) && headings.contains(&key)))
            }
            Block::Heading { .. } => true,
        });
        echoes += before - page.blocks.len();
    }
    let candidate = |text: &str, link_chars: usize, in_cell: bool| {
        (!in_cell && mostly_links(text, link_chars))
            || crate::passage::visible_chars(text) >= REPEATED_BLOCK_MIN_CHARS
    };
    // Pages each candidate paragraph is on.
    let mut pages_with: HashMap<String, usize> = HashMap::new();
    for page in pages.iter() {
        let distinct: HashSet<String> = page
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph {
                    text,
                    link_chars,
                    in_cell,
                } if candidate(text, *link_chars, *in_cell) => Some(fold_whitespace(text)),
                _ => None,
            })
            .collect();
        for key in distinct {
            *pages_with.entry(key).or_default() += 1;
        }
    }
    let mut kept: HashSet<String> = HashSet::new();
    let mut repeated = 0;
    for page in pages.iter_mut() {
        let before = page.blocks.len();
        page.blocks.retain(|b| match b {
            Block::Paragraph { text, .. } => {
                let key = fold_whitespace(text);
                pages_with.get(&key).copied().unwrap_or(0) < REPEATED_BLOCK_MIN_PAGES
                    || kept.insert(key)
            }
            Block::Heading { .. } => true,
        });
        repeated += before - page.blocks.len();
    }
    (repeated, echoes)
}

/// One warning for a group of skipped files: the count and the first few names.
fn skipped_warning(what: &str, names: &[String]) -> Option<String> {
    let (first, rest) = names.split_at(names.len().min(SKIPPED_NAMES_SHOWN));
    let (&[_, ..], count) = (first, names.len()) else {
        return None;
    };
    let mut line = format!(
        "{count} file{} {what}, skipped: {}",
        if count == 1 { "" } else { "s" },
        first.join(", ")
    );
    if !rest.is_empty() {
        line.push_str(&format!(" and {} more", rest.len()));
    }
    Some(line)
}

/// [`read_corpus`] with explicit options (`build.rs` passes the file's and the environment's).
pub fn read_corpus_with(dir: &Path, options: &CorpusOptions) -> Result<Corpus, CorpusError> {
    if !dir.is_dir() {
        return Err(CorpusError::MissingFolder(dir.to_path_buf()));
    }
    let mut files = Vec::new();
    collect_files(dir, &mut files)?;
    let mut corpus = Corpus::default();
    let mut read: Vec<(String, Option<String>, Content)> = Vec::new();
    let mut undeclared: Vec<String> = Vec::new();
    for path in files {
        let name = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if !options.selects(&name) {
            corpus.summary.files_excluded += 1;
            continue;
        }
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
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let is_html = matches!(extension.as_str(), "html" | "htm");
        corpus.files.push(path.clone());
        let text = match decode(bytes, is_html) {
            Decoded::Utf8(text) => text,
            Decoded::Declared {
                text,
                encoding,
                replaced,
            } => {
                if replaced {
                    corpus.warnings.push(format!(
                        "{}: bytes that are not valid {encoding} were replaced by U+FFFD",
                        path.display()
                    ));
                }
                text
            }
            Decoded::Undeclared { line } => {
                if options.strict_encoding {
                    return Err(CorpusError::NotUtf8 { path, line });
                }
                undeclared.push(name);
                continue;
            }
        };
        let content = match extension.as_str() {
            "html" | "htm" => {
                Content::Page(crate::html::read_page_filtered(&text, &options.page_filter))
            }
            "md" => Content::Cut(
                cut_document(&text, TextKind::Markdown),
                markdown_title(&text).unwrap_or_default(),
            ),
            _ => Content::Cut(cut_document(&text, TextKind::Plain), String::new()),
        };
        let url = is_html.then(|| url_path(&name));
        read.push((name, url, content));
    }
    let other_titles: Vec<String> = read
        .iter()
        .filter_map(|(_, _, c)| match c {
            Content::Cut(_, title) if !title.is_empty() => Some(title.clone()),
            _ => None,
        })
        .collect();
    let mut pages: Vec<&mut crate::html::Page> = read
        .iter_mut()
        .filter_map(|(_, _, c)| match c {
            Content::Page(page) => Some(page),
            Content::Cut(..) => None,
        })
        .collect();
    let (repeated, echoes) = drop_boilerplate(&mut pages, &other_titles);
    corpus.summary.repeated_blocks_dropped = repeated;
    corpus.summary.title_echoes_dropped = echoes;
    let mut no_text: Vec<String> = Vec::new();
    for (name, url, content) in read {
        let (sections, page_title) = match content {
            Content::Page(page) => (crate::html::sections(&page), page.title.unwrap_or_default()),
            Content::Cut(sections, title) => (sections, title),
        };
        if sections.is_empty() {
            no_text.push(name);
            continue;
        }
        corpus.summary.passages += sections.iter().map(|s| s.passages.len()).sum::<usize>();
        corpus.docs.push(SourceDoc {
            name,
            sections,
            url,
            page_title,
        });
    }
    corpus.summary.pages = corpus.docs.len();
    corpus.summary.files_skipped = no_text.len() + undeclared.len();
    corpus
        .warnings
        .extend(skipped_warning("with no text", &no_text));
    corpus.warnings.extend(skipped_warning(
        "not UTF-8 and declaring no encoding (convert them, declare <meta charset> in HTML, or set strict_encoding = true to stop instead)",
        &undeclared,
    ));
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
        line: first_bad_line(e.as_bytes(), e.utf8_error().valid_up_to()),
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
    /// [`Links::encode`] of the sources' URLs, the titles' anchors and the pages' titles.
    links: Vec<u8>,
    /// [`encode_title_parents`] ([`title_parents`]).
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
        title_parents,
        passage_links,
        numbering,
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
        title_parents,
        passage_links,
        numbering,
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
