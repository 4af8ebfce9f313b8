//! The sharded layout: one index cut into a small root file and many shard files that a
//! browser fetches only when a search reads them.
//!
//! A large site's readers should not download the whole index before their first result. The
//! indexer builds the usual single-file index, then [`split_index`] cuts it:
//!
//! * the **root** keeps the small sections (Stats, Fold, and any section under
//!   [`ShardSizes::inline_max`]) and a Shards section describing the rest;
//! * every other **section** is cut into *pages* (shards) at item boundaries: a page never cuts a
//!   u32 of an offset table or a string of the blob, so every read the engine makes (one u32,
//!   one string, one byte) lies in one page. The root keeps each page's start offset and, for
//!   u32 tables, its first value, so the binary searches that map a passage to its title or
//!   page read one page;
//! * each of the three **fsts** (grams with their postings, vocabulary words, pinyin readings
//!   with their character lists) is cut into *key ranges*; each range is a small fst of its
//!   own, followed by the postings or lists its values point to. The root keeps each range's
//!   first key. Every lookup the engine makes is a key, a key prefix (a typed first character,
//!   the letters of a Latin word), or the prefixes of a text (segmentation): each reads the one
//!   or few ranges that can hold such keys, so nothing like a dictionary is loaded first.
//!   The gram fst also gets, after every real key, one **character union** per CJK character
//!   that starts a gram ([`char_union_key`]: the byte `0xFF`, which no UTF-8 key starts with,
//!   then the character): the union of the postings of every gram it starts, with their facts
//!   and whole-word counts, exactly what a one-character query unites at search time. Such a
//!   query (`月`, or the characters a syllable such as `yue` stands for) then reads one entry
//!   instead of every range of the character's bigrams, and ranks without reading texts.
//!   A character with reading exceptions (樂 reads le in 快樂, yue in 音樂) also gets, right
//!   after its union, the postings of its **usual reading** ([`usual_reading_key`]): where it
//!   occurs outside the words that read it otherwise, with those occurrences and their
//!   whole-word counts, exactly what a pinyin needle for it would find in the texts, which a
//!   one-syllable query then does not read.
//!   The pinyin fst gets, after every real key, one **reading pair** per pair of usual
//!   readings of adjacent characters ([`reading_pair_key`]: `\u{7f}ming yue`): the most
//!   frequent bigrams read so (明月…), counted as the engine's walk over the bigrams of every
//!   character of the first syllable counts them ([`reading_pairs`]), so a two-syllable query
//!   (`mingyue`) reads one entry, in ranges [`READING_PAIR_RANGE_FACTOR`] times the size of
//!   the others (a hundred thousand pairs on a large corpus: fewer files), instead of dozens of
//!   gram ranges.
//!
//! The engine opens a [`ShardStore`] over the root and reads through the same
//! [`IndexView`](super::IndexView) methods as for a single file. A read of a shard that has
//! not arrived records it as missing and answers `None`; the engine then discards the search
//! and answers [`FormatError::NeedShards`] (see `ShardStore::take_missing`); its caller fetches
//! the missing shards, [`ShardStore::add`]s them, and runs the search again, until it completes
//! without a miss: a completed search read only real data, so its answer is exactly the
//! single-file index's.
//!
//! Shard file (all integers little-endian):
//! ```text
//! SHARD_MAGIC (8) | VERSION u32 | build id u64 | shard id u32 | payload length u32
//!                 | XXH32 of the payload u32 | payload
//! page payload  : the section's bytes [start, end)
//! range payload : fst length u32 | fst bytes (key → value) | area (postings / char lists the
//!                 values point into, re-encoded for this range)
//! ```
//! Shards section of the root (varints):
//! ```text
//! build id low u32, build id high u32, shard count, link flags (bit 0: postings carry link
//!   shares; bit 1: the index has links, kept in string groups: see below)
//! paged section count, then per section: kind, length, page count, first shard id,
//!   has fences (0/1), page start deltas (count), [first u32 of each page (count)]
//! string table count, then per table: kind (PassageOffsets: passage texts, TitleOffsets:
//!   titles, SourceOffsets: source names, Links: page titles), string count, part (which list
//!   of a group file),
//!   group count, first shard id, stride (group g starts at g × stride; 0: an expected delta
//!   follows, then per group the zigzag of its start's delta minus the expected one)
//! range map count, then per map: kind, range count, first shard id, the ranges' separators:
//!   per range the symbols shared with the previous separator and the count of the rest; then
//!   the rest's symbols, the first as its distance above the previous separator's symbol in
//!   its place (when there is one). A separator is the shortest run of symbols (characters;
//!   the union mark 0xFF as 0x110000) starting the range's first key above the previous
//!   range's last key; the first range's is empty
//! ```
//! A range past half its target size ends where the keys' first character changes, so most
//! separators are one character a few code points above the previous one.
//! Text groups hold `stride` passages (part 0), the titles of the sections they open (part 1)
//! and, with links, those titles' heading anchors (part 2); source-name groups hold names
//! (part 0) and, with links, the pages' URLs (part 1); page titles have groups of their own.
//! So a hit's heading, anchor, page name and URL come in the files of its text and its name,
//! and the Links section of a single file stays empty in the root.
//! The build id is a hash of the single-file index, so a root and shards of different builds
//! never mix: every shard names its build and is refused by a root of another.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, OnceLock};

use fst::{IntoStreamer, Streamer};

use std::collections::btree_map::{BTreeMap, Entry};

use super::codec::{read_varint, write_varint, xxh32, Bytes};
use super::fold::{unzigzag, zigzag};
use super::keymap::MapVocabulary;
use super::{
    checksum, decode_char_list, decode_pair_list, encode_char_list, encode_pair_list,
    inside_word_read_otherwise, raw_sections, read_otherwise_entry, reading_pair_key, union,
    CountedPair, FoldTable, FormatError, IndexView, Posting, PostingsBlock, Result, SectionKind,
    Stats, FLAG_SCAN, FLAG_SHARDED, READING_PAIR_MARK, READING_PAIR_RUNS, VERSION,
};
use crate::by_id::OnceById;
use crate::normalize::{char_class, find_all, fold_text, CharClass};
use crate::tokenize::{term_is_single_gram, whole_word_count_in, whole_words_among, WindowCuts};
use std::collections::{HashMap, HashSet};

/// First bytes of every shard file.
pub const SHARD_MAGIC: &[u8; 8] = b"ZHSSHARD";
/// Bytes of a shard file's header.
const SHARD_HEADER_LEN: usize = 8 + 4 + 8 + 4 + 4 + 4;

/// The three fsts that are cut into key ranges, with the section their values point into.
const RANGE_MAPS: [(SectionKind, Option<SectionKind>); 3] = [
    (SectionKind::GramFst, Some(SectionKind::Postings)),
    (SectionKind::WordFst, None),
    (SectionKind::PinyinFst, Some(SectionKind::PinyinChars)),
];

/// How big the pieces are: the trade between the bytes a search fetches beyond what it reads
/// and the number of files (and requests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardSizes {
    /// Sections up to this many bytes stay in the root.
    pub inline_max: usize,
    /// Target bytes of a page of the blob (texts, titles, names) and of the links.
    pub text_page: usize,
    /// Target bytes of a page of a u32 table or a byte table.
    pub table_page: usize,
    /// Target bytes of a key range of grams (its fst and postings).
    pub range: usize,
    /// Target bytes of a key range of vocabulary words or pinyin readings (read a few entries
    /// at a time: suggestions, segmenting a query).
    pub word_range: usize,
}

impl Default for ShardSizes {
    fn default() -> Self {
        ShardSizes {
            inline_max: 1024,
            text_page: 1024,
            table_page: 8 * 1024,
            range: 8 * 1024,
            word_range: 4 * 1024,
        }
    }
}

/// A range of reading pairs is this many times [`ShardSizes::word_range`].
const READING_PAIR_RANGE_FACTOR: usize = 6;

/// A sharded index as the indexer writes it.
#[derive(Clone, Debug)]
pub struct Sharded {
    pub build_id: u64,
    pub root: Vec<u8>,
    /// Shard files, by id.
    pub shards: Vec<Vec<u8>>,
}

/// The start of the name of every index file a folder holds: the single index file
/// (`<stem>.<hash>.bin`, named by the CLI), a sharded index's root and its shards' folder.
pub const INDEX_FILE_STEM: &str = "zh-search-index";

/// The path of a shard file relative to the folder of its root.
pub fn shard_path(build_id: u64, id: u32) -> String {
    format!("{INDEX_FILE_STEM}.{build_id:016x}/{id}.bin")
}

/// The file name of a sharded index's root.
pub fn root_name(build_id: u64) -> String {
    format!("{INDEX_FILE_STEM}.{build_id:016x}.root")
}

fn build_id_of(index: &[u8]) -> u64 {
    u64::from(xxh32(index, 0)) | (u64::from(xxh32(index, 1)) << 32)
}

