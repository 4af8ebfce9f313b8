//! The JavaScript API: a thin `#[wasm_bindgen]` facade over [`crate::search::Engine`].
//! Options are checked here ([`super::options`]), before the engine sees them.
//!
//! Two ways in, one implementation (the `*_in` functions below): the class `Index`, built from
//! index bytes given at run time (`new Index(bytes)`, the corpus-independent module the indexer
//! CLI ships), and, with the `embed` feature, the free functions `search`, `searchPages`,
//! `suggest` and `stats` over the index embedded in the module.
//!
//! Values cross as plain JS objects/arrays: search results as one JSON text handed to
//! `JSON.parse` (see `json`: one crossing instead of one per field), suggestions and stats through
//! serde-wasm-bindgen (maps as objects); every error becomes a JS `Error` here and nowhere
//! else. The embedded index is opened once, on first use, without copying it.

#[cfg(feature = "embed")]
use std::sync::OnceLock;

use serde::Serialize;
use wasm_bindgen::prelude::*;

#[cfg(feature = "sharded")]
use crate::format::shard_path;
use crate::format::FormatError;
#[cfg(not(any(feature = "embed", feature = "sharded")))]
use crate::owned::OwnedEngine;
#[cfg(feature = "sharded")]
use crate::owned::OwnedShardedEngine;
use crate::query::MAX_QUERY_CHARS;
use crate::search::{Engine, SearchOptions};

use super::options::{search_options, suggest_limit, RawOption};

#[cfg(feature = "embed")]
fn engine() -> Result<&'static Engine<'static>, JsError> {
    static ENGINE: OnceLock<Result<Engine<'static>, FormatError>> = OnceLock::new();
    ENGINE
        .get_or_init(crate::embedded_engine)
        .as_ref()
        .map_err(|e| JsError::new(&e.to_string()))
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value
        .serialize(&serializer)
        .map_err(|e| JsError::new(&e.to_string()))
}

fn raw_option(value: JsValue) -> RawOption {
    if value.is_undefined() || value.is_null() {
        RawOption::Missing
    } else if let Some(number) = value.as_f64() {
        RawOption::Number(number)
    } else {
        RawOption::Other
    }
}

fn option_field(options: &JsValue, name: &str) -> Result<RawOption, JsError> {
    if options.is_undefined() || options.is_null() {
        return Ok(RawOption::Missing);
    }
    if !options.is_object() {
        return Err(JsError::new(
            "options must be an object, e.g. { limit: 10, offset: 0 }",
        ));
    }
    let value = js_sys::Reflect::get(options, &JsValue::from_str(name))
        .map_err(|_| JsError::new(&format!("options.{name} could not be read")))?;
    Ok(raw_option(value))
}

/// Longest piece of a query or prefix that is copied into the module, in UTF-16 code units:
/// room for [`MAX_QUERY_CHARS`] characters even if every one is a surrogate pair. A longer
/// string is cut in JS first, so a 100 MB query costs neither time nor wasm memory (which
/// never shrinks once grown).
const MAX_INPUT_UNITS: u32 = 2 * MAX_QUERY_CHARS as u32 + 2;

/// A JS string argument, cut to [`MAX_INPUT_UNITS`]; lone surrogates become U+FFFD. Anything
/// but a string (`undefined`, `null`, numbers, objects) is an `Error`: wasm-bindgen's own
/// `&str` conversion would read `.length` of whatever it is given and can trap the module.
fn string_arg(value: &JsValue, name: &str) -> Result<String, JsError> {
    let text = value
        .dyn_ref::<js_sys::JsString>()
        .ok_or_else(|| JsError::new(&format!("{name} must be a string")))?;
    let text = if text.length() > MAX_INPUT_UNITS {
        text.slice(0, MAX_INPUT_UNITS)
    } else {
        text.clone()
    };
    text.as_string()
        .ok_or_else(|| JsError::new(&format!("{name} must be a string")))
}

/// The query and paging options of `search` and `searchPages`.
fn query_and_options(
    query: &JsValue,
    options: &JsValue,
) -> Result<(String, SearchOptions), JsError> {
    let query = string_arg(query, "query")?;
    let options = search_options(
        option_field(options, "limit")?,
        option_field(options, "offset")?,
    )
    .map_err(|e| JsError::new(&e.to_string()))?;
    Ok((query, options))
}

