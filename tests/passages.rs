//! Passage cutting on the real seeds: nothing is lost, and the embedded index holds exactly the
//! passages the cutter produced.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::squash;
use zh_search_index::passage::{cut_document, TextKind};
use zh_search_index::read_corpus;

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");

fn char_counts(text: &str) -> BTreeMap<char, usize> {
    let mut counts = BTreeMap::new();
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        *counts.entry(c).or_default() += 1;
    }
    counts
}

/// The file's text without Markdown heading markers.
fn without_markup(source: &str) -> String {
    source
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            let hashes = trimmed.bytes().take_while(|&b| b == b'#').count();
            if (1..=6).contains(&hashes) && trimmed[hashes..].starts_with([' ', '\t']) {
                &trimmed[hashes..]
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_character_of_the_seeds_lands_in_exactly_one_passage_or_heading() {
    let mut files = 0;
    for entry in std::fs::read_dir(SEEDS).unwrap() {
        let path = entry.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        let body = without_markup(&source);
        let sections = cut_document(&source, TextKind::Plain);
        let mut rebuilt = String::new();
        for section in &sections {
            for heading in &section.headings {
                rebuilt.push_str(heading);
            }
            for passage in &section.passages {
                rebuilt.push_str(passage);
                // Each paragraph of a passage is a contiguous piece of the file (whitespace
                // aside); a byline may have been carried over the headings that follow it.
                for paragraph in passage.split('\n') {
                    assert!(
                        squash(&body).contains(&squash(paragraph)),
                        "{}: not contiguous: {paragraph:?}",
                        path.display()
                    );
                }
            }
            for heading in &section.headings {
                assert!(
                    squash(&body).contains(&squash(heading)),
                    "{}: heading {heading:?}",
                    path.display()
                );
            }
        }
        assert_eq!(
            char_counts(&rebuilt),
            char_counts(&body),
            "{}: characters lost or duplicated",
            path.display()
        );
        assert!(
            sections.iter().all(|s| !s.title().is_empty()),
            "every passage has a title"
        );
        files += 1;
    }
    assert_eq!(files, 2);
}

#[test]
fn ocr_artefacts_are_repaired_in_passage_text() {
    let corpus = read_corpus(Path::new(SEEDS)).unwrap();
    let texts: Vec<&str> = corpus
        .docs
        .iter()
        .flat_map(|d| &d.sections)
        .flat_map(|s| &s.passages)
        .map(String::as_str)
        .collect();
    for needle in [
        "标志着聊城市成为",
        "2229.6万元",
        "12月14日，聊城市迎来大",
        "这是全国第三家国家碳计量中心",
        "20.53亿元",
        "在北京举办“好客山东·好品山东”",
    ] {
        assert!(
            texts.iter().any(|t| t.contains(needle)),
            "{needle:?} not found as one piece"
        );
    }
    let titles: Vec<String> = corpus
        .docs
        .iter()
        .flat_map(|d| &d.sections)
        .map(|s| s.title())
        .collect();
    for title in [
        "东昌府区新区小学开展心理健康教育",
        "东昌府区广平镇中心幼儿园教职工清扫冰雪",
        "东昌府区柳园街道中心幼儿园开展足球特色课程",
    ] {
        assert!(
            titles.iter().any(|t| t == title),
            "missing title {title:?}: {titles:#?}"
        );
    }
}

#[test]
fn the_embedded_index_holds_exactly_the_cut_passages() {
    let engine = zh_search::embedded_engine().unwrap();
    let corpus = read_corpus(Path::new(SEEDS)).unwrap();
    let mut p = 0u32;
    for doc in &corpus.docs {
        for section in &doc.sections {
            for passage in &section.passages {
                let index = &engine.index;
                assert_eq!(index.passage_text(p).unwrap(), passage);
                assert_eq!(
                    index.title_text(index.title_of(p).unwrap()).unwrap(),
                    section.title()
                );
                assert_eq!(
                    index.source_name(index.source_of(p).unwrap()).unwrap(),
                    doc.name
                );
                p += 1;
            }
        }
    }
    assert_eq!(p, engine.index.passage_count());
    assert_eq!(engine.stats().sources, 2);
}

#[test]
fn queries_are_segmented_with_exactly_the_vocabulary_jieba_built() {
    // The segmenter's only inputs are the vocabulary and its frequencies: the index must hold
    // exactly what the build computed, so query-side cuts equal build-side cuts.
    let engine = zh_search::embedded_engine().unwrap();
    let corpus = read_corpus(Path::new(SEEDS)).unwrap();
    let built = zh_search_index::build_vocabulary(
        &corpus.docs,
        &mut zh_search_index::lexicon::jieba_discoverer(),
        &zh_search_index::lexicon::to_simplified,
    );
    let stored: BTreeMap<String, u64> =
        engine.vocabulary().unwrap().entries().into_iter().collect();
    assert_eq!(stored, built);
    assert_eq!(
        engine.index.stats().word_freq_total,
        built.values().sum::<u64>()
    );
    // And a query is cut into words of that vocabulary, the way jieba cut the text.
    assert_eq!(
        engine.words("国家碳计量中心").unwrap(),
        ["国家", "碳", "计量", "中心"]
    );
    // Every word of a query is a vocabulary word, or a single character the vocabulary lacks
    // (the segmenter's fallback for unknown text).
    for query in ["聊城市质检所", "排污权交易平台", "光岳楼", "赵凤兰"] {
        for word in engine.words(query).unwrap() {
            let single_unknown = word.chars().count() == 1 && !stored.contains_key(&word);
            assert!(
                stored.contains_key(&word) || single_unknown,
                "{word:?} of {query:?} is neither in the vocabulary nor a single character"
            );
        }
    }
}
