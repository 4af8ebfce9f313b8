//! Index format fixtures: a small corpus under `tests/fixtures/tiny/` is built natively with the
//! same builder, jieba and conversion table as `build.rs`; the result must equal the committed
//! golden file byte for byte (a layout change must bump `format::VERSION` and re-bless with
//! `ZH_SEARCH_BLESS=1 cargo test --test format`), and decoding must give back what went in.

mod common;

use std::path::Path;

use common::docs_index;
use zh_search::format::{FormatError, IndexView, MAGIC, VERSION};
use zh_search::search::{Engine, SearchOptions};
use zh_search_index::{build_folder, read_corpus, Layout, Options};

const FIXTURE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tiny");
/// Golden files: the fixture in each layout.
const GOLDEN: [(Layout, &str); 2] = [
    (
        Layout::Grams,
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/tiny.grams.index"
        ),
    ),
    (
        Layout::Scan,
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/tiny.scan.index"
        ),
    ),
];

fn build_fixture() -> Vec<u8> {
    build_fixture_in(Layout::Grams)
}

fn build_fixture_in(layout: Layout) -> Vec<u8> {
    let dir = Path::new(FIXTURE_DIR);
    build_folder(dir, &Options::of_folder(dir, layout).unwrap())
        .unwrap()
        .bytes
}

#[test]
fn encoder_output_matches_the_golden_files() {
    for (layout, golden_path) in GOLDEN {
        let built = build_fixture_in(layout);
        if std::env::var_os("ZH_SEARCH_BLESS").is_some() {
            std::fs::write(golden_path, &built).unwrap();
        }
        let golden =
            std::fs::read(golden_path).expect("golden index; bless with ZH_SEARCH_BLESS=1");
        assert!(
            built == golden,
            "{layout:?} index bytes changed: bump format::VERSION if the layout changed, then re-bless"
        );
        assert_eq!(&golden[..8], MAGIC);
        assert_eq!(
            u32::from_le_bytes(golden[8..12].try_into().unwrap()),
            VERSION
        );
        // The golden file still opens and answers.
        let engine = Engine::open(&golden).unwrap();
        assert_eq!(engine.index.is_scan(), layout == Layout::Scan);
        assert_eq!(
            engine
                .search("光岳楼", SearchOptions::default())
                .unwrap()
                .total,
            1
        );
    }
}

#[test]
fn decoder_reads_back_what_the_encoder_wrote() {
    let bytes = build_fixture();
    let view = IndexView::open(&bytes).unwrap();
    let corpus = read_corpus(Path::new(FIXTURE_DIR)).unwrap();
    let mut expected = Vec::new();
    for doc in &corpus.docs {
        for section in &doc.sections {
            for passage in &section.passages {
                expected.push((
                    doc.name.clone(),
                    section.title(),
                    passage.clone(),
                    doc.url.clone().unwrap_or_default(),
                    section.anchor.clone().unwrap_or_default(),
                ));
            }
        }
    }
    assert_eq!(view.passage_count() as usize, expected.len());
    for (p, (source, title, text, url, anchor)) in expected.iter().enumerate() {
        let p = p as u32;
        assert_eq!(view.passage_text(p).unwrap(), text);
        let title_id = view.title_of(p).unwrap();
        assert_eq!(view.title_text(title_id).unwrap(), title);
        assert_eq!(view.title_anchor(title_id).unwrap(), anchor);
        let source_id = view.source_of(p).unwrap();
        assert_eq!(view.source_name(source_id).unwrap(), source);
        assert_eq!(view.source_url(source_id).unwrap(), url);
    }
    assert_eq!(view.stats().sources, 3);
    assert_eq!(view.source_name(0).unwrap(), "notes.md");
    assert_eq!(view.source_name(1).unwrap(), "古城 散记.txt");
    assert_eq!(view.source_name(2).unwrap(), "湖 景/index.html");
    // Text files have no URL; the page's URL is its percent-encoded path.
    assert_eq!(view.source_url(0).unwrap(), "");
    assert_eq!(view.source_url(1).unwrap(), "");
    assert_eq!(
        view.source_url(2).unwrap(),
        "%E6%B9%96%20%E6%99%AF/index.html"
    );
    assert!(view.source_url(3).is_err(), "source id out of range");
    assert!(view.title_anchor(view.stats().titles).is_err());
    let anchors: Vec<(&str, &str)> = (0..view.stats().titles)
        .map(|t| (view.title_text(t).unwrap(), view.title_anchor(t).unwrap()))
        .filter(|(_, a)| !a.is_empty())
        .collect();
    assert_eq!(anchors, [("东昌湖", "top"), ("乘船", "boat")]);
    assert_eq!(view.fold().get('國'), Some('国'));
    assert_eq!(view.fold().get('計'), Some('计'));
    // Every gram posting decodes and points at a passage that really contains the gram.
    let mut entries = Vec::new();
    view.grams()
        .for_each_with_prefix("", &mut |gram, value, area| {
            entries.push((gram.to_vec(), value, area));
            true
        });
    let mut grams = 0;
    for (gram, value, area) in entries {
        let gram = String::from_utf8(gram).unwrap();
        let block = view.gram_postings(value, area).unwrap();
        for posting in &block.text {
            let key = zh_search::normalize::fold_text(
                view.passage_text(posting.doc).unwrap(),
                &view.fold(),
            );
            assert!(
                key.contains(&gram),
                "gram {gram:?} not in passage {}",
                posting.doc
            );
        }
        grams += 1;
    }
    assert_eq!(grams, view.stats().grams as usize);
}

