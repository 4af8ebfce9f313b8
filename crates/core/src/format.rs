//! The index file format: the one place that knows the byte layout.
//!
//! `build.rs` writes an index with [`encode_index`]; the runtime opens the same bytes with
//! [`IndexView::open`]. Opening checks the magic, the version, that every section lies inside
//! the file and matches its checksum, then hands out borrowed views: nothing is parsed or
//! copied up front, and every later read (`varint`, offsets, string slices) is bounds-checked,
//! so a damaged index yields a [`FormatError`] instead of a panic or altered text.
//!
//! Layout (all integers little-endian):
//! ```text
//! header   : MAGIC (8 bytes) | VERSION u32 | section count u32
//!            | count × (kind u32, offset u32, len u32, checksum u32)
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

/// First bytes of every index.
pub const MAGIC: &[u8; 8] = b"ZHSEARCH";
/// Bumped whenever the layout changes; an index of another version is refused.
pub const VERSION: u32 = 9;
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
// Primitive encodings

/// Appends `value` as an unsigned LEB128 varint.
pub fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads a varint at `*pos`, advancing it. Fails on truncation or on more than 64 bits.
pub fn read_varint(bytes: &[u8], pos: &mut usize) -> Result<u64> {
    let mut value = 0u64;
    let mut shift = 0u32;
    loop {
        let byte = *bytes
            .get(*pos)
            .ok_or(FormatError::Truncated { what: "varint" })?;
        *pos += 1;
        if shift == 63 && byte > 1 {
            return Err(FormatError::OutOfBounds { what: "varint" });
        }
        value |= u64::from(byte & 0x7F) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
        shift += 7;
        if shift > 63 {
            return Err(FormatError::OutOfBounds { what: "varint" });
        }
    }
}

fn read_u32_at(bytes: &[u8], pos: usize, what: &'static str) -> Result<u32> {
    let end = pos.checked_add(4).ok_or(FormatError::Truncated { what })?;
    let b = bytes.get(pos..end).ok_or(FormatError::Truncated { what })?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Remembers which strings of the blob have been validated as UTF-8, so each is checked once,
/// on first read, instead of on every read (or all at open).
struct Utf8Checked(Vec<std::sync::atomic::AtomicU64>);

impl Utf8Checked {
    fn new(strings: usize) -> Self {
        Utf8Checked(
            (0..strings.div_ceil(64))
                .map(|_| std::sync::atomic::AtomicU64::new(0))
                .collect(),
        )
    }

    fn str<'b>(&self, i: usize, bytes: &'b [u8]) -> Result<&'b str> {
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

/// A borrowed array of little-endian u32s.
#[derive(Clone, Copy, Debug)]
pub struct U32Array<'a>(&'a [u8]);

