//! The site owner's jieba user dictionary (`ZH_SEARCH_DICT`): words jieba should keep whole
//! (names, brands, jargon), in jieba's own `word [frequency] [tag]` format, folded like the
//! corpus so that they match the text jieba segments. A malformed line stops the build with
//! its line number and what is wrong with it; an entry that loads but cannot fully work is a
//! warning.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::decode::first_bad_line;
use crate::folding::fold_char_for_build;
use crate::tokenize::MAX_WORD_CHARS;

/// One user-dictionary entry for jieba.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserWord {
    /// The word, folded like the corpus text jieba reads.
    pub word: String,
    /// How often jieba should think the word occurs; `None` lets jieba pick the frequency
    /// that keeps it whole.
    pub freq: Option<usize>,
    /// Its part-of-speech tag (`nr`, `nz`, …), when given.
    pub tag: Option<String>,
}

/// A parsed user dictionary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserDict {
    pub words: Vec<UserWord>,
    /// Entries that load but cannot work fully, worth printing.
    pub warnings: Vec<String>,
}

/// What is wrong with one line of a user dictionary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineProblem {
    /// The frequency is 0.
    ZeroFrequency(String),
    /// The frequency field starts like a number but is not a whole number.
    NotAWholeNumber(String),
    /// The second of two fields is neither a frequency nor a tag.
    NeitherFrequencyNorTag(String),
    /// The third field is not a part-of-speech tag.
    NotATag(String),
    /// More than three fields (`count` of them).
    TooManyFields(usize),
    /// The file is not UTF-8 from this line on.
    NotUtf8,
}

impl fmt::Display for LineProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineProblem::ZeroFrequency(field) => {
                write!(f, "frequency {field:?} must be at least 1")
            }
            LineProblem::NotAWholeNumber(field) => {
                write!(f, "frequency {field:?} is not a whole number")
            }
            LineProblem::NeitherFrequencyNorTag(field) => write!(
                f,
                "{field:?} is neither a frequency (a whole number) nor a tag"
            ),
            LineProblem::NotATag(field) => {
                write!(f, "tag {field:?} is not a part-of-speech tag like nr or nz")
            }
            LineProblem::TooManyFields(count) => write!(
                f,
                "{count} fields; expected at most 3 (a word cannot contain spaces)"
            ),
            LineProblem::NotUtf8 => f.write_str("not UTF-8"),
        }
    }
}

/// A user-dictionary line that does not parse: its number (from 1) and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub problem: LineProblem,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

impl std::error::Error for LineError {}

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
        problem: LineProblem,
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
            DictError::Line {
                path,
                line,
                problem,
            } => write!(
                f,
                "{}:{line}: {problem} (user dictionary lines are `word [frequency] [tag]`, as in jieba)",
                path.display()
            ),
        }
    }
}

impl std::error::Error for DictError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DictError::Io { error, .. } => Some(error),
            DictError::Line { .. } => None,
        }
    }
}

/// Parses a jieba user dictionary: one `word [frequency] [tag]` per line, separated by spaces
/// or tabs; blank lines are skipped; a frequency is a whole number ≥ 1, a tag (jieba's
/// part-of-speech, e.g. `nr`) starts with an ASCII letter. Words are folded like the corpus
/// (full-width → half-width, lower case, traditional → simplified) so that they match the text
/// jieba segments.
pub fn parse_user_dict(
    text: &str,
    to_simplified: &dyn Fn(char) -> Option<char>,
) -> Result<UserDict, LineError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let fold = |c| fold_char_for_build(c, to_simplified);
    let is_tag = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let parse_freq = |s: &str| match s.parse::<usize>() {
        Ok(0) => Err(LineProblem::ZeroFrequency(s.to_string())),
        Ok(n) => Ok(n),
        Err(_) => Err(LineProblem::NotAWholeNumber(s.to_string())),
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
            [_, other] => Err(LineProblem::NeitherFrequencyNorTag(other.to_string())),
            [word, freq, tag] if is_tag(tag) => {
                parse_freq(freq).map(|f| (*word, Some(f), Some(*tag)))
            }
            [_, _, tag] => Err(LineProblem::NotATag(tag.to_string())),
            _ => Err(LineProblem::TooManyFields(fields.len())),
        };
        let (word, freq, tag) = entry.map_err(|problem| LineError {
            line: i + 1,
            problem,
        })?;
        let word: String = word.chars().map(fold).collect();
        if word.chars().count() > MAX_WORD_CHARS {
            dict.warnings.push(format!(
                "line {}: {word:?} is longer than {MAX_WORD_CHARS} characters: jieba keeps it whole in the text, but queries are cut into words of at most {MAX_WORD_CHARS}",
                i + 1
            ));
        }
        dict.words.push(UserWord {
            word,
            freq,
            tag: tag.map(str::to_string),
        });
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
        problem: LineProblem::NotUtf8,
    })?;
    parse_user_dict(&text, to_simplified).map_err(|error| DictError::Line {
        path: path.to_path_buf(),
        line: error.line,
        problem: error.problem,
    })
}
