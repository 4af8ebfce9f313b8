//! `OwnedEngine` (the engine behind the JS API's `Index`): given a copy of the index bytes it
//! answers exactly as the engine over the embedded index, for both layouts; bad bytes are the
//! same `FormatError` as `Engine::open`'s; moving and dropping it is sound.

use std::path::Path;

use zh_search::format::FormatError;
use zh_search::json::{page_results, search_results};
use zh_search::owned::OwnedEngine;
use zh_search::search::{Engine, SearchOptions};
use zh_search_index::{build_folder, Layout, Options};

const QUERIES: &[&str] = &[
    "碳计量",
    "国家碳计量中心",
    "nqi",
    "zhong",
    "\"中文\" 搜索",
    "光岳楼",
    "不在里面的词",
];

/// Every answer the JS API gives, as text: search and searchPages (JSON, both pages of 5),
/// suggestions and stats.
fn answers(engine: &Engine) -> Vec<String> {
    let mut out = vec![format!("{:?}", engine.stats())];
    for query in QUERIES {
        for offset in [0, 5] {
            let options = SearchOptions { limit: 5, offset };
            out.push(search_results(&engine.search(query, options).unwrap()));
            out.push(page_results(&engine.search_pages(query, options).unwrap()));
        }
        out.push(format!("{:?}", engine.suggest(query, 8).unwrap()));
    }
    out
}

fn built(dir: &str, layout: Layout) -> Vec<u8> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    build_folder(&dir, &Options::of_folder(&dir, layout).unwrap())
        .unwrap()
        .bytes
}

#[test]
fn answers_exactly_as_the_embedded_engine() {
    let embedded = zh_search::embedded_engine().unwrap();
    let owned = OwnedEngine::open(zh_search::INDEX_BYTES.to_vec()).unwrap();
    assert_eq!(owned.bytes(), zh_search::INDEX_BYTES);
    assert_eq!(answers(owned.engine()), answers(&embedded));
}

#[test]
fn answers_as_a_borrowing_engine_in_both_layouts_after_moves() {
    for layout in [Layout::Scan, Layout::Grams] {
        let bytes = built("tests/site", layout);
        let expected = answers(&Engine::open(&bytes).unwrap());
        let owned = OwnedEngine::open(bytes.clone()).unwrap();
        assert_eq!(owned.engine().index.is_scan(), layout == Layout::Scan);
        // Moved into a box and a vector: the engine still reads the same bytes.
        let boxed = Box::new(owned);
        let mut moved = vec![*boxed];
        moved.reserve(100);
        assert_eq!(answers(moved[0].engine()), expected, "{layout:?}");
        drop(moved);
    }
}

#[test]
fn bad_bytes_are_the_error_engine_open_gives() {
    let seeds = zh_search::INDEX_BYTES;
    for bad in [
        Vec::new(),
        b"not an index".to_vec(),
        seeds[..seeds.len() / 2].to_vec(),
        seeds[..16].to_vec(),
    ] {
        let expected: FormatError = Engine::open(&bad).err().expect("bad bytes do not open");
        let got = OwnedEngine::open(bad).err().expect("bad bytes do not open");
        assert_eq!(got.to_string(), expected.to_string());
        assert!(!got.to_string().is_empty());
    }
}

#[test]
fn many_engines_open_and_drop_independently() {
    let engines: Vec<OwnedEngine> = (0..20)
        .map(|_| OwnedEngine::open(zh_search::INDEX_BYTES).unwrap())
        .collect();
    let first = answers(engines[0].engine());
    for engine in engines.iter().skip(1).step_by(7) {
        assert_eq!(answers(engine.engine()), first);
    }
    drop(engines);
}
