//! The two external data sources of index building, wired up for `build.rs` and for tests that
//! build fixture indexes natively (`#[path]`-included by both; not part of the library, so the
//! wasm module never links jieba or the conversion table).

/// Word discovery with jieba in search mode: `(word, known)` pairs, HMM on for names and new
/// words (not `known`: the builder keeps only those that recur).
pub fn jieba_discoverer() -> impl FnMut(&str) -> Vec<(String, bool)> {
    let jieba = jieba_rs::Jieba::new();
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

/// The toneless pinyin of a word or character (`"yin hang"` for 银行: word readings first, so
/// polyphones get the reading the word has), from pinyin-converter's built-in dictionary
/// (mozillazg/pinyin-data plus its phrase list); `ü` is written `v`. `None` when it has none.
pub fn pinyin_reading(text: &str) -> Option<String> {
    let reading = pinyin::Converter::new(text).without_tone().to_string();
    let valid = !reading.is_empty()
        && reading
            .split(' ')
            .all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase()));
    valid.then_some(reading)
}
