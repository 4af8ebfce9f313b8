//! The gram layout: a term's candidates are the intersection of its grams' postings, verified
//! against the candidates' folded texts (folded once per search into a [`KeyCache`]) unless the
//! term is a single gram; pinyin runs are looked for in the passages that hold one of the
//! bigrams a pattern can start with.

use std::collections::HashMap;

use crate::by_id::OnceById;
use crate::format::{
    char_union_key, decode_pair_list, usual_reading_key, FormatError, IndexView, Posting,
    PostingsBlock, READING_PAIR_RUNS,
};
use crate::normalize::{char_class, fold_text, CharClass};
use crate::query::Term;
use crate::sort::{sort_by, sort_by_key};
use crate::tokenize::{term_grams, term_is_single_gram, GramQuery};

use super::super::needle::Needle;
use super::super::pinyin::MAX_ALTERNATIVES;
use super::super::pinyin::{best_runs, collect_runs, Pattern, Slot};
use super::super::postings::{intersect, union};
use super::super::vocabulary::IndexVocabulary;
use super::super::{MAX_PINYIN_CANDIDATES, MAX_PINYIN_GRAMS, MAX_SUGGEST_SCAN};
use super::scan_keys::WordPrefixes;
use super::{touch_texts, KeyCache, Layout};

/// A sharded index's key for the union of every gram a one-character prefix starts (a CJK
/// character typed last: `月`), which the indexer stored ready-made (see
/// [`crate::format::char_union_key`]); `None` for any other gram, and for a single file.
pub(crate) fn char_union_of(index: &IndexView<'_>, gram: &GramQuery) -> Option<Vec<u8>> {
    index.shard_store()?;
    let GramQuery::Prefix(prefix) = gram else {
        return None;
    };
    let mut chars = prefix.chars();
    let c = chars.next()?;
    (chars.next().is_none() && char_class(c) == CharClass::Cjk).then(|| char_union_key(c))
}

/// A sharded index's key for the postings of a one-character pinyin needle (`樂` for `yue`) in
/// its usual reading, which the indexer stored ready-made (see
/// [`crate::format::usual_reading_key`]): the passages and titles where the needle's pattern
/// matches it, with those matches as the term frequency. `None` unless the needle is one CJK
/// character checked by a one-slot pattern that kept every reading exception of its
/// characters, and for a single file.
pub(crate) fn usual_reading_of(index: &IndexView<'_>, needle: &Needle<'_>) -> Option<Vec<u8>> {
    index.shard_store()?;
    let pattern = needle.pattern?;
    let [slot @ Slot::AnyOf(_)] = pattern.slots.as_slice() else {
        return None;
    };
    if needle.whole_word || pattern.exceptions_dropped || !pattern.words.is_empty() {
        return None;
    }
    let mut chars = needle.text.chars();
    let c = chars.next()?;
    let one_cjk = chars.next().is_none() && char_class(c) == CharClass::Cjk;
    (one_cjk && slot.chars().binary_search(&c).is_ok()).then(|| usual_reading_key(c))
}

/// The one key that holds every posting of `gram`: the gram itself, or the union of the grams a
/// one-character prefix starts (a sharded index's). `None` for any other prefix, whose grams
/// are read one by one.
fn stored_key_of(index: &IndexView<'_>, gram: &GramQuery) -> Option<Vec<u8>> {
    match gram {
        GramQuery::Exact(g) => Some(g.as_bytes().to_vec()),
        GramQuery::Prefix(_) => char_union_of(index, gram),
    }
}

/// The key a needle that is a single gram has its postings (and, where the indexer counted
/// them, its whole-word counts) under: its usual reading's ([`usual_reading_of`]: then `true`),
/// else the key of its one gram ([`stored_key_of`]). `None` when no one key holds them.
pub(crate) fn needle_key(index: &IndexView<'_>, needle: &Needle<'_>) -> Option<(Vec<u8>, bool)> {
    if let Some(key) = usual_reading_of(index, needle) {
        return Some((key, true));
    }
    match term_grams(needle.text).as_slice() {
        [gram @ GramQuery::Exact(g)] if g == needle.text => stored_key_of(index, gram),
        [gram @ GramQuery::Prefix(_)] => stored_key_of(index, gram),
        _ => None,
    }
    .map(|key| (key, false))
}

/// Characters a two-slot pinyin pattern's first slot may stand for and still have its runs
/// counted from bigram postings ([`GramLayout::two_slot_runs`]); more (an initial, `lc`) go the
/// way of longer patterns.
pub(crate) const MAX_TWO_SLOT_FIRST_CHARS: usize = 64;

