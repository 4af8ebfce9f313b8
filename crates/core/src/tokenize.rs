//! The tokenizer, called identically by the index builder and by queries.
//!
//! Two layers of tokens are cut from a match key (see `normalize`):
//!
//! * **Grams** guarantee Ctrl-F recall. Every CJK character is indexed as the bigram it forms
//!   with the next CJK character, or alone when it ends a CJK run; every run of letters/digits
//!   is indexed as a whole token. A query term is found by intersecting the postings of its own
//!   grams ([`term_grams`]) and verifying the candidates, so a term is found wherever it occurs,
//!   however a word segmenter would have cut the text around it.
//! * **Words** rank whole-word matches above accidental character overlaps. The vocabulary is
//!   discovered at build time by jieba (search mode) and stored in the index with its
//!   frequencies. Both the index and every query are then cut by the *same* function,
//!   [`search_words`], a jieba-style maximum-probability segmentation over that stored
//!   vocabulary: the query side needs no 5 MB dictionary and can never disagree with how the
//!   index was segmented.

use std::ops::Range;

use crate::normalize::{char_class, CharClass};

/// Longest word the segmenter considers, in chars.
pub const MAX_WORD_CHARS: usize = 8;
/// Words at least this long also yield their in-vocabulary sub-words (jieba's search mode).
pub const SUBWORD_MIN_CHARS: usize = 3;

/// How a query term looks up one of its grams.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GramQuery {
    /// The gram itself.
    Exact(String),
    /// Every gram starting with this prefix (a trailing single CJK char or a partial word).
    Prefix(String),
}

impl GramQuery {
    pub fn text(&self) -> &str {
        match self {
            GramQuery::Exact(s) | GramQuery::Prefix(s) => s,
        }
    }
}

/// Maximal runs of CJK characters and of word characters in a key, as byte ranges.
fn runs(key: &str) -> Vec<(CharClass, Range<usize>)> {
    let mut out: Vec<(CharClass, Range<usize>)> = Vec::new();
    for (pos, c) in key.char_indices() {
        let class = char_class(c);
        let end = pos + c.len_utf8();
        match out.last_mut() {
            Some((last, range)) if *last == class && range.end == pos => range.end = end,
            _ => out.push((class, pos..end)),
        }
    }
    out.retain(|(class, _)| matches!(class, CharClass::Cjk | CharClass::Word));
    out
}

/// Every gram occurrence of a key, in order (repeats count as term frequency).
pub fn index_grams(key: &str) -> Vec<&str> {
    let mut grams = Vec::new();
    for (class, range) in runs(key) {
        let run = &key[range];
        if class == CharClass::Word {
            grams.push(run);
            continue;
        }
        let starts: Vec<usize> = run
            .char_indices()
            .map(|(i, _)| i)
            .chain([run.len()])
            .collect();
        for i in 0..starts.len() - 1 {
            let end = if i + 2 < starts.len() {
                starts[i + 2]
            } else {
                starts[i + 1]
            };
            grams.push(&run[starts[i]..end]);
        }
    }
    grams
}

/// The grams a query term (a folded key) must find; empty when the term has nothing indexable
/// (punctuation only).
pub fn term_grams(term: &str) -> Vec<GramQuery> {
    let mut out = Vec::new();
    for (class, range) in runs(term) {
        let at_end = range.end == term.len();
        let run = &term[range];
        let chars: Vec<(usize, char)> = run.char_indices().collect();
        match class {
            CharClass::Word if at_end => out.push(GramQuery::Prefix(run.to_string())),
            CharClass::Word => out.push(GramQuery::Exact(run.to_string())),
            _ if chars.len() == 1 && at_end => out.push(GramQuery::Prefix(run.to_string())),
            _ if chars.len() == 1 => out.push(GramQuery::Exact(run.to_string())),
            _ => {
                for pair in chars.windows(2) {
                    let end = pair[1].0 + pair[1].1.len_utf8();
                    out.push(GramQuery::Exact(run[pair[0].0..end].to_string()));
                }
            }
        }
    }
    out.dedup();
    out
}

/// Whether a term's occurrences are exactly the occurrences of its one gram, so that the gram
/// postings alone give matches and term frequencies without reading the text.
pub fn term_is_single_gram(term: &str) -> bool {
    let runs = runs(term);
    if runs.len() != 1 || runs[0].1 != (0..term.len()) {
        return false;
    }
    runs[0].0 == CharClass::Word || term.chars().count() <= 2
}

