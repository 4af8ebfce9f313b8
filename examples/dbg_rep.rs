use std::collections::HashMap;
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let mut counts: HashMap<String, (usize, bool)> = HashMap::new();
    let mut files = vec![];
    for sub in std::fs::read_dir(&dir).unwrap() {
        for f in std::fs::read_dir(sub.unwrap().path()).unwrap() {
            files.push(f.unwrap().path());
        }
    }
    for f in files {
        let page = zh_search::html::read_page(&std::fs::read_to_string(&f).unwrap());
        let set: std::collections::HashMap<String, bool> = page
            .blocks
            .iter()
            .filter_map(|b| match b {
                zh_search::html::Block::Paragraph { text, link_chars } => Some((
                    text.split_whitespace().collect::<Vec<_>>().join(" "),
                    *link_chars * 2 >= zh_search::passage::visible_chars(text),
                )),
                _ => None,
            })
            .collect();
        for (k, l) in set {
            let e = counts.entry(k).or_default();
            e.0 += 1;
            e.1 = l;
        }
    }
    let mut v: Vec<_> = counts
        .into_iter()
        .filter(|(k, (c, l))| *c >= 3 && (*l || zh_search::passage::visible_chars(k) >= 16))
        .collect();
    v.sort_by_key(|(k, c)| (std::cmp::Reverse(c.0), k.clone()));
    println!("{} distinct repeated", v.len());
    for (k, c) in v.iter().take(60) {
        println!("{:?}\t{}", c, k.chars().take(60).collect::<String>());
    }
}