/// The gram layout's way: the index has it all; it keeps only the titles' match keys it has
/// folded, for every later search (ranking by headings folds the title of every candidate
/// whose heading holds the query: a single character's candidates have thousands).
pub(crate) struct GramLayout {
    /// By title id.
    title_keys: OnceById<Box<str>>,
}

impl GramLayout {
    pub(crate) fn new(titles: u32) -> GramLayout {
        GramLayout {
            title_keys: OnceById::new(titles),
        }
    }
}

impl GramLayout {
    /// The postings of one gram, or of every gram starting with a prefix (united).
    fn gram_postings(
        &self,
        index: &IndexView<'_>,
        gram: &GramQuery,
    ) -> Result<PostingsBlock, FormatError> {
        match (gram, stored_key_of(index, gram)) {
            (_, Some(key)) => match index.grams().get(&key) {
                Some((value, area)) => index.gram_postings(value, area),
                None => Ok(PostingsBlock::default()),
            },
            (GramQuery::Exact(_), None) => Ok(PostingsBlock::default()),
            (GramQuery::Prefix(p), None) => {
                let (mut texts, mut titles) = (Vec::new(), Vec::new());
                grams_with_prefix(index, p, |_, value, area| {
                    let block = index.gram_postings(value, area)?;
                    texts.push(block.text);
                    titles.push(block.title);
                    Ok(true)
                })?;
                Ok(PostingsBlock {
                    text: union(texts),
                    title: union(titles),
                })
            }
        }
    }

    /// `original` folded once into `cache` under `id`.
    fn cached_key<'c>(
        &self,
        index: &IndexView<'_>,
        cache: &'c mut HashMap<u32, String>,
        id: u32,
        original: Result<&str, FormatError>,
    ) -> Result<&'c str, FormatError> {
        if let std::collections::hash_map::Entry::Vacant(slot) = cache.entry(id) {
            slot.insert(fold_text(original?, &index.fold()));
        }
        Ok(cache.get(&id).map_or("", String::as_str))
    }

    /// The passages and titles that may hold a run of `pattern`, from the postings of the
    /// bigrams its first two slots can form (or of its first characters).
    fn pinyin_candidates(
        &self,
        index: &IndexView<'_>,
        pattern: &Pattern,
    ) -> Result<(Vec<u32>, Vec<u32>), FormatError> {
        let mut grams: Vec<GramQuery> = Vec::new();
        let first = pattern.slots.first().map_or(&[][..], |s| s.chars());
        match pattern.slots.get(1) {
            Some(second) => {
                for &a in first {
                    for &b in second.chars() {
                        grams.push(GramQuery::Exact([a, b].iter().collect()));
                        if grams.len() >= MAX_PINYIN_GRAMS {
                            break;
                        }
                    }
                }
                for (_, word) in pattern.words.iter().filter(|w| w.0 == 0) {
                    grams.push(GramQuery::Exact(word.iter().take(2).collect()));
                }
            }
            None => grams.extend(first.iter().map(|c| GramQuery::Prefix(c.to_string()))),
        }
        let (mut passages, mut titles) = (Vec::new(), Vec::new());
        for gram in grams.iter().take(MAX_PINYIN_GRAMS) {
            let block = self.gram_postings(index, gram)?;
            passages.extend(block.text.iter().map(|p| p.doc));
            titles.extend(block.title.iter().map(|p| p.doc));
            if passages.len() + titles.len() > MAX_PINYIN_CANDIDATES {
                break;
            }
        }
        for list in [&mut passages, &mut titles] {
            sort_by(list, |a, b| a.cmp(b));
            list.dedup();
            list.truncate(MAX_PINYIN_CANDIDATES);
        }
        Ok((passages, titles))
    }
}

