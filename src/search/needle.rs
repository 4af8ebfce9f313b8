//! One Ctrl-F match on match keys ([`Needle`]): a query term as typed or one of its pinyin
//! alternatives, and the word rules that decide whether an occurrence counts (a Latin word the
//! corpus has counts only as a whole word; UAX #29's joiners keep `orig.tar.gz` one word).

use crate::normalize::{char_class, find_all, CharClass};
use crate::query::Term;

use super::layout::scan_keys::ScanKeys;
use super::pinyin::Pattern;

/// What results are matched and highlighted on: a query term as typed, or one of its pinyin
/// alternatives, which only counts where the term's pinyin pattern matches (so the run 行 found
/// for `xing` does not count inside 银行, where 行 reads hang).
/// A `whole_word` needle (a Latin word the corpus has, [`Term::whole_word`]) also counts only
/// where it is a whole word: `cp` in `cp -a`, not in `cpu`; `tar` in `tar -x`, not in
/// `orig.tar.gz` ([`ends_word`], [`starts_word`]).
#[derive(Clone, Copy)]
pub(crate) struct Needle<'n> {
    pub(crate) text: &'n str,
    pub(crate) pattern: Option<&'n Pattern>,
    pub(crate) whole_word: bool,
}

impl<'n> Needle<'n> {
    /// The needle for a term as typed.
    pub(crate) fn of(term: &'n Term) -> Needle<'n> {
        Needle {
            text: &term.key,
            pattern: None,
            whole_word: term.whole_word,
        }
    }

    /// A plain substring needle: no pattern, no word rule.
    pub(crate) fn plain(text: &'n str) -> Needle<'n> {
        Needle {
            text,
            pattern: None,
            whole_word: false,
        }
    }

    /// Its occurrences in a match key, as byte ranges.
    pub(crate) fn find_in(&self, key: &str) -> Vec<(usize, usize)> {
        self.find_in_whole(key).0
    }

    /// [`Needle::find_in`], and whether its occurrences are every occurrence of its text in
    /// `key` (its pattern and word rule refused none).
    pub(crate) fn find_in_whole(&self, key: &str) -> (Vec<(usize, usize)>, bool) {
        let mut found = find_all(key, self.text);
        let all = found.len();
        self.keep_matching(key, &mut found);
        let every = found.len() == all;
        (found, every)
    }

    /// [`Needle::find_in`] a scan layout's whole key string, through its character positions.
    pub(crate) fn find_in_scan(&self, keys: &ScanKeys) -> Vec<(usize, usize)> {
        let mut found = keys.positions.find_all(&keys.keys, self.text);
        self.keep_matching(&keys.keys, &mut found);
        found
    }

    /// Drops the occurrences its pattern or its word end rule refuses.
    fn keep_matching(&self, key: &str, found: &mut Vec<(usize, usize)>) {
        if let Some(pattern) = self.pattern {
            found.retain(|&(start, end)| pattern.match_at(key, start) == Some(end));
        }
        if self.whole_word {
            let word_start = self.text.chars().next().is_some_and(is_word_char);
            found.retain(|&(start, end)| {
                ends_word(key, end) && (!word_start || starts_word(key, start))
            });
        }
    }
}

/// Whether `mid` between the characters `a` and `b` keeps them one word, as Unicode's word
/// boundaries (UAX #29) have it: `.` and `'` join two letters or two digits (`orig.tar.gz`,
/// `don't`, `3.14`) but not a digit and a letter (`1.2.shell`, a heading number whose space
/// folding dropped); `_` joins any two (`file_name`, `foo_2`).
fn joins_word(a: char, mid: char, b: char) -> bool {
    let same_kind = (a.is_alphabetic() && b.is_alphabetic()) || (a.is_numeric() && b.is_numeric());
    match mid {
        '.' | '\'' | '’' => same_kind,
        '_' => is_word_char(a) && is_word_char(b),
        _ => false,
    }
}

fn is_word_char(c: char) -> bool {
    char_class(c) == CharClass::Word
}

/// Whether a word ends at byte offset `end` of `key`: no letter or digit follows, nor a
/// joiner that carries the word on ([`joins_word`]).
fn ends_word(key: &str, end: usize) -> bool {
    let Some(last) = key.get(..end).and_then(|s| s.chars().next_back()) else {
        return true;
    };
    let mut next = key.get(end..).unwrap_or("").chars();
    match (next.next(), next.next()) {
        (None, _) => true,
        (Some(c), _) if is_word_char(c) => false,
        (Some(mid), Some(b)) => !joins_word(last, mid, b),
        (Some(_), None) => true,
    }
}

/// Whether a word starts at byte offset `start` of `key` (the mirror of [`ends_word`]).
fn starts_word(key: &str, start: usize) -> bool {
    let Some(first) = key.get(start..).and_then(|s| s.chars().next()) else {
        return true;
    };
    let mut before = key.get(..start).unwrap_or("").chars().rev();
    match (before.next(), before.next()) {
        (None, _) => true,
        (Some(c), _) if is_word_char(c) => false,
        (Some(mid), Some(a)) => !joins_word(a, mid, first),
        (Some(_), None) => true,
    }
}
