//! Searches the embedded index from the command line: `cargo run --example search -- 碳计量`.
//! With `--passages`, lists every passage of the index with its title (and heading anchor, for
//! HTML pages) and source; with
//! `--passages --json`, one JSON object per line: `{"passage","source","title","text"}`;
//! `--repeat N <query>` searches N times first (for profiling).

fn main() {
    let engine = match zh_search::embedded_engine() {
        Ok(engine) => engine,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--passages") {
        let json = args.get(1).map(String::as_str) == Some("--json");
        let index = &engine.index;
        for p in 0..index.passage_count() {
            let title = index
                .title_of(p)
                .and_then(|t| index.title_text(t))
                .unwrap_or("?");
            let source = index
                .source_of(p)
                .and_then(|s| index.source_name(s))
                .unwrap_or("?");
            let text = index.passage_text(p).unwrap_or("?");
            if json {
                let (source, title, text) =
                    (json_string(source), json_string(title), json_string(text));
                println!(
                    "{{\"passage\":{p},\"source\":{source},\"title\":{title},\"text\":{text}}}"
                );
            } else {
                let anchor = index
                    .title_of(p)
                    .and_then(|t| index.title_anchor(t))
                    .unwrap_or("");
                let anchor = if anchor.is_empty() {
                    String::new()
                } else {
                    format!(" #{anchor}")
                };
                println!(
                    "#{p} [{source}] 【{title}】{anchor} ({} chars)\n{text}\n",
                    text.chars().count()
                );
            }
        }
        return;
    }
    // `--repeat N` runs the search N times first (for profilers such as callgrind).
    let (repeat, args) = match args.first().map(String::as_str) {
        Some("--repeat") => (
            args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1),
            args[2.min(args.len())..].to_vec(),
        ),
        _ => (0usize, args),
    };
    let query = args.join(" ");
    for _ in 0..repeat {
        let _ = engine.search(&query, zh_search::search::SearchOptions::default());
    }
    match engine.search(&query, zh_search::search::SearchOptions::default()) {
        Ok(results) => {
            println!("total {} partial {}", results.total, results.partial);
            for hit in results.hits {
                println!(
                    "{:>7.3} #{} [{}] 【{}】\n        {}",
                    hit.score, hit.passage, hit.source, hit.title, hit.snippet
                );
            }
        }
        Err(error) => eprintln!("error: {error}"),
    }
}

/// A JSON string literal (the library's writer of search results).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    zh_search::json::push_string(&mut out, s);
    out
}
