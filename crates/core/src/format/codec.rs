//! The primitive encodings every section is built from: LEB128 varints, little-endian u32
//! arrays read in place, and the section checksum. Every read is bounds-checked and returns a
//! [`FormatError`] on damage instead of panicking.

use super::{FormatError, Result};

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

pub(super) fn read_u32_at(bytes: &[u8], pos: usize, what: &'static str) -> Result<u32> {
    let end = pos.checked_add(4).ok_or(FormatError::Truncated { what })?;
    let b = bytes.get(pos..end).ok_or(FormatError::Truncated { what })?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// A borrowed array of little-endian u32s.
#[derive(Clone, Copy, Debug)]
pub struct U32Array<'a>(pub(super) &'a [u8]);

impl<'a> U32Array<'a> {
    pub(super) fn new(bytes: &'a [u8], what: &'static str) -> Result<Self> {
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

pub(super) fn push_u32s(out: &mut Vec<u8>, values: &[u32]) {
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
}
