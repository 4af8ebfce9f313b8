//! The Postings section and the GramFst values that point into it: where each gram occurs,
//! inline in the fst value for a single posting, else a block of varint posting lists.

use super::codec::{read_varint, write_varint};
use super::keymap::KeyMap;
use super::{FormatError, IndexView, Result};

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

/// Unites posting lists (each sorted by doc), summing term frequencies (saturating: an index's
/// counts are not trusted). The order of the lists does not matter.
pub fn union(lists: impl IntoIterator<Item = Vec<Posting>>) -> Vec<Posting> {
    let mut all: Vec<Posting> = lists.into_iter().flatten().collect();
    crate::sort::sort_by_key(&mut all, |p| p.doc);
    let mut out: Vec<Posting> = Vec::with_capacity(all.len());
    for p in all {
        match out.last_mut() {
            Some(last) if last.doc == p.doc => last.tf = last.tf.saturating_add(p.tf),
            _ => out.push(p),
        }
    }
    out
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

impl<'a> IndexView<'a> {
    /// The GramFst section: gram → value for [`IndexView::gram_postings`] (empty in the scan
    /// layout); each value comes with the postings area it points into.
    pub fn grams(&self) -> &KeyMap<'a> {
        &self.grams
    }

    /// Decodes a gram's value (inline posting or block offset into `area`, the postings its
    /// [`KeyMap`] entry came with).
    /// For a sharded index, the facts stored after the block are learned by the store.
    pub fn gram_postings(&self, value: u64, area: &[u8]) -> Result<PostingsBlock> {
        let (block, end) = self.decode_block(value, area)?;
        if let Some(store) = self.shard_store() {
            if value & 1 == 0 {
                store.learn_facts(&block, area, end)?;
            }
        }
        Ok(block)
    }

    pub(super) fn gram_postings_in(&self, value: u64, postings: &[u8]) -> Result<PostingsBlock> {
        Ok(self.decode_block(value, postings)?.0)
    }

    /// Sharded index: the whole-word counts stored after a gram's postings block (one byte per
    /// text posting: [`crate::tokenize::whole_word_count`] of the gram in that passage), when
    /// the indexer stored them; `None` for a single-file index.
    pub fn gram_whole_counts(&self, value: u64, area: &'a [u8]) -> Result<Option<&'a [u8]>> {
        if self.shard_store().is_none() || value & 1 == 1 {
            return Ok(None);
        }
        let (block, mut pos) = self.decode_block(value, area)?;
        let n = read_varint(area, &mut pos)? as usize;
        if n == 0 {
            return Ok(None);
        }
        if n != block.text.len() {
            return Err(FormatError::OutOfBounds {
                what: "whole-word counts",
            });
        }
        area.get(pos..pos + n)
            .map(Some)
            .ok_or(FormatError::Truncated {
                what: "whole-word counts",
            })
    }

    /// A gram's postings and the offset just after its block (inline values end at 0).
    fn decode_block(&self, value: u64, postings: &[u8]) -> Result<(PostingsBlock, usize)> {
        if value & 1 == 1 {
            let doc = value >> 5;
            if doc >= u64::from(self.stats.passages) {
                return Err(FormatError::OutOfBounds {
                    what: "inline posting",
                });
            }
            let tf = ((value >> 1) & u64::from(INLINE_MAX_TF)) as u32;
            let block = PostingsBlock {
                text: vec![Posting {
                    doc: doc as u32,
                    tf: tf.max(1),
                }],
                title: Vec::new(),
            };
            return Ok((block, 0));
        }
        let mut pos = usize::try_from(value >> 1).map_err(|_| FormatError::OutOfBounds {
            what: "postings offset",
        })?;
        let header = read_varint(postings, &mut pos)?;
        let text = read_entries(postings, &mut pos, header >> 1, self.stats.passages)?;
        let title = if header & 1 == 1 {
            let count = read_varint(postings, &mut pos)?;
            read_entries(postings, &mut pos, count, self.stats.titles)?
        } else {
            Vec::new()
        };
        Ok((PostingsBlock { text, title }, pos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    }
}
