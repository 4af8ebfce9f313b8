//! The command line: `zh-search index <SITE_DIR> --out <OUT_DIR> [--dict FILE] [--base-url URL]
//! [--layout auto|scan|grams]`, `--help`, `--version`. Flags override what the site's
//! `zh-search.toml` and the `ZH_SEARCH_*` variables say (`zh_search_index::Options::load`).

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

pub const USAGE: &str = "\
zh-search: Chinese full-text search for static sites, in the reader's browser.

Usage:
  zh-search index <SITE_DIR> --out <OUT_DIR> [--dict FILE] [--base-url URL] [--layout LAYOUT] [--shards WHEN]
  zh-search --help | --version

index   Indexes the .html/.md/.txt files of SITE_DIR and writes OUT_DIR: the folder to copy to
        your server (the <zh-search> element, its engine, the index, an example page, types).
        SITE_DIR/zh-search.toml and the ZH_SEARCH_* environment variables are read as by the
        build; these flags override them:
  --out DIR        where the folder goes (replaced whole; refused if it holds other files)
  --dict FILE      a jieba user dictionary (ZH_SEARCH_DICT)
  --base-url URL   where the indexed pages are served, for the links of results: /, /docs/,
                   https://example.com/docs/ (default /; the element's base attribute wins)
  --layout LAYOUT  auto (default: by size), scan or grams (ZH_SEARCH_LAYOUT)
  --shards WHEN    auto (default: when the index is large), on or off: split the index into
                   a small root file and shard files each search fetches only as it needs
";

/// What was asked.
#[derive(Debug, PartialEq)]
pub enum Command {
    Index(IndexArgs),
    Help,
    Version,
}

/// The arguments of `index`.
#[derive(Debug, Default, PartialEq)]
pub struct IndexArgs {
    pub site: PathBuf,
    pub out: PathBuf,
    pub dict: Option<PathBuf>,
    pub base_url: Option<String>,
    pub layout: Option<String>,
    /// `--shards`: `None` (auto: by size), `Some(true)` or `Some(false)`.
    pub shards: Option<bool>,
}

