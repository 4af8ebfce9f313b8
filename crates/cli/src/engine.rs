//! The files every site gets unchanged: the engine (`make engine`, embedded at the CLI's build
//! by `build.rs`, absent when it was built without `ZH_SEARCH_ENGINE_DIR`) and the example
//! page, its style, icon, README and the TypeScript types (from the repository, at compile
//! time).

/// One engine module: wasm-bindgen's JavaScript glue (ES module, minified) and the module (no
/// index inside) as the folder stores it: gzip-compressed (the element inflates it; a host that
/// compresses it again changes nothing), once, when the CLI was built (`build.rs`).
pub struct Module {
    pub glue: &'static [u8],
    pub stored_wasm: &'static [u8],
}

/// The corpus-independent engine and the element, as `make engine` built them: one module per
/// kind of index file, each with only its layout's query code (a module refuses an index of the
/// other layout).
pub struct EngineFiles {
    /// Single index files in the scan layout (small sites; the class Index).
    pub scan: Module,
    /// Single index files in the gram layout (the class Index).
    pub grams: Module,
    /// Sharded folders (always the gram layout; the class ShardedIndex).
    pub sharded: Module,
    /// The `<zh-search>` element bundle, with the placeholder [`DIST_MARKER`] that the CLI
    /// replaces by the names of the files it writes.
    pub element: &'static [u8],
    /// The worker that searches a sharded index (`www/src/worker.js`, bundled).
    pub worker: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/engine_files.rs"));

/// The string in the element bundle (`www/src/engine.js`) that stands for the folder's file
/// names; quoted in the bundle, with either quote.
pub const DIST_MARKER: &str = "__ZH_SEARCH_DIST__";

/// The files copied as they are, by their names in the folder.
pub const STATIC_FILES: [(&str, &[u8]); 5] = [
    (
        "zh-search.d.ts",
        include_bytes!("../../../www/zh-search.d.ts"),
    ),
    (
        "index.html",
        include_bytes!("../../../scripts/dist/index.html"),
    ),
    (
        "index.css",
        include_bytes!("../../../scripts/dist/index.css"),
    ),
    (
        "favicon.svg",
        include_bytes!("../../../scripts/dist/favicon.svg"),
    ),
    (
        "README.md",
        include_bytes!("../../../scripts/dist/README.md"),
    ),
];
