//! zh-search's indexer: a corpus folder (plain text, Markdown, HTML) → the bytes of one index.
//! Native only: jieba, the HTML parser, encodings and the traditional→simplified and pinyin
//! tables stay here, so none of them reaches the wasm module. `build.rs` of the browser engine,
//! the tests, the fuzz targets, the examples and the bench all build through
//! [`build_folder`] (or [`build_docs`] for documents made in memory).
//!
//! The pipeline, one module a step:
//!
//! * `options`: what the build is told (the index layout, `zh-search.toml`, `ZH_SEARCH_*`);
//! * `corpus`: walking the folder and reading its files into documents, with `decode`
//!   (bytes → text: byte-order marks, UTF-8, declared encodings);
//! * `html`: HTML pages → titled sections with anchors, heading paths and link density;
//! * `passage`: cutting OCR'd text and Markdown into titled passages;
//! * `boilerplate`: blocks repeated across pages and title echoes, dropped before passages are cut;
//! * `user_dict`: the site owner's jieba user dictionary;
//! * `lexicon`: the external word, script and reading data (jieba, fast2s, pinyin-converter);
//! * `folding`: build-time character folding and the corpus's fold table;
//! * `assemble`: match keys, vocabulary, postings or word references, and the index bytes;
//! * `pinyin`: the index's pinyin table;
//! * `numbering`: the section numbering at the start of headings (`2.1.`, `第 2 章`).

mod assemble;
mod boilerplate;
mod corpus;
mod decode;
mod folding;
mod html;
pub mod lexicon;
mod numbering;
mod options;
pub mod passage;
mod pinyin;
mod user_dict;

pub use assemble::{build_index, build_vocabulary, DiscoveredWord};
pub use corpus::{
    corpus_name, read_corpus, read_corpus_with, url_path, ConfigProblem, Corpus, CorpusError,
    CorpusSummary, SourceDoc, MAX_FILE_BYTES,
};
pub use html::SelectorError;
pub use numbering::strip_numbering;
pub use options::{
    CorpusOptions, Layout, LayoutError, CONFIG_FILE, ENV_EXCLUDE, ENV_EXCLUDE_SELECTORS,
    ENV_INCLUDE, ENV_STRICT_ENCODING, OPTION_ENV_VARS,
};
pub use user_dict::{
    parse_user_dict, read_user_dict, DictError, LineError, LineProblem, UserDict, UserWord,
};

// The shared modules, under the names the indexer's modules use for them.
use zh_search_core::{format, normalize, tokenize};

use std::fmt;
use std::path::{Path, PathBuf};

/// Names the index layout in the environment (`auto`, `scan`, `grams`).
pub const ENV_LAYOUT: &str = "ZH_SEARCH_LAYOUT";
/// Names a jieba user dictionary in the environment.
pub const ENV_DICT: &str = "ZH_SEARCH_DICT";

/// Everything that decides what [`build_folder`] builds, besides the folder's files.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// What is read from the folder (its `zh-search.toml` and the `ZH_SEARCH_*` variables).
    pub corpus: CorpusOptions,
    /// How matching finds candidate passages ([`Layout::Auto`] decides by size).
    pub layout: Layout,
    /// A jieba user dictionary, loaded before segmentation.
    pub user_dict: Option<PathBuf>,
}

impl Options {
    /// The options a build of `dir` gets from its `zh-search.toml` and from the environment
    /// as `env` reads it (`|name| std::env::var(name).ok()`; tests pass their own): the
    /// corpus options, [`ENV_LAYOUT`] and [`ENV_DICT`] (relative to `base`, where the build
    /// runs).
    pub fn load(
        dir: &Path,
        base: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Options, BuildError> {
        let corpus = CorpusOptions::load(dir, env)?;
        let layout = Layout::from_env_value(env(ENV_LAYOUT).as_deref())?;
        let user_dict = env(ENV_DICT)
            .filter(|path| !path.is_empty())
            .map(|path| base.join(path));
        Ok(Options {
            corpus,
            layout,
            user_dict,
        })
    }

    /// The options of `dir`'s own `zh-search.toml` (the environment is not read), with
    /// `layout`: what tests and tools that build a folder as it stands use.
    pub fn of_folder(dir: &Path, layout: Layout) -> Result<Options, BuildError> {
        Ok(Options {
            corpus: CorpusOptions::load(dir, &|_| None)?,
            layout,
            user_dict: None,
        })
    }

    /// The environment variables [`Options::load`] reads.
    pub fn env_vars() -> impl Iterator<Item = &'static str> {
        OPTION_ENV_VARS.into_iter().chain([ENV_LAYOUT, ENV_DICT])
    }
}

