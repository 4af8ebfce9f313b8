//! Text normalisation shared by the index builder (`build.rs`) and the query side.
//!
//! Matching in zh-search is done on a *match key*: the text folded character by character
//! (full-width → half-width, case-folded, traditional → simplified) with whitespace and
//! invisible characters dropped (a single space survives only between two letters/digits, so
//! `hello world` stays two words while `安全 个个` or an OCR break inside `碳计\n量` does not
//! separate anything). Because every kept character maps to exactly one original character,
//! a match found in the key maps back to an exact span of the original text: highlights are
//! always drawn on the characters the reader sees, even when they typed traditional
//! characters or full-width letters.
//!
//! Both sides call [`match_key`] and [`repair_number_gaps`]; a query can therefore never be
//! normalised differently from the text it should find.

use std::cell::Cell;

use crate::format::FoldTable;

/// What a character is to the tokenizer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CharClass {
    /// Han ideographs and the other space-less scripts (kana, hangul): indexed as bigrams.
    Cjk,
    /// Letters and digits of space-separated scripts: indexed as whole tokens.
    Word,
    /// Whitespace and invisible characters: dropped from match keys.
    Space,
    /// Punctuation and symbols: kept in match keys, never indexed on their own.
    Other,
}

/// Han ideographs (all CJK Unified Ideograph blocks and compatibility blocks), `〇` and `々`.
pub fn is_han(c: char) -> bool {
    let u = c as u32;
    if (0x4E00..=0x9FFF).contains(&u) {
        return true;
    }
    matches!(u,
        0x3005 | 0x3007
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x2A6DF
        | 0x2A700..=0x2EE5F
        | 0x2F800..=0x2FA1F
        | 0x30000..=0x323AF)
}

/// Characters of scripts written without spaces: Han, kana (minus the middle dot) and hangul.
pub fn is_cjk(c: char) -> bool {
    is_han(c)
        || matches!(c as u32, 0x3041..=0x30FA | 0x30FC..=0x30FF | 0x31F0..=0x31FF | 0xAC00..=0xD7AF)
}

/// Zero-width and other invisible formatting characters, treated like whitespace; also U+FFFD,
/// which stands for a character lost before the text reached us (a lone surrogate from JS, a
/// damaged byte) and so can match nothing.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{FFFD}'
    )
}

pub fn char_class(c: char) -> CharClass {
    if is_cjk(c) {
        CharClass::Cjk
    } else if c.is_whitespace() || is_invisible(c) || c.is_control() {
        CharClass::Space
    } else if c.is_alphanumeric() {
        CharClass::Word
    } else {
        CharClass::Other
    }
}

/// Folds one character: full-width ASCII → ASCII, ideographic space → space, simple
/// lower-casing, then traditional → simplified through the index's fold table.
pub fn fold_char(c: char, table: &(impl Simplify + ?Sized)) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let c = fold_width(c);
    let c = fold_case(c);
    table.simplified(c).unwrap_or(c)
}

/// The traditional → simplified step of [`fold_char`]: the index's [`FoldTable`] itself, or a
/// [`DenseFold`] that remembers every character it folded when a whole corpus is folded.
pub trait Simplify {
    fn simplified(&self, c: char) -> Option<char>;

    /// What the folding walk needs of one original character: [`fold_char`], the
    /// [`char_class`] of the result, and whether the result is whitespace.
    fn fold_classified(&self, c: char) -> Folded {
        let folded = fold_char(c, self);
        Folded {
            folded,
            class: char_class(folded),
            whitespace: folded.is_whitespace(),
        }
    }
}

/// One character as the folding walk sees it (see [`Simplify::fold_classified`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Folded {
    pub folded: char,
    pub class: CharClass,
    pub whitespace: bool,
}

impl Simplify for FoldTable<'_> {
    fn simplified(&self, c: char) -> Option<char> {
        self.get(c)
    }
}

