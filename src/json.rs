//! Search results as one JSON text, for the wasm facade.
//!
//! Why: building the result objects field by field from Rust (serde-wasm-bindgen) crosses the
//! JS boundary for every key, string, number and array: about 40 µs per hit in V8, most of a
//! query's time in the page. One JSON text, decoded once and handed to `JSON.parse`, builds the
//! same objects in a few µs. The writer is hand-rolled for the few result types, so the module
//! carries neither a JSON library nor float formatting (`score` is written from its rounded
//! thousandths).

use crate::search::{Hit, PageResults, SearchResults};

/// Appends `s` as a JSON string literal (RFC 8259: `"`, `\` and control characters escaped;
/// everything else as is, in UTF-8).
pub fn push_string(out: &mut String, s: &str) {
    out.push('"');
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        } else {
            out.push_str(escape);
        }
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

/// `"name":"value"` (the name needs no escaping).
fn push_field(out: &mut String, name: &str, value: &str) {
    out.push('"');
    out.push_str(name);
    out.push_str("\":");
    push_string(out, value);
}

fn push_uint(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(d as char);
    }
}

/// A score as a JSON number with at most three decimals (`12.5`, `-0.25`, `3`); not finite → `0`.
fn push_score(out: &mut String, score: f32) {
    let thousandths = (score as f64 * 1000.0).round();
    if !thousandths.is_finite() || thousandths.abs() >= 1e18 {
        out.push('0');
        return;
    }
    let thousandths = thousandths as i64;
    if thousandths < 0 {
        out.push('-');
    }
    let magnitude = thousandths.unsigned_abs();
    push_uint(out, magnitude / 1000);
    let mut fraction = magnitude % 1000;
    if fraction != 0 {
        out.push('.');
        let mut scale = 100;
        while fraction != 0 {
            out.push((b'0' + (fraction / scale) as u8) as char);
            fraction %= scale;
            scale /= 10;
        }
    }
}

fn push_ranges(out: &mut String, ranges: &[[u32; 2]]) {
    out.push('[');
    for (i, [start, end]) in ranges.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        push_uint(out, *start as u64);
        out.push(',');
        push_uint(out, *end as u64);
        out.push(']');
    }
    out.push(']');
}

fn push_hit(out: &mut String, hit: &Hit) {
    let field = |out: &mut String, name: &str| {
        out.push_str(",\"");
        out.push_str(name);
        out.push_str("\":");
    };
    out.push_str("{\"source\":");
    push_string(out, &hit.source);
    field(out, "title");
    push_string(out, &hit.title);
    field(out, "text");
    push_string(out, &hit.text);
    field(out, "snippet");
    push_string(out, &hit.snippet);
    field(out, "score");
    push_score(out, hit.score);
    field(out, "passage");
    push_uint(out, hit.passage as u64);
    field(out, "highlights");
    push_ranges(out, &hit.highlights);
    field(out, "title_highlights");
    push_ranges(out, &hit.title_highlights);
    if let Some(url) = &hit.url {
        field(out, "url");
        push_string(out, url);
    }
    if let Some(anchor) = &hit.anchor {
        field(out, "anchor");
        push_string(out, anchor);
    }
    field(out, "page_title");
    push_string(out, &hit.page_title);
    field(out, "headings");
    out.push('[');
    for (i, heading) in hit.headings.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_string(out, heading);
    }
    out.push_str("]}");
}

/// Bytes to reserve for a hit's JSON.
fn hit_capacity(hit: &Hit) -> usize {
    let headings: usize = hit.headings.iter().map(|h| h.len() + 3).sum();
    hit.text.len() * 2 + hit.snippet.len() + hit.title.len() + hit.page_title.len() + headings + 160
}

fn push_hits(out: &mut String, hits: &[Hit]) {
    out.push('[');
    for (i, hit) in hits.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_hit(out, hit);
    }
    out.push(']');
}

/// `{"total":…,"hits":[…],"partial":…}`: the same fields, names and values as serialising
/// [`SearchResults`] with serde (pinned by the tests below against `serde_json`, and by the Node and browser tests through the module).
pub fn search_results(results: &SearchResults) -> String {
    let text_bytes: usize = results.hits.iter().map(hit_capacity).sum();
    let mut out = String::with_capacity(64 + text_bytes);
    out.push_str("{\"total\":");
    push_uint(&mut out, results.total as u64);
    out.push_str(",\"hits\":");
    push_hits(&mut out, &results.hits);
    out.push_str(if results.partial {
        ",\"partial\":true}"
    } else {
        ",\"partial\":false}"
    });
    out
}

