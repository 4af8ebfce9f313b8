//! The HTML reader's unit tests: parsing, what is read, anchors, titles, sections.

use super::dom::{dom_tokens, Token};
use super::walker::{collapse, page_blocks_filtered};
use super::*;
use crate::passage::test_support::{path, titles_and_parents};

/// The readable blocks of a page and its `<title>`, without exclusions.
fn page_blocks(html: &str) -> (Vec<Block>, Option<String>) {
    page_blocks_filtered(html, &PageFilter::default())
}

fn read_page(html: &str) -> Page {
    read_page_filtered(html, &PageFilter::default())
}

fn blocks(html: &str) -> Vec<Block> {
    page_blocks(html).0
}

fn para(s: &str) -> Block {
    Block::Paragraph {
        text: s.to_string(),
        link_chars: 0,
        in_cell: false,
    }
}

fn heading(level: u8, text: &str, anchor: Option<&str>) -> Block {
    Block::Heading {
        level,
        text: text.to_string(),
        anchor: anchor.map(str::to_string),
    }
}

/// The text tokens of a page's DOM, concatenated.
fn dom_text(html: &str) -> String {
    dom_tokens(html, &PageFilter::default())
        .0
        .into_iter()
        .filter_map(|t| match t {
            Token::Text(t) => Some(t),
            _ => None,
        })
        .collect()
}

/// The start tags named `name` in a page's DOM.
fn starts(html: &str, name: &str) -> Vec<Token> {
    dom_tokens(html, &PageFilter::default())
        .0
        .into_iter()
        .filter(|t| matches!(t, Token::Start { name: n, .. } if n == name))
        .collect()
}

/// Was a test of the hand-written reference decoder; the same cases now go through
/// html5ever, which decodes all of HTML's named references (`&middot;`, `&hellip;`, …).
#[test]
fn entities() {
    let table = [
        (
            "a &amp; b &lt;c&gt; &quot;&#39;&#x4E2D;&#25991; &copy;",
            "a & b <c> \"'中文 ©",
        ),
        ("AT&T &unknown; &", "AT&T &unknown; &"),
        ("&amp &ampx &copy2024", "& &x ©2024"),
        (
            "&#0;&#x110000;&#xD800;&#99999999999999;",
            "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}",
        ),
        ("&#150;&#x80;", "–€"),
        ("&#", "&#"),
        ("中&nbsp;文", "中\u{A0}文"),
        // Names the hand decoder did not know.
        ("&middot;&hellip;&Alpha;&rarrw;&NotEqualTilde;", "·…Α↝≂̸"),
    ];
    for (source, want) in table {
        assert_eq!(dom_text(&format!("<p>{source}</p>")), want, "{source}");
    }
    // In attribute values a legacy name followed by `=` or a letter stays as written.
    assert_eq!(
        starts("<a href='?a=1&ampx=2&amp;y'>x</a>", "a"),
        vec![Token::Start {
            name: "a".into(),
            attrs: vec![("href".into(), "?a=1&ampx=2&y".into())],
            self_closing: false
        }]
    );
}

/// Was a test of the hand tokenizer's token stream; the DOM stream also has the html, head
/// and body elements the parser implies, so the cases are checked piece by piece.
#[test]
fn parser_handles_comments_raw_text_and_attributes() {
    let html =
        "<!DOCTYPE html><!-- <p>x</p> --><P Class=a id=\"q&amp;a\" hidden data-x='1>2'>hi</p>\
         <script>if (a<b) { '</p>' }</script ><style>p{}</style><title>A &amp; B</title>\
         <?xml x?>1 < 2 <3";
    assert_eq!(
        starts(html, "p"),
        vec![Token::Start {
            name: "p".into(),
            // In name order (the DOM keeps attributes sorted).
            attrs: vec![
                ("class".into(), "a".into()),
                ("data-x".into(), "1>2".into()),
                ("hidden".into(), String::new()),
                ("id".into(), "q&a".into()),
            ],
            self_closing: false
        }]
    );
    assert_eq!(dom_text(html), "hiif (a<b) { '</p>' }p{}A & B1 < 2 <3");
    let (blocks, title) = page_blocks(html);
    assert_eq!(title.as_deref(), Some("A & B"));
    // The <p> is hidden.
    assert_eq!(blocks, vec![para("1 < 2 <3")]);
    // Unterminated constructs run to the end without panicking.
    for s in [
        "<",
        "<a",
        "<a href=",
        "<a href='x",
        "<!--",
        "<script>x",
        "</",
        "<p/",
        "&#x",
    ] {
        let _ = dom_tokens(s, &PageFilter::default());
        let _ = extract(s);
    }
}

