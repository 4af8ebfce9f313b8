//! Latin is Latin first: shell commands amid Chinese text whose pinyin initials collide with
//! them (`ssh` / 所示 上述 事实, `ls` / 类似 历史, `cp` / 磁盘, `dd` / 大的 等等) are searched and
//! suggested as the corpus's own Latin words; pinyin joins only for letters the corpus does not
//! hold. Both index layouts answer the same.

mod common;

use common::highlighted;
use zh_search::search::{Engine, SearchOptions};
use zh_search_index::Layout;

/// A small manual: (heading, passages) per section.
const MANUAL: &[(&str, &[&str])] = &[
    (
        "远程登录",
        &[
            "使用 ssh 登录远程主机，如上述所示，ssh 会先检查主机密钥。",
            "事实上，这些设施都归所属单位管理，上述规定仍然有效。",
            "sshd 是 ssh 的服务端，配置文件在 /etc/ssh/sshd_config。",
            "ssl 证书与 ssh 密钥不同：sshd 不读取 ssl 证书。",
        ],
    ),
    (
        "文件",
        &[
            "用 ls -l 列出文件，类似于历史上的 dir 命令。",
            "历史上类似的问题很多，工具（tools）也很多。",
            "cp 命令把文件复制到磁盘上的另一个目录，cp -a 保留属性。",
            "磁盘空间不足时，请先清理磁盘。",
            "scp 在两台主机之间复制文件。",
        ],
    ),
    (
        "dd 用法",
        &[
            "这个工具可以直接写入块设备。",
            "大的文件、小的文件，等等，都可以处理。",
            "等等，还有更大的问题。",
        ],
    ),
];

fn build(layout: Layout) -> Engine<'static> {
    build_from(MANUAL, layout)
}

fn build_from(manual: &[(&str, &[&str])], layout: Layout) -> Engine<'static> {
    common::docs_engine(&[common::markdown_doc("manual.md", manual)], layout)
}

/// The passage text of every hit of `query` (first page).
fn hit_texts(engine: &Engine<'_>, query: &str) -> Vec<String> {
    let results = engine.search(query, SearchOptions::default()).unwrap();
    results.hits.into_iter().map(|h| h.text).collect()
}

fn engines() -> Vec<(&'static str, Engine<'static>)> {
    vec![
        ("scan", build(Layout::Scan)),
        ("grams", build(Layout::Grams)),
    ]
}

/// Whether `word` starts a Latin word of `text` (case-folded): what a Latin term matches.
fn starts_a_word(text: &str, word: &str) -> bool {
    let text = text.to_lowercase();
    text.match_indices(word).any(|(at, _)| {
        text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric() || !c.is_ascii())
    })
}

#[test]
fn latin_terms_in_the_corpus_find_only_themselves() {
    for (layout, engine) in engines() {
        for (query, expected) in [("ssh", 3), ("ls", 1), ("cp", 1), ("dd", 3)] {
            let results = common::all_hits(&engine, query);
            assert_eq!(
                results.total,
                expected,
                "{layout}: {query}: {:?}",
                results.hits.iter().map(|h| &h.text).collect::<Vec<_>>()
            );
            for hit in &results.hits {
                assert!(
                    starts_a_word(&hit.text, query) || starts_a_word(&hit.title, query),
                    "{layout}: {query} found {:?} / {:?}",
                    hit.title,
                    hit.text
                );
                for marked in highlighted(&hit.text, &hit.highlights) {
                    assert_eq!(marked.to_lowercase(), query, "{layout}: {query}");
                }
            }
        }
        // `cp` is not a word start in `scp`, `ls` not in `tools`: those passages stay out.
        assert!(common::all_hits(&engine, "cp")
            .hits
            .iter()
            .all(|h| !h.text.starts_with("scp")));
    }
}

