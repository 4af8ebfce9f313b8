//! The trimmed DocBook site (`tests/site-docbook/`, real pages of Debian's Chinese
//! documentation) read, indexed and searched natively in both layouts: the page a reader names
//! comes first, results know their page and heading path, the owner's config and the automatic
//! boilerplate rules keep navigation out, and the GBK pages are read or skipped as declared.

mod common;

use std::path::Path;

use zh_search::normalize::fold_text;
use zh_search::search::{Engine, SearchOptions};
use zh_search_index::{read_corpus, Corpus, Layout};

const SITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/site-docbook");

fn corpus() -> Corpus {
    read_corpus(Path::new(SITE)).unwrap()
}

fn engine(layout: Layout) -> Engine<'static> {
    common::docs_engine(&corpus().docs, layout)
}

fn first(engine: &Engine<'_>, query: &str) -> Option<(String, String)> {
    let results = engine.search(query, SearchOptions::default()).unwrap();
    results.hits.first().map(|h| {
        (
            h.url.clone().unwrap_or_default(),
            h.anchor.clone().unwrap_or_default(),
        )
    })
}

#[test]
fn the_config_keeps_the_readme_out_and_the_undeclared_gbk_page_is_skipped_with_a_warning() {
    let corpus = corpus();
    let names: Vec<&str> = corpus.docs.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "faq/pkgtools.zh-cn.html",
            "faq/uptodate.zh-cn.html",
            "maint-guide/first.zh-cn.html",
            "reference/ch02.zh-cn.html",
        ],
        "zh-search.toml excludes README.md; faq/kernel.zh-cn.html declares no encoding"
    );
    assert!(
        corpus
            .warnings
            .iter()
            .any(|w| w.contains("faq/kernel.zh-cn.html")),
        "{:?}",
        corpus.warnings
    );
}

#[test]
fn every_heading_and_page_title_finds_its_own_section_first() {
    for layout in [Layout::Scan, Layout::Grams] {
        let engine = engine(layout);
        let index = &engine.index;
        let mut checked = 0;
        for title in 0..index.stats().titles {
            let heading = index.title_text(title).unwrap();
            let key = fold_text(heading, &index.fold());
            let query = zh_search_index::strip_numbering(&key);
            if query.chars().count() < 2 {
                continue;
            }
            let (first_passage, _) = index.title_passages(title).unwrap();
            let source = index.source_of(first_passage).unwrap();
            let want = (
                index.source_url(source).unwrap().to_string(),
                index.title_anchor(title).unwrap().to_string(),
            );
            let results = engine.search(query, SearchOptions::default()).unwrap();
            let top = &results.hits[0];
            let same_heading = fold_text(&top.title, &index.fold()) == key;
            let got = (
                top.url.clone().unwrap_or_default(),
                top.anchor.clone().unwrap_or_default(),
            );
            assert!(
                got == want || same_heading,
                "{layout:?}: {heading:?} found {got:?} ({:?}) first, not {want:?}",
                top.title
            );
            checked += 1;
        }
        assert!(checked >= 15, "{layout:?}: only {checked} headings");
    }
}

#[test]
fn hits_carry_the_page_title_and_the_heading_path() {
    let engine = engine(Layout::Scan);
    let results = engine
        .search("软件包管理技巧", SearchOptions::default())
        .unwrap();
    let hit = &results.hits[0];
    assert_eq!(hit.url.as_deref(), Some("reference/ch02.zh-cn.html"));
    assert_eq!(
        hit.anchor.as_deref(),
        Some("_tips_for_the_package_management")
    );
    assert_eq!(hit.page_title, "第 2 章 Debian 软件包管理");
    assert_eq!(
        hit.headings.last().map(String::as_str),
        Some("2.7. 软件包管理技巧")
    );
    assert!(
        hit.headings.len() >= 2,
        "the chapter heading is above it: {:?}",
        hit.headings
    );
}

#[test]
fn the_gbk_page_with_a_declaration_is_read_and_found() {
    for layout in [Layout::Scan, Layout::Grams] {
        let engine = engine(layout);
        for (query, anchor) in [
            ("必须进入单用户模式", "upgradesingle"),
            ("apt-cacher", "aptcacher"),
            ("自动升级系统", "autoupdate"),
        ] {
            assert_eq!(
                first(&engine, query),
                Some(("faq/uptodate.zh-cn.html".into(), anchor.into())),
                "{layout:?}: {query}"
            );
        }
        let results = engine
            .search("微调的内核", SearchOptions::default())
            .unwrap();
        assert!(
            results.total == 0 || results.partial,
            "{layout:?}: faq/kernel.zh-cn.html is skipped"
        );
        assert!(results
            .hits
            .iter()
            .all(|h| h.source != "faq/kernel.zh-cn.html"));
    }
}

#[test]
fn ignored_and_repeated_boilerplate_stays_out() {
    for layout in [Layout::Scan, Layout::Grams] {
        let engine = engine(layout);
        // Not found: no passage holds the phrase (its words may still match elsewhere, as
        // partial matches).
        for query in ["校对第三轮", "青石巷"] {
            let options = SearchOptions {
                limit: 100,
                offset: 0,
            };
            let results = engine.search(query, options).unwrap();
            assert!(
                results.total == 0 || results.partial,
                "{layout:?}: {query} is data-zh-search-ignore"
            );
            assert!(results.hits.iter().all(|h| !h.text.contains(query)));
        }
        let results = engine
            .search("每日凌晨同步一次上游文档", SearchOptions::default())
            .unwrap();
        assert_eq!(
            results.total, 1,
            "{layout:?}: the block on every page is indexed once"
        );
    }
}
