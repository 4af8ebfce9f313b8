//! The Fold section: the corpus's traditional → simplified character pairs, a sorted table of
//! u32 pairs searched in place.

use super::codec::push_u32s;
use super::{FormatError, IndexView, Result};

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

impl<'a> IndexView<'a> {
    /// The Fold section: the corpus's traditional → simplified pairs.
    pub fn fold(&self) -> FoldTable<'a> {
        self.fold
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
