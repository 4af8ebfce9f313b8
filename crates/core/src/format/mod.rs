//! The index file format: the one place that knows the byte layout.
//!
//! The indexer (`zh-search-index`) writes an index with [`encode_index`]; the browser engine
//! opens the same bytes with [`IndexView::open`]. Opening checks the magic, the version, that
//! every section lies inside the file and matches its checksum, then hands out borrowed views:
//! nothing is parsed or copied up front, and every later read (`varint`, offsets, string
//! slices) is bounds-checked, so a damaged index yields a [`FormatError`] instead of a panic or
//! altered text.
//!
//! This file holds the header, the errors, the writer and the reader that checks and borrows
//! every section; each section's encoder sits beside its decoder in a file of its own:
//! `codec` (varints, u32 arrays, the checksum), `stats`, `texts` (blob, offsets, title and
//! source tables), `postings` (gram values and posting lists), `fold`, `pinyin` (character
//! lists), `word_refs`, and `links` (links, heading parents, link density, numbering).
//!
//! Layout (all integers little-endian):
//! ```text
//! header   : MAGIC (8 bytes) | VERSION u32 | section count u32
//!            | count × (kind u32, offset u32, len u32, checksum u32)
//! checksum : XXH32 (xxHash's 32-bit hash, seed 0) of the section's `len` bytes
//!            (each section starts at a multiple of 4, zero bytes before it; sections are
//!            found by kind, in any order, and a kind the reader does not know is skipped)
//! sections : Stats, Blob (UTF-8 strings), PassageOffsets (n+1 × u32 into Blob: text i is
//!            [o[i], o[i+1])), TitleFirst (first passage of each title, u32),
//!            TitleOffsets (t+1 × u32, likewise),
//!            SourceFirst, SourceOffsets (s+1 × u32),
//!            GramFst (fst::Map gram → `GramValue`), Postings (varint blocks),
//!            WordFst (fst::Map word → vocabulary frequency; empty in the scan layout),
//!            WordRefs (scan layout: the vocabulary as references into the match keys, below),
//!            Fold (sorted (u32, u32) char pairs),
//!            PinyinFst (fst::Map of pinyin entries, see below), PinyinChars (character lists)
//!            Links (empty, or (2s + t + 1) × u32 offsets into the UTF-8 strings after them:
//!            string i < s is source i's page URL, string s + j is title j's heading anchor,
//!            string s + t + i is source i's page title; "" is none),
//!            TitleParents (empty, or t × u32: title j's enclosing section's title id + 1, 0 for
//!            none; always below j + 1, so the heading path is a finite walk up),
//!            PassageLinks (empty, or n bytes: the share of each passage's characters that
//!            is link text, 0–100),
//!            Numbering (empty, or t + s bytes: how many leading bytes of each title's, then
//!            each page title's match key are section numbering such as `2.1.`, `第2章`)
//! stats    : passages, titles, sources, grams, words (u32 each), mean text and title match-key
//!            chars (f32 each), vocabulary frequency total (u64), longest word in chars (u32),
//!            flags (u32; bit 0 = `FLAG_SCAN`)
//! gram     : value bit 0 = 1: inline single text posting, tf = bits 1–4, doc = bits 5–;
//!            bit 0 = 0: postings block at offset value >> 1
//! block    : varint (text count << 1 | has title list), text list, [varint title count, title list]
//! list     : count × (varint (doc-id delta << 1 | tf > 1), [varint tf when > 1])
//! pinyin   : `reading` → (offset << 16 | count) of the list in PinyinChars of the corpus's Han
//!            characters usually read so (`tan` → 碳谈探…); `~syllable syllable…\0word` → 0 for
//!            every vocabulary word whose reading differs from its characters' usual ones
//!            (`~yin hang\0银行`), with `^character\0word` → 0 for each character read otherwise
//!            in such a word (`^行\0银行`)
//! chars    : per reading, count × varint code point deltas (the first from 0), ascending
//! wordrefs : varint count, then per word, by ascending offset: varint (offset − previous
//!            offset), varint (frequency << 4 | length in characters). The offset is a byte
//!            offset into the *keys*: every passage's match key followed by [`KEY_SEPARATOR`],
//!            then every title's likewise — the string the scan layout folds at its first search
//! ```
//! Titles and sources cover contiguous passage ranges, so a passage's title/source is found by
//! binary search and the postings of a title expand to a range of passages.

