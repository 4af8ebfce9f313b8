//! The sections that place a hit in its site: Links (page URLs, heading anchors, page titles),
//! TitleParents (the heading hierarchy), PassageLinks (link density) and Numbering (section
//! numbering in titles); all empty for corpora without them.

use super::codec::{push_u32s, Bytes, U32Array};
use super::sharded::{LinkString, ShardStore};
use super::texts::fetched;
use super::{FormatError, IndexView, Result};

/// Where a hit links to: the page URL of every source and the heading anchor of every title
/// (HTML corpora). Text corpora have none, and the section is empty.
#[derive(Clone, Copy, Debug)]
pub struct Links<'a> {
    offsets: U32Array<'a>,
    strings: Bytes<'a>,
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
    pub(super) fn open(bytes: Bytes<'a>, entries: u64) -> Result<Links<'a>> {
        if bytes.is_empty() {
            return Ok(Links {
                offsets: U32Array(Bytes::EMPTY),
                strings: Bytes::EMPTY,
            });
        }
        let table = entries
            .checked_add(1)
            .and_then(|n| n.checked_mul(4))
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n <= bytes.len())
            .ok_or(FormatError::Truncated { what: "links" })?;
        let truncated = FormatError::Truncated { what: "links" };
        Ok(Links {
            offsets: U32Array::of(bytes.sub(0..table).ok_or(truncated.clone())?, "links")?,
            strings: bytes.sub(table..bytes.len()).ok_or(truncated)?,
        })
    }

    /// String `i` ("" when the section is empty).
    pub(super) fn get(&self, i: usize) -> Result<&'a str> {
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

impl<'a> IndexView<'a> {
    /// The shard store, when it keeps the links in string groups.
    fn grouped_links(&self) -> Option<&'a ShardStore> {
        self.shard_store().filter(|store| store.grouped_links())
    }

    /// The page URL of a source ("" when it has none: text and Markdown files).
    pub fn source_url(&self, source: u32) -> Result<&'a str> {
        if source >= self.stats.sources {
            return Err(FormatError::OutOfBounds { what: "source id" });
        }
        if let Some(store) = self.grouped_links() {
            return fetched(store.link_string(LinkString::SourceUrl, source)?);
        }
        self.links.get(source as usize)
    }

    /// The heading anchor of a title ("" when it has none).
    pub fn title_anchor(&self, title: u32) -> Result<&'a str> {
        if title >= self.stats.titles {
            return Err(FormatError::OutOfBounds { what: "title id" });
        }
        if let Some(store) = self.grouped_links() {
            return fetched(store.link_string(LinkString::TitleAnchor, title)?);
        }
        self.links.get(self.stats.sources as usize + title as usize)
    }

    /// The page title of a source ("" when it has none: text files, pages without a title).
    pub fn source_page_title(&self, source: u32) -> Result<&'a str> {
        if source >= self.stats.sources {
            return Err(FormatError::OutOfBounds { what: "source id" });
        }
        if let Some(store) = self.grouped_links() {
            return fetched(store.link_string(LinkString::PageTitle, source)?);
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
        Ok(byte_at(&self.numbering, title as usize).map_or(0, usize::from))
    }

    /// How many leading bytes of source `source`'s page-title match key are section numbering.
    pub fn page_title_numbering(&self, source: u32) -> Result<usize> {
        if source >= self.stats.sources {
            return Err(FormatError::OutOfBounds { what: "source id" });
        }
        let at = self.stats.titles as usize + source as usize;
        Ok(byte_at(&self.numbering, at).map_or(0, usize::from))
    }

    /// The share of a passage's characters that are link text, in percent (0 when unknown).
    pub fn passage_link_percent(&self, passage: u32) -> Result<u8> {
        if passage >= self.stats.passages {
            return Err(FormatError::OutOfBounds { what: "passage id" });
        }
        if let Some(facts) = self.shard_store().and_then(|s| s.passage_facts(passage)) {
            return Ok(facts.link_percent.min(100));
        }
        Ok(byte_at(&self.passage_links, passage as usize).map_or(0, |p| p.min(100)))
    }
}

/// Byte `i` of a byte table (`None`: out of bounds, or its page has not arrived).
fn byte_at(bytes: &Bytes<'_>, i: usize) -> Option<u8> {
    bytes.get(i..i.checked_add(1)?).map(|b| b[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_round_trip_and_bounds() {
        assert!(Links::encode(&["", ""], &["", "", ""], &["", ""]).is_empty());
        let bytes = Links::encode(
            &["a.html", "b%20c.html"],
            &["", "setup", "中文"],
            &["首页", ""],
        );
        let links = Links::open(Bytes::Whole(&bytes), 7).unwrap();
        let got: Vec<&str> = (0..7).map(|i| links.get(i).unwrap()).collect();
        assert_eq!(
            got,
            ["a.html", "b%20c.html", "", "setup", "中文", "首页", ""]
        );
        assert!(links.get(7).is_err(), "past the last entry");
        assert!(
            Links::open(Bytes::Whole(&bytes), 8).is_err()
                || Links::open(Bytes::Whole(&bytes), 8)
                    .unwrap()
                    .get(7)
                    .is_err()
        );
        assert!(
            Links::open(Bytes::Whole(&bytes[..10]), 7).is_err(),
            "offset table cut short"
        );
        assert!(
            Links::open(Bytes::Whole(&bytes), u64::MAX).is_err(),
            "entry count overflow"
        );
        let mut bad = bytes.clone();
        bad[4] = 0xFF; // offset 1 beyond the strings
        assert!(Links::open(Bytes::Whole(&bad), 7).unwrap().get(0).is_err());
        let empty = Links::open(Bytes::EMPTY, 7).unwrap();
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
}