/// The fold table with a memo over the Basic Multilingual Plane (256 KB while it lives): each
/// character's [`Folded`] is computed once, at its first occurrence, then read in one load.
/// Folding is most of the scan layout's first search (it folds the whole corpus): for the 57k
/// Tang poems (traditional script, so most characters are looked up and found) the table's
/// binary search, the case fold and std's Unicode class tables were, per character, several
/// times the cost of the load that replaces them.
pub struct DenseFold<'a> {
    /// Per BMP character: 0 while unseen, else [`DenseFold::pack`] of its [`Folded`].
    bmp: Vec<Cell<u32>>,
    table: FoldTable<'a>,
}

impl<'a> DenseFold<'a> {
    /// Set in every filled memo slot (no character reaches bit 31).
    const KNOWN: u32 = 1 << 31;
    const CLASS_SHIFT: u32 = 21;
    const WHITESPACE: u32 = 1 << 23;

    pub fn new(table: FoldTable<'a>) -> DenseFold<'a> {
        DenseFold {
            bmp: vec![Cell::new(0); 0x10000],
            table,
        }
    }

    fn pack(f: Folded) -> u32 {
        let class = match f.class {
            CharClass::Cjk => 0,
            CharClass::Word => 1,
            CharClass::Space => 2,
            CharClass::Other => 3,
        };
        Self::KNOWN
            | f.folded as u32
            | class << Self::CLASS_SHIFT
            | if f.whitespace { Self::WHITESPACE } else { 0 }
    }

    fn unpack(slot: u32) -> Folded {
        let class = match (slot >> Self::CLASS_SHIFT) & 3 {
            0 => CharClass::Cjk,
            1 => CharClass::Word,
            2 => CharClass::Space,
            _ => CharClass::Other,
        };
        Folded {
            // Packed from a char, so always valid; the fallback is never taken.
            folded: char::from_u32(slot & ((1 << Self::CLASS_SHIFT) - 1)).unwrap_or('\u{FFFD}'),
            class,
            whitespace: slot & Self::WHITESPACE != 0,
        }
    }

    /// The memo's miss path, out of line so that the hit path inlines into the folding walk.
    #[cold]
    #[inline(never)]
    fn fill(&self, c: char) -> Folded {
        let folded = self.table.fold_classified(c);
        if let Some(slot) = self.bmp.get(c as usize) {
            slot.set(Self::pack(folded));
        }
        folded
    }
}

impl Simplify for DenseFold<'_> {
    fn simplified(&self, c: char) -> Option<char> {
        self.table.get(c)
    }

    #[inline]
    fn fold_classified(&self, c: char) -> Folded {
        match self.bmp.get(c as usize).map(Cell::get) {
            Some(known) if known != 0 => Self::unpack(known),
            _ => self.fill(c),
        }
    }
}

/// Full-width forms U+FF01–U+FF5E are the ASCII range shifted by 0xFEE0.
pub fn fold_width(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    }
}

/// Lower-cases ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals, one character to
/// one character (keeps the 1:1 mapping between the key and the original text). Computed from
/// the blocks' regular layout rather than std's Unicode tables, which would add ~10 KB of wasm
/// for scripts a Chinese corpus rarely case-folds.
pub fn fold_case(c: char) -> char {
    let u = c as u32;
    let lower = match u {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE | 0x391..=0x3A1 | 0x3A3..=0x3AB | 0x410..=0x42F => {
            u + 0x20
        }
        0x400..=0x40F => u + 0x50,
        0x178 => 0xFF,
        0x100..=0x12F | 0x132..=0x137 | 0x14A..=0x177 if u % 2 == 0 => u + 1,
        0x139..=0x148 | 0x179..=0x17E if u % 2 == 1 => u + 1,
        0x386 => 0x3AC,
        0x388..=0x38A => u + 0x25,
        0x38C => 0x3CC,
        0x38E..=0x38F => u + 0x3F,
        _ => u,
    };
    char::from_u32(lower).unwrap_or(c)
}

