//! HTML corpora: the fixture site under `tests/site/` (three pages with headings, ids, entities
//! and navigation/script/footer noise) read, cut into anchored passages, indexed and searched
//! natively. The browser test (`tests/e2e/site.test.mjs`) builds the same site into wasm and
//! clicks through to the pages.

mod common;

use std::path::Path;

use zh_search::search::SearchOptions;
use zh_search_index::{read_corpus, url_path, Layout};

const SITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/site");

/// (title, anchor, passages) of every section of a page.
type Sections = Vec<(String, Option<String>, Vec<String>)>;

fn pages() -> Vec<(String, Option<String>, Sections)> {
    let corpus = read_corpus(Path::new(SITE)).unwrap();
    corpus
        .docs
        .iter()
        .map(|doc| {
            let sections = doc
                .sections
                .iter()
                .map(|s| (s.title(), s.anchor.clone(), s.passages.clone()))
                .collect();
            (doc.name.clone(), doc.url.clone(), sections)
        })
        .collect()
}

fn section(
    title: &str,
    anchor: Option<&str>,
    passages: &[&str],
) -> (String, Option<String>, Vec<String>) {
    (
        title.to_string(),
        anchor.map(str::to_string),
        passages.iter().map(|p| p.to_string()).collect(),
    )
}

#[test]
fn pages_are_cut_into_anchored_passages() {
    let pages = pages();
    let names: Vec<&str> = pages.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(
        names,
        ["guide/food.htm", "guide/光岳楼.html", "index.html"],
        "only .html/.htm pages, in path order (site.css is not indexed)"
    );
    let urls: Vec<Option<&str>> = pages.iter().map(|p| p.1.as_deref()).collect();
    assert_eq!(
        urls,
        [
            Some("guide/food.htm"),
            Some("guide/%E5%85%89%E5%B2%B3%E6%A5%BC.html"),
            Some("index.html")
        ]
    );

    // No <main>: the <article>, with its own header and footer; the sidebar is not read.
    assert_eq!(
        pages[0].2,
        vec![
            section("聊城美食", None, &["编辑部整理"]),
            section(
                "沙镇呱嗒",
                Some("shaobing"),
                &["呱嗒是一种带馅的烤饼，外皮酥脆。"]
            ),
            section(
                "魏氏熏鸡",
                Some("tofu"),
                &["选用本地散养鸡\n果木熏制，色泽金黄\n文章末尾的说明：价格以店内为准。"]
            ),
        ]
    );
    // <main id=content>: its first heading takes its id; the <section id=history> gives its
    // heading an anchor; a heading with neither has none; <br> is a line break; the permalink
    // marker, <noscript>, <template>, <button> and [hidden] are dropped; entities decoded.
    assert_eq!(
        pages[1].2,
        vec![
            section(
                "光岳楼",
                Some("content"),
                &["光岳楼位于聊城古城中央，是现存最古老、最高大的木构楼阁之一。"]
            ),
            section(
                "历史沿革",
                Some("history"),
                &["光岳楼始建于明洪武七年（1374 年），原名“余木楼”。\n明弘治九年改称光岳楼，取“东岳泰山之光”之意。"]
            ),
            section(
                "门票与开放时间",
                Some("tickets"),
                &["门票<四十元>，学生半价&老人免票。\n开放时间：每天八点至十八点。"]
            ),
            section("交通", None, &["从火车站乘坐公交车约二十分钟可到达古城。"]),
        ]
    );
    // A line break between CJK characters in the source is not a space.
    assert_eq!(
        pages[2].2,
        vec![
            section(
                "欢迎来到聊城",
                None,
                &["聊城是一座“江北水城”，古城、湖泊与运河交织在一起。"]
            ),
            section(
                "最新消息",
                Some("news"),
                &["东昌湖环湖步道已经全线贯通，市民可以沿湖骑行。\n运河博物馆推出夜间开放活动。"]
            ),
        ]
    );
    // Every piece of noise in the fixture says 不索引 ("not indexed").
    for (name, _, sections) in &pages {
        for (title, _, passages) in sections {
            assert!(!title.contains("不索引"), "{name}: {title}");
            for p in passages {
                assert!(!p.contains("不索引"), "{name}: {p}");
            }
        }
    }
}

#[test]
fn hits_carry_the_page_url_and_heading_anchor() {
    let corpus = read_corpus(Path::new(SITE)).unwrap();
    for layout in [Layout::Scan, Layout::Grams] {
        let engine = common::docs_engine(&corpus.docs, layout);
        let top = |q: &str| {
            let hit = engine.search(q, SearchOptions::default()).unwrap().hits[0].clone();
            (hit.source, hit.url, hit.anchor, hit.title)
        };
        let link =
            |url: &str, anchor: Option<&str>| (Some(url.to_string()), anchor.map(str::to_string));
        let (source, url, anchor, title) = top("开放时间");
        assert_eq!(source, "guide/光岳楼.html");
        assert_eq!(
            (url, anchor),
            link("guide/%E5%85%89%E5%B2%B3%E6%A5%BC.html", Some("tickets"))
        );
        assert_eq!(title, "门票与开放时间");
        let (_, url, anchor, _) = top("呱嗒");
        assert_eq!((url, anchor), link("guide/food.htm", Some("shaobing")));
        let (_, url, anchor, _) = top("运河博物馆");
        assert_eq!((url, anchor), link("index.html", Some("news")));
        let (_, url, anchor, _) = top("公交车");
        assert_eq!(
            (url, anchor),
            link("guide/%E5%85%89%E5%B2%B3%E6%A5%BC.html", None)
        );
        for noise in [
            "导航菜单不索引",
            "页脚版权信息不索引",
            "脚本文字不索引",
            "侧栏推荐不索引",
        ] {
            let found = engine.search(noise, SearchOptions::default()).unwrap();
            assert!(found.total == 0 || found.partial, "{noise} was indexed");
        }
    }
}

#[test]
fn url_paths_are_percent_encoded() {
    assert_eq!(url_path("a/b-c_d.~e.html"), "a/b-c_d.~e.html");
    assert_eq!(
        url_path("新闻/第 1 期.html"),
        "%E6%96%B0%E9%97%BB/%E7%AC%AC%201%20%E6%9C%9F.html"
    );
    assert_eq!(url_path("a#b?c%d&e+f.html"), "a%23b%3Fc%25d%26e%2Bf.html");
}
