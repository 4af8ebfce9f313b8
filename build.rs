//! With the `embed` feature (the default): builds the index of the corpus folder with the
//! indexer (`zh-search-index`) and writes it to `OUT_DIR/index.bin`, where `src/lib.rs` embeds
//! it with `include_bytes!`. Without it (the corpus-independent engine, `make engine`) it does
//! nothing: the indexer is an optional build-dependency that is not even compiled, and no
//! layout cfg is set, so the module keeps both layouts' query code.
//!
//! The folder is `ZH_SEARCH_SEEDS` (relative paths are taken from the crate root), default
//! `seeds/`; its `zh-search.toml` and the `ZH_SEARCH_*` variables say what is indexed and how
//! (`zh_search_index::Options::load`). One warning line sums up what was indexed and dropped.
//! The indexer is a build-dependency: cargo rebuilds when its code changes, and the module
//! never links jieba, the HTML parser or the conversion tables.

#[cfg(feature = "embed")]
use std::path::PathBuf;

#[cfg(feature = "embed")]
use zh_search_index::{build_folder, Options};

#[cfg(not(feature = "embed"))]
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
}

#[cfg(feature = "embed")]
fn main() {
    if let Err(message) = run() {
        // A build script reports failure by its exit status; cargo prints stderr.
        eprintln!("error: zh-search: {message}");
        std::process::exit(1);
    }
}

#[cfg(feature = "embed")]
fn run() -> Result<(), String> {
    let manifest = PathBuf::from(env("CARGO_MANIFEST_DIR")?);
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=ZH_SEARCH_SEEDS");
    for var in Options::env_vars() {
        println!("cargo:rerun-if-env-changed={var}");
    }
    let dir = match std::env::var_os("ZH_SEARCH_SEEDS") {
        Some(dir) if !dir.is_empty() => manifest.join(dir),
        _ => manifest.join("seeds"),
    };
    // The folder itself (files added or removed) and its config file, which may not exist yet.
    println!("cargo:rerun-if-changed={}", dir.display());
    println!(
        "cargo:rerun-if-changed={}",
        dir.join(zh_search_index::CONFIG_FILE).display()
    );
    let options = Options::load(&dir, &manifest, &|var| std::env::var(var).ok())
        .map_err(|e| e.to_string())?;
    let built = build_folder(&dir, &options).map_err(|e| e.to_string())?;
    for input in &built.inputs {
        println!("cargo:rerun-if-changed={}", input.display());
    }
    for warning in &built.warnings {
        println!("cargo:warning=zh-search: {warning}");
    }
    println!("cargo:warning=zh-search: {}", built.summary);
    // The module opens only this index: its layout becomes a cfg, so that the other layout's
    // query code is compiled out of the wasm (`search::EMBEDDED_LAYOUT_IS_SCAN`).
    let scan = zh_search_index::index_is_scan(&built.bytes)
        .map_err(|e| format!("the index just built does not open: {e}"))?;
    println!(
        "cargo:rustc-cfg=zh_search_embedded_layout=\"{}\"",
        if scan { "scan" } else { "grams" }
    );
    let out = PathBuf::from(env("OUT_DIR")?).join("index.bin");
    std::fs::write(&out, &built.bytes).map_err(|e| format!("cannot write {}: {e}", out.display()))
}

#[cfg(feature = "embed")]
fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("cargo did not set {name}"))
}
