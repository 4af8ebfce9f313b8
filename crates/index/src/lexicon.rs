//! The external data the indexer builds with: jieba's dictionary and segmenter (the
//! vocabulary), OpenCC's traditional → simplified table (fast2s) and pinyin-converter's
//! readings. The index stores what the engine needs of them (the vocabulary, the fold table of
//! the corpus's traditional characters, the readings of its characters), so none of them is in
//! the wasm module. [`crate::build_docs`] wires them up; tests pass their own stand-ins to
//! [`crate::build_index`].

use crate::{DiscoveredWord, UserWord};

/// Word discovery with jieba in search mode, HMM on for names and new words (not
/// [`DiscoveredWord::known`]: the builder keeps only those that recur).
pub fn jieba_discoverer() -> impl FnMut(&str) -> Vec<DiscoveredWord> {
    jieba_discoverer_with(&[])
}

/// [`jieba_discoverer`] with a user dictionary loaded first (its words already folded like
/// the corpus, [`crate::parse_user_dict`]). Like jieba's own `load_userdict`, a word without a
/// frequency gets the one that makes jieba keep it whole.
pub fn jieba_discoverer_with(user_words: &[UserWord]) -> impl FnMut(&str) -> Vec<DiscoveredWord> {
    let mut jieba = jieba_rs::Jieba::new();
    for UserWord { word, freq, tag } in user_words {
        jieba.add_word(word, *freq, tag.as_deref());
    }
    move |text: &str| {
        let tokens = jieba.cut_for_search(text, true);
        tokens
            .into_iter()
            .map(|token| DiscoveredWord {
                word: token.word.to_string(),
                known: jieba.has_word(token.word),
            })
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

/// Starts loading pinyin-converter's tables on a thread of their own, so that they are ready
/// when [`pinyin_reading`] is first asked, after the corpus is read and segmented: its phrase
/// matcher is built on first use from the whole phrase list, most of a small site's build time.
/// Nothing to wait for: the first reading waits for the load if it has not finished.
pub fn load_readings_in_background() {
    std::thread::spawn(|| pinyin_reading("银行"));
}

/// The toneless pinyin of a word or character (`"yin hang"` for 银行: word readings first, so
/// polyphones get the reading the word has), from pinyin-converter's built-in dictionary
/// (mozillazg/pinyin-data plus its phrase list); `ü` is written `v`. `None` when it has none.
/// A word without polyphonic characters reads as its characters do, so only words with one
/// are looked up as words (the lookup costs ~50 µs; the vocabulary of a large corpus has
/// ~100,000 words).
pub fn pinyin_reading(text: &str) -> Option<String> {
    let mut chars = text.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return char_reading(c).0;
    }
    let mut readings = Vec::new();
    for c in text.chars() {
        let (reading, polyphonic) = char_reading(c);
        if polyphonic {
            return valid_reading(pinyin::Converter::new(text).without_tone().to_string());
        }
        readings.push(reading?);
    }
    Some(readings.join(" "))
}

/// A character's usual toneless reading, and whether it has others (cached).
fn char_reading(c: char) -> (Option<String>, bool) {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static CACHE: RefCell<HashMap<char, (Option<String>, bool)>> = RefCell::new(HashMap::new());
    }
    if let Some(hit) = CACHE.with(|cache| cache.borrow().get(&c).cloned()) {
        return hit;
    }
    let text = c.to_string();
    let usual = valid_reading(
        pinyin::Converter::new(text.as_str())
            .without_tone()
            .to_string(),
    );
    let mut all: Vec<String> = pinyin::Pinyin::heteronym(&text)
        .into_iter()
        .flat_map(|(_, readings)| readings)
        .map(|r| without_tone(&r))
        .collect();
    all.sort();
    all.dedup();
    let entry = (usual, all.len() > 1);
    CACHE.with(|cache| cache.borrow_mut().insert(c, entry.clone()));
    entry
}

fn valid_reading(reading: String) -> Option<String> {
    let valid = !reading.is_empty()
        && reading
            .split(' ')
            .all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase()));
    valid.then_some(reading)
}

/// `háng` → `hang`, `lǜ` → `lv`.
fn without_tone(reading: &str) -> String {
    reading
        .chars()
        .map(|c| match c {
            'ā' | 'á' | 'ǎ' | 'à' => 'a',
            'ē' | 'é' | 'ě' | 'è' | 'ê' => 'e',
            'ī' | 'í' | 'ǐ' | 'ì' => 'i',
            'ō' | 'ó' | 'ǒ' | 'ò' => 'o',
            'ū' | 'ú' | 'ǔ' | 'ù' => 'u',
            'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' | 'ü' => 'v',
            'ń' | 'ň' | 'ǹ' => 'n',
            'ḿ' => 'm',
            c => c,
        })
        .collect()
}
