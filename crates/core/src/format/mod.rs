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
//!            FoldPacked (the sorted (traditional, simplified) char pairs as varints),
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
//! pinyin   : `reading` → the offset of the list in PinyinChars of the corpus's Han
//!            characters usually read so (`tan` → 碳谈探…); `~syllable syllable…\0word` → 0 for
//!            every vocabulary word whose reading differs from its characters' usual ones
//!            (`~yin hang\0银行`), with `usual^character\0word` → 0 for each character read
//!            otherwise in such a word, under its usual reading (`xing^行\0银行`: right after the
//!            reading's own key, so the readings a query walks bring their exceptions along)
//! chars    : per reading, varint count, then count × (varint code point delta (the first
//!            from 0), ascending;
//!            varint occurrences of the character in the match keys of texts and titles)
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
mod keymap;
mod links;
mod pinyin;
mod postings;
mod sharded;
mod stats;
mod texts;
mod word_refs;

pub use codec::{checksum, xxh32};
pub use fold::FoldTable;
pub use keymap::{KeyMap, MapVocabulary};
pub use links::{encode_numbering, encode_passage_links, encode_title_parents, Links};
pub use pinyin::{
    decode_char_list, decode_pair_list, encode_char_list, encode_pair_list,
    inside_word_read_otherwise, read_otherwise_entry, read_otherwise_key, reading_pair_key,
    CountedChar, CountedPair, READING_PAIR_MARK, READING_PAIR_RUNS,
};
pub use postings::{union, Posting, PostingsBlock};
pub use sharded::{
    char_union_key, root_name, shard_path, split_index, usual_reading_key, ShardSizes, ShardStore,
    Sharded, CHAR_UNION_MARK, INDEX_FILE_STEM, SHARD_MAGIC,
};
pub use stats::Stats;
pub use word_refs::{
    decode_word_refs, encode_word_refs, WordRef, KEY_SEPARATOR, WORD_REF_MAX_CHARS,
};

use codec::{push_u32s, read_u32_at, Bytes, U32Array};
use texts::Utf8Checked;

/// First bytes of every index.
pub const MAGIC: &[u8; 8] = b"ZHSEARCH";
/// Bumped whenever the layout changes; an index of another version is refused.
pub const VERSION: u32 = 16;
/// Bytes of one section-table entry.
const SECTION_ENTRY_LEN: usize = 16;
/// `Stats::flags`: the gram index is empty and queries scan the texts instead: the engine folds
/// every text and title into one match-key string at its first search (small corpora, where a
/// scan takes microseconds and a gram index would be most of the module).
pub const FLAG_SCAN: u32 = 1;
/// `Stats::flags`: this is the root of a sharded index ([`ShardStore`]); most sections are in
/// shard files (see `sharded`).
pub const FLAG_SHARDED: u32 = 2;

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
    // 11 was the Fold table unpacked (format 13 and before): see FoldPacked.
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
    /// A sharded index's root: where the other sections' pages and key ranges are.
    Shards = 20,
    /// Sharded only: per passage, its text's length in characters (u32), so that scoring a
    /// candidate reads a number instead of fetching its text.
    PassageChars = 21,
    /// Sharded only: per title, its length in characters (u32).
    TitleChars = 22,
    /// The corpus's traditional → simplified pairs, packed ([`FoldTable::pack`]).
    FoldPacked = 23,
}

/// Whether this build reads sharded indexes (the `sharded` feature).
pub const SHARDED: bool = cfg!(feature = "sharded");

