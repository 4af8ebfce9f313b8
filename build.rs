//! Builds the search index from the corpus folder and writes it to `OUT_DIR/index.bin`, where
//! `src/lib.rs` embeds it with `include_bytes!`.
//!
//! The corpus folder is `ZH_SEARCH_SEEDS` (relative paths are taken from the crate root),
//! default `seeds/`. `ZH_SEARCH_DICT` optionally names a jieba user dictionary loaded before
//! segmentation. What is indexed from the folder follows its `zh-search.toml` and the
//! `ZH_SEARCH_EXCLUDE_SELECTORS` / `ZH_SEARCH_INCLUDE` / `ZH_SEARCH_EXCLUDE` /
//! `ZH_SEARCH_STRICT_ENCODING` variables (`builder::CorpusOptions`); one warning line sums up
//! what was indexed and dropped. jieba runs here only: the wasm module never contains its dictionary.
//! The layout, normaliser, passage cutter and tokenizer are the crate's own modules, included
//! by path so that build and runtime cannot drift apart.

#[path = "src/build_support.rs"]
mod build_support;
#[allow(dead_code)]
#[path = "src/builder.rs"]
mod builder;
#[allow(dead_code)]
#[path = "src/format.rs"]
mod format;
#[allow(dead_code)]
#[path = "src/html.rs"]
mod html;
#[allow(dead_code)]
#[path = "src/normalize.rs"]
mod normalize;
#[allow(dead_code)]
#[path = "src/passage.rs"]
mod passage;
#[allow(dead_code)]
#[path = "src/rank.rs"]
mod rank;
#[allow(dead_code)]
#[path = "src/sort.rs"]
mod sort;
#[allow(dead_code)]
#[path = "src/tokenize.rs"]
mod tokenize;

use std::path::PathBuf;

fn main() {
    for shared in [
        "builder",
        "build_support",
        "format",
        "html",
        "normalize",
        "passage",
        "rank",
        "sort",
        "tokenize",
    ] {
        println!("cargo:rerun-if-changed=src/{shared}.rs");
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=ZH_SEARCH_SEEDS");
    println!("cargo:rerun-if-env-changed=ZH_SEARCH_LAYOUT");
    println!("cargo:rerun-if-env-changed=ZH_SEARCH_DICT");

    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let corpus_dir = match std::env::var_os("ZH_SEARCH_SEEDS") {
        Some(dir) if !dir.is_empty() => manifest.join(dir),
        _ => manifest.join("seeds"),
    };
    println!("cargo:rerun-if-changed={}", corpus_dir.display());

    for var in builder::OPTION_ENV_VARS {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!(
        "cargo:rerun-if-changed={}",
        corpus_dir.join(builder::CONFIG_FILE).display()
    );
    let corpus = match builder::CorpusOptions::load(&corpus_dir, &|var| std::env::var(var).ok())
        .and_then(|options| builder::read_corpus_with(&corpus_dir, &options))
    {
        Ok(corpus) => corpus,
        Err(error) => {
            eprintln!("error: zh-search: {error}");
            std::process::exit(1);
        }
    };
    for file in &corpus.files {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    for warning in &corpus.warnings {
        println!("cargo:warning=zh-search: {warning}");
    }
    println!("cargo:warning=zh-search: {}", corpus.summary);

    let layout =
        match builder::Layout::from_env_value(std::env::var("ZH_SEARCH_LAYOUT").ok().as_deref()) {
            Ok(layout) => layout,
            Err(error) => {
                eprintln!("error: zh-search: {error}");
                std::process::exit(1);
            }
        };
    let user_words = match std::env::var_os("ZH_SEARCH_DICT") {
        Some(path) if !path.is_empty() => {
            let path = manifest.join(path);
            println!("cargo:rerun-if-changed={}", path.display());
            match builder::read_user_dict(&path, &build_support::to_simplified) {
                Ok(dict) => {
                    for warning in &dict.warnings {
                        println!("cargo:warning=zh-search: {}: {warning}", path.display());
                    }
                    dict.words
                }
                Err(error) => {
                    eprintln!("error: zh-search: {error}");
                    std::process::exit(1);
                }
            }
        }
        _ => Vec::new(),
    };
    let mut discover = build_support::jieba_discoverer_with(&user_words);
    let index = builder::build_index(
        &corpus.docs,
        &mut discover,
        &build_support::to_simplified,
        &build_support::pinyin_reading,
        layout,
    );
    // The module opens only this index: its layout becomes a cfg, so that the other layout's
    // query code is compiled out of the wasm (format::EMBEDDED_LAYOUT_IS_SCAN).
    let scan = match format::IndexView::open(&index) {
        Ok(view) => view.is_scan(),
        Err(error) => {
            eprintln!("error: zh-search: the index just built does not open: {error}");
            std::process::exit(1);
        }
    };
    println!(
        "cargo:rustc-cfg=zh_search_embedded_layout=\"{}\"",
        if scan { "scan" } else { "grams" }
    );
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("index.bin");
    if let Err(error) = std::fs::write(&out, &index) {
        eprintln!("error: zh-search: cannot write {}: {error}", out.display());
        std::process::exit(1);
    }
}
