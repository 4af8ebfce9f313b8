//! The files every site gets unchanged: the engine (`make engine`, embedded at the CLI's build
//! by `build.rs`, absent when it was built without `ZH_SEARCH_ENGINE_DIR`) and the example
//! page, its style, icon, README and the TypeScript types (from the repository, at compile
//! time).

/// The corpus-independent engine and the element, as `make engine` built them.
pub struct EngineFiles {
    /// wasm-bindgen's JavaScript glue (ES module, minified).
    pub glue: &'static [u8],
    /// The engine module (no index inside).
    pub wasm: &'static [u8],
    /// The `<zh-search>` element bundle, with the placeholder [`DIST_MARKER`] that the CLI
    /// replaces by the names of the files it writes.
    pub element: &'static [u8],
    /// The worker that searches a sharded index (`www/src/worker.js`, bundled).
    pub worker: &'static [u8],
    /// The glue and the module of sharded folders (gram layout only, the class ShardedIndex).
    pub sharded_glue: &'static [u8],
    pub sharded_wasm: &'static [u8],
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
