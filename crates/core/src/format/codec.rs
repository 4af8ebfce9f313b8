//! The primitive encodings every section is built from: LEB128 varints, little-endian u32
//! arrays read in place, and the section checksum. Every read is bounds-checked and returns a
//! [`FormatError`] on damage instead of panicking.

use super::sharded::{Missing, PagedSection};
use super::{FormatError, Result, SHARDED};

/// Appends `value` as an unsigned LEB128 varint.
pub(super) fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads a varint at `*pos`, advancing it. Fails on truncation or on more than 64 bits.
pub(super) fn read_varint(bytes: &[u8], pos: &mut usize) -> Result<u64> {
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

pub(super) fn read_u32_at(bytes: &[u8], pos: usize, what: &'static str) -> Result<u32> {
    let end = pos.checked_add(4).ok_or(FormatError::Truncated { what })?;
    let b = bytes.get(pos..end).ok_or(FormatError::Truncated { what })?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// A section's bytes: borrowed whole (a single-file index, a sharded index's root), or a window
/// of a paged section of a sharded index, whose pages arrive one by one ([`PagedSection`]).
/// Every read is of one item (a u32, a string, a byte), which the pages never cut, and answers
/// `None` when it is out of bounds or its page has not arrived (the store then records the
/// page as missing, see [`super::sharded`]).
#[derive(Clone, Copy, Debug)]
pub(super) enum Bytes<'a> {
    Whole(&'a [u8]),
    Paged {
        section: &'a PagedSection,
        missing: &'a Missing,
        start: usize,
        len: usize,
    },
}

impl<'a> Bytes<'a> {
    pub(super) const EMPTY: Bytes<'static> = Bytes::Whole(&[]);

    pub(super) fn len(&self) -> usize {
        match *self {
            Bytes::Whole(b) => b.len(),
            Bytes::Paged { len, .. } => len,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes `range` (one item), if in bounds and loaded.
    pub(super) fn get(&self, range: std::ops::Range<usize>) -> Option<&'a [u8]> {
        match *self {
            Bytes::Whole(b) => b.get(range),
            Bytes::Paged { .. } if !SHARDED => None,
            Bytes::Paged {
                section,
                missing,
                start,
                len,
            } => {
                if range.start > range.end || range.end > len {
                    return None;
                }
                section.get(start + range.start..start + range.end, missing)
            }
        }
    }

    /// The window `range` of these bytes.
    pub(super) fn sub(&self, range: std::ops::Range<usize>) -> Option<Bytes<'a>> {
        match *self {
            Bytes::Whole(b) => b.get(range).map(Bytes::Whole),
            Bytes::Paged {
                section,
                missing,
                start,
                len,
            } => (range.start <= range.end && range.end <= len).then_some(Bytes::Paged {
                section,
                missing,
                start: start + range.start,
                len: range.end - range.start,
            }),
        }
    }
}

/// An array of little-endian u32s.
#[derive(Clone, Copy, Debug)]
pub(super) struct U32Array<'a>(pub(super) Bytes<'a>);

impl<'a> U32Array<'a> {
    pub(super) fn of(bytes: Bytes<'a>, what: &'static str) -> Result<Self> {
        if bytes.len() % 4 != 0 {
            return Err(FormatError::Truncated { what });
        }
        Ok(U32Array(bytes))
    }
    pub(super) fn len(&self) -> usize {
        self.0.len() / 4
    }
    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub(super) fn get(&self, i: usize) -> Option<u32> {
        let start = i.checked_mul(4)?;
        let b = self.0.get(start..start.checked_add(4)?)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    /// Index of the last entry `<= value` (entries must be ascending), if any. A paged array
    /// first picks its page by the pages' first values (kept in the root), so a lookup reads
    /// one page, not one per probe.
    pub(super) fn last_at_or_below(&self, value: u32) -> Option<usize> {
        let (mut lo, mut hi) = self.page_around(value).unwrap_or((0, self.len()));
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

impl U32Array<'_> {
    /// A paged array (sharded): the entries `[first, end)` of the page that holds the last
    /// entry `<= value`, known from the pages' first values in the root, whether or not the
    /// page has arrived. `None` for an array in one piece.
    pub(super) fn page_around(&self, value: u32) -> Option<(usize, usize)> {
        match (SHARDED, self.0) {
            (
                true,
                Bytes::Paged {
                    section,
                    start: 0,
                    len,
                    ..
                },
            ) if len == section.len() => section
                .u32_page_around(value)
                .map(|(first, end)| (first / 4, end / 4)),
            _ => None,
        }
    }
}

pub(super) fn push_u32s(out: &mut Vec<u8>, values: &[u32]) {
    for v in values {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

/// The section checksum: XXH32 (xxHash's 32-bit hash, seed 0), as specified in xxHash's
/// `doc/xxhash_spec.md`. Four independent lanes of 4-byte words, no lookup table: it checks a
/// whole index at open faster than the sections can be read from memory twice, and adds only a
/// few hundred bytes to the wasm. Detects damage, not tampering.
pub fn checksum(bytes: &[u8]) -> u32 {
    xxh32(bytes, 0)
}

/// XXH32 of `bytes` with `seed` ([`checksum`] is seed 0; a sharded index's build id is two
/// seeds of it over the whole single-file index).
pub fn xxh32(bytes: &[u8], seed: u32) -> u32 {
    const PRIME1: u32 = 0x9E37_79B1;
    const PRIME2: u32 = 0x85EB_CA77;
    const PRIME3: u32 = 0xC2B2_AE3D;
    const PRIME4: u32 = 0x27D4_EB2F;
    const PRIME5: u32 = 0x1656_67B1;
    let word = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let round = |lane: u32, input: u32| {
        lane.wrapping_add(input.wrapping_mul(PRIME2))
            .rotate_left(13)
            .wrapping_mul(PRIME1)
    };
    let mut stripes = bytes.chunks_exact(16);
    let mut hash = if bytes.len() >= 16 {
        let mut lanes = [
            seed.wrapping_add(PRIME1).wrapping_add(PRIME2),
            seed.wrapping_add(PRIME2),
            seed,
            seed.wrapping_sub(PRIME1),
        ];
        for stripe in &mut stripes {
            for (i, lane) in lanes.iter_mut().enumerate() {
                *lane = round(*lane, word(&stripe[4 * i..]));
            }
        }
        let [a, b, c, d] = lanes;
        a.rotate_left(1)
            .wrapping_add(b.rotate_left(7))
            .wrapping_add(c.rotate_left(12))
            .wrapping_add(d.rotate_left(18))
    } else {
        seed.wrapping_add(PRIME5)
    };
    // The length modulo 2^32, as the specification says.
    hash = hash.wrapping_add(bytes.len() as u32);
    let mut words = stripes.remainder().chunks_exact(4);
    for w in &mut words {
        hash = hash
            .wrapping_add(word(w).wrapping_mul(PRIME3))
            .rotate_left(17)
            .wrapping_mul(PRIME4);
    }
    for &b in words.remainder() {
        hash = hash
            .wrapping_add(u32::from(b).wrapping_mul(PRIME5))
            .rotate_left(11)
            .wrapping_mul(PRIME1);
    }
    hash ^= hash >> 15;
    hash = hash.wrapping_mul(PRIME2);
    hash ^= hash >> 13;
    hash = hash.wrapping_mul(PRIME3);
    hash ^ (hash >> 16)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    proptest::proptest! {
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
    fn checksum_is_xxh32_by_its_published_test_vectors() {
        // From xxHash's reference test suite and its ports (seed 0): the empty input, inputs
        // shorter than one 16-byte stripe, exactly one, and several with a word and byte tail.
        let vectors: [(&[u8], u32); 8] = [
            (b"", 0x02CC_5D05),
            (b"a", 0x550D_7456),
            (b"abc", 0x32D1_53FF),
            (b"123456789", 0x937B_AD67),
            (b"123456789012345", 0xDA7B_17E8),
            (b"0123456789abcdef", 0xC2C4_5B69),
            (b"0123456789abcdefghijklmnopqrstuvwxyz", 0x9AA3_8E7E),
            (b"Nobody inspects the spammish repetition", 0xE229_3B2F),
        ];
        for (input, expected) in vectors {
            assert_eq!(
                checksum(input),
                expected,
                "{:?}",
                std::str::from_utf8(input)
            );
        }
    }
}
