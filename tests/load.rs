//! Load, on optimised code (`make load`; `make test` runs it with fewer synthetic queries):
//!
//! * 100,000 mixed queries (words, phrases, several terms, traditional and full-width forms,
//!   junk, query syntax, controls, emoji, 100,000-char queries; odd limits and offsets; every
//!   10th a suggestion) against the seed index in both layouts (`LOAD_QUERIES`);
//! * a synthetic 50 MB corpus (`LOAD_CORPUS_MB`) of OCR-wrapped and Markdown files is built
//!   into an index, opened, and asked the same mix (`LOAD_SYNTHETIC_QUERIES`, default 1,000:
//!   single-character and junk queries take up to seconds each on an index this size).
//!
//! Not one error is allowed; every 100th result is checked in full (`crates/harness`).
//! Timings and the slowest queries are printed and appended to `target/load.txt`. Ignored by a
//! plain `cargo test`: at opt-level 0 the 50 MB build alone takes many minutes.

mod common;

use zh_search_harness as harness;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::Rng;
use zh_search::search::{Engine, SearchOptions};
use zh_search_index::{read_corpus, Layout};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The characters of the seeds, for realistic words.
fn seed_text() -> Vec<char> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A mixed query: mostly what readers type, some of it hostile.
fn query(rng: &mut Rng, text: &[char]) -> String {
    let piece = |rng: &mut Rng, len: usize| -> String {
        let start = rng.below(text.len() - len);
        text[start..start + len].iter().collect()
    };
    match rng.below(100) {
        0..=39 => {
            let len = 1 + rng.below(6);
            piece(rng, len)
        }
        40..=54 => {
            let (a, b) = (1 + rng.below(4), 1 + rng.below(4));
            format!("{} {}", piece(rng, a), piece(rng, b))
        }
        55..=62 => {
            let len = 2 + rng.below(10);
            format!("\"{}\"", piece(rng, len))
        }
        63..=67 => [
            "國家碳計量中心",
            "聊城市質檢所",
            "ＮＱＩ",
            "NQI",
            "nq",
            "2229.6万元",
            "1 2月1 4日",
        ][rng.below(7)]
        .to_string(),
        68..=72 => {
            let len = 8 + rng.below(30);
            piece(rng, len)
        }
        73..=89 => {
            const JUNK: &[char] = &[
                '"', '“', '」', '*', '?', '(', ')', '-', '+', '\\', '\u{0}', '\u{7}', '\u{200B}',
                '\u{301}', '\u{3000}', ' ', '\n', '😀', '𠀀', '<', '>', '&', '\u{FFFD}', 'a', 'Z',
                '9', '.', '碳', '计', '量', '的',
            ];
            (0..rng.below(40))
                .map(|_| JUNK[rng.below(JUNK.len())])
                .collect()
        }
        90..=97 => [
            "",
            " ",
            "\u{3000}",
            "\"",
            "“",
            "* ? ( ) - + \\",
            "的",
            "qqqzzz",
        ][rng.below(8)]
        .to_string(),
        _ => {
            let len = 1 + rng.below(8);
            piece(rng, len).repeat(100_000 / len + 1)
        }
    }
}

struct Timing {
    label: String,
    queries: usize,
    total: Duration,
    latencies: Vec<Duration>,
    hits: usize,
    checked: usize,
    /// The slowest queries: (time, query, what was asked).
    slowest: Vec<(Duration, String, String)>,
}

impl Timing {
    fn line(&mut self) -> String {
        self.latencies.sort();
        let at = |q: f64| self.latencies[((self.latencies.len() - 1) as f64 * q) as usize];
        format!(
            "{}: {} queries in {:.2} s ({:.1} µs mean; p50 {:?}, p99 {:?}, max {:?}); {} hits returned, {} results checked in full",
            self.label,
            self.queries,
            self.total.as_secs_f64(),
            self.total.as_secs_f64() * 1e6 / self.queries as f64,
            at(0.5),
            at(0.99),
            at(1.0),
            self.hits,
            self.checked,
        )
    }

