//! Relevance evaluation on `tests/queries.tsv` (format: `../shared/README.md`): MRR@10 must be at
//! least 0.90, every query of the required kinds (pinyin included) must rank a relevant hit
//! first, and every `question` query must rank one in the top 3.

use zh_search::search::SearchOptions;

const REQUIRED_AT_RANK_1: [&str; 7] = ["word", "phrase", "trad", "ocr", "case", "width", "pinyin"];
/// Natural-language questions: a relevant hit in the top 3.
const REQUIRED_IN_TOP_3: [&str; 1] = ["question"];
const MRR_BAR: f64 = 0.90;

struct Judgment {
    query: String,
    markers: Vec<String>,
    kind: String,
}

fn judgments() -> Vec<Judgment> {
    let tsv = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/queries.tsv"))
        .expect("tests/queries.tsv");
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 3, "bad line in queries.tsv: {line}");
            Judgment {
                query: cols[0].to_string(),
                markers: cols[1].split('|').map(|m| m.to_lowercase()).collect(),
                kind: cols[2].to_string(),
            }
        })
        .collect()
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

#[test]
fn mrr_at_10_meets_the_bar() {
    let engine = zh_search::embedded_engine().unwrap();
    let judgments = judgments();
    assert!(judgments.len() >= 30, "the evaluation set shrank");
    let mut by_kind: std::collections::BTreeMap<String, (f64, usize)> = Default::default();
    let mut total = 0.0;
    let mut failures = Vec::new();
    for j in &judgments {
        let results = engine
            .search(
                &j.query,
                SearchOptions {
                    limit: 10,
                    offset: 0,
                },
            )
            .unwrap();
        let rank = results.hits.iter().position(|hit| {
            let haystack = squash(&format!("{}{}", hit.title, hit.text));
            j.markers.iter().any(|m| haystack.contains(&squash(m)))
        });
        let rr = rank.map_or(0.0, |r| 1.0 / (r + 1) as f64);
        println!(
            "{:<10} {:<40} rank {:<5} total {}",
            j.kind,
            j.query,
            rank.map_or("-".to_string(), |r| (r + 1).to_string()),
            results.total
        );
        total += rr;
        let entry = by_kind.entry(j.kind.clone()).or_default();
        entry.0 += rr;
        entry.1 += 1;
        if REQUIRED_AT_RANK_1.contains(&j.kind.as_str()) && rank != Some(0) {
            failures.push(format!(
                "{} query {:?} ranked {:?}",
                j.kind,
                j.query,
                rank.map(|r| r + 1)
            ));
        }
        if REQUIRED_IN_TOP_3.contains(&j.kind.as_str()) && rank.is_none_or(|r| r >= 3) {
            failures.push(format!(
                "{} query {:?} ranked {:?}",
                j.kind,
                j.query,
                rank.map(|r| r + 1)
            ));
        }
        assert!(
            REQUIRED_AT_RANK_1.contains(&j.kind.as_str())
                || REQUIRED_IN_TOP_3.contains(&j.kind.as_str())
                || j.kind == "multi",
            "unknown kind {}",
            j.kind
        );
    }
    let mrr = total / judgments.len() as f64;
    println!("\nkind        queries  MRR@10");
    for (kind, (sum, n)) in &by_kind {
        println!("{kind:<10} {n:>8}  {:.3}", sum / *n as f64);
    }
    println!("all        {:>8}  {mrr:.3}", judgments.len());
    assert!(
        failures.is_empty(),
        "required kinds not at rank 1: {failures:#?}"
    );
    assert!(mrr >= MRR_BAR, "MRR@10 {mrr:.3} < {MRR_BAR}");
}
