//! Known-item evaluation of a site, natively: builds an index over a folder of HTML pages as
//! `build.rs` would, then asks every page title and every section heading of those pages as a
//! query, and reports how often the page (or section) a reader named comes first (S@1) and in
//! the top 10 (S@10). Optionally also scores judged queries (MRR@10).
//!
//! ```text
//! cargo run --release --example site_eval -- <site dir> [--queries FILE.tsv] [--misses N] [--show QUERY]…
//! ```
//!
//! The known items are read from the HTML source with a deliberately plain reader (`<title>`
//! and `<h1>`…`<h6>`, tags stripped, whitespace collapsed), independent of the indexer, so the
//! evaluation does not grade the indexer by its own reading. The query is the heading text
//! without its leading numbering (`2.1.3. 软件包配置` → `软件包配置`, `第 2 章 …`, `A.1. …`). A hit is
//! right when it is on that page (page titles) or at that page and heading anchor (headings),
//! or when its section title, numbering stripped, is the same text (another section with the
//! same heading is as good an answer).
//!
//! Judged queries use the format of `tests/queries.tsv` (`query \t markers \t kind`; a hit is
//! relevant when its title + text, whitespace removed and lower-cased, contains a marker).

use std::path::{Path, PathBuf};

use zh_search::search::{Engine, Hit, SearchOptions};
use zh_search_index::{build_folder, Options};

/// The first page of ten results, as a reader sees it.
const TOP_10: SearchOptions = SearchOptions {
    limit: 10,
    offset: 0,
};

/// One known item: the query, and where the reader expects to land.
struct Item {
    query: String,
    /// The page's URL as the index writes it (percent-encoded path relative to the site).
    url: String,
    /// The heading's anchor; `None` for page titles (any section of the page is right).
    anchor: Option<String>,
    kind: &'static str,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: site_eval <site dir> [--queries FILE.tsv] [--misses N]");
        std::process::exit(2);
    };
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let misses: usize = flag("--misses").and_then(|n| n.parse().ok()).unwrap_or(20);

    let bytes = Options::load(&dir, Path::new("."), &|var| std::env::var(var).ok())
        .and_then(|options| build_folder(&dir, &options))
        .unwrap_or_else(|error| {
            eprintln!("error: {error}");
            std::process::exit(1)
        })
        .bytes;
    let engine = Engine::open(&bytes).expect("the builder writes valid indexes");

    // `--show QUERY` (repeatable): the top 10 for a query, to see why it ranks as it does.
    for (i, arg) in args.iter().enumerate() {
        if arg != "--show" {
            continue;
        }
        let query = args.get(i + 1).map_or("", String::as_str);
        let results = engine.search(query, TOP_10).expect("search");
        println!(
            "{query:?}: {} matches{}",
            results.total,
            if results.partial { " (partial)" } else { "" }
        );
        for (rank, h) in results.hits.iter().enumerate() {
            println!(
                "  {:>2}. {:>7.3} {}#{} 【{} › {}】 {:.50}",
                rank + 1,
                h.score,
                h.url.as_deref().unwrap_or(&h.source),
                h.anchor.as_deref().unwrap_or(""),
                h.page_title,
                h.headings.join(" › "),
                h.text.replace('\n', " ")
            );
        }
    }

    let items = known_items(&dir);
    let mut at1 = 0;
    let mut at10 = 0;
    let mut by_kind: std::collections::BTreeMap<&str, (usize, usize, usize)> = Default::default();
    let mut missed = Vec::new();
    for item in &items {
        let results = engine.search(&item.query, TOP_10).expect("search");
        let rank = results.hits.iter().position(|hit| is_right(hit, item));
        let entry = by_kind.entry(item.kind).or_default();
        entry.0 += 1;
        if rank == Some(0) {
            at1 += 1;
            entry.1 += 1;
        }
        if rank.is_some() {
            at10 += 1;
            entry.2 += 1;
        }
        if rank != Some(0) {
            let first = results.hits.first().map(|h| {
                format!(
                    "{}#{} 【{}】 {:.40}",
                    h.url.as_deref().unwrap_or(&h.source),
                    h.anchor.as_deref().unwrap_or(""),
                    h.title,
                    h.text.replace('\n', " ")
                )
            });
            missed.push(format!(
                "{:<7} {:?} → {}#{}: rank {} of {}; first: {}",
                item.kind,
                item.query,
                item.url,
                item.anchor.as_deref().unwrap_or(""),
                rank.map_or("-".into(), |r| (r + 1).to_string()),
                results.total,
                first.unwrap_or_default()
            ));
        }
    }
    for line in missed.iter().take(misses) {
        println!("miss {line}");
    }
    let pct = |n: usize, d: usize| 100.0 * n as f64 / d.max(1) as f64;
    for (kind, (n, a1, a10)) in &by_kind {
        println!(
            "{kind:<7} {n:>4} items  S@1 {:>5.1}%  S@10 {:>5.1}%",
            pct(*a1, *n),
            pct(*a10, *n)
        );
    }
    println!(
        "known items: {}  S@1 {:.1}%  S@10 {:.1}%",
        items.len(),
        pct(at1, items.len()),
        pct(at10, items.len())
    );

    if let Some(file) = flag("--queries") {
        judged(&engine, Path::new(&file));
    }
}