/// `{"total":…,"total_pages":…,"partial":…,"pages":[{"source":…,"url"?:…,"page_title":…,
/// "score":…,"total":…,"hits":[…]}]}`: [`PageResults`] as serde would write it (pinned by the
/// tests below).
pub fn page_results(results: &PageResults) -> String {
    // Grows as it goes: the hits' text dominates, and reallocations are few next to it.
    let mut out = String::new();
    out.push_str("{\"total\":");
    push_uint(&mut out, results.total as u64);
    out.push_str(",\"total_pages\":");
    push_uint(&mut out, results.total_pages as u64);
    out.push_str(if results.partial {
        ",\"partial\":true"
    } else {
        ",\"partial\":false"
    });
    out.push_str(",\"pages\":[");
    for (i, page) in results.pages.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('{');
        push_field(&mut out, "source", &page.source);
        if let Some(url) = &page.url {
            out.push(',');
            push_field(&mut out, "url", url);
        }
        out.push(',');
        push_field(&mut out, "page_title", &page.page_title);
        out.push_str(",\"score\":");
        push_score(&mut out, page.score);
        out.push_str(",\"total\":");
        push_uint(&mut out, page.total as u64);
        out.push_str(",\"hits\":");
        push_hits(&mut out, &page.hits);
        out.push('}');
    }
    out.push_str("]}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn parsed(results: &SearchResults) -> Value {
        serde_json::from_str(&search_results(results)).expect("valid JSON")
    }

    /// Scores compared to 1e-6, then blanked.
    fn same_scores(ours: &mut Value, theirs: &mut Value) {
        let (x, y) = (
            ours["score"].as_f64().unwrap(),
            theirs["score"].as_f64().unwrap(),
        );
        assert!((x - y).abs() < 1e-6, "score {x} vs {y}");
        ours["score"] = Value::Null;
        theirs["score"] = Value::Null;
    }

    fn same_hits(ours: &mut Value, theirs: &mut Value) {
        let (ours, theirs) = (ours.as_array_mut().unwrap(), theirs.as_array_mut().unwrap());
        assert_eq!(ours.len(), theirs.len());
        for (a, b) in ours.iter_mut().zip(theirs) {
            same_scores(a, b);
        }
    }

    /// What serde (and so serde-wasm-bindgen) would make of it; scores compared to 1e-6.
    fn assert_same_as_serde(results: &SearchResults) {
        let mut ours = parsed(results);
        let mut theirs = serde_json::to_value(results).unwrap();
        same_hits(&mut ours["hits"], &mut theirs["hits"]);
        assert_eq!(ours, theirs);
    }

    /// [`assert_same_as_serde`] for grouped results.
    fn assert_pages_same_as_serde(results: &PageResults) {
        let mut ours: Value = serde_json::from_str(&page_results(results)).expect("valid JSON");
        let mut theirs = serde_json::to_value(results).unwrap();
        let (a, b) = (
            ours["pages"].as_array_mut().unwrap(),
            theirs["pages"].as_array_mut().unwrap(),
        );
        assert_eq!(a.len(), b.len());
        for (a, b) in a.iter_mut().zip(b) {
            same_scores(a, b);
            same_hits(&mut a["hits"], &mut b["hits"]);
        }
        assert_eq!(ours, theirs);
    }

    fn hit(text: &str) -> Hit {
        Hit {
            source: "a/b \"c\".md".into(),
            title: "标题\\".into(),
            text: text.into(),
            snippet: format!("<mark>{text}</mark>"),
            score: 12.345,
            passage: 7,
            highlights: vec![[0, 2], [5, 9]],
            title_highlights: vec![],
            url: None,
            anchor: Some("x".into()),
            page_title: "页 \"题\"\n".into(),
            headings: vec!["第 1 章".into(), "\\概述\t".into()],
        }
    }

    #[test]
    fn strings_round_trip_whatever_they_hold() {
        let texts = [
            "",
            "碳计量",
            "\"quoted\" \\ back\\slash",
            "tab\tnew\nline\rcr \u{0} \u{1f} \u{7f}",
            "\u{2028}\u{2029} 𠀀 emoji 🎉 </script><!--",
        ];
        for text in texts {
            let mut out = String::new();
            push_string(&mut out, text);
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text, "{out}");
        }
    }

    #[test]
    fn scores_keep_three_decimals() {
        for (score, json) in [
            (12.345f32, "12.345"),
            (3.0, "3"),
            (0.5, "0.5"),
            (-0.25, "-0.25"),
            (0.0004, "0"),
            (1.05, "1.05"),
            (f32::NAN, "0"),
            (f32::INFINITY, "0"),
        ] {
            let mut out = String::new();
            push_score(&mut out, score);
            assert_eq!(out, json, "{score}");
        }
    }

    #[test]
    fn results_match_what_serde_would_write() {
        assert_same_as_serde(&SearchResults::default());
        let mut url = hit("x");
        url.url = Some("p%20q/index.html".into());
        url.anchor = None;
        url.headings.clear();
        url.page_title.clear();
        assert_same_as_serde(&SearchResults {
            total: 3,
            hits: vec![hit("碳计量\n\"中心\""), url.clone(), hit("")],
            partial: true,
        });
        assert_pages_same_as_serde(&PageResults::default());
        assert_pages_same_as_serde(&PageResults {
            total: 4,
            total_pages: 3,
            partial: false,
            pages: vec![
                crate::search::PageHits {
                    source: "a/b \"c\".md".into(),
                    url: None,
                    page_title: String::new(),
                    score: 12.345,
                    total: 2,
                    hits: vec![hit("碳"), hit("")],
                },
                crate::search::PageHits {
                    source: "p q/index.html".into(),
                    url: Some("p%20q/index.html".into()),
                    page_title: "页\\题".into(),
                    score: -0.5,
                    total: 1,
                    hits: vec![url],
                },
            ],
        });
    }

    #[test]
    fn seed_results_match_what_serde_would_write() {
        let engine = crate::embedded_engine().unwrap();
        let options = crate::search::SearchOptions {
            limit: 100,
            offset: 0,
        };
        let mut hits = 0;
        for query in [
            "碳计量",
            "聊城 企业",
            "guangyuelou",
            "国家碳计量中心在哪",
            "<mark>",
        ] {
            let results = engine.search(query, options).unwrap();
            hits += results.hits.len();
            assert_same_as_serde(&results);
            assert_pages_same_as_serde(&engine.search_pages(query, options).unwrap());
        }
        assert!(hits > 10, "{hits}");
    }
}