    fn slowest_lines(&self) -> Vec<String> {
        self.slowest
            .iter()
            .map(|(took, q, what)| {
                let shown: String = q.chars().take(40).collect();
                let more = q.chars().count().saturating_sub(40);
                let more = if more > 0 {
                    format!(" (+{more} chars)")
                } else {
                    String::new()
                };
                format!("  slow: {took:?} for {shown:?}{more}, {what}")
            })
            .collect()
    }
}

fn run_queries(label: &str, engine: &Engine<'_>, n: usize, seed: u64) -> Timing {
    let text = seed_text();
    let mut rng = Rng::new(seed);
    let mut timing = Timing {
        label: label.to_string(),
        queries: n,
        total: Duration::ZERO,
        latencies: Vec::with_capacity(n),
        hits: 0,
        checked: 0,
        slowest: Vec::new(),
    };
    for i in 0..n {
        let q = query(&mut rng, &text);
        let options = SearchOptions {
            limit: [10, 10, 10, 0, 1, 100, 37][rng.below(7)],
            offset: [0, 0, 0, 0, 5, 50, 1_000_000][rng.below(7)],
        };
        let started = Instant::now();
        if i % 10 == 9 {
            let limit = rng.below(60);
            let words = engine
                .suggest(&q, limit)
                .unwrap_or_else(|e| panic!("{label}: suggest {q:?}: {e}"));
            assert!(words.len() <= limit);
        } else {
            let results = engine
                .search(&q, options)
                .unwrap_or_else(|e| panic!("{label}: search {q:?}: {e}"));
            timing.hits += results.hits.len();
            assert!(results.hits.len() <= options.limit);
            if i % 100 == 0 {
                if let Err(e) = harness::check_results(engine, &q, options, &results) {
                    panic!("{label}: {e}");
                }
                timing.checked += 1;
            }
        }
        let took = started.elapsed();
        timing.total += took;
        timing.latencies.push(took);
        if timing.slowest.len() < 5 || took > timing.slowest[4].0 {
            let what = if i % 10 == 9 {
                "suggest".to_string()
            } else {
                format!("limit {} offset {}", options.limit, options.offset)
            };
            timing.slowest.push((took, q.clone(), what));
            timing.slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
            timing.slowest.truncate(5);
        }
    }
    timing
}

/// Writes a synthetic corpus of about `mb` megabytes: `.txt` files wrapped like OCR'd pages
/// (14 chars per line, headlines, bylines, digit gaps) and `.md` files with headings, built from
/// seed words and random common characters.
fn synthetic_corpus(dir: &Path, mb: usize) -> usize {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let text = seed_text();
    let cjk: Vec<char> = text
        .iter()
        .copied()
        .filter(|&c| zh_search::normalize::is_han(c))
        .collect();
    let mut rng = Rng::new(0x0010_AD50);
    let target = mb * 1024 * 1024;
    let mut written = 0;
    let mut file = 0;
    while written < target {
        let markdown = file % 3 == 2;
        let mut doc = String::with_capacity(1 << 20);
        while doc.len() < 1 << 20 {
            if rng.below(8) == 0 {
                let start = rng.below(text.len() - 12);
                let title: String = text[start..start + 4 + rng.below(8)]
                    .iter()
                    .filter(|c| zh_search::normalize::is_han(**c))
                    .collect();
                if markdown {
                    let _ = write!(doc, "## {title}\n\n");
                } else {
                    let _ = write!(doc, "{title}\n\n");
                }
            }
            let mut paragraph = String::new();
            for _ in 0..2 + rng.below(8) {
                for _ in 0..4 + rng.below(16) {
                    match rng.below(20) {
                        0..=11 => {
                            let start = rng.below(text.len() - 4);
                            paragraph.extend(&text[start..start + 1 + rng.below(3)]);
                        }
                        12..=16 => {
                            // A rarer character: a larger vocabulary of grams.
                            let c = char::from_u32(0x4E00 + rng.below(0x51A5) as u32).unwrap();
                            paragraph.push(if rng.below(3) == 0 {
                                c
                            } else {
                                cjk[rng.below(cjk.len())]
                            });
                        }
                        17 => {
                            let _ =
                                write!(paragraph, "{} . {}万元", rng.below(10_000), rng.below(10));
                        }
                        18 => paragraph.push_str(["NQI", "GDP", "App", "5G"][rng.below(4)]),
                        _ => paragraph.push('，'),
                    }
                }
                paragraph.push(['。', '！', '？', '；'][rng.below(4)]);
            }
            if markdown {
                doc.push_str(&paragraph);
            } else {
                let chars: Vec<char> = paragraph.chars().collect();
                for line in chars.chunks(14) {
                    doc.extend(line);
                    doc.push('\n');
                }
                if rng.below(6) == 0 {
                    doc.push_str("\n(通讯员 张三)\n");
                }
            }
            doc.push_str("\n\n");
        }
        let name = format!(
            "{:03} 合成{}.{}",
            file,
            if markdown { "笔记" } else { "版面" },
            if markdown { "md" } else { "txt" }
        );
        std::fs::write(dir.join(name), &doc).unwrap();
        written += doc.len();
        file += 1;
    }
    written
}

