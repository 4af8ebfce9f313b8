//! Corpus folders as site owners have them: every odd file either indexes correctly, is
//! skipped with a warning naming it (a file that is not UTF-8 and declares no encoding), or
//! stops the build with a message naming the file. The fixture corpora are under
//! `tests/fixtures/corpora/`; `scripts/check-corpus-errors.sh` (run by `make test`) checks that
//! the real build (`build.rs`) fails on the bad ones with the same messages.

use std::path::{Path, PathBuf};

use zh_search_index::{
    read_corpus, read_corpus_with, CorpusError, CorpusOptions, ENV_STRICT_ENCODING, MAX_FILE_BYTES,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/corpora")
        .join(name)
}

/// A fresh folder under the target directory, for cases that cannot be committed.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("corpus-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn passages_of(corpus: &zh_search_index::Corpus, name: &str) -> Vec<String> {
    corpus
        .docs
        .iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("no document {name}"))
        .sections
        .iter()
        .flat_map(|s| s.passages.clone())
        .collect()
}

/// Issue 16 changed this: an undeclared non-UTF-8 file no longer stops the build by default;
/// it is skipped with one warning naming it. The strict option keeps the old refusal.
#[test]
fn a_file_that_is_not_utf8_is_skipped_with_a_warning_naming_it() {
    let corpus = read_corpus(&fixture("not-utf8")).unwrap();
    let names: Vec<&str> = corpus.docs.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["ok.txt"]);
    assert_eq!(corpus.warnings.len(), 1, "{:?}", corpus.warnings);
    let warning = &corpus.warnings[0];
    assert!(
        warning.starts_with("1 file not UTF-8 and declaring no encoding")
            && warning.contains("skipped: 新闻 gbk.txt")
            && warning.contains("strict_encoding"),
        "{warning}"
    );
    assert_eq!(corpus.summary.files_skipped, 1);
}

#[test]
fn a_file_that_is_not_utf8_is_refused_with_its_name_and_line_when_strict() {
    let dir = fixture("not-utf8");
    let strict = |var: &str| (var == ENV_STRICT_ENCODING).then(|| "1".to_string());
    let options = CorpusOptions::load(&dir, &strict).unwrap();
    assert!(options.strict_encoding);
    let error = read_corpus_with(&dir, &options).unwrap_err();
    assert!(
        matches!(error, CorpusError::NotUtf8 { line: 3, .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("not-utf8/新闻 gbk.txt:3: file is not UTF-8"),
        "{message}"
    );
    assert!(message.contains("iconv"), "says how to convert: {message}");
}

#[test]
fn a_missing_corpus_folder_is_refused() {
    let error = read_corpus(&fixture("does-not-exist")).unwrap_err();
    assert!(matches!(error, CorpusError::MissingFolder(_)));
    let message = error.to_string();
    assert!(
        message.contains("does-not-exist") && message.contains("ZH_SEARCH_SEEDS"),
        "names the folder and says how to fix it: {message}"
    );
    // A file is not a folder either.
    let error = read_corpus(&fixture("odd/cr.txt")).unwrap_err();
    assert!(matches!(error, CorpusError::MissingFolder(_)), "{error:?}");
}

#[test]
fn an_empty_corpus_folder_is_refused() {
    for dir in [fixture("no-text"), fixture("blank"), scratch("truly-empty")] {
        let error = read_corpus(&dir).unwrap_err();
        assert!(matches!(error, CorpusError::Empty(_)), "{dir:?}: {error:?}");
        assert!(
            error
                .to_string()
                .contains("has no non-empty .txt, .md or .html file"),
            "{error}"
        );
    }
}

#[test]
fn a_file_over_the_size_limit_is_refused() {
    let dir = scratch("big");
    std::fs::write(dir.join("small.txt"), "正文。").unwrap();
    // Sparse: costs no disk space; refused from its size before it is read.
    let file = std::fs::File::create(dir.join("huge file.txt")).unwrap();
    file.set_len(MAX_FILE_BYTES + 1).unwrap();
    let error = read_corpus(&dir).unwrap_err();
    assert!(
        matches!(error, CorpusError::TooLarge { bytes, .. } if bytes == MAX_FILE_BYTES + 1),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("huge file.txt") && message.contains(&MAX_FILE_BYTES.to_string()),
        "{message}"
    );
}

#[test]
fn bom_and_crlf_and_cr_line_endings() {
    let corpus = read_corpus(&fixture("odd")).unwrap();
    assert_eq!(
        passages_of(&corpus, "bom crlf.txt"),
        ["第一段，继续。\n第二段。"],
        "BOM dropped, CRLF read like LF"
    );
    assert_eq!(
        passages_of(&corpus, "cr.txt"),
        ["老式换行。\n另一段。"],
        "a lone CR is a line break"
    );
}

#[test]
fn empty_files_are_skipped_with_a_warning() {
    let corpus = read_corpus(&fixture("odd")).unwrap();
    assert!(corpus.docs.iter().all(|d| d.name != "空文件.md"));
    assert_eq!(corpus.warnings.len(), 1, "{:?}", corpus.warnings);
    assert_eq!(
        corpus.warnings[0], "1 file with no text, skipped: 空文件.md",
        "{:?}",
        corpus.warnings
    );
    // Still listed for cargo's rerun-if-changed: adding text to it rebuilds.
    assert!(corpus.files.iter().any(|f| f.ends_with("空文件.md")));
}

#[test]
fn files_without_chinese_are_indexed() {
    let corpus = read_corpus(&fixture("odd")).unwrap();
    assert_eq!(
        passages_of(&corpus, "子目录/english only.md"),
        ["No Chinese here, just ASCII text."]
    );
}

#[test]
fn very_long_lines_become_passages_without_losing_anything() {
    let corpus = read_corpus(&fixture("odd")).unwrap();
    let line = std::fs::read_to_string(fixture("odd/long line.txt")).unwrap();
    assert!(line.chars().count() >= 18_000 && !line.contains('\n'));
    let passages = passages_of(&corpus, "long line.txt");
    assert!(passages.len() > 50, "{} passages", passages.len());
    assert!(passages
        .iter()
        .all(|p| p.chars().count() <= zh_search_index::passage::MAX_PASSAGE_CHARS));
    assert_eq!(passages.concat(), line, "nothing lost or reordered");
}

#[test]
fn names_with_spaces_and_cjk_are_kept_as_sources() {
    let corpus = read_corpus(&fixture("odd")).unwrap();
    let names: Vec<&str> = corpus.docs.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "C# 笔记.md",
            "bom crlf.txt",
            "cr.txt",
            "long line.txt",
            "子目录/english only.md"
        ]
    );
}

#[test]
fn markdown_closing_hashes_are_markup_only_after_a_space() {
    let corpus = read_corpus(&fixture("odd")).unwrap();
    let doc = corpus.docs.iter().find(|d| d.name == "C# 笔记.md").unwrap();
    let titles: Vec<String> = doc.sections.iter().map(|s| s.title()).collect();
    assert_eq!(
        titles,
        ["C#", "标题"],
        "`# C#` keeps its #, `## 标题 ##` drops the closing run"
    );
}
