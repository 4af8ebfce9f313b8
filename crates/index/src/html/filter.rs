//! What a site owner leaves out of every page: elements marked [`IGNORE_ATTRIBUTE`], elements
//! matching an exclude selector (CSS, parsed by the `selectors` engine browsers use), and,
//! when a page marks [`BODY_ATTRIBUTE`] anywhere, everything outside the marked elements.

/// Marks the part of a page to index: when any element of a page has it, only the content of
/// such elements is read (like Pagefind's `data-pagefind-body`).
pub(crate) const BODY_ATTRIBUTE: &str = "data-zh-search-body";
/// Marks an element whose content (and everything inside it) is never read.
pub(crate) const IGNORE_ATTRIBUTE: &str = "data-zh-search-ignore";

/// A CSS selector a site owner gave, parsed by the `selectors` engine (as browsers do).
#[derive(Clone, Debug)]
pub(crate) struct ExcludeSelector {
    pub(super) selector: scraper::Selector,
}

impl ExcludeSelector {
    /// Parses one selector (a selector list such as `.a, .b` is fine).
    pub(crate) fn parse(source: &str) -> Result<ExcludeSelector, SelectorError> {
        let trimmed = source.trim();
        if trimmed.is_empty() {
            return Err(SelectorError::Empty);
        }
        scraper::Selector::parse(trimmed)
            .map(|selector| ExcludeSelector { selector })
            .map_err(|e| SelectorError::Invalid(e.to_string()))
    }
}

/// Why a site owner's exclude selector was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelectorError {
    /// Nothing but whitespace.
    Empty,
    /// The `selectors` parser's explanation of what it could not read.
    Invalid(String),
}

impl std::fmt::Display for SelectorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SelectorError::Empty => f.write_str("empty selector"),
            SelectorError::Invalid(explanation) => f.write_str(explanation),
        }
    }
}

impl std::error::Error for SelectorError {}

/// What a site owner left out of every page: elements matching any of `exclude` are skipped
/// with their content, like those marked [`IGNORE_ATTRIBUTE`].
#[derive(Clone, Debug, Default)]
pub(crate) struct PageFilter {
    pub exclude: Vec<ExcludeSelector>,
}