/// A word list with frequencies: the jieba-discovered vocabulary stored in the index.
pub trait Vocabulary {
    /// Calls `found(len, freq)` for every vocabulary word that is a prefix of `text`, shortest
    /// first (`len` in bytes). One walk of the dictionary per position instead of one lookup
    /// per candidate length: this is the segmenter's inner loop.
    fn prefixes(&self, text: &str, found: &mut dyn FnMut(usize, u64));
    /// Sum of all frequencies.
    fn total_freq(&self) -> u64;
    /// Frequency of `word`, if it is in the vocabulary.
    fn freq(&self, word: &str) -> Option<u64> {
        let mut freq = None;
        self.prefixes(word, &mut |len, f| {
            if len == word.len() {
                freq = Some(f);
            }
        });
        freq
    }
}

/// The byte offset of every character of `text`, then `text.len()`: character `i` is
/// `text[b[i]..b[i + 1]]`.
pub fn char_boundaries(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect()
}

/// Maximum-probability segmentation of one CJK run (jieba's DAG + dynamic programming), over
/// `vocab`. Unknown characters become single-character words. Returns byte ranges of `run`.
pub fn segment_run(run: &str, vocab: &dyn Vocabulary) -> Vec<Range<usize>> {
    let starts = char_boundaries(run);
    let n = starts.len() - 1;
    let log_total = (vocab.total_freq().max(1) as f64).ln();
    // best[i] = (log-probability of the best segmentation of chars i.., end char of first word)
    let mut best: Vec<(f64, usize)> = vec![(0.0, n); n + 1];
    for i in (0..n).rev() {
        // An unknown character is a word of frequency 1; vocabulary words compete with it.
        let mut choice = (-log_total + best[i + 1].0, i + 1);
        let window = &run[starts[i]..starts[(i + MAX_WORD_CHARS).min(n)]];
        vocab.prefixes(window, &mut |len, freq| {
            if let Ok(j) = starts.binary_search(&(starts[i] + len)) {
                let logp = (freq.max(1) as f64).ln() - log_total + best[j].0;
                if logp > choice.0 {
                    choice = (logp, j);
                }
            }
        });
        best[i] = choice;
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let j = best[i].1;
        out.push(starts[i]..starts[j]);
        i = j;
    }
    out
}

/// Occurrences of a term whose word boundaries ranking checks per passage (BM25 saturates
/// long before: the first few are enough, and they bound the work for a term found all over a
/// long passage).
pub const MAX_WORD_CHECKS: usize = 4;

/// How many of the first [`MAX_WORD_CHECKS`] occurrences of `needle` in `key` are whole words
/// ([`is_whole_word`]): the whole-word signal of ranking for a term that is one plain needle.
/// The engine computes it from a passage's text; a sharded index stores it with the postings
/// of each gram, so that ranking reads no text (both are this function).
pub fn whole_word_count(key: &str, needle: &str, vocab: &dyn Vocabulary) -> u32 {
    crate::normalize::find_all(key, needle)
        .iter()
        .take(MAX_WORD_CHECKS)
        .filter(|&&(a, b)| is_whole_word(key, a, b, vocab))
        .count() as u32
}

/// [`whole_word_count`] with the segmentations of `key`'s windows remembered in `memo` (which
/// must only ever see this `key`): the indexer counts every gram and character of a passage,
/// and in short runs (a line of verse) every match has the same window.
pub fn whole_word_count_in(
    key: &str,
    needle: &str,
    vocab: &dyn Vocabulary,
    memo: &mut WindowCuts,
) -> u32 {
    whole_words_among(key, &crate::normalize::find_all(key, needle), vocab, memo)
}

/// How many of the first [`MAX_WORD_CHECKS`] of `occurrences` (byte ranges of `key`, in order)
/// are whole words: [`whole_word_count_in`] of occurrences found otherwise (the matches of a
/// pinyin needle, which leave some occurrences of its text out).
pub fn whole_words_among(
    key: &str,
    occurrences: &[(usize, usize)],
    vocab: &dyn Vocabulary,
    memo: &mut WindowCuts,
) -> u32 {
    occurrences
        .iter()
        .take(MAX_WORD_CHECKS)
        .filter(|&&(a, b)| match word_window(key, a, b) {
            Decided(whole) => whole,
            Window(window) => window.decide(
                memo.0
                    .entry((window.from, window.to))
                    .or_insert_with(|| window_cuts(key, window.from, window.to, vocab)),
            ),
        })
        .count() as u32
}

/// The word boundaries [`segment_run`] puts in windows of one key, by window (byte range).
#[derive(Debug, Default)]
pub struct WindowCuts(std::collections::HashMap<(usize, usize), Vec<usize>>);

