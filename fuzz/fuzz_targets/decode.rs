//! Opening and reading damaged or arbitrary indexes (`harness::decode_input`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    zh_search_fuzz::harness::decode_input(zh_search_fuzz::decode_fixtures(), data);
});
