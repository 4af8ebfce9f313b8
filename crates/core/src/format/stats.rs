//! The Stats section: the corpus-wide numbers (counts, mean lengths, layout flags) that ranking
//! and the readers' bounds checks start from.

use super::codec::{push_u32s, read_u32_at};
use super::{FormatError, Result};

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
    pub(super) fn encode(&self) -> Vec<u8> {
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

    pub(super) fn decode(bytes: &[u8]) -> Result<Stats> {
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
