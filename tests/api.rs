//! The engine API as the wasm facade exposes it: results, snippets, options, suggestions, stats,
//! and odd input.

mod common;

use zh_search_harness as harness;

use common::squash;
use zh_search::search::{SearchOptions, DEFAULT_LIMIT, MAX_LIMIT};
use zh_search::snippet::{MARK_CLOSE, MARK_OPEN};
use zh_search::wasm::options::{search_options, suggest_limit, OptionsError, RawOption};

fn search(query: &str) -> zh_search::search::SearchResults {
    zh_search::embedded_engine()
        .unwrap()
        .search(query, SearchOptions::default())
        .unwrap()
}

/// Undoes the five escapes of `snippet::push_escaped`.
fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[test]
fn carbon_metering_centre_is_found_in_both_seed_files() {
    let results = search("国家碳计量中心");
    let sources: std::collections::BTreeSet<&str> =
        results.hits.iter().map(|h| h.source.as_str()).collect();
    assert_eq!(sources.len(), 2, "{sources:?}");
    for hit in &results.hits {
        assert!(squash(&hit.text).contains("国家碳计量中心"));
    }
}

#[test]
fn snippets_are_escaped_and_mark_exactly_the_matches() {
    for query in [
        "碳计量",
        "國家碳計量",
        "nqi",
        "ＮＱＩ",
        "http",
        "健步走 补给站",
        "\"好客山东·好品山东\"",
        "(通讯员",
    ] {
        for hit in search(query).hits {
            let snippet = &hit.snippet;
            let stripped = snippet.replace(MARK_OPEN, "").replace(MARK_CLOSE, "");
            assert!(
                !stripped.contains(['<', '>']),
                "{query}: markup in {snippet}"
            );
            assert_eq!(
                snippet.matches(MARK_OPEN).count(),
                snippet.matches(MARK_CLOSE).count()
            );
            assert!(
                snippet.contains(MARK_OPEN) || !hit.title_highlights.is_empty(),
                "{query}: nothing marked in #{}",
                hit.passage
            );
            // The visible snippet text is a piece of the passage (plus ellipses).
            let visible = unescape(&stripped);
            let core = visible.trim_matches('…');
            assert!(
                squash(&hit.text).contains(&squash(core)),
                "{query}: {core:?}"
            );
            let len = visible.chars().count();
            assert!(len <= 130, "{query}: snippet of {len} chars");
            // Highlights are UTF-16 ranges of the passage text.
            let utf16: Vec<u16> = hit.text.encode_utf16().collect();
            for [a, b] in &hit.highlights {
                assert!(a < b && (*b as usize) <= utf16.len());
                let marked = String::from_utf16(&utf16[*a as usize..*b as usize]).unwrap();
                assert!(!marked.trim().is_empty());
            }
        }
    }
    // A traditional-character query marks the simplified text it matched.
    let hit = &search("國家碳計量中心").hits[0];
    assert!(
        hit.snippet.contains("<mark>国家碳计量中心</mark>"),
        "{}",
        hit.snippet
    );
}

#[test]
fn snippet_window_is_about_100_chars_around_the_match() {
    let hit = &search("全国唯一一家").hits[0];
    let visible = hit.snippet.replace(MARK_OPEN, "").replace(MARK_CLOSE, "");
    let len = visible.chars().count();
    assert!(
        (80..=122).contains(&len),
        "snippet of {len} chars: {visible}"
    );
    assert!(hit.snippet.contains("<mark>全国唯一一家</mark>"));
}

#[test]
fn paging_and_totals() {
    let engine = zh_search::embedded_engine().unwrap();
    let page = |limit, offset| {
        engine
            .search("聊城", SearchOptions { limit, offset })
            .unwrap()
    };
    let all = page(MAX_LIMIT, 0);
    assert!(all.total > DEFAULT_LIMIT);
    let first = page(3, 0);
    let second = page(3, 3);
    assert_eq!(first.total, all.total);
    assert_eq!(first.hits, all.hits[..3]);
    assert_eq!(second.hits, all.hits[3..6]);
    let beyond = page(3, 10_000);
    assert!(beyond.hits.is_empty());
    assert_eq!(beyond.total, all.total);
    let none = page(0, 0);
    assert!(none.hits.is_empty());
    assert_eq!(none.total, all.total);
}

