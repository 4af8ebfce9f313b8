fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let show = std::env::args().nth(2);
    let corpus = zh_search::builder::read_corpus(std::path::Path::new(&dir)).unwrap();
    for w in &corpus.warnings {
        println!("warning: {w}");
    }
    println!("{}", corpus.summary);
    for d in &corpus.docs {
        if show.as_deref().is_some_and(|s| d.name.contains(s)) {
            println!("== {} [{}]", d.name, d.page_title);
            for s in &d.sections {
                println!("## {:?} > {} #{:?}", s.parents, s.title(), s.anchor);
                for (p, l) in s.passages.iter().zip(&s.link_percent) {
                    println!("  [{l}%] {}", p.chars().take(80).collect::<String>());
                }
            }
        }
    }
}
