//! The text sections: the Blob of UTF-8 strings, the PassageOffsets, TitleOffsets and
//! SourceOffsets that cut it into passage texts, titles and source names, and the TitleFirst and
//! SourceFirst tables that map passages to their title and source.

use super::codec::U32Array;
use super::{FormatError, IndexView, Result, SectionKind};

/// Remembers which strings of the blob have been validated as UTF-8, so each is checked once,
/// on first read, instead of on every read (or all at open).
pub(super) struct Utf8Checked(Vec<std::sync::atomic::AtomicU64>);

impl Utf8Checked {
    pub(super) fn new(strings: usize) -> Self {
        Utf8Checked(
            (0..strings.div_ceil(64))
                .map(|_| std::sync::atomic::AtomicU64::new(0))
                .collect(),
        )
    }

    pub(super) fn str<'b>(&self, i: usize, bytes: &'b [u8]) -> Result<&'b str> {
        use std::sync::atomic::Ordering::Relaxed;
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        if self.0.get(word).is_some_and(|w| w.load(Relaxed) & bit != 0) {
            // SAFETY: string `i` is always the same range of the same immutable bytes (the index
            // and its offset tables are borrowed immutably for 'a), and that range was checked
            // by `from_utf8` below before its bit was set.
            return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
        }
        let checked = std::str::from_utf8(bytes).map_err(|_| FormatError::BadUtf8)?;
        if let Some(w) = self.0.get(word) {
            w.fetch_or(bit, Relaxed);
        }
        Ok(checked)
    }
}

/// A string of a sharded index's groups, or the error that stops a run whose group has not
/// arrived (the store has recorded it as missing).
pub(super) fn fetched(string: Option<&str>) -> Result<&str> {
    string.ok_or(FormatError::NeedShards)
}

impl<'a> IndexView<'a> {
    pub fn passage_count(&self) -> u32 {
        self.stats.passages
    }

    /// Bytes of all passage texts together (the blob range their offsets span; at most the
    /// blob's size, whatever the offsets say): a capacity hint for whoever copies them all.
    pub fn passage_text_bytes(&self) -> usize {
        self.offsets_span(&self.passage_offsets)
    }

    /// Bytes of all titles together (see [`IndexView::passage_text_bytes`]).
    pub fn title_text_bytes(&self) -> usize {
        self.offsets_span(&self.title_offsets)
    }

    fn offsets_span(&self, offsets: &U32Array<'a>) -> usize {
        let first = offsets.get(0).unwrap_or(0);
        let last = offsets.len().checked_sub(1).and_then(|i| offsets.get(i));
        (last.unwrap_or(0).saturating_sub(first) as usize).min(self.blob.len())
    }