/// Whether the match `key[start..end]` is a whole word (or a run of whole words) under
/// [`segment_run`]: each end is a word boundary — never inside a run of letters and digits
/// (`cp` in `cpu`), always elsewhere next to a non-CJK character, and otherwise decided by
/// segmenting the CJK text around the match (up to `MAX_WORD_CHARS` chars beyond each end) with
/// `vocab`, once for both ends. Tells a whole-word match from an accidental overlap (`计量` in
/// `碳计量中心` vs in `会计量`).
pub fn is_whole_word(key: &str, start: usize, end: usize, vocab: &dyn Vocabulary) -> bool {
    match word_window(key, start, end) {
        Decided(whole) => whole,
        Window(window) => window.decide(&window_cuts(key, window.from, window.to, vocab)),
    }
}

/// What [`is_whole_word`] knows of a match before segmenting anything.
enum WordWindow {
    /// Whole or not, whatever the segmenter says.
    Decided(bool),
    /// Up to the segmentation of this window.
    Window(CutsToCheck),
}
use WordWindow::{Decided, Window};

/// The window of a key whose segmentation decides whether a match is a whole word, and the
/// ends of the match that must be word starts in it.
struct CutsToCheck {
    from: usize,
    to: usize,
    start: Option<usize>,
    end: Option<usize>,
}

impl CutsToCheck {
    fn decide(&self, cuts: &[usize]) -> bool {
        self.start.is_none_or(|s| cuts.contains(&s)) && self.end.is_none_or(|e| cuts.contains(&e))
    }
}

fn word_window(key: &str, start: usize, end: usize) -> WordWindow {
    if start >= end || !key.is_char_boundary(start) || !key.is_char_boundary(end) || end > key.len()
    {
        return Decided(false);
    }
    let is_latin_char = |c: char| char_class(c) == CharClass::Word;
    let inside_latin = |pos: usize| {
        key[..pos].chars().next_back().is_some_and(is_latin_char)
            && key[pos..].chars().next().is_some_and(is_latin_char)
    };
    if inside_latin(start) || inside_latin(end) {
        return Decided(false);
    }
    let is_cjk_char = |c: char| char_class(c) == CharClass::Cjk;
    let inside_cjk = |pos: usize| {
        key[..pos].chars().next_back().is_some_and(is_cjk_char)
            && key[pos..].chars().next().is_some_and(is_cjk_char)
    };
    let (check_start, check_end) = (inside_cjk(start), inside_cjk(end));
    if !check_start && !check_end {
        return Decided(true);
    }
    // The CJK run around the match, limited to MAX_WORD_CHARS beyond each end.
    let back: usize = key[..start]
        .chars()
        .rev()
        .take(MAX_WORD_CHARS)
        .take_while(|&c| is_cjk_char(c))
        .map(char::len_utf8)
        .sum();
    let ahead: usize = key[end..]
        .chars()
        .take(MAX_WORD_CHARS)
        .take_while(|&c| is_cjk_char(c))
        .map(char::len_utf8)
        .sum();
    Window(CutsToCheck {
        from: start - back,
        to: end + ahead,
        start: check_start.then_some(start),
        end: check_end.then_some(end),
    })
}

/// The word starts [`segment_run`] puts in the CJK pieces of `key[from..to]` (the match inside
/// may contain non-CJK text), as byte offsets of `key`.
fn window_cuts(key: &str, from: usize, to: usize, vocab: &dyn Vocabulary) -> Vec<usize> {
    let mut cuts = Vec::new();
    for (class, range) in runs(&key[from..to]) {
        if class == CharClass::Cjk {
            let run = &key[from + range.start..from + range.end];
            cuts.extend(
                segment_run(run, vocab)
                    .into_iter()
                    .map(|r| from + range.start + r.start),
            );
        }
    }
    cuts
}