fn shard_file(build_id: u64, id: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(SHARD_HEADER_LEN + payload.len());
    out.extend_from_slice(SHARD_MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&build_id.to_le_bytes());
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&checksum(payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// The payload of shard file `bytes`, checked against the expected build and id.
fn shard_payload(bytes: &[u8], build_id: u64, id: u32) -> Result<&[u8]> {
    let u32_at = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or(FormatError::Truncated { what: "shard" })
    };
    if bytes.len() < SHARD_HEADER_LEN {
        return Err(if bytes.starts_with(&SHARD_MAGIC[..bytes.len().min(8)]) {
            FormatError::Truncated { what: "shard" }
        } else {
            FormatError::BadMagic
        });
    }
    if &bytes[..8] != SHARD_MAGIC {
        return Err(FormatError::BadMagic);
    }
    let version = u32_at(8)?;
    if version != VERSION {
        return Err(FormatError::UnsupportedVersion {
            found: version,
            expected: VERSION,
        });
    }
    let build = u64::from(u32_at(12)?) | (u64::from(u32_at(16)?) << 32);
    if build != build_id {
        return Err(FormatError::WrongBuild);
    }
    if u32_at(20)? != id {
        return Err(FormatError::OutOfBounds { what: "shard id" });
    }
    let len = u32_at(24)? as usize;
    let sum = u32_at(28)?;
    let payload = bytes
        .get(SHARD_HEADER_LEN..)
        .filter(|p| p.len() == len)
        .ok_or(FormatError::Truncated { what: "shard" })?;
    if checksum(payload) != sum {
        return Err(FormatError::BadShardChecksum { shard: id });
    }
    Ok(payload)
}

// ---------------------------------------------------------------------------------------------
// Writer

/// Cuts `len` bytes into pages of about `target` bytes at the allowed cut points (`allowed`
/// ascending, within `0..=len`); returns the page starts.
fn page_starts(len: usize, target: usize, allowed: &dyn Fn(usize) -> usize) -> Vec<usize> {
    let mut starts = vec![0];
    let mut at = 0;
    while at < len {
        // The last allowed cut at or below at + target, or the first one above it.
        let next = allowed(at + target.max(1)).min(len);
        let next = if next <= at { len } else { next };
        if next < len {
            starts.push(next);
        }
        at = next;
    }
    starts
}

/// The largest value of sorted `cuts` at or below `x`, or the first one above `at` when none.
fn cut_at_or_below(cuts: &[usize], x: usize) -> usize {
    match cuts.binary_search(&x) {
        Ok(i) => cuts[i],
        Err(0) => cuts.first().copied().unwrap_or(usize::MAX),
        Err(i) => cuts[i - 1],
    }
}

/// Splits a single-file gram-layout index into a root and shards.
pub fn split_index<'a>(index: &'a [u8], sizes: ShardSizes) -> Result<Sharded> {
    let view: IndexView<'a> = IndexView::open(index)?;
    if view.stats().flags & FLAG_SCAN != 0 {
        return Err(FormatError::ScanNotShardable);
    }
    let build_id = build_id_of(index);
    let sections = raw_sections(index)?;
    let section = |kind: SectionKind| {
        sections
            .iter()
            .find(|(k, _)| *k == kind as u32)
            .map(|(_, b)| *b)
            .ok_or(FormatError::MissingSection(kind))
    };
    let mut shards: Vec<Vec<u8>> = Vec::new();
    let mut root_sections: Vec<(SectionKind, Vec<u8>)> = Vec::new();
    let mut descriptor = Vec::new();
    let mut stats = view.stats();
    stats.flags |= FLAG_SHARDED;
    root_sections.push((SectionKind::Stats, stats.encode()));
    root_sections.push((
        SectionKind::FoldPacked,
        section(SectionKind::FoldPacked)?.to_vec(),
    ));
    // Postings carry link shares only when some passage has links.
    let links = !section(SectionKind::PassageLinks)?.is_empty();
    // Page URLs, heading anchors and page titles ride in string groups (below), each beside
    // what a hit reads with it, instead of pages of the Links section: a hit's link then costs
    // no round of its own (the offset table, then the string). The root keeps an empty Links.
    let grouped_links = !section(SectionKind::Links)?.is_empty();
    root_sections.push((SectionKind::Links, Vec::new()));

    // Cut points of the blob: every string boundary of the three offset tables.
    let blob_cuts = {
        let mut cuts: BTreeSet<usize> = BTreeSet::new();
        for kind in [
            SectionKind::PassageOffsets,
            SectionKind::TitleOffsets,
            SectionKind::SourceOffsets,
        ] {
            for b in section(kind)?.chunks_exact(4) {
                cuts.insert(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
            }
        }
        cuts.into_iter().collect::<Vec<usize>>()
    };
    // The Blob and its offset tables become string groups (below).
    let paged_kinds = [
        SectionKind::TitleFirst,
        SectionKind::SourceFirst,
        SectionKind::TitleParents,
        SectionKind::PassageLinks,
        SectionKind::Numbering,
        SectionKind::PassageChars,
        SectionKind::TitleChars,
    ];
    // The lengths scoring reads for every candidate, so that it fetches no text.
    let mut passage_chars = Vec::with_capacity(view.stats().passages as usize * 4);
    for p in 0..view.stats().passages {
        passage_chars.extend_from_slice(&view.passage_chars(p)?.to_le_bytes());
    }
    let mut title_chars = Vec::with_capacity(view.stats().titles as usize * 4);
    for t in 0..view.stats().titles {
        title_chars.extend_from_slice(&view.title_chars(t)?.to_le_bytes());
    }
    let mut paged: Vec<(SectionKind, &[u8], Vec<usize>, bool)> = Vec::new();
    for kind in paged_kinds {
        let bytes = match kind {
            SectionKind::PassageChars => &passage_chars,
            SectionKind::TitleChars => &title_chars,
            _ => section(kind)?,
        };
        if bytes.len() <= sizes.inline_max {
            root_sections.push((kind, bytes.to_vec()));
            continue;
        }
        let (starts, fences) = match kind {
            SectionKind::Blob => (
                page_starts(bytes.len(), sizes.text_page, &|x| {
                    cut_at_or_below(&blob_cuts, x)
                }),
                false,
            ),
            SectionKind::PassageLinks | SectionKind::Numbering => {
                (page_starts(bytes.len(), sizes.table_page, &|x| x), false)
            }
            _ => (
                page_starts(bytes.len(), sizes.table_page, &|x| x - x % 4),
                true,
            ),
        };
        paged.push((kind, bytes, starts, fences));
    }

    write_varint(&mut descriptor, build_id & 0xFFFF_FFFF);
    write_varint(&mut descriptor, build_id >> 32);
    let mut body = Vec::new();
    write_varint(&mut body, paged.len() as u64);
    for (kind, bytes, starts, fences) in &paged {
        write_varint(&mut body, *kind as u64);
        write_varint(&mut body, bytes.len() as u64);
        write_varint(&mut body, starts.len() as u64);
        write_varint(&mut body, shards.len() as u64);
        write_varint(&mut body, u64::from(*fences));
        let mut previous = 0;
        for (i, &start) in starts.iter().enumerate() {
            write_varint(&mut body, (start - previous) as u64);
            previous = start;
            let end = starts.get(i + 1).copied().unwrap_or(bytes.len());
            let id = shards.len() as u32;
            shards.push(shard_file(build_id, id, &bytes[start..end]));
        }
        if *fences {
            for &start in starts {
                let b = &bytes[start..start + 4];
                write_varint(
                    &mut body,
                    u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
                );
            }
        }
    }
    // Passage texts with the titles of the sections they open, in groups of consecutive
    // passages, each group a shard (a hit and its heading come in one file); source names in
    // groups of their own.
    let s = view.stats();
    // A fixed number of passages per group (so the root needs no group starts for them): about
    // `text_page` bytes of text each, on average.
    let mut text_bytes = 0usize;
    for p in 0..s.passages {
        text_bytes += view.passage_text(p)?.len();
    }
    let stride =
        (sizes.text_page * s.passages.max(1) as usize / text_bytes.max(1)).clamp(1, 1 << 16) as u32;
    let mut text_groups: Vec<(u32, u32, Vec<u8>)> = Vec::new();
    {
        let (mut passages, mut titles): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
        let mut anchors: Vec<&str> = Vec::new();
        let (mut first_passage, mut first_title, mut next_title) = (0u32, 0u32, 0u32);
        let take_title = |t: u32, titles: &mut Vec<&'a str>, anchors: &mut Vec<&'a str>| {
            titles.push(view.title_text(t)?);
            if grouped_links {
                anchors.push(view.title_anchor(t)?);
            }
            Ok::<(), FormatError>(())
        };
        for p in 0..s.passages {
            passages.push(view.passage_text(p)?);
            while next_title < s.titles && view.title_passages(next_title)?.0 <= p {
                take_title(next_title, &mut titles, &mut anchors)?;
                next_title += 1;
            }
            if p + 1 == s.passages {
                while next_title < s.titles {
                    take_title(next_title, &mut titles, &mut anchors)?;
                    next_title += 1;
                }
            }
            if (p + 1) % stride == 0 || p + 1 == s.passages {
                let mut payload = encode_group(&passages);
                payload.extend_from_slice(&encode_group(&titles));
                if grouped_links {
                    payload.extend_from_slice(&encode_group(&anchors));
                }
                text_groups.push((first_passage, first_title, payload));
                passages.clear();
                titles.clear();
                anchors.clear();
                (first_passage, first_title) = (p + 1, next_title);
            }
        }
        if text_groups.is_empty() {
            let mut payload = encode_group(&[]);
            payload.extend_from_slice(&encode_group(&[]));
            if grouped_links {
                payload.extend_from_slice(&encode_group(&[]));
            }
            text_groups.push((0, 0, payload));
        }
    }
    // Source names with their page URLs (part 1); page titles in groups of their own, which
    // a search reads all of (a page title stands for its whole page).
    let source_groups = string_groups(s.sources, sizes.text_page, |i| {
        let name = view.source_name(i)?;
        Ok(if grouped_links {
            vec![name, view.source_url(i)?]
        } else {
            vec![name]
        })
    })?;
    let page_title_groups = if grouped_links {
        string_groups(s.sources, sizes.text_page, |i| {
            Ok(vec![view.source_page_title(i)?])
        })?
    } else {
        Vec::new()
    };
    // Three string tables: passages (part 0 of the text groups), titles (part 1 of the same
    // files; their anchors are part 2), source names (part 0 of their own; their URLs are part
    // 1); and page titles (a Links table) when the index has links.
    write_varint(&mut body, if grouped_links { 4 } else { 3 });
    let text_first_id = shards.len() as u64;
    for (kind, count, part) in [
        (SectionKind::PassageOffsets, s.passages, 0),
        (SectionKind::TitleOffsets, s.titles, 1),
    ] {
        write_varint(&mut body, kind as u64);
        write_varint(&mut body, u64::from(count));
        write_varint(&mut body, part);
        write_varint(&mut body, text_groups.len() as u64);
        write_varint(&mut body, text_first_id);
        if part == 0 {
            // Group g starts at passage g × stride.
            write_varint(&mut body, u64::from(stride));
            continue;
        }
        write_varint(&mut body, 0);
        // The titles of a group: about as many as its passages (one section a passage in a
        // collection of poems), so each delta is stored as its difference from the stride.
        write_varint(&mut body, u64::from(stride));
        let mut previous = 0;
        for (_, first_title, _) in &text_groups {
            write_varint(
                &mut body,
                zigzag(i64::from(*first_title - previous) - i64::from(stride)),
            );
            previous = *first_title;
        }
    }
    for (_, _, payload) in &text_groups {
        let id = shards.len() as u32;
        shards.push(shard_file(build_id, id, payload));
    }
    for (kind, groups) in [
        (SectionKind::SourceOffsets, &source_groups),
        (SectionKind::Links, &page_title_groups),
    ] {
        if groups.is_empty() {
            continue;
        }
        write_varint(&mut body, kind as u64);
        write_varint(&mut body, u64::from(s.sources));
        write_varint(&mut body, 0);
        write_varint(&mut body, groups.len() as u64);
        write_varint(&mut body, shards.len() as u64);
        write_varint(&mut body, 0);
        write_varint(&mut body, 0);
        let mut previous = 0;
        for (first, _) in groups {
            write_varint(&mut body, zigzag(i64::from(first - previous)));
            previous = *first;
        }
        for (_, payload) in groups {
            let id = shards.len() as u32;
            shards.push(shard_file(build_id, id, payload));
        }
    }
    // The reading exceptions: for the character unions' usual readings and the reading pairs.
    let exceptions = reading_exceptions(section(SectionKind::PinyinFst)?)?;
    write_varint(&mut body, RANGE_MAPS.len() as u64);
    for (kind, area_kind) in RANGE_MAPS {
        let map = fst::Map::new(section(kind)?).map_err(|_| FormatError::BadFst(kind))?;
        let area = match area_kind {
            Some(a) => section(a)?,
            None => &[],
        };
        let target = if kind == SectionKind::GramFst {
            sizes.range
        } else {
            sizes.word_range
        };
        let counts = if kind == SectionKind::GramFst {
            Some(whole_counts(&view, &exceptions)?)
        } else {
            None
        };
        let whole = MapToSplit {
            view: &view,
            links,
            kind,
            map: &map,
            area,
            target,
            counts: counts.as_ref().map(|c| &c.whole),
        };
        let mut ranges = if kind == SectionKind::GramFst {
            whole.split_in_halves()?
        } else {
            whole.split(None, None)?
        };
        if kind == SectionKind::PinyinFst {
            // After every real key (READING_PAIR_MARK sorts above them); read one entry per
            // query, never a walk of neighbours, and a hundred thousand on a large corpus:
            // bigger ranges (fewer files).
            let (fst_bytes, pair_area) = reading_pairs(&view, &map, area, &exceptions)?;
            let pairs =
                fst::Map::new(fst_bytes.as_slice()).map_err(|_| FormatError::BadFst(kind))?;
            let pairs = MapToSplit {
                map: &pairs,
                area: &pair_area,
                target: target * READING_PAIR_RANGE_FACTOR,
                ..whole
            };
            ranges.extend(pairs.split(None, None)?);
        }
        if let Some(counts) = &counts {
            // After every real key (0xFF sorts above any UTF-8 byte).
            let (fst_bytes, union_area) = char_unions(&view, &map, area, &exceptions, counts)?;
            let unions =
                fst::Map::new(fst_bytes.as_slice()).map_err(|_| FormatError::BadFst(kind))?;
            let unions = MapToSplit {
                map: &unions,
                area: &union_area,
                ..whole
            };
            ranges.extend(unions.split_in_halves()?);
        }
        write_varint(&mut body, kind as u64);
        write_varint(&mut body, ranges.len() as u64);
        write_varint(&mut body, shards.len() as u64);
        let mut separators = Vec::with_capacity(ranges.len());
        let mut last_key: &[u8] = &[];
        for (i, (first, last, payload)) in ranges.iter().enumerate() {
            separators.push(if i == 0 {
                Vec::new()
            } else {
                separator(&key_symbols(first)?, &key_symbols(last_key)?)
            });
            last_key = last;
            let id = shards.len() as u32;
            shards.push(shard_file(build_id, id, payload));
        }
        write_separators(&mut body, &separators);
    }
    write_varint(&mut descriptor, shards.len() as u64);
    write_varint(
        &mut descriptor,
        u64::from(links) | u64::from(grouped_links) << 1,
    );
    descriptor.extend_from_slice(&body);
    root_sections.push((SectionKind::Shards, descriptor));
    let root = super::encode_sections(&root_sections);
    Ok(Sharded {
        build_id,
        root,
        shards,
    })
}

/// Passages of a title whose facts ride with the title's postings (longer sections' passages
/// are read from the tables).
const TITLE_FACTS_MAX_PASSAGES: u32 = 4;

/// What scoring reads of one passage (see `Engine::touch_fields`), carried by every posting
/// of a sharded index so that scoring a gram's candidates fetches no table page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PassageFacts {
    pub chars: u32,
    pub link_percent: u8,
    pub title: u32,
}

