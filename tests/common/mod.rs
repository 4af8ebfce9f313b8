//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::sync::OnceLock;

use zh_search::search::{Engine, SearchOptions, SearchResults, MAX_LIMIT};
use zh_search_index::passage::Section;
use zh_search_index::{build_docs, build_folder, Layout, Options, SourceDoc};

/// The seeds built natively in `layout` (built once per test binary).
pub fn seeds_engine(layout: Layout) -> Engine<'static> {
    static SCAN: OnceLock<Vec<u8>> = OnceLock::new();
    static GRAMS: OnceLock<Vec<u8>> = OnceLock::new();
    let cell = match layout {
        Layout::Grams => &GRAMS,
        _ => &SCAN,
    };
    let bytes = cell.get_or_init(|| {
        let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds"));
        build_folder(dir, &Options::of_folder(dir, layout).unwrap())
            .unwrap()
            .bytes
    });
    Engine::open(bytes).unwrap()
}

/// The embedded index (what the wasm ships) and the seeds in the other layout, so every
/// property is checked on both matching paths.
pub fn engines() -> Vec<(&'static str, Engine<'static>)> {
    let embedded = zh_search::embedded_engine().unwrap();
    let other = if embedded.index.is_scan() {
        Layout::Grams
    } else {
        Layout::Scan
    };
    vec![
        ("embedded", embedded),
        (
            if other == Layout::Grams {
                "grams"
            } else {
                "scan"
            },
            seeds_engine(other),
        ),
    ]
}

/// Every hit of a query (all pages).
pub fn all_hits(engine: &Engine<'_>, query: &str) -> SearchResults {
    let first = engine
        .search(
            query,
            SearchOptions {
                limit: MAX_LIMIT,
                offset: 0,
            },
        )
        .unwrap();
    let mut all = first.clone();
    while all.hits.len() < all.total {
        let page = engine
            .search(
                query,
                SearchOptions {
                    limit: MAX_LIMIT,
                    offset: all.hits.len(),
                },
            )
            .unwrap();
        assert!(!page.hits.is_empty(), "paging stopped early for {query:?}");
        all.hits.extend(page.hits);
    }
    all
}

/// Text with all whitespace removed (what a reader's Ctrl-F effectively sees across OCR breaks).
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// (passage id, title, text) of every passage in the embedded index.
pub fn passages(engine: &Engine<'_>) -> Vec<(u32, String, String)> {
    let index = &engine.index;
    (0..index.passage_count())
        .map(|p| {
            let title = index
                .title_text(index.title_of(p).unwrap())
                .unwrap()
                .to_string();
            (p, title, index.passage_text(p).unwrap().to_string())
        })
        .collect()
}

/// A small deterministic PRNG (xorshift64*), so samples are the same on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One Markdown document (`name`) whose sections are `(heading, passages)`, made in memory.
pub fn markdown_doc(name: &str, sections: &[(&str, &[&str])]) -> SourceDoc {
    SourceDoc {
        name: name.into(),
        sections: sections
            .iter()
            .map(|(heading, passages)| Section {
                headings: vec![heading.to_string()],
                derived_title: None,
                passages: passages.iter().map(|p| p.to_string()).collect(),
                ..Section::default()
            })
            .collect(),
        url: None,
        page_title: String::new(),
    }
}

/// The index of documents made in memory, built in `layout` with the project's lexicon.
pub fn docs_index(docs: &[SourceDoc], layout: Layout) -> Vec<u8> {
    build_docs(
        docs,
        &Options {
            layout,
            ..Options::default()
        },
    )
    .unwrap()
    .bytes
}

/// An engine over [`docs_index`] (its bytes live as long as the test binary).
pub fn docs_engine(docs: &[SourceDoc], layout: Layout) -> Engine<'static> {
    let bytes = docs_index(docs, layout);
    Engine::open(Box::leak(bytes.into_boxed_slice())).unwrap()
}

/// The UTF-16 ranges of `highlights` as strings of `text`.
pub fn highlighted(text: &str, highlights: &[[u32; 2]]) -> Vec<String> {
    let units: Vec<u16> = text.encode_utf16().collect();
    highlights
        .iter()
        .map(|[a, b]| String::from_utf16_lossy(&units[*a as usize..*b as usize]))
        .collect()
}