/// The words of a key, as indexed and as searched: every word token, and for every CJK run its
/// segmentation plus, for words of [`SUBWORD_MIN_CHARS`]+ chars, the vocabulary words of two and
/// three chars inside them.
pub fn search_words(key: &str, vocab: &dyn Vocabulary) -> Vec<String> {
    let mut words = Vec::new();
    for (class, range) in runs(key) {
        let run = &key[range];
        if class == CharClass::Word {
            words.push(run.to_string());
            continue;
        }
        for word_range in segment_run(run, vocab) {
            let word = &run[word_range];
            let chars: Vec<(usize, char)> = word.char_indices().collect();
            if chars.len() >= SUBWORD_MIN_CHARS {
                for len in 2..=3.min(chars.len() - 1) {
                    for start in 0..=chars.len() - len {
                        let from = chars[start].0;
                        let to = chars.get(start + len).map_or(word.len(), |c| c.0);
                        let sub = &word[from..to];
                        if vocab.freq(sub).is_some() {
                            words.push(sub.to_string());
                        }
                    }
                }
            }
            words.push(word.to_string());
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Vocab(HashMap<&'static str, u64>);
    impl Vocabulary for Vocab {
        fn prefixes(&self, text: &str, found: &mut dyn FnMut(usize, u64)) {
            for (end, _) in text.char_indices().skip(1).chain([(text.len(), ' ')]) {
                if let Some(&f) = self.0.get(&text[..end]) {
                    found(end, f);
                }
            }
        }
        fn total_freq(&self) -> u64 {
            self.0.values().sum()
        }
    }

    fn vocab() -> Vocab {
        Vocab(HashMap::from([
            ("国家", 50),
            ("碳", 5),
            ("计量", 20),
            ("中心", 40),
            ("计量中心", 3),
            ("质检所", 4),
            ("质检", 6),
            ("聊城", 30),
            ("聊城市", 20),
            ("城市", 10),
        ]))
    }

    #[test]
    fn index_gram_cases() {
        assert_eq!(index_grams("碳计量"), vec!["碳计", "计量", "量"]);
        assert_eq!(
            index_grams("nqi平台2023年"),
            vec!["nqi", "平台", "台", "2023", "年"]
        );
        assert_eq!(index_grams("a,b"), vec!["a", "b"]);
        assert!(index_grams("，。!").is_empty());
    }

    #[test]
    fn term_gram_cases() {
        use GramQuery::*;
        assert_eq!(term_grams("碳"), vec![Prefix("碳".into())]);
        assert_eq!(
            term_grams("碳计量"),
            vec![Exact("碳计".into()), Exact("计量".into())]
        );
        assert_eq!(term_grams("nq"), vec![Prefix("nq".into())]);
        assert_eq!(
            term_grams("2229.6万元"),
            vec![
                Exact("2229".into()),
                Exact("6".into()),
                Exact("万元".into())
            ]
        );
        assert_eq!(
            term_grams("万2"),
            vec![Exact("万".into()), Prefix("2".into())]
        );
        assert!(term_grams("*?").is_empty());
        assert!(term_is_single_gram("碳计"));
        assert!(term_is_single_gram("碳"));
        assert!(term_is_single_gram("nqi"));
        assert!(!term_is_single_gram("碳计量"));
        assert!(!term_is_single_gram("nqi平"));
    }

    #[test]
    fn segmentation_cases() {
        let v = vocab();
        let cut = |s: &str| {
            segment_run(s, &v)
                .into_iter()
                .map(|r| s[r].to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(cut("国家碳计量中心"), vec!["国家", "碳", "计量", "中心"]);
        assert_eq!(cut("聊城市质检所"), vec!["聊城市", "质检所"]);
        assert_eq!(cut("未知"), vec!["未", "知"]);
        assert_eq!(cut(""), Vec::<String>::new());
    }

    #[test]
    fn whole_words() {
        let v = vocab();
        let key = "国家碳计量中心nqi";
        let span = |s: &str| {
            let start = key.find(s).unwrap();
            (start, start + s.len())
        };
        let whole = |s: &str| {
            let (a, b) = span(s);
            is_whole_word(key, a, b, &v)
        };
        assert!(whole("计量"));
        assert!(whole("碳计量"));
        assert!(whole("国家"));
        assert!(whole("中心nqi"), "ends next to Latin text are boundaries");
        assert!(whole("nqi"));
        assert!(!whole("nq"), "ends inside the Latin word nqi");
        assert!(!whole("心nq"), "ends inside the Latin word nqi");
        assert!(!whole("家碳"), "starts inside 国家");
        assert!(!whole("计"), "ends inside 计量");
        assert!(!is_whole_word(key, 1, 6, &v), "not a char boundary");
        assert!(!is_whole_word(key, 3, 3, &v), "empty");
    }

    #[test]
    fn search_mode_adds_subwords() {
        let v = vocab();
        let words = search_words("聊城市质检所nqi", &v);
        assert_eq!(
            words,
            vec!["聊城", "城市", "聊城市", "质检", "质检所", "nqi"]
        );
    }

    #[test]
    fn remembered_windows_count_the_same_whole_words() {
        let vocab = vocab();
        let keys = [
            "碳计量中心",
            "会计量，碳计量。计量中心碳",
            "ab 计量 cd计量",
            "计计计计计计",
        ];
        for key in keys {
            // One memo for every needle of a key, as the indexer uses it.
            let mut memo = WindowCuts::default();
            let needles: Vec<String> = key
                .char_indices()
                .flat_map(|(i, _)| [1, 2].map(|n| key[i..].chars().take(n).collect()))
                .collect();
            for needle in &needles {
                assert_eq!(
                    whole_word_count_in(key, needle, &vocab, &mut memo),
                    whole_word_count(key, needle, &vocab),
                    "{needle} in {key}"
                );
            }
        }
    }
}