/// What scoring reads of one title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TitleFacts {
    pub first: u32,
    pub end: u32,
    pub chars: u32,
}

fn passage_facts(view: &IndexView<'_>, p: u32) -> Result<PassageFacts> {
    Ok(PassageFacts {
        chars: view.passage_chars(p)?,
        link_percent: view.passage_link_percent(p)?,
        title: view.title_of(p)?,
    })
}

fn title_facts(view: &IndexView<'_>, t: u32) -> Result<TitleFacts> {
    let (first, end) = view.title_passages(t)?;
    Ok(TitleFacts {
        first,
        end,
        chars: view.title_chars(t)?,
    })
}

/// Two ascending id sequences that advance together (a passage and its section's title: in a
/// collection of poems, one each), written as the change of their difference from one posting
/// to the next: mostly 0, which compresses to almost nothing, where the plain deltas of the
/// second sequence would repeat the postings' own deltas.
#[derive(Default)]
struct GapDeltas {
    previous: i64,
}

impl GapDeltas {
    fn write(&mut self, out: &mut Vec<u8>, doc: u32, other: u32) {
        let gap = i64::from(doc) - i64::from(other);
        write_varint(out, zigzag(gap - self.previous));
        self.previous = gap;
    }

    /// The other id of `doc`, as [`GapDeltas::write`] wrote it.
    fn read(&mut self, cursor: &mut Cursor<'_>, doc: u32) -> Result<u32> {
        let change = unzigzag(cursor.varint()?);
        let gap = self.previous.checked_add(change).ok_or(bad("facts"))?;
        self.previous = gap;
        i64::from(doc)
            .checked_sub(gap)
            .and_then(|other| u32::try_from(other).ok())
            .ok_or(bad("facts"))
    }
}

/// The facts after a block: per text posting (passages ascending) its passage's length, link
/// share, title (a [`GapDeltas`] of passage and title) and that title's facts; per title
/// posting (ascending) the title's facts (its first passage a [`GapDeltas`] of title and first
/// passage), and its passages' for short sections. All varints.
fn write_facts(
    view: &IndexView<'_>,
    block: &PostingsBlock,
    links: bool,
    out: &mut Vec<u8>,
) -> Result<()> {
    let mut gaps = GapDeltas::default();
    for posting in &block.text {
        let f = passage_facts(view, posting.doc)?;
        let t = title_facts(view, f.title)?;
        write_varint(out, u64::from(f.chars));
        if links {
            write_varint(out, u64::from(f.link_percent));
        }
        gaps.write(out, posting.doc, f.title);
        // The section as the passage's position in it (mostly 0) and its length.
        write_varint(out, u64::from(posting.doc - t.first));
        write_varint(out, u64::from(t.end - t.first));
        write_varint(out, u64::from(t.chars));
    }
    let mut gaps = GapDeltas::default();
    for posting in &block.title {
        let t = title_facts(view, posting.doc)?;
        gaps.write(out, posting.doc, t.first);
        write_varint(out, u64::from(t.end - t.first));
        write_varint(out, u64::from(t.chars));
        // The title itself: ranking compares it with the query (the heading tiers).
        let text = view.title_text(posting.doc)?;
        write_varint(out, text.len() as u64);
        out.extend_from_slice(text.as_bytes());
        if t.end - t.first <= TITLE_FACTS_MAX_PASSAGES {
            for p in t.first..t.end {
                let f = passage_facts(view, p)?;
                write_varint(out, u64::from(f.chars));
                if links {
                    write_varint(out, u64::from(f.link_percent));
                }
            }
        }
    }
    Ok(())
}

/// A string group's payload: varint count, the strings' byte lengths (varints), their bytes.
fn encode_group(strings: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    write_varint(&mut out, strings.len() as u64);
    for s in strings {
        write_varint(&mut out, s.len() as u64);
    }
    for s in strings {
        out.extend_from_slice(s.as_bytes());
    }
    out
}

/// Strings `0..count` in groups of consecutive ids of about `target` bytes, each group file
/// holding the parts `strings(i)` gives for each id (part k: every id's k-th string, see
/// [`encode_group`]): `(first id, payload)` per group; one empty group when `count` is 0.
fn string_groups<'s>(
    count: u32,
    target: usize,
    strings: impl Fn(u32) -> Result<Vec<&'s str>>,
) -> Result<Vec<(u32, Vec<u8>)>> {
    let mut groups = Vec::new();
    let mut parts: Vec<Vec<&str>> = Vec::new();
    let (mut first, mut bytes) = (0u32, 0);
    for i in 0..count {
        let these = strings(i)?;
        parts.resize_with(these.len(), Vec::new);
        for (part, s) in parts.iter_mut().zip(these) {
            bytes += s.len();
            part.push(s);
        }
        if bytes >= target || i + 1 == count {
            let mut payload = Vec::new();
            for part in &mut parts {
                payload.extend_from_slice(&encode_group(part));
                part.clear();
            }
            groups.push((first, payload));
            (first, bytes) = (i + 1, 0);
        }
    }
    if groups.is_empty() {
        groups.push((0, encode_group(&[])));
    }
    Ok(groups)
}

/// One fst to cut into key ranges of about `target` bytes, with what its values need: the
/// area they point into, and for the gram fst the facts and whole-word counts written beside
/// each postings block.
#[derive(Clone, Copy)]
struct MapToSplit<'m, 'v> {
    view: &'m IndexView<'v>,
    links: bool,
    kind: SectionKind,
    map: &'m fst::Map<&'m [u8]>,
    area: &'m [u8],
    target: usize,
    counts: Option<&'m WholeCounts>,
}

/// First byte of a character union's key in a sharded index's gram fst: no UTF-8 key starts
/// with it, so no prefix of real text ever reaches a union.
pub const CHAR_UNION_MARK: u8 = 0xFF;

/// The key of the character union of `c` (see the module docs): [`CHAR_UNION_MARK`], then `c`.
pub fn char_union_key(c: char) -> Vec<u8> {
    let mut key = vec![CHAR_UNION_MARK];
    key.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    key
}

/// The key of the postings of `c` in its usual reading (see [`char_unions`]), right after its
/// [`char_union_key`]: that key, then a 0 byte. Only characters with reading exceptions have
/// one; a one-syllable pinyin query reads it instead of every text that holds `c`.
pub fn usual_reading_key(c: char) -> Vec<u8> {
    let mut key = char_union_key(c);
    key.push(0);
    key
}

/// Whole-word counts of CJK characters (`(c, '\0')`) and of CJK bigrams (`(a, b)`), by needle:
/// `(passage, count)` sorted by passage.
type WholeCounts = HashMap<(char, char), Vec<(u32, u8)>>;

/// One count of [`WholeCounts`] as the passages yield it: needle, passage, count.
type WholeCount = ((char, char), u32, u8);

/// The needle of [`WholeCounts`] for a character alone.
const ALONE: char = '\0';
/// The needle of [`WholeCounts`] for a character in its usual reading (see
/// [`usual_reading_key`]): the whole-word count of its occurrences outside its reading
/// exceptions.
const USUAL: char = '\u{1}';

/// A CJK character's reading exceptions: the words that read it otherwise than usual
/// ([`read_otherwise_entry`]), by character.
type Exceptions = HashMap<char, Vec<Vec<char>>>;

/// The reading exceptions of the PinyinFst section `pinyin`.
fn reading_exceptions(pinyin: &[u8]) -> Result<Exceptions> {
    let map = fst::Map::new(pinyin).map_err(|_| FormatError::BadFst(SectionKind::PinyinFst))?;
    let mut out = Exceptions::new();
    let mut stream = map.stream();
    while let Some((key, _)) = stream.next() {
        if let Some((c, word)) = read_otherwise_entry(key) {
            out.entry(c).or_default().push(word);
        }
    }
    Ok(out)
}

