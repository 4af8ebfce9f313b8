//! Builds an index natively, exactly as `build.rs` does (the folder's `zh-search.toml` and the
//! `ZH_SEARCH_*` variables), and reports what it took:
//! `cargo run --release --example build_index -- <corpus dir> [out file]`.

use std::path::Path;
use std::time::Instant;

use zh_search_index::{build_folder, Options};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first().map(Path::new) else {
        eprintln!("usage: build_index <corpus dir> [out file]");
        std::process::exit(2);
    };
    let started = Instant::now();
    let built = Options::load(dir, Path::new("."), &|var| std::env::var(var).ok())
        .and_then(|options| build_folder(dir, &options))
        .unwrap_or_else(|error| {
            eprintln!("error: {error}");
            std::process::exit(1)
        });
    let total = started.elapsed();
    let view =
        zh_search::format::IndexView::open(&built.bytes).expect("the builder writes valid indexes");
    let s = view.stats();
    for warning in &built.warnings {
        eprintln!("warning: {warning}");
    }
    eprintln!(
        "{}\n{} files, {} passages, {} titles, {} grams, {} words; {} bytes; {:.2}s",
        built.summary,
        s.sources,
        s.passages,
        s.titles,
        s.grams,
        s.words,
        built.bytes.len(),
        total.as_secs_f64()
    );
    if let Some(out) = args.get(1) {
        std::fs::write(out, &built.bytes).expect("write the index");
    }
}