#[test]
fn fixture_corpus_is_searchable_end_to_end() {
    for layout in [Layout::Grams, Layout::Scan] {
        fixture_searches(&build_fixture_in(layout));
    }
}

fn fixture_searches(bytes: &[u8]) {
    let engine = Engine::open(bytes).unwrap();
    let search = |q: &str| engine.search(q, SearchOptions::default()).unwrap();
    assert_eq!(
        search("国家碳计量中心").total,
        1,
        "text and title of the first section"
    );
    assert_eq!(search("國家碳計量中心").total, 1);
    assert_eq!(
        search("西关街").total,
        1,
        "joined across the OCR break in the .txt file"
    );
    assert_eq!(search("投资2229.6万元").total, 1, "digit gap repaired");
    assert_eq!(search("2229.6万元").total, 1);
    assert_eq!(search("nqi").total, 1);
    assert_eq!(search("光岳楼").hits[0].source, "古城 散记.txt");
    assert_eq!(search("光岳楼").hits[0].url, None, "text files have no URL");
    // The HTML page: text of <main> only, hits carry the page URL and the heading anchor.
    let boat = &search("南关码头").hits[0];
    assert_eq!(boat.title, "乘船");
    assert_eq!(
        boat.url.as_deref(),
        Some("%E6%B9%96%20%E6%99%AF/index.html")
    );
    assert_eq!(boat.anchor.as_deref(), Some("boat"));
    assert_eq!(boat.text, "游船从南关码头出发，环湖一周约四十分钟。");
    let night = &search("音乐喷泉").hits[0];
    assert_eq!(
        (night.title.as_str(), night.anchor.as_deref()),
        ("夜景", None)
    );
    assert!(night.text.contains("亮灯&音乐喷泉"), "entities decoded");
    for noise in ["导航不索引", "脚本不索引", "页脚不索引"] {
        let found = search(noise);
        assert!(
            found.total == 0 || found.partial,
            "{noise} is not page content (at most words of it match elsewhere)"
        );
    }
    let hit = &search("國家碳計量").hits[0];
    assert!(
        hit.snippet.contains("<mark>国家碳计量</mark>"),
        "{}",
        hit.snippet
    );
}

#[test]
fn damaged_indexes_give_errors_not_panics() {
    for layout in [Layout::Grams, Layout::Scan] {
        damaged(&build_fixture_in(layout));
    }
}

