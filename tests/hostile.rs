//! Odd queries on the engine natively, for the rows of the README's "Odd input" table that need
//! a corpus with the odd characters in it (`tests/fixtures/corpora/unicode`) or both index
//! layouts; the JS side of every row is `tests/node/hostile.test.mjs`.

mod common;

use zh_search_harness as harness;

use std::path::Path;
use std::time::Instant;

use zh_search::query::MAX_QUERY_CHARS;
use zh_search::search::{Engine, SearchOptions, SearchResults};
use zh_search_index::{build_folder, Layout, Options};

fn unicode_index(layout: Layout) -> Vec<u8> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpora/unicode");
    let dir = &dir;
    build_folder(dir, &Options::of_folder(dir, layout).unwrap())
        .unwrap()
        .bytes
}

fn search(engine: &Engine<'_>, q: &str) -> SearchResults {
    let options = SearchOptions::default();
    let results = engine.search(q, options).unwrap();
    if let Err(e) = harness::check_results(engine, q, options, &results) {
        panic!("{e}");
    }
    results
}

/// The text a hit highlights, range by range.
fn highlighted(results: &SearchResults) -> Vec<String> {
    results
        .hits
        .iter()
        .flat_map(|hit| {
            let units: Vec<u16> = hit.text.encode_utf16().collect();
            hit.highlights
                .iter()
                .map(move |&[a, b]| String::from_utf16(&units[a as usize..b as usize]).unwrap())
        })
        .collect()
}

#[test]
fn emoji_extension_b_and_combining_marks_are_matched_literally() {
    for layout in [Layout::Grams, Layout::Scan] {
        let bytes = unicode_index(layout);
        let engine = Engine::open(&bytes).unwrap();
        // Extension B characters are CJK: indexed and found like any other.
        let r = search(&engine, "𠀀");
        assert_eq!((r.total, r.partial), (1, false), "{layout:?}");
        assert_eq!(highlighted(&r), ["𠀀"]);
        assert_eq!(search(&engine, "生僻字𠀀𠀁").total, 1);
        // Emoji are symbols: matched inside a term, ignored as a term of their own.
        let r = search(&engine, "表情😀");
        assert_eq!((r.total, r.partial), (1, false));
        assert!(r.hits[0].title_highlights.len() + r.hits[0].highlights.len() >= 1);
        assert_eq!(search(&engine, "😀").total, 0);
        assert_eq!(
            search(&engine, "😀 𠀀").total,
            1,
            "the emoji term is dropped"
        );
        // No Unicode normalisation: a decomposed é finds only the decomposed text.
        assert_eq!(
            highlighted(&search(&engine, "cafe\u{301}")),
            ["cafe\u{301}"]
        );
        assert_eq!(highlighted(&search(&engine, "café")), ["café"]);
        // Zero-width characters, U+FFFD, bidi controls, tab and form feed in the text are
        // ignored when matching, and kept in the text shown.
        for (query, shown) in [
            ("零宽字符在这里", "零宽\u{200B}字符\u{200D}在这里"),
            ("替换符在此", "替换符\u{FFFD}在此"),
            ("从右到左覆盖", "从右到左\u{202E}覆盖"),
            ("制表与换页", "制表\t与换页"),
        ] {
            let r = search(&engine, query);
            assert_eq!((r.total, r.partial), (1, false), "{query}");
            assert_eq!(highlighted(&r), [shown], "{query}");
        }
    }
}

#[test]
fn odd_queries_on_the_seeds_in_both_layouts() {
    for (layout, engine) in common::engines() {
        let plain = search(&engine, "碳计量");
        assert!(plain.total >= 2 && !plain.partial, "{layout}");
        let passages = |r: &SearchResults| r.hits.iter().map(|h| h.passage).collect::<Vec<_>>();
        for q in [
            "",
            " ",
            "\u{3000}",
            "\t\n",
            "\"",
            "“",
            "* ? ( ) - + \\",
            "\u{0}",
            "\u{200B}",
            "\u{FFFD}",
            "😀",
        ] {
            assert_eq!(
                search(&engine, q),
                SearchResults::default(),
                "{layout}: {q:?}"
            );
            assert!(
                engine.suggest(q, 8).unwrap().is_empty(),
                "{layout}: suggest {q:?}"
            );
        }
        for q in [
            "碳\u{0}计量",
            "碳\u{200B}计\u{200D}量",
            "\u{FFFD}碳计量",
            "碳计量 * -",
            "碳计量\"",
        ] {
            let r = search(&engine, q);
            assert_eq!(
                (r.total, passages(&r)),
                (plain.total, passages(&plain)),
                "{layout}: {q:?}"
            );
        }
        assert!(
            search(&engine, "碳计量*").partial,
            "attached punctuation is literal"
        );

        // 100,000 characters: only the first MAX_QUERY_CHARS count, and the answer is quick.
        let long: String = "碳计量中心光岳楼nqi "
            .chars()
            .cycle()
            .take(100_000)
            .collect();
        let started = Instant::now();
        let r = search(&engine, &long);
        let took = started.elapsed();
        let head: String = long.chars().take(MAX_QUERY_CHARS).collect();
        assert_eq!(r, search(&engine, &head), "{layout}");
        assert!(took.as_millis() < 2_000, "{layout}: {took:?} (debug build)");
    }
}