impl<'a> U32Array<'a> {
    fn new(bytes: &'a [u8], what: &'static str) -> Result<Self> {
        if bytes.len() % 4 != 0 {
            return Err(FormatError::Truncated { what });
        }
        Ok(U32Array(bytes))
    }
    pub fn len(&self) -> usize {
        self.0.len() / 4
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn get(&self, i: usize) -> Option<u32> {
        let start = i.checked_mul(4)?;
        let b = self.0.get(start..start + 4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    /// Index of the last entry `<= value` (entries must be ascending), if any.
    pub fn last_at_or_below(&self, value: u32) -> Option<usize> {
        let (mut lo, mut hi) = (0usize, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.get(mid)? <= value {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo.checked_sub(1)
    }
}

fn push_u32s(out: &mut Vec<u8>, values: &[u32]) {
    for v in values {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

/// A fast 32-bit checksum (multiply-rotate over 8-byte words; no lookup table, so it adds
/// almost nothing to the wasm). Detects damage, not tampering.
pub fn checksum(bytes: &[u8]) -> u32 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(word))
            .wrapping_mul(K)
            .rotate_left(31);
    }
    for &b in chunks.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(K).rotate_left(31);
    }
    (h ^ (h >> 32)) as u32
}

// ---------------------------------------------------------------------------------------------
// Stats

/// Corpus-wide numbers stored in the index.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Stats {
    pub passages: u32,
    pub titles: u32,
    pub sources: u32,
    pub grams: u32,
    pub words: u32,
    /// Mean match-key length of passage texts, in chars (BM25 length normalisation).
    pub avg_text_chars: f32,
    /// Mean match-key length of titles, in chars.
    pub avg_title_chars: f32,
    /// Sum of all vocabulary frequencies (the segmenter's probability denominator).
    pub word_freq_total: u64,
    /// Longest vocabulary word, in chars (bounds the segmenter's look-ahead).
    pub max_word_chars: u32,
    /// Layout options ([`FLAG_SCAN`]).
    pub flags: u32,
}

const STATS_LEN: usize = 4 * 5 + 4 * 2 + 8 + 4 + 4;

impl Stats {
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(STATS_LEN);
        push_u32s(
            &mut out,
            &[
                self.passages,
                self.titles,
                self.sources,
                self.grams,
                self.words,
            ],
        );
        out.extend_from_slice(&self.avg_text_chars.to_le_bytes());
        out.extend_from_slice(&self.avg_title_chars.to_le_bytes());
        out.extend_from_slice(&self.word_freq_total.to_le_bytes());
        out.extend_from_slice(&self.max_word_chars.to_le_bytes());
        out.extend_from_slice(&self.flags.to_le_bytes());
        out
    }

    fn decode(bytes: &[u8]) -> Result<Stats> {
        if bytes.len() != STATS_LEN {
            return Err(FormatError::Truncated { what: "stats" });
        }
        let u = |i: usize| read_u32_at(bytes, i * 4, "stats");
        let f = |pos: usize| read_u32_at(bytes, pos, "stats").map(f32::from_bits);
        let mut total = [0u8; 8];
        total.copy_from_slice(&bytes[28..36]);
        Ok(Stats {
            passages: u(0)?,
            titles: u(1)?,
            sources: u(2)?,
            grams: u(3)?,
            words: u(4)?,
            avg_text_chars: f(20)?,
            avg_title_chars: f(24)?,
            word_freq_total: u64::from_le_bytes(total),
            max_word_chars: read_u32_at(bytes, 36, "stats")?,
            flags: read_u32_at(bytes, 40, "stats")?,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Fold table

/// Traditional → simplified character pairs, sorted by the traditional character.
///
/// The builder keeps only pairs whose simplified side occurs in the corpus: a query character
/// outside the table cannot match anything whether it is folded or not, so the table stays a
/// few kilobytes instead of carrying all of OpenCC's 2,700 pairs.
#[derive(Clone, Copy, Debug)]
pub struct FoldTable<'a>(&'a [u8]);

impl<'a> FoldTable<'a> {
    pub const EMPTY: FoldTable<'static> = FoldTable(&[]);
    /// [`FoldTable::get`] answers only characters from here on (CJK radicals upwards).
    pub const FIRST_FOLDED: u32 = 0x2E80;

    pub fn new(bytes: &'a [u8]) -> Result<Self> {
        if bytes.len() % 8 != 0 {
            return Err(FormatError::Truncated { what: "fold table" });
        }
        Ok(FoldTable(bytes))
    }

    pub fn encode(pairs: &[(char, char)]) -> Vec<u8> {
        let mut sorted = pairs.to_vec();
        sorted.sort_unstable();
        sorted.dedup_by_key(|p| p.0);
        let mut out = Vec::with_capacity(sorted.len() * 8);
        for (from, to) in sorted {
            push_u32s(&mut out, &[from as u32, to as u32]);
        }
        out
    }

    pub fn len(&self) -> usize {
        self.0.len() / 8
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every pair [`FoldTable::get`] answers, ascending: (traditional, simplified) from
    /// [`FoldTable::FIRST_FOLDED`] on; pairs of a damaged table that are not two characters are
    /// skipped.
    pub fn pairs(&self) -> impl Iterator<Item = (char, char)> + 'a {
        self.0.chunks_exact(8).filter_map(|chunk| {
            let (from, to) = Self::pair(chunk);
            if from < Self::FIRST_FOLDED {
                return None;
            }
            Some((char::from_u32(from)?, char::from_u32(to)?))
        })
    }

    /// The (from, to) code points of one 8-byte entry.
    fn pair(chunk: &[u8]) -> (u32, u32) {
        let word = |at: usize| {
            u32::from_le_bytes([chunk[at], chunk[at + 1], chunk[at + 2], chunk[at + 3]])
        };
        (word(0), word(4))
    }

    /// The simplified form of `c`, if the table has one.
    pub fn get(&self, c: char) -> Option<char> {
        // Traditional characters are all outside ASCII and Latin: most characters of most
        // texts leave here without a search.
        let key = c as u32;
        if key < Self::FIRST_FOLDED || self.0.is_empty() {
            return None;
        }
        let (mut lo, mut hi) = (0usize, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let (from, to) = Self::pair(&self.0[mid * 8..mid * 8 + 8]);
            match from.cmp(&key) {
                std::cmp::Ordering::Equal => return char::from_u32(to),
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Word references (scan layout)

/// Ends every match key in the string the scan layout searches (`scan::ScanKeys`), which word
/// references point into. Match keys and query terms never hold whitespace (folding drops it).
pub const KEY_SEPARATOR: char = '\n';

/// A vocabulary word of a scan-layout index, named by one of its occurrences in the keys
/// instead of spelled out. The scan layout folds the keys at its first search anyway, and a
/// reference costs 2–3 bytes where the word fst spends about 9 per Chinese word (the seeds'
/// 1,475 words: 13.4 KB of fst).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct WordRef {
    /// Byte offset of the occurrence in the keys (see the module docs).
    pub at: u32,
    /// Length in characters, `1..=WORD_REF_MAX_CHARS`.
    pub chars: u32,
    /// The word's frequency (occurrences the build counted), at least 1.
    pub freq: u64,
}

/// Low bits of a reference's second varint that hold its length.
const WORD_REF_LEN_BITS: u32 = 4;
/// Longest word a reference can name.
pub const WORD_REF_MAX_CHARS: u32 = (1 << WORD_REF_LEN_BITS) - 1;

/// The WordRefs section for `refs` (written in offset order).
pub fn encode_word_refs(refs: &[WordRef]) -> Vec<u8> {
    let mut sorted = refs.to_vec();
    sorted.sort_unstable();
    let mut out = Vec::with_capacity(3 * sorted.len() + 4);
    write_varint(&mut out, sorted.len() as u64);
    let mut previous = 0u32;
    for r in &sorted {
        assert!(
            (1..=WORD_REF_MAX_CHARS).contains(&r.chars),
            "word references name words of 1 to {WORD_REF_MAX_CHARS} characters"
        );
        write_varint(&mut out, u64::from(r.at - previous));
        write_varint(
            &mut out,
            r.freq.clamp(1, u64::MAX >> WORD_REF_LEN_BITS) << WORD_REF_LEN_BITS
                | u64::from(r.chars),
        );
        previous = r.at;
    }
    out
}

/// Decodes a WordRefs section, checking every field; offsets are checked against the keys by
/// their reader (`scan::WordList`).
pub fn decode_word_refs(bytes: &[u8]) -> Result<Vec<WordRef>> {
    let what = "word reference";
    let mut pos = 0;
    let count = read_varint(bytes, &mut pos)?;
    // Every reference takes at least two bytes: a count beyond that is corrupt, not a reason
    // to reserve gigabytes.
    if count > (bytes.len() / 2) as u64 {
        return Err(FormatError::OutOfBounds { what });
    }
    let mut out = Vec::with_capacity(count as usize);
    let mut at = 0u32;
    for _ in 0..count {
        let delta = read_varint(bytes, &mut pos)?;
        at = u32::try_from(delta)
            .ok()
            .and_then(|d| at.checked_add(d))
            .ok_or(FormatError::OutOfBounds { what })?;
        let packed = read_varint(bytes, &mut pos)?;
        let chars = (packed & u64::from(WORD_REF_MAX_CHARS)) as u32;
        let freq = packed >> WORD_REF_LEN_BITS;
        if chars == 0 || freq == 0 {
            return Err(FormatError::OutOfBounds { what });
        }
        out.push(WordRef { at, chars, freq });
    }
    if pos != bytes.len() {
        return Err(FormatError::OutOfBounds { what });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Pinyin character lists

/// Appends `chars` (ascending) to the PinyinChars bytes; returns the PinyinFst value for it.
pub fn encode_char_list(out: &mut Vec<u8>, chars: &[char]) -> u64 {
    let value = (out.len() as u64) << 16 | chars.len().min(0xFFFF) as u64;
    let mut previous = 0u32;
    for &c in chars.iter().take(0xFFFF) {
        write_varint(out, u64::from((c as u32).wrapping_sub(previous)));
        previous = c as u32;
    }
    value
}

/// The characters of the list a PinyinFst `value` points to, at most `limit` of them.
pub fn decode_char_list(bytes: &[u8], value: u64, limit: usize) -> Result<Vec<char>> {
    let mut pos = usize::try_from(value >> 16).map_err(|_| FormatError::OutOfBounds {
        what: "pinyin list",
    })?;
    let count = (value & 0xFFFF) as usize;
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
        out.push(char::from_u32(code).ok_or(FormatError::OutOfBounds {
            what: "pinyin character",
        })?);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Postings

/// One posting: a document (passage id or title id) and how often the key occurs in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Posting {
    pub doc: u32,
    pub tf: u32,
}

/// Entries are `varint(delta << 1 | tf > 1)` followed by `varint(tf)` only when tf > 1: most
/// grams occur once per passage, so most postings take one byte.
fn write_entries(out: &mut Vec<u8>, postings: &[Posting]) {
    let mut previous = 0u32;
    for (i, p) in postings.iter().enumerate() {
        let delta = if i == 0 { p.doc } else { p.doc - previous };
        write_varint(out, (u64::from(delta) << 1) | u64::from(p.tf > 1));
        if p.tf > 1 {
            write_varint(out, u64::from(p.tf));
        }
        previous = p.doc;
    }
}

fn read_entries(bytes: &[u8], pos: &mut usize, count: u64, doc_limit: u32) -> Result<Vec<Posting>> {
    // Each posting takes at least one byte: a count beyond that is corruption.
    if count > bytes.len().saturating_sub(*pos) as u64 {
        return Err(FormatError::OutOfBounds {
            what: "posting count",
        });
    }
    let mut out = Vec::with_capacity(count as usize);
    let mut doc = 0u64;
    for i in 0..count {
        let head = read_varint(bytes, pos)?;
        let delta = head >> 1;
        doc = if i == 0 {
            delta
        } else {
            doc.saturating_add(delta)
        };
        let tf = if head & 1 == 1 {
            read_varint(bytes, pos)?
        } else {
            1
        };
        if doc >= u64::from(doc_limit)
            || (i > 0 && delta == 0)
            || tf == 0
            || (head & 1 == 1 && tf < 2)
            || tf > u64::from(u32::MAX)
        {
            return Err(FormatError::OutOfBounds { what: "posting" });
        }
        out.push(Posting {
            doc: doc as u32,
            tf: tf as u32,
        });
    }
    Ok(out)
}

/// Where a gram occurs: in passage texts and in titles (both sorted by doc).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PostingsBlock {
    pub text: Vec<Posting>,
    pub title: Vec<Posting>,
}

/// Largest term frequency an inline gram value can hold.
const INLINE_MAX_TF: u32 = 15;

impl PostingsBlock {
    /// The fst value for this block: inline when it is a single text posting (most grams),
    /// otherwise the block is appended to `postings` and its offset returned.
    pub fn encode(&self, postings: &mut Vec<u8>) -> u64 {
        if let ([only], []) = (self.text.as_slice(), self.title.as_slice()) {
            if (1..=INLINE_MAX_TF).contains(&only.tf) {
                return (u64::from(only.doc) << 5) | (u64::from(only.tf) << 1) | 1;
            }
        }
        let offset = postings.len() as u64;
        let has_titles = !self.title.is_empty();
        write_varint(
            postings,
            ((self.text.len() as u64) << 1) | u64::from(has_titles),
        );
        write_entries(postings, &self.text);
        if has_titles {
            write_varint(postings, self.title.len() as u64);
            write_entries(postings, &self.title);
        }
        offset << 1
    }
}

// ---------------------------------------------------------------------------------------------
// Links

/// Where a hit links to: the page URL of every source and the heading anchor of every title
/// (HTML corpora). Text corpora have none, and the section is empty.
#[derive(Clone, Copy, Debug)]
pub struct Links<'a> {
    offsets: U32Array<'a>,
    strings: &'a [u8],
}

impl<'a> Links<'a> {
    /// Encodes `urls` (one per source), `anchors` (one per title) and `page_titles` (one per
    /// source); "" means none. Empty when every string is.
    pub fn encode(urls: &[&str], anchors: &[&str], page_titles: &[&str]) -> Vec<u8> {
        let all = || urls.iter().chain(anchors).chain(page_titles);
        if all().all(|s| s.is_empty()) {
            return Vec::new();
        }
        let mut offsets = vec![0u32];
        let mut strings = Vec::new();
        for s in all() {
            strings.extend_from_slice(s.as_bytes());
            offsets.push(strings.len() as u32);
        }
        let mut out = Vec::with_capacity(offsets.len() * 4 + strings.len());
        push_u32s(&mut out, &offsets);
        out.extend_from_slice(&strings);
        out
    }

    /// Borrows a `Links` section of an index with `entries` strings (2 × sources + titles).
    fn open(bytes: &'a [u8], entries: u64) -> Result<Links<'a>> {
        if bytes.is_empty() {
            return Ok(Links {
                offsets: U32Array(&[]),
                strings: &[],
            });
        }
        let table = entries
            .checked_add(1)
            .and_then(|n| n.checked_mul(4))
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n <= bytes.len())
            .ok_or(FormatError::Truncated { what: "links" })?;
        Ok(Links {
            offsets: U32Array::new(&bytes[..table], "links")?,
            strings: &bytes[table..],
        })
    }

    /// String `i` ("" when the section is empty).
    fn get(&self, i: usize) -> Result<&'a str> {
        if self.offsets.is_empty() {
            return Ok("");
        }
        let what = "link offset";
        let start = self
            .offsets
            .get(i)
            .ok_or(FormatError::OutOfBounds { what })? as usize;
        let end = self
            .offsets
            .get(i + 1)
            .ok_or(FormatError::OutOfBounds { what })? as usize;
        let bytes = self
            .strings
            .get(start..end)
            .ok_or(FormatError::OutOfBounds { what })?;
        std::str::from_utf8(bytes).map_err(|_| FormatError::BadUtf8)
    }
}

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

/// The Numbering section: per title, then per source, the byte length of the section
/// numbering that starts its (page) title's match key (found at build time, so the module
/// carries no numbering patterns). Lengths above 255 are stored as 0 (not numbering). Empty when
/// all are 0.
pub fn encode_numbering(lengths: &[usize]) -> Vec<u8> {
    if lengths.iter().all(|&n| n == 0 || n > 255) {
        return Vec::new();
    }
    lengths
        .iter()
        .map(|&n| u8::try_from(n).unwrap_or(0))
        .collect()
}

/// The TitleParents section: per title, its parent title id + 1 (0 = none). Empty when no title
/// has a parent. Panics when a parent is not an earlier title (the builder's invariant).
pub fn encode_title_parents(parents: &[Option<u32>]) -> Vec<u8> {
    if parents.iter().all(Option::is_none) {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(parents.len() * 4);
    for (t, parent) in parents.iter().enumerate() {
        let value = parent.map_or(0, |p| {
            assert!((p as usize) < t, "a title's parent is an earlier title");
            p + 1
        });
        push_u32s(&mut out, &[value]);
    }
    out
}

/// The PassageLinks section: per passage, the percentage of its characters that are link text
/// (values above 100 are clamped). Empty when every passage has none.
pub fn encode_passage_links(percent: &[u8]) -> Vec<u8> {
    if percent.iter().all(|&p| p == 0) {
        return Vec::new();
    }
    percent.iter().map(|&p| p.min(100)).collect()
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

/// A zero-copy view of an index.
pub struct IndexView<'a> {
    pub bytes: &'a [u8],
    pub stats: Stats,
    blob: &'a [u8],
    passage_offsets: U32Array<'a>,
    title_first: U32Array<'a>,
    title_offsets: U32Array<'a>,
    source_first: U32Array<'a>,
    source_offsets: U32Array<'a>,
    pub grams: fst::Map<&'a [u8]>,
    pub words: fst::Map<&'a [u8]>,
    pub pinyin: fst::Map<&'a [u8]>,
    pub pinyin_chars: &'a [u8],
    /// The WordRefs section ([`decode_word_refs`]; read by the scan layout's first search).
    pub word_refs: &'a [u8],
    postings: &'a [u8],
    pub fold: FoldTable<'a>,
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
    /// Checks the header and section bounds and borrows every section. O(number of sections).
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
        let i = passage as usize;
        self.passages_checked
            .str(i, self.blob_bytes(&self.passage_offsets, i)?)
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

    /// The title id of a passage.
    pub fn title_of(&self, passage: u32) -> Result<u32> {
        if passage >= self.stats.passages {
            return Err(FormatError::OutOfBounds { what: "passage id" });
        }
        self.title_first
            .last_at_or_below(passage)
            .map(|t| t as u32)
            .ok_or(FormatError::OutOfBounds {
                what: "title table",
            })
    }

    pub fn title_text(&self, title: u32) -> Result<&'a str> {
        let i = title as usize;
        self.titles_checked
            .str(i, self.blob_bytes(&self.title_offsets, i)?)
    }

    /// The passages `[first, end)` a title heads.
    pub fn title_passages(&self, title: u32) -> Result<(u32, u32)> {
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
        self.blob_str(&self.source_offsets, source as usize)
    }

    /// The page URL of a source ("" when it has none: text and Markdown files).
    pub fn source_url(&self, source: u32) -> Result<&'a str> {
        if source >= self.stats.sources {
            return Err(FormatError::OutOfBounds { what: "source id" });
        }
        self.links.get(source as usize)
    }

    /// The heading anchor of a title ("" when it has none).
    pub fn title_anchor(&self, title: u32) -> Result<&'a str> {
        if title >= self.stats.titles {
            return Err(FormatError::OutOfBounds { what: "title id" });
        }
        self.links.get(self.stats.sources as usize + title as usize)
    }

    /// The page title of a source ("" when it has none: text files, pages without a title).
    pub fn source_page_title(&self, source: u32) -> Result<&'a str> {
        if source >= self.stats.sources {
            return Err(FormatError::OutOfBounds { what: "source id" });
        }
        let s = self.stats.sources as usize;
        self.links
            .get(s + self.stats.titles as usize + source as usize)
    }

    /// The title of the section that encloses title `title` (`None` at the top level).
    pub fn title_parent(&self, title: u32) -> Result<Option<u32>> {
        if title >= self.stats.titles {
            return Err(FormatError::OutOfBounds { what: "title id" });
        }
        if self.title_parents.is_empty() {
            return Ok(None);
        }
        match self.title_parents.get(title as usize) {
            Some(0) => Ok(None),
            Some(p) if p - 1 < title => Ok(Some(p - 1)),
            _ => Err(FormatError::OutOfBounds {
                what: "title parent",
            }),
        }
    }

    /// The heading path of title `title`: the titles of its enclosing sections, outermost
    /// first, then its own.
    pub fn heading_path(&self, title: u32) -> Result<Vec<u32>> {
        let mut path = vec![title];
        let mut at = title;
        // Parents are strictly earlier titles, so the walk ends.
        while let Some(parent) = self.title_parent(at)? {
            path.push(parent);
            at = parent;
        }
        path.reverse();
        Ok(path)
    }

    /// How many leading bytes of title `title`'s match key are section numbering.
    pub fn title_numbering(&self, title: u32) -> Result<usize> {
        if title >= self.stats.titles {
            return Err(FormatError::OutOfBounds { what: "title id" });
        }
        Ok(self.numbering.get(title as usize).map_or(0, |&n| n.into()))
    }

    /// How many leading bytes of source `source`'s page-title match key are section numbering.
    pub fn page_title_numbering(&self, source: u32) -> Result<usize> {
        if source >= self.stats.sources {
            return Err(FormatError::OutOfBounds { what: "source id" });
        }
        let at = self.stats.titles as usize + source as usize;
        Ok(self.numbering.get(at).map_or(0, |&n| n.into()))
    }

    /// The share of a passage's characters that are link text, in percent (0 when unknown).
    pub fn passage_link_percent(&self, passage: u32) -> Result<u8> {
        if passage >= self.stats.passages {
            return Err(FormatError::OutOfBounds { what: "passage id" });
        }
        Ok(self
            .passage_links
            .get(passage as usize)
            .map_or(0, |&p| p.min(100)))
    }

    /// Decodes a gram's fst value (inline posting or block offset).
    pub fn gram_postings(&self, value: u64) -> Result<PostingsBlock> {
        if value & 1 == 1 {
            let doc = value >> 5;
            if doc >= u64::from(self.stats.passages) {
                return Err(FormatError::OutOfBounds {
                    what: "inline posting",
                });
            }
            let tf = ((value >> 1) & u64::from(INLINE_MAX_TF)) as u32;
            return Ok(PostingsBlock {
                text: vec![Posting {
                    doc: doc as u32,
                    tf: tf.max(1),
                }],
                title: Vec::new(),
            });
        }
        let mut pos = usize::try_from(value >> 1).map_err(|_| FormatError::OutOfBounds {
            what: "postings offset",
        })?;
        let header = read_varint(self.postings, &mut pos)?;
        let text = read_entries(self.postings, &mut pos, header >> 1, self.stats.passages)?;
        let title = if header & 1 == 1 {
            let count = read_varint(self.postings, &mut pos)?;
            read_entries(self.postings, &mut pos, count, self.stats.titles)?
        } else {
            Vec::new()
        };
        Ok(PostingsBlock { text, title })
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
    fn varint_round_trip() {
        for v in [
            0u64,
            1,
            127,
            128,
            300,
            16_383,
            16_384,
            u32::MAX as u64,
            u64::MAX,
        ] {
            let mut out = Vec::new();
            write_varint(&mut out, v);
            let mut pos = 0;
            assert_eq!(read_varint(&out, &mut pos).unwrap(), v);
            assert_eq!(pos, out.len());
        }
        assert!(read_varint(&[0x80, 0x80], &mut 0).is_err());
        assert!(read_varint(&[0xFF; 11], &mut 0).is_err());
    }

    #[test]
    fn posting_entries_round_trip_and_limits() {
        let list = vec![
            Posting { doc: 0, tf: 1 },
            Posting { doc: 5, tf: 3 },
            Posting { doc: 900, tf: 1 },
        ];
        let mut out = Vec::new();
        write_entries(&mut out, &list);
        let mut pos = 0;
        assert_eq!(read_entries(&out, &mut pos, 3, 901).unwrap(), list);
        assert_eq!(pos, out.len());
        assert!(
            read_entries(&out, &mut 0, 3, 900).is_err(),
            "doc id beyond limit"
        );
        assert!(
            read_entries(&out[..out.len() - 1], &mut 0, 3, 901).is_err(),
            "truncated"
        );
        assert!(
            read_entries(&out, &mut 0, 1000, 901).is_err(),
            "count beyond the bytes"
        );
    }

    proptest::proptest! {
        #[test]
        fn posting_entries_round_trip(
            gaps in proptest::collection::vec((1u32..5000, 1u32..70_000), 0..60),
            first in 0u32..1000,
        ) {
            let mut doc = first;
            let list: Vec<Posting> = gaps
                .iter()
                .enumerate()
                .map(|(i, &(gap, tf))| {
                    if i > 0 { doc += gap; }
                    Posting { doc, tf }
                })
                .collect();
            let mut out = Vec::new();
            write_entries(&mut out, &list);
            let mut pos = 0;
            proptest::prop_assert_eq!(read_entries(&out, &mut pos, list.len() as u64, doc + 1).unwrap(), list);
            proptest::prop_assert_eq!(pos, out.len());
        }

        #[test]
        fn varints_round_trip(v in proptest::num::u64::ANY) {
            let mut out = Vec::new();
            write_varint(&mut out, v);
            let mut pos = 0;
            proptest::prop_assert_eq!(read_varint(&out, &mut pos).unwrap(), v);
        }
    }

    #[test]
    fn checksum_detects_single_byte_changes() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
        let sum = checksum(&data);
        for at in [0, 7, 8, 500, 999] {
            let mut damaged = data.clone();
            damaged[at] ^= 1;
            assert_ne!(checksum(&damaged), sum, "flip at {at}");
        }
        assert_ne!(checksum(&data[..999]), sum);
    }

    #[test]
    fn fold_table_lookup() {
        let bytes = FoldTable::encode(&[('國', '国'), ('質', '质'), ('檢', '检')]);
        let table = FoldTable::new(&bytes).unwrap();
        assert_eq!(table.get('國'), Some('国'));
        assert_eq!(table.get('質'), Some('质'));
        assert_eq!(table.get('国'), None);
        assert_eq!(table.len(), 3);
        assert!(FoldTable::new(&bytes[..7]).is_err());
    }

    #[test]
    fn links_round_trip_and_bounds() {
        assert!(Links::encode(&["", ""], &["", "", ""], &["", ""]).is_empty());
        let bytes = Links::encode(
            &["a.html", "b%20c.html"],
            &["", "setup", "中文"],
            &["首页", ""],
        );
        let links = Links::open(&bytes, 7).unwrap();
        let got: Vec<&str> = (0..7).map(|i| links.get(i).unwrap()).collect();
        assert_eq!(
            got,
            ["a.html", "b%20c.html", "", "setup", "中文", "首页", ""]
        );
        assert!(links.get(7).is_err(), "past the last entry");
        assert!(Links::open(&bytes, 8).is_err() || Links::open(&bytes, 8).unwrap().get(7).is_err());
        assert!(
            Links::open(&bytes[..10], 7).is_err(),
            "offset table cut short"
        );
        assert!(
            Links::open(&bytes, u64::MAX).is_err(),
            "entry count overflow"
        );
        let mut bad = bytes.clone();
        bad[4] = 0xFF; // offset 1 beyond the strings
        assert!(Links::open(&bad, 7).unwrap().get(0).is_err());
        let empty = Links::open(&[], 7).unwrap();
        assert_eq!(empty.get(3).unwrap(), "");
    }

    #[test]
    fn title_parents_and_passage_links_encode_compactly() {
        assert!(encode_title_parents(&[None, None]).is_empty());
        assert_eq!(
            encode_title_parents(&[None, Some(0), Some(1)]),
            [0u32, 1, 2]
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect::<Vec<u8>>()
        );
        assert!(encode_passage_links(&[0, 0, 0]).is_empty());
        assert!(encode_numbering(&[0, 300, 0]).is_empty());
        assert_eq!(encode_numbering(&[0, 4, 300]), [0, 4, 0]);
        assert_eq!(encode_passage_links(&[0, 250, 40]), [0, 100, 40]);
    }

    #[test]
    #[should_panic(expected = "earlier title")]
    fn a_parent_must_come_first() {
        encode_title_parents(&[Some(0)]);
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

    #[test]
    fn word_refs_round_trip_in_offset_order() {
        let refs = [
            WordRef {
                at: 300,
                chars: 2,
                freq: 1,
            },
            WordRef {
                at: 0,
                chars: 4,
                freq: 7,
            },
            WordRef {
                at: 0,
                chars: 2,
                freq: 5,
            },
            WordRef {
                at: 70_000,
                chars: WORD_REF_MAX_CHARS,
                freq: 1 << 40,
            },
        ];
        let bytes = encode_word_refs(&refs);
        // count, then (delta, freq << 4 | chars) per reference, by offset.
        assert_eq!(&bytes[..5], &[4, 0, 5 << 4 | 2, 0, 7 << 4 | 4]);
        let mut sorted = refs.to_vec();
        sorted.sort_unstable();
        assert_eq!(decode_word_refs(&bytes).unwrap(), sorted);
        assert_eq!(decode_word_refs(&encode_word_refs(&[])).unwrap(), []);
    }

    #[test]
    fn damaged_word_refs_are_refused() {
        let bytes = encode_word_refs(&[
            WordRef {
                at: 9,
                chars: 2,
                freq: 3,
            },
            WordRef {
                at: 12,
                chars: 1,
                freq: 1,
            },
        ]);
        let out_of_bounds = Err(FormatError::OutOfBounds {
            what: "word reference",
        });
        // Truncated anywhere.
        for end in 0..bytes.len() {
            assert!(decode_word_refs(&bytes[..end]).is_err(), "{end}");
        }
        // Trailing bytes.
        assert_eq!(
            decode_word_refs(&[bytes.as_slice(), &[0]].concat()),
            out_of_bounds
        );
        // A count the bytes cannot hold.
        assert_eq!(
            decode_word_refs(&[0xFF, 0xFF, 0x03, 1, 0x12]),
            out_of_bounds
        );
        // A length or frequency of 0.
        assert_eq!(decode_word_refs(&[1, 0, 1 << 4]), out_of_bounds);
        assert_eq!(decode_word_refs(&[1, 0, 2]), out_of_bounds);
        // An offset past u32.
        let mut far = vec![2, 1, 0x12];
        write_varint(&mut far, u64::from(u32::MAX));
        far.push(0x12);
        assert_eq!(decode_word_refs(&far), out_of_bounds);
    }
}