/// A command line that does not say what to do.
#[derive(Debug, PartialEq)]
pub enum UsageError {
    NoCommand,
    UnknownCommand(String),
    UnknownFlag(String),
    MissingValue(&'static str),
    MissingSite,
    MissingOut,
    ExtraArgument(String),
    Repeated(&'static str),
    BadLayout(String),
    BadShards(String),
    BadBaseUrl(String),
    NotUnicode(&'static str),
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UsageError::NoCommand => write!(f, "no command: try zh-search index SITE_DIR --out OUT_DIR"),
            UsageError::UnknownCommand(c) => write!(f, "unknown command {c:?}: the command is index (see zh-search --help)"),
            UsageError::UnknownFlag(flag) => write!(f, "unknown option {flag:?} (see zh-search --help)"),
            UsageError::MissingValue(flag) => write!(f, "{flag} needs a value"),
            UsageError::MissingSite => write!(f, "index needs the site folder: zh-search index SITE_DIR --out OUT_DIR"),
            UsageError::MissingOut => write!(f, "index needs --out OUT_DIR, the folder to write"),
            UsageError::ExtraArgument(a) => write!(f, "unexpected argument {a:?}: index takes one site folder"),
            UsageError::Repeated(flag) => write!(f, "{flag} is given twice"),
            UsageError::BadLayout(l) => write!(f, "--layout {l:?}: expected auto, scan or grams"),
            UsageError::BadShards(w) => write!(f, "--shards {w:?}: expected auto, on or off"),
            UsageError::BadBaseUrl(u) => write!(
                f,
                "--base-url {u:?}: expected a path starting with / (e.g. /docs/) or an http(s):// URL"
            ),
            UsageError::NotUnicode(what) => write!(f, "{what} is not valid Unicode"),
        }
    }
}

impl std::error::Error for UsageError {}

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, UsageError> {
    let mut args = args.into_iter();
    let command = match args.next() {
        None => return Err(UsageError::NoCommand),
        Some(c) => c
            .into_string()
            .map_err(|_| UsageError::NotUnicode("the command"))?,
    };
    match command.as_str() {
        "-h" | "--help" | "help" => return Ok(Command::Help),
        "-V" | "--version" => return Ok(Command::Version),
        "index" => {}
        _ => return Err(UsageError::UnknownCommand(command)),
    }
    let mut index = IndexArgs::default();
    let (mut site, mut out) = (None, None);
    let mut shards_seen = false;
    while let Some(arg) = args.next() {
        let Some(text) = arg.to_str() else {
            let shown = arg.to_string_lossy().into_owned();
            set(&mut site, PathBuf::from(arg), "SITE_DIR", |_| {
                UsageError::ExtraArgument(shown)
            })?;
            continue;
        };
        if text == "-h" || text == "--help" {
            return Ok(Command::Help);
        }
        if !text.starts_with("--") || text == "--" {
            let text = text.to_string();
            set(&mut site, PathBuf::from(arg), "SITE_DIR", |_| {
                UsageError::ExtraArgument(text.clone())
            })?;
            continue;
        }
        let (flag, inline) = match text.split_once('=') {
            Some((flag, value)) => (flag.to_string(), Some(OsString::from(value))),
            None => (text.to_string(), None),
        };
        let name: &'static str = match flag.as_str() {
            "--out" => "--out",
            "--dict" => "--dict",
            "--base-url" => "--base-url",
            "--layout" => "--layout",
            "--shards" => "--shards",
            _ => return Err(UsageError::UnknownFlag(flag)),
        };
        let value = match inline {
            Some(value) => value,
            None => args.next().ok_or(UsageError::MissingValue(name))?,
        };
        if value.is_empty() {
            return Err(UsageError::MissingValue(name));
        }
        let repeated = |_| UsageError::Repeated(name);
        match name {
            "--out" => set(&mut out, PathBuf::from(value), name, repeated)?,
            "--dict" => set(&mut index.dict, PathBuf::from(value), name, repeated)?,
            "--base-url" => {
                let url = value
                    .into_string()
                    .map_err(|_| UsageError::NotUnicode("--base-url"))?;
                check_base_url(&url)?;
                set(&mut index.base_url, url, name, repeated)?
            }
            "--shards" => {
                let when = value
                    .into_string()
                    .map_err(|_| UsageError::NotUnicode("--shards"))?;
                let shards = match when.as_str() {
                    "auto" => None,
                    "on" => Some(true),
                    "off" => Some(false),
                    _ => return Err(UsageError::BadShards(when)),
                };
                if shards_seen {
                    return Err(UsageError::Repeated(name));
                }
                shards_seen = true;
                index.shards = shards;
            }
            _ => {
                let layout = value
                    .into_string()
                    .map_err(|_| UsageError::NotUnicode("--layout"))?;
                if !matches!(layout.as_str(), "auto" | "scan" | "grams") {
                    return Err(UsageError::BadLayout(layout));
                }
                set(&mut index.layout, layout, name, repeated)?
            }
        }
    }
    index.site = site.ok_or(UsageError::MissingSite)?;
    index.out = out.ok_or(UsageError::MissingOut)?;
    Ok(Command::Index(index))
}

