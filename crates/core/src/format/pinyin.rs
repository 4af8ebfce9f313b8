//! The PinyinChars section: per reading, the ascending list of characters usually read so,
//! each with its number of occurrences in the corpus's match keys, which a PinyinFst value
//! points to. The counts let a one-syllable pinyin query (`bai`) pick the characters it stands
//! for (the most frequent few) from the table alone, without reading any text: a sharded index
//! would otherwise fetch every text that holds one of them.

use super::codec::{read_varint, write_varint};
use super::keymap::KeyMap;
use super::{FormatError, IndexView, Result};

/// One character of a reading's list and its occurrences in the corpus's match keys.
pub type CountedChar = (char, u64);

/// Appends `chars` (ascending by character) to the PinyinChars bytes: varint count, then per
/// character the varint delta of its code point from the previous one (the first from 0) and
/// its varint count. Returns the PinyinFst value for it: the list's offset (the lists are
/// appended in the order of their readings, so the values ascend with the keys and the fst
/// stores them in a few bytes).
pub fn encode_char_list(out: &mut Vec<u8>, chars: &[CountedChar]) -> u64 {
    let value = out.len() as u64;
    write_varint(out, chars.len() as u64);
    let mut previous = 0u32;
    for &(c, count) in chars {
        write_varint(out, u64::from((c as u32).wrapping_sub(previous)));
        write_varint(out, count);
        previous = c as u32;
    }
    value
}

/// The characters (with their counts) of the list a PinyinFst `value` points to, at most
/// `limit` of them.
pub fn decode_char_list(bytes: &[u8], value: u64, limit: usize) -> Result<Vec<CountedChar>> {
    let bad = || FormatError::OutOfBounds {
        what: "pinyin list",
    };
    let mut pos = usize::try_from(value).map_err(|_| bad())?;
    let count = usize::try_from(read_varint(bytes, &mut pos)?).map_err(|_| bad())?;
    // Every character takes at least two bytes.
    if count > bytes.len() / 2 {
        return Err(bad());
    }
    let mut out = Vec::with_capacity(count.min(limit));
    let mut code = 0u32;
    for _ in 0..count.min(limit) {
        let delta = read_varint(bytes, &mut pos)?;
        code = u32::try_from(u64::from(code) + delta)
            .ok()
            .filter(|&c| c <= 0x10FFFF)
            .ok_or(FormatError::OutOfBounds {
                what: "pinyin character",
            })?;
        let c = char::from_u32(code).ok_or(FormatError::OutOfBounds {
            what: "pinyin character",
        })?;
        out.push((c, read_varint(bytes, &mut pos)?));
    }
    Ok(out)
}

/// First byte of a reading pair's key (`\u{7f}ming yue`, see [`reading_pair_key`]), which a
/// sharded index's PinyinFst holds after all its other keys: it sorts above every byte that
/// starts a reading, word or exception key.
pub const READING_PAIR_MARK: u8 = 0x7F;

/// Runs a reading pair's list keeps: the most frequent, as many as a pinyin term may turn into
/// (the engine's alternatives).
pub const READING_PAIR_RUNS: usize = 16;

/// One run of a reading pair's list: its two characters and their occurrences (see
/// [`encode_pair_list`]).
pub type CountedPair = ((char, char), u64);

/// The key of the reading pair `first second`: [`READING_PAIR_MARK`], `first`, a space,
/// `second`. Its list holds the bigrams whose characters are usually read so, each counted
/// where neither character is read otherwise (the sharded layout's `reading_pairs`).
pub fn reading_pair_key(first: &str, second: &str) -> String {
    let mut key = String::with_capacity(first.len() + second.len() + 2);
    key.push(READING_PAIR_MARK as char);
    key.push_str(first);
    key.push(' ');
    key.push_str(second);
    key
}

/// Appends a reading pair's runs (most frequent first) to the area of a sharded PinyinFst's
/// pairs: varint count, then per run the varint code points of its two characters and its
/// varint count. Returns the value for it (the list's offset).
pub fn encode_pair_list(out: &mut Vec<u8>, runs: &[CountedPair]) -> u64 {
    let value = out.len() as u64;
    write_varint(out, runs.len() as u64);
    for &((a, b), count) in runs {
        write_varint(out, u64::from(a as u32));
        write_varint(out, u64::from(b as u32));
        write_varint(out, count);
    }
    value
}

/// The runs of the reading pair list a PinyinFst `value` points to.
pub fn decode_pair_list(bytes: &[u8], value: u64) -> Result<Vec<CountedPair>> {
    let bad = || FormatError::OutOfBounds {
        what: "reading pair list",
    };
    let mut pos = usize::try_from(value).map_err(|_| bad())?;
    let count = read_varint(bytes, &mut pos)?;
    if count > READING_PAIR_RUNS as u64 {
        return Err(bad());
    }
    let mut out = Vec::with_capacity(count as usize);
    // First character, second character, occurrences: one read site (the module is smaller).
    let mut run = [0u64; 3];
    for _ in 0..count {
        for x in &mut run {
            *x = read_varint(bytes, &mut pos)?;
        }
        let char_of = |code: u64| u32::try_from(code).ok().and_then(char::from_u32);
        let (Some(a), Some(b)) = (char_of(run[0]), char_of(run[1])) else {
            return Err(bad());
        };
        out.push(((a, b), run[2]));
    }
    Ok(out)
}

