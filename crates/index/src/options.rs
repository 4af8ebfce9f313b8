//! What a build is told, besides the corpus files: the index [`Layout`], and the site owner's
//! choices of what to read ([`CorpusOptions`]) from the folder's [`CONFIG_FILE`] and the
//! `ZH_SEARCH_*` environment variables, which add to the file. Everything here is checked when
//! it is loaded, so a bad selector, glob or value stops the build before any file is read.

use std::fmt;
use std::path::Path;

use crate::corpus::{ConfigProblem, CorpusError};
use crate::html::{ExcludeSelector, PageFilter};

/// How matching finds candidate passages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Layout {
    /// [`Layout::Scan`] up to `SCAN_MODE_MAX_KEY_BYTES` of match keys, [`Layout::Grams`] above.
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
    pub(crate) page_filter: PageFilter,
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
                error: e,
            })?;
        builder.add(glob);
    }
    builder.build().map(Some).map_err(|e| CorpusError::BadGlob {
        origin: "file patterns".to_string(),
        pattern: String::new(),
        error: e,
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
                    reason: ConfigProblem::NotUtf8,
                })?;
                toml::from_str(&text).map_err(|e| CorpusError::Config {
                    path: path.clone(),
                    reason: ConfigProblem::Invalid(e.to_string().trim_end().replace('\n', " ")),
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
            let parsed =
                ExcludeSelector::parse(&selector).map_err(|reason| CorpusError::BadSelector {
                    origin,
                    selector: selector.clone(),
                    reason,
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
