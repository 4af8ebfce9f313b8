//! The PinyinChars section: per reading, the ascending list of characters usually read so,
//! which a PinyinFst value points to.

use super::codec::{read_varint, write_varint};
use super::keymap::KeyMap;
use super::{FormatError, IndexView, Result};

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

impl<'a> IndexView<'a> {
    /// The PinyinFst section: readings and reading exceptions (see the module docs of
    /// `format`); a reading's value points into the character lists its entry comes with
    /// ([`decode_char_list`] reads one).
    pub fn pinyin(&self) -> &KeyMap<'a> {
        &self.pinyin
    }
}