impl GramLayout {
    /// The runs of a two-slot pattern (`mingyue`, `聊cheng`) counted from the bigrams' postings:
    /// a run is one bigram `ab`, found wherever the bigram is, unless a character of it is read
    /// otherwise in some word (then only where the pattern matches, checked in the texts that
    /// hold that bigram). Every bigram the first slot's characters (and the words that fill
    /// both slots) start is looked at, so the counts are the corpus's, as the scan layout's
    /// walk counts them, without reading the texts of every passage a run may be in. `None`
    /// for other patterns, and when the first slot stands for more than
    /// [`MAX_TWO_SLOT_FIRST_CHARS`] characters (an initial: the bigrams of hundreds of
    /// characters).
    fn two_slot_runs(
        &self,
        index: &IndexView<'_>,
        pattern: &Pattern,
        cache: &mut KeyCache,
    ) -> Result<Option<Vec<String>>, FormatError> {
        let [first, second] = pattern.slots.as_slice() else {
            return Ok(None);
        };
        let words: Vec<&[char]> = pattern
            .words
            .iter()
            .filter(|(slot, word)| *slot == 0 && word.len() == 2)
            .map(|(_, word)| word.as_slice())
            .collect();
        let mut starts: Vec<char> = first.chars().to_vec();
        starts.extend(words.iter().map(|w| w[0]));
        sort_by(&mut starts, |a, b| a.cmp(b));
        starts.dedup();
        if starts.len() > MAX_TWO_SLOT_FIRST_CHARS {
            return Ok(None);
        }
        if let Some(runs) = self.reading_pair_runs(index, pattern, &words)? {
            return Ok(Some(runs));
        }
        let is_run = |a: char, b: char| {
            words.iter().any(|w| w[0] == a && w[1] == b)
                || (first.chars().binary_search(&a).is_ok()
                    && second.chars().binary_search(&b).is_ok())
        };
        // Every bigram a start character begins that may be a run, with its postings.
        let mut bigrams: Vec<(String, PostingsBlock)> = Vec::new();
        for &a in &starts {
            grams_with_prefix(index, &a.to_string(), |gram, value, area| {
                let Ok(gram) = std::str::from_utf8(gram) else {
                    return Ok(true);
                };
                let mut chars = gram.chars();
                let (Some(_), Some(b), None) = (chars.next(), chars.next(), chars.next()) else {
                    return Ok(true);
                };
                if is_run(a, b) {
                    bigrams.push((gram.to_string(), index.gram_postings(value, area)?));
                }
                Ok(true)
            })?;
        }
        let is_word = |run: &str| words.iter().any(|w| w.iter().copied().eq(run.chars()));
        // Bigrams counted only where the pattern matches them: their texts, in one round.
        let checked: Vec<&(String, PostingsBlock)> = bigrams
            .iter()
            .filter(|(run, _)| !is_word(run) && pattern.check_for(run).is_some())
            .collect();
        touch_texts(
            index,
            checked
                .iter()
                .flat_map(|(_, b)| b.text.iter().map(|p| p.doc)),
            checked
                .iter()
                .flat_map(|(_, b)| b.title.iter().map(|p| p.doc)),
        )?;
        let mut counted: Vec<(String, u64)> = Vec::with_capacity(bigrams.len());
        for (run, block) in &bigrams {
            let count = if is_word(run) || pattern.check_for(run).is_none() {
                occurrences(block)
            } else {
                // Only where the pattern matches the bigram.
                let matching = |key: &str| {
                    crate::normalize::find_all(key, run)
                        .iter()
                        .filter(|&&(at, end)| pattern.match_at(key, at) == Some(end))
                        .count() as u64
                };
                let mut n = 0;
                for p in &block.text {
                    n += matching(self.text_key(index, cache, p.doc)?);
                }
                for t in &block.title {
                    n += matching(self.title_key(index, cache, t.doc)?);
                }
                n
            };
            counted.push((run.clone(), count));
        }
        Ok(Some(most_frequent(counted)))
    }
}

/// A gram's occurrences in texts and titles, from its postings.
fn occurrences(block: &PostingsBlock) -> u64 {
    block
        .text
        .iter()
        .chain(&block.title)
        .map(|p| u64::from(p.tf))
        .sum()
}