/// Joins digits that OCR split with horizontal spaces: `2229 . 6万元` → `2229.6万元`,
/// `1 2月1 4日` → `12月14日`. Line breaks are left alone (see `passage` for those).
pub fn repair_number_gaps(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let is_gap = |c: char| c == ' ' || c == '\t' || c == '\u{3000}';
    let is_point = |c: char| c == '.' || c == '．';
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_gap(c) {
            let mut j = i;
            while j < chars.len() && is_gap(chars[j]) {
                j += 1;
            }
            let before = out.chars().next_back();
            let after = chars.get(j).copied();
            let digit_before = before.is_some_and(|b| b.is_ascii_digit());
            let point_before = before.is_some_and(is_point) && {
                let mut rev = out.chars().rev();
                rev.next();
                rev.next().is_some_and(|b| b.is_ascii_digit())
            };
            let digit_after = after.is_some_and(|a| a.is_ascii_digit());
            let point_after = after.is_some_and(is_point)
                && chars[j + 1..]
                    .iter()
                    .find(|&&x| !is_gap(x))
                    .is_some_and(|x| x.is_ascii_digit());
            let joins =
                (digit_before && (digit_after || point_after)) || (point_before && digit_after);
            if !joins {
                out.extend(&chars[i..j]);
            }
            i = j;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The folded form of a text, with a map from each folded character back to the original.
#[derive(Clone, Debug, Default)]
pub struct Key {
    /// The folded text searched by the engine.
    pub text: String,
    /// For each char of `text`: its byte offset in `text`.
    folded_starts: Vec<u32>,
    /// For each char of `text`: the byte span of the original character it came from.
    original_spans: Vec<(u32, u32)>,
}

impl Key {
    /// Byte span in the original text of the folded byte range `[start, end)`.
    /// `start`/`end` must be char boundaries of `self.text` (as returned by `find`).
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        let first = self.char_index(start);
        let last = self.char_index(end).saturating_sub(1).max(first);
        match (
            self.original_spans.get(first),
            self.original_spans.get(last),
        ) {
            (Some(a), Some(b)) if end > start => (a.0 as usize, b.1 as usize),
            (Some(a), _) => (a.0 as usize, a.0 as usize),
            _ => {
                let end_of_text = self.original_spans.last().map_or(0, |s| s.1 as usize);
                (end_of_text, end_of_text)
            }
        }
    }

    fn char_index(&self, byte: usize) -> usize {
        match self.folded_starts.binary_search(&(byte as u32)) {
            Ok(i) => i,
            Err(i) => i,
        }
    }

    /// See [`find_all`].
    pub fn find_all(&self, needle: &str) -> Vec<(usize, usize)> {
        find_all(&self.text, needle)
    }
}

/// Whether `needle` starts with a letter or digit: then [`find_all`] matches it only where no
/// letter or digit comes right before (word starts; CJK needles match anywhere).
pub fn starts_with_word_char(needle: &str) -> bool {
    needle
        .chars()
        .next()
        .is_some_and(|c| char_class(c) == CharClass::Word)
}

/// Whether the character before byte `at` of `key` is a letter or digit.
pub fn word_char_before(key: &str, at: usize) -> bool {
    key[..at]
        .chars()
        .next_back()
        .is_some_and(|p| char_class(p) == CharClass::Word)
}

/// Every non-overlapping occurrence of `needle` in the match key `key` (both folded), as byte
/// ranges. An occurrence of a needle that begins with a letter/digit only counts at a word
/// start, so `qi` does not match inside `nqi` while `nq` does.
pub fn find_all(key: &str, needle: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    if needle.is_empty() {
        return found;
    }
    let word_start = starts_with_word_char(needle);
    let mut from = 0;
    while let Some(pos) = key.get(from..).and_then(|rest| rest.find(needle)) {
        let start = from + pos;
        let end = start + needle.len();
        if !word_start || !word_char_before(key, start) {
            found.push((start, end));
            from = end;
        } else {
            from = start + key[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    found
}

/// Builds the match key of `original` (see the module docs).
pub fn match_key(original: &str, table: &(impl Simplify + ?Sized)) -> Key {
    let mut key = Key {
        text: String::with_capacity(original.len()),
        folded_starts: Vec::with_capacity(original.len() / 2),
        original_spans: Vec::with_capacity(original.len() / 2),
    };
    fold_each(original, table, |folded, span| {
        key.folded_starts.push(key.text.len() as u32);
        key.original_spans.push(span);
        key.text.push(folded);
    });
    key
}

/// The folding walk behind [`match_key`] and [`fold_text`]: hands every character the key
/// keeps to `keep`, with the byte span of the original character(s) it stands for.
#[inline(always)]
fn fold_each(
    original: &str,
    table: &(impl Simplify + ?Sized),
    mut keep: impl FnMut(char, (u32, u32)),
) {
    let mut last_kept: Option<CharClass> = None;
    let mut pending_space: Option<(u32, u32)> = None;
    for (pos, c) in original.char_indices() {
        let span = (pos as u32, (pos + c.len_utf8()) as u32);
        let Folded {
            folded,
            class,
            whitespace,
        } = table.fold_classified(c);
        if class == CharClass::Space {
            // Only real whitespace separates words; invisible and control characters vanish.
            if whitespace && last_kept == Some(CharClass::Word) && pending_space.is_none() {
                pending_space = Some(span);
            }
            continue;
        }
        if let Some(space) = pending_space.take() {
            if class == CharClass::Word {
                keep(' ', space);
            }
        }
        keep(folded, span);
        last_kept = Some(class);
    }
}

/// Walking `original` in step with its folded key, whose next character is `next`: does `c`
/// have a character in the key? Everything but whitespace and invisible characters does, and a
/// kept space stands for the first whitespace between two words.
fn kept_in_key(c: char, next: char) -> bool {
    char_class(c) != CharClass::Space || (next == ' ' && c.is_whitespace())
}

/// [`match_key`] of `original` when its folded text `key` (= [`fold_text`]`(original)`) is
/// already known: maps the key back by walking both strings in step, without folding again.
/// Folding never changes a character's [`CharClass`] (width, case and script folds keep
/// letters letters and CJK CJK), so the same characters are dropped and the same spaces kept;
/// `tests::key_from_folded_equals_match_key` checks it. A `key` that is not the folded text
/// gives a shorter map, never a panic.
pub fn key_from_folded(original: &str, key: &str) -> Key {
    let mut out = Key {
        text: String::with_capacity(key.len()),
        folded_starts: Vec::with_capacity(key.len() / 2),
        original_spans: Vec::with_capacity(key.len() / 2),
    };
    let mut folded = key.chars().peekable();
    for (pos, c) in original.char_indices() {
        let Some(&next) = folded.peek() else {
            break;
        };
        let span = (pos as u32, (pos + c.len_utf8()) as u32);
        if kept_in_key(c, next) {
            out.folded_starts.push(out.text.len() as u32);
            out.original_spans.push(span);
            out.text.push(next);
            folded.next();
        }
    }
    out
}

/// For non-empty byte ranges of `key` (= [`fold_text`]`(original)`) at char boundaries: the
/// byte ranges of `original` they came from, as [`Key::original_range`] gives them, in one walk
/// that builds no map (hits map a few matches of a passage, not every character).
pub fn original_ranges(
    original: &str,
    key: &str,
    ranges: &[(usize, usize)],
) -> Vec<(usize, usize)> {
    let unset = usize::MAX;
    let mut out = vec![(unset, unset); ranges.len()];
    let mut starts: Vec<(usize, usize)> =
        ranges.iter().enumerate().map(|(i, r)| (r.0, i)).collect();
    let mut ends: Vec<(usize, usize)> = ranges.iter().enumerate().map(|(i, r)| (r.1, i)).collect();
    crate::sort::sort_by(&mut starts, |a, b| a.cmp(b));
    crate::sort::sort_by(&mut ends, |a, b| a.cmp(b));
    let (mut next_start, mut next_end) = (0, 0);
    let mut folded = key.chars().peekable();
    let mut at = 0;
    for (pos, c) in original.char_indices() {
        if next_end == ends.len() {
            break;
        }
        let Some(&next) = folded.peek() else {
            break;
        };
        if !kept_in_key(c, next) {
            continue;
        }
        while starts.get(next_start).is_some_and(|s| s.0 == at) {
            out[starts[next_start].1].0 = pos;
            next_start += 1;
        }
        at += next.len_utf8();
        while ends.get(next_end).is_some_and(|e| e.0 == at) {
            out[ends[next_end].1].1 = pos + c.len_utf8();
            next_end += 1;
        }
        folded.next();
    }
    if out.iter().any(|&(a, b)| a == unset || b == unset || a > b) {
        // Not boundaries of `key`'s characters, or `key` is not `original`'s: the full map
        // answers every case.
        let full = key_from_folded(original, key);
        return ranges
            .iter()
            .map(|&(a, b)| full.original_range(a, b))
            .collect();
    }
    out
}

/// The folded key text alone (no offset map), for index building and query terms.
pub fn fold_text(original: &str, table: &(impl Simplify + ?Sized)) -> String {
    let mut text = String::with_capacity(original.len());
    fold_chars(original, table, |c| text.push(c));
    text
}

/// The characters of [`fold_text`], handed one by one to `keep` (the scan layout writes whole
/// corpora this way, counting characters as it goes).
#[inline]
pub fn fold_chars(original: &str, table: &(impl Simplify + ?Sized), mut keep: impl FnMut(char)) {
    // The same walk as `match_key` without its maps. Inlined into the walk (which calls it
    // from two places): called per character, a corpus-sized fold spent a third of its time
    // in the call (the 57k Tang poems in Node).
    fold_each(
        original,
        table,
        #[inline(always)]
        |folded, _| keep(folded),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> (Vec<u8>, FoldTable<'static>) {
        let bytes = FoldTable::encode(&[('質', '质'), ('檢', '检'), ('國', '国'), ('計', '计')]);
        let leaked: &'static [u8] = Box::leak(bytes.clone().into_boxed_slice());
        (bytes, FoldTable::new(leaked).unwrap())
    }

    #[test]
    fn fold_table_cases() {
        let (_, t) = table();
        let cases = [
            ("聊城市質檢所", "聊城市质检所"),
            ("ＮＱＩ", "nqi"),
            ("NQI", "nqi"),
            ("碳计\n\n量", "碳计量"),
            ("安全 个个", "安全个个"),
            ("hello   world", "hello world"),
            ("hello\n世界", "hello世界"),
            ("a\u{200B}b", "ab"),
            ("國家碳計量", "国家碳计量"),
            ("Ａｂ　ｃ", "ab c"),
            ("ΣΑΣ", "σασ"),
            ("ÉCOLE Ĳ Ÿ Ж Ё", "école ĳ ÿ ж ё"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(fold_text(input, &t), expected, "input {input:?}");
        }
    }

    #[test]
    fn dense_fold_answers_like_the_table() {
        // Below FIRST_FOLDED (never answered), BMP, and beyond the BMP.
        let bytes = FoldTable::encode(&[('A', 'b'), ('質', '质'), ('國', '国'), ('𠁅', '丑')]);
        let table = FoldTable::new(&bytes).unwrap();
        let dense = DenseFold::new(table);
        let mut folded = 0;
        // Twice: the first pass fills the memo, the second reads it.
        for pass in 0..2 {
            for u in (0..0x10000u32).chain(0x1F000..0x20100) {
                let Some(c) = char::from_u32(u) else { continue };
                assert_eq!(dense.simplified(c), table.get(c), "{c:?}");
                assert_eq!(
                    dense.fold_classified(c),
                    table.fold_classified(c),
                    "pass {pass} {c:?}"
                );
                folded += usize::from(pass == 0 && table.get(c).is_some());
            }
        }
        assert_eq!(folded, 3);
        let text = "A國家質檢𠁅 ＡＢ\n國\u{3000}Ⅻ\u{200B}x";
        assert_eq!(fold_text(text, &dense), fold_text(text, &table));
        assert_eq!(fold_text(text, &dense), "a国家质檢丑ab国Ⅻx");
    }

    #[test]
    fn case_folding_agrees_with_std_where_it_folds() {
        // Every capital the compact table folds is folded exactly as std folds it.
        for u in 0..0x500u32 {
            let Some(c) = char::from_u32(u) else { continue };
            let folded = fold_case(c);
            if folded != c {
                assert_eq!(
                    c.to_lowercase().collect::<String>(),
                    folded.to_string(),
                    "U+{u:04X}"
                );
            }
        }
        for c in [
            'A', 'Z', 'À', 'Þ', 'Ā', 'Ł', 'Ž', 'Α', 'Ω', 'Ά', 'Ώ', 'А', 'Я', 'Ѐ', 'Џ',
        ] {
            assert_ne!(fold_case(c), c, "{c} is folded");
        }
    }

    #[test]
    fn number_gap_cases() {
        let cases = [
            ("2229 . 6万元", "2229.6万元"),
            ("20 . 53亿元", "20.53亿元"),
            ("1 2月1 4日", "12月14日"),
            ("第 3 名", "第 3 名"),
            ("a 1", "a 1"),
            ("3.5 m", "3.5 m"),
            ("12\n34", "12\n34"),
            ("版本 1 . x", "版本 1 . x"),
        ];
        for (input, expected) in cases {
            assert_eq!(repair_number_gaps(input), expected, "input {input:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn original_ranges_equal_the_full_map(
            original in "[a-zA-Z0-9 \\t\\n\u{3000}\u{200B}ＡＢｃ１２，。國國家碳计量中心 .-]{1,40}",
            picks in proptest::collection::vec((0usize..64, 1usize..8), 1..6),
        ) {
            let (_, table) = table();
            let key = match_key(&original, &table);
            let bounds: Vec<usize> = key.text.char_indices().map(|(i, _)| i).chain([key.text.len()]).collect();
            let ranges: Vec<(usize, usize)> = picks
                .iter()
                .filter(|_| bounds.len() > 1)
                .map(|&(a, len)| {
                    let a = a % (bounds.len() - 1);
                    (bounds[a], bounds[(a + len).min(bounds.len() - 1)])
                })
                .collect();
            let fast = original_ranges(&original, &key.text, &ranges);
            let full: Vec<(usize, usize)> = ranges.iter().map(|&(a, b)| key.original_range(a, b)).collect();
            proptest::prop_assert_eq!(fast, full);
        }

        #[test]
        fn key_from_folded_equals_match_key(original in "[a-zA-Z0-9 \\t\\n\u{3000}\u{200B}ＡＢｃ１２，。國國家碳计量中心 .-]{0,40}") {
            let (_, table) = table();
            let key = match_key(&original, &table);
            let folded = fold_text(&original, &table);
            proptest::prop_assert_eq!(&folded, &key.text);
            let fast = key_from_folded(&original, &folded);
            proptest::prop_assert_eq!(&fast.text, &key.text);
            proptest::prop_assert_eq!(&fast.folded_starts, &key.folded_starts);
            proptest::prop_assert_eq!(&fast.original_spans, &key.original_spans);
        }
    }

    #[test]
    fn key_maps_back_to_original() {
        let (_, t) = table();
        let original = "聊城市質檢所 NQI\n平台";
        let key = match_key(original, &t);
        let hits = key.find_all("质检所");
        assert_eq!(hits.len(), 1);
        let (a, b) = key.original_range(hits[0].0, hits[0].1);
        assert_eq!(&original[a..b], "質檢所");
        let hits = key.find_all("nqi平");
        let (a, b) = key.original_range(hits[0].0, hits[0].1);
        assert_eq!(&original[a..b], "NQI\n平");
    }

    #[test]
    fn word_start_boundary() {
        let (_, t) = table();
        let key = match_key("NQI平台 qi", &t);
        assert_eq!(key.find_all("qi").len(), 1, "only the standalone qi");
        assert_eq!(key.find_all("nq").len(), 1);
        assert_eq!(key.find_all("平台").len(), 1);
    }
}
