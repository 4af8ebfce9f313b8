//! The index's pinyin table, built from the corpus's characters and vocabulary with a reading
//! function (pinyin-converter's in [`crate::lexicon`]), so the engine matches pinyin queries
//! without a pinyin dictionary of its own.

use std::collections::BTreeMap;

use crate::format::{encode_char_list, read_otherwise_key};
use crate::normalize::is_han;

/// The pinyin sections of an index.
pub(crate) struct PinyinTable {
    /// PinyinFst's keys (a reading, or `~reading\0word`, or `usual^char\0word`) and values.
    pub entries: BTreeMap<Vec<u8>, u64>,
    /// PinyinChars: the character lists the readings' values point into.
    pub chars: Vec<u8>,
}

/// The pinyin table (`format`'s PinyinFst and PinyinChars): every Han character of the match
/// keys under its usual toneless reading (`tan` → 碳谈…) with its number of occurrences there, every vocabulary word whose reading is not its
/// characters' usual readings strung together (`~yin hang\0银行`: 行 is usually xing), and for
/// each such word the characters it reads otherwise (`xing^行\0银行`). Queries match a pinyin
/// syllable against the characters' readings except inside those words, and a run of syllables
/// also against the words, so a polyphone is found under the reading it has in the word.
pub(crate) fn pinyin_entries<'w>(
    keys: &[&String],
    vocab: impl Iterator<Item = &'w str>,
    reading: &dyn Fn(&str) -> Option<String>,
) -> PinyinTable {
    let entry = |reading: &str, text: &str| {
        let mut e = reading.as_bytes().to_vec();
        e.push(0);
        e.extend_from_slice(text.as_bytes());
        e
    };
    let mut occurrences: BTreeMap<char, u64> = BTreeMap::new();
    for c in keys.iter().flat_map(|k| k.chars()).filter(|&c| is_han(c)) {
        *occurrences.entry(c).or_default() += 1;
    }
    let mut usual: BTreeMap<char, String> = BTreeMap::new();
    for &c in occurrences.keys() {
        if let Some(r) = reading(c.encode_utf8(&mut [0; 4])).filter(|r| !r.contains(' ')) {
            usual.insert(c, r);
        }
    }
    let mut by_reading: BTreeMap<&str, Vec<(char, u64)>> = BTreeMap::new();
    for (c, r) in &usual {
        by_reading
            .entry(r.as_str())
            .or_default()
            .push((*c, occurrences[c]));
    }
    let mut chars = Vec::new();
    let mut out: BTreeMap<Vec<u8>, u64> = by_reading
        .iter()
        .map(|(r, list)| (r.as_bytes().to_vec(), encode_char_list(&mut chars, list)))
        .collect();
    for word in vocab {
        let word_chars: Vec<char> = word.chars().collect();
        if word_chars.len() < 2 || !word_chars.iter().all(|&c| is_han(c)) {
            continue;
        }
        let Some(said) = reading(word) else { continue };
        let strung: Option<Vec<&str>> = word_chars
            .iter()
            .map(|c| usual.get(c).map(String::as_str))
            .collect();
        let fits = said.split(' ').count() == word_chars.len();
        let Some(strung) = strung.filter(|s| fits && s.join(" ") != said) else {
            continue;
        };
        out.insert(entry(&format!("~{said}"), word), 0);
        // The characters read otherwise in this word: a query for their usual reading must
        // not match them here (`xing` does not find the 行 of 银行).
        for ((c, usual), in_word) in word_chars.iter().zip(&strung).zip(said.split(' ')) {
            if *usual != in_word {
                out.insert(read_otherwise_key(usual, *c, word), 0);
            }
        }
    }
    PinyinTable {
        entries: out,
        chars,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::decode_char_list;

    #[test]
    fn characters_are_listed_under_their_reading_with_their_occurrences() {
        let reading = |s: &str| -> Option<String> {
            let said: Vec<&str> = s
                .chars()
                .map(|c| match c {
                    '银' => Some("yin"),
                    '行' if s == "银行" => Some("hang"),
                    '行' => Some("xing"),
                    '星' => Some("xing"),
                    _ => None,
                })
                .collect::<Option<_>>()?;
            Some(said.join(" "))
        };
        let (a, b, title) = (
            "银行行星".to_string(),
            "行，行".to_string(),
            "星".to_string(),
        );
        let table = pinyin_entries(&[&a, &b, &title], ["银行"].into_iter(), &reading);
        let list =
            |r: &str| decode_char_list(&table.chars, table.entries[r.as_bytes()], 99).unwrap();
        // Every occurrence in every key (texts and titles), those inside 银行 included.
        // Ascending by character: 星 (U+661F) before 行 (U+884C).
        assert_eq!(list("xing"), [('星', 2), ('行', 4)]);
        assert_eq!(list("yin"), [('银', 1)]);
        assert!(table.entries.contains_key("~yin hang\0银行".as_bytes()));
        assert!(table.entries.contains_key("xing^行\0银行".as_bytes()));
    }
}
