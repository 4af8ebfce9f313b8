//! The WordRefs section (scan layout): the vocabulary as references into the match keys
//! instead of a word fst.

use super::codec::{read_varint, write_varint};
use super::{FormatError, IndexView, Result};

/// Ends every match key in the string the scan layout searches (the engine's
/// `search::layout::scan_keys::ScanKeys`), which word references point into. Match keys and query terms never hold whitespace (folding drops it).
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
/// their reader (the engine's `search::layout::scan_keys::WordList`).
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

impl<'a> IndexView<'a> {
    /// The WordRefs section, still encoded ([`decode_word_refs`] reads it; the scan layout
    /// does at its first search).
    pub fn word_refs(&self) -> &'a [u8] {
        self.word_refs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
