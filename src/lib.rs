//! zh-search: Chinese full-text search that runs entirely in the browser. This crate is the
//! engine the wasm module is made of.
//!
//! With the `embed` feature (the default), `build.rs` builds an index with the indexer
//! (`zh-search-index`) and embeds it; the engine opens it without copying (`format::IndexView`)
//! and answers queries (`search::Engine`). Without it the module embeds no corpus: the same
//! wasm for every site, given its index as bytes at run time (`owned::OwnedEngine`, the JS
//! API's `Index`).
//! Indexing and querying share one format, one normaliser and one tokenizer
//! (`zh-search-core`, re-exported here as `format`, `normalize`, `tokenize`, `sort`), so a query
//! is always cut the way the text was.
//!
//! Modules by concept:
//! * `query`: a query → terms (quoted phrases, question words, Latin words);
//! * `search`: matching, scoring, paging and hits over an opened index, split along the
//!   layout seam (`search::layout`: what the gram and the scan layout do their own way, chosen
//!   once when the engine opens; `search::pinyin`: pinyin terms → runs of corpus characters,
//!   over the index's reading table);
//! * `rank`: the scoring formula and the structure tiers;
//! * `snippet`: the highlighted window of a hit;
//! * `owned`: an engine that owns the index bytes it was given;
//! * `json`: results as one JSON text (one `JSON.parse` instead of an object per field);
//! * `wasm`: the JavaScript edge: the thin `#[wasm_bindgen]` facade (wasm32 only) and the
//!   parsing of the options JavaScript passes (`wasm::options`).

pub use zh_search_core::{by_id, format, normalize, sort, tokenize};

pub mod json;
pub mod owned;
pub mod query;
mod rank;
pub mod search;
pub mod snippet;
pub mod wasm;

/// The index built from the corpus by `build.rs` (`ZH_SEARCH_SEEDS`, default `seeds/`).
#[cfg(feature = "embed")]
pub static INDEX_BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/index.bin"));

/// Opens the embedded index.
#[cfg(feature = "embed")]
pub fn embedded_engine() -> Result<search::Engine<'static>, format::FormatError> {
    search::Engine::open(INDEX_BYTES)
}

/// Talc instead of std's dlmalloc in the module: 3.8 KB less gzip (measured with
/// `make build`), and no slower on the search path.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