/// The occurrences of `c` in `key` outside its reading exceptions `words`: where a pinyin
/// pattern for its usual reading matches it (see `inside_word_read_otherwise`).
fn usual_occurrences(key: &str, c: char, words: &[Vec<char>]) -> Vec<(usize, usize)> {
    let mut needle = [0; 4];
    usual_among(key, c, words, find_all(key, c.encode_utf8(&mut needle)))
}

/// Those of `occurrences` (of `c` in `key`) outside `c`'s reading exceptions `words`.
fn usual_among(
    key: &str,
    c: char,
    words: &[Vec<char>],
    mut occurrences: Vec<(usize, usize)>,
) -> Vec<(usize, usize)> {
    occurrences.retain(|&(at, _)| {
        !inside_word_read_otherwise(key, at, c, words.iter().map(Vec::as_slice))
    });
    occurrences
}

/// What [`whole_counts`] finds passage by passage: the whole-word counts, and for each
/// character with reading exceptions, `(passage, occurrences in its usual reading)` of the
/// passages that have some, ascending.
struct PassageCounts {
    whole: WholeCounts,
    usual: HashMap<char, Vec<(u32, u32)>>,
}

/// [`whole_word_count_in`] of every CJK character and every CJK bigram of every passage text,
/// for the character unions and the bigrams' postings: computed passage by passage (one fold
/// and one window memo per passage, on two threads), where [`split_map`] would fold and search
/// each passage again for every one of its grams.
fn whole_counts(view: &IndexView<'_>, exceptions: &Exceptions) -> Result<PassageCounts> {
    let passages = view.stats().passages;
    type Usual = (char, u32, u32, u8);
    let part = |range: std::ops::Range<u32>| -> Result<(Vec<WholeCount>, Vec<Usual>)> {
        let vocab = MapVocabulary {
            words: view.words(),
            total_freq: view.stats().word_freq_total,
        };
        let mut out = Vec::new();
        let mut usual = Vec::new();
        let mut needles: Vec<(char, char)> = Vec::new();
        for passage in range {
            let key = fold_text(view.passage_text(passage)?, &view.fold());
            needles.clear();
            let mut previous: Option<char> = None;
            for c in key.chars() {
                if char_class(c) == CharClass::Cjk {
                    needles.push((c, ALONE));
                    if let Some(p) = previous {
                        needles.push((p, c));
                    }
                    previous = Some(c);
                } else {
                    previous = None;
                }
            }
            needles.sort_unstable();
            needles.dedup();
            let mut memo = WindowCuts::default();
            let mut needle = String::new();
            for &(a, b) in &needles {
                needle.clear();
                needle.push(a);
                if b != ALONE {
                    needle.push(b);
                }
                let found = find_all(&key, &needle);
                let count = whole_words_among(&key, &found, &vocab, &mut memo);
                out.push(((a, b), passage, count.min(u32::from(u8::MAX)) as u8));
                if let (ALONE, Some(words)) = (b, exceptions.get(&a)) {
                    let found = usual_among(&key, a, words, found);
                    if !found.is_empty() {
                        let whole = whole_words_among(&key, &found, &vocab, &mut memo);
                        let whole = whole.min(u32::from(u8::MAX)) as u8;
                        usual.push((a, passage, found.len() as u32, whole));
                    }
                }
            }
        }
        Ok((out, usual))
    };
    let middle = passages / 2;
    let (mut all, mut usual) = std::thread::scope(|scope| {
        let low = scope.spawn(|| part(0..middle));
        let high = part(middle..passages);
        let (mut all, mut usual) = low.join().map_err(|_| bad("a count thread failed"))??;
        let (high_all, high_usual) = high?;
        all.extend(high_all);
        usual.extend(high_usual);
        Ok::<_, FormatError>((all, usual))
    })?;
    all.sort_unstable_by_key(|e| (e.0, e.1));
    usual.sort_unstable_by_key(|e| (e.0, e.1));
    let mut counts = PassageCounts {
        whole: WholeCounts::new(),
        usual: HashMap::new(),
    };
    for (needle, passage, count) in all {
        counts
            .whole
            .entry(needle)
            .or_default()
            .push((passage, count));
    }
    for (c, passage, tf, whole) in usual {
        counts
            .whole
            .entry((c, USUAL))
            .or_default()
            .push((passage, whole));
        counts.usual.entry(c).or_default().push((passage, tf));
    }
    Ok(counts)
}

/// The character unions of a gram fst: for every CJK character that starts a key, the
/// [`union`] of the text and of the title postings of every key it starts, as an fst (keys
/// [`char_union_key`]) and the area its values point into; and for a character with reading
/// exceptions, right after its union, the postings of its usual reading
/// ([`usual_reading_key`]: the passages and titles where it occurs outside the words that
/// read it otherwise, with those occurrences as the term frequency).
fn char_unions(
    view: &IndexView<'_>,
    map: &fst::Map<&[u8]>,
    area: &[u8],
    exceptions: &Exceptions,
    counts: &PassageCounts,
) -> Result<(Vec<u8>, Vec<u8>)> {
    let mut builder = fst::MapBuilder::memory();
    let mut union_area = Vec::new();
    let mut current: Option<char> = None;
    let (mut texts, mut titles) = (Vec::new(), Vec::new());
    let mut finish = |c: char, texts: &mut Vec<_>, titles: &mut Vec<_>| -> Result<()> {
        let block = PostingsBlock {
            text: union(std::mem::take(texts)),
            title: union(std::mem::take(titles)),
        };
        let value = block.encode(&mut union_area);
        let bad_fst = |_| FormatError::BadFst(SectionKind::GramFst);
        builder.insert(char_union_key(c), value).map_err(bad_fst)?;
        let Some(words) = exceptions.get(&c) else {
            return Ok(());
        };
        let passages = counts.usual.get(&c).map_or(&[][..], Vec::as_slice);
        let mut usual = PostingsBlock {
            text: passages
                .iter()
                .map(|&(doc, tf)| Posting { doc, tf })
                .collect(),
            title: Vec::new(),
        };
        for posting in &block.title {
            let key = fold_text(view.title_text(posting.doc)?, &view.fold());
            let tf = usual_occurrences(&key, c, words).len() as u32;
            if tf > 0 {
                usual.title.push(Posting {
                    doc: posting.doc,
                    tf,
                });
            }
        }
        let value = usual.encode(&mut union_area);
        builder.insert(usual_reading_key(c), value).map_err(bad_fst)
    };
    // Keys are in byte order, so the keys a character starts are consecutive.
    let mut stream = map.stream();
    while let Some((key, value)) = stream.next() {
        let first = std::str::from_utf8(key)
            .ok()
            .and_then(|k| k.chars().next())
            .filter(|&c| char_class(c) == CharClass::Cjk);
        if first != current {
            if let Some(c) = current {
                finish(c, &mut texts, &mut titles)?;
            }
            current = first;
        }
        if first.is_some() {
            let block = view.gram_postings_in(value, area)?;
            texts.push(block.text);
            titles.push(block.title);
        }
    }
    if let Some(c) = current {
        finish(c, &mut texts, &mut titles)?;
    }
    let fst_bytes = builder
        .into_inner()
        .map_err(|_| FormatError::BadFst(SectionKind::GramFst))?;
    Ok((fst_bytes, union_area))
}

/// The reading pairs of a PinyinFst `map` (its lists in `area`; its reading exceptions
/// `exceptions`, see [`reading_exceptions`]), as an fst (keys
/// [`reading_pair_key`]) and the area its values point into: for each bigram `ab` of the
/// passages' and titles' match keys whose characters have usual readings `x` and `y`, under
/// `x y`, its occurrences where a pinyin pattern for `x y` matches it: what the engine's walk
/// over the bigrams of every character read `x` counts (`GramLayout::two_slot_runs`), so that
/// a two-syllable query reads one entry instead of dozens of gram ranges. That is every
/// occurrence (overlapping, as the gram postings count them) when neither character has
/// reading exceptions; else the bigram's non-overlapping occurrences ([`find_all`], as the
/// engine checks texts) where neither character lies in a word that reads it otherwise. Each
/// pair keeps its [`READING_PAIR_RUNS`] most frequent runs (then in code-point order).
fn reading_pairs(
    view: &IndexView<'_>,
    map: &fst::Map<&[u8]>,
    area: &[u8],
    exceptions: &Exceptions,
) -> Result<(Vec<u8>, Vec<u8>)> {
    // Each character's usual reading, as an index into `readings`.
    let mut readings: Vec<String> = Vec::new();
    let mut usual: HashMap<char, usize> = HashMap::new();
    let mut stream = map.stream();
    while let Some((key, value)) = stream.next() {
        if let Some(reading) = std::str::from_utf8(key)
            .ok()
            .filter(|k| k.bytes().all(|b| b.is_ascii_lowercase()))
        {
            for (c, _) in decode_char_list(area, value, usize::MAX)? {
                usual.insert(c, readings.len());
            }
            readings.push(reading.to_string());
        }
    }
    // Passages in two halves on two threads (the titles with the second), as `whole_counts`.
    let count = |passages: std::ops::Range<u32>, titles: bool| -> Result<PairCounts> {
        let mut counts = PairCounts::new();
        let fold = view.fold();
        for p in passages {
            count_pairs(
                &fold_text(view.passage_text(p)?, &fold),
                &usual,
                exceptions,
                &mut counts,
            );
        }
        for t in 0..if titles { view.stats().titles } else { 0 } {
            count_pairs(
                &fold_text(view.title_text(t)?, &fold),
                &usual,
                exceptions,
                &mut counts,
            );
        }
        Ok(counts)
    };
    let passages = view.stats().passages;
    let counts = std::thread::scope(|scope| {
        let low = scope.spawn(|| count(0..passages / 2, false));
        let mut counts = count(passages / 2..passages, true)?;
        for (pair, n) in low.join().map_err(|_| bad("a count thread failed"))?? {
            *counts.entry(pair).or_default() += n;
        }
        Ok::<_, FormatError>(counts)
    })?;
    let mut pairs: BTreeMap<String, Vec<CountedPair>> = BTreeMap::new();
    for ((a, b), n) in counts {
        pairs
            .entry(reading_pair_key(&readings[usual[&a]], &readings[usual[&b]]))
            .or_default()
            .push(((a, b), n));
    }
    let mut builder = fst::MapBuilder::memory();
    let mut pair_area = Vec::new();
    for (key, mut runs) in pairs {
        runs.sort_unstable_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        runs.truncate(READING_PAIR_RUNS);
        builder
            .insert(key, encode_pair_list(&mut pair_area, &runs))
            .map_err(|_| FormatError::BadFst(SectionKind::PinyinFst))?;
    }
    let fst_bytes = builder
        .into_inner()
        .map_err(|_| FormatError::BadFst(SectionKind::PinyinFst))?;
    Ok((fst_bytes, pair_area))
}