#[test]
fn a_term_found_only_in_a_heading_is_literal_too() {
    for (layout, engine) in engines() {
        let results = common::all_hits(&engine, "dd");
        // The three passages under the heading `dd 用法`, none of 大的/等等 elsewhere.
        assert!(
            results.hits.iter().all(|h| h.title == "dd 用法"),
            "{layout}: {:?}",
            results.hits.iter().map(|h| &h.text).collect::<Vec<_>>()
        );
        for hit in &results.hits {
            assert!(hit.highlights.is_empty(), "{layout}: {:?}", hit.text);
            assert_eq!(highlighted(&hit.title, &hit.title_highlights), ["dd"]);
        }
    }
}

#[test]
fn letters_the_corpus_lacks_still_read_as_pinyin() {
    for (layout, engine) in engines() {
        for (query, word) in [("cipan", "磁盘"), ("ci pan", "磁盘"), ("lishi", "历史")] {
            let results = common::all_hits(&engine, query);
            assert!(results.total > 0, "{layout}: {query} found nothing");
            for hit in &results.hits {
                assert!(hit.text.contains(word), "{layout}: {query}: {}", hit.text);
            }
        }
        // Letters the corpus has only as Chinese: read as pinyin.
        let alternatives = engine.pinyin_alternatives_of("suoshu").unwrap();
        assert_eq!(alternatives, [vec!["所属".to_string()]], "{layout}");
        // Letters that do occur have no pinyin alternatives, alone or together.
        assert_eq!(
            engine.pinyin_alternatives_of("ssh").unwrap(),
            [Vec::<String>::new()]
        );
        assert_eq!(
            engine.pinyin_alternatives_of("ssh ls").unwrap(),
            [Vec::<String>::new(), Vec::new()]
        );
    }
}

#[test]
fn both_layouts_find_the_same_passages() {
    let engines = engines();
    for query in [
        "ssh", "ls", "cp", "dd", "ss", "d", "cipan", "suoshu", "ssh sshd", "l",
    ] {
        let ids: Vec<Vec<u32>> = engines
            .iter()
            .map(|(_, engine)| {
                let mut ids: Vec<u32> = common::all_hits(engine, query)
                    .hits
                    .iter()
                    .map(|h| h.passage)
                    .collect();
                ids.sort();
                ids
            })
            .collect();
        assert_eq!(ids[0], ids[1], "{query}");
        let suggestions: Vec<Vec<String>> = engines
            .iter()
            .map(|(_, engine)| engine.suggest(query, 8).unwrap())
            .collect();
        assert_eq!(suggestions[0], suggestions[1], "{query}");
    }
}

#[test]
fn latin_prefixes_suggest_the_corpus_words_most_frequent_first() {
    for (layout, engine) in engines() {
        // ssh: 3 passages, sshd: 2 (`sshd_config` is sshd, `_`, config), ssl: 1.
        assert_eq!(
            engine.suggest("ss", 8).unwrap(),
            ["ssh", "sshd", "ssl"],
            "{layout}"
        );
        assert_eq!(engine.suggest("SSH", 8).unwrap()[0], "ssh", "{layout}");
        assert_eq!(
            engine.suggest("ss", 2).unwrap(),
            ["ssh", "sshd"],
            "{layout}"
        );
        // A word only in a heading counts too.
        assert_eq!(engine.suggest("d", 8).unwrap(), ["dd", "dir"], "{layout}");
        // No Latin word starts with the letters: pinyin suggestions, as before.
        let pinyin = engine.suggest("cip", 8).unwrap();
        assert!(pinyin.contains(&"磁盘".to_string()), "{layout}: {pinyin:?}");
        let lishi = engine.suggest("lis", 8).unwrap();
        assert!(lishi.contains(&"历史".to_string()), "{layout}: {lishi:?}");
    }
}