fn set<T: fmt::Debug>(
    slot: &mut Option<T>,
    value: T,
    name: &'static str,
    error: impl FnOnce(&'static str) -> UsageError,
) -> Result<(), UsageError> {
    if slot.is_some() {
        return Err(error(name));
    }
    *slot = Some(value);
    Ok(())
}

/// A base URL the element may put in front of the pages' paths: a site path or an http(s)
/// URL, never a `javascript:` or other scheme, no spaces or control characters.
fn check_base_url(url: &str) -> Result<(), UsageError> {
    let lower = url.to_ascii_lowercase();
    let shape_ok = (url.starts_with('/') && !url.starts_with("//"))
        || lower.starts_with("https://")
        || lower.starts_with("http://");
    if shape_ok && !url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        Ok(())
    } else {
        Err(UsageError::BadBaseUrl(url.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(args: &[&str]) -> Result<Command, UsageError> {
        parse(args.iter().map(OsString::from))
    }

    #[test]
    fn index_with_every_flag_in_both_spellings() {
        let expected = Command::Index(IndexArgs {
            site: "site".into(),
            out: "out".into(),
            dict: Some("dict.txt".into()),
            base_url: Some("/docs/".into()),
            layout: Some("grams".into()),
            shards: None,
        });
        let spaced = [
            "index",
            "site",
            "--out",
            "out",
            "--dict",
            "dict.txt",
            "--base-url",
            "/docs/",
            "--layout",
            "grams",
        ];
        assert_eq!(parse_str(&spaced), Ok(expected));
        let joined = [
            "index",
            "--out=out",
            "--dict=dict.txt",
            "site",
            "--base-url=/docs/",
            "--layout=grams",
        ];
        assert_eq!(parse_str(&joined).unwrap(), parse_str(&spaced).unwrap());
    }

    #[test]
    fn flags_are_optional_but_site_and_out_are_not() {
        assert_eq!(
            parse_str(&["index", "s", "--out", "o"]),
            Ok(Command::Index(IndexArgs {
                site: "s".into(),
                out: "o".into(),
                ..Default::default()
            }))
        );
        assert_eq!(
            parse_str(&["index", "--out", "o"]),
            Err(UsageError::MissingSite)
        );
        assert_eq!(parse_str(&["index", "s"]), Err(UsageError::MissingOut));
        assert_eq!(
            parse_str(&["index", "s", "--out"]),
            Err(UsageError::MissingValue("--out"))
        );
        assert_eq!(
            parse_str(&["index", "s", "--out="]),
            Err(UsageError::MissingValue("--out"))
        );
    }

    #[test]
    fn mistakes_are_named() {
        assert_eq!(parse_str(&[]), Err(UsageError::NoCommand));
        assert_eq!(
            parse_str(&["build"]),
            Err(UsageError::UnknownCommand("build".into()))
        );
        assert_eq!(
            parse_str(&["index", "s", "--out", "o", "--fast"]),
            Err(UsageError::UnknownFlag("--fast".into()))
        );
        assert_eq!(
            parse_str(&["index", "s", "t", "--out", "o"]),
            Err(UsageError::ExtraArgument("t".into()))
        );
        assert_eq!(
            parse_str(&["index", "s", "--out", "o", "--out", "p"]),
            Err(UsageError::Repeated("--out"))
        );
        assert_eq!(
            parse_str(&["index", "s", "--out", "o", "--layout", "fast"]),
            Err(UsageError::BadLayout("fast".into()))
        );
        for bad in [
            "javascript:alert(1)",
            "docs/",
            "//evil.example/",
            "/a b/",
            "ftp://x/",
        ] {
            assert_eq!(
                parse_str(&["index", "s", "--out", "o", "--base-url", bad]),
                Err(UsageError::BadBaseUrl(bad.into())),
                "{bad}"
            );
        }
        for good in [
            "/",
            "/docs/",
            "https://example.com/docs/",
            "HTTP://example.com",
        ] {
            assert!(
                parse_str(&["index", "s", "--out", "o", "--base-url", good]).is_ok(),
                "{good}"
            );
        }
    }

    #[test]
    fn help_and_version() {
        assert_eq!(parse_str(&["--help"]), Ok(Command::Help));
        assert_eq!(parse_str(&["index", "--help"]), Ok(Command::Help));
        assert_eq!(parse_str(&["--version"]), Ok(Command::Version));
    }
}
