//! Query parsing, search and snippets on the seed and fixture indexes (`harness::search_input`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let engines: Vec<_> = zh_search_fuzz::engines().iter().collect();
    zh_search_fuzz::harness::search_input(&engines, data);
});
