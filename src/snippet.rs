//! Snippets and highlight ranges.
//!
//! A snippet is about [`SNIPPET_CHARS`] characters of the passage's original text, placed on
//! the window that covers the most distinct query terms (with some context before the first
//! match). Every matched span inside the window is wrapped in `<mark>…</mark>`; every other
//! character is HTML-escaped, so `<mark>` is the only markup a snippet can ever contain, and
//! the marks always sit on the original characters (a traditional-character query marks the
//! simplified text it matched).

/// Target snippet length, in characters.
pub const SNIPPET_CHARS: usize = 100;
/// Characters of context kept before the first match of the window.
pub const SNIPPET_LEAD_CHARS: usize = 20;
/// Marks that start and end a highlighted span.
pub const MARK_OPEN: &str = "<mark>";
pub const MARK_CLOSE: &str = "</mark>";
/// Shown where the snippet cuts the text.
pub const ELLIPSIS: char = '…';

/// A matched span of the original text: byte range and the query term it matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub term: usize,
}

/// Appends `c` to `out`, escaped for HTML text and attribute contexts.
pub fn push_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        c => out.push(c),
    }
}

/// Sorts spans and merges overlapping or touching ones (keeping the first term id).
pub fn merge_spans(mut spans: Vec<Span>) -> Vec<Span> {
    spans.retain(|s| s.end > s.start);
    crate::sort::sort_by(&mut spans, |a, b| a.cmp(b));
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match out.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => out.push(span),
        }
    }
    out
}

/// The HTML snippet of `text` for the matched `spans` (any order, may overlap). Spans that are
/// not a range of whole characters of `text` are ignored (the engine never makes them; a bad
/// span must not panic the module).
pub fn snippet_html(text: &str, spans: &[Span]) -> String {
    let valid = |s: &&Span| {
        s.start <= s.end
            && s.end <= text.len()
            && text.is_char_boundary(s.start)
            && text.is_char_boundary(s.end)
    };
    let spans: Vec<Span> = spans.iter().filter(valid).copied().collect();
    let spans = spans.as_slice();
    let boundaries: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let n = boundaries.len() - 1;
    let char_at = |byte: usize| boundaries.partition_point(|&b| b < byte);
    let (from, to) = if n <= SNIPPET_CHARS {
        (0, n)
    } else {
        best_window(spans, n, &char_at)
    };
    let (byte_from, byte_to) = (boundaries[from], boundaries[to]);
    let mut out = String::with_capacity((byte_to - byte_from) + 64);
    if from > 0 {
        out.push(ELLIPSIS);
    }
    let mut pos = byte_from;
    for span in &merge_spans(spans.to_vec()) {
        let (start, end) = (span.start.max(byte_from), span.end.min(byte_to));
        if start >= end || start < pos {
            continue;
        }
        push_plain(&mut out, &text[pos..start]);
        out.push_str(MARK_OPEN);
        push_plain(&mut out, &text[start..end]);
        out.push_str(MARK_CLOSE);
        pos = end;
    }
    push_plain(&mut out, &text[pos..byte_to]);
    if to < n {
        out.push(ELLIPSIS);
    }
    out
}

/// The window of [`SNIPPET_CHARS`] chars (of `n`) in which the most distinct terms start, then
/// the most spans, then that starts earliest; each candidate starts [`SNIPPET_LEAD_CHARS`] before a
/// span. Spans are visited once in order with a sliding window (no quadratic rescans).
fn best_window(spans: &[Span], n: usize, char_at: &dyn Fn(usize) -> usize) -> (usize, usize) {
    let mut chars: Vec<(usize, usize, usize)> = spans
        .iter()
        .map(|s| (char_at(s.start), char_at(s.end), s.term))
        .collect();
    crate::sort::sort_by(&mut chars, |a, b| a.cmp(b));
    let window_at = |anchor: usize| {
        let start = anchor.saturating_sub(SNIPPET_LEAD_CHARS);
        let end = (start + SNIPPET_CHARS).min(n);
        (end.saturating_sub(SNIPPET_CHARS), end)
    };
    let terms = chars.iter().map(|c| c.2 + 1).max().unwrap_or(0);
    let mut counts = vec![0usize; terms];
    let (mut distinct, mut inside) = (0usize, 0usize);
    let (mut lo, mut hi) = (0usize, 0usize);
    let mut best = (0, 0, std::cmp::Reverse(0usize), (0, SNIPPET_CHARS.min(n)));
    for anchor in 0..chars.len() {
        let (start, end) = window_at(chars[anchor].0);
        // Spans starting inside [start, end): starts are sorted and both window ends only move
        // right, so the set is a sliding range [lo, hi).
        while hi < chars.len() && chars[hi].0 < end {
            counts[chars[hi].2] += 1;
            distinct += usize::from(counts[chars[hi].2] == 1);
            inside += 1;
            hi += 1;
        }
        while lo < hi && chars[lo].0 < start {
            counts[chars[lo].2] -= 1;
            distinct -= usize::from(counts[chars[lo].2] == 0);
            inside -= 1;
            lo += 1;
        }
        let candidate = (distinct, inside, std::cmp::Reverse(start), (start, end));
        if candidate > best {
            best = candidate;
        }
    }
    best.3
}