/// One slot per possible [`SectionKind`] value.
const KIND_SLOTS: usize = 24;

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
    /// A module compiled for one layout (its embedded index's, or one of `make engine`'s
    /// per-layout modules: the engine's `EMBEDDED_LAYOUT_IS_SCAN`) was given an index of the
    /// other layout.
    WrongLayout { scan: bool },
    /// The search read shards of a sharded index that have not arrived
    /// ([`ShardStore::take_missing`] lists them): fetch them, add them, search again.
    NeedShards,
    /// A shard of another build than its root: the index was rebuilt; reload its root.
    WrongBuild,
    /// A shard's checksum does not match its bytes.
    BadShardChecksum { shard: u32 },
    /// Only gram-layout indexes are sharded (the scan layout reads every text at its first
    /// search).
    ScanNotShardable,
    /// A single-file index was given where a sharded index's root was expected.
    NotSharded,
    /// A sharded index's root was opened as a single-file index: open it with [`ShardStore`].
    ShardedRoot,
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
                "this module was compiled for {} indexes only: serve the index with the engine module the indexer wrote beside it (zh-search index), or build the module over this corpus",
                if *scan { "gram-layout" } else { "scan-layout" }
            ),
            FormatError::NeedShards => write!(f, "the search needs index shards that have not been fetched"),
            FormatError::WrongBuild => write!(
                f,
                "index shard belongs to another build of the index (the site was re-indexed): reload the page"
            ),
            FormatError::BadShardChecksum { shard } => {
                write!(f, "index shard {shard} is corrupt: checksum mismatch")
            }
            FormatError::ScanNotShardable => write!(
                f,
                "a scan-layout index cannot be sharded; build it with the gram layout"
            ),
            FormatError::NotSharded => write!(f, "not the root of a sharded zh-search index"),
            FormatError::ShardedRoot => write!(
                f,
                "this is the root of a sharded index: open it with its shards (ShardStore)"
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
    /// [`FoldTable::encode`]'s table (written packed).
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
        (
            SectionKind::FoldPacked,
            FoldTable::new(&parts.fold)
                .expect("IndexParts::fold holds FoldTable::encode's table")
                .pack(),
        ),
        (SectionKind::PinyinFst, parts.pinyin_fst.clone()),
        (SectionKind::PinyinChars, parts.pinyin_chars.clone()),
        (SectionKind::WordRefs, parts.word_refs.clone()),
        (SectionKind::Links, parts.links.clone()),
        (SectionKind::TitleParents, parts.title_parents.clone()),
        (SectionKind::PassageLinks, parts.passage_links.clone()),
        (SectionKind::Numbering, parts.numbering.clone()),
    ];
    encode_sections(&sections)
}

/// The header and the sections, each 4-byte aligned (a single-file index, a sharded root).
pub(crate) fn encode_sections(sections: &[(SectionKind, Vec<u8>)]) -> Vec<u8> {
    let header_len = 8 + 4 + 4 + sections.len() * SECTION_ENTRY_LEN;
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    push_u32s(&mut out, &[VERSION, sections.len() as u32]);
    let mut offset = header_len;
    let mut table = Vec::new();
    for (kind, bytes) in sections {
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

/// A zero-copy view of an index: the sections borrowed from the bytes (or, for a sharded
/// index, from the root and the shards of a [`ShardStore`] as they arrive), read through
/// methods that check every offset and id.
pub struct IndexView<'a> {
    bytes: &'a [u8],
    stats: Stats,
    blob: Bytes<'a>,
    passage_offsets: U32Array<'a>,
    title_first: U32Array<'a>,
    title_offsets: U32Array<'a>,
    source_first: U32Array<'a>,
    source_offsets: U32Array<'a>,
    grams: KeyMap<'a>,
    words: KeyMap<'a>,
    pinyin: KeyMap<'a>,
    /// The WordRefs section ([`decode_word_refs`]; read by the scan layout's first search).
    word_refs: &'a [u8],
    /// The Fold table unpacked ([`FoldTable::new`]'s bytes): a sharded index's from its store,
    /// a single file's unpacked at open.
    fold: std::borrow::Cow<'a, [u8]>,
    links: Links<'a>,
    /// Empty, or one u32 per title (see [`encode_title_parents`]).
    title_parents: U32Array<'a>,
    /// Empty, or one byte per passage (see [`encode_passage_links`]).
    passage_links: Bytes<'a>,
    /// Empty, or one byte per title and source (see [`encode_numbering`]).
    numbering: Bytes<'a>,
    /// Sharded: per passage / per title, the length in characters (empty: count the text).
    passage_chars: U32Array<'a>,
    title_chars: U32Array<'a>,
    /// A sharded index's store (`None`: a single file).
    store: Option<&'a ShardStore>,
    passages_checked: Utf8Checked,
    titles_checked: Utf8Checked,
}

/// The sections of an index or root file, checked: magic, version, bounds, checksums.
pub(crate) fn raw_sections(bytes: &[u8]) -> Result<Vec<(u32, &[u8])>> {
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
    let mut out = Vec::with_capacity(count);
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
        // Every section's checksum is verified here (one sequential pass, no parsing or
        // copying), so a damaged index is refused at open instead of answering with altered
        // text; the fst crate trusts its bytes when traversing, so its sections need it most.
        // Reads are bounds-checked all the same.
        if checksum(section) != sum {
            if let Some(kind) = section_kind_of(kind) {
                return Err(FormatError::BadChecksum(kind));
            }
        }
        out.push((kind, section));
    }
    Ok(out)
}