/// The runs counted more than zero times, the [`MAX_ALTERNATIVES`] most frequent (then in
/// code-point order).
fn most_frequent(mut counted: Vec<(String, u64)>) -> Vec<String> {
    sort_by(&mut counted, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counted
        .into_iter()
        .filter(|r| r.1 > 0)
        .take(MAX_ALTERNATIVES)
        .map(|(run, _)| run)
        .collect()
}

/// A reading pair keeps at least the runs a term may turn into.
const _: () = assert!(MAX_ALTERNATIVES <= READING_PAIR_RUNS);

impl GramLayout {
    /// [`GramLayout::two_slot_runs`] from a sharded index's reading pairs (`ming yue`, see
    /// [`crate::format::reading_pair_key`]) when both slots come from syllables, the first
    /// whole: the split counted each bigram as the walk does, so one entry (and the postings
    /// of the unusually read two-character `words`) replaces the bigrams of every character
    /// of the first syllable and the texts of those it must check. The most frequent runs of
    /// all the pairs the second token accepts are among their lists' (each keeps
    /// [`READING_PAIR_RUNS`]); a word's run counts all its occurrences, as in the walk. `None`
    /// where the pairs do not say what the walk would (a slot or exception list cut short).
    fn reading_pair_runs(
        &self,
        index: &IndexView<'_>,
        pattern: &Pattern,
        words: &[&[char]],
    ) -> Result<Option<Vec<String>>, FormatError> {
        let (Some((prefix, whole)), [Slot::AnyOf(_), Slot::AnyOf(_)]) =
            (&pattern.reading_pair, pattern.slots.as_slice())
        else {
            return Ok(None);
        };
        // Only a sharded index has reading pairs.
        if !crate::format::SHARDED
            || index.shard_store().is_none()
            || pattern.exceptions_dropped
            || pattern.lists_capped
        {
            return Ok(None);
        }
        let mut counted: Vec<(String, u64)> = Vec::new();
        let mut failed = None;
        index
            .pinyin()
            .for_each_with_prefix(prefix, &mut |key, value, area| {
                if *whole && key != prefix.as_bytes() {
                    return true;
                }
                match decode_pair_list(area, value) {
                    Ok(runs) => {
                        for ((a, b), n) in runs {
                            let mut run = String::new();
                            run.push(a);
                            run.push(b);
                            counted.push((run, n));
                        }
                        true
                    }
                    Err(e) => {
                        failed = Some(e);
                        false
                    }
                }
            });
        if let Some(e) = failed {
            return Err(e);
        }
        // A word's run counts all its occurrences (its characters' pair, if any, fewer).
        for word in words {
            let run: String = word.iter().collect();
            let count = match index.grams().get(run.as_bytes()) {
                Some((value, area)) => occurrences(&index.gram_postings(value, area)?),
                None => 0,
            };
            match counted.iter_mut().find(|r| r.0 == run) {
                Some(found) => found.1 = count,
                None => counted.push((run, count)),
            }
        }
        if index.shard_store().is_some_and(|s| s.has_missing()) {
            return Err(FormatError::NeedShards);
        }
        Ok(Some(most_frequent(counted)))
    }
}

impl Layout for GramLayout {
    fn vocabulary<'e, 'a>(
        &'e self,
        index: &'e IndexView<'a>,
    ) -> Result<IndexVocabulary<'e, 'a>, FormatError> {
        Ok(IndexVocabulary::Fst(index))
    }

    fn text_word_prefixes<'e>(
        &'e self,
        _: &IndexView<'_>,
    ) -> Result<Option<(&'e str, &'e WordPrefixes)>, FormatError> {
        Ok(None)
    }

    fn latin_words_starting_with(
        &self,
        index: &IndexView<'_>,
        prefix: &str,
    ) -> Result<Vec<(u64, usize, String)>, FormatError> {
        let mut found = Vec::new();
        grams_with_prefix(index, prefix, |gram, value, area| {
            if found.len() == MAX_SUGGEST_SCAN {
                return Ok(false);
            }
            let block = index.gram_postings(value, area)?;
            let freq = (block.text.len() + block.title.len()) as u64;
            let word = String::from_utf8_lossy(gram).into_owned();
            found.push((freq, word.chars().count(), word));
            Ok(true)
        })?;
        Ok(found)
    }

    fn text_key<'c>(
        &'c self,
        index: &'c IndexView<'_>,
        cache: &'c mut KeyCache,
        passage: u32,
    ) -> Result<&'c str, FormatError> {
        self.cached_key(
            index,
            &mut cache.texts,
            passage,
            index.passage_text(passage),
        )
    }

    fn title_key<'c>(
        &'c self,
        index: &'c IndexView<'_>,
        cache: &'c mut KeyCache,
        title: u32,
    ) -> Result<&'c str, FormatError> {
        // A title that has not arrived (sharded) is an error here, and folded once it has.
        let kept = self.title_keys.get_or_try_set(title, || {
            Ok(fold_text(index.title_text(title)?, &index.fold()).into())
        });
        match kept {
            Some(key) => key.map(|key| &**key),
            // An id past the index's title count: the search's own cache.
            None => self.cached_key(index, &mut cache.titles, title, index.title_text(title)),
        }
    }

    /// The term's texts and titles from its grams' postings, verified against the folded text
    /// unless the term is a single gram (and not a pinyin alternative).
    fn term_postings(
        &self,
        index: &IndexView<'_>,
        term: &Term,
        needle: Needle<'_>,
        cache: &mut KeyCache,
    ) -> Result<(Vec<Posting>, Vec<Posting>), FormatError> {
        if let Some(key) = usual_reading_of(index, &needle) {
            match index.grams().get(&key) {
                Some((value, area)) => {
                    let block = index.gram_postings(value, area)?;
                    return Ok((block.text, block.title));
                }
                // Its range has not arrived: nothing else is worth reading before it has.
                None if index.shard_store().is_some_and(|s| s.has_missing()) => {
                    return Err(FormatError::NeedShards);
                }
                // Not stored: the texts say.
                None => {}
            }
        }
        let mut blocks = Vec::with_capacity(term.grams.len());
        let mut empty = false;
        for gram in &term.grams {
            let block = self.gram_postings(index, gram)?;
            if block.text.is_empty() && block.title.is_empty() {
                empty = true;
                // Sharded: an empty block may be the stand-in of a range that has not arrived;
                // the term's other grams are asked for in the same round, not one per round.
                if !index.shard_store().is_some_and(|s| s.has_missing()) {
                    break;
                }
            }
            blocks.push(block);
        }
        if empty {
            return Ok((Vec::new(), Vec::new()));
        }
        // Intersect the rarest lists first.
        sort_by_key(&mut blocks, |b| b.text.len() + b.title.len());
        let mut texts = blocks[0].text.clone();
        let mut titles = blocks[0].title.clone();
        for block in &blocks[1..] {
            texts = intersect(&texts, &block.text);
            titles = intersect(&titles, &block.title);
        }
        let single_gram = term.grams.len() == 1 && term_is_single_gram(&term.key);
        if needle.pattern.is_some() || needle.whole_word || !single_gram {
            touch_texts(
                index,
                texts.iter().map(|p| p.doc),
                titles.iter().map(|t| t.doc),
            )?;
            texts = verified(texts, |doc| {
                Ok(needle.find_in(self.text_key(index, cache, doc)?).len() as u32)
            })?;
            titles = verified(titles, |doc| {
                Ok(needle.find_in(self.title_key(index, cache, doc)?).len() as u32)
            })?;
        }
        Ok((texts, titles))
    }

    fn occurs_literally(
        &self,
        index: &IndexView<'_>,
        term: &Term,
        cache: &mut KeyCache,
    ) -> Result<bool, FormatError> {
        let (texts, titles) = self.term_postings(index, term, Needle::of(term), cache)?;
        Ok(!texts.is_empty() || !titles.is_empty())
    }

    fn pinyin_runs(
        &self,
        index: &IndexView<'_>,
        pattern: &Pattern,
        cache: &mut KeyCache,
    ) -> Result<Vec<String>, FormatError> {
        if let Some(runs) = self.two_slot_runs(index, pattern, cache)? {
            return Ok(runs);
        }
        let (passages, titles) = self.pinyin_candidates(index, pattern)?;
        touch_texts(index, passages.iter().copied(), titles.iter().copied())?;
        let mut owned: Vec<String> = Vec::new();
        let mut collect = |key: &str| {
            let mut found = Vec::new();
            collect_runs(pattern, key, &mut found);
            owned.extend(found.into_iter().map(str::to_string));
        };
        for p in passages {
            collect(self.text_key(index, cache, p)?);
        }
        for t in titles {
            collect(self.title_key(index, cache, t)?);
        }
        Ok(best_runs(
            pattern,
            owned.iter().map(String::as_str).collect(),
        ))
    }
}

/// `visit(gram, value, area)` for every gram key starting with `prefix`, in key order, until it
/// answers `Ok(false)`; its first error ends the walk and is the answer.
fn grams_with_prefix<'a>(
    index: &IndexView<'a>,
    prefix: &str,
    mut visit: impl FnMut(&[u8], u64, &'a [u8]) -> Result<bool, FormatError>,
) -> Result<(), FormatError> {
    let mut failed = None;
    index
        .grams()
        .for_each_with_prefix(
            prefix,
            &mut |gram, value, area| match visit(gram, value, area) {
                Ok(go_on) => go_on,
                Err(e) => {
                    failed = Some(e);
                    false
                }
            },
        );
    failed.map_or(Ok(()), Err)
}

/// The candidates that really hold the term, with its count in each (`count`: the term's
/// occurrences in a candidate's folded text, from the postings' document id).
fn verified(
    candidates: Vec<Posting>,
    mut count: impl FnMut(u32) -> Result<u32, FormatError>,
) -> Result<Vec<Posting>, FormatError> {
    let mut kept = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        let tf = count(candidate.doc)?;
        if tf > 0 {
            kept.push(Posting {
                doc: candidate.doc,
                tf,
            });
        }
    }
    Ok(kept)
}