#[test]
fn main_is_read_and_chrome_is_skipped() {
    let html = r##"<html><head><title>站点 &middot; 页面</title><style>h1{}</style></head>
        <body><header><a href="/">首页</a></header><nav><ul><li>导航</li></ul></nav>
        <main id="content"><h1>安装指南</h1><p>第一段
        文字，
        继续。</p><script>var x = "<p>不要</p>";</script>
        <h2 id="setup">配置 <a class="headerlink" href="#setup">¶</a></h2>
        <p>设置&nbsp;A &amp; B。<br>第二行</p><div hidden>隐藏</div><button>复制</button>
        <ul><li>一<li>二</ul></main>
        <footer>版权所有</footer></body></html>"##;
    assert_eq!(
        blocks(html),
        vec![
            heading(1, "安装指南", Some("content")),
            para("第一段文字，继续。"),
            heading(2, "配置", Some("setup")),
            para("设置 A & B。\n第二行"),
            para("一"),
            para("二"),
        ]
    );
    assert_eq!(page_blocks(html).1.as_deref(), Some("站点 · 页面"));
}

#[test]
fn without_main_articles_then_body() {
    let html = "<body><header>站头</header><article><header><h1>文章</h1></header><p>正文。</p>\
                <footer>文末</footer></article><aside>侧栏</aside><article><p>第二篇。</p></article></body>";
    assert_eq!(
        blocks(html),
        vec![
            heading(1, "文章", None),
            para("正文。"),
            para("文末"),
            para("第二篇。")
        ]
    );
    let html = "<body><header>站头</header><section id=s1><h2>小节</h2><p>内容</p><h3>子</h3>\
                <footer>节尾</footer></section><aside>侧栏</aside><footer>页脚</footer></body>";
    assert_eq!(
        blocks(html),
        vec![
            heading(2, "小节", Some("s1")),
            para("内容"),
            heading(3, "子", None),
            para("节尾")
        ]
    );
    // A fragment without <body>: everything outside <head>.
    assert_eq!(blocks("<p>片段</p>文字"), vec![para("片段"), para("文字")]);
    // An empty <main> falls back to the body.
    assert_eq!(blocks("<main></main><p>正文</p>"), vec![para("正文")]);
}

#[test]
fn anchors_from_inner_ids_and_enclosing_sections() {
    let html = "<main><section id=a><h2>甲</h2><p>x</p><h3>乙</h3></section>\
                <h2><a id=c></a>丙</h2><h2><a name=d>丁</a></h2>\
                <div id=e><div><h2 id=f>戊</h2></div></div><h2></h2></main>";
    assert_eq!(
        blocks(html),
        vec![
            heading(2, "甲", Some("a")),
            para("x"),
            heading(3, "乙", None),
            heading(2, "丙", Some("c")),
            heading(2, "丁", Some("d")),
            heading(2, "戊", Some("f")),
        ]
    );
}

#[test]
fn whitespace_collapses_like_a_browser_with_cjk_line_breaks_dropped() {
    assert_eq!(collapse("  a \n b  "), "a b");
    assert_eq!(collapse("中\n  文"), "中文");
    assert_eq!(collapse("中 文"), "中 文");
    assert_eq!(collapse("中\nA"), "中A");
    assert_eq!(collapse("A\nB"), "A B");
    assert_eq!(collapse("\u{A0}x\u{A0}"), "x");
}