fn damaged(bytes: &[u8]) {
    for len in (0..bytes.len()).step_by(7) {
        let truncated = &bytes[..len];
        if let Ok(engine) = Engine::open(truncated) {
            let _ = engine.search("国家碳计量", SearchOptions::default());
        }
    }
    let mut seed = 0x1234_5678_9abc_def0u64;
    for _ in 0..2000 {
        let mut damaged = bytes.to_vec();
        for _ in 0..3 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = (seed % damaged.len() as u64) as usize;
            damaged[at] ^= (seed >> 32) as u8 | 1;
        }
        if let Ok(engine) = Engine::open(&damaged) {
            for q in ["国家碳计量", "光岳楼", "nqi", "中"] {
                let _ = engine.search(q, SearchOptions::default());
                let _ = engine.suggest(q, 5);
            }
        }
    }
    assert_eq!(
        IndexView::open(&bytes[..10]).err(),
        Some(FormatError::Truncated { what: "header" })
    );
}

/// `[start, end)` of the header, then of every section of an index (the rest is padding).
fn covered_ranges(bytes: &[u8]) -> Vec<(usize, usize)> {
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    let count = u32_at(12);
    let mut ranges = vec![(0, 16 + 16 * count)];
    for i in 0..count {
        let entry = 16 + 16 * i;
        let (offset, len) = (u32_at(entry + 4), u32_at(entry + 8));
        ranges.push((offset, offset + len));
    }
    ranges
}

/// Flips bits at `positions`: every flip inside a section must be refused at open (the
/// checksums cover every section); a flip elsewhere (header, alignment padding) must be refused
/// or change nothing at all (e.g. the offset of an empty section). Returns (refused, harmless).
fn flips_are_refused(bytes: &[u8], positions: impl Iterator<Item = usize>) -> (usize, usize) {
    let covered = covered_ranges(bytes);
    let intact = zh_search_harness::answers(&Engine::open(bytes).unwrap());
    let (mut refused, mut harmless) = (0, 0);
    let mut damaged = bytes.to_vec();
    for at in positions {
        for mask in [0x01u8, 0x80, 0xFF] {
            damaged[at] ^= mask;
            match Engine::open(&damaged) {
                Err(_) => refused += 1,
                Ok(engine) => {
                    let inside = covered[1..].iter().any(|&(a, b)| (a..b).contains(&at));
                    assert!(
                        !inside,
                        "flipping {mask:#04x} at byte {at} was not detected"
                    );
                    assert!(
                        zh_search_harness::answers(&engine) == intact,
                        "padding byte {at} changed an answer"
                    );
                    harmless += 1;
                }
            }
            damaged[at] ^= mask;
        }
    }
    (refused, harmless)
}

#[test]
fn every_flipped_byte_of_a_real_index_is_refused_at_open() {
    for layout in [Layout::Grams, Layout::Scan] {
        let bytes = build_fixture_in(layout);
        let (refused, harmless) = flips_are_refused(&bytes, 0..bytes.len());
        assert!(
            refused > 3 * bytes.len() * 9 / 10,
            "{layout:?}: {refused} refused, {harmless} in padding"
        );
    }
    // The shipped seed index: the whole header and section table, then every 11th byte.
    let seeds = zh_search::INDEX_BYTES;
    let header = covered_ranges(seeds)[0].1;
    let (refused, _) =
        flips_are_refused(seeds, (0..header).chain((header..seeds.len()).step_by(11)));
    assert!(refused > 3 * seeds.len() / 11 * 9 / 10);
}

#[test]
fn every_truncation_of_a_real_index_is_refused_at_open() {
    for bytes in [
        build_fixture_in(Layout::Grams),
        build_fixture_in(Layout::Scan),
    ] {
        for len in 0..bytes.len() {
            assert!(
                Engine::open(&bytes[..len]).is_err(),
                "truncated to {len} bytes"
            );
        }
    }
    let seeds = zh_search::INDEX_BYTES;
    for len in (0..seeds.len())
        .step_by(3)
        .chain(seeds.len() - 64..seeds.len())
    {
        let error = Engine::open(&seeds[..len]).err();
        assert!(
            matches!(
                error,
                Some(FormatError::Truncated { .. } | FormatError::BadMagic)
            ),
            "truncated to {len} bytes: {error:?}"
        );
    }
}