/// One JSON text of results as JS objects.
fn parsed_json(json: &str) -> Result<JsValue, JsError> {
    js_sys::JSON::parse(json)
        .map_err(|_| JsError::new("search results could not be parsed as JSON"))
}

/// What a sharded index answers a search that read shards it does not have yet: the
/// caller (the worker) fetches them, adds them, and asks again.
#[derive(Serialize)]
struct NeedShards {
    need: Vec<u32>,
}

/// An engine error as the JS API answers it: `{ need: [shard ids] }` for a sharded index's
/// search that needs shards, an `Error` for anything else.
fn engine_error(engine: &Engine, error: FormatError) -> Result<JsValue, JsError> {
    if let (FormatError::NeedShards, Some(store)) = (&error, engine.index.shard_store()) {
        return to_js(&NeedShards {
            need: store.take_missing(),
        });
    }
    Err(JsError::new(&error.to_string()))
}

fn search_in(engine: &Engine, query: &JsValue, options: &JsValue) -> Result<JsValue, JsError> {
    let (query, options) = query_and_options(query, options)?;
    match engine.search(&query, options) {
        Ok(results) => parsed_json(&crate::json::search_results(&results)),
        Err(error) => engine_error(engine, error),
    }
}

fn search_pages_in(
    engine: &Engine,
    query: &JsValue,
    options: &JsValue,
) -> Result<JsValue, JsError> {
    let (query, options) = query_and_options(query, options)?;
    match engine.search_pages(&query, options) {
        Ok(results) => parsed_json(&crate::json::page_results(&results)),
        Err(error) => engine_error(engine, error),
    }
}

fn suggest_in(engine: &Engine, prefix: &JsValue, limit: JsValue) -> Result<JsValue, JsError> {
    let prefix = string_arg(prefix, "prefix")?;
    let limit = suggest_limit(raw_option(limit)).map_err(|e| JsError::new(&e.to_string()))?;
    match engine.suggest(&prefix, limit) {
        Ok(words) => to_js(&words),
        Err(error) => engine_error(engine, error),
    }
}

/// The bytes of a `Uint8Array` or `ArrayBuffer` argument.
#[cfg(any(not(feature = "embed"), feature = "sharded"))]
fn bytes_arg(bytes: &JsValue, what: &str) -> Result<Vec<u8>, JsError> {
    if let Some(array) = bytes.dyn_ref::<js_sys::Uint8Array>() {
        Ok(array.to_vec())
    } else if let Some(buffer) = bytes.dyn_ref::<js_sys::ArrayBuffer>() {
        Ok(js_sys::Uint8Array::new(buffer).to_vec())
    } else {
        Err(JsError::new(&format!(
            "{what}: bytes must be a Uint8Array or an ArrayBuffer"
        )))
    }
}

/// (Only in the module of single-file folders: the embed build's opens only its own index, the
/// module of sharded folders only `ShardedIndex`.)
/// An index given as bytes (what the indexer CLI writes as `zh-search-index.<hash>.bin`, after
/// any gzip is inflated): `new Index(bytes)`, then the same methods, options and results as the
/// free functions of the embedded build. It keeps its own copy of the bytes.
#[cfg(not(any(feature = "embed", feature = "sharded")))]
#[wasm_bindgen]
pub struct Index {
    engine: OwnedEngine,
}

#[cfg(not(any(feature = "embed", feature = "sharded")))]
#[wasm_bindgen]
impl Index {
    /// `new Index(bytes: Uint8Array | ArrayBuffer)`: throws an `Error` saying what is wrong
    /// when the bytes are not an index this engine reads.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
    ) -> Result<Index, JsError> {
        let bytes = bytes_arg(&bytes, "new Index(bytes)")?;
        let engine = OwnedEngine::open(bytes).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(Index { engine })
    }
}

/// A sharded index (the indexer CLI's layout for large sites): `new ShardedIndex(rootBytes)`,
/// then the methods of [`Index`], which answer `{ need: [shard ids] }` while a search reads
/// shards that have not been added: fetch each (`shardPath(id)`, relative to the root's URL),
/// `addShard(id, bytes)`, and ask again. The worker of the element does exactly that.
#[cfg(feature = "sharded")]
#[wasm_bindgen]
pub struct ShardedIndex {
    engine: OwnedShardedEngine,
}