/// A reading exception of the PinyinFst (key `reading^char\0word`, under the character's usual
/// reading): inside `word`, the character is read otherwise than usual (`xing^行\0银行`: 行
/// reads hang there, not xing). `None` for the table's other keys.
pub fn read_otherwise_entry(key: &[u8]) -> Option<(char, Vec<char>)> {
    let caret = key.iter().position(|&b| b == b'^')?;
    if caret == 0 || !key[..caret].iter().all(u8::is_ascii_lowercase) {
        return None;
    }
    let rest = &key[caret + 1..];
    let zero = rest.iter().position(|&b| b == 0)?;
    let c = std::str::from_utf8(&rest[..zero]).ok()?.chars().next()?;
    let word = std::str::from_utf8(&rest[zero + 1..]).ok()?;
    Some((c, word.chars().collect()))
}

/// The key of [`read_otherwise_entry`]'s exception: `usual` is the character's usual reading.
pub fn read_otherwise_key(usual: &str, c: char, word: &str) -> Vec<u8> {
    format!("{usual}^{c}\0{word}").into_bytes()
}

/// Whether the `c` at byte `at` of `text` lies inside one of `words` (`c`'s reading
/// exceptions, see [`read_otherwise_entry`]), wherever `c` stands in the word: a pinyin slot
/// for `c`'s usual reading does not accept it there. The engine's pinyin patterns and the
/// sharded index's usual-reading counts both decide through this.
pub fn inside_word_read_otherwise<'w>(
    text: &str,
    at: usize,
    c: char,
    mut words: impl Iterator<Item = &'w [char]>,
) -> bool {
    words.any(|word| {
        word.iter()
            .enumerate()
            .filter(|(_, &w)| w == c)
            .any(|(k, _)| {
                let before: usize = word[..k].iter().map(|w| w.len_utf8()).sum();
                at.checked_sub(before)
                    .and_then(|start| text.get(start..))
                    .is_some_and(|rest| {
                        let mut chars = rest.chars();
                        word.iter().all(|&w| chars.next() == Some(w))
                    })
            })
    })
}

impl<'a> IndexView<'a> {
    /// The PinyinFst section: readings and reading exceptions (see the module docs of
    /// `format`); a reading's value points into the character lists its entry comes with
    /// ([`decode_char_list`] reads one).
    pub fn pinyin(&self) -> &KeyMap<'a> {
        &self.pinyin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_lists_round_trip_with_their_counts() {
        let lists: [&[CountedChar]; 4] = [
            &[],
            &[('碳', 1)],
            &[('A', 0), ('探', 300), ('谈', u64::from(u32::MAX) + 7)],
            &[
                ('\u{4e00}', 5),
                ('\u{9fa5}', 1),
                ('\u{20000}', 2),
                ('\u{10FFFF}', 9),
            ],
        ];
        let mut bytes = Vec::new();
        let values: Vec<u64> = lists
            .iter()
            .map(|list| encode_char_list(&mut bytes, list))
            .collect();
        for (list, value) in lists.iter().zip(values) {
            assert_eq!(decode_char_list(&bytes, value, usize::MAX).unwrap(), *list);
            let limited = decode_char_list(&bytes, value, 1).unwrap();
            assert_eq!(limited, list[..list.len().min(1)]);
        }
    }

    #[test]
    fn pair_lists_round_trip_and_damage_is_an_error() {
        let runs: Vec<CountedPair> = vec![
            (('明', '月'), 1200),
            (('鸣', '越'), 1),
            (('\u{20000}', 'A'), 0),
        ];
        let mut bytes = vec![7];
        let value = encode_pair_list(&mut bytes, &runs);
        assert_eq!(decode_pair_list(&bytes, value).unwrap(), runs);
        let empty = encode_pair_list(&mut bytes, &[]);
        assert_eq!(decode_pair_list(&bytes, empty).unwrap(), []);
        assert!(decode_pair_list(&bytes[..value as usize + 4], value).is_err());
        // More runs than a list keeps.
        let mut long = Vec::new();
        let v = encode_pair_list(&mut long, &vec![(('a', 'b'), 1); READING_PAIR_RUNS + 1]);
        assert!(decode_pair_list(&long, v).is_err());
        assert_eq!(reading_pair_key("ming", "yue"), "\u{7f}ming yue");
    }

    #[test]
    fn damaged_lists_are_errors() {
        let mut bytes = Vec::new();
        let value = encode_char_list(&mut bytes, &[('碳', 3), ('谈', 4)]);
        // Cut inside the last count, then past the end of the section.
        assert!(decode_char_list(&bytes[..bytes.len() - 1], value, usize::MAX).is_err());
        assert!(decode_char_list(&bytes, value + (1 << 40), usize::MAX).is_err());
        // A delta past the last code point.
        let mut huge = vec![0];
        write_varint(&mut huge, 1);
        write_varint(&mut huge, 0x11_0000);
        write_varint(&mut huge, 1);
        assert!(decode_char_list(&huge, 1, usize::MAX).is_err());
        // A count far beyond the bytes.
        let mut many = Vec::new();
        write_varint(&mut many, u64::from(u32::MAX));
        assert!(decode_char_list(&many, 0, usize::MAX).is_err());
    }
}