/// A two-page site with page titles, a heading hierarchy and link-heavy passages, as the HTML
/// reader describes pages (`SourceDoc::page_title`, `Section::parents`, `Section::link_percent`).
fn structured_site() -> Vec<zh_search_index::SourceDoc> {
    use zh_search_index::passage::Section;
    use zh_search_index::SourceDoc;
    let section = |heading: &str, parents: &[&str], passages: &[&str], links: &[u8]| Section {
        headings: vec![heading.to_string()],
        passages: passages.iter().map(|p| p.to_string()).collect(),
        anchor: Some(format!("s-{}", heading.len())),
        parents: parents.iter().map(|p| p.to_string()).collect(),
        link_percent: links.to_vec(),
        ..Section::default()
    };
    vec![
        SourceDoc {
            name: "apt.html".into(),
            url: Some("apt.html".into()),
            page_title: "第 2 章 Debian 软件包管理".into(),
            sections: vec![
                section(
                    "第 2 章 Debian 软件包管理",
                    &[],
                    &["本章介绍软件包管理。"],
                    &[],
                ),
                section(
                    "2.1. 基本操作",
                    &["第 2 章 Debian 软件包管理"],
                    &["命令行工具的基本操作。", "上一页 下一页 apt-get 起始页"],
                    &[0, 100],
                ),
                section(
                    "2.1.1. apt-get",
                    &["第 2 章 Debian 软件包管理", "2.1. 基本操作"],
                    &[""],
                    &[],
                ),
                // Its parent heading has no section of its own: the next one out is used.
                section(
                    "2.9.1. 其他",
                    &["第 2 章 Debian 软件包管理", "2.9. 不存在"],
                    &["其他工具与 apt-get 的比较。"],
                    &[30],
                ),
            ],
        },
        SourceDoc {
            name: "notes.txt".into(),
            url: None,
            page_title: String::new(),
            sections: vec![Section {
                passages: vec!["apt-get 是常用的命令，基本操作见第二章。".into()],
                derived_title: Some("apt-get 是常用的命令".into()),
                ..Section::default()
            }],
        },
    ]
}

#[test]
fn page_titles_heading_paths_and_link_shares_round_trip() {
    for layout in [Layout::Grams, Layout::Scan] {
        let bytes = docs_index(&structured_site(), layout);
        let view = IndexView::open(&bytes).unwrap();
        assert_eq!(
            view.source_page_title(0).unwrap(),
            "第 2 章 Debian 软件包管理"
        );
        assert_eq!(view.source_page_title(1).unwrap(), "");
        assert!(view.source_page_title(2).is_err());
        let path = |t: u32| -> Vec<&str> {
            view.heading_path(t)
                .unwrap()
                .into_iter()
                .map(|t| view.title_text(t).unwrap())
                .collect()
        };
        assert_eq!(path(0), ["第 2 章 Debian 软件包管理"]);
        assert_eq!(path(1), ["第 2 章 Debian 软件包管理", "2.1. 基本操作"]);
        assert_eq!(
            path(2),
            [
                "第 2 章 Debian 软件包管理",
                "2.1. 基本操作",
                "2.1.1. apt-get"
            ]
        );
        assert_eq!(path(3), ["第 2 章 Debian 软件包管理", "2.9.1. 其他"]);
        assert_eq!(path(4), ["apt-get 是常用的命令"]);
        assert!(view.title_parent(5).is_err());
        let links: Vec<u8> = (0..view.passage_count())
            .map(|p| view.passage_link_percent(p).unwrap())
            .collect();
        assert_eq!(links, [0, 0, 100, 0, 30, 0]);
        assert!(view.passage_link_percent(6).is_err());
        // Section numbering is measured on the match keys at build time (`2.1.1.apt-get`).
        let numbering: Vec<usize> = (0..5).map(|t| view.title_numbering(t).unwrap()).collect();
        assert_eq!(numbering, [7, 4, 6, 6, 0]);
        assert_eq!(view.page_title_numbering(0).unwrap(), 7);
        assert_eq!(view.page_title_numbering(1).unwrap(), 0);
        assert!(view.title_numbering(5).is_err() && view.page_title_numbering(2).is_err());

        // Hits carry the page title and the heading path.
        let engine = Engine::open(&bytes).unwrap();
        let hits = engine
            .search("apt-get", SearchOptions::default())
            .unwrap()
            .hits;
        let own = hits.iter().find(|h| h.title == "2.1.1. apt-get").unwrap();
        assert_eq!(own.page_title, "第 2 章 Debian 软件包管理");
        assert_eq!(
            own.headings,
            [
                "第 2 章 Debian 软件包管理",
                "2.1. 基本操作",
                "2.1.1. apt-get"
            ]
        );
        let text = hits.iter().find(|h| h.source == "notes.txt").unwrap();
        assert_eq!(text.page_title, "");
        assert_eq!(text.headings, ["apt-get 是常用的命令"]);
    }
    // A text corpus pays nothing for the new sections.
    let plain = docs_index(&structured_site()[1..], Layout::Scan);
    let section_len = |bytes: &[u8], kind: u32| {
        let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        (0..u32_at(12) as usize)
            .map(|i| 16 + 16 * i)
            .find(|&e| u32_at(e) == kind)
            .map(|e| u32_at(e + 8))
    };
    for kind in [16, 17, 18, 19] {
        assert_eq!(section_len(&plain, kind), Some(0), "section {kind}");
    }
}

