//! Corpus folders as site owners have them: every odd file either indexes correctly or stops
//! the build with a message naming the file.

use std::path::{Path, PathBuf};

use zh_search::builder::{read_corpus, CorpusError, MAX_FILE_BYTES};

/// A fresh folder under the target directory for one test.
fn folder(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("corpus-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn passages(dir: &Path) -> Vec<String> {
    let corpus = read_corpus(dir).unwrap();
    corpus
        .docs
        .iter()
        .flat_map(|d| &d.sections)
        .flat_map(|s| s.passages.clone())
        .collect()
}

#[test]
fn a_file_that_is_not_utf8_is_refused_with_its_name_and_line() {
    let dir = folder("gbk");
    std::fs::write(dir.join("ok.txt"), "第一行。\n").unwrap();
    // "聊城" in GB18030, on line 3.
    std::fs::write(
        dir.join("新闻 gbk.txt"),
        [
            b"line one\nline two\n".as_slice(),
            &[0xC1, 0xC4, 0xB3, 0xC7],
        ]
        .concat(),
    )
    .unwrap();
    let error = read_corpus(&dir).unwrap_err();
    assert!(
        matches!(error, CorpusError::NotUtf8 { line: 3, .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("新闻 gbk.txt:3") && message.contains("not UTF-8"),
        "{message}"
    );
}

#[test]
fn missing_and_empty_folders_are_refused() {
    let missing = Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus-tests/does-not-exist");
    let error = read_corpus(&missing).unwrap_err();
    assert!(matches!(error, CorpusError::MissingFolder(_)));
    assert!(
        error.to_string().contains("ZH_SEARCH_SEEDS"),
        "says how to fix it: {error}"
    );

    let empty = folder("empty");
    std::fs::write(empty.join("notes.pdf"), "not indexed").unwrap();
    assert!(matches!(
        read_corpus(&empty).unwrap_err(),
        CorpusError::Empty(_)
    ));

    let blank = folder("blank");
    std::fs::write(blank.join("a.txt"), "").unwrap();
    std::fs::write(blank.join("b.md"), "\n\n  \n").unwrap();
    assert!(
        matches!(read_corpus(&blank).unwrap_err(), CorpusError::Empty(_)),
        "only empty files"
    );
}

#[test]
fn oversized_files_are_refused() {
    let dir = folder("big");
    let file = std::fs::File::create(dir.join("huge.txt")).unwrap();
    file.set_len(MAX_FILE_BYTES + 1).unwrap();
    let error = read_corpus(&dir).unwrap_err();
    assert!(matches!(error, CorpusError::TooLarge { .. }));
    assert!(error.to_string().contains("huge.txt"));
}

#[test]
fn bom_crlf_cr_empty_files_and_odd_names_are_handled() {
    let dir = folder("odd");
    std::fs::write(
        dir.join("bom crlf.txt"),
        "\u{FEFF}第一段，\r\n继续。\r\n\r\n第二段。\r\n",
    )
    .unwrap();
    std::fs::write(dir.join("cr.txt"), "老式\r换行。\r\r另一段。").unwrap();
    std::fs::write(dir.join("空文件.md"), "").unwrap();
    std::fs::create_dir_all(dir.join("子目录")).unwrap();
    std::fs::write(
        dir.join("子目录/english only.md"),
        "# Notes\n\nNo Chinese here, just ASCII text.\n",
    )
    .unwrap();
    let long_line = "很长的一行没有换行".repeat(5_000);
    std::fs::write(dir.join("long.txt"), &long_line).unwrap();

    let corpus = read_corpus(&dir).unwrap();
    let names: Vec<&str> = corpus.docs.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "bom crlf.txt",
            "cr.txt",
            "long.txt",
            "子目录/english only.md"
        ]
    );
    assert_eq!(
        corpus.warnings.len(),
        1,
        "the empty file is skipped with a warning"
    );
    assert!(corpus.warnings[0].contains("空文件.md"));

    let texts = passages(&dir);
    assert_eq!(
        texts[0], "第一段，继续。\n第二段。",
        "BOM dropped, CRLF joined like LF"
    );
    assert_eq!(texts[1], "老式换行。\n另一段。", "lone CR is a line break");
    let long_doc = corpus.docs.iter().find(|d| d.name == "long.txt").unwrap();
    let long_passages: Vec<&String> = long_doc.sections.iter().flat_map(|s| &s.passages).collect();
    let long_total: String = long_passages.iter().map(|p| p.as_str()).collect();
    assert!(
        long_passages.len() > 100,
        "a very long line is split into passages"
    );
    assert!(
        long_total == long_line,
        "nothing of the long line is lost or reordered"
    );
    assert!(texts
        .iter()
        .any(|t| t == "No Chinese here, just ASCII text."));
}