/// The [`SectionKind`] of a section-table value this version knows.
pub(crate) fn section_kind_of(value: u32) -> Option<SectionKind> {
    use SectionKind::*;
    [
        Stats,
        Blob,
        PassageOffsets,
        TitleFirst,
        TitleOffsets,
        SourceFirst,
        SourceOffsets,
        GramFst,
        WordFst,
        Postings,
        PinyinFst,
        PinyinChars,
        WordRefs,
        Links,
        TitleParents,
        PassageLinks,
        Numbering,
        Shards,
        PassageChars,
        TitleChars,
        FoldPacked,
    ]
    .into_iter()
    .find(|k| *k as u32 == value)
}

impl<'a> IndexView<'a> {
    /// Checks the header, the section bounds and every section's checksum (one pass over the
    /// bytes, no parsing or copying) and borrows every section.
    pub fn open(bytes: &'a [u8]) -> Result<IndexView<'a>> {
        let view = Self::assemble(bytes, None)?;
        if view.stats.flags & FLAG_SHARDED != 0 {
            return Err(FormatError::ShardedRoot);
        }
        Ok(view)
    }

    /// A view of a sharded index: the root's sections, and the store's pages and key ranges
    /// for the rest. Reads of shards that have not arrived answer `None` (or an error) and are
    /// recorded in the store (see `sharded`).
    pub fn open_sharded(store: &'a ShardStore) -> Result<IndexView<'a>> {
        if !SHARDED {
            return Err(FormatError::ShardedRoot);
        }
        Self::assemble(store.root(), Some(store))
    }

    fn assemble(bytes: &'a [u8], store: Option<&'a ShardStore>) -> Result<IndexView<'a>> {
        let mut found: [Option<&'a [u8]>; KIND_SLOTS] = [None; KIND_SLOTS];
        for (kind, section) in raw_sections(bytes)? {
            if let Some(slot) = found.get_mut(kind as usize) {
                *slot = Some(section);
            }
        }
        let section = |kind: SectionKind| -> Result<Bytes<'a>> {
            if let Some(bytes) = found[kind as usize] {
                return Ok(Bytes::Whole(bytes));
            }
            store
                .and_then(|s| s.paged(kind))
                .ok_or(FormatError::MissingSection(kind))
        };
        let whole =
            |kind: SectionKind| found[kind as usize].ok_or(FormatError::MissingSection(kind));
        let u32s = |kind: SectionKind, what| section(kind).and_then(|b| U32Array::of(b, what));
        let key_map = |kind: SectionKind, area: Option<SectionKind>| -> Result<KeyMap<'a>> {
            if let Some(bytes) = found[kind as usize] {
                let map = fst::Map::new(bytes).map_err(|_| FormatError::BadFst(kind))?;
                let area = match area {
                    Some(area) => whole(area)?,
                    None => &[],
                };
                return Ok(KeyMap::Whole { map, area });
            }
            let (map, missing) = store
                .and_then(|s| s.map(kind))
                .ok_or(FormatError::MissingSection(kind))?;
            Ok(KeyMap::Ranges { map, missing })
        };
        let stats = Stats::decode(whole(SectionKind::Stats)?)?;
        let sharded = store.is_some();
        if sharded != (stats.flags & FLAG_SHARDED != 0) {
            return Err(if sharded {
                FormatError::NotSharded
            } else {
                FormatError::ShardedRoot
            });
        }
        // A sharded index keeps its texts, titles and source names in the store's string
        // groups, its lengths in tables of their own, its Fold table unpacked in the store.
        let strings = |kind: SectionKind, what| {
            if sharded {
                Ok(U32Array(Bytes::EMPTY))
            } else {
                u32s(kind, what)
            }
        };
        let lengths = |kind: SectionKind, what| {
            if sharded {
                u32s(kind, what)
            } else {
                Ok(U32Array(Bytes::EMPTY))
            }
        };
        let view = IndexView {
            bytes,
            stats,
            blob: if sharded {
                Bytes::EMPTY
            } else {
                section(SectionKind::Blob)?
            },
            passage_offsets: strings(SectionKind::PassageOffsets, "passage offsets")?,
            title_first: u32s(SectionKind::TitleFirst, "title table")?,
            title_offsets: strings(SectionKind::TitleOffsets, "title offsets")?,
            source_first: u32s(SectionKind::SourceFirst, "source table")?,
            source_offsets: strings(SectionKind::SourceOffsets, "source offsets")?,
            grams: key_map(SectionKind::GramFst, Some(SectionKind::Postings))?,
            words: key_map(SectionKind::WordFst, None)?,
            pinyin: key_map(SectionKind::PinyinFst, Some(SectionKind::PinyinChars))?,
            word_refs: if sharded {
                &[]
            } else {
                whole(SectionKind::WordRefs)?
            },
            fold: match store {
                Some(store) => std::borrow::Cow::Borrowed(store.fold()),
                None => FoldTable::unpack(whole(SectionKind::FoldPacked)?)?.into(),
            },
            links: Links::open(
                section(SectionKind::Links)?,
                2 * u64::from(stats.sources) + u64::from(stats.titles),
            )?,
            title_parents: u32s(SectionKind::TitleParents, "title parents")?,
            passage_links: section(SectionKind::PassageLinks)?,
            numbering: section(SectionKind::Numbering)?,
            passage_chars: lengths(SectionKind::PassageChars, "passage lengths")?,
            title_chars: lengths(SectionKind::TitleChars, "title lengths")?,
            store,
            passages_checked: Utf8Checked::new(0),
            titles_checked: Utf8Checked::new(0),
        }
        .checked_sizes()?;
        if sharded {
            // Parents are checked as they are read (`title_parent`).
            return Ok(view);
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

    /// Refuses tables whose sizes disagree with the stats.
    fn checked_sizes(self) -> Result<Self> {
        let s = self.stats;
        let view = &self;
        // A sharded index keeps its strings in groups (`sharded::StringGroups`) instead.
        let strings = view.store.is_some()
            || (view.passage_offsets.len() == s.passages as usize + 1
                && view.title_offsets.len() == s.titles as usize + 1
                && view.source_offsets.len() == s.sources as usize + 1);
        let consistent = strings
            && view.title_first.len() == s.titles as usize
            && view.source_first.len() == s.sources as usize
            && (view.title_parents.is_empty() || view.title_parents.len() == s.titles as usize)
            && (view.passage_links.is_empty() || view.passage_links.len() == s.passages as usize)
            && (view.numbering.is_empty()
                || view.numbering.len() as u64 == u64::from(s.titles) + u64::from(s.sources))
            && (view.passage_chars.is_empty() || view.passage_chars.len() == s.passages as usize)
            && (view.title_chars.is_empty() || view.title_chars.len() == s.titles as usize);
        if !consistent {
            return Err(FormatError::OutOfBounds {
                what: "table sizes",
            });
        }
        // Checked where the first entries are at hand (a sharded index reads them on use).
        if let (Bytes::Whole(_), Bytes::Whole(_)) = (view.title_first.0, view.source_first.0) {
            if s.passages != 0
                && !(view.title_first.get(0) == Some(0) && view.source_first.get(0) == Some(0))
            {
                return Err(FormatError::OutOfBounds {
                    what: "table sizes",
                });
            }
        }
        Ok(self)
    }

    /// The shard store of a sharded index (`None`: a single file). Always `None` without the
    /// `sharded` feature, so that every sharded read folds away in a module that opens none.
    pub fn shard_store(&self) -> Option<&'a ShardStore> {
        if SHARDED {
            self.store
        } else {
            None
        }
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
    pub fn words(&self) -> &KeyMap<'a> {
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
