//! The Fold section: the corpus's traditional → simplified character pairs. A file stores them
//! packed ([`FoldTable::pack`]: varints, every single file and sharded root is in a first
//! download); opening unpacks them once into a sorted table of u32 pairs ([`FoldTable`]),
//! searched in place by every fold.

use super::codec::{push_u32s, read_varint, write_varint};
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

impl FoldTable<'_> {
    /// The table as a file stores it (the FoldPacked section): varint count, then per pair the
    /// varint delta of the traditional character from the previous one and the zigzag varint
    /// of (simplified − traditional). [`FoldTable::unpack`] restores the table.
    pub fn pack(&self) -> Vec<u8> {
        let mut out = Vec::new();
        write_varint(&mut out, self.len() as u64);
        let mut previous = 0u32;
        for chunk in self.0.chunks_exact(8) {
            let (from, to) = Self::pair(chunk);
            write_varint(&mut out, u64::from(from.wrapping_sub(previous)));
            write_varint(&mut out, zigzag(i64::from(to) - i64::from(from)));
            previous = from;
        }
        out
    }

    /// The table bytes ([`FoldTable::new`]) of a packed table; a damaged one is an error.
    pub fn unpack(packed: &[u8]) -> Result<Vec<u8>> {
        let bad = || FormatError::OutOfBounds { what: "fold table" };
        let mut pos = 0;
        let count = usize::try_from(read_varint(packed, &mut pos)?).map_err(|_| bad())?;
        // Every pair takes at least two bytes.
        if count > packed.len() / 2 {
            return Err(bad());
        }
        let mut out = Vec::with_capacity(count * 8);
        let mut from = 0u32;
        for _ in 0..count {
            let delta = u32::try_from(read_varint(packed, &mut pos)?).map_err(|_| bad())?;
            from = from.checked_add(delta).ok_or_else(bad)?;
            let to = u32::try_from(i64::from(from) + unzigzag(read_varint(packed, &mut pos)?))
                .map_err(|_| bad())?;
            push_u32s(&mut out, &[from, to]);
        }
        Ok(out)
    }
}

/// A signed number as an unsigned varint value: 0, -1, 1, -2, … → 0, 1, 2, 3, …
pub(super) fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

pub(super) fn unzigzag(v: u64) -> i64 {
    (v >> 1) as i64 ^ -((v & 1) as i64)
}

impl IndexView<'_> {
    /// The Fold section: the corpus's traditional → simplified pairs.
    pub fn fold(&self) -> FoldTable<'_> {
        FoldTable(&self.fold)
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

    #[test]
    fn packed_tables_unpack_to_the_same_table() {
        for pairs in [
            &[][..],
            &[('國', '国'), ('質', '质'), ('檢', '检')][..],
            // Simplified above and below the traditional character, and far apart.
            &[
                ('\u{2E80}', '\u{10FFFF}'),
                ('𠀀', '一'),
                ('\u{10FFFF}', '\u{2E80}'),
            ][..],
        ] {
            let bytes = FoldTable::encode(pairs);
            let packed = FoldTable::new(&bytes).unwrap().pack();
            assert_eq!(FoldTable::unpack(&packed).unwrap(), bytes);
        }
    }

    #[test]
    fn damaged_packed_tables_are_errors() {
        let bytes = FoldTable::encode(&[('國', '国'), ('質', '质')]);
        let packed = FoldTable::new(&bytes).unwrap().pack();
        assert!(FoldTable::unpack(&packed[..packed.len() - 1]).is_err());
        // A count far beyond the bytes, and a character past u32.
        let mut huge = Vec::new();
        write_varint(&mut huge, u64::from(u32::MAX));
        assert!(FoldTable::unpack(&huge).is_err());
        let mut past = Vec::new();
        for v in [2, u64::from(u32::MAX), 0, 1, 0] {
            write_varint(&mut past, v);
        }
        assert!(FoldTable::unpack(&past).is_err());
    }
}
