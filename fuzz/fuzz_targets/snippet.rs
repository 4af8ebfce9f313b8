//! Normalisation, match-to-original mapping and snippet building (`harness::snippet_input`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    zh_search_fuzz::harness::snippet_input(&zh_search_fuzz::tiny_fold(), data);
});