#[test]
fn snippets_mark_a_hyphenated_command_whole() {
    // apt-get starts 3 characters before the end of the 100-character window that starts at
    // 说明 (the window with both terms).
    let filler: String = "这是一段很长的文字，用来把命令推到摘要窗口的末尾。"
        .chars()
        .cycle()
        .take(94)
        .collect();
    let text = format!("说明：{filler}apt-get install 之后{filler}{filler}");
    let docs = [common::markdown_doc("apt.md", &[("软件包", &[&text])])];
    for layout in [Layout::Scan, Layout::Grams] {
        let engine = common::docs_engine(&docs, layout);
        let hits = engine
            .search("说明 apt-get", SearchOptions::default())
            .unwrap()
            .hits;
        let snippet = &hits[0].snippet;
        assert!(
            snippet.contains("<mark>说明</mark>"),
            "{layout:?}: {snippet}"
        );
        assert!(
            snippet.contains("<mark>apt-get</mark>"),
            "{layout:?}: {snippet}"
        );
    }
}

#[test]
fn a_latin_word_the_corpus_has_is_searched_as_that_word() {
    // `cp` is a word of this corpus: it finds the command, not the start of cpu or cp932.
    // Letters that are no word of the corpus (`cpu` here is one, `cpi` is not) still match the
    // start of words, so typing on towards a longer word keeps finding it.
    let manual: &[(&str, &[&str])] = &[
        ("硬件", &["cpu 的速度很快。"]),
        ("命令", &["cp 命令把文件复制到目录。"]),
        ("编码", &["日文编码 cp932 与 cpio 归档。"]),
    ];
    for layout in [Layout::Scan, Layout::Grams] {
        let engine = build_from(manual, layout);
        let texts = |query: &str| hit_texts(&engine, query);
        assert_eq!(texts("cp"), ["cp 命令把文件复制到目录。"], "{layout:?}");
        assert_eq!(texts("CP"), ["cp 命令把文件复制到目录。"], "{layout:?}");
        assert_eq!(texts("cpu"), ["cpu 的速度很快。"], "{layout:?}");
        assert_eq!(
            texts("cpi"),
            ["日文编码 cp932 与 cpio 归档。"],
            "{layout:?}"
        );
        // Quoted, the letters are matched as typed (Ctrl-F from the start of a word).
        assert_eq!(texts("\"cp\"").len(), 3, "{layout:?}");
        // The suggestions still offer the longer words.
        let words = engine.suggest("cp", 8).unwrap();
        assert_eq!(words[0], "cp", "{layout:?}: {words:?}");
        for longer in ["cpu", "cpio", "cp932"] {
            assert!(words.iter().any(|w| w == longer), "{layout:?}: {words:?}");
        }
    }
}

#[test]
fn whole_words_follow_unicode_word_boundaries() {
    // A dot or underscore between letters keeps one word (UAX #29): `tar` is the command in
    // `tar -x`, not a piece of the file name `orig.tar.gz`. An option is a word too: `dpkg -S`
    // finds `dpkg -S`, not `dpkg-statoverride`, whose `-s` goes on as a word.
    let manual: &[(&str, &[&str])] = &[
        ("归档", &["用 tar -x 解开归档。"]),
        ("上传", &["上传时包含 orig.tar.gz 文件。"]),
        ("搜索", &["用 dpkg -S 搜索文件属于哪个软件包。"]),
        ("覆盖", &["dpkg-statoverride 命令修改状态。"]),
    ];
    for layout in [Layout::Scan, Layout::Grams] {
        let engine = build_from(manual, layout);
        let texts = |query: &str| hit_texts(&engine, query);
        assert_eq!(texts("tar"), ["用 tar -x 解开归档。"], "{layout:?}");
        assert_eq!(
            texts("tar.gz"),
            ["上传时包含 orig.tar.gz 文件。"],
            "{layout:?}"
        );
        assert_eq!(
            texts("dpkg -S"),
            ["用 dpkg -S 搜索文件属于哪个软件包。"],
            "{layout:?}"
        );
        // Letters that are no whole word of the corpus still find the words they start.
        assert_eq!(
            texts("statover"),
            ["dpkg-statoverride 命令修改状态。"],
            "{layout:?}"
        );
    }
}
