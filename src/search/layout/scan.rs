//! The scan layout: every passage text and title folded once, at the first search, into one
//! string each with the positions of every character ([`ScanKeys`]); a term is one search over
//! them, a pinyin pattern one walk over the occurrences of the characters it may start with.
//! The vocabulary is spelled out from the index's word references into the same keys.

use std::sync::OnceLock;

use crate::format::{decode_word_refs, FormatError, IndexView, Posting};
use crate::normalize::{char_class, fold_chars, CharClass, DenseFold};
use crate::query::Term;

use super::super::needle::Needle;
use super::super::pinyin::{best_runs, Pattern};
use super::super::vocabulary::IndexVocabulary;
use super::super::MAX_SUGGEST_SCAN;
use super::scan_keys::{KeyWriter, ScanKeys, WordList, WordPrefixes};
use super::{KeyCache, Layout};

/// The folded passage texts and titles (see [`super::scan_keys`]).
struct ScanCorpus {
    texts: ScanKeys,
    titles: ScanKeys,
    /// The vocabulary, spelled out from the index's word references into `texts`/`titles`.
    words: WordList,
    /// The vocabulary words at every position of `texts` (for whole-word checks), when the
    /// texts are at most `word_prefixes_max_key_bytes`.
    text_words: Option<WordPrefixes>,
}

/// The scan layout's way: its folded corpus, built by the first search.
pub(crate) struct ScanLayout {
    corpus: OnceLock<Result<ScanCorpus, FormatError>>,
    /// List word prefixes up front up to this many bytes of text keys
    /// ([`super::super::WORD_PREFIXES_MAX_KEY_BYTES`]).
    word_prefixes_max_key_bytes: usize,
}

impl ScanLayout {
    pub(crate) fn new(word_prefixes_max_key_bytes: usize) -> ScanLayout {
        ScanLayout {
            corpus: OnceLock::new(),
            word_prefixes_max_key_bytes,
        }
    }

    /// The folded texts (folded on first use; O(corpus) once).
    fn corpus(&self, index: &IndexView<'_>) -> Result<&ScanCorpus, FormatError> {
        self.corpus
            .get_or_init(|| {
                let dense = DenseFold::new(index.fold());
                let fold = |text: Result<&str, FormatError>, writer: &mut KeyWriter| {
                    fold_chars(
                        text?,
                        &dense,
                        #[inline(always)]
                        |c| writer.push(c),
                    );
                    Ok(())
                };
                // Folding keeps a text's length or shortens it (whitespace dropped, full-width
                // letters halved), plus one separator per key: a capacity hint, not a limit.
                let texts = ScanKeys::build(
                    index.stats().passages,
                    index.passage_text_bytes() + index.stats().passages as usize,
                    &|p, writer| fold(index.passage_text(p), writer),
                )?;
                let titles = ScanKeys::build(
                    index.stats().titles,
                    index.title_text_bytes() + index.stats().titles as usize,
                    &|t, writer| fold(index.title_text(t), writer),
                )?;
                let words = WordList::new(
                    &decode_word_refs(index.word_refs())?,
                    &texts.keys,
                    &titles.keys,
                    index.stats().word_freq_total,
                )?;
                let text_words = (texts.keys.len() <= self.word_prefixes_max_key_bytes)
                    .then(|| WordPrefixes::new(&texts.keys, &words));
                Ok(ScanCorpus {
                    texts,
                    titles,
                    words,
                    text_words,
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl Layout for ScanLayout {
    fn vocabulary<'e, 'a>(
        &'e self,
        index: &'e IndexView<'a>,
    ) -> Result<IndexVocabulary<'e, 'a>, FormatError> {
        Ok(IndexVocabulary::Listed(&self.corpus(index)?.words))
    }

    fn text_word_prefixes<'e>(
        &'e self,
        index: &IndexView<'_>,
    ) -> Result<Option<(&'e str, &'e WordPrefixes)>, FormatError> {
        let corpus = self.corpus(index)?;
        Ok(corpus
            .text_words
            .as_ref()
            .map(|prefixes| (corpus.texts.keys.as_str(), prefixes)))
    }

    fn latin_words_starting_with(
        &self,
        index: &IndexView<'_>,
        prefix: &str,
    ) -> Result<Vec<(u64, usize, String)>, FormatError> {
        let corpus = self.corpus(index)?;
        let needle = Needle::plain(prefix);
        // (texts and titles counted, the last one counted, word), sorted by word:
        // occurrences come in key order, so each text or title counts once per word. The
        // middle field becomes the word's length in chars at the end.
        let mut words: Vec<(u64, usize, String)> = Vec::new();
        for keys in [&corpus.texts, &corpus.titles] {
            words.iter_mut().for_each(|w| w.1 = usize::MAX);
            for (start, end) in needle.find_in_scan(keys) {
                let mut word_end = end;
                for c in keys.keys[end..].chars() {
                    if char_class(c) != CharClass::Word {
                        break;
                    }
                    word_end += c.len_utf8();
                }
                let word = &keys.keys[start..word_end];
                let entry = keys.entry_at(start) as usize;
                match words.binary_search_by(|w| w.2.as_str().cmp(word)) {
                    Ok(i) if words[i].1 != entry => {
                        words[i].0 += 1;
                        words[i].1 = entry;
                    }
                    Ok(_) => {}
                    Err(i) if words.len() < MAX_SUGGEST_SCAN => {
                        words.insert(i, (1, entry, word.to_string()));
                    }
                    Err(_) => {}
                }
            }
        }
        for word in &mut words {
            word.1 = word.2.chars().count();
        }
        Ok(words)
    }

    fn text_key<'c>(
        &'c self,
        index: &'c IndexView<'_>,
        _: &'c mut KeyCache,
        passage: u32,
    ) -> Result<&'c str, FormatError> {
        Ok(self.corpus(index)?.texts.key(passage))
    }

    fn title_key<'c>(
        &'c self,
        index: &'c IndexView<'_>,
        _: &'c mut KeyCache,
        title: u32,
    ) -> Result<&'c str, FormatError> {
        Ok(self.corpus(index)?.titles.key(title))
    }

    /// The term's occurrences in every text and title, one search each.
    fn term_postings(
        &self,
        index: &IndexView<'_>,
        _: &Term,
        needle: Needle<'_>,
        _: &mut KeyCache,
    ) -> Result<(Vec<Posting>, Vec<Posting>), FormatError> {
        let corpus = self.corpus(index)?;
        let count = |keys: &ScanKeys| keys.count(&needle.find_in_scan(keys));
        Ok((count(&corpus.texts), count(&corpus.titles)))
    }

    fn occurs_literally(
        &self,
        index: &IndexView<'_>,
        term: &Term,
        _: &mut KeyCache,
    ) -> Result<bool, FormatError> {
        let corpus = self.corpus(index)?;
        let needle = Needle::of(term);
        let found = |keys: &ScanKeys| !needle.find_in_scan(keys).is_empty();
        Ok(found(&corpus.texts) || found(&corpus.titles))
    }

    fn pinyin_runs(
        &self,
        index: &IndexView<'_>,
        pattern: &Pattern,
        _: &mut KeyCache,
    ) -> Result<Vec<String>, FormatError> {
        let corpus = self.corpus(index)?;
        let mut found = Vec::new();
        for keys in [&corpus.texts, &corpus.titles] {
            keys.pinyin_runs(pattern, &mut found);
        }
        Ok(best_runs(pattern, found))
    }
}
