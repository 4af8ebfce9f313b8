//! [`OwnedEngine`]: an engine that owns the index bytes it reads, for indexes that arrive at run
//! time (the JS API's `Index`, given the bytes the element fetched) rather than embedded in the
//! module.
//!
//! [`Engine`] borrows its bytes (it opens them without copying), so an engine that owns them is
//! a self-referential struct. The bytes live in a heap allocation of their own that never moves
//! and is only ever read; the engine borrows it as `'static` internally, is handed out only for
//! as long as the owner is borrowed, and is dropped before the allocation is freed. That is all
//! the `unsafe` here: three small blocks, each with its reason.

use std::mem::ManuallyDrop;
use std::ptr::NonNull;

use crate::format::{FormatError, ShardStore};
use crate::search::Engine;

/// An [`Engine`] over index bytes it owns.
pub struct OwnedEngine {
    /// Borrows `*bytes`; dropped by hand, before the bytes are freed (see `Drop`).
    engine: ManuallyDrop<Engine<'static>>,
    /// The index bytes: a `Box<[u8]>` turned into a pointer, so that moving the `OwnedEngine`
    /// moves neither the bytes nor asserts unique access to them while the engine reads them.
    bytes: NonNull<[u8]>,
}

impl OwnedEngine {
    /// Takes the bytes and opens them; the same checks and errors as [`Engine::open`].
    pub fn open(bytes: impl Into<Box<[u8]>>) -> Result<OwnedEngine, FormatError> {
        let bytes = NonNull::from(Box::leak(bytes.into()));
        // SAFETY: `bytes` comes from `Box::leak`: valid, never written, and freed only in
        // `Drop`, after the engine that borrows it (or right here if opening fails).
        let view: &'static [u8] = unsafe { bytes.as_ref() };
        match Engine::open(view) {
            Ok(engine) => Ok(OwnedEngine {
                engine: ManuallyDrop::new(engine),
                bytes,
            }),
            Err(error) => {
                // SAFETY: nothing borrows the bytes any more (the failed open returned no engine).
                drop(unsafe { Box::from_raw(bytes.as_ptr()) });
                Err(error)
            }
        }
    }

    /// The engine, borrowed no longer than its owner (the `'static` never escapes: `Engine` is
    /// covariant in its lifetime, so the result is an `Engine<'_>`).
    pub fn engine(&self) -> &Engine<'_> {
        &self.engine
    }

    /// The index bytes.
    pub fn bytes(&self) -> &[u8] {
        self.engine.index.bytes()
    }
}

impl Drop for OwnedEngine {
    fn drop(&mut self) {
        // SAFETY: the engine is dropped exactly once, here, before the bytes it borrows; then
        // the bytes are freed exactly once (they came from `Box::leak` in `open`).
        unsafe {
            ManuallyDrop::drop(&mut self.engine);
            drop(Box::from_raw(self.bytes.as_ptr()));
        }
    }
}

/// An [`Engine`] over a sharded index whose store it owns ([`ShardStore`]: the root, and the
/// shards added as they arrive). The same ownership as [`OwnedEngine`]: the store lives in a
/// heap allocation of its own, borrowed by the engine and freed after it.
pub struct OwnedShardedEngine {
    /// Borrows `*store`; dropped by hand, before the store is freed (see `Drop`).
    engine: ManuallyDrop<Engine<'static>>,
    store: NonNull<ShardStore>,
}

impl OwnedShardedEngine {
    /// Opens a sharded index's root; the same checks and errors as [`ShardStore::open`].
    pub fn open(root: Vec<u8>) -> Result<OwnedShardedEngine, FormatError> {
        let store = NonNull::from(Box::leak(Box::new(ShardStore::open(root)?)));
        // SAFETY: `store` comes from `Box::leak`: valid, only ever shared (the store changes
        // through its own synchronised cells), and freed only in `Drop`, after the engine that
        // borrows it (or right here if opening fails).
        let view: &'static ShardStore = unsafe { store.as_ref() };
        match Engine::open_sharded(view) {
            Ok(engine) => Ok(OwnedShardedEngine {
                engine: ManuallyDrop::new(engine),
                store,
            }),
            Err(error) => {
                // SAFETY: nothing borrows the store any more (the failed open returned no engine).
                drop(unsafe { Box::from_raw(store.as_ptr()) });
                Err(error)
            }
        }
    }

    /// The engine, borrowed no longer than its owner (see [`OwnedEngine::engine`]).
    pub fn engine(&self) -> &Engine<'_> {
        &self.engine
    }

    /// The store, to add the shards the engine asked for.
    pub fn store(&self) -> &ShardStore {
        // SAFETY: valid until `Drop` (see `open`), and only ever shared.
        unsafe { self.store.as_ref() }
    }
}

impl Drop for OwnedShardedEngine {
    fn drop(&mut self) {
        // SAFETY: as in `OwnedEngine`'s `Drop`: the engine first, then the store it borrows,
        // each exactly once.
        unsafe {
            ManuallyDrop::drop(&mut self.engine);
            drop(Box::from_raw(self.store.as_ptr()));
        }
    }
}
