//! Searches the embedded index from the command line: `cargo run --example search -- 碳计量`.
//! With `--passages`, lists every passage of the index with its title and source.

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
            println!(
                "#{p} [{source}] 【{title}】 ({} chars)\n{text}\n",
                text.chars().count()
            );
        }
        return;
    }
    let query = args.join(" ");
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