#[cfg(feature = "sharded")]
#[wasm_bindgen]
impl ShardedIndex {
    /// `new ShardedIndex(root: Uint8Array | ArrayBuffer)`: throws an `Error` when the bytes
    /// are not the root of a sharded index this engine reads.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] root: JsValue,
    ) -> Result<ShardedIndex, JsError> {
        let root = bytes_arg(&root, "new ShardedIndex(root)")?;
        let engine = OwnedShardedEngine::open(root).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(ShardedIndex { engine })
    }

    /// `shardPath(id) → string`: where shard `id` is, relative to the root file.
    #[wasm_bindgen(js_name = shardPath)]
    pub fn shard_path(&self, id: u32) -> String {
        shard_path(self.engine.store().build_id(), id)
    }

    /// `addShard(id, bytes)`: throws an `Error` saying what is wrong when the bytes are not
    /// shard `id` of this build (damaged, cut short, of another build).
    #[wasm_bindgen(js_name = addShard)]
    pub fn add_shard(
        &self,
        id: u32,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
    ) -> Result<(), JsError> {
        let bytes = bytes_arg(&bytes, "addShard(id, bytes)")?;
        self.engine
            .store()
            .add(id, &bytes)
            .map_err(|e| JsError::new(&format!("index shard {id}: {e}")))
    }
}

/// The query methods of a class that holds an engine (`self.engine.engine()`): the same for
/// `Index` and `ShardedIndex` (whose searches may answer `{ need: [shard ids] }` instead), in
/// one definition so that the two classes cannot drift apart.
#[cfg(any(not(feature = "embed"), feature = "sharded"))]
macro_rules! query_methods {
    ($class:ident) => {
        #[wasm_bindgen]
        impl $class {
            /// `search(query, { limit, offset }) → { total, hits, partial }`.
            pub fn search(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] query: JsValue,
                options: JsValue,
            ) -> Result<JsValue, JsError> {
                search_in(self.engine.engine(), &query, &options)
            }

            /// `searchPages(query, { limit, offset }) → { total, total_pages, partial, pages }`.
            #[wasm_bindgen(js_name = searchPages)]
            pub fn search_pages(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] query: JsValue,
                options: JsValue,
            ) -> Result<JsValue, JsError> {
                search_pages_in(self.engine.engine(), &query, &options)
            }

            /// `suggest(prefix, limit?) → string[]`.
            pub fn suggest(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] prefix: JsValue,
                limit: JsValue,
            ) -> Result<JsValue, JsError> {
                suggest_in(self.engine.engine(), &prefix, limit)
            }

            /// `stats() → { sources, passages, terms, index_bytes }`.
            pub fn stats(&self) -> Result<JsValue, JsError> {
                to_js(&self.engine.engine().stats())
            }
        }
    };
}

#[cfg(not(any(feature = "embed", feature = "sharded")))]
query_methods!(Index);
#[cfg(feature = "sharded")]
query_methods!(ShardedIndex);

/// `search(query, { limit, offset }) → { total, hits, partial }`.
#[cfg(feature = "embed")]
#[wasm_bindgen]
pub fn search(
    #[wasm_bindgen(unchecked_param_type = "string")] query: JsValue,
    options: JsValue,
) -> Result<JsValue, JsError> {
    search_in(engine()?, &query, &options)
}

/// `searchPages(query, { limit, offset }) → { total, total_pages, partial, pages }`: hits
/// grouped by page, pages ordered by their best hit; `limit`/`offset` count pages.
#[cfg(feature = "embed")]
#[wasm_bindgen(js_name = searchPages)]
pub fn search_pages(
    #[wasm_bindgen(unchecked_param_type = "string")] query: JsValue,
    options: JsValue,
) -> Result<JsValue, JsError> {
    search_pages_in(engine()?, &query, &options)
}

/// `suggest(prefix, limit?) → string[]`: index terms starting with `prefix`, most useful first.
#[cfg(feature = "embed")]
#[wasm_bindgen]
pub fn suggest(
    #[wasm_bindgen(unchecked_param_type = "string")] prefix: JsValue,
    limit: JsValue,
) -> Result<JsValue, JsError> {
    suggest_in(engine()?, &prefix, limit)
}

/// `stats() → { sources, passages, terms, index_bytes }`.
#[cfg(feature = "embed")]
#[wasm_bindgen]
pub fn stats() -> Result<JsValue, JsError> {
    to_js(&engine()?.stats())
}