/// Occurrences of bigrams by their characters (see [`reading_pairs`]).
type PairCounts = HashMap<(char, char), u64>;

/// Adds to `counts` the bigrams of the match key `key` whose characters both have a usual
/// reading, counted as [`reading_pairs`] says.
fn count_pairs(
    key: &str,
    usual: &HashMap<char, usize>,
    exceptions: &Exceptions,
    counts: &mut PairCounts,
) {
    let mut checked: Vec<(char, char)> = Vec::new();
    let mut previous: Option<char> = None;
    for c in key.chars() {
        let read = usual.contains_key(&c);
        if let (Some(a), true) = (previous, read) {
            if exceptions.contains_key(&a) || exceptions.contains_key(&c) {
                checked.push((a, c));
            } else {
                *counts.entry((a, c)).or_default() += 1;
            }
        }
        previous = read.then_some(c);
    }
    checked.sort_unstable();
    checked.dedup();
    let words = |c: char| exceptions.get(&c).into_iter().flatten().map(Vec::as_slice);
    for &(a, b) in &checked {
        let run: String = [a, b].into_iter().collect();
        let n = find_all(key, &run)
            .into_iter()
            .filter(|&(at, _)| {
                !inside_word_read_otherwise(key, at, a, words(a))
                    && !inside_word_read_otherwise(key, at + a.len_utf8(), b, words(b))
            })
            .count() as u64;
        if n > 0 {
            *counts.entry((a, b)).or_default() += n;
        }
    }
}

/// A key range as [`MapToSplit::split`] cuts it: its first key, its last key, its payload.
type CutRange = (Vec<u8>, Vec<u8>, Vec<u8>);

impl MapToSplit<'_, '_> {
    /// [`MapToSplit::split`] of the whole fst (of a gram fst, most of the work: postings,
    /// facts, whole-word counts) in two halves of its key space at once, on two threads.
    fn split_in_halves(&self) -> Result<Vec<CutRange>> {
        if self.map.len() <= 1024 {
            return self.split(None, None);
        }
        let mut keys = self.map.keys();
        let mut middle = Vec::new();
        for _ in 0..=self.map.len() / 2 {
            match keys.next() {
                Some(key) => middle = key.to_vec(),
                None => break,
            }
        }
        let middle = middle.as_slice();
        std::thread::scope(|scope| {
            let low = scope.spawn(move || self.split(None, Some(middle)));
            let high = self.split(Some(middle), None);
            let mut low = low.join().map_err(|_| bad("a split thread failed"))??;
            low.extend(high?);
            Ok(low)
        })
    }

    /// Cuts the keys from `from` (inclusive) to `to` (exclusive; `None`: no bound) into key
    /// ranges, the values re-encoded into each range's own area.
    fn split(&self, from: Option<&[u8]>, to: Option<&[u8]>) -> Result<Vec<CutRange>> {
        let MapToSplit {
            view,
            links,
            kind,
            map,
            area,
            target,
            counts,
        } = *self;
        let mut ranges = Vec::new();
        let mut entries: Vec<(Vec<u8>, u64)> = Vec::new();
        let mut range_area: Vec<u8> = Vec::new();
        let mut bytes = 0usize;
        let flush = |entries: &mut Vec<(Vec<u8>, u64)>,
                     range_area: &mut Vec<u8>,
                     ranges: &mut Vec<CutRange>|
         -> Result<()> {
            let mut builder = fst::MapBuilder::memory();
            for (key, value) in entries.iter() {
                builder
                    .insert(key, *value)
                    .map_err(|_| FormatError::BadFst(kind))?;
            }
            let fst_bytes = builder
                .into_inner()
                .map_err(|_| FormatError::BadFst(kind))?;
            let mut payload = Vec::with_capacity(4 + fst_bytes.len() + range_area.len());
            payload.extend_from_slice(&(fst_bytes.len() as u32).to_le_bytes());
            payload.extend_from_slice(&fst_bytes);
            payload.extend_from_slice(range_area);
            let first = entries.first().map(|e| e.0.clone()).unwrap_or_default();
            let last = entries.last().map(|e| e.0.clone()).unwrap_or_default();
            ranges.push((first, last, payload));
            entries.clear();
            range_area.clear();
            Ok(())
        };
        let vocab = MapVocabulary {
            words: view.words(),
            total_freq: view.stats().word_freq_total,
        };
        let mut keys: BTreeMap<u32, (String, WindowCuts)> = BTreeMap::new();
        let mut stream = match (from, to) {
            (Some(a), Some(b)) => map.range().ge(a).lt(b).into_stream(),
            (Some(a), None) => map.range().ge(a).into_stream(),
            (None, Some(b)) => map.range().lt(b).into_stream(),
            (None, None) => map.range().into_stream(),
        };
        while let Some((key, value)) = stream.next() {
            // Past half the target, cut where the keys' first character changes: the separator is
            // then that one character (see `separator`), and a prefix lookup reads fewer ranges.
            let half_full = bytes + range_area.len() >= target / 2;
            if half_full
                && entries
                    .last()
                    .is_some_and(|(k, _)| first_symbol(k) != first_symbol(key))
            {
                flush(&mut entries, &mut range_area, &mut ranges)?;
                bytes = 0;
            }
            let value = match kind {
                SectionKind::GramFst => {
                    let block: PostingsBlock = view.gram_postings_in(value, area)?;
                    let value = block.encode(&mut range_area);
                    if value & 1 == 0 {
                        // A character union counts its character.
                        let gram = key.strip_prefix(&[CHAR_UNION_MARK]).unwrap_or(key);
                        let gram = std::str::from_utf8(gram).unwrap_or("");
                        let union = key.first() == Some(&CHAR_UNION_MARK);
                        // Every gram with a block of postings gets its whole-word counts (see
                        // [`IndexView::gram_whole_counts`]), a byte per posting: ranking a query
                        // of it then reads no passage text, and a rare gram is still one needle
                        // among the many alternatives of a pinyin term, whose passages the
                        // second pass would otherwise segment (reading vocabulary ranges). A
                        // single posting inlined in the gram's value has none.
                        let usual = union && key.last() == Some(&0);
                        let counted = union || term_is_single_gram(gram);
                        // A CJK character or bigram: its counts were computed passage by passage.
                        let mut chars = gram.chars();
                        let needle = match (chars.next(), chars.next(), chars.next()) {
                            (Some(a), None, _) if union => Some((a, ALONE)),
                            (Some(a), Some('\0'), None) if usual => Some((a, USUAL)),
                            (Some(a), Some(b), None)
                                if char_class(a) == CharClass::Cjk
                                    && char_class(b) == CharClass::Cjk =>
                            {
                                Some((a, b))
                            }
                            _ => None,
                        };
                        let known = counts.zip(needle);
                        if let (true, Some((counts, needle))) = (counted, known) {
                            write_varint(&mut range_area, block.text.len() as u64);
                            let list = counts.get(&needle).map_or(&[][..], Vec::as_slice);
                            for posting in &block.text {
                                let at = list
                                    .binary_search_by_key(&posting.doc, |e| e.0)
                                    .map_err(|_| bad("whole-word counts of a gram"))?;
                                range_area.push(list[at].1);
                            }
                        } else if counted {
                            write_varint(&mut range_area, block.text.len() as u64);
                            for posting in &block.text {
                                let (key, memo) = match keys.entry(posting.doc) {
                                    Entry::Occupied(e) => e.into_mut(),
                                    Entry::Vacant(e) => e.insert((
                                        fold_text(view.passage_text(posting.doc)?, &view.fold()),
                                        WindowCuts::default(),
                                    )),
                                };
                                range_area.push(whole_word_count_in(key, gram, &vocab, memo) as u8);
                            }
                        } else {
                            write_varint(&mut range_area, 0);
                        }
                        write_facts(view, &block, links, &mut range_area)?;
                    }
                    value
                }
                SectionKind::PinyinFst if key.first() == Some(&READING_PAIR_MARK) => {
                    encode_pair_list(&mut range_area, &decode_pair_list(area, value)?)
                }
                SectionKind::PinyinFst
                    if key.first() != Some(&b'~') && read_otherwise_entry(key).is_none() =>
                {
                    let chars = decode_char_list(area, value, usize::MAX)?;
                    encode_char_list(&mut range_area, &chars)
                }
                _ => value,
            };
            bytes += key.len() + 2;
            entries.push((key.to_vec(), value));
            if bytes + range_area.len() >= target {
                flush(&mut entries, &mut range_area, &mut ranges)?;
                bytes = 0;
            }
        }
        if !entries.is_empty() || ranges.is_empty() {
            flush(&mut entries, &mut range_area, &mut ranges)?;
        }
        Ok(ranges)
    }
}

/// The symbols of a key of a range map: its characters, and [`CHAR_UNION_MARK`] as
/// [`UNION_SYMBOL`], which sorts above every character as the byte does above every UTF-8
/// byte, so that symbols compare as the key bytes do.
fn key_symbols(key: &[u8]) -> Result<Vec<u32>> {
    let (mark, rest) = match key.split_first() {
        Some((&CHAR_UNION_MARK, rest)) => (Some(UNION_SYMBOL), rest),
        _ => (None, key),
    };
    let text = std::str::from_utf8(rest).map_err(|_| bad("range key"))?;
    Ok(mark
        .into_iter()
        .chain(text.chars().map(u32::from))
        .collect())
}

/// The bytes of a key's first symbol (see [`key_symbols`]): its first character, or the mark.
fn first_symbol(key: &[u8]) -> &[u8] {
    let len = match key.first() {
        Some(0xC0..=0xDF) => 2,
        Some(0xE0..=0xEF) => 3,
        Some(0xF0..=0xF7) => 4,
        _ => 1,
    };
    &key[..len.min(key.len())]
}

/// The symbol of [`CHAR_UNION_MARK`] (see [`key_symbols`]).
const UNION_SYMBOL: u32 = 0x11_0000;

