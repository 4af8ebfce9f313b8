//! Why a run stopped, each with the one line the CLI prints.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use zh_search_core::format::FormatError;
use zh_search_index::BuildError;

use crate::args::UsageError;

#[derive(Debug)]
pub enum CliError {
    Usage(UsageError),
    /// The binary was built without `ZH_SEARCH_ENGINE_DIR`.
    NoEngine,
    /// The element bundle embedded at build time has no file-name placeholder.
    ElementWithoutMarker,
    /// The site folder is missing or is not a folder.
    SiteNotFolder(PathBuf),
    /// `--out` is the site folder or holds it.
    OutHoldsSite {
        out: PathBuf,
        site: PathBuf,
    },
    /// `--out` is a file.
    OutNotFolder(PathBuf),
    /// `--out` is a folder with other things than a zh-search folder's files.
    OutNotOurs {
        dir: PathBuf,
        entry: PathBuf,
    },
    /// The indexer stopped (unreadable corpus, bad config, bad dictionary).
    Build(BuildError),
    /// The index just built does not open or split (a bug: please report it).
    Index(FormatError),
    /// `--shards on` with `--layout scan`.
    ShardsNeedGrams,
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

impl CliError {
    pub fn io(action: &'static str, path: &Path, source: io::Error) -> CliError {
        CliError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(e) => e.fmt(f),
            CliError::Index(e) => write!(f, "the index just built cannot be written: {e} (a bug: please report it)"),
            CliError::ShardsNeedGrams => write!(
                f,
                "--shards on needs the gram layout (the scan layout reads every text at the first search): drop --layout scan"
            ),
            CliError::NoEngine => write!(
                f,
                "this zh-search binary has no engine inside: build it with make cli (which runs make engine and sets ZH_SEARCH_ENGINE_DIR)"
            ),
            CliError::ElementWithoutMarker => write!(
                f,
                "the element inside this binary has no file-name placeholder: rebuild it with make cli"
            ),
            CliError::SiteNotFolder(site) => {
                write!(f, "the site folder {} does not exist or is not a folder", site.display())
            }
            CliError::OutHoldsSite { out, site } => write!(
                f,
                "--out {} would replace the site folder {}: choose a folder outside it",
                out.display(),
                site.display()
            ),
            CliError::OutNotFolder(out) => {
                write!(f, "--out {}: exists and is not a folder", out.display())
            }
            CliError::OutNotOurs { dir, entry } => write!(
                f,
                "--out {}: not a zh-search folder (it holds {}): choose an empty or new folder, or one this command wrote",
                dir.display(),
                entry.display()
            ),
            CliError::Build(e) => e.fmt(f),
            CliError::Io {
                action,
                path,
                source,
            } => write!(f, "{action} {}: {source}", path.display()),
        }
    }
}

impl std::error::Error for CliError {}

impl From<UsageError> for CliError {
    fn from(e: UsageError) -> CliError {
        CliError::Usage(e)
    }
}

impl From<BuildError> for CliError {
    fn from(e: BuildError) -> CliError {
        CliError::Build(e)
    }
}
