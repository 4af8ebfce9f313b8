//! The engine's own time per search over a sharded index, without the network: `cargo run
//! --release --example sharded_cpu -- CORPUS QUERY…` builds CORPUS in the gram layout, splits
//! it, and for each query times every round of a first search (each round ends where the
//! browser's worker would fetch the shards it names; here they are added at once), then the
//! same search with everything it reads at hand (median of `REPS`, default 20).

use std::time::Instant;

use zh_search::format::{split_index, FormatError, ShardSizes, ShardStore};
use zh_search::search::{Engine, SearchOptions};
use zh_search_index::{build_folder, Layout, Options};

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first().map(std::path::PathBuf::from) else {
        eprintln!("usage: sharded_cpu CORPUS QUERY…");
        std::process::exit(2);
    };
    let bytes = build_folder(&dir, &Options::of_folder(&dir, Layout::Grams).unwrap())
        .unwrap()
        .bytes;
    let sharded = split_index(&bytes, ShardSizes::default()).unwrap();
    let store = ShardStore::open(sharded.root.clone()).unwrap();
    let engine = Engine::open_sharded(&store).unwrap();
    let reps: usize = std::env::var("REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let options = SearchOptions {
        limit: 10,
        offset: 0,
    };
    for query in &args[1..] {
        let mut rounds = Vec::new();
        loop {
            let started = Instant::now();
            let answer = engine.search(query, options);
            rounds.push(format!("{:.1}", ms(started)));
            match answer {
                Err(FormatError::NeedShards) => {
                    for id in store.take_missing() {
                        store.add(id, &sharded.shards[id as usize]).unwrap();
                    }
                }
                Err(e) => panic!("{query}: {e}"),
                Ok(_) => break,
            }
        }
        let mut cached: Vec<f64> = (0..reps.max(1))
            .map(|_| {
                let started = Instant::now();
                engine.search(query, options).unwrap();
                ms(started)
            })
            .collect();
        cached.sort_by(f64::total_cmp);
        println!(
            "{query}\trounds (ms) {}\tcached median {:.2} ms",
            rounds.join(" "),
            cached[cached.len() / 2]
        );
    }
}