#[test]
fn sections_with_titles_and_anchors() {
    let html = "<html><head><title>网站标题</title></head><body><p>开头的介绍。</p>\
                <h2 id=one>第一节</h2><p>内容一。</p><h2>第二节</h2><h3 id=three>第三节</h3><p>内容三。</p></body></html>";
    let sections = extract(html);
    let got: Vec<(String, Option<&str>, Vec<String>)> = sections
        .iter()
        .map(|s| (s.title(), s.anchor.as_deref(), s.passages.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("网站标题".into(), None, vec!["开头的介绍。".into()]),
            ("第一节".into(), Some("one"), vec!["内容一。".into()]),
            ("第二节".into(), None, vec![String::new()]),
            ("第三节".into(), Some("three"), vec!["内容三。".into()]),
        ]
    );
    assert!(extract("<html><head><title>空</title></head><body> </body></html>").is_empty());
    // No <title>, no h1: the leading text gets a derived title.
    assert_eq!(
        extract("<p>今天天气很好，我们去公园。</p>")[0].title(),
        "今天天气很好"
    );
}

#[test]
fn page_title_is_the_title_tag_else_the_first_h1() {
    let table = [
        (
            "<title>  Debian \n\t FAQ 手册 </title><h1>大标题</h1>",
            Some("Debian FAQ 手册"),
        ),
        (
            "<h2>小</h2><h1>大 <b>标题</b></h1><h1>第二</h1>",
            Some("大 标题"),
        ),
        ("<title> </title><h1>大标题</h1>", Some("大标题")),
        ("<p>没有标题</p>", None),
    ];
    for (html, want) in table {
        assert_eq!(read_page(html).title.as_deref(), want, "{html}");
    }
}

#[test]
fn parents_are_the_heading_path_above_each_section() {
    let html = "<h1>书</h1><p>序。</p><h2>第一章</h2><h3>一节</h3><p>甲</p><h4>细目</h4>\
                <h3>二节</h3><h2>第二章</h2><p>乙</p><h4>跳级</h4><h1>附录</h1>";
    let got = titles_and_parents(extract(html));
    assert_eq!(
        got,
        vec![
            ("书".into(), path(&[])),
            ("第一章".into(), path(&["书"])),
            ("一节".into(), path(&["书", "第一章"])),
            ("细目".into(), path(&["书", "第一章", "一节"])),
            ("二节".into(), path(&["书", "第一章"])),
            ("第二章".into(), path(&["书"])),
            ("跳级".into(), path(&["书", "第二章"])),
            ("附录".into(), path(&[])),
        ]
    );
    // Text before any heading has no parents.
    assert!(extract("<p>前言</p><h2>甲</h2>")[0].parents.is_empty());
}

#[test]
fn link_percent_is_the_share_of_link_text_per_passage() {
    let long_text = "正文".repeat(40);
    let table: Vec<(String, Vec<u8>)> = vec![
        // A table of contents: all link text.
        (
            "<h2>目录</h2><ul><li><a href=a.html>第一章 安装</a><li><a href=b.html>第二章 配置</a></ul>"
                .into(),
            vec![100],
        ),
        // Plain prose.
        ("<h2>甲</h2><p>没有链接的段落。</p>".into(), vec![0]),
        // Half of the visible characters are link text (spaces do not count).
        ("<h2>甲</h2><p>请 看一 <a href=x>这一节</a></p>".into(), vec![50]),
        // An anchor without href is not a link.
        ("<h2>甲</h2><p><a name=x>锚点文字</a></p>".into(), vec![0]),
        // A heading link does not count for the passage.
        ("<h2><a href=#a>甲</a></h2><p>正文</p>".into(), vec![0]),
        // A long paragraph next to a short link line: merged into one passage, shared.
        (
            format!("<h2>甲</h2><p>{long_text}</p><p><a href=n.html>下一页</a></p>"),
            vec![4],
        ),
        // A heading without text has one empty passage with share 0.
        ("<h2>甲</h2>".into(), vec![0]),
    ];
    for (html, want) in table {
        let sections = extract(&html);
        let got: Vec<u8> = sections
            .iter()
            .flat_map(|s| s.link_percent.clone())
            .collect();
        assert_eq!(got, want, "{html}");
        for s in &sections {
            assert_eq!(s.link_percent.len(), s.passages.len(), "{html}");
        }
    }
}