#[test]
fn options_are_validated() {
    use RawOption::*;
    let ok = |l, o| search_options(l, o).unwrap();
    assert_eq!(
        ok(Missing, Missing),
        SearchOptions {
            limit: DEFAULT_LIMIT,
            offset: 0
        }
    );
    assert_eq!(
        ok(Number(3.9), Number(2.0)),
        SearchOptions {
            limit: 3,
            offset: 2
        }
    );
    assert_eq!(ok(Number(1e12), Missing).limit, MAX_LIMIT);
    assert_eq!(ok(Number(0.0), Missing).limit, 0);
    assert!(matches!(
        search_options(Number(-1.0), Missing),
        Err(OptionsError::Negative { .. })
    ));
    assert!(matches!(
        search_options(Number(f64::NAN), Missing),
        Err(OptionsError::NotFinite { .. })
    ));
    assert!(matches!(
        search_options(Missing, Number(f64::INFINITY)),
        Err(OptionsError::NotFinite { .. })
    ));
    assert!(matches!(
        search_options(Other, Missing),
        Err(OptionsError::WrongType { .. })
    ));
    assert_eq!(suggest_limit(Missing).unwrap(), 8);
    assert!(suggest_limit(Number(-5.0)).is_err());
}

#[test]
fn odd_queries_return_results_or_nothing() {
    let engine = zh_search::embedded_engine().unwrap();
    let long: String = "碳计量中心光岳楼nqi "
        .chars()
        .cycle()
        .take(100_000)
        .collect();
    let many_a = "a".repeat(300);
    let queries = [
        "",
        " ",
        "\u{3000}\u{3000}",
        "\"",
        "\"\"",
        "“",
        "* ? ( ) - + \\",
        "\u{0}",
        "碳\u{0}计量",
        "\u{200B}碳计量\u{200D}",
        "😀",
        "𠀀",
        "e\u{301}",
        "\u{FFFD}碳计量",
        &long,
        "<script>alert(1)</script>",
        &many_a,
    ];
    for q in queries {
        let results = engine.search(q, SearchOptions::default()).unwrap();
        if let Err(e) = harness::check_results(&engine, q, SearchOptions::default(), &results) {
            panic!("{e}");
        }
    }
    assert!(
        engine
            .search("碳\u{200B}计量", SearchOptions::default())
            .unwrap()
            .total
            > 0,
        "zero-width chars are ignored"
    );
    assert_eq!(
        engine.search("", SearchOptions::default()).unwrap().total,
        0
    );
}

#[test]
fn suggestions_start_with_the_prefix_most_frequent_first() {
    let engine = zh_search::embedded_engine().unwrap();
    let words = engine.suggest("聊城", 5).unwrap();
    assert!(!words.is_empty() && words.len() <= 5);
    assert!(words.iter().all(|w| w.starts_with("聊城")), "{words:?}");
    assert_eq!(words[0], "聊城", "the most frequent term first: {words:?}");
    assert!(engine.suggest("碳", 10).unwrap().iter().any(|w| w == "碳"));
    assert!(
        engine
            .suggest("國家", 10)
            .unwrap()
            .iter()
            .all(|w| w.starts_with("国家")),
        "folded like queries"
    );
    assert!(engine.suggest("", 10).unwrap().is_empty());
    assert!(engine.suggest("碳", 0).unwrap().is_empty());
    assert!(engine.suggest("zzzz", 10).unwrap().is_empty());
}

#[test]
fn stats_describe_the_index() {
    let engine = zh_search::embedded_engine().unwrap();
    let stats = engine.stats();
    assert_eq!(stats.sources, 2);
    assert!(stats.passages > 30);
    assert!(stats.terms > 1000);
    assert_eq!(stats.index_bytes, zh_search::INDEX_BYTES.len());
}

mod random_input {
    use super::*;
    use proptest::prelude::*;

    /// Characters that exercise every path: corpus text, traditional and full-width forms,
    /// quotes, query syntax, whitespace kinds, controls, zero-width, emoji, Extension B.
    const ALPHABET: &[char] = &[
        '碳', '计', '量', '中', '心', '国', '家', '聊', '城', '市', '質', '檢', '所', '光', '岳',
        '楼', 'N', 'Q', 'I', 'ｎ', 'ｑ', 'ｉ', 'a', '2', '0', '.', ' ', '\u{3000}', '\n', '\t',
        '"', '“', '”', '「', '*', '?', '(', ')', '-', '+', '\\', '<', '>', '&', '\'', '\u{0}',
        '\u{200B}', '\u{301}', '😀', '𠀀', '的', '是', '，', '。',
    ];

    fn query() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(ALPHABET), 0..40)
            .prop_map(|c| c.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn any_query_gives_well_formed_results(q in query(), limit in 0usize..20, offset in 0usize..5) {
          for (_, engine) in common::engines() {
            let options = SearchOptions { limit, offset };
            let results = engine.search(&q, options).unwrap();
            // Exact paging, every term in every hit, escaped snippets whose marks cover real
            // matches, highlights on whole characters (see crates/harness).
            if let Err(e) = harness::check_results(&engine, &q, options, &results) {
                return Err(TestCaseError::fail(e));
            }
            let words = engine.suggest(&q, limit).unwrap();
            if let Err(e) = harness::check_suggestions(&engine, &q, limit, &words) {
                return Err(TestCaseError::fail(e));
            }
          }
        }
    }
}
