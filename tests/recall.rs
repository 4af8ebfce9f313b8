//! The two matching properties, on the seed index:
//! * Ctrl-F recall: an unquoted query for any run of ≥ 2 CJK characters of the corpus returns
//!   every passage that contains it (title or text), however jieba cut the text around it;
//! * phrase precision: a quoted query returns exactly the passages that contain it.

mod common;

use std::collections::BTreeSet;

use common::{all_hits, passages, squash, Rng};
use zh_search::normalize::is_cjk;

/// Runs of consecutive CJK characters of a text.
fn cjk_runs(text: &str) -> Vec<Vec<char>> {
    let mut runs = vec![Vec::new()];
    for c in squash(text).chars() {
        if is_cjk(c) {
            runs.last_mut().unwrap().push(c);
        } else if !runs.last().unwrap().is_empty() {
            runs.push(Vec::new());
        }
    }
    runs.retain(|r| r.len() >= 2);
    runs
}

fn containing(all: &[(u32, String, String)], needle: &str) -> BTreeSet<u32> {
    all.iter()
        .filter(|(_, title, text)| squash(text).contains(needle) || squash(title).contains(needle))
        .map(|(p, _, _)| *p)
        .collect()
}

#[test]
fn every_cjk_substring_finds_every_passage_containing_it() {
    for (layout, engine) in common::engines() {
        println!("layout {layout}");
        every_cjk_substring(&engine);
    }
}

fn every_cjk_substring(engine: &zh_search::search::Engine<'_>) {
    let all = passages(engine);
    let mut rng = Rng::new(0x5EED_2024);
    let mut checked = BTreeSet::new();
    for (_, title, text) in &all {
        for run in cjk_runs(text).into_iter().chain(cjk_runs(title)) {
            // Every start position of every run, with a random length of 2–8 chars.
            for start in 0..run.len() - 1 {
                let len = 2 + rng.below(7).min(run.len() - start - 2);
                let needle: String = run[start..start + len].iter().collect();
                if !checked.insert(needle.clone()) {
                    continue;
                }
                let expected = containing(&all, &needle);
                let results = all_hits(engine, &needle);
                assert!(!results.partial, "{needle:?} must match exactly");
                let got: BTreeSet<u32> = results.hits.iter().map(|h| h.passage).collect();
                assert_eq!(got, expected, "unquoted {needle:?}");
                assert_eq!(results.total, expected.len());
            }
        }
    }
    assert!(
        checked.len() >= 1000,
        "sampled only {} substrings",
        checked.len()
    );
    println!("checked {} distinct CJK substrings", checked.len());
}

#[test]
fn cross_word_examples_are_found() {
    // Runs that cut across jieba's words, and text joined across OCR breaks.
    for (_, engine) in common::engines() {
        cross_word_examples(&engine);
    }
}

fn cross_word_examples(engine: &zh_search::search::Engine<'_>) {
    for needle in [
        "市质检",
        "碳计量",
        "家碳计",
        "标志着聊城市",
        "检验检测能",
        "全国第三家国家碳计量",
    ] {
        let results = all_hits(engine, needle);
        assert!(results.total > 0, "{needle:?} not found");
        for hit in &results.hits {
            assert!(
                squash(&format!("{}{}", hit.title, hit.text)).contains(needle),
                "{needle:?} in #{}",
                hit.passage
            );
        }
    }
}

#[test]
fn quoted_phrases_match_exactly_the_passages_containing_them() {
    for (_, engine) in common::engines() {
        quoted_phrases(&engine);
    }
}