#[test]
fn a_meta_charset_does_not_stop_the_parse() {
    let html =
        "<head><meta charset=utf-8><meta http-equiv=Content-Type content='text/html; charset=gbk'>\
                <title>题</title></head><body><p>正文</p></body>";
    assert_eq!(page_blocks(html), (vec![para("正文")], Some("题".into())));
}

/// DocBook writes XHTML `<a id="x"/>` inside headings, which HTML reads as an open `<a>`
/// that the parser reopens after the heading (with the same id): each heading keeps its
/// own anchor, not the previous heading's.
#[test]
fn xhtml_self_closed_anchors_keep_each_heading_its_own_id() {
    let html = "<body><div class=chapter><h1 class=title><a id=\"ch\"/>第 1 章</h1>\n \
                <div class=section>\n <h2 class=title><a id=\"s1\"/>1.1 甲</h2>\n <p>一</p></div>\n \
                <div class=section>\n <h2 class=title><a id=\"s2\"/>1.2 乙</h2>\n <p>二</p>\n \
                <div class=section>\n <h3><a id=\"s21\"/>1.2.1 丙</h3>\n <p>三</p></div></div></div></body>";
    assert_eq!(
        blocks(html),
        vec![
            heading(1, "第 1 章", Some("ch")),
            heading(2, "1.1 甲", Some("s1")),
            para("一"),
            heading(2, "1.2 乙", Some("s2")),
            para("二"),
            heading(3, "1.2.1 丙", Some("s21")),
            para("三"),
        ]
    );
}

proptest::proptest! {
    /// Any soup of markup characters reads without panicking.
    #[test]
    fn markup_soup_never_panics(html in "[<>/!?=&#;:xapbdhimnrstvy1-6\"' \n中文é\\-]{0,300}") {
        let _ = extract(&html);
    }

    /// Well-formed pages lose no text: every character of every paragraph and heading is in
    /// a passage or a title, in order.
    #[test]
    fn nothing_is_dropped(
        blocks in proptest::collection::vec((0u8..4, "[中文字词甲乙丙a-z0-9，。 ]{1,40}"), 1..12),
    ) {
        let mut html = String::from("<!doctype html><title>页</title><main>");
        let mut expected = String::new();
        for (kind, text) in &blocks {
            let escaped = text.replace('&', "&amp;");
            html.push_str(&match kind {
                0 => format!("<h2 id=x>{escaped}</h2>"),
                1 => format!("<p>{escaped}</p>"),
                2 => format!("<ul><li>{escaped}</ul>"),
                _ => format!("<div><span>{escaped}</span><br></div>"),
            });
            expected.extend(text.chars().filter(|c| !c.is_whitespace()));
        }
        html.push_str("</main>");
        let mut got = String::new();
        for section in extract(&html) {
            if !section.headings.is_empty() && section.headings != ["页"] {
                got.push_str(&section.title());
            }
            for p in &section.passages {
                got.push_str(p);
            }
        }
        let got: String = got.chars().filter(|c| !c.is_whitespace()).collect();
        proptest::prop_assert_eq!(got, expected);
    }
}

#[test]
fn deep_nesting_is_linear_and_safe() {
    let html = format!(
        "{}<p>深</p>{}",
        "<div><span>".repeat(5000),
        "</span></div>".repeat(5000)
    );
    assert_eq!(blocks(&html), vec![para("深")]);
    let html = format!(
        "<main>{}<h2 id=x>题</h3>正文{}</main>",
        "<b>".repeat(300),
        "</i>".repeat(20_000)
    );
    assert_eq!(
        blocks(&html),
        vec![heading(2, "题", Some("x")), para("正文")]
    );
    // Beyond MAX_DEPTH the structure is flattened; the text is still read, in linear time.
    let html = format!(
        "<main>{}<p>底</p>{}</main>",
        "<b><div>".repeat(50_000),
        "</div></b>".repeat(50_000)
    );
    let started = std::time::Instant::now();
    let got = blocks(&html);
    assert!(
        started.elapsed().as_secs() < 5,
        "deep nesting took {:?}",
        started.elapsed()
    );
    assert!(
        got.iter()
            .any(|b| matches!(b, Block::Paragraph { text, .. } if text.contains('底'))),
        "{got:?}"
    );
}
