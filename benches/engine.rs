//! Native benchmarks of the query side over the embedded index (the seeds, or whatever corpus
//! `ZH_SEARCH_SEEDS` named at build time): `cargo bench --bench engine`.
//! `ZH_SEARCH_BENCH_QUERIES=<file>` (one query per line) replaces the seed queries, for another
//! corpus; `make bench` runs it on the seeds and on the 57k Tang poems.
//! A regression shows here without a browser; `make bench` compares with other engines.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use zh_search::search::SearchOptions;
use zh_search::snippet::{snippet_html, Span};

const SEED_QUERIES: [&str; 8] = [
    "碳计量",
    "国家碳计量中心",
    "健步走 补给站",
    "國家碳計量中心",
    "nqi",
    "光",
    "\"好客山东·好品山东\"",
    "聊城的碳计量中心是什么时候批准的",
];

/// The queries to time: `ZH_SEARCH_BENCH_QUERIES`'s lines, or the seed queries.
fn queries() -> Vec<String> {
    match std::env::var_os("ZH_SEARCH_BENCH_QUERIES") {
        Some(path) => std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("ZH_SEARCH_BENCH_QUERIES={path:?}: {e}"))
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
        None => SEED_QUERIES.map(String::from).to_vec(),
    }
}

fn benches(c: &mut Criterion) {
    let engine = zh_search::embedded_engine().expect("embedded index");
    let queries = queries();
    assert!(!queries.is_empty(), "no queries to time");
    c.bench_function("parse/all queries", |b| {
        b.iter(|| {
            for q in &queries {
                black_box(engine.parse(black_box(q)));
            }
        })
    });
    // The longest query is the one segmentation has most to do on.
    let longest = queries.iter().max_by_key(|q| q.chars().count()).unwrap();
    c.bench_function("segment/longest query", |b| {
        b.iter(|| black_box(engine.words(black_box(longest)).unwrap()))
    });
    for q in &queries {
        c.bench_function(&format!("search/{q}"), |b| {
            b.iter(|| {
                black_box(
                    engine
                        .search(black_box(q), SearchOptions::default())
                        .unwrap(),
                )
            })
        });
    }
    // Passage 0 with every occurrence of its first two characters highlighted.
    let text = engine.index.passage_text(0).unwrap();
    let first_two: String = text.chars().take(2).collect();
    let spans: Vec<Span> = text
        .match_indices(first_two.as_str())
        .map(|(i, m)| Span {
            start: i,
            end: i + m.len(),
            term: 0,
        })
        .collect();
    c.bench_function("snippet/passage 0", |b| {
        b.iter(|| black_box(snippet_html(black_box(text), &spans)))
    });
    c.bench_function("open index", |b| {
        b.iter(|| black_box(zh_search::embedded_engine().unwrap()))
    });
    // What a reader's first query costs on top: the scan layout folds the corpus then.
    c.bench_function("open index + first search", |b| {
        b.iter(|| {
            let fresh = zh_search::embedded_engine().unwrap();
            black_box(fresh.search(&queries[0], SearchOptions::default()).unwrap())
        })
    });
}

criterion_group! {
    name = engine;
    config = Criterion::default().sample_size(30).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2));
    targets = benches
}
criterion_main!(engine);