fn peak_rss_mb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_string())
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or("?".into(), |kb| format!("{:.0} MB", kb / 1024.0))
}

fn report(lines: &[String]) {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/load.txt");
    let mut text = std::fs::read_to_string(&out).unwrap_or_default();
    for line in lines {
        println!("{line}");
        text.push_str(line);
        text.push('\n');
    }
    std::fs::write(out, text).unwrap();
}

#[test]
#[ignore = "release build only: make load"]
fn queries_on_the_seed_index_in_both_layouts() {
    let n = env_usize("LOAD_QUERIES", 100_000);
    let mut lines = Vec::new();
    for (layout, engine) in common::engines() {
        let mut timing = run_queries(&format!("seeds ({layout})"), &engine, n, 0x5EED);
        lines.push(timing.line());
        lines.extend(timing.slowest_lines());
    }
    report(&lines);
}

#[test]
#[ignore = "release build only: make load"]
fn a_synthetic_50_mb_corpus_builds_and_answers() {
    let mb = env_usize("LOAD_CORPUS_MB", 50);
    let n = env_usize("LOAD_SYNTHETIC_QUERIES", 1_000);
    let dir: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR")).join("load-corpus");
    let started = Instant::now();
    let bytes = synthetic_corpus(&dir, mb);
    let generated = started.elapsed();
    let started = Instant::now();
    let corpus = read_corpus(&dir).unwrap();
    let cut = started.elapsed();
    let cached = dir.with_extension("index");
    let index = match std::fs::read(&cached) {
        // LOAD_REUSE_INDEX=1: skip the build when iterating on the query side.
        Ok(index) if std::env::var_os("LOAD_REUSE_INDEX").is_some() => index,
        _ => common::docs_index(&corpus.docs, Layout::Auto),
    };
    let built = started.elapsed();
    std::fs::write(&cached, &index).unwrap();
    let started = Instant::now();
    let engine = Engine::open(&index).unwrap();
    let opened = started.elapsed();
    let stats = engine.stats();
    assert!(
        !engine.index.is_scan(),
        "a corpus this size uses the gram layout"
    );
    let mut lines = vec![format!(
        "synthetic corpus: {:.1} MB in {} files written in {:.1} s; read+cut {:.1} s, index built in {:.1} s total: {:.1} MB, {} passages, {} terms; Engine::open (checksums) {:?}; peak RSS {}",
        bytes as f64 / (1024.0 * 1024.0),
        corpus.docs.len(),
        generated.as_secs_f64(),
        cut.as_secs_f64(),
        built.as_secs_f64(),
        index.len() as f64 / (1024.0 * 1024.0),
        stats.passages,
        stats.terms,
        opened,
        peak_rss_mb(),
    )];
    let mut timing = run_queries(&format!("synthetic {mb} MB (grams)"), &engine, n, 0xB16);
    lines.push(timing.line());
    lines.extend(timing.slowest_lines());
    report(&lines);
}
