//! Replays the fuzz targets' kept inputs natively on every `cargo test`: the committed seeds
//! (`fuzz/seeds/<target>/`) and every input that once crashed a target
//! (`fuzz/regressions/<target>/`), through the same checks (`crates/harness`).
//! `make fuzz` runs the coverage-guided fuzzer itself.

mod common;

use zh_search_harness as harness;

use std::path::{Path, PathBuf};

use zh_search::search::Engine;

static TINY_GRAMS: &[u8] = include_bytes!("fixtures/tiny.grams.index");
static TINY_SCAN: &[u8] = include_bytes!("fixtures/tiny.scan.index");

/// Every file of `fuzz/seeds/<target>` and `fuzz/regressions/<target>`.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut out = Vec::new();
    for kind in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(kind).join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    out.sort();
    out
}

fn replay(target: &str, run: impl Fn(&[u8])) -> usize {
    let inputs = inputs(target);
    for (path, data) in &inputs {
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(data))).is_err() {
            panic!("{} fails again", path.display());
        }
    }
    inputs.len()
}

#[test]
fn search_inputs() {
    let seeds = common::engines();
    let tiny = [
        Engine::open(TINY_GRAMS).unwrap(),
        Engine::open(TINY_SCAN).unwrap(),
    ];
    let engines: Vec<&Engine<'_>> = seeds.iter().map(|(_, e)| e).chain(&tiny).collect();
    assert!(replay("search", |data| harness::search_input(&engines, data)) >= 10);
}

#[test]
fn snippet_inputs() {
    let tiny = Engine::open(TINY_GRAMS).unwrap();
    let n = replay("snippet", |data| {
        harness::snippet_input(&tiny.index.fold(), data)
    });
    assert!(n >= 5);
}

#[test]
fn decode_inputs() {
    let fixtures: Vec<harness::DecodeFixture> = [TINY_GRAMS, TINY_SCAN, zh_search::INDEX_BYTES]
        .into_iter()
        .map(|b| harness::DecodeFixture::new(b.to_vec()))
        .collect();
    assert!(replay("decode", |data| harness::decode_input(&fixtures, data)) >= 5);
}

#[test]
fn the_checks_can_fail() {
    // A snippet with markup, an unbalanced or empty mark, or a mark on text that no needle
    // matches is reported.
    let fold = zh_search::format::FoldTable::EMPTY;
    let needles = ["碳计量".to_string()];
    let text = "国家碳计量中心";
    assert!(harness::check_snippet(text, "国家<mark>碳计量</mark>中心", &needles, &fold).is_ok());
    for bad in [
        "国家<mark>碳计量中心",
        "国家<mark>碳计</mark>量中心",
        "国家<mark></mark>碳计量中心",
        "<b>国家</b>碳计量中心",
        "国家碳计量中心<mark>",
        "国家&碳计量中心",
        "国家碳计量中心 extra",
        "<mark>国家<mark>碳计量</mark></mark>中心",
        "<mark>国家</mark>碳计量中心",
    ] {
        assert!(
            harness::check_snippet(text, bad, &needles, &fold).is_err(),
            "{bad} must be rejected"
        );
    }
}