/// Whether `hit` is where the reader of `item` wanted to go.
fn is_right(hit: &Hit, item: &Item) -> bool {
    let same_place = hit.url.as_deref() == Some(item.url.as_str())
        && match &item.anchor {
            None => true,
            Some(anchor) => hit.anchor.as_deref() == Some(anchor.as_str()),
        };
    same_place || squash(strip_numbering(&hit.title)) == squash(&item.query)
}

/// Every page title and heading of the `.html`/`.htm` files under `dir`.
fn known_items(dir: &Path) -> Vec<Item> {
    let mut files = Vec::new();
    collect(dir, &mut files);
    files.sort();
    let mut items = Vec::new();
    for file in files {
        let Ok(html) = std::fs::read_to_string(&file) else {
            continue;
        };
        let url = zh_search_index::url_path(&zh_search_index::corpus_name(dir, &file));
        let lower = html.to_ascii_lowercase();
        if let Some(title) = element_text(&html, &lower, "title", 0).map(|(t, _, _)| t) {
            let query = strip_numbering(&title).to_string();
            if !query.is_empty() {
                items.push(Item {
                    query,
                    url: url.clone(),
                    anchor: None,
                    kind: "page",
                });
            }
        }
        for level in 1..=6 {
            let tag = format!("h{level}");
            let mut from = 0;
            while let Some((text, open, end)) = element_text(&html, &lower, &tag, from) {
                from = end;
                let query = strip_numbering(&text).to_string();
                if query.is_empty() {
                    continue;
                }
                items.push(Item {
                    query,
                    url: url.clone(),
                    anchor: first_id(&html[open..end]),
                    kind: "heading",
                });
            }
        }
    }
    items
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
        {
            out.push(path);
        }
    }
}

/// The text of the first `<tag …>…</tag>` at or after `from`: (text, start of the element,
/// end of the element). `lower` is `html` in ASCII lower case (same byte offsets).
fn element_text(html: &str, lower: &str, tag: &str, from: usize) -> Option<(String, usize, usize)> {
    let open_pat = format!("<{tag}");
    let close_pat = format!("</{tag}>");
    let mut at = from;
    loop {
        let open = at + lower[at..].find(&open_pat)?;
        let after = open + open_pat.len();
        // `<h1` must not be a prefix of a longer name (`<header`, `<h10`).
        if lower[after..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            at = after;
            continue;
        }
        let content = after + lower[after..].find('>')? + 1;
        let close = content + lower[content..].find(&close_pat)?;
        let text = collapse(&decode(&strip_tags(&html[content..close])));
        return Some((text, open, close + close_pat.len()));
    }
}

