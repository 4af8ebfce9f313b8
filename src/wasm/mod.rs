//! The JavaScript edge: the `#[wasm_bindgen]` facade over [`crate::search::Engine`] (compiled
//! for wasm32 only) and the parsing of the options JavaScript passes ([`options`], plain Rust,
//! so native tests check it too). The engine itself only ever sees typed options.

pub mod options;

#[cfg(target_arch = "wasm32")]
mod bindings;
