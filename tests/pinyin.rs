//! Pinyin search end to end: on the seeds (both layouts) and on a small fixture corpus built with
//! the real reading table, for polyphones, homophones and letters that occur as typed.

mod common;

use common::highlighted;
use zh_search::search::{Engine, SearchOptions};
use zh_search_index::Layout;

#[test]
fn pinyin_finds_the_words_and_highlights_exactly_their_characters() {
    for (layout, engine) in common::engines() {
        for (query, word) in [
            ("guangyuelou", "光岳楼"),
            ("guang yue lou", "光岳楼"),
            ("gyl", "光岳楼"),
            ("tanjiliang", "碳计量"),
            ("聊cheng", "聊城"),
            ("光岳lou", "光岳楼"),
        ] {
            let results = engine.search(query, SearchOptions::default()).unwrap();
            let first = results
                .hits
                .first()
                .unwrap_or_else(|| panic!("{layout}: {query} found nothing"));
            assert!(
                first.text.contains(word),
                "{layout}: {query}: {}",
                first.text
            );
            let marked = highlighted(&first.text, &first.highlights);
            assert!(!marked.is_empty(), "{layout}: {query}: no highlight");
            // Characters, not neighbouring homophones: every highlight is a piece of the word.
            for m in &marked {
                assert!(
                    word.contains(m.as_str()),
                    "{layout}: {query} highlighted {m:?}"
                );
            }
            // Typed as one run, the word is one run of the text and is marked as a whole.
            if !query.contains(' ') {
                assert!(
                    first.snippet.contains(&format!("<mark>{word}</mark>")),
                    "{layout}: {query}: {}",
                    first.snippet
                );
            }
        }
    }
}

#[test]
fn letters_that_are_not_pinyin_or_match_nothing_as_pinyin_find_only_themselves() {
    for (layout, engine) in common::engines() {
        let nqi = engine.search("nqi", SearchOptions::default()).unwrap();
        assert_eq!(nqi.total, 2, "{layout}");
        for hit in &nqi.hits {
            let marked = highlighted(&hit.text, &hit.highlights);
            assert!(
                !marked.is_empty() && marked.iter().all(|m| m == "NQI"),
                "{layout}: {marked:?}"
            );
        }
        assert_eq!(
            engine
                .search("qqqq", SearchOptions::default())
                .unwrap()
                .total,
            0
        );
    }
}

fn fixture(texts: &[&str]) -> Engine<'static> {
    let sections: Vec<(&str, &[&str])> = texts
        .iter()
        .map(|t| ("测试", std::slice::from_ref(t)))
        .collect();
    common::docs_engine(
        &[common::markdown_doc("fixture.md", &sections)],
        Layout::Auto,
    )
}

#[test]
fn polyphones_use_the_reading_the_word_has() {
    let engine = fixture(&[
        "他在中国银行工作了很多年，每天骑车去银行上班。",
        "步行是最健康的出行方式，行人很多。",
        "银航科技是一家新公司。",
    ]);
    let hits = |q: &str| engine.search(q, SearchOptions::default()).unwrap().hits;
    // 行 is hang in 银行: found under yinhang; xing finds the 行 of 步行/行人, not 银行.
    let yinhang = hits("yinhang");
    let texts: Vec<&str> = yinhang.iter().map(|h| h.text.as_str()).collect();
    assert!(texts.iter().any(|t| t.contains("中国银行")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("银航")), "{texts:?}");
    let bank = yinhang
        .iter()
        .find(|h| h.text.contains("中国银行"))
        .unwrap();
    assert_eq!(highlighted(&bank.text, &bank.highlights), ["银行", "银行"]);
    let xing = hits("xing");
    assert!(
        xing.iter().all(|h| !h.text.contains("银行")),
        "行 of 银行 read as xing"
    );
    assert!(xing.iter().any(|h| h.text.contains("步行")));
    // Suggestions from pinyin prefixes.
    let suggestions = engine.suggest("yinh", 8).unwrap();
    assert!(suggestions.contains(&"银行".to_string()), "{suggestions:?}");
}

/// Issue 16 (Latin is Latin first) changed this: letters the corpus holds as typed used to
/// rank first and be followed by their pinyin matches; now they are searched and suggested as
/// those letters only (tests/latin.rs has the shell-command cases).
#[test]
fn letters_that_occur_as_typed_are_not_read_as_pinyin() {
    let engine = fixture(&[
        "他在中国银行工作了很多年，每天骑车去银行上班。",
        "这款手机叫 yinhang，名字很特别，很多人记住了 yinhang 这个名字。",
        "银航科技是一家新公司。",
    ]);
    let results = engine.search("yinhang", SearchOptions::default()).unwrap();
    assert_eq!(results.total, 1);
    assert!(results.hits[0].text.contains("yinhang"));
    assert_eq!(
        highlighted(&results.hits[0].text, &results.hits[0].highlights),
        ["yinhang", "yinhang"]
    );
    assert_eq!(engine.suggest("yinh", 8).unwrap(), ["yinhang"]);
}

/// The gram layout counts the runs of one- and two-syllable patterns from the reading table and
/// the bigram postings, the scan layout by walking its text: the same runs, in the same order,
/// with polyphones (行 in 银行, 行人, 步行), words read otherwise, repeats and titles.
#[test]
fn both_layouts_find_the_same_pinyin_runs() {
    let texts = [
        "他在中国银行工作了很多年，每天骑车去银行上班。银行门口行人很多。",
        "步行是最健康的出行方式，行人很多，行行出状元。",
        "银航科技是一家新公司，银杏树下有一家银行。航行，行星，星星。",
        "长安城里长长的街道，长大以后去长安。音乐，快乐，乐观。",
    ];
    let sections: Vec<(&str, &[&str])> = texts
        .iter()
        .map(|t| ("行人与银行", std::slice::from_ref(t)))
        .collect();
    let docs = [common::markdown_doc("fixture.md", &sections)];
    let scan = common::docs_engine(&docs, Layout::Scan);
    let grams = common::docs_engine(&docs, Layout::Grams);
    assert!(scan.index.is_scan() && !grams.index.is_scan());
    let queries = [
        "xing",
        "hang",
        "yin",
        "yinhang",
        "yinh",
        "xingren",
        "xingr",
        "buxing",
        "hangxing",
        "xingxing",
        "changan",
        "zhangda",
        "changd",
        "yinyue",
        "kuaile",
        "le",
        "yh",
        "xr",
        "银hang",
        "xing人",
        "yin hang",
        "xing ren",
        "xingshang",
        "xings",
    ];
    for q in queries {
        assert_eq!(
            grams.pinyin_alternatives_of(q).unwrap(),
            scan.pinyin_alternatives_of(q).unwrap(),
            "{q}"
        );
        assert_eq!(
            grams.search(q, SearchOptions::default()).unwrap(),
            scan.search(q, SearchOptions::default()).unwrap(),
            "{q}"
        );
    }
    // The fixture does exercise what the counts must get right.
    assert!(!scan.pinyin_alternatives_of("xingren").unwrap()[0].is_empty());
    assert!(!scan.pinyin_alternatives_of("yinhang").unwrap()[0].is_empty());
}
