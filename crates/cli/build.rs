//! Embeds the corpus-independent engine in the CLI binary, so that `zh-search index` compiles
//! nothing per site: the directory named by `ZH_SEARCH_ENGINE_DIR` (what `make engine` writes
//! to `target/engine/pkg`: `zh_search.js` and `zh_search_bg.wasm`, the glue and module of
//! single scan-layout files; `grams/`, those of single gram-layout files; `sharded/`, those of
//! sharded folders;
//! `zh-search.js`, the element bundle; `zh-search-worker.js`, the worker of sharded indexes) is
//! copied to `OUT_DIR` and `src/engine.rs` includes it. Each module is stored gzip-compressed
//! in the folders the CLI writes (small whether or not a host compresses `.wasm`); being the
//! same for every site, it is compressed here once, with zopfli, whose gzip streams are a few
//! percent smaller than any level of gzip's, at a cost in time that every run of `index` would
//! pay (the seeds' re-index takes under a second) and a build pays once.
//! Without the variable the binary still builds (so `cargo build/clippy --workspace` work), with
//! no engine inside: `index` then stops and says to build it with `make cli`.

use std::path::{Path, PathBuf};

/// The files of the engine directory, as `make engine` names them.
const ENGINE_FILES: [&str; 8] = [
    "zh_search.js",
    "zh_search_bg.wasm",
    "zh-search.js",
    "zh-search-worker.js",
    "grams/zh_search.js",
    "grams/zh_search_bg.wasm",
    "sharded/zh_search.js",
    "sharded/zh_search_bg.wasm",
];
const ENV_ENGINE_DIR: &str = "ZH_SEARCH_ENGINE_DIR";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed={ENV_ENGINE_DIR}");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let source = match std::env::var_os(ENV_ENGINE_DIR) {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            for name in ENGINE_FILES {
                let from = dir.join(name);
                println!("cargo:rerun-if-changed={}", from.display());
                let to = out.join(name.replace('/', "-"));
                let copied = if name.ends_with(".wasm") {
                    std::fs::read(&from).and_then(|module| {
                        let mut stored = Vec::new();
                        zopfli::compress(
                            zopfli::Options::default(),
                            zopfli::Format::Gzip,
                            &module[..],
                            &mut stored,
                        )?;
                        std::fs::write(gzip_path(&to), stored)
                    })
                } else {
                    std::fs::copy(&from, &to).map(|_| ())
                };
                if let Err(e) = copied {
                    // A build script reports failure by panicking; cargo shows the message.
                    panic!(
                        "{ENV_ENGINE_DIR}={}: cannot read {}: {e} (run make engine first, or make cli)",
                        dir.display(),
                        from.display()
                    );
                }
            }
            engine_source(&out)
        }
        _ => "pub const ENGINE: Option<EngineFiles> = None;\n".to_string(),
    };
    std::fs::write(out.join("engine_files.rs"), source).expect("OUT_DIR is writable");
}

/// Where the zopfli-compressed module that would be copied to `path` goes.
fn gzip_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".gz");
    PathBuf::from(name)
}

fn engine_source(out: &Path) -> String {
    // A module is included as stored (gzip); the other files as they are.
    let include = |name: &str| {
        let mut path = out.join(name.replace('/', "-"));
        if name.ends_with(".wasm") {
            path = gzip_path(&path);
        }
        format!("include_bytes!({:?})", path.display().to_string())
    };
    let [scan_glue, scan_wasm, element, worker, grams_glue, grams_wasm, sharded_glue, sharded_wasm] =
        ENGINE_FILES.map(include);
    format!(
        "pub const ENGINE: Option<EngineFiles> = Some(EngineFiles {{\n    scan: Module {{ glue: {scan_glue}, stored_wasm: {scan_wasm} }},\n    grams: Module {{ glue: {grams_glue}, stored_wasm: {grams_wasm} }},\n    sharded: Module {{ glue: {sharded_glue}, stored_wasm: {sharded_wasm} }},\n    element: {element},\n    worker: {worker},\n}});\n"
    )
}