    fn blob_str(&self, offsets: &U32Array<'a>, i: usize) -> Result<&'a str> {
        let bytes = self.blob_bytes(offsets, i)?;
        std::str::from_utf8(bytes).map_err(|_| FormatError::BadUtf8)
    }

    fn blob_bytes(&self, offsets: &U32Array<'a>, i: usize) -> Result<&'a [u8]> {
        let what = "string offset";
        let start = offsets.get(i).ok_or(FormatError::OutOfBounds { what })? as usize;
        let end = offsets
            .get(i + 1)
            .ok_or(FormatError::OutOfBounds { what })? as usize;
        self.blob
            .get(start..end)
            .ok_or(FormatError::OutOfBounds { what })
    }

    /// The original text of a passage.
    pub fn passage_text(&self, passage: u32) -> Result<&'a str> {
        if let Some(store) = self.shard_store() {
            return fetched(store.string(SectionKind::PassageOffsets, passage)?);
        }
        let i = passage as usize;
        self.passages_checked
            .str(i, self.blob_bytes(&self.passage_offsets, i)?)
    }

    /// The length of a passage's text in characters.
    pub fn passage_chars(&self, passage: u32) -> Result<u32> {
        if let Some(facts) = self.shard_store().and_then(|s| s.passage_facts(passage)) {
            return Ok(facts.chars);
        }
        if self.passage_chars.is_empty() {
            return Ok(self.passage_text(passage)?.chars().count() as u32);
        }
        self.passage_chars
            .get(passage as usize)
            .ok_or(FormatError::OutOfBounds { what: "passage id" })
    }

    /// The length of a title in characters.
    pub fn title_chars(&self, title: u32) -> Result<u32> {
        if let Some(facts) = self.shard_store().and_then(|s| s.title_facts(title)) {
            return Ok(facts.chars);
        }
        if self.title_chars.is_empty() {
            return Ok(self.title_text(title)?.chars().count() as u32);
        }
        self.title_chars
            .get(title as usize)
            .ok_or(FormatError::OutOfBounds { what: "title id" })
    }

    /// The title id of a passage.
    pub fn title_of(&self, passage: u32) -> Result<u32> {
        if passage >= self.stats.passages {
            return Err(FormatError::OutOfBounds { what: "passage id" });
        }
        if let Some(facts) = self.shard_store().and_then(|s| s.passage_facts(passage)) {
            return Ok(facts.title);
        }
        self.title_first
            .last_at_or_below(passage)
            .map(|t| t as u32)
            .ok_or(FormatError::OutOfBounds {
                what: "title table",
            })
    }

    /// Sharded: reads the title lengths on the page of the title table that
    /// [`Self::title_of`] reads for `passage` (the length tables are paged like it), known from
    /// the root before that page has arrived, so that the length of `passage`'s title is asked
    /// for in the same round as the title table, not in a round of its own after it. Nothing
    /// for a single file or a title table kept whole in the root.
    pub fn touch_title_lengths_near(&self, passage: u32) {
        if let Some((first, end)) = self.title_first.page_around(passage) {
            let _ = self.title_chars.get(first);
            let _ = self.title_chars.get(end.saturating_sub(1));
        }
    }

    pub fn title_text(&self, title: u32) -> Result<&'a str> {
        if let Some(store) = self.shard_store() {
            if let Some(text) = store.learned_title(title) {
                return Ok(text);
            }
            return fetched(store.string(SectionKind::TitleOffsets, title)?);
        }
        let i = title as usize;
        self.titles_checked
            .str(i, self.blob_bytes(&self.title_offsets, i)?)
    }

    /// The passages `[first, end)` a title heads.
    pub fn title_passages(&self, title: u32) -> Result<(u32, u32)> {
        if let Some(facts) = self.shard_store().and_then(|s| s.title_facts(title)) {
            if facts.first <= facts.end && facts.end <= self.stats.passages {
                return Ok((facts.first, facts.end));
            }
        }
        let what = "title id";
        let first = self
            .title_first
            .get(title as usize)
            .ok_or(FormatError::OutOfBounds { what })?;
        let end = self
            .title_first
            .get(title as usize + 1)
            .unwrap_or(self.stats.passages);
        if first > end || end > self.stats.passages {
            return Err(FormatError::OutOfBounds {
                what: "title range",
            });
        }
        Ok((first, end))
    }

    /// The first passage of a source (every source has at least one).
    pub fn source_first_passage(&self, source: u32) -> Result<u32> {
        self.source_first
            .get(source as usize)
            .filter(|&p| p < self.stats.passages)
            .ok_or(FormatError::OutOfBounds { what: "source id" })
    }

    pub fn source_of(&self, passage: u32) -> Result<u32> {
        if passage >= self.stats.passages {
            return Err(FormatError::OutOfBounds { what: "passage id" });
        }
        self.source_first
            .last_at_or_below(passage)
            .map(|s| s as u32)
            .ok_or(FormatError::OutOfBounds {
                what: "source table",
            })
    }

    pub fn source_name(&self, source: u32) -> Result<&'a str> {
        if let Some(store) = self.shard_store() {
            return fetched(store.string(SectionKind::SourceOffsets, source)?);
        }
        self.blob_str(&self.source_offsets, source as usize)
    }
}
