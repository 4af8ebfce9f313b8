//! zh-search: Chinese full-text search that runs entirely in the browser.
//!
//! `build.rs` turns a corpus folder into one index (`format`) that is embedded in the module;
//! the runtime opens it without copying (`format::IndexView`) and answers queries
//! (`search::Engine`). Indexing and querying share one normaliser (`normalize`) and one
//! tokenizer (`tokenize`), so a query is always cut the way the text was.
//!
//! Modules by concept:
//! * `normalize`: folding (width, case, traditional → simplified), match keys, OCR number gaps;
//! * `passage`: cutting OCR'd/Markdown files into titled passages (build time);
//! * `html`: HTML pages → titled passages with heading anchors (build time);
//! * `tokenize`: grams (Ctrl-F recall) and vocabulary words (ranking), for both sides;
//! * `pinyin`: pinyin terms → runs of corpus characters, over the index's reading table;
//! * `format`: the versioned binary layout, writer and zero-copy reader;
//! * `builder`: corpus folder → index bytes (build time);
//! * `scan`: the scan layout's folded corpus and character positions (built at first search);
//! * `query`, `rank`, `snippet`, `search`: the query side (`sort`: a compact heapsort);
//! * `json`: results as one JSON text (one `JSON.parse` instead of an object per field);
//! * `wasm`: the thin `#[wasm_bindgen]` facade.

pub mod format;
pub mod json;
pub mod normalize;
pub mod pinyin;
pub mod query;
pub mod rank;
pub mod scan;
pub mod search;
pub mod snippet;
pub mod sort;
pub mod tokenize;

#[cfg(not(target_arch = "wasm32"))]
pub mod builder;
#[cfg(not(target_arch = "wasm32"))]
pub mod html;
#[cfg(not(target_arch = "wasm32"))]
pub mod passage;

#[cfg(target_arch = "wasm32")]
mod wasm;

/// The index built from the corpus by `build.rs` (`ZH_SEARCH_SEEDS`, default `seeds/`).
pub static INDEX_BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/index.bin"));

/// Opens the embedded index.
pub fn embedded_engine() -> Result<search::Engine<'static>, format::FormatError> {
    search::Engine::open(INDEX_BYTES)
}

/// Talc instead of std's dlmalloc in the module: 3.8 KB less gzip (measured with
/// `make build`), and no slower on the search path.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
