//! Query parsing: what the reader typed → folded terms.
//!
//! * The query is cut to [`MAX_QUERY_CHARS`] characters (longer input is not an error; the
//!   rest is ignored) and digit gaps are repaired exactly as in the corpus.
//! * Whitespace (ASCII or ideographic) separates terms; all terms must match (AND).
//! * Text between quotes (`"…"`, `“…”`, `「…」`, `＂…＂`) is one exact phrase, inner spaces
//!   included. A quote left open runs to the end of the query (so a phrase being typed already
//!   searches).
//! * Every term is folded with the index's own normaliser (`normalize::match_key`), so
//!   `國家`, `ＮＱＩ` and `NQI` become `国家`, `nqi`, `nqi`. Terms with nothing indexable in
//!   them (only punctuation such as `*` or `-`) are dropped; duplicates are dropped; at most
//!   [`MAX_TERMS`] terms are kept.

use crate::format::FoldTable;
use crate::normalize::{fold_text, repair_number_gaps};
use crate::tokenize::{term_grams, GramQuery};

/// Characters of the query that are read; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 256;
/// Terms beyond this are ignored.
pub const MAX_TERMS: usize = 16;

/// One query term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    /// The folded match key the passage must contain.
    pub key: String,
    /// Written in quotes: matched exactly, never relaxed to a partial match.
    pub phrase: bool,
    /// The grams whose postings locate candidate passages.
    pub grams: Vec<GramQuery>,
    /// Matches whole words only (a Latin word the corpus has, see `search`): `cp` finds the
    /// command, not the start of `cpu`. The parser never sets it; the engine does.
    pub whole_word: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    pub terms: Vec<Term>,
}

impl ParsedQuery {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '「' | '」' | '＂' | '„')
}

/// Splits raw query text into `(text, is_phrase)` pieces.
fn split_raw(query: &str) -> Vec<(String, bool)> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut in_phrase = false;
    for c in query.chars() {
        if is_quote(c) {
            if !current.trim().is_empty() {
                pieces.push((std::mem::take(&mut current), in_phrase));
            }
            current.clear();
            in_phrase = !in_phrase;
        } else if !in_phrase && c.is_whitespace() {
            if !current.is_empty() {
                pieces.push((std::mem::take(&mut current), false));
            }
        } else {
            current.push(c);
        }
    }
    if !current.trim().is_empty() {
        pieces.push((current, in_phrase));
    }
    pieces
}

/// Parses a query with the index's fold table.
pub fn parse_query(query: &str, fold: &FoldTable<'_>) -> ParsedQuery {
    let capped: String = query.chars().take(MAX_QUERY_CHARS).collect();
    let repaired = repair_number_gaps(&capped);
    let mut terms: Vec<Term> = Vec::new();
    for (text, phrase) in split_raw(&repaired) {
        let key = fold_text(&text, fold);
        let grams = term_grams(&key);
        if grams.is_empty() || terms.iter().any(|t| t.key == key) {
            continue;
        }
        terms.push(Term {
            key,
            phrase,
            grams,
            whole_word: false,
        });
        if terms.len() == MAX_TERMS {
            break;
        }
    }
    ParsedQuery { terms }
}

/// Question words a reader puts around what they ask (`如何`制作 Debian 软件包, 防火墙`是什么`),
/// longest first. At the start or end of an unquoted term they name no topic, and the passage
/// that answers the question rarely repeats them.
const QUESTION_WORDS: [&str; 14] = [
    "是什么",
    "怎么样",
    "为什么",
    "怎么",
    "怎样",
    "如何",
    "为何",
    "什么",
    "哪些",
    "哪个",
    "是否",
    "能否",
    "吗",
    "呢",
];

