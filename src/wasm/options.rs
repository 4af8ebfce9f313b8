//! The options of `search`, `searchPages` and `suggest` as they arrive from JavaScript, checked
//! and turned into the engine's typed [`SearchOptions`] and suggestion count. Plain Rust (no
//! `JsValue`), so native tests and the fuzz checks exercise exactly what the module runs.

use crate::search::{
    SearchOptions, DEFAULT_LIMIT, DEFAULT_SUGGESTIONS, MAX_LIMIT, MAX_SUGGESTIONS,
};

/// An option value the caller got wrong.
#[derive(Clone, Debug, PartialEq)]
pub enum OptionsError {
    /// Not a finite number (NaN, ±Infinity).
    NotFinite { name: &'static str },
    /// Below zero.
    Negative { name: &'static str },
    /// Present but not a number.
    WrongType { name: &'static str },
}

impl std::fmt::Display for OptionsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OptionsError::NotFinite { name } => write!(f, "options.{name} must be a finite number"),
            OptionsError::Negative { name } => write!(f, "options.{name} must be 0 or more"),
            OptionsError::WrongType { name } => write!(f, "options.{name} must be a number"),
        }
    }
}

impl std::error::Error for OptionsError {}

/// A raw option value as it arrives from JavaScript.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RawOption {
    /// `undefined` or `null`: use the default.
    Missing,
    Number(f64),
    /// Any other type.
    Other,
}

fn count_option(
    name: &'static str,
    raw: RawOption,
    default: usize,
    max: usize,
) -> Result<usize, OptionsError> {
    match raw {
        RawOption::Missing => Ok(default),
        RawOption::Other => Err(OptionsError::WrongType { name }),
        RawOption::Number(v) if !v.is_finite() => Err(OptionsError::NotFinite { name }),
        RawOption::Number(v) if v < 0.0 => Err(OptionsError::Negative { name }),
        RawOption::Number(v) => Ok((v.floor() as usize).min(max)),
    }
}

/// Validates paging options: missing → default; fractions are floored; `limit` above
/// [`MAX_LIMIT`] is clamped; negative, non-finite or non-numeric values are errors.
pub fn search_options(limit: RawOption, offset: RawOption) -> Result<SearchOptions, OptionsError> {
    Ok(SearchOptions {
        limit: count_option("limit", limit, DEFAULT_LIMIT, MAX_LIMIT)?,
        offset: count_option("offset", offset, 0, u32::MAX as usize)?,
    })
}

/// Validates a suggestion count like [`search_options`] (default [`DEFAULT_SUGGESTIONS`], at
/// most [`MAX_SUGGESTIONS`]).
pub fn suggest_limit(raw: RawOption) -> Result<usize, OptionsError> {
    count_option("limit", raw, DEFAULT_SUGGESTIONS, MAX_SUGGESTIONS)
}
