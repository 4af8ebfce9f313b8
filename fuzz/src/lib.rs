//! The fuzz targets' shared state: the engines and fixtures they run against, built once per
//! process. The checks themselves are in `crates/harness` (also replayed by `cargo test`).

use std::sync::OnceLock;

use zh_search::format::FoldTable;
use zh_search::search::Engine;
use zh_search_index::{build_folder, Layout, Options};

pub use zh_search_harness as harness;

pub use harness::DecodeFixture;

/// The tiny fixture corpus in both layouts (golden files of `tests/format.rs`).
pub static TINY_GRAMS: &[u8] = include_bytes!("../../tests/fixtures/tiny.grams.index");
pub static TINY_SCAN: &[u8] = include_bytes!("../../tests/fixtures/tiny.scan.index");

fn seeds_in_other_layout() -> Vec<u8> {
    let embedded = zh_search::embedded_engine().expect("embedded index");
    let layout = if embedded.index.is_scan() {
        Layout::Grams
    } else {
        Layout::Scan
    };
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds"));
    let options = Options::of_folder(dir, layout).expect("seeds options");
    build_folder(dir, &options).expect("seeds").bytes
}

/// The embedded seed index, the seeds in the other layout, and the tiny fixture in both.
pub fn engines() -> &'static [Engine<'static>] {
    static ENGINES: OnceLock<Vec<Engine<'static>>> = OnceLock::new();
    ENGINES.get_or_init(|| {
        let other: &'static [u8] = Box::leak(seeds_in_other_layout().into_boxed_slice());
        [zh_search::INDEX_BYTES, other, TINY_GRAMS, TINY_SCAN]
            .into_iter()
            .map(|bytes| Engine::open(bytes).expect("valid index"))
            .collect()
    })
}

/// The fold table of the tiny fixture (traditional characters of its corpus).
pub fn tiny_fold() -> FoldTable<'static> {
    engines()[2].index.fold()
}

/// Indexes damaged by the `decode` target.
pub fn decode_fixtures() -> &'static [DecodeFixture] {
    static FIXTURES: OnceLock<Vec<DecodeFixture>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        [TINY_GRAMS, TINY_SCAN, zh_search::INDEX_BYTES]
            .into_iter()
            .map(|b| DecodeFixture::new(b.to_vec()))
            .collect()
    })
}