/// The key bytes of `symbols` ([`key_symbols`] reversed).
fn symbols_key(symbols: &[u32]) -> Result<Vec<u8>> {
    let mut key = Vec::with_capacity(symbols.len() * 3);
    for &symbol in symbols {
        if symbol == UNION_SYMBOL {
            key.push(CHAR_UNION_MARK);
        } else {
            let c = char::from_u32(symbol).ok_or(bad("range key"))?;
            key.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
    }
    Ok(key)
}

/// A range's separator: the shortest run of symbols starting its first key that sorts above the
/// previous range's last key (every key of the range sorts at or above it, every key before it
/// below), so that the root keeps a character or two per range, not whole keys.
fn separator(first: &[u32], previous_last: &[u32]) -> Vec<u32> {
    let mut cut = 1;
    while cut < first.len() && first[..cut] <= *previous_last {
        cut += 1;
    }
    first[..cut.min(first.len())].to_vec()
}

/// Writes the separators of one range map (symbols, the first one empty), front-coded in two
/// runs: per separator the symbols it shares with the previous one and the count of the rest;
/// then the rest's symbols, the first of them as its distance above the previous separator's
/// symbol in the same place when there is one (consecutive separators mostly differ in one
/// character, a few code points apart), the others as they are.
fn write_separators(out: &mut Vec<u8>, symbols: &[Vec<u32>]) {
    let shared_with_previous = |i: usize| -> usize {
        match i.checked_sub(1) {
            Some(p) => symbols[p]
                .iter()
                .zip(&symbols[i])
                .take_while(|(a, b)| a == b)
                .count(),
            None => 0,
        }
    };
    for (i, separator) in symbols.iter().enumerate() {
        let shared = shared_with_previous(i);
        write_varint(out, shared as u64);
        write_varint(out, (separator.len() - shared) as u64);
    }
    for (i, separator) in symbols.iter().enumerate() {
        let shared = shared_with_previous(i);
        for (k, &symbol) in separator[shared..].iter().enumerate() {
            let above = match (k, i.checked_sub(1)) {
                (0, Some(p)) => symbols[p].get(shared).copied(),
                _ => None,
            };
            write_varint(out, u64::from(symbol - above.unwrap_or(0)));
        }
    }
}

/// Reads `count` separators [`write_separators`] wrote, as key bytes.
fn read_separators(cursor: &mut Cursor<'_>, count: usize) -> Result<Vec<Vec<u8>>> {
    let mut lengths = Vec::with_capacity(count);
    for _ in 0..count {
        let shared = usize::try_from(cursor.varint()?).map_err(|_| bad("range key"))?;
        let rest = usize::try_from(cursor.varint()?)
            .ok()
            .filter(|&n| n <= 1024)
            .ok_or(bad("range key"))?;
        lengths.push((shared, rest));
    }
    let mut previous: Vec<u32> = Vec::new();
    let mut keys = Vec::with_capacity(count);
    for (i, &(shared, rest)) in lengths.iter().enumerate() {
        if shared > previous.len() {
            return Err(bad("range key"));
        }
        let mut symbols = previous[..shared].to_vec();
        for k in 0..rest {
            let value = u32::try_from(cursor.varint()?).map_err(|_| bad("range key"))?;
            let above = match (k, i) {
                (0, 1..) => previous.get(shared).copied().unwrap_or(0),
                _ => 0,
            };
            symbols.push(value.checked_add(above).ok_or(bad("range key"))?);
        }
        keys.push(symbols_key(&symbols)?);
        previous = symbols;
    }
    Ok(keys)
}

// ---------------------------------------------------------------------------------------------
// Reader

/// Which shards a search read but did not have.
#[derive(Debug, Default)]
pub struct Missing(Mutex<Vec<u32>>);

impl Missing {
    fn record(&self, id: u32) {
        if let Ok(mut ids) = self.0.lock() {
            // Loops read the same page many times over: keep runs of one id to one entry.
            if ids.last() != Some(&id) {
                ids.push(id);
            }
        }
    }
}

/// A section cut into pages, filled as they arrive.
#[derive(Debug)]
pub struct PagedSection {
    kind: SectionKind,
    len: usize,
    /// Start offset of every page, ascending, the first 0.
    starts: Vec<usize>,
    /// u32 tables: the first value of every page.
    fences: Vec<u32>,
    first_id: u32,
    pages: Vec<OnceLock<Box<[u8]>>>,
}

impl PagedSection {
    pub(super) fn len(&self) -> usize {
        self.len
    }

    fn page_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    fn page_end(&self, page: usize) -> usize {
        self.starts.get(page + 1).copied().unwrap_or(self.len)
    }

    /// Bytes `range` of the section, when its page has arrived (else records it in `missing`).
    pub(super) fn get<'s>(
        &'s self,
        range: std::ops::Range<usize>,
        missing: &Missing,
    ) -> Option<&'s [u8]> {
        if range.start > range.end || range.end > self.len {
            return None;
        }
        let page = self.page_of(range.start);
        let (start, end) = (self.starts[page], self.page_end(page));
        if range.end > end && range.start < end {
            return None;
        }
        match self.pages[page].get() {
            Some(bytes) => bytes.get(range.start - start..range.end - start),
            None => {
                missing.record(self.first_id + page as u32);
                None
            }
        }
    }

    /// For a u32 table: the byte range of the page whose first value is the last at or below
    /// `value` (an empty range before the first page when none is).
    pub(super) fn u32_page_around(&self, value: u32) -> Option<(usize, usize)> {
        if self.fences.is_empty() {
            return None;
        }
        let page = match self
            .fences
            .binary_search_by(|f| f.cmp(&value).then(std::cmp::Ordering::Less))
        {
            Ok(i) | Err(i) => i,
        };
        if page == 0 {
            return Some((0, 0));
        }
        // Duplicates: the last page whose first value is at or below `value`.
        let page = page - 1;
        Some((self.starts[page], self.page_end(page)))
    }
}

/// Strings (passage texts, titles or source names) in groups of consecutive ids, each group
/// a shard: `count`, their byte lengths, their bytes (see [`encode_group`]).
#[derive(Debug)]
pub struct StringGroups {
    kind: SectionKind,
    count: u32,
    /// Which list of a group file holds these strings (text groups hold the passages, then
    /// the titles of the sections they open).
    part: u8,
    /// The id of each group's first string, non-decreasing (a group may hold no title), the
    /// first 0.
    firsts: Vec<u32>,
    first_id: u32,
    pages: Vec<OnceLock<Arc<[u8]>>>,
}

impl StringGroups {
    /// String `i`, when its group has arrived (else records it in `missing`).
    pub(super) fn get<'s>(&'s self, i: u32, missing: &Missing) -> Result<Option<&'s str>> {
        self.get_part(i, self.part, missing)
    }

    /// The string of id `i` in part `part` of its group (a list of the group file beside this
    /// table's own: the anchors beside the titles, the URLs beside the source names).
    fn get_part<'s>(&'s self, i: u32, part: u8, missing: &Missing) -> Result<Option<&'s str>> {
        if i >= self.count {
            return Err(bad("string id"));
        }
        // The last group whose first string is at or below `i` (groups before it that start at
        // the same id hold none of these strings).
        let page = self.firsts.partition_point(|&f| f <= i).saturating_sub(1);
        let Some(bytes) = self.pages[page].get() else {
            missing.record(self.first_id + page as u32);
            return Ok(None);
        };
        let mut cursor = Cursor { bytes, pos: 0 };
        for _ in 0..part {
            // Skip a list: its count, lengths and bytes.
            let n = cursor.varint()?;
            let mut total = 0usize;
            for _ in 0..n {
                let l = usize::try_from(cursor.varint()?).map_err(|_| bad("string group"))?;
                total = total.checked_add(l).ok_or(bad("string group"))?;
            }
            cursor.pos = cursor.pos.checked_add(total).ok_or(bad("string group"))?;
        }
        let n = cursor.varint()?;
        let skip = u64::from(i - self.firsts[page]);
        if skip >= n {
            return Err(bad("string group"));
        }
        let (mut start, mut len) = (0usize, 0usize);
        for k in 0..n {
            let l = usize::try_from(cursor.varint()?).map_err(|_| bad("string group"))?;
            if k < skip {
                start = start.checked_add(l).ok_or(bad("string group"))?;
            } else if k == skip {
                len = l;
            }
        }
        let from = cursor.pos.checked_add(start).ok_or(bad("string group"))?;
        let text = bytes
            .get(from..from.checked_add(len).ok_or(bad("string group"))?)
            .ok_or(FormatError::Truncated {
                what: "string group",
            })?;
        std::str::from_utf8(text)
            .map(Some)
            .map_err(|_| FormatError::BadUtf8)
    }
}

/// The strings of a single file's Links section, as a sharded index keeps them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum LinkString {
    /// A source's page URL: part 1 of its source group.
    SourceUrl,
    /// A title's heading anchor: the part after the titles in its text group.
    TitleAnchor,
    /// A source's page title: groups of their own (the table of kind Links).
    PageTitle,
}

/// One fst cut into key ranges.
#[derive(Debug)]
pub struct RangeMap {
    kind: SectionKind,
    first_keys: Vec<Vec<u8>>,
    first_id: u32,
    ranges: Vec<OnceLock<LoadedRange>>,
}

/// A key range that has arrived: its fst's bytes (checked when added, opened as a borrowed
/// `fst::Map<&[u8]>` on each read: the same instance of the fst code as a single-file index's,
/// instead of a second one for owned bytes in the module) and the area its values point into.
#[derive(Debug)]
pub struct LoadedRange {
    fst: Box<[u8]>,
    area: Box<[u8]>,
}

