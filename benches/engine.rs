//! Native benchmarks of the query side over the embedded index (the seeds, or whatever corpus
//! `ZH_SEARCH_SEEDS` named at build time): `cargo bench --bench engine`.
//! A regression shows here without a browser; `make bench` compares with other engines.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use zh_search::search::SearchOptions;
use zh_search::snippet::{snippet_html, Span};

const QUERIES: [&str; 8] = [
    "碳计量",
    "国家碳计量中心",
    "健步走 补给站",
    "國家碳計量中心",
    "nqi",
    "光",
    "\"好客山东·好品山东\"",
    "聊城的碳计量中心是什么时候批准的",
];

fn benches(c: &mut Criterion) {
    let engine = zh_search::embedded_engine().expect("embedded index");
    c.bench_function("parse/all queries", |b| {
        b.iter(|| {
            for q in QUERIES {
                black_box(engine.parse(black_box(q)));
            }
        })
    });
    c.bench_function("segment/question", |b| {
        b.iter(|| black_box(engine.words(black_box(QUERIES[7]))))
    });
    for q in QUERIES {
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
    let text = engine.index.passage_text(0).unwrap();
    let spans: Vec<Span> = text
        .match_indices("聊城")
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
}

criterion_group! {
    name = engine;
    config = Criterion::default().sample_size(30).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2));
    targets = benches
}
criterion_main!(engine);
