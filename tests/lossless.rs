//! Not one character lost, altered or duplicated: the passages and titles read back from an
//! index are compared with the corpus files it was built from, on the shipped seed index, on
//! the fixture corpora and on random documents.
//!
//! The oracle is independent of the passage cutter: a file's *visible text* is its characters
//! without whitespace (so line joins, BOM, CR/LF and OCR digit gaps do not count) and without
//! Markdown heading markers. Every heading and every paragraph of every passage read from the
//! index must claim an unclaimed stretch of that text (in reading order where it can), and at
//! the end every character of it must be claimed exactly once. A derived title (made from the
//! first clause of a section without a heading; the cutter says which titles are derived) is
//! not source text: it must be a prefix of that section's first passage.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use zh_search::format::IndexView;
use zh_search_index::passage::{cut_document, TextKind, TITLE_SEPARATOR};
use zh_search_index::{build_folder, build_index, DiscoveredWord, Layout, Options, SourceDoc};

fn squash(s: &str) -> Vec<char> {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The text of a Markdown heading line (CommonMark: 1–6 `#` then a space or tab; a closing
/// run of `#` counts only after a space or tab), if the line is one with any text.
fn heading_text(line: &str) -> Option<&str> {
    let line = line.trim();
    let marks = line.chars().take_while(|&c| c == '#').count();
    if !(1..=6).contains(&marks) {
        return None;
    }
    let rest = &line[marks..];
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim();
    let open = rest.trim_end_matches('#');
    let text = if open.is_empty() || open.ends_with([' ', '\t']) {
        open.trim()
    } else {
        rest
    };
    (!text.is_empty()).then_some(text)
}

/// What a reader sees of a file, whitespace aside.
fn visible_chars(source: &str) -> Vec<char> {
    let source = source.strip_prefix('\u{FEFF}').unwrap_or(source);
    let source = source.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = Vec::new();
    for line in source.split('\n') {
        out.extend(squash(heading_text(line).unwrap_or(line)));
    }
    out
}

/// Claims the first fully unclaimed occurrence of `piece` in `text` at or after `*cursor`, else
/// from the start (reading order, with room for a headline printed after its story), and
/// moves the cursor behind it.
fn claim(text: &[char], claimed: &mut [bool], cursor: &mut usize, piece: &[char]) -> bool {
    if piece.is_empty() {
        return true;
    }
    let starts = text.len().saturating_sub(piece.len() - 1);
    let from = (*cursor).min(starts);
    for start in (from..starts).chain(0..from) {
        if text[start..start + piece.len()] == *piece
            && claimed[start..start + piece.len()].iter().all(|&c| !c)
        {
            claimed[start..start + piece.len()]
                .iter_mut()
                .for_each(|c| *c = true);
            *cursor = start + piece.len();
            return true;
        }
    }
    false
}

fn kind_of(name: &str) -> TextKind {
    if name.ends_with(".md") {
        TextKind::Markdown
    } else {
        TextKind::Plain
    }
}

/// A section as read back from the index: its title and its passages.
#[derive(Default)]
struct ReadSection {
    title: String,
    passages: Vec<String>,
}

/// Checks an index against the raw text of its sources (`sources[name]`); returns how many
/// characters were checked.
fn check_index(bytes: &[u8], sources: &BTreeMap<String, String>) -> usize {
    let view = IndexView::open(bytes).unwrap();
    let mut by_source: BTreeMap<String, Vec<ReadSection>> = BTreeMap::new();
    for p in 0..view.passage_count() {
        let name = view.source_name(view.source_of(p).unwrap()).unwrap();
        // HTML pages lose their markup by design; `html`'s property test checks that a
        // well-formed page loses no text. Here: text and Markdown files, character for character.
        if name.ends_with(".html") || name.ends_with(".htm") {
            continue;
        }
        let sections = by_source.entry(name.to_string()).or_default();
        let title = view.title_of(p).unwrap();
        if view.title_passages(title).unwrap().0 == p {
            sections.push(ReadSection {
                title: view.title_text(title).unwrap().to_string(),
                passages: Vec::new(),
            });
        }
        let section = sections.last_mut().expect("a passage after its title");
        section
            .passages
            .push(view.passage_text(p).unwrap().to_string());
    }
    let with_text: Vec<&String> = sources
        .iter()
        .filter(|(_, raw)| !visible_chars(raw).is_empty())
        .map(|(name, _)| name)
        .collect();
    assert_eq!(
        by_source.keys().collect::<Vec<_>>(),
        with_text,
        "every file with text is a source, and nothing else"
    );
    let mut checked = 0;
    for (name, sections) in &by_source {
        let raw = &sources[name];
        // Only to tell derived titles (not source text) from headings.
        let cut = cut_document(raw, kind_of(name));
        assert_eq!(cut.len(), sections.len(), "{name}: sections");
        let text = visible_chars(raw);
        let mut claimed = vec![false; text.len()];
        let mut cursor = 0;
        for (section, cut) in sections.iter().zip(&cut) {
            let title = &section.title;
            if cut.derived_title.is_some() {
                let derived = squash(title.trim_end_matches('…'));
                assert!(
                    squash(&section.passages[0]).starts_with(&derived),
                    "{name}: derived title {title:?} is not from {:?}",
                    section.passages[0]
                );
            } else {
                let (mut attempt, mut at) = (claimed.clone(), cursor);
                let whole = claim(&text, &mut attempt, &mut at, &squash(title));
                let pieces = whole || {
                    (attempt, at) = (claimed.clone(), cursor);
                    title
                        .split(TITLE_SEPARATOR)
                        .all(|piece| claim(&text, &mut attempt, &mut at, &squash(piece)))
                };
                assert!(
                    pieces,
                    "{name}: heading {title:?} is not (or no longer) in the file"
                );
                (claimed, cursor) = (attempt, at);
            }
            for passage in &section.passages {
                for paragraph in passage.split('\n') {
                    assert!(
                        claim(&text, &mut claimed, &mut cursor, &squash(paragraph)),
                        "{name}: {paragraph:?} is not (or no longer) in the file: altered or duplicated"
                    );
                }
            }
        }
        let lost: String = text
            .iter()
            .zip(&claimed)
            .filter(|(_, &c)| !c)
            .map(|(ch, _)| *ch)
            .collect();
        assert!(lost.is_empty(), "{name}: lost {lost:?}");
        checked += text.len();
    }
    checked
}

/// Every `.txt`/`.md` file under `dir`, by its name relative to `dir`.
fn raw_files(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("txt" | "md")
            ) {
                let name = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(name, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    out
}

fn build(dir: &Path, layout: Layout) -> Vec<u8> {
    build_folder(dir, &Options::of_folder(dir, layout).unwrap())
        .unwrap()
        .bytes
}

#[test]
fn the_shipped_seed_index_holds_every_character_of_the_seeds() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let chars = check_index(zh_search::INDEX_BYTES, &raw_files(&seeds));
    assert!(chars > 5_000, "{chars} characters checked");
}

#[test]
fn fixture_corpora_lose_nothing_in_either_layout() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for dir in [
        root.join("tiny"),
        root.join("corpora/odd"),
        root.join("corpora/unicode"),
        root.join("evil"),
    ] {
        for layout in [Layout::Grams, Layout::Scan] {
            let chars = check_index(&build(&dir, layout), &raw_files(&dir));
            assert!(chars > 20, "{dir:?}: {chars} characters");
        }
    }
}

#[test]
fn the_oracle_notices_a_lost_or_altered_character() {
    // The check itself can fail: one character changed or dropped in a source is reported.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny");
    let bytes = build(&dir, Layout::Scan);
    let mut sources = raw_files(&dir);
    let name = "古城 散记.txt".to_string();
    sources.get_mut(&name).unwrap().push('漏');
    let lost = std::panic::catch_unwind(|| check_index(&bytes, &sources));
    assert!(
        lost.is_err(),
        "an extra source character must be reported as lost"
    );
    let mut sources = raw_files(&dir);
    let text = sources.get_mut(&name).unwrap();
    let at = text.char_indices().find(|(_, c)| *c == '城').unwrap().0;
    text.replace_range(at..at + '城'.len_utf8(), "域");
    assert!(std::panic::catch_unwind(|| check_index(&bytes, &sources)).is_err());
}

mod random_documents {
    use super::*;
    use proptest::prelude::*;

    /// Lines as OCR'd news pages and Markdown notes have them.
    fn line() -> impl Strategy<Value = String> {
        let fragment = prop_oneof![
            4 => "[碳计量中心聊城市国家的是了在和有质检所光岳楼]{1,12}",
            2 => "[，。！？；：、…“”（）()·—]",
            1 => "[a-zA-Z]{1,8}",
            1 => "[0-9]{1,4}( . |\\.| )?[0-9]{0,3}",
            1 => Just("(通讯员 张三)".to_string()),
            1 => Just("记者 李四".to_string()),
            1 => "[ \t\u{3000}\u{200B}]{1,3}",
            1 => "[<>&\"'#*]{1,3}",
            1 => Just("𠀀😀e\u{301}".to_string()),
        ];
        let body = proptest::collection::vec(fragment, 0..8).prop_map(|f| f.concat());
        prop_oneof![
            6 => body.clone(),
            1 => body.clone().prop_map(|b| format!("# {b}")),
            1 => body.clone().prop_map(|b| format!("## {b} ##")),
            1 => body.prop_map(|b| format!("### {b}#")),
            1 => Just(String::new()),
        ]
    }

    fn document() -> impl Strategy<Value = (String, bool)> {
        (
            proptest::collection::vec(
                (
                    line(),
                    prop_oneof![Just("\n"), Just("\r\n"), Just("\r"), Just("\n\n")],
                ),
                0..30,
            ),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(lines, bom, markdown)| {
                let mut text = if bom {
                    "\u{FEFF}".to_string()
                } else {
                    String::new()
                };
                for (line, end) in lines {
                    text.push_str(&line);
                    text.push_str(end);
                }
                (text, markdown)
            })
    }

    /// One word per character: passages do not depend on the vocabulary, and jieba's
    /// dictionary load would dominate the run.
    fn chars_as_words(text: &str) -> Vec<DiscoveredWord> {
        text.chars()
            .map(|c| DiscoveredWord {
                word: c.to_string(),
                known: true,
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        #[test]
        fn no_character_of_a_random_document_is_lost(docs in proptest::collection::vec(document(), 1..4)) {
            let mut sources = BTreeMap::new();
            let mut source_docs = Vec::new();
            for (i, (text, markdown)) in docs.iter().enumerate() {
                let name = format!("doc{i}.{}", if *markdown { "md" } else { "txt" });
                let kind = if *markdown { TextKind::Markdown } else { TextKind::Plain };
                let sections = cut_document(text, kind);
                if !sections.is_empty() {
                    source_docs.push(SourceDoc { name: name.clone(), sections, url: None, page_title: String::new() });
                }
                sources.insert(name, text.clone());
            }
            prop_assume!(!source_docs.is_empty());
            let bytes = build_index(&source_docs, &mut chars_as_words, &|_| None, &|_| None, Layout::Scan);
            check_index(&bytes, &sources);
        }
    }
}
