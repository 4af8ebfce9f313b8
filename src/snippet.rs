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

pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    text.chars().for_each(|c| push_escaped(&mut out, c));
    out
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

/// The HTML snippet of `text` for the matched `spans` (any order, may overlap).
pub fn snippet_html(text: &str, spans: &[Span]) -> String {
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
        let window_at = |anchor: usize| {
            let start = anchor.saturating_sub(SNIPPET_LEAD_CHARS);
            let end = (start + SNIPPET_CHARS).min(n);
            (end.saturating_sub(SNIPPET_CHARS), end)
        };
        let mut best = (0, 0, std::cmp::Reverse(0usize), (0, SNIPPET_CHARS.min(n)));
        for span in spans {
            let (start, end) = window_at(char_at(span.start));
            let inside: Vec<&Span> = spans
                .iter()
                .filter(|s| char_at(s.start) >= start && char_at(s.end) <= end)
                .collect();
            let mut terms: Vec<usize> = inside.iter().map(|s| s.term).collect();
            crate::sort::sort_by(&mut terms, |a, b| a.cmp(b));
            terms.dedup();
            let candidate = (
                terms.len(),
                inside.len(),
                std::cmp::Reverse(start),
                (start, end),
            );
            if candidate > best {
                best = candidate;
            }
        }
        best.3
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
