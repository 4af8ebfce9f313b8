//! What a sharded index costs a reader: `cargo run --release --example shard_stats -- CORPUS
//! [QUERY…]` builds CORPUS in the gram layout, splits it ([`split_index`]), and for each query
//! (default: a few) searches a fresh store as the browser does — fetching what each round
//! misses — and prints the rounds, the shards fetched and their bytes (raw and gzip -6 through
//! the system's `gzip`), then the same for the next query on the same store.

use std::io::Write;
use std::process::{Command, Stdio};

use zh_search::format::{split_index, FormatError, ShardSizes, ShardStore};
use zh_search::search::{Engine, SearchOptions};
use zh_search_index::{build_folder, Layout, Options};

fn gzip_len(bytes: &[u8]) -> usize {
    let mut child = Command::new("gzip")
        .arg("-6")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("gzip");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    child.wait_with_output().unwrap().stdout.len()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = std::path::PathBuf::from(args.first().expect("usage: shard_stats CORPUS [QUERY…]"));
    let started = std::time::Instant::now();
    let bytes = build_folder(&dir, &Options::of_folder(&dir, Layout::Grams).unwrap())
        .unwrap()
        .bytes;
    let built = started.elapsed();
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let defaults = ShardSizes::default();
    let sizes = ShardSizes {
        inline_max: env("SHARD_INLINE_MAX", defaults.inline_max),
        text_page: env("SHARD_TEXT_PAGE", defaults.text_page),
        table_page: env("SHARD_TABLE_PAGE", defaults.table_page),
        range: env("SHARD_RANGE", defaults.range),
        word_range: env("SHARD_WORD_RANGE", defaults.word_range),
    };
    let started = std::time::Instant::now();
    let sharded = split_index(&bytes, sizes).unwrap();
    eprintln!("split in {:.1} s", started.elapsed().as_secs_f64());
    let total: usize = sharded.shards.iter().map(Vec::len).sum();
    println!(
        "index {} B (built in {:.1} s); root {} B ({} B gzip); {} shards, {} B",
        bytes.len(),
        built.as_secs_f64(),
        sharded.root.len(),
        gzip_len(&sharded.root),
        sharded.shards.len(),
        total
    );
    let queries: Vec<String> = if args.len() > 1 {
        args[1..].to_vec()
    } else {
        [
            "明月",
            "明月光",
            "床前明月光",
            "李白",
            "mingyue",
            "春风 杨柳",
            "不知",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let fresh = ShardStore::open(sharded.root.clone()).unwrap();
    if std::env::var_os("SHARD_STATS_KINDS").is_some() {
        // Every shard by kind: how many, and their bytes raw and gzip.
        let mut all: std::collections::BTreeMap<String, (usize, usize, usize)> = Default::default();
        for (id, file) in sharded.shards.iter().enumerate() {
            let slot = all
                .entry(format!("{:?}", fresh.shard_kind(id as u32).unwrap()))
                .or_default();
            slot.0 += 1;
            slot.1 += file.len();
            slot.2 += gzip_len(file);
        }
        for (kind, (n, raw, gz)) in &all {
            println!("all {kind}: {n} shards, {raw} B, {gz} B gzip");
        }
    }
    let warm_engine = Engine::open_sharded(&fresh).unwrap();
    for query in &queries {
        for (label, store, engine) in [
            ("first", None, None),
            ("next", Some(&fresh), Some(&warm_engine)),
        ] {
            let own;
            let own_engine;
            let (store, engine) = match (store, engine) {
                (Some(s), Some(e)) => (s, e),
                _ => {
                    own = ShardStore::open(sharded.root.clone()).unwrap();
                    own_engine = Engine::open_sharded(&own).unwrap();
                    (&own, &own_engine)
                }
            };
            let (mut rounds, mut files, mut raw, mut gz) = (0, 0, 0, 0);
            let mut by_kind: std::collections::BTreeMap<String, (usize, usize)> =
                Default::default();
            let results = loop {
                match engine.search(
                    query,
                    SearchOptions {
                        limit: 10,
                        offset: 0,
                    },
                ) {
                    Err(FormatError::NeedShards) => {
                        rounds += 1;
                        let missing = store.take_missing();
                        if std::env::var_os("SHARD_STATS_VERBOSE").is_some() {
                            let kinds: Vec<String> = missing
                                .iter()
                                .map(|&id| format!("{:?}", store.shard_kind(id).unwrap()))
                                .collect();
                            eprintln!("  round {rounds}: {}", kinds.join(" "));
                        }
                        for id in missing {
                            let file = &sharded.shards[id as usize];
                            files += 1;
                            raw += file.len();
                            let zipped = gzip_len(file);
                            gz += zipped;
                            let slot = by_kind
                                .entry(format!("{:?}", store.shard_kind(id).unwrap()))
                                .or_default();
                            slot.0 += 1;
                            slot.1 += zipped;
                            store.add(id, file).unwrap();
                        }
                    }
                    other => break other.unwrap(),
                }
            };
            println!(
                "{query}\t{label}\t{} hits\t{rounds} rounds\t{files} shards\t{raw} B\t{gz} B gzip",
                results.total
            );
            if std::env::var_os("SHARD_STATS_KINDS").is_some() {
                for (kind, (n, bytes)) in &by_kind {
                    println!("    {kind}: {n} shards, {bytes} B gzip");
                }
            }
        }
    }
}
