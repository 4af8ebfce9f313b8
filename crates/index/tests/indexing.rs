//! What gets indexed from a site (issue 16): the site owner's choices (`data-zh-search-body`,
//! `data-zh-search-ignore`, exclude selectors, include/exclude globs, from `zh-search.toml`
//! and the environment), the automatic boilerplate rules (repeated blocks, title echoes),
//! declared encodings, and the page model (page title, heading path, link share). Each case
//! writes a small site into a scratch folder and reads it as `build.rs` does.

use std::path::{Path, PathBuf};

use zh_search_index::{
    read_corpus, read_corpus_with, Corpus, CorpusError, CorpusOptions, ENV_EXCLUDE,
    ENV_EXCLUDE_SELECTORS, ENV_INCLUDE, ENV_STRICT_ENCODING,
};

/// A fresh folder holding `files` (path, bytes).
fn site(name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("indexing-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    for (path, bytes) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

/// Environment variables of a case: (name, value).
type Env<'a> = Vec<(&'a str, &'a str)>;

fn no_env(_: &str) -> Option<String> {
    None
}

fn read_with_env(dir: &Path, env: &[(&str, &str)]) -> Result<Corpus, CorpusError> {
    let lookup = |var: &str| {
        env.iter()
            .find(|(k, _)| *k == var)
            .map(|(_, v)| v.to_string())
    };
    let options = CorpusOptions::load(dir, &lookup)?;
    read_corpus_with(dir, &options)
}

/// Every passage and section title of a document, in order, as one text.
fn text_of(corpus: &Corpus, name: &str) -> String {
    let doc = corpus
        .docs
        .iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("no document {name}"));
    doc.sections
        .iter()
        .map(|s| format!("[{}] {}", s.title(), s.passages.join(" | ")))
        .collect::<Vec<_>>()
        .join(" ")
}

fn names(corpus: &Corpus) -> Vec<&str> {
    corpus.docs.iter().map(|d| d.name.as_str()).collect()
}

const PAGE: &str = r##"<!doctype html><html><head><meta charset="utf-8"><title>站点页面</title></head>
<body><div class="banner">横幅文字</div>
<div id="content"><h1>正文标题</h1><p>正文第一段。</p>
<div class="toc"><a href="#a">目录链接</a></div>
<p data-zh-search-ignore>忽略的段落<span>和它的子元素</span></p>
<section data-zh-search-ignore="true"><h2>忽略的小节</h2><p>小节正文</p></section>
<p>正文第二段。</p></div>
<div class="footer">页脚文字</div></body></html>"##;

#[test]
fn ignore_attribute_skips_the_element_and_its_subtree() {
    let dir = site("ignore", &[("a.html", PAGE.as_bytes())]);
    let corpus = read_corpus(&dir).unwrap();
    let text = text_of(&corpus, "a.html");
    for gone in ["忽略的段落", "和它的子元素", "忽略的小节", "小节正文"] {
        assert!(!text.contains(gone), "{gone} in {text}");
    }
    for kept in [
        "横幅文字",
        "正文第一段",
        "目录链接",
        "正文第二段",
        "页脚文字",
    ] {
        assert!(text.contains(kept), "{kept} not in {text}");
    }
}

#[test]
fn body_attribute_indexes_only_inside_marked_elements_on_that_page() {
    let marked = PAGE.replace(
        r#"<div id="content">"#,
        r#"<div id="content" data-zh-search-body>"#,
    );
    let second = r#"<html><head><title>二</title></head><body><p>页外一</p>
        <article data-zh-search-body><p>标记一</p></article><p>页外二</p>
        <div><div data-zh-search-body><h2>标记二</h2><p>内容二</p></div></div></body></html>"#;
    let dir = site(
        "body",
        &[
            ("a.html", marked.as_bytes()),
            ("b.html", second.as_bytes()),
            ("c.html", PAGE.as_bytes()),
        ],
    );
    let corpus = read_corpus(&dir).unwrap();
    let a = text_of(&corpus, "a.html");
    assert!(a.contains("正文第一段") && a.contains("正文第二段"), "{a}");
    assert!(!a.contains("横幅文字") && !a.contains("页脚文字"), "{a}");
    assert!(
        !a.contains("忽略的段落"),
        "ignore still applies inside the body: {a}"
    );
    let b = text_of(&corpus, "b.html");
    assert!(
        b.contains("标记一") && b.contains("标记二") && b.contains("内容二"),
        "{b}"
    );
    assert!(!b.contains("页外"), "{b}");
    // The page title still comes from <head>.
    assert_eq!(corpus.docs[1].page_title, "二");
    // A page without the attribute is read whole.
    let c = text_of(&corpus, "c.html");
    assert!(c.contains("横幅文字") && c.contains("页脚文字"), "{c}");
}

#[test]
fn exclude_selectors_from_the_config_file_and_the_environment() {
    let dir = site(
        "selectors",
        &[
            ("a.html", PAGE.as_bytes()),
            (
                "zh-search.toml",
                b"exclude_selectors = [\".banner\", \"div.toc\"]\n",
            ),
        ],
    );
    let corpus = read_corpus(&dir).unwrap();
    let text = text_of(&corpus, "a.html");
    assert!(
        !text.contains("横幅文字") && !text.contains("目录链接"),
        "{text}"
    );
    assert!(text.contains("页脚文字"), "{text}");
    // The environment adds to the file (comma-separated; a selector list is fine too).
    let corpus = read_with_env(
        &dir,
        &[(
            ENV_EXCLUDE_SELECTORS,
            " .footer , #content > p:first-of-type",
        )],
    )
    .unwrap();
    let text = text_of(&corpus, "a.html");
    for gone in ["横幅文字", "目录链接", "页脚文字", "正文第一段"] {
        assert!(!text.contains(gone), "{gone} in {text}");
    }
    assert!(text.contains("正文第二段"), "{text}");
}

#[test]
fn include_and_exclude_globs() {
    let page = |t: &str| format!("<title>{t}</title><p>{t}的正文。</p>");
    let files = [
        ("index.html", page("首页")),
        ("docs/a.html", page("甲")),
        ("docs/old/b.html", page("乙")),
        ("docs/c.md", "# 丙\n\n正文。".to_string()),
        ("drafts/d.html", page("丁")),
        ("notes.txt", "笔记。".to_string()),
    ];
    let files: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    let dir = site("globs", &files);
    // (what, environment, files read, files excluded)
    let table: Vec<(&str, Env, Vec<&str>, usize)> = vec![
        (
            "no patterns",
            vec![],
            vec![
                "docs/a.html",
                "docs/c.md",
                "docs/old/b.html",
                "drafts/d.html",
                "index.html",
                "notes.txt",
            ],
            0,
        ),
        (
            "include a folder",
            vec![(ENV_INCLUDE, "docs/**")],
            vec!["docs/a.html", "docs/c.md", "docs/old/b.html"],
            3,
        ),
        (
            "`*` crosses folders",
            vec![(ENV_INCLUDE, "*.html")],
            vec![
                "docs/a.html",
                "docs/old/b.html",
                "drafts/d.html",
                "index.html",
            ],
            2,
        ),
        (
            "exclude wins over include",
            vec![
                (ENV_INCLUDE, "*.html,*.md"),
                (ENV_EXCLUDE, "docs/old/**, drafts/**"),
            ],
            vec!["docs/a.html", "docs/c.md", "index.html"],
            3,
        ),
        (
            "exclude only",
            vec![(ENV_EXCLUDE, "**/*.txt")],
            vec![
                "docs/a.html",
                "docs/c.md",
                "docs/old/b.html",
                "drafts/d.html",
                "index.html",
            ],
            1,
        ),
    ];
    for (what, env, want, excluded) in table {
        let corpus = read_with_env(&dir, &env).unwrap();
        assert_eq!(names(&corpus), want, "{what}");
        assert_eq!(corpus.summary.files_excluded, excluded, "{what}");
    }
    // The same from the config file.
    std::fs::write(
        dir.join("zh-search.toml"),
        "include = [\"docs/**\"]\nexclude = [\"**/old/**\"]\n",
    )
    .unwrap();
    let corpus = read_corpus(&dir).unwrap();
    assert_eq!(names(&corpus), ["docs/a.html", "docs/c.md"]);
}

#[test]
fn bad_options_are_errors_naming_their_origin_and_value() {
    let page: &[u8] = b"<p>\xe6\xad\xa3\xe6\x96\x87</p>";
    // (what, config file, environment, texts the message must contain)
    let table: Vec<(&str, Option<&str>, Env, Vec<&str>)> = vec![
        (
            "bad TOML",
            Some("exclude_selectors = [\".toc\"\n"),
            vec![],
            vec!["zh-search.toml", "TOML parse error", "line 1"],
        ),
        (
            "unknown key",
            Some("exclude_selector = [\".toc\"]\n"),
            vec![],
            vec!["zh-search.toml", "exclude_selector", "exclude_selectors"],
        ),
        (
            "wrong type",
            Some("strict_encoding = \"yes\"\n"),
            vec![],
            vec!["zh-search.toml", "strict_encoding"],
        ),
        (
            "bad selector in the file",
            Some("exclude_selectors = [\".ok\", \"div[\"]\n"),
            vec![],
            vec![
                "zh-search.toml",
                "exclude selector \"div[\" is not a valid CSS selector",
            ],
        ),
        (
            "bad selector in the environment",
            None,
            vec![(ENV_EXCLUDE_SELECTORS, ".a,,p >")],
            vec!["ZH_SEARCH_EXCLUDE_SELECTORS: exclude selector \"p >\""],
        ),
        (
            "bad glob in the file",
            Some("include = [\"docs/[a\"]\n"),
            vec![],
            vec![
                "zh-search.toml",
                "file pattern \"docs/[a\" is not a valid glob",
            ],
        ),
        (
            "bad glob in the environment",
            None,
            vec![(ENV_EXCLUDE, "a{b")],
            vec!["ZH_SEARCH_EXCLUDE: file pattern \"a{b\""],
        ),
        (
            "bad strict value",
            None,
            vec![(ENV_STRICT_ENCODING, "yes")],
            vec!["ZH_SEARCH_STRICT_ENCODING=\"yes\": expected 1, true, 0 or false"],
        ),
    ];
    for (what, config, env, wanted) in table {
        let mut files: Vec<(&str, &[u8])> = vec![("a.html", page)];
        if let Some(config) = config {
            files.push(("zh-search.toml", config.as_bytes()));
        }
        let dir = site("bad-options", &files);
        let error = read_with_env(&dir, &env).unwrap_err();
        let message = error.to_string();
        for want in wanted {
            assert!(message.contains(want), "{what}: {want:?} not in {message}");
        }
    }
}

#[test]
fn blocks_repeated_on_three_pages_are_indexed_once() {
    let footer = "本站内容采用知识共享署名许可协议发布，转载请注明出处。";
    let page = |body: &str| {
        format!(
            "<body><p>{body}</p><ul class=links><li><a href=/>回到首页</a> <a href=/about>关于我们</a></ul>\
             <table><tr><td>软件包</td><td><a href=/p/coreutils>coreutils</a></td></tr></table>\
             <p>{footer}</p></body>"
        )
    };
    let three = [
        ("1.html", page("第一页正文。")),
        ("2.html", page("第二页正文。")),
        ("3.html", page("第三页正文。")),
    ];
    let files: Vec<(&str, &[u8])> = three.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    let corpus = read_corpus(&site("repeats", &files)).unwrap();
    let texts: Vec<String> = ["1.html", "2.html", "3.html"]
        .iter()
        .map(|n| text_of(&corpus, n))
        .collect();
    // The footer sentence and the link bar: on the first page only.
    assert!(
        texts[0].contains(footer) && texts[0].contains("回到首页"),
        "{}",
        texts[0]
    );
    for text in &texts[1..] {
        assert!(
            !text.contains(footer) && !text.contains("回到首页"),
            "{text}"
        );
    }
    // Short table cells are data, linked or not: kept on every page; so is each page's own text.
    for (text, own) in texts.iter().zip(["第一页", "第二页", "第三页"]) {
        assert!(
            text.contains("coreutils") && text.contains("软件包") && text.contains(own),
            "{text}"
        );
    }
    assert_eq!(corpus.summary.repeated_blocks_dropped, 4);
    // On two pages only: nothing dropped.
    let corpus = read_corpus(&site("repeats-two", &files[..2])).unwrap();
    assert!(text_of(&corpus, "2.html").contains(footer));
    assert_eq!(corpus.summary.repeated_blocks_dropped, 0);
    // Whitespace does not hide a repeat.
    let spaced = page("第三页正文。").replace(footer, &footer.replace('，', "，\n   "));
    let files = [files[0], files[1], ("3.html", spaced.as_bytes())];
    let corpus = read_corpus(&site("repeats-spaced", &files)).unwrap();
    assert!(!text_of(&corpus, "3.html").contains("转载请注明出处"));
}

/// DocBook's navigation header and footer, reduced: the page's own title in the header, the
/// previous and next pages' titles in the footer, and a table of contents of links to headings.
fn docbook_page(title: &str, prev: &str, next: &str, sections: &[(&str, &str)]) -> String {
    let toc: String = sections
        .iter()
        .map(|(h, _)| format!("<dt><span class=section><a href=\"#x\">{h}</a></span></dt>"))
        .collect();
    let body: String = sections
        .iter()
        .map(|(h, p)| {
            format!("<div class=section><h2 class=title><a id=\"{h}\"></a>{h}</h2><p>{p}</p></div>")
        })
        .collect();
    format!(
        "<html><head><title>{title}</title></head><body>\
         <div class=navheader><table><tr><th colspan=3>{title}</th></tr></table></div>\
         <div class=chapter><div class=titlepage><h1 class=title>{title}</h1></div>\
         <div class=toc><p><b>目录</b></p><dl class=toc>{toc}</dl></div>{body}</div>\
         <div class=navfooter><table><tr><td><a href=p.html>上一页</a></td><td></td><td><a href=n.html>下一页</a></td></tr>\
         <tr><td>{prev}</td><td><a href=index.html>起始页</a></td><td>{next} </td></tr></table></div></body></html>"
    )
}

#[test]
fn title_echoes_are_dropped() {
    let one = docbook_page(
        "第 1 章 概览",
        "前言",
        "第 2 章 安装",
        &[
            ("1.1. 什么是它", "它是一个系统。"),
            ("1.2. 为什么", "因为好用。"),
        ],
    );
    let two = docbook_page(
        "第 2 章 安装",
        "第 1 章 概览",
        "附录",
        &[("2.1. 下载", "从镜像下载。")],
    );
    // A paragraph that happens to equal a heading but is not a link is text: kept.
    let three = "<title>前言</title><h1>前言</h1><p>1.1. 什么是它</p><p>这是前言。</p>";
    let files: Vec<(&str, &[u8])> = vec![
        ("ch1.html", one.as_bytes()),
        ("ch2.html", two.as_bytes()),
        ("pr.html", three.as_bytes()),
    ];
    let corpus = read_corpus(&site("echoes", &files)).unwrap();
    let ch1 = text_of(&corpus, "ch1.html");
    let passages: Vec<String> = corpus.docs[0]
        .sections
        .iter()
        .flat_map(|s| s.passages.clone())
        .collect();
    // The header's own title, the footer's previous/next titles and the TOC entries are gone;
    // the h1 and the sections stay.
    for passage in &passages {
        for echo in [
            "第 1 章 概览",
            "第 2 章 安装",
            "前言",
            "1.1. 什么是它",
            "1.2. 为什么",
        ] {
            assert!(!passage.contains(echo), "{echo:?} in {passages:?}");
        }
    }
    assert!(
        ch1.contains("[第 1 章 概览]") && ch1.contains("[1.1. 什么是它] 它是一个系统。"),
        "{ch1}"
    );
    let pr = text_of(&corpus, "pr.html");
    assert!(
        pr.contains("1.1. 什么是它") && pr.contains("这是前言"),
        "{pr}"
    );
    // ch1: header title, prev, next, 2 TOC entries; ch2: header title, prev, 1 TOC entry
    // ("附录" is no page's title: kept).
    assert_eq!(corpus.summary.title_echoes_dropped, 8);
    assert!(text_of(&corpus, "ch2.html").contains("附录"));
}

#[test]
fn page_title_parents_and_link_share_reach_the_documents() {
    let html = "<html><head><title> 手册 \t 首页 </title></head><body><h1>手册</h1>\
                <h2 id=a>安装</h2><h3 id=b>下载</h3><p>请从 <a href=m>镜像站点</a> 下载。</p>\
                <ul><li><a href=x>一</a></li><li><a href=y>二</a></li></ul></body></html>";
    let dir = site(
        "model",
        &[
            ("a.html", html.as_bytes()),
            ("b.md", "# 笔记\n\n## 小节\n\n正文。".as_bytes()),
            ("c.txt", "纯文本。".as_bytes()),
        ],
    );
    let corpus = read_corpus(&dir).unwrap();
    let titles: Vec<&str> = corpus.docs.iter().map(|d| d.page_title.as_str()).collect();
    assert_eq!(titles, ["手册 首页", "笔记", ""]);
    let h3 = &corpus.docs[0].sections[2];
    assert_eq!(h3.title(), "下载");
    assert_eq!(h3.parents, ["手册", "安装"]);
    assert_eq!(h3.link_percent.len(), h3.passages.len());
    // "请从镜像站点下载。一二": 6 of 11 visible characters are links.
    assert_eq!(h3.link_percent, [55]);
    assert_eq!(corpus.docs[1].sections[1].parents, ["笔记"]);
    assert!(corpus.docs[2].sections[0].link_percent.is_empty());
    assert_eq!(corpus.summary.pages, 3);
}

/// `text` in `encoding`, as bytes.
fn encode(text: &str, encoding: &'static encoding_rs::Encoding) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

#[test]
fn declared_encodings_are_decoded_and_undeclared_files_skipped() {
    let body = "<p>简体中文页面，编码声明。</p>";
    let gbk_meta = encode(
        &format!("<meta charset=\"gbk\"><title>国标</title>{body}"),
        encoding_rs::GBK,
    );
    let gb2312_http_equiv = encode(
        &format!("<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=GB2312'>{body}"),
        encoding_rs::GBK,
    );
    let gb18030 = encode(
        &format!("<meta charset=gb18030>{body}"),
        encoding_rs::GB18030,
    );
    let big5 = encode(
        "<meta http-equiv=\"content-type\" content=\"text/html;charset=big5\"><p>繁體中文頁面。</p>",
        encoding_rs::BIG5,
    );
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "<p>带字节序标记的页面。</p>".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    // A BOM wins over a wrong declaration.
    let mut bom_wins = vec![0xEF, 0xBB, 0xBF];
    bom_wins.extend("<meta charset=gbk><p>UTF-8 字节序标记优先。</p>".as_bytes());
    let undeclared_html = encode(body, encoding_rs::GBK);
    let undeclared_txt = encode("纯文本，国标编码。", encoding_rs::GBK);
    // Declared after the first 1024 bytes: browsers do not see it either.
    let late = encode(
        &format!("<!-- {} --><meta charset=gbk>{body}", "x".repeat(1100)),
        encoding_rs::GBK,
    );
    // A page declaring UTF-8 with a stray byte: read as a browser shows it, with a warning.
    let mut bad_utf8 = "<meta charset=utf-8><p>几乎是 UTF-8 的页面"
        .as_bytes()
        .to_vec();
    bad_utf8.extend([0xB5, b'.']);
    // A declaration in a text file means nothing.
    let txt_with_meta = encode("<meta charset=gbk>文本。", encoding_rs::GBK);
    let files: Vec<(&str, &[u8])> = vec![
        ("big5.html", &big5),
        ("bom-wins.html", &bom_wins),
        ("gb18030.html", &gb18030),
        ("gb2312.htm", &gb2312_http_equiv),
        ("gbk.html", &gbk_meta),
        ("late.html", &late),
        ("mostly-utf8.html", &bad_utf8),
        ("txt-meta.txt", &txt_with_meta),
        ("undeclared.html", &undeclared_html),
        ("undeclared.txt", &undeclared_txt),
        ("utf16.html", &utf16),
    ];
    let dir = site("encodings", &files);
    let corpus = read_corpus(&dir).unwrap();
    assert_eq!(
        names(&corpus),
        [
            "big5.html",
            "bom-wins.html",
            "gb18030.html",
            "gb2312.htm",
            "gbk.html",
            "mostly-utf8.html",
            "utf16.html"
        ]
    );
    assert!(text_of(&corpus, "mostly-utf8.html").contains("几乎是 UTF-8 的页面\u{FFFD}."));
    assert!(text_of(&corpus, "gbk.html").contains("简体中文页面，编码声明。"));
    assert_eq!(corpus.docs[4].page_title, "国标");
    assert!(text_of(&corpus, "gb2312.htm").contains("简体中文页面"));
    assert!(text_of(&corpus, "gb18030.html").contains("简体中文页面"));
    assert!(text_of(&corpus, "big5.html").contains("繁體中文頁面。"));
    assert!(text_of(&corpus, "utf16.html").contains("带字节序标记的页面。"));
    assert!(text_of(&corpus, "bom-wins.html").contains("UTF-8 字节序标记优先。"));
    // One warning for the replaced bytes, one for all the skipped files, naming them.
    assert_eq!(corpus.warnings.len(), 2, "{:?}", corpus.warnings);
    assert!(
        corpus.warnings[0]
            .ends_with("mostly-utf8.html: bytes that are not valid UTF-8 were replaced by U+FFFD"),
        "{:?}",
        corpus.warnings
    );
    assert_eq!(
        corpus.warnings[1],
        "4 files not UTF-8 and declaring no encoding (convert them, declare <meta charset> in HTML, \
         or set strict_encoding = true to stop instead), skipped: late.html, txt-meta.txt, \
         undeclared.html, undeclared.txt"
    );
    assert_eq!(corpus.summary.files_skipped, 4);
    // Strict, from the config file: the first undeclared file stops the build.
    std::fs::write(dir.join("zh-search.toml"), "strict_encoding = true\n").unwrap();
    let error = read_corpus(&dir).unwrap_err();
    assert!(
        matches!(&error, CorpusError::NotUtf8 { path, line: 1 } if path.ends_with("late.html")),
        "{error:?}"
    );
    // The environment can turn it off again.
    let corpus = read_with_env(&dir, &[(ENV_STRICT_ENCODING, "0")]).unwrap();
    assert_eq!(corpus.docs.len(), 7);
    assert!(CorpusOptions::load(&dir, &no_env).unwrap().strict_encoding);
}

#[test]
fn many_skipped_files_are_summarised_in_one_line() {
    let files: Vec<(String, Vec<u8>)> = (0..8)
        .map(|i| {
            (
                format!("empty{i}.html"),
                b"<html><body> </body></html>".to_vec(),
            )
        })
        .chain([("ok.html".to_string(), "<p>正文</p>".as_bytes().to_vec())])
        .collect();
    let files: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    let corpus = read_corpus(&site("many-skipped", &files)).unwrap();
    assert_eq!(
        corpus.warnings,
        ["8 files with no text, skipped: empty0.html, empty1.html, empty2.html, empty3.html, empty4.html and 3 more"]
    );
    assert_eq!(
        corpus.summary.to_string(),
        "indexed 1 pages, 1 passages; dropped 0 repeated blocks and 0 title echoes; skipped 8 files"
    );
}