/// The terms of a question without the question words at their edges ([`QUESTION_WORDS`]):
/// `如何制作` → `制作`. What is left is two characters at least; quoted phrases stay as
/// they are. Every passage that holds the term as typed still holds what is left of it, so
/// this only widens the matches (the engine keeps the typed terms for its heading tiers).
pub fn without_question_words(terms: &[Term]) -> Vec<Term> {
    terms
        .iter()
        .map(|term| {
            if term.phrase {
                return term.clone();
            }
            let mut key = term.key.as_str();
            loop {
                let before = key;
                // What is left must still be a topic of two characters or more: `为什么`
                // is not `为` + `什么`.
                let topic = |rest: &&str| rest.chars().nth(1).is_some();
                for word in QUESTION_WORDS {
                    if let Some(rest) = key.strip_prefix(word).filter(topic) {
                        key = rest;
                    }
                    if let Some(rest) = key.strip_suffix(word).filter(topic) {
                        key = rest;
                    }
                }
                if key == before {
                    break;
                }
            }
            let grams = term_grams(key);
            if key == term.key || grams.is_empty() {
                return term.clone();
            }
            Term {
                key: key.to_string(),
                grams,
                ..term.clone()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_words_at_term_edges_are_dropped() {
        let term = |key: &str, phrase: bool| Term {
            key: key.to_string(),
            phrase,
            grams: term_grams(key),
            whole_word: false,
        };
        for (typed, phrase, left) in [
            ("如何制作", false, "制作"),
            ("怎样编译内核", false, "编译内核"),
            ("防火墙是什么", false, "防火墙"),
            ("为什么", false, "为什么"),
            ("如何制作", true, "如何制作"),
            ("debian", false, "debian"),
            ("哪些软件包吗", false, "软件包"),
            ("制作如何使用", false, "制作如何使用"),
        ] {
            let out = without_question_words(&[term(typed, phrase)]);
            assert_eq!(out[0].key, left, "{typed}");
            assert_eq!(out[0].grams, term_grams(left), "{typed}");
        }
    }

    fn keys(q: &str) -> Vec<(String, bool)> {
        let fold_bytes = FoldTable::encode(&[('國', '国'), ('質', '质'), ('檢', '检')]);
        let fold = FoldTable::new(&fold_bytes).unwrap();
        parse_query(q, &fold)
            .terms
            .into_iter()
            .map(|t| (t.key, t.phrase))
            .collect()
    }

    #[test]
    fn parse_cases() {
        let s = |k: &str, p: bool| (k.to_string(), p);
        assert_eq!(
            keys("健步走 补给站"),
            vec![s("健步走", false), s("补给站", false)]
        );
        assert_eq!(
            keys("健步走\u{3000}补给站"),
            vec![s("健步走", false), s("补给站", false)]
        );
        assert_eq!(
            keys("\"好客山东·好品山东\""),
            vec![s("好客山东·好品山东", true)]
        );
        assert_eq!(keys("“安全 个个”"), vec![s("安全个个", true)]);
        assert_eq!(keys("\"hello world"), vec![s("hello world", true)]);
        assert_eq!(keys("聊城市質檢所"), vec![s("聊城市质检所", false)]);
        assert_eq!(keys("ＮＱＩ"), vec![s("nqi", false)]);
        assert_eq!(keys("2229 . 6万元"), vec![s("2229.6万元", false)]);
        assert_eq!(keys("1 2月1 4日"), vec![s("12月14日", false)]);
        assert_eq!(keys("碳 碳"), vec![s("碳", false)]);
        assert_eq!(keys("* ? ( ) - + \\"), vec![]);
        assert_eq!(keys(""), vec![]);
        assert_eq!(keys("   \u{3000} "), vec![]);
        assert_eq!(keys("\""), vec![]);
        assert_eq!(keys("a\u{0}b"), vec![s("ab", false)]);
    }

    #[test]
    fn long_queries_are_capped() {
        let long = "碳计量 ".repeat(10_000);
        let parsed = keys(&long);
        assert_eq!(parsed.len(), 1);
        let many: String = (0..100).map(|i| format!("w{i} ")).collect();
        assert_eq!(keys(&many).len(), MAX_TERMS);
    }
}
