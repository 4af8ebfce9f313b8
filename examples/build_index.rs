//! Builds an index natively, exactly as `build.rs` does, and reports what it took:
//! `cargo run --release --example build_index -- <corpus dir> [out file]` (`ZH_SEARCH_LAYOUT`
//! selects the layout as for `build.rs`).

#[path = "../src/build_support.rs"]
mod build_support;

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: build_index <corpus dir> [out file]");
        std::process::exit(2);
    };
    let started = Instant::now();
    let corpus = match zh_search::builder::read_corpus(std::path::Path::new(dir)) {
        Ok(corpus) => corpus,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    };
    let read = started.elapsed();
    let index = zh_search::builder::build_index(
        &corpus.docs,
        &mut build_support::jieba_discoverer(),
        &build_support::to_simplified,
        &build_support::pinyin_reading,
        zh_search::builder::Layout::from_env_value(
            std::env::var("ZH_SEARCH_LAYOUT").ok().as_deref(),
        )
        .unwrap_or_else(|e| {
            eprintln!("error: {e}");
            std::process::exit(2)
        }),
    );
    let total = started.elapsed();
    let view =
        zh_search::format::IndexView::open(&index).expect("the builder writes valid indexes");
    let s = view.stats;
    eprintln!(
        "{} files, {} passages, {} titles, {} grams, {} words; {} bytes; read+cut {:.2}s, total {:.2}s",
        s.sources,
        s.passages,
        s.titles,
        s.grams,
        s.words,
        index.len(),
        read.as_secs_f64(),
        total.as_secs_f64()
    );
    if let Some(out) = args.get(1) {
        std::fs::write(out, &index).expect("write the index");
    }
}