/// `bytes` with section `kind` replaced by `content` (appended at the end, checksum fixed): a
/// well-formed file whose content is wrong.
fn with_section(bytes: &[u8], kind: u32, content: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    while out.len() % 4 != 0 {
        out.push(0);
    }
    let offset = out.len() as u32;
    out.extend_from_slice(content);
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    let entry = (0..u32_at(bytes, 12) as usize)
        .map(|i| 16 + 16 * i)
        .find(|&e| u32_at(bytes, e) == kind)
        .unwrap();
    out[entry + 4..entry + 8].copy_from_slice(&offset.to_le_bytes());
    out[entry + 8..entry + 12].copy_from_slice(&(content.len() as u32).to_le_bytes());
    let sum = zh_search::format::checksum(content);
    out[entry + 12..entry + 16].copy_from_slice(&sum.to_le_bytes());
    out
}

#[test]
fn wrong_page_structure_is_refused() {
    let bytes = docs_index(&structured_site(), Layout::Scan);
    let view = IndexView::open(&bytes).unwrap();
    let (titles, passages) = (view.stats().titles as usize, view.passage_count() as usize);
    let parents =
        |values: &[u32]| -> Vec<u8> { values.iter().flat_map(|v| v.to_le_bytes()).collect() };
    // The section rewritten as it was opens and answers the same.
    let same = parents(&[0, 1, 2, 1, 0]);
    assert_eq!(titles, 5);
    let reopened = with_section(&bytes, 17, &same);
    assert_eq!(
        IndexView::open(&reopened).unwrap().heading_path(2).unwrap(),
        [0, 1, 2]
    );
    for (kind, content, why) in [
        (17, parents(&[0, 1, 4, 1, 0]), "a parent after its title"),
        (17, parents(&[0, 1, 3, 1, 0]), "a title its own parent"),
        (17, parents(&[0, 1, 2, 1]), "one title short"),
        (17, vec![0, 0, 0], "not whole u32s"),
        (18, vec![0; passages - 1], "one passage short"),
        (18, vec![0; passages + 1], "one passage too many"),
        (16, vec![0; 8], "links table cut short"),
        (19, vec![0; titles + 1], "numbering: one page title short"),
        (19, vec![0; titles + 3], "numbering: one too many"),
    ] {
        let damaged = with_section(&bytes, kind, &content);
        let opened = Engine::open(&damaged);
        assert!(
            opened.is_err(),
            "{why}: opened; searching gives {:?}",
            opened.map(|e| e
                .search("apt-get", SearchOptions::default())
                .map(|r| r.total))
        );
    }
}