impl RangeMap {
    /// The range that holds `key`.
    fn range_of(&self, key: &[u8]) -> usize {
        match self.first_keys.binary_search_by(|k| k.as_slice().cmp(key)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Range `i`, or `None` after recording it in `missing`.
    pub(super) fn range(&self, i: usize, missing: &Missing) -> Option<(fst::Map<&[u8]>, &[u8])> {
        match self.ranges.get(i)?.get() {
            // Checked by `fst::Map::new` when it was added: opening it again cannot fail.
            Some(r) => fst::Map::new(&r.fst[..]).ok().map(|map| (map, &r.area[..])),
            None => {
                missing.record(self.first_id + i as u32);
                None
            }
        }
    }

    /// The ranges that can hold keys starting with `prefix`, in key order.
    pub(super) fn ranges_with_prefix(&self, prefix: &[u8]) -> std::ops::Range<usize> {
        let first = self.range_of(prefix);
        let mut end = first + 1;
        while self
            .first_keys
            .get(end)
            .is_some_and(|k| k.starts_with(prefix))
        {
            end += 1;
        }
        first..end
    }

    /// The ranges that can hold keys between `low` and `high` (inclusive), in key order.
    pub(super) fn ranges_between(&self, low: &[u8], high: &[u8]) -> std::ops::Range<usize> {
        let first = self.range_of(low);
        let last = self.range_of(high).max(first);
        first..last + 1
    }
}

/// A sharded index being read: its root, and the shards that have arrived.
#[derive(Debug)]
pub struct ShardStore {
    root: Vec<u8>,
    build_id: u64,
    shard_count: u32,
    paged: Vec<PagedSection>,
    groups: Vec<StringGroups>,
    maps: Vec<RangeMap>,
    missing: Missing,
    /// Postings carry link shares (some passage has links).
    links: bool,
    /// Page URLs, anchors and page titles are in string groups ([`LinkString`]).
    grouped_links: bool,
    /// The Fold table, unpacked from the root.
    fold: Vec<u8>,
    /// The facts that arrived with postings (see [`write_facts`]), by passage and by title.
    passage_facts: OnceById<PassageFacts>,
    title_facts: OnceById<TitleFacts>,
    /// The postings blocks whose facts were read, by the address of the block's end in the
    /// store (a range's bytes stay where they arrived for the store's life): a search reads a
    /// block's facts once however often its rounds and later searches decode the block (a
    /// character's union holds one per passage of the corpus that has it).
    learned_blocks: Mutex<HashSet<usize>>,
    /// Titles that arrived with postings, by title id.
    title_texts: OnceById<Box<str>>,
}

impl ShardStore {
    /// Opens a root file (checks it like an index, then reads its Shards section).
    pub fn open(root: Vec<u8>) -> Result<ShardStore> {
        let sections = raw_sections(&root)?;
        let find = |kind: SectionKind| {
            sections
                .iter()
                .find(|(k, _)| *k == kind as u32)
                .map(|(_, b)| *b)
                .ok_or(FormatError::MissingSection(kind))
        };
        let stats = Stats::decode(find(SectionKind::Stats)?)?;
        if stats.flags & FLAG_SHARDED == 0 {
            return Err(FormatError::NotSharded);
        }
        let d = find(SectionKind::Shards)?;
        let mut cursor = Cursor { bytes: d, pos: 0 };
        let build_id = cursor.varint()? | (cursor.varint()? << 32);
        let shard_count = u32::try_from(cursor.varint()?).map_err(|_| bad("shard count"))?;
        let flags = cursor.varint()?;
        let (links, grouped_links) = (flags & 1 != 0, flags & 2 != 0);
        let fold = FoldTable::unpack(find(SectionKind::FoldPacked)?)?;
        let small = |v: u64, what| {
            usize::try_from(v)
                .ok()
                .filter(|&v| v <= 1 << 31)
                .ok_or(bad(what))
        };
        let mut paged = Vec::new();
        for _ in 0..small(cursor.varint()?, "paged sections")?.min(64) {
            let kind = section_kind(cursor.varint()?)?;
            let len = small(cursor.varint()?, "section length")?;
            let count = small(cursor.varint()?, "page count")?;
            if count == 0 || count > shard_count as usize {
                return Err(bad("page count"));
            }
            let first_id = u32::try_from(cursor.varint()?).map_err(|_| bad("shard id"))?;
            let fenced = cursor.varint()? == 1;
            let mut starts = Vec::with_capacity(count);
            let mut at = 0usize;
            for _ in 0..count {
                at = at
                    .checked_add(small(cursor.varint()?, "page start")?)
                    .filter(|&a| a < len.max(1))
                    .ok_or(bad("page start"))?;
                starts.push(at);
            }
            if starts[0] != 0 || starts.windows(2).any(|w| w[0] >= w[1]) {
                return Err(bad("page starts"));
            }
            let fences = if fenced {
                (0..count)
                    .map(|_| {
                        cursor
                            .varint()
                            .and_then(|v| u32::try_from(v).map_err(|_| bad("fence")))
                    })
                    .collect::<Result<Vec<u32>>>()?
            } else {
                Vec::new()
            };
            if first_id as usize + count > shard_count as usize {
                return Err(bad("shard id"));
            }
            paged.push(PagedSection {
                kind,
                len,
                starts,
                fences,
                first_id,
                pages: (0..count).map(|_| OnceLock::new()).collect(),
            });
        }
        let mut groups = Vec::new();
        for _ in 0..small(cursor.varint()?, "string groups")?.min(8) {
            let kind = section_kind(cursor.varint()?)?;
            let count = u32::try_from(cursor.varint()?).map_err(|_| bad("string count"))?;
            let part = u8::try_from(cursor.varint()?)
                .ok()
                .filter(|&p| p < 2)
                .ok_or(bad("group part"))?;
            let pages = small(cursor.varint()?, "group count")?;
            let first_id = u32::try_from(cursor.varint()?).map_err(|_| bad("shard id"))?;
            if pages == 0 || first_id as usize + pages > shard_count as usize {
                return Err(bad("group count"));
            }
            // A stride: group g starts at g × stride; 0: every group's start follows.
            let stride = u32::try_from(cursor.varint()?).map_err(|_| bad("group stride"))?;
            // Without a stride: the deltas' expected value, each delta stored as the zigzag of
            // its difference from it.
            let expected = if stride == 0 {
                i64::from(u32::try_from(cursor.varint()?).map_err(|_| bad("group start"))?)
            } else {
                0
            };
            let mut firsts = Vec::with_capacity(pages);
            let mut at = 0u32;
            for g in 0..pages {
                if stride > 0 {
                    at = u32::try_from(g)
                        .ok()
                        .and_then(|g| g.checked_mul(stride))
                        .ok_or(bad("group start"))?;
                } else {
                    let delta = unzigzag(cursor.varint()?) + expected;
                    at = u32::try_from(i64::from(at) + delta).map_err(|_| bad("group start"))?;
                }
                firsts.push(at);
            }
            let ascending = firsts.windows(2).all(|w| w[0] <= w[1]);
            if firsts[0] != 0 || !ascending || firsts[pages - 1] > count {
                return Err(bad("group starts"));
            }
            groups.push(StringGroups {
                kind,
                count,
                part,
                firsts,
                first_id,
                pages: (0..pages).map(|_| OnceLock::new()).collect(),
            });
        }
        let mut maps = Vec::new();
        for _ in 0..small(cursor.varint()?, "range maps")?.min(8) {
            let kind = section_kind(cursor.varint()?)?;
            let count = small(cursor.varint()?, "range count")?;
            let first_id = u32::try_from(cursor.varint()?).map_err(|_| bad("shard id"))?;
            if count == 0 || first_id as usize + count > shard_count as usize {
                return Err(bad("range count"));
            }
            let first_keys = read_separators(&mut cursor, count)?;
            if !first_keys[0].is_empty() || first_keys.windows(2).any(|w| w[0] >= w[1]) {
                return Err(bad("range keys"));
            }
            maps.push(RangeMap {
                kind,
                first_keys,
                first_id,
                ranges: (0..count).map(|_| OnceLock::new()).collect(),
            });
        }
        Ok(ShardStore {
            root,
            build_id,
            shard_count,
            paged,
            groups,
            maps,
            missing: Missing::default(),
            links,
            grouped_links,
            fold,
            passage_facts: OnceById::new(stats.passages),
            title_facts: OnceById::new(stats.titles),
            learned_blocks: Mutex::new(HashSet::new()),
            title_texts: OnceById::new(stats.titles),
        })
    }

    pub fn build_id(&self) -> u64 {
        self.build_id
    }

    pub fn shard_count(&self) -> u32 {
        self.shard_count
    }

    /// The root file's bytes.
    pub fn root(&self) -> &[u8] {
        &self.root
    }

    /// Adds shard `id` from its file's bytes (checked: magic, version, build, id, length,
    /// checksum). Adding a shard that is already there changes nothing.
    pub fn add(&self, id: u32, file: &[u8]) -> Result<()> {
        let payload = shard_payload(file, self.build_id, id)?;
        for section in &self.paged {
            let pages = section.pages.len() as u32;
            if (section.first_id..section.first_id + pages).contains(&id) {
                let page = (id - section.first_id) as usize;
                let expected = section.page_end(page) - section.starts[page];
                if payload.len() != expected {
                    return Err(FormatError::Truncated { what: "shard" });
                }
                let _ = section.pages[page].set(payload.into());
                return Ok(());
            }
        }
        // Text groups are two tables' pages (passages and titles): one file fills both.
        let mut shared: Option<Arc<[u8]>> = None;
        for group in &self.groups {
            let pages = group.pages.len() as u32;
            if (group.first_id..group.first_id + pages).contains(&id) {
                let bytes = shared.get_or_insert_with(|| payload.into()).clone();
                let _ = group.pages[(id - group.first_id) as usize].set(bytes);
            }
        }
        if shared.is_some() {
            return Ok(());
        }
        for map in &self.maps {
            let ranges = map.ranges.len() as u32;
            if (map.first_id..map.first_id + ranges).contains(&id) {
                let fst_len = payload
                    .get(..4)
                    .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
                    .ok_or(FormatError::Truncated { what: "shard" })?;
                let fst_bytes = payload
                    .get(4..4 + fst_len)
                    .ok_or(FormatError::Truncated { what: "shard" })?;
                fst::Map::new(fst_bytes).map_err(|_| FormatError::BadFst(map.kind))?;
                let loaded = LoadedRange {
                    fst: fst_bytes.into(),
                    area: payload[4 + fst_len..].into(),
                };
                let _ = map.ranges[(id - map.first_id) as usize].set(loaded);
                return Ok(());
            }
        }
        Err(FormatError::OutOfBounds { what: "shard id" })
    }

    /// What shard `id` holds: a page of a section, or a key range of a map (for tools).
    pub fn shard_kind(&self, id: u32) -> Option<SectionKind> {
        for section in &self.paged {
            if (section.first_id..section.first_id + section.pages.len() as u32).contains(&id) {
                return Some(section.kind);
            }
        }
        for group in &self.groups {
            if (group.first_id..group.first_id + group.pages.len() as u32).contains(&id) {
                return Some(group.kind);
            }
        }
        self.maps
            .iter()
            .find(|m| (m.first_id..m.first_id + m.ranges.len() as u32).contains(&id))
            .map(|m| m.kind)
    }

    /// Whether shard `id` has arrived.
    pub fn has(&self, id: u32) -> bool {
        for section in &self.paged {
            if let Some(page) = id.checked_sub(section.first_id) {
                if let Some(slot) = section.pages.get(page as usize) {
                    return slot.get().is_some();
                }
            }
        }
        for group in &self.groups {
            if let Some(page) = id.checked_sub(group.first_id) {
                if let Some(slot) = group.pages.get(page as usize) {
                    return slot.get().is_some();
                }
            }
        }
        for map in &self.maps {
            if let Some(range) = id.checked_sub(map.first_id) {
                if let Some(slot) = map.ranges.get(range as usize) {
                    return slot.get().is_some();
                }
            }
        }
        false
    }

    /// The shards read since the last call but not there, ascending (and forgets them).
    pub fn take_missing(&self) -> Vec<u32> {
        match self.missing.0.lock() {
            Ok(mut ids) => {
                let mut ids = std::mem::take(&mut *ids);
                crate::sort::sort_by(&mut ids, |a, b| a.cmp(b));
                ids.dedup();
                ids
            }
            Err(_) => Vec::new(),
        }
    }

    /// Whether a read has missed a shard since the last [`ShardStore::take_missing`].
    pub fn has_missing(&self) -> bool {
        self.missing.0.lock().is_ok_and(|set| !set.is_empty())
    }

    /// The paged section of `kind`, if it is paged.
    pub(super) fn paged(&self, kind: SectionKind) -> Option<Bytes<'_>> {
        self.paged
            .iter()
            .find(|s| s.kind == kind)
            .map(|section| Bytes::Paged {
                section,
                missing: &self.missing,
                start: 0,
                len: section.len,
            })
    }

    /// String `i` of the group table of `kind` (PassageOffsets: passage texts, TitleOffsets:
    /// titles, SourceOffsets: source names): `Ok(None)` when its group has not arrived.
    pub(super) fn string(&self, kind: SectionKind, i: u32) -> Result<Option<&str>> {
        match self.groups.iter().find(|g| g.kind == kind) {
            Some(group) => group.get(i, &self.missing),
            None => Err(FormatError::MissingSection(kind)),
        }
    }

    /// Whether page URLs, heading anchors and page titles are read through
    /// [`ShardStore::link_string`] (the index has some).
    pub(super) fn grouped_links(&self) -> bool {
        self.grouped_links
    }

    /// A page URL, heading anchor or page title: `Ok(None)` when its group has not arrived.
    pub(super) fn link_string(&self, which: LinkString, i: u32) -> Result<Option<&str>> {
        let (kind, part) = match which {
            LinkString::SourceUrl => (SectionKind::SourceOffsets, Some(1)),
            LinkString::TitleAnchor => (SectionKind::TitleOffsets, None),
            LinkString::PageTitle => (SectionKind::Links, Some(0)),
        };
        let Some(group) = self.groups.iter().find(|g| g.kind == kind) else {
            return Err(FormatError::MissingSection(kind));
        };
        // A title's anchor is the list after the titles in its text group.
        group.get_part(i, part.unwrap_or(group.part + 1), &self.missing)
    }

    /// Reads the facts after a postings block (`at`: its end, where the whole-word counts
    /// start) into the store, for [`ShardStore::passage_facts`] and
    /// [`ShardStore::title_facts`].
    pub(super) fn learn_facts(&self, block: &PostingsBlock, area: &[u8], at: usize) -> Result<()> {
        let address = (area.as_ptr() as usize).wrapping_add(at);
        if self
            .learned_blocks
            .lock()
            .is_ok_and(|blocks| blocks.contains(&address))
        {
            return Ok(());
        }
        let mut cursor = Cursor {
            bytes: area,
            pos: at,
        };
        let n = usize::try_from(cursor.varint()?).map_err(|_| bad("counts"))?;
        cursor.pos = cursor.pos.checked_add(n).ok_or(bad("counts"))?;
        let mut passages = Vec::with_capacity(block.text.len());
        let mut titles = Vec::with_capacity(block.text.len() + block.title.len());
        let mut gaps = GapDeltas::default();
        for posting in &block.text {
            let chars = cursor.u32()?;
            let link_percent = self.link_percent(&mut cursor)?;
            let title = gaps.read(&mut cursor, posting.doc)?;
            let first = posting.doc.checked_sub(cursor.u32()?).ok_or(bad("facts"))?;
            let end = first.checked_add(cursor.u32()?).ok_or(bad("facts"))?;
            let t = TitleFacts {
                first,
                end,
                chars: cursor.u32()?,
            };
            if !(t.first..t.end).contains(&posting.doc) {
                return Err(bad("facts"));
            }
            passages.push((
                posting.doc,
                PassageFacts {
                    chars,
                    link_percent,
                    title,
                },
            ));
            titles.push((title, t));
        }
        let mut gaps = GapDeltas::default();
        for posting in &block.title {
            let first = gaps.read(&mut cursor, posting.doc)?;
            let end = first.checked_add(cursor.u32()?).ok_or(bad("facts"))?;
            let t = TitleFacts {
                first,
                end,
                chars: cursor.u32()?,
            };
            titles.push((posting.doc, t));
            let text = std::str::from_utf8(cursor.bytes_with_length()?)
                .map_err(|_| FormatError::BadUtf8)?;
            self.title_texts.set(posting.doc, text.into());
            if t.end - t.first <= TITLE_FACTS_MAX_PASSAGES {
                for p in t.first..t.end {
                    let chars = cursor.u32()?;
                    let link_percent = self.link_percent(&mut cursor)?;
                    let facts = PassageFacts {
                        chars,
                        link_percent,
                        title: posting.doc,
                    };
                    passages.push((p, facts));
                }
            }
        }
        for (p, f) in passages {
            self.passage_facts.set(p, f);
        }
        for (t, f) in titles {
            self.title_facts.set(t, f);
        }
        if let Ok(mut blocks) = self.learned_blocks.lock() {
            blocks.insert(address);
        }
        Ok(())
    }

    /// A title's text, if postings have brought it.
    pub(super) fn learned_title(&self, t: u32) -> Option<&str> {
        self.title_texts.get(t).map(|s| &**s)
    }

    /// A passage's link share in facts (0 when the index has no links: not stored then).
    fn link_percent(&self, cursor: &mut Cursor<'_>) -> Result<u8> {
        if !self.links {
            return Ok(0);
        }
        u8::try_from(cursor.u32()?).map_err(|_| bad("facts"))
    }

    /// The Fold table (unpacked from the root).
    pub(super) fn fold(&self) -> &[u8] {
        &self.fold
    }

    /// The facts of passage `p`, if postings have brought them.
    pub(super) fn passage_facts(&self, p: u32) -> Option<PassageFacts> {
        self.passage_facts.get(p).copied()
    }

    /// The facts of title `t`, if postings have brought them.
    pub(super) fn title_facts(&self, t: u32) -> Option<TitleFacts> {
        self.title_facts.get(t).copied()
    }

    /// The key-range map of `kind`, with the record of missing shards its reads write to.
    pub(super) fn map(&self, kind: SectionKind) -> Option<(&RangeMap, &Missing)> {
        self.maps
            .iter()
            .find(|m| m.kind == kind)
            .map(|m| (m, &self.missing))
    }
}

/// Reads the Shards section.
struct Cursor<'b> {
    bytes: &'b [u8],
    pos: usize,
}

