//! [`OnceById`]: values by a passage's or title's id that arrive one by one and never change,
//! read without a lock. The engine learns titles, facts and folded keys as a search reads them;
//! an index's counts come from its own bytes and are not trusted with memory, so slots are
//! allocated a chunk at a time, when a value of theirs arrives.

use std::sync::OnceLock;

/// Ids per allocated chunk.
const CHUNK: usize = 1024;

/// Set-once values for the ids `0..count` (see the module docs).
#[derive(Debug)]
pub struct OnceById<T> {
    count: u32,
    chunks: Vec<OnceLock<Box<[OnceLock<T>]>>>,
}

impl<T> OnceById<T> {
    pub fn new(count: u32) -> Self {
        OnceById {
            count,
            chunks: (0..(count as usize).div_ceil(CHUNK))
                .map(|_| OnceLock::new())
                .collect(),
        }
    }

    /// The value of `id`, once set.
    pub fn get(&self, id: u32) -> Option<&T> {
        if id >= self.count {
            return None;
        }
        let id = id as usize;
        self.chunks.get(id / CHUNK)?.get()?[id % CHUNK].get()
    }

    /// The value of `id`: `value` if it had none (a value once set stays); `None` for an id
    /// past the count.
    pub fn set(&self, id: u32, value: T) -> Option<&T> {
        Some(self.slot(id)?.get_or_init(|| value))
    }

    /// The value of `id`, made by `make` if it had none (a failure sets nothing); `None` for
    /// an id past the count, without calling `make`.
    pub fn get_or_try_set<E>(
        &self,
        id: u32,
        make: impl FnOnce() -> Result<T, E>,
    ) -> Option<Result<&T, E>> {
        let slot = self.slot(id)?;
        if let Some(value) = slot.get() {
            return Some(Ok(value));
        }
        Some(make().map(|value| slot.get_or_init(|| value)))
    }

    /// The slot of `id`, its chunk allocated.
    fn slot(&self, id: u32) -> Option<&OnceLock<T>> {
        if id >= self.count {
            return None;
        }
        let id = id as usize;
        let chunk = self
            .chunks
            .get(id / CHUNK)?
            .get_or_init(|| (0..CHUNK).map(|_| OnceLock::new()).collect());
        Some(&chunk[id % CHUNK])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_set_once_and_only_below_the_count() {
        let table = OnceById::new(2 * CHUNK as u32 + 1);
        assert_eq!(table.get(5), None);
        assert_eq!(table.set(5, 'a'), Some(&'a'));
        assert_eq!(table.set(5, 'b'), Some(&'a'));
        assert_eq!(table.get(5), Some(&'a'));
        assert_eq!(table.set(2 * CHUNK as u32, 'c'), Some(&'c'));
        assert_eq!(table.get(2 * CHUNK as u32), Some(&'c'));
        assert_eq!(table.get(CHUNK as u32), None);
        assert_eq!(table.set(2 * CHUNK as u32 + 1, 'd'), None);
        assert_eq!(table.get(u32::MAX), None);
        // A failure sets nothing; a later success does; past the count nothing is made.
        assert_eq!(table.get_or_try_set(7, || Err("no")), Some(Err("no")));
        assert_eq!(table.get(7), None);
        assert_eq!(table.get_or_try_set(7, || Ok::<_, ()>('e')), Some(Ok(&'e')));
        assert_eq!(table.get_or_try_set(7, || Err(())), Some(Ok(&'e')));
        let made = std::cell::Cell::new(false);
        let past = table.get_or_try_set(u32::MAX, || {
            made.set(true);
            Ok::<_, ()>('f')
        });
        assert_eq!((past, made.get()), (None, false));
    }
}
