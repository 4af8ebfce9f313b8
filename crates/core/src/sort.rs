//! Compact sorts for the query side: an in-place heapsort, its partial form for the top k, and
//! a radix sort for large inputs with integer keys.
//!
//! `slice::sort*` in current std compiles to several kilobytes of wasm per element type
//! (driftsort/ipnsort with their small-sort networks); the query side sorts a handful of types,
//! which cost ~27 KB of the module. Heapsort is O(n log n) in the worst case, allocation-free
//! and a few hundred bytes per type. It is not stable: comparators break ties explicitly.
//! [`sort_top_by`] orders only the first k (the hits a page shows); [`radix_sort_by_key`]
//! (stable, one scratch copy) sorts the 130k-word vocabulary of a large corpus in linear passes.

use std::cmp::Ordering;

/// Sorts `v` by `compare`.
pub fn sort_by<T, F: FnMut(&T, &T) -> Ordering>(v: &mut [T], mut compare: F) {
    let len = v.len();
    for start in (0..len / 2).rev() {
        sift_down(v, start, len, &mut compare);
    }
    for end in (1..len).rev() {
        v.swap(0, end);
        sift_down(v, 0, end, &mut compare);
    }
}

/// Moves the `k` first elements under `compare` to the front of `v`, in order; the rest follow
/// in no particular order. A heap over the whole slice and `k` pops: O(n + k log n), where a
/// search that shows 10 of 5,000 hits would otherwise sort all 5,000. With a total order
/// (comparators here break ties explicitly) `v[..k]` is exactly what [`sort_by`] puts there.
pub fn sort_top_by<T, F: FnMut(&T, &T) -> Ordering>(v: &mut [T], k: usize, mut compare: F) {
    let len = v.len();
    let k = k.min(len);
    // A heap whose root is the first element under `compare`: pops collect at the back, first
    // at the very end, and one reversal brings them to the front in order.
    let mut reversed = |a: &T, b: &T| compare(b, a);
    for start in (0..len / 2).rev() {
        sift_down(v, start, len, &mut reversed);
    }
    for end in (len - k..len).rev() {
        v.swap(0, end);
        sift_down(v, 0, end, &mut reversed);
    }
    v.reverse();
}

/// Sorts `v` by the key `key` extracts.
pub fn sort_by_key<T, K: Ord, F: FnMut(&T) -> K>(v: &mut [T], mut key: F) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` by the `u64` that `key` gives each element, stably: a least-significant-digit
/// radix sort, 8 bits a pass, skipping a pass whose digit is the same for every element. For
/// large inputs (the Tang poems' 130k vocabulary words, sorted at the first search) this is
/// ~8 linear passes where [`sort_by`] makes ~17 cache-missing comparisons per element.
///
/// Each pass is a call of its own ([`radix_pass`]): a browser runs new wasm code unoptimised
/// and swaps in optimised code only between calls (see the engine's
/// `search::layout::scan_keys::ScanKeys::build`).
pub fn radix_sort_by_key<T: Copy, K: Fn(&T) -> u64>(v: &mut Vec<T>, key: K) {
    let mut scratch = v.clone();
    for shift in (0..u64::BITS).step_by(8) {
        if radix_pass(v, &mut scratch, |x| (key(x) >> shift) as usize & 0xff) {
            std::mem::swap(v, &mut scratch);
        }
    }
}

/// One pass of [`radix_sort_by_key`]: places `v` in `out` (of the same length) stably by the
/// byte `digit` gives each element. False (and `out` untouched) when every element has the
/// same digit.
#[inline(never)]
fn radix_pass<T: Copy>(v: &[T], out: &mut [T], digit: impl Fn(&T) -> usize) -> bool {
    let mut next = [0usize; 256];
    for x in v {
        next[digit(x)] += 1;
    }
    if next.contains(&v.len()) {
        return false;
    }
    let mut sum = 0;
    for slot in next.iter_mut() {
        (*slot, sum) = (sum, sum + *slot);
    }
    for x in v {
        let slot = &mut next[digit(x)];
        if let Some(place) = out.get_mut(*slot) {
            *place = *x;
        }
        *slot += 1;
    }
    true
}

fn sift_down<T, F: FnMut(&T, &T) -> Ordering>(
    v: &mut [T],
    mut root: usize,
    end: usize,
    compare: &mut F,
) {
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && compare(&v[child], &v[child + 1]) == Ordering::Less {
            child += 1;
        }
        if compare(&v[root], &v[child]) != Ordering::Less {
            return;
        }
        v.swap(root, child);
        root = child;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_like_std(mut v in proptest::collection::vec(any::<i32>(), 0..200)) {
            let mut expected = v.clone();
            expected.sort();
            sort_by(&mut v, |a, b| a.cmp(b));
            prop_assert_eq!(v, expected);
        }
    }

    proptest! {
        /// Small keys (many ties, so stability shows) and full-width ones.
        #[test]
        fn radix_sorts_like_a_stable_std_sort(
            mut v in proptest::collection::vec((0u64..4, any::<u16>()), 0..300),
            mut w in proptest::collection::vec(any::<u64>(), 0..300),
        ) {
            let mut expected = v.clone();
            expected.sort_by_key(|p| p.0);
            radix_sort_by_key(&mut v, |p| p.0);
            prop_assert_eq!(v, expected);
            let mut expected = w.clone();
            expected.sort();
            radix_sort_by_key(&mut w, |&x| x);
            prop_assert_eq!(w, expected);
        }
    }

    proptest! {
        #[test]
        fn top_k_is_the_front_of_a_full_sort(
            mut v in proptest::collection::vec((0u8..20, any::<u16>()), 0..200),
            k in 0usize..220,
        ) {
            let mut expected = v.clone();
            expected.sort();
            sort_top_by(&mut v, k, |a, b| a.cmp(b));
            let k = k.min(v.len());
            prop_assert_eq!(&v[..k], &expected[..k]);
            v.sort();
            prop_assert_eq!(v, expected, "the same elements");
        }
    }

    #[test]
    fn by_key() {
        let mut v = vec![(3, 'c'), (1, 'a'), (2, 'b')];
        sort_by_key(&mut v, |p| p.0);
        assert_eq!(v, vec![(1, 'a'), (2, 'b'), (3, 'c')]);
    }
}
