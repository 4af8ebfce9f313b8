//! Reading a corpus folder: every `.txt`, `.md`, `.html` and `.htm` file under it, in path
//! order, selected by the [`CorpusOptions`]' globs, decoded ([`crate::decode`]), cut into
//! sections (text and Markdown by [`crate::passage`], pages by [`crate::html`]) after the
//! pages' boilerplate is dropped across the site ([`crate::boilerplate`]). A file that cannot
//! be indexed is either skipped with a warning naming it or stops the build with a
//! [`CorpusError`] that says what to do.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::boilerplate::drop_boilerplate;
use crate::decode::{decode, Decoded};
use crate::html::{Page, SelectorError};
use crate::options::CorpusOptions;
use crate::passage::{cut_document, markdown_title, Section, TextKind};

/// Corpus files larger than this are refused (the whole index ships inside the wasm module).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// File extensions that are indexed (case-insensitively).
pub(crate) const EXTENSIONS: [&str; 4] = ["txt", "md", "html", "htm"];

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

/// The name of the file at `path` in the corpus folder `dir`, as documents and hits carry it:
/// the path relative to `dir`, with `/` separators.
pub fn corpus_name(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
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

/// Skipped files named in the one summary warning (the rest are counted).
pub(crate) const SKIPPED_NAMES_SHOWN: usize = 5;

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
    Config {
        path: PathBuf,
        reason: ConfigProblem,
    },
    /// A CSS selector (from `origin`: the config file or an environment variable) does not
    /// parse.
    BadSelector {
        origin: String,
        selector: String,
        reason: SelectorError,
    },
    /// A file glob does not parse.
    BadGlob {
        origin: String,
        pattern: String,
        error: globset::Error,
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
                error,
            } => write!(
                f,
                "{origin}: file pattern {pattern:?} is not a valid glob: {}",
                error.kind()
            ),
            CorpusError::BadEnv {
                var,
                value,
                expected,
            } => write!(f, "{var}={value:?}: expected {expected}"),
        }
    }
}

impl std::error::Error for CorpusError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CorpusError::Io { error, .. } => Some(error),
            CorpusError::BadSelector { reason, .. } => Some(reason),
            CorpusError::BadGlob { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// What is wrong with a [`crate::CONFIG_FILE`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigProblem {
    /// The file is not UTF-8 (TOML is).
    NotUtf8,
    /// The TOML parser's explanation (on one line): bad syntax, an unknown key or a value of
    /// the wrong type.
    Invalid(String),
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigProblem::NotUtf8 => f.write_str("not UTF-8"),
            ConfigProblem::Invalid(explanation) => f.write_str(explanation),
        }
    }
}

/// What the build did with the corpus, for the one summary line the site owner sees.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CorpusSummary {
    /// Files indexed.
    pub pages: usize,
    pub passages: usize,
    /// Paragraphs dropped because the same text is on at least `REPEATED_BLOCK_MIN_PAGES`
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

/// Reads every `.txt`/`.md`/`.html`/`.htm` file under `dir` (recursively, in path order), with
/// the options of the folder's own [`crate::CONFIG_FILE`] (the environment is not read here).
pub fn read_corpus(dir: &Path) -> Result<Corpus, CorpusError> {
    if !dir.is_dir() {
        return Err(CorpusError::MissingFolder(dir.to_path_buf()));
    }
    let options = CorpusOptions::load(dir, &|_| None)?;
    read_corpus_with(dir, &options)
}

/// A file read, before pages are filtered against each other.
enum Content {
    Page(Page),
    Cut(Vec<Section>, String),
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
        let name = corpus_name(dir, &path);
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
    let mut pages: Vec<&mut Page> = read
        .iter_mut()
        .filter_map(|(_, _, c)| match c {
            Content::Page(page) => Some(page),
            Content::Cut(..) => None,
        })
        .collect();
    let dropped = drop_boilerplate(&mut pages, &other_titles);
    corpus.summary.repeated_blocks_dropped = dropped.repeated_blocks;
    corpus.summary.title_echoes_dropped = dropped.title_echoes;
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