fn quoted_phrases(engine: &zh_search::search::Engine<'_>) {
    let all = passages(engine);
    let mut rng = Rng::new(0xF00D);
    let mut checked = 0;
    for _ in 0..600 {
        let (_, _, text) = &all[rng.below(all.len())];
        let chars: Vec<char> = squash(text).chars().collect();
        if chars.len() < 4 {
            continue;
        }
        let start = rng.below(chars.len() - 2);
        let len = 2 + rng.below(10).min(chars.len() - start - 2);
        let phrase: String = chars[start..start + len].iter().collect();
        // Latin words match from their start (see normalize::Key::find_all): skip phrases that
        // begin inside one, and phrases without any indexable character.
        let starts_mid_word = start > 0
            && chars[start - 1].is_ascii_alphanumeric()
            && chars[start].is_ascii_alphanumeric();
        // Quote characters delimit phrases (query module docs), so a phrase cannot contain one.
        let has_quote = phrase.contains(['"', '“', '”', '「', '」', '＂', '„']);
        if starts_mid_word || has_quote || !phrase.chars().any(|c| c.is_alphanumeric()) {
            continue;
        }
        let lower = phrase.to_lowercase();
        let expected: BTreeSet<u32> = all
            .iter()
            .filter(|(_, title, text)| {
                squash(text).to_lowercase().contains(&lower)
                    || squash(title).to_lowercase().contains(&lower)
            })
            .map(|(p, _, _)| *p)
            .collect();
        let results = all_hits(engine, &format!("\"{phrase}\""));
        let got: BTreeSet<u32> = results.hits.iter().map(|h| h.passage).collect();
        assert_eq!(got, expected, "phrase {phrase:?}");
        assert!(!results.partial);
        checked += 1;
    }
    assert!(checked >= 300, "only {checked} phrases checked");
}

#[test]
fn a_phrase_that_occurs_nowhere_finds_nothing() {
    let engine = zh_search::embedded_engine().unwrap();
    let results = all_hits(&engine, "\"碳计量 光岳楼\"");
    assert_eq!(results.total, 0);
    assert!(!results.partial, "phrases are never relaxed");
}

#[test]
fn traditional_fullwidth_and_case_variants_find_the_same_passages() {
    let engine = zh_search::embedded_engine().unwrap();
    let ids = |q: &str| {
        all_hits(&engine, q)
            .hits
            .iter()
            .map(|h| h.passage)
            .collect::<BTreeSet<u32>>()
    };
    assert_eq!(ids("國家碳計量中心"), ids("国家碳计量中心"));
    assert_eq!(ids("聊城市質檢所"), ids("聊城市质检所"));
    assert_eq!(ids("ＮＱＩ"), ids("NQI"));
    assert_eq!(ids("nqi"), ids("NQI"));
    assert_eq!(ids("2229 . 6万元"), ids("2229.6万元"));
    assert!(!ids("聊城市質檢所").is_empty());
}

#[test]
fn both_layouts_give_identical_results() {
    // Scan and gram layouts are two ways to find the same matches: totals, order, scores and
    // snippets must agree exactly.
    let engines = common::engines();
    let (a, b) = (&engines[0].1, &engines[1].1);
    assert_ne!(a.index.is_scan(), b.index.is_scan());
    let tsv =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/queries.tsv")).unwrap();
    let mut queries: Vec<String> = tsv
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').next())
        .map(String::from)
        .collect();
    queries.extend(
        [
            "碳",
            "聊城",
            "n",
            "2",
            "中心 服务",
            "\"人人讲安全 个个会应急\"",
            "qqq",
            "聊城 qqq",
        ]
        .map(String::from),
    );
    // The scan layout of large corpora: whole-word checks through the word fst instead of the
    // word prefixes listed up front.
    let scan = if a.index.is_scan() { a } else { b };
    let unlisted = zh_search::search::Engine::open(scan.index.bytes())
        .unwrap()
        .with_word_prefixes_max_key_bytes(0);
    for q in &queries {
        let hits = all_hits(a, q);
        assert_eq!(hits, all_hits(b, q), "query {q:?}");
        assert_eq!(
            hits,
            all_hits(&unlisted, q),
            "query {q:?}, no word prefixes"
        );
    }
}