/// Escaped text with line breaks shown as spaces.
fn push_plain(out: &mut String, text: &str) {
    for c in text.chars() {
        if c == '\n' || c == '\r' {
            out.push(' ');
        } else {
            push_escaped(out, c);
        }
    }
}

/// Converts byte spans of `text` to `[start, end)` offsets in UTF-16 code units (JS indices).
pub fn utf16_ranges(text: &str, spans: &[Span]) -> Vec<[u32; 2]> {
    let mut out = Vec::with_capacity(spans.len());
    let mut units = 0u32;
    let mut chars = text.char_indices().peekable();
    let mut at = |byte: usize, units: &mut u32| {
        while let Some(&(i, c)) = chars.peek() {
            if i >= byte {
                break;
            }
            *units += c.len_utf16() as u32;
            chars.next();
        }
        *units
    };
    for span in spans {
        let start = at(span.start, &mut units);
        let end = at(span.end, &mut units);
        out.push([start, end]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str, needle: &str, term: usize) -> Span {
        let start = text.find(needle).unwrap();
        Span {
            start,
            end: start + needle.len(),
            term,
        }
    }

    #[test]
    fn escapes_everything_but_marks() {
        let text = "<script>alert('x')</script> & 碳计量 \"q\"";
        let html = snippet_html(text, &[span(text, "碳计量", 0)]);
        assert_eq!(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; <mark>碳计量</mark> &quot;q&quot;");
    }

    #[test]
    fn long_text_window_centres_on_match() {
        let text = format!("{}国家碳计量中心{}", "前".repeat(300), "后".repeat(300));
        let html = snippet_html(&text, &[span(&text, "碳计量", 0)]);
        assert!(html.starts_with('…') && html.ends_with('…'));
        assert!(html.contains("<mark>碳计量</mark>"));
        let visible = html.replace(MARK_OPEN, "").replace(MARK_CLOSE, "");
        assert_eq!(visible.chars().count(), SNIPPET_CHARS + 2);
        assert!(visible.starts_with(&format!("…{}", "前".repeat(SNIPPET_LEAD_CHARS - 2))));
    }

    #[test]
    fn window_prefers_more_distinct_terms() {
        let text = format!("甲{}乙丙{}", "一".repeat(150), "二".repeat(150));
        let spans = vec![
            span(&text, "甲", 0),
            span(&text, "乙", 0),
            span(&text, "丙", 1),
        ];
        let html = snippet_html(&text, &spans);
        assert!(html.contains("<mark>乙丙</mark>"), "{html}");
    }

    proptest::proptest! {
        #[test]
        fn snippets_are_escaped_balanced_and_cut_from_the_text(
            text in "[碳计量<>&\"' a\n]{0,300}",
            raw in proptest::collection::vec((0usize..300, 1usize..6, 0usize..3), 0..12),
        ) {
            let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let spans: Vec<Span> = raw
                .iter()
                .filter(|(at, len, _)| at + len < bounds.len())
                .map(|&(at, len, term)| Span { start: bounds[at], end: bounds[at + len], term })
                .collect();
            let html = snippet_html(&text, &spans);
            proptest::prop_assert_eq!(html.matches(MARK_OPEN).count(), html.matches(MARK_CLOSE).count());
            let plain = html.replace(MARK_OPEN, "").replace(MARK_CLOSE, "");
            proptest::prop_assert!(!plain.contains(['<', '>', '"', '\'']));
            let visible = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
            let core = visible.trim_start_matches(ELLIPSIS).trim_end_matches(ELLIPSIS);
            proptest::prop_assert!(text.replace('\n', " ").contains(core));
            proptest::prop_assert!(core.chars().count() <= SNIPPET_CHARS);
            // Marks never nest and each one covers text that a span covers.
            let mut rest = html.as_str();
            while let Some(open) = rest.find(MARK_OPEN) {
                let after = &rest[open + MARK_OPEN.len()..];
                let close = after.find(MARK_CLOSE).unwrap();
                proptest::prop_assert!(!after[..close].contains(MARK_OPEN));
                rest = &after[close + MARK_CLOSE.len()..];
            }
        }
    }

    #[test]
    fn utf16_offsets() {
        let text = "𠀀碳a计量";
        let spans = vec![span(text, "碳", 0), span(text, "计量", 0)];
        assert_eq!(utf16_ranges(text, &spans), vec![[2, 3], [4, 6]]);
    }

    #[test]
    fn merging() {
        let merged = merge_spans(vec![
            Span {
                start: 5,
                end: 9,
                term: 1,
            },
            Span {
                start: 0,
                end: 3,
                term: 0,
            },
            Span {
                start: 3,
                end: 6,
                term: 2,
            },
        ]);
        assert_eq!(
            merged,
            vec![Span {
                start: 0,
                end: 9,
                term: 0
            }]
        );
    }
}
