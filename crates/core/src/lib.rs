//! What zh-search's two sides share, so that they cannot drift apart: the indexer
//! (`zh-search-index`, native) writes an index with these modules and the browser engine
//! (`zh-search`, wasm) reads it and cuts queries with the very same code.
//!
//! * `format`: the versioned binary layout of an index, its writer and its zero-copy reader;
//! * `normalize`: folding (width, case, traditional → simplified, OCR number gaps) and match keys;
//! * `tokenize`: grams (Ctrl-F recall) and vocabulary words (ranking) of a folded text;
//! * `sort`: a compact heapsort (smaller in the wasm module than the standard library's sorts);
//! * `by_id`: set-once values by passage or title id, learned as searches read them.

pub mod by_id;
pub mod format;
pub mod normalize;
pub mod sort;
pub mod tokenize;
