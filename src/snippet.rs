//! Snippets and highlight ranges.
//!
//! A snippet is about [`SNIPPET_CHARS`] characters of the passage's original text, placed on
//! the window that covers the most distinct query terms (with some context before the first
//! match). Every matched span inside the window is wrapped in `<mark>…</mark>`; every other
//! character is HTML-escaped, so `<mark>` is the only markup a snippet can ever contain, and
//! the marks always sit on the original characters (a traditional-character query marks the
//! simplified text it matched).
//!
//! **A mark never cuts a match.** Where a window edge falls strictly inside a match (or a group
//! of overlapping matches), the window moves or changes size so that the match is wholly in or
//! wholly out: the reader sees `<mark>apt-get</mark>`, never `<mark>apt-g</mark>…`. Each mark
//! is then one match, or several that overlap or touch, always whole (see [`whole_matches`]).

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
    let boundaries = crate::tokenize::char_boundaries(text);
    let n = boundaries.len() - 1;
    let char_at = |byte: usize| boundaries.partition_point(|&b| b < byte);
    let (from, to) = if n <= SNIPPET_CHARS {
        (0, n)
    } else {
        let window = best_window(spans, n, &char_at);
        let in_chars: Vec<(usize, usize)> = spans
            .iter()
            .map(|s| (char_at(s.start), char_at(s.end)))
            .collect();
        whole_matches(&in_chars, n, window)
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

/// Groups of overlapping spans (char ranges), sorted: a window edge may fall between two groups
/// or where two spans touch, never strictly inside a group.
fn overlapping_groups(spans: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut sorted: Vec<(usize, usize)> = spans.iter().copied().filter(|s| s.1 > s.0).collect();
    crate::sort::sort_by(&mut sorted, |a, b| a.cmp(b));
    let mut groups: Vec<(usize, usize)> = Vec::with_capacity(sorted.len());
    for (start, end) in sorted {
        match groups.last_mut() {
            Some(last) if start < last.1 => last.1 = last.1.max(end),
            _ => groups.push((start, end)),
        }
    }
    groups
}

/// The window `(from, to)` (chars of `n`) adjusted so that no edge cuts a match.
///
/// * Left edge inside a group: the window slides right to start after the group when another
///   match still starts in it ([`best_window`] counts only spans that *start* in the window, so
///   the group was not what the window was chosen for); otherwise it slides left to start with
///   the group, ending no earlier than the group does.
/// * Right edge inside a group (a match the window was chosen for runs past its end): the
///   window slides right by the overflow when the characters it gives up at the left hold no
///   match (they are lead context), and otherwise grows to the group's end.
///
/// So the window holds at most [`SNIPPET_CHARS`] plus the part of one group that overflowed.
fn whole_matches(
    spans: &[(usize, usize)],
    n: usize,
    (mut from, mut to): (usize, usize),
) -> (usize, usize) {
    let groups = overlapping_groups(spans);
    let straddling = |edge: usize| groups.iter().copied().find(|g| g.0 < edge && edge < g.1);
    if let Some((start, end)) = straddling(from) {
        if groups.iter().any(|g| end <= g.0 && g.0 < to) {
            to = (to + (end - from)).min(n);
            from = end;
        } else {
            to = to.saturating_sub(from - start).max(end);
            from = start;
        }
    }
    if let Some((start, end)) = straddling(to) {
        let slid = from + (end - to);
        let lead_is_plain = slid <= start && groups.iter().all(|g| g.1 <= from || g.0 >= slid);
        if lead_is_plain {
            from = slid;
        }
        to = end;
    }
    (from, to)
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
            // The window grows past SNIPPET_CHARS only to show a match it would cut whole.
            let ranges: Vec<(usize, usize)> = spans.iter().map(|s| (s.start, s.end)).collect();
            let longest = naive_groups(&ranges).iter().map(|g| text[g.0..g.1].chars().count()).max().unwrap_or(0);
            proptest::prop_assert!(core.chars().count() <= SNIPPET_CHARS + longest);
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
    fn a_match_at_the_window_end_is_marked_whole() {
        // The window starts 20 chars before 碳 and, at 100 chars, would end inside apt-get.
        let text = format!(
            "{}碳{}apt-get{}",
            "前".repeat(30),
            "中".repeat(74),
            "后".repeat(200)
        );
        let spans = vec![span(&text, "碳", 0), span(&text, "apt-get", 1)];
        let html = snippet_html(&text, &spans);
        assert!(html.contains("<mark>碳</mark>"), "{html}");
        assert!(html.contains("<mark>apt-get</mark>"), "{html}");
        let visible = html.replace(MARK_OPEN, "").replace(MARK_CLOSE, "");
        assert_eq!(visible.chars().count(), SNIPPET_CHARS + 2, "{html}");
    }

    #[test]
    fn a_match_longer_than_the_window_is_shown_whole() {
        let long = "长".repeat(SNIPPET_CHARS + 30);
        let text = format!("{}{long}{}", "前".repeat(200), "后".repeat(200));
        let html = snippet_html(&text, &[span(&text, &long, 0)]);
        assert!(html.contains(&format!("<mark>{long}</mark>")), "{html}");
    }

    /// The groups of overlapping char ranges (what one mark may join), computed naively.
    fn naive_groups(ranges: &[(usize, usize)]) -> Vec<(usize, usize)> {
        let mut groups: Vec<(usize, usize)> = Vec::new();
        for &(a, b) in ranges {
            let (mut lo, mut hi) = (a, b);
            groups.retain(|&(c, d)| {
                let overlaps = c < hi && lo < d;
                if overlaps {
                    (lo, hi) = (lo.min(c), hi.max(d));
                }
                !overlaps
            });
            groups.push((lo, hi));
        }
        groups
    }

    proptest::proptest! {
        /// Every `<mark>` is a run of whole matches: it starts where a match starts, ends where
        /// one ends, and no match crosses either end (texts of distinct characters, so each
        /// visible character tells its position).
        #[test]
        fn marks_hold_whole_matches(
            len in 0usize..400,
            raw in proptest::collection::vec(
                (0usize..400, proptest::prop_oneof![4 => 1usize..10, 1 => 1usize..160], 0usize..3),
                0..16,
            ),
        ) {
            const BASE: u32 = 0x4E00;
            let text: String = (0..len as u32).map(|i| char::from_u32(BASE + i).unwrap()).collect();
            let ranges: Vec<(usize, usize)> = raw
                .iter()
                .filter(|(at, n, _)| at + n <= len)
                .map(|&(at, n, _)| (at, at + n))
                .collect();
            let byte = |c: usize| c * 3;
            let spans: Vec<Span> = raw
                .iter()
                .filter(|(at, n, _)| at + n <= len)
                .map(|&(at, n, term)| Span { start: byte(at), end: byte(at + n), term })
                .collect();
            let html = snippet_html(&text, &spans);
            let position = |c: char| (c as u32 - BASE) as usize;
            let mut rest = html.as_str();
            while let Some(open) = rest.find(MARK_OPEN) {
                let after = &rest[open + MARK_OPEN.len()..];
                let close = after.find(MARK_CLOSE).unwrap();
                let marked: Vec<usize> = after[..close].chars().map(position).collect();
                let (a, b) = (marked[0], marked[marked.len() - 1] + 1);
                proptest::prop_assert_eq!(marked.len(), b - a);
                proptest::prop_assert!(ranges.iter().any(|r| r.0 == a), "mark {a}..{b} starts inside a match: {html}");
                proptest::prop_assert!(ranges.iter().any(|r| r.1 == b), "mark {a}..{b} ends inside a match: {html}");
                let cuts = |edge: usize, (s, e): (usize, usize)| s < edge && edge < e;
                for &range in &ranges {
                    proptest::prop_assert!(!cuts(a, range) && !cuts(b, range), "match {range:?} cut by mark {a}..{b}: {html}");
                }
                rest = &after[close + MARK_CLOSE.len()..];
            }
            // No match crosses the window's edges either (it would show partly unmarked), and
            // the window grows past SNIPPET_CHARS by less than one group of matches.
            let visible: Vec<usize> = html
                .replace(MARK_OPEN, "")
                .replace(MARK_CLOSE, "")
                .chars()
                .filter(|&c| c != ELLIPSIS)
                .map(position)
                .collect();
            if let (Some(&first), Some(&last)) = (visible.first(), visible.last()) {
                let cuts = |edge: usize, (s, e): (usize, usize)| s < edge && edge < e;
                for &range in &ranges {
                    proptest::prop_assert!(!cuts(first, range) && !cuts(last + 1, range), "match {range:?} cut by the window: {html}");
                }
                let longest = naive_groups(&ranges).iter().map(|g| g.1 - g.0).max().unwrap_or(0);
                proptest::prop_assert!(visible.len() <= SNIPPET_CHARS + longest);
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