#[test]
fn grouped_and_flat_results_agree() {
    for layout in [Layout::Grams, Layout::Scan] {
        let bytes = docs_index(&structured_site(), layout);
        let engine = Engine::open(&bytes).unwrap();
        for query in [
            "apt-get",
            "基本操作",
            "软件包管理",
            "其他",
            "不在索引里的词",
        ] {
            assert!(agree(&engine, query), "{query}");
        }
    }
    let seeds = zh_search::embedded_engine().unwrap();
    let queries = [
        "碳计量",
        "聊城 企业",
        "guangyuelou",
        "国家碳计量中心在哪",
        "的",
    ];
    let compared = queries.iter().filter(|q| agree(&seeds, q)).count();
    assert!(compared >= 3, "{compared}");
}

/// The grouped view holds the flat view's passages, pages in order of first appearance in the
/// flat order, each page's hits in the flat order; paging counts pages. False when the flat
/// view has more than one page of 100 (then only the totals were compared).
fn agree(engine: &Engine<'_>, query: &str) -> bool {
    let all = SearchOptions {
        limit: 100,
        offset: 0,
    };
    let flat = engine.search(query, all).unwrap();
    let grouped = engine.search_pages(query, all).unwrap();
    assert_eq!(grouped.total, flat.total, "{query}");
    assert_eq!(grouped.partial, flat.partial, "{query}");
    if flat.total > flat.hits.len() {
        return false;
    }
    let mut order: Vec<&str> = Vec::new();
    for hit in &flat.hits {
        if !order.contains(&hit.source.as_str()) {
            order.push(&hit.source);
        }
    }
    let pages: Vec<&str> = grouped.pages.iter().map(|p| p.source.as_str()).collect();
    assert_eq!(pages, order, "{query}");
    assert_eq!(grouped.total_pages, order.len());
    for page in &grouped.pages {
        let expected: Vec<u32> = flat
            .hits
            .iter()
            .filter(|h| h.source == page.source)
            .map(|h| h.passage)
            .collect();
        assert_eq!(page.total, expected.len(), "{query}");
        let listed: Vec<u32> = page.hits.iter().map(|h| h.passage).collect();
        assert_eq!(listed, expected[..expected.len().min(20)], "{query}");
        assert_eq!(page.score, page.hits[0].score);
        assert!(page.hits.iter().all(|h| h.page_title == page.page_title));
    }
    // Paging counts pages.
    if grouped.pages.len() >= 2 {
        let second = engine
            .search_pages(
                query,
                SearchOptions {
                    limit: 1,
                    offset: 1,
                },
            )
            .unwrap();
        assert_eq!(second.pages, grouped.pages[1..2]);
        assert_eq!(second.total_pages, grouped.total_pages);
    }
    true
}

#[test]
fn headings_and_page_titles_that_are_the_query_come_first() {
    for layout in [Layout::Grams, Layout::Scan] {
        let docs = structured_site();
        let bytes = docs_index(&docs, layout);
        let engine = Engine::open(&bytes).unwrap();
        let first = |query: &str| {
            let results = engine.search(query, SearchOptions::default()).unwrap();
            results.hits[0].clone()
        };
        // The section named `apt-get` (numbering aside) has no body text, and still comes
        // before the passages that mention apt-get, even one whose derived title starts with it.
        let hit = first("apt-get");
        assert_eq!(
            (hit.title.as_str(), hit.text.as_str()),
            ("2.1.1. apt-get", "")
        );
        assert_eq!(first("APT-GET").title, "2.1.1. apt-get", "folded");
        assert_eq!(first("基本操作").title, "2.1. 基本操作");
        // The page title (chapter numbering aside): the page's first passage.
        assert_eq!(first("Debian 软件包管理").passage, 0);

        // Text that is all links counts little.
        let nav = |bytes: &[u8]| {
            let engine = Engine::open(bytes).unwrap();
            let results = engine.search("apt-get", SearchOptions::default()).unwrap();
            results
                .hits
                .iter()
                .find(|h| h.text.starts_with("上一页"))
                .unwrap()
                .score
        };
        let mut unlinked = docs.clone();
        for section in &mut unlinked[0].sections {
            section.link_percent.clear();
        }
        let (damped, plain) = (nav(&bytes), nav(&docs_index(&unlinked, layout)));
        assert!(damped < plain / 2.0, "{damped} vs {plain}");
    }
}
