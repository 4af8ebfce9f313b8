//! `ZH_SEARCH_DICT`: a jieba user dictionary changes how the corpus is cut, and therefore the
//! stored vocabulary, and therefore how queries are cut and ranked (the query side segments
//! over that vocabulary). The fixture `tests/fixtures/dict/` is a corpus where jieba cuts the
//! brand name 八一双鹿 as 八 / 一双 / 鹿, and a dictionary that names it (in traditional
//! characters, folded like the corpus).

use std::ops::Range;
use std::path::Path;

use zh_search::search::{Engine, SearchOptions};
use zh_search::tokenize::{segment_run, Vocabulary};
use zh_search_index::{
    build_folder, parse_user_dict, read_user_dict, DictError, Layout, Options, UserWord,
};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dict");

/// The fixture corpus built as `build.rs` builds it, with the user dictionary file or without.
fn build(with_dict: bool) -> Vec<u8> {
    let dir = Path::new(DIR).join("corpus");
    let options = Options {
        user_dict: with_dict.then(|| Path::new(DIR).join("user.dict")),
        ..Options::of_folder(&dir, Layout::Auto).unwrap()
    };
    build_folder(&dir, &options).unwrap().bytes
}

fn user_word(word: &str, freq: Option<usize>, tag: Option<&str>) -> UserWord {
    UserWord {
        word: word.to_string(),
        freq,
        tag: tag.map(str::to_string),
    }
}

fn dict() -> Vec<UserWord> {
    read_user_dict(
        &Path::new(DIR).join("user.dict"),
        &zh_search_index::lexicon::to_simplified,
    )
    .unwrap()
    .words
}

/// How a query is cut over an index's vocabulary.
fn cut(engine: &Engine<'_>, query: &str) -> Vec<String> {
    let vocab = engine.vocabulary().unwrap();
    let ranges: Vec<Range<usize>> = segment_run(query, &vocab);
    ranges.into_iter().map(|r| query[r].to_string()).collect()
}

#[test]
fn the_dictionary_is_parsed_and_folded() {
    assert_eq!(dict(), vec![user_word("八一双鹿", Some(3), Some("nz"))]);
    let parsed = parse_user_dict(
        "\u{FEFF}云计算 5\n\n李小福 2 nr\n创新办\t3\ti\nＮＱＩ平台\n凯特琳 nz\n",
        &zh_search_index::lexicon::to_simplified,
    )
    .unwrap();
    assert_eq!(
        parsed.words,
        vec![
            user_word("云计算", Some(5), None),
            user_word("李小福", Some(2), Some("nr")),
            user_word("创新办", Some(3), Some("i")),
            user_word("nqi平台", None, None),
            user_word("凯特琳", None, Some("nz")),
        ]
    );
    assert!(parsed.warnings.is_empty());
    let long = parse_user_dict(
        "山东省计量科学研究院\n",
        &zh_search_index::lexicon::to_simplified,
    )
    .unwrap();
    assert_eq!(long.words.len(), 1);
    assert!(
        long.warnings[0].starts_with("line 1:"),
        "{:?}",
        long.warnings
    );
}

#[test]
fn malformed_lines_and_missing_files_name_the_file_and_line() {
    let bad = [
        ("好用 300\n坏行 三百\n", 2, "neither a frequency"),
        ("词 0\n", 1, "at least 1"),
        ("词 12x nz\n", 1, "not a whole number"),
        ("\n\n词 1 名词\n", 3, "not a part-of-speech tag"),
        ("a b c d\n", 1, "4 fields"),
    ];
    for (text, line, reason) in bad {
        let error = parse_user_dict(text, &zh_search_index::lexicon::to_simplified).unwrap_err();
        assert_eq!(error.line, line, "{text:?}");
        let problem = error.problem.to_string();
        assert!(problem.contains(reason), "{text:?}: {problem}");
    }

    let dir = std::env::temp_dir().join(format!("zh-search-dict-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("my words.dict");
    std::fs::write(&file, "好词 3\n坏 行 x y\n").unwrap();
    let message = read_user_dict(&file, &zh_search_index::lexicon::to_simplified)
        .unwrap_err()
        .to_string();
    assert!(message.contains("my words.dict:2:"), "{message}");
    std::fs::write(&file, b"ok 1\n\xB0\xCB\n").unwrap();
    let error = read_user_dict(&file, &zh_search_index::lexicon::to_simplified).unwrap_err();
    assert!(matches!(error, DictError::Line { line: 2, .. }), "{error}");
    assert!(error.to_string().contains("not UTF-8"));
    let missing = dir.join("missing.dict");
    let message = read_user_dict(&missing, &zh_search_index::lexicon::to_simplified)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("missing.dict") && message.contains("ZH_SEARCH_DICT"),
        "{message}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn dictionary_words_are_one_word_in_the_index_and_in_queries() {
    let plain = build(false);
    let with_dict = build(true);
    let plain = Engine::open(&plain).unwrap();
    let with_dict = Engine::open(&with_dict).unwrap();

    // Without the dictionary jieba cuts the name, so the vocabulary cannot hold it and the
    // query is cut the same wrong way; with it, both see one word.
    assert_eq!(plain.vocabulary().unwrap().freq("八一双鹿"), None);
    assert_eq!(cut(&plain, "八一双鹿冰箱"), ["八", "一双", "鹿", "冰箱"]);
    assert!(with_dict.vocabulary().unwrap().freq("八一双鹿").is_some());
    assert_eq!(cut(&with_dict, "八一双鹿冰箱"), ["八一双鹿", "冰箱"]);
    assert_eq!(
        with_dict
            .words("八一双鹿冰箱")
            .unwrap()
            .last()
            .map(String::as_str),
        Some("冰箱")
    );
    assert!(with_dict
        .words("八一双鹿冰箱")
        .unwrap()
        .contains(&"八一双鹿".to_string()));

    // Ranking: `一双` is a whole word in 买了一双鞋, but inside the name in 八一双鹿 only once
    // the dictionary says so: then the shoe shop comes first.
    let top = |engine: &Engine<'_>| {
        engine
            .search("一双", SearchOptions::default())
            .unwrap()
            .hits
            .iter()
            .map(|h| h.title.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(top(&plain), ["老牌企业", "鞋店见闻"]);
    assert_eq!(top(&with_dict), ["鞋店见闻", "老牌企业"]);
}
