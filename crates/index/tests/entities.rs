//! Every HTML5 named character reference decodes in the text the indexer reads from a page,
//! the rare ones and the legacy ones written without `;` included (a hand-written table would
//! know a few dozen; HTML has over two thousand). Checked through `read_corpus`, the way a
//! site's pages are read.

use std::path::{Path, PathBuf};

use zh_search_index::read_corpus;

/// A folder holding one page whose body is `paragraphs`, each in its own `<p>`.
fn site_with(name: &str, paragraphs: &[String]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("entity-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut html = String::from("<!DOCTYPE html><title>字符引用</title><body>");
    for paragraph in paragraphs {
        html.push_str(&format!("<p>{paragraph}</p>\n"));
    }
    std::fs::write(dir.join("page.html"), html).unwrap();
    dir
}

/// The text of every passage of the corpus in `dir`, one per line.
fn indexed_text(dir: &Path) -> String {
    let corpus = read_corpus(dir).unwrap();
    corpus
        .docs
        .iter()
        .flat_map(|doc| &doc.sections)
        .flat_map(|section| section.passages.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each reference between numbered markers, so that what it decodes to is found exactly; the
/// markers end in `:` so that a legacy reference without `;` is followed by a character that
/// cannot extend its name.
fn marked(i: usize, text: &str) -> String {
    format!("[e{i}:{text}:e{i}]")
}

/// What the indexer keeps of a decoded reference: a reference to whitespace (`&Tab;`,
/// `&nbsp;`, `&ThickSpace;`) collapses to one space, as a browser shows it.
fn as_read(decoded: &str) -> &str {
    if decoded.chars().all(|c| c.is_whitespace() || c == '\u{A0}') {
        " "
    } else {
        decoded
    }
}

fn check(name: &str, table: &[(String, String)]) {
    let paragraphs: Vec<String> = table
        .iter()
        .enumerate()
        .map(|(i, (reference, _))| marked(i, reference))
        .collect();
    let text = indexed_text(&site_with(name, &paragraphs));
    let wrong: Vec<String> = table
        .iter()
        .enumerate()
        .filter(|(i, (_, decoded))| !text.contains(&marked(*i, as_read(decoded))))
        .map(|(_, (reference, decoded))| format!("{reference} (want {decoded:?})"))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} references not decoded: {wrong:?}",
        wrong.len(),
        table.len()
    );
}

#[test]
fn rare_and_legacy_named_references_decode() {
    let table = [
        ("&bernou;", "ℬ"),
        ("&NotNestedGreaterGreater;", "⪢\u{338}"),
        ("&CounterClockwiseContourIntegral;", "∳"),
        ("&DoubleLongLeftRightArrow;", "⟺"),
        ("&CapitalDifferentialD;", "ⅅ"),
        ("&NegativeVeryThinSpace;", "\u{200B}"),
        ("&varsupsetneqq;", "⫌\u{FE00}"),
        ("&fjlig;", "fj"),
        ("&bne;", "=\u{20E5}"),
        ("&acE;", "∾\u{333}"),
        ("&nvlt;", "<\u{20D2}"),
        ("&Aopf;", "𝔸"),
        ("&Zopf;", "ℤ"),
        ("&xodot;", "⨀"),
        ("&ecir;", "≖"),
        ("&lesges;", "⪓"),
        ("&bsolhsub;", "⟈"),
        ("&TripleDot;", "\u{20DB}"),
        ("&zwj;", "\u{200D}"),
        ("&lang;", "⟨"),
        ("&Dagger;", "‡"),
        ("&hellip;", "…"),
        ("&InvisibleComma;", "\u{2063}"),
        ("&NotSquareSupersetEqual;", "⋣"),
        ("&ntriangleright;", "⋫"),
        ("&circlearrowleft;", "↺"),
        ("&blacktriangleleft;", "◂"),
        ("&Ycirc;", "Ŷ"),
        ("&jsercy;", "ј"),
        ("&odsold;", "⦼"),
        ("&imath;", "ı"),
        ("&ThickSpace;", "\u{205F}\u{200A}"),
        ("&NewLine;", "\n"),
        ("&nbsp;", "\u{A0}"),
        // Legacy references, which browsers read without the `;`.
        ("&amp", "&"),
        ("&copy", "©"),
        ("&lt", "<"),
        ("&gt", ">"),
        ("&quot", "\""),
        ("&yen", "¥"),
        ("&frac34", "¾"),
        ("&micro", "µ"),
        ("&THORN", "Þ"),
        ("&uuml", "ü"),
        ("&reg", "®"),
        ("&sup2", "²"),
        ("&AMP", "&"),
    ]
    .map(|(reference, decoded)| (reference.to_string(), decoded.to_string()));
    check("rare", &table);
}

/// The whole table of the HTML standard (`tests/fixtures/html-named-references.tsv`).
#[test]
fn every_named_reference_of_html_decodes() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/html-named-references.tsv");
    let table: Vec<(String, String)> = std::fs::read_to_string(fixture)
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let (reference, code_points) = line.split_once('\t').unwrap();
            let decoded = code_points
                .split(' ')
                .map(|cp| {
                    let cp = u32::from_str_radix(cp.strip_prefix("U+").unwrap(), 16).unwrap();
                    char::from_u32(cp).unwrap()
                })
                .collect();
            (reference.to_string(), decoded)
        })
        .collect();
    assert!(table.len() > 2000, "{} references", table.len());
    check("all", &table);
}