/// An index built from a folder, and what the build has to say about it.
#[derive(Debug)]
pub struct Built {
    /// The index (`zh_search_core::format`).
    pub bytes: Vec<u8>,
    /// Every file the build read (corpus files, skipped ones included; the config file and the
    /// user dictionary when there are), for tools that rebuild when one changes.
    pub inputs: Vec<PathBuf>,
    /// Things worth telling the site owner (skipped files, dictionary entries that cannot work).
    pub warnings: Vec<String>,
    /// What was indexed and dropped, in numbers.
    pub summary: CorpusSummary,
}

/// Why [`build_folder`] built nothing.
#[derive(Debug)]
pub enum BuildError {
    /// The folder, a file in it or its `zh-search.toml` could not be read as a corpus.
    Corpus(CorpusError),
    /// The user dictionary could not be read.
    UserDict(DictError),
    /// An option has a value the indexer does not know.
    Layout(LayoutError),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Corpus(error) => error.fmt(f),
            BuildError::UserDict(error) => error.fmt(f),
            BuildError::Layout(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Corpus(error) => Some(error),
            BuildError::UserDict(error) => Some(error),
            BuildError::Layout(error) => Some(error),
        }
    }
}

impl From<CorpusError> for BuildError {
    fn from(error: CorpusError) -> BuildError {
        BuildError::Corpus(error)
    }
}

impl From<DictError> for BuildError {
    fn from(error: DictError) -> BuildError {
        BuildError::UserDict(error)
    }
}

impl From<LayoutError> for BuildError {
    fn from(error: LayoutError) -> BuildError {
        BuildError::Layout(error)
    }
}

/// Builds the index of a corpus folder: reads it as `options` say ([`read_corpus_with`]),
/// then [`build_docs`]. The one way every caller builds an index from files.
pub fn build_folder(dir: &Path, options: &Options) -> Result<Built, BuildError> {
    lexicon::load_readings_in_background();
    let corpus = read_corpus_with(dir, &options.corpus)?;
    let mut built = build_docs(&corpus.docs, options)?;
    built.inputs.extend(corpus.files);
    let config = dir.join(CONFIG_FILE);
    if config.is_file() {
        built.inputs.push(config);
    }
    built.warnings.splice(0..0, corpus.warnings);
    built.summary = corpus.summary;
    Ok(built)
}

/// Builds the index of documents made in memory with the project's word, script and reading
/// data ([`lexicon`]): jieba (with `options.user_dict`), fast2s, pinyin-converter.
pub fn build_docs(docs: &[SourceDoc], options: &Options) -> Result<Built, BuildError> {
    let mut inputs = Vec::new();
    let mut warnings = Vec::new();
    let user_words = match &options.user_dict {
        Some(path) => {
            let dict = read_user_dict(path, &lexicon::to_simplified)?;
            inputs.push(path.clone());
            warnings.extend(
                dict.warnings
                    .iter()
                    .map(|w| format!("{}: {w}", path.display())),
            );
            dict.words
        }
        None => Vec::new(),
    };
    let bytes = build_index(
        docs,
        &mut lexicon::jieba_discoverer_with(&user_words),
        &lexicon::to_simplified,
        &lexicon::pinyin_reading,
        options.layout,
    );
    Ok(Built {
        bytes,
        inputs,
        warnings,
        summary: CorpusSummary::default(),
    })
}

/// Whether `bytes` hold a scan-layout index (checks the whole file as the engine's open does).
pub fn index_is_scan(bytes: &[u8]) -> Result<bool, zh_search_core::format::FormatError> {
    zh_search_core::format::IndexView::open(bytes).map(|view| view.is_scan())
}