use std::fmt;

mod codec;
mod fold;
mod links;
mod pinyin;
mod postings;
mod stats;
mod texts;
mod word_refs;

pub use codec::checksum;
pub use fold::FoldTable;
pub use links::{encode_numbering, encode_passage_links, encode_title_parents, Links};
pub use pinyin::{decode_char_list, encode_char_list};
pub use postings::{Posting, PostingsBlock};
pub use stats::Stats;
pub use word_refs::{
    decode_word_refs, encode_word_refs, WordRef, KEY_SEPARATOR, WORD_REF_MAX_CHARS,
};

use codec::{push_u32s, read_u32_at, U32Array};
use texts::Utf8Checked;

/// First bytes of every index.
pub const MAGIC: &[u8; 8] = b"ZHSEARCH";
/// Bumped whenever the layout changes; an index of another version is refused.
pub const VERSION: u32 = 10;
/// Bytes of one section-table entry.
const SECTION_ENTRY_LEN: usize = 16;
/// `Stats::flags`: the gram index is empty and queries scan the texts instead: the engine folds
/// every text and title into one match-key string at its first search (small corpora, where a
/// scan takes microseconds and a gram index would be most of the module).
pub const FLAG_SCAN: u32 = 1;

/// Refuses an index whose layout (`flags`) is not the one a module was `compiled` for.
fn check_layout(compiled: Option<bool>, flags: u32) -> Result<()> {
    let scan = flags & FLAG_SCAN != 0;
    match compiled {
        Some(compiled) if compiled != scan => Err(FormatError::WrongLayout { scan }),
        _ => Ok(()),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum SectionKind {
    Stats = 1,
    Blob = 2,
    PassageOffsets = 3,
    TitleFirst = 4,
    TitleOffsets = 5,
    SourceFirst = 6,
    SourceOffsets = 7,
    GramFst = 8,
    WordFst = 9,
    Postings = 10,
    Fold = 11,
    PinyinFst = 12,
    PinyinChars = 13,
    /// The scan layout's vocabulary ([`WordRef`]s; empty in the gram layout).
    WordRefs = 14,
    /// Page URLs, heading anchors and page titles (HTML sources); numbered apart from the core
    /// sections so that other additions can take 15.
    Links = 16,
    /// Per title, the title of the section enclosing it (+ 1; 0 = top level).
    TitleParents = 17,
    /// Per passage, its link density in percent (empty: no links anywhere).
    PassageLinks = 18,
    /// Per title and page title, the length of its leading section numbering.
    Numbering = 19,
}

/// One slot per possible [`SectionKind`] value.
const KIND_SLOTS: usize = 20;

/// Why an index could not be opened or read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// The bytes do not start with [`MAGIC`]: not a zh-search index.
    BadMagic,
    /// Written by another format version: rebuild the index with this version of zh-search.
    UnsupportedVersion { found: u32, expected: u32 },
    /// The file ends before a header, section or record it declares.
    Truncated { what: &'static str },
    /// A section is missing from the header.
    MissingSection(SectionKind),
    /// An offset, length or id points outside its section.
    OutOfBounds { what: &'static str },
    /// A string in the blob is not valid UTF-8.
    BadUtf8,
    /// A section's checksum does not match its bytes.
    BadChecksum(SectionKind),
    /// The embedded fst could not be opened.
    BadFst(SectionKind),
    /// A module compiled for its embedded index's layout (the engine's
    /// `EMBEDDED_LAYOUT_IS_SCAN`) was given an index of the other layout.
    WrongLayout { scan: bool },
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::BadMagic => write!(f, "not a zh-search index (bad magic bytes)"),
            FormatError::UnsupportedVersion { found, expected } => write!(
                f,
                "index format version {found} is not supported (expected {expected}); rebuild the index"
            ),
            FormatError::Truncated { what } => write!(f, "index is truncated (while reading {what})"),
            FormatError::MissingSection(kind) => write!(f, "index has no {kind:?} section"),
            FormatError::OutOfBounds { what } => write!(f, "index is corrupt: {what} out of bounds"),
            FormatError::BadUtf8 => write!(f, "index is corrupt: text is not valid UTF-8"),
            FormatError::BadChecksum(kind) => write!(f, "index is corrupt: {kind:?} checksum mismatch"),
            FormatError::BadFst(kind) => write!(f, "index is corrupt: {kind:?} is not a valid fst"),
            FormatError::WrongLayout { scan } => write!(
                f,
                "this module was compiled for {} indexes only; build it over this corpus instead",
                if *scan { "gram-layout" } else { "scan-layout" }
            ),
        }
    }
}

impl std::error::Error for FormatError {}

pub type Result<T> = std::result::Result<T, FormatError>;

// ---------------------------------------------------------------------------------------------
// Writer

/// Everything the builder produces, in the order the sections are written.
#[derive(Clone, Debug, Default)]
pub struct IndexParts {
    pub stats: Stats,
    pub blob: Vec<u8>,
    pub passage_offsets: Vec<u32>,
    pub title_first: Vec<u32>,
    pub title_offsets: Vec<u32>,
    pub source_first: Vec<u32>,
    pub source_offsets: Vec<u32>,
    pub gram_fst: Vec<u8>,
    pub postings: Vec<u8>,
    pub word_fst: Vec<u8>,
    /// [`encode_word_refs`] (scan layout), or empty.
    pub word_refs: Vec<u8>,
    pub fold: Vec<u8>,
    pub pinyin_fst: Vec<u8>,
    pub pinyin_chars: Vec<u8>,
    /// [`Links::encode`] (empty: no links).
    pub links: Vec<u8>,
    /// [`encode_title_parents`] (empty: no heading hierarchy).
    pub title_parents: Vec<u8>,
    /// [`encode_passage_links`] (empty: no links).
    pub passage_links: Vec<u8>,
    /// [`encode_numbering`] (empty: no numbered headings).
    pub numbering: Vec<u8>,
}

/// Serialises an index. Sections are 4-byte aligned.
pub fn encode_index(parts: &IndexParts) -> Vec<u8> {
    let u32_bytes = |v: &[u32]| {
        let mut out = Vec::with_capacity(v.len() * 4);
        push_u32s(&mut out, v);
        out
    };
    let sections: Vec<(SectionKind, Vec<u8>)> = vec![
        (SectionKind::Stats, parts.stats.encode()),
        (SectionKind::Blob, parts.blob.clone()),
        (
            SectionKind::PassageOffsets,
            u32_bytes(&parts.passage_offsets),
        ),
        (SectionKind::TitleFirst, u32_bytes(&parts.title_first)),
        (SectionKind::TitleOffsets, u32_bytes(&parts.title_offsets)),
        (SectionKind::SourceFirst, u32_bytes(&parts.source_first)),
        (SectionKind::SourceOffsets, u32_bytes(&parts.source_offsets)),
        (SectionKind::GramFst, parts.gram_fst.clone()),
        (SectionKind::Postings, parts.postings.clone()),
        (SectionKind::WordFst, parts.word_fst.clone()),
        (SectionKind::Fold, parts.fold.clone()),
        (SectionKind::PinyinFst, parts.pinyin_fst.clone()),
        (SectionKind::PinyinChars, parts.pinyin_chars.clone()),
        (SectionKind::WordRefs, parts.word_refs.clone()),
        (SectionKind::Links, parts.links.clone()),
        (SectionKind::TitleParents, parts.title_parents.clone()),
        (SectionKind::PassageLinks, parts.passage_links.clone()),
        (SectionKind::Numbering, parts.numbering.clone()),
    ];
    let header_len = 8 + 4 + 4 + sections.len() * SECTION_ENTRY_LEN;
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    push_u32s(&mut out, &[VERSION, sections.len() as u32]);
    let mut offset = header_len;
    let mut table = Vec::new();
    for (kind, bytes) in &sections {
        offset = offset.next_multiple_of(4);
        table.push((
            *kind as u32,
            offset as u32,
            bytes.len() as u32,
            checksum(bytes),
        ));
        offset += bytes.len();
    }
    for (kind, off, len, sum) in &table {
        push_u32s(&mut out, &[*kind, *off, *len, *sum]);
    }
    for ((_, bytes), (_, off, _, _)) in sections.iter().zip(&table) {
        out.resize(*off as usize, 0);
        out.extend_from_slice(bytes);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Reader

/// A zero-copy view of an index: the sections borrowed from the bytes, read through methods that
/// check every offset and id.
pub struct IndexView<'a> {
    bytes: &'a [u8],
    stats: Stats,
    blob: &'a [u8],
    passage_offsets: U32Array<'a>,
    title_first: U32Array<'a>,
    title_offsets: U32Array<'a>,
    source_first: U32Array<'a>,
    source_offsets: U32Array<'a>,
    grams: fst::Map<&'a [u8]>,
    words: fst::Map<&'a [u8]>,
    pinyin: fst::Map<&'a [u8]>,
    pinyin_chars: &'a [u8],
    /// The WordRefs section ([`decode_word_refs`]; read by the scan layout's first search).
    word_refs: &'a [u8],
    postings: &'a [u8],
    fold: FoldTable<'a>,
    links: Links<'a>,
    /// Empty, or one u32 per title (see [`encode_title_parents`]).
    title_parents: U32Array<'a>,
    /// Empty, or one byte per passage (see [`encode_passage_links`]).
    passage_links: &'a [u8],
    /// Empty, or one byte per title and source (see [`encode_numbering`]).
    numbering: &'a [u8],
    passages_checked: Utf8Checked,
    titles_checked: Utf8Checked,
}

impl<'a> IndexView<'a> {
    /// Checks the header, the section bounds and every section's checksum (one pass over the
    /// bytes, no parsing or copying) and borrows every section.
    pub fn open(bytes: &'a [u8]) -> Result<IndexView<'a>> {
        if bytes.len() < 16 {
            return Err(if bytes.starts_with(&MAGIC[..bytes.len().min(8)]) {
                FormatError::Truncated { what: "header" }
            } else {
                FormatError::BadMagic
            });
        }
        if &bytes[..8] != MAGIC {
            return Err(FormatError::BadMagic);
        }
        let version = read_u32_at(bytes, 8, "header")?;
        if version != VERSION {
            return Err(FormatError::UnsupportedVersion {
                found: version,
                expected: VERSION,
            });
        }
        let count = read_u32_at(bytes, 12, "header")? as usize;
        if count > 64 {
            return Err(FormatError::OutOfBounds {
                what: "section count",
            });
        }
        let mut found: [Option<(&'a [u8], u32)>; KIND_SLOTS] = [None; KIND_SLOTS];
        for i in 0..count {
            let at = 16 + i * SECTION_ENTRY_LEN;
            let kind = read_u32_at(bytes, at, "section table")?;
            let off = read_u32_at(bytes, at + 4, "section table")? as usize;
            let len = read_u32_at(bytes, at + 8, "section table")? as usize;
            let sum = read_u32_at(bytes, at + 12, "section table")?;
            let section = off
                .checked_add(len)
                .and_then(|end| bytes.get(off..end))
                .ok_or(FormatError::Truncated { what: "section" })?;
            if let Some(slot) = found.get_mut(kind as usize) {
                *slot = Some((section, sum));
            }
        }
        // Every section's checksum is verified here (one sequential pass, no parsing or
        // copying), so a damaged index is refused at open instead of answering with altered
        // text; the fst crate trusts its bytes when traversing, so its sections need it most.
        // Reads are bounds-checked all the same.
        let section = |kind: SectionKind| {
            let (bytes, sum) = found[kind as usize].ok_or(FormatError::MissingSection(kind))?;
            if checksum(bytes) != sum {
                return Err(FormatError::BadChecksum(kind));
            }
            Ok(bytes)
        };
        let u32s = |kind: SectionKind, what| section(kind).and_then(|b| U32Array::new(b, what));
        let fst_map = |kind: SectionKind| {
            fst::Map::new(section(kind)?).map_err(|_| FormatError::BadFst(kind))
        };
        let stats = Stats::decode(section(SectionKind::Stats)?)?;
        let view = IndexView {
            bytes,
            stats,
            blob: section(SectionKind::Blob)?,
            passage_offsets: u32s(SectionKind::PassageOffsets, "passage offsets")?,
            title_first: u32s(SectionKind::TitleFirst, "title table")?,
            title_offsets: u32s(SectionKind::TitleOffsets, "title offsets")?,
            source_first: u32s(SectionKind::SourceFirst, "source table")?,
            source_offsets: u32s(SectionKind::SourceOffsets, "source offsets")?,
            grams: fst_map(SectionKind::GramFst)?,
            words: fst_map(SectionKind::WordFst)?,
            pinyin: fst_map(SectionKind::PinyinFst)?,
            pinyin_chars: section(SectionKind::PinyinChars)?,
            word_refs: section(SectionKind::WordRefs)?,
            postings: section(SectionKind::Postings)?,
            fold: FoldTable::new(section(SectionKind::Fold)?)?,
            links: Links::open(
                section(SectionKind::Links)?,
                2 * u64::from(stats.sources) + u64::from(stats.titles),
            )?,
            title_parents: u32s(SectionKind::TitleParents, "title parents")?,
            passage_links: section(SectionKind::PassageLinks)?,
            numbering: section(SectionKind::Numbering)?,
            passages_checked: Utf8Checked::new(0),
            titles_checked: Utf8Checked::new(0),
        };
        let s = view.stats;
        let consistent = view.passage_offsets.len() == s.passages as usize + 1
            && view.title_first.len() == s.titles as usize
            && view.title_offsets.len() == s.titles as usize + 1
            && view.source_first.len() == s.sources as usize
            && view.source_offsets.len() == s.sources as usize + 1
            && (view.title_parents.is_empty() || view.title_parents.len() == s.titles as usize)
            && (view.passage_links.is_empty() || view.passage_links.len() == s.passages as usize)
            && (view.numbering.is_empty()
                || view.numbering.len() as u64 == u64::from(s.titles) + u64::from(s.sources))
            && (s.passages == 0
                || (view.title_first.get(0) == Some(0) && view.source_first.get(0) == Some(0)));
        if !consistent {
            return Err(FormatError::OutOfBounds {
                what: "table sizes",
            });
        }
        // A parent must be an earlier title (so heading paths are finite walks up).
        for t in 0..view.title_parents.len() {
            if view.title_parents.get(t).is_some_and(|p| p as usize > t) {
                return Err(FormatError::OutOfBounds {
                    what: "title parent",
                });
            }
        }
        Ok(IndexView {
            passages_checked: Utf8Checked::new(view.passage_offsets.len()),
            titles_checked: Utf8Checked::new(view.title_offsets.len()),
            ..view
        })
    }

    /// The whole index, as opened.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The corpus-wide numbers of the Stats section.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The WordFst section: vocabulary word → frequency (empty in the scan layout, whose
    /// vocabulary is [`IndexView::word_refs`]).
    pub fn words(&self) -> &fst::Map<&'a [u8]> {
        &self.words
    }

    /// Whether queries scan the texts instead of a gram index (see [`FLAG_SCAN`]).
    pub fn is_scan(&self) -> bool {
        self.stats.flags & FLAG_SCAN != 0
    }

    /// Refuses this index unless its layout is `compiled` (`Some(true)`: scan; `None`: any),
    /// for a module that has compiled the other layout's query code out.
    pub fn require_layout(&self, compiled: Option<bool>) -> Result<()> {
        check_layout(compiled, self.stats.flags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_compiled_for_one_layout_refuses_the_other() {
        let (scan, grams) = (FLAG_SCAN, 0);
        assert_eq!(check_layout(None, scan), Ok(()));
        assert_eq!(check_layout(None, grams), Ok(()));
        assert_eq!(check_layout(Some(true), scan), Ok(()));
        assert_eq!(check_layout(Some(false), grams), Ok(()));
        assert_eq!(
            check_layout(Some(true), grams),
            Err(FormatError::WrongLayout { scan: false })
        );
        assert_eq!(
            check_layout(Some(false), scan),
            Err(FormatError::WrongLayout { scan: true })
        );
        assert!(FormatError::WrongLayout { scan: true }
            .to_string()
            .contains("compiled for gram-layout indexes only"));
    }

    #[test]
    fn header_errors() {
        assert_eq!(
            IndexView::open(b"").err(),
            Some(FormatError::Truncated { what: "header" })
        );
        assert_eq!(
            IndexView::open(b"NOTANINDEXATALL!!").err(),
            Some(FormatError::BadMagic)
        );
        let mut bytes = encode_index(&IndexParts::default());
        bytes[8] = 99;
        assert!(matches!(
            IndexView::open(&bytes),
            Err(FormatError::UnsupportedVersion { found: 99, .. })
        ));
    }
}