impl<'b> Cursor<'b> {
    fn varint(&mut self) -> Result<u64> {
        read_varint(self.bytes, &mut self.pos)
    }

    fn u32(&mut self) -> Result<u32> {
        u32::try_from(self.varint()?).map_err(|_| bad("facts"))
    }

    fn bytes_with_length(&mut self) -> Result<&'b [u8]> {
        let len = usize::try_from(self.varint()?).map_err(|_| bad("range key"))?;
        let end = self.pos.checked_add(len).ok_or(bad("range key"))?;
        let out = self.bytes.get(self.pos..end).ok_or(bad("range key"))?;
        self.pos = end;
        Ok(out)
    }
}

fn bad(what: &'static str) -> FormatError {
    FormatError::OutOfBounds { what }
}

fn section_kind(value: u64) -> Result<SectionKind> {
    u32::try_from(value)
        .ok()
        .and_then(super::section_kind_of)
        .ok_or(bad("section kind"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Keys as the range maps hold them: text of Latin letters, CJK characters and an emoji,
    /// some behind the character-union mark.
    fn key() -> impl Strategy<Value = Vec<u8>> {
        (
            any::<bool>(),
            proptest::collection::vec(
                prop::sample::select(vec!['a', 'b', 'z', '~', '一', '丁', '明', '月', '龥', '😀']),
                1..5,
            ),
        )
            .prop_map(|(union, chars)| {
                let text: String = chars.into_iter().collect();
                let mut key = if union {
                    vec![CHAR_UNION_MARK]
                } else {
                    Vec::new()
                };
                key.extend_from_slice(text.as_bytes());
                key
            })
    }

    proptest! {
        /// Cut sorted keys into ranges anywhere: the separators read back are the ones
        /// written, and each key's range is the last whose separator is at or below it.
        #[test]
        fn separators_round_trip_and_place_every_key(
            keys in proptest::collection::btree_set(key(), 1..60),
            cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..12),
        ) {
            let keys: Vec<Vec<u8>> = keys.into_iter().collect();
            let mut starts: Vec<usize> = cuts.iter().map(|c| c.index(keys.len())).collect();
            starts.push(0);
            starts.sort_unstable();
            starts.dedup();
            let mut separators = Vec::new();
            for (i, &start) in starts.iter().enumerate() {
                separators.push(if i == 0 {
                    Vec::new()
                } else {
                    let previous_last = &keys[start - 1];
                    separator(&key_symbols(&keys[start]).unwrap(), &key_symbols(previous_last).unwrap())
                });
            }
            let mut bytes = Vec::new();
            write_separators(&mut bytes, &separators);
            let mut cursor = Cursor { bytes: &bytes, pos: 0 };
            let read = read_separators(&mut cursor, separators.len()).unwrap();
            prop_assert_eq!(cursor.pos, bytes.len());
            for (got, want) in read.iter().zip(&separators) {
                prop_assert_eq!(got, &symbols_key(want).unwrap());
            }
            for (k, key) in keys.iter().enumerate() {
                let range = read.partition_point(|s| s.as_slice() <= key.as_slice()) - 1;
                let want = starts.partition_point(|&s| s <= k) - 1;
                prop_assert_eq!(range, want, "key {:?}", key);
            }
        }
    }

    proptest! {
        /// Any pairs of ids (a posting and its title, a title and its first passage) read back
        /// as written, whichever way their difference moves; an id below zero is an error.
        #[test]
        fn gap_deltas_round_trip(pairs in proptest::collection::vec((any::<u32>(), any::<u32>()), 0..40)) {
            let mut bytes = Vec::new();
            let mut written = GapDeltas::default();
            for &(doc, other) in &pairs {
                written.write(&mut bytes, doc, other);
            }
            let mut cursor = Cursor { bytes: &bytes, pos: 0 };
            let mut read = GapDeltas::default();
            for &(doc, other) in &pairs {
                prop_assert_eq!(read.read(&mut cursor, doc).unwrap(), other);
            }
            prop_assert_eq!(cursor.pos, bytes.len());
        }
    }

    #[test]
    fn a_gap_past_either_end_of_the_ids_is_an_error() {
        for change in [1i64, -(1 << 33)] {
            let mut bytes = Vec::new();
            write_varint(&mut bytes, zigzag(change));
            let mut cursor = Cursor {
                bytes: &bytes,
                pos: 0,
            };
            assert!(
                GapDeltas::default().read(&mut cursor, 0).is_err(),
                "{change}"
            );
        }
    }

    #[test]
    fn damaged_separators_are_errors() {
        // A separator sharing more symbols than the previous one has; a length beyond any key;
        // a list that ends early; a symbol beyond Unicode; a surrogate.
        for bytes in [
            &[0u8, 1, 3, 0, 97][..],
            &[0, 1, 0, 0xFF, 0x7F][..],
            &[0, 1][..],
            &[0, 1, 0, 1, 97, 0x81, 0x80, 0x44][..],
            &[0, 1, 0, 1, 97, 0x80, 0xB0, 0x03][..],
        ] {
            let mut cursor = Cursor { bytes, pos: 0 };
            assert!(read_separators(&mut cursor, 2).is_err(), "{bytes:?}");
        }
    }
}