/// The first `id="…"` (or `name="…"` of an `<a>`) inside an element's markup.
fn first_id(markup: &str) -> Option<String> {
    for attr in [" id=\"", " name=\""] {
        if let Some(at) = markup.find(attr) {
            let rest = &markup[at + attr.len()..];
            return rest.find('"').map(|end| rest[..end].to_string());
        }
    }
    None
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn decode(text: &str) -> String {
    // `&amp;` last, so that `&amp;lt;` stays `&lt;`.
    let mut text = text.to_string();
    for (entity, c) in [
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
    ]
    .into_iter()
    .chain([("&nbsp;", " "), ("&amp;", "&")])
    {
        text = text.replace(entity, c);
    }
    text
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A heading without its leading numbering: `2.1.3. `, `第 2 章 `, `A.1. `, `附录 A. `, `一、`,
/// `（一）`, `1)`.
fn strip_numbering(heading: &str) -> &str {
    let mut rest = heading.trim();
    for prefix in ["附录", "Appendix", "Chapter", "Section"] {
        if let Some(after) = rest.strip_prefix(prefix) {
            if after.starts_with(' ') {
                rest = after.trim_start();
            }
        }
    }
    if let Some(after) = rest.strip_prefix('第') {
        if let Some(end) = after.find(['章', '节', '部', '篇', '条']) {
            let number = after[..end].trim();
            if !number.is_empty() && number.chars().all(is_numeral) {
                let unit = after[end..].chars().next().map_or(0, char::len_utf8);
                let tail = after[end + unit..].trim_start_matches('分');
                return tail.trim_start();
            }
        }
    }
    let bytes: Vec<char> = rest.chars().collect();
    // `（一）`, `(1)`.
    if matches!(bytes.first(), Some('（' | '(')) {
        if let Some(close) = bytes.iter().position(|&c| c == '）' || c == ')') {
            if close > 1 && bytes[1..close].iter().all(|&c| is_numeral(c)) {
                let skip: usize = bytes[..=close].iter().map(|c| c.len_utf8()).sum();
                return rest[skip..].trim_start();
            }
        }
    }
    // `2.1.3.`, `A.1.`, `1)`, `一、`: numerals or one capital letter, dots between.
    let mut end = 0;
    let mut seen_numeral = false;
    for (i, c) in rest.char_indices() {
        if is_numeral(c) || (i == 0 && c.is_ascii_uppercase()) {
            seen_numeral = true;
            end = i + c.len_utf8();
        } else if seen_numeral && matches!(c, '.' | '、' | ')' | '．') {
            end = i + c.len_utf8();
        } else {
            break;
        }
    }
    let tail = &rest[end..];
    let separated = tail.is_empty()
        || tail.starts_with(' ')
        || (rest[..end].ends_with(['.', '、', ')', '．'])
            && !rest[..end].chars().all(|c| c.is_ascii_uppercase()));
    if seen_numeral && separated && rest[..end].chars().any(|c| !c.is_ascii_uppercase()) {
        return tail.trim_start();
    }
    rest
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "一二三四五六七八九十百零〇".contains(c)
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// MRR@10 of judged queries (`tests/queries.tsv` format).
fn judged(engine: &Engine<'_>, file: &Path) {
    let tsv = std::fs::read_to_string(file).unwrap_or_else(|e| {
        eprintln!("error: {}: {e}", file.display());
        std::process::exit(1)
    });
    let mut total = 0.0;
    let mut n = 0;
    for line in tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 2 {
            continue;
        }
        let markers: Vec<String> = cols[1].split('|').map(squash).collect();
        let results = engine.search(cols[0], TOP_10).expect("search");
        let rank = results.hits.iter().position(|hit| {
            let haystack = squash(&format!("{}{}", hit.title, hit.text));
            markers.iter().any(|m| haystack.contains(m.as_str()))
        });
        let rr = rank.map_or(0.0, |r| 1.0 / (r + 1) as f64);
        println!(
            "{:<10} {:<30} rank {:<3} total {}",
            cols.get(2).unwrap_or(&""),
            cols[0],
            rank.map_or("-".to_string(), |r| (r + 1).to_string()),
            results.total
        );
        total += rr;
        n += 1;
    }
    println!("judged queries: {n}  MRR@10 {:.3}", total / n.max(1) as f64);
}

#[cfg(test)]
mod tests {
    use super::strip_numbering;

    #[test]
    fn numbering_is_stripped() {
        for (heading, query) in [
            ("2.1.3. 软件包配置", "软件包配置"),
            ("第 2 章 Debian 软件包管理", "Debian 软件包管理"),
            ("第二章 概述", "概述"),
            ("A.1. 高级打包", "高级打包"),
            ("附录 A. 高级打包", "高级打包"),
            ("一、总则", "总则"),
            ("（一）范围", "范围"),
            ("1) 安装", "安装"),
            ("apt-get", "apt-get"),
            ("ASCII 表", "ASCII 表"),
            ("2023年计划", "2023年计划"),
            ("注意", "注意"),
        ] {
            assert_eq!(strip_numbering(heading), query, "{heading}");
        }
    }
}
