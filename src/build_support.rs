//! The two external data sources of index building, wired up for `build.rs` and for tests that
//! build fixture indexes natively (`#[path]`-included by both; not part of the library, so the
//! wasm module never links jieba or the conversion table).
// Each includer uses a different subset of these helpers.
#![allow(dead_code)]

/// Word discovery with jieba in search mode: `(word, known)` pairs, HMM on for names and new
/// words (not `known`: the builder keeps only those that recur).
pub fn jieba_discoverer() -> impl FnMut(&str) -> Vec<(String, bool)> {
    jieba_discoverer_with(&[])
}

/// [`jieba_discoverer`] with a user dictionary loaded first: `(word, frequency, tag)` entries
/// (`builder::UserWord`, already folded like the corpus). Like jieba's own `load_userdict`,
/// a word without a frequency gets the one that makes jieba keep it whole.
pub fn jieba_discoverer_with(
    user_words: &[(String, Option<usize>, Option<String>)],
) -> impl FnMut(&str) -> Vec<(String, bool)> {
    let mut jieba = jieba_rs::Jieba::new();
    for (word, freq, tag) in user_words {
        jieba.add_word(word, *freq, tag.as_deref());
    }
    move |text: &str| {
        let tokens = jieba.cut_for_search(text, true);
        tokens
            .into_iter()
            .map(|token| (token.word.to_string(), jieba.has_word(token.word)))
            .collect()
    }
}

/// Traditional → simplified for one character (fast2s, OpenCC's character table).
pub fn to_simplified(c: char) -> Option<char> {
    let converted = fast2s::convert(c.encode_utf8(&mut [0; 4]));
    let mut chars = converted.chars();
    match (chars.next(), chars.next()) {
        (Some(s), None) if s != c => Some(s),
        _ => None,
    }
}
