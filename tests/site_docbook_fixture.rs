//! The fixture site `tests/site-docbook/` (trimmed pages of Debian's Chinese documentation, see
//! its README) is what the DocBook tests rely on: this checks the fixture itself, so a test that
//! uses it cannot pass because a page went missing, was re-saved as UTF-8 or lost the structure
//! it is there for. It reads bytes only; no index is built here.

use std::fs;
use std::path::{Path, PathBuf};

const SITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/site-docbook");

/// Pages saved as UTF-8 (relative to the fixture folder).
const UTF8_PAGES: [&str; 3] = [
    "reference/ch02.zh-cn.html",
    "faq/pkgtools.zh-cn.html",
    "maint-guide/first.zh-cn.html",
];
/// Saved as GBK and declaring it with `<meta charset="gbk">`.
const GBK_DECLARED: &str = "faq/uptodate.zh-cn.html";
/// Saved as GBK without any charset declaration.
const GBK_UNDECLARED: &str = "faq/kernel.zh-cn.html";

/// The navigation look-alike every page carries verbatim (the README's "site links" block).
const SITE_LINKS: &str = "<div class=\"site-links\"><p><a href=\"../reference/ch02.zh-cn.html\">Debian 参考手册</a> | <a href=\"../faq/pkgtools.zh-cn.html\">Debian 常见问题</a> | <a href=\"../maint-guide/first.zh-cn.html\">Debian 新维护者手册</a></p><p>本镜像由志愿者维护，每日凌晨同步一次上游文档，发现错漏请写信告知镜像管理员。</p></div>";
/// A phrase of that block, and its GBK bytes (`printf 每日凌晨同步一次上游文档 | iconv -t GBK`).
const SITE_LINKS_PHRASE: &str = "每日凌晨同步一次上游文档";
const SITE_LINKS_PHRASE_GBK: &[u8] = &[
    0xc3, 0xbf, 0xc8, 0xd5, 0xc1, 0xe8, 0xb3, 0xbf, 0xcd, 0xac, 0xb2, 0xbd, 0xd2, 0xbb, 0xb4, 0xce,
    0xc9, 0xcf, 0xd3, 0xce, 0xce, 0xc4, 0xb5, 0xb5,
];
/// The phrase inside the element marked `data-zh-search-ignore` (on pkgtools only), and its GBK bytes.
const IGNORED_PHRASE: &str = "校对第三轮";
const IGNORED_PHRASE_GBK: &[u8] = &[0xd0, 0xa3, 0xb6, 0xd4, 0xb5, 0xda, 0xc8, 0xfd, 0xc2, 0xd6];
/// Section headings of the two GBK pages, GBK-encoded: 必须进入单用户模式才能升级软件包吗 (9.2)
/// and 我可以安装和编译未经过 (10.1).
const GBK_HEADING_UPTODATE: &[u8] = &[
    0xb1, 0xd8, 0xd0, 0xeb, 0xbd, 0xf8, 0xc8, 0xeb, 0xb5, 0xa5, 0xd3, 0xc3, 0xbb, 0xa7, 0xc4, 0xa3,
    0xca, 0xbd, 0xb2, 0xc5, 0xc4, 0xdc, 0xc9, 0xfd, 0xbc, 0xb6, 0xc8, 0xed, 0xbc, 0xfe, 0xb0, 0xfc,
    0xc2, 0xf0,
];
const GBK_HEADING_KERNEL: &[u8] = &[
    0xce, 0xd2, 0xbf, 0xc9, 0xd2, 0xd4, 0xb0, 0xb2, 0xd7, 0xb0, 0xba, 0xcd, 0xb1, 0xe0, 0xd2, 0xeb,
    0xce, 0xb4, 0xbe, 0xad, 0xb9, 0xfd,
];

fn path(rel: &str) -> PathBuf {
    Path::new(SITE).join(rel)
}

fn bytes(rel: &str) -> Vec<u8> {
    fs::read(path(rel)).unwrap_or_else(|e| panic!("tests/site-docbook/{rel}: {e}"))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn count(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

/// Every byte sequence is ASCII or a GBK double-byte character (lead 0x81–0xFE, trail 0x40–0x7E
/// or 0x80–0xFE); returns the number of double-byte characters, or the offset of the first
/// byte that is neither.
fn gbk_chars(b: &[u8]) -> Result<usize, usize> {
    let mut i = 0;
    let mut n = 0;
    while i < b.len() {
        match b[i] {
            0x00..=0x7f => i += 1,
            0x81..=0xfe if matches!(b.get(i + 1), Some(0x40..=0x7e | 0x80..=0xfe)) => {
                i += 2;
                n += 1;
            }
            _ => return Err(i),
        }
    }
    Ok(n)
}

/// The ASCII skeleton of a page (non-ASCII bytes dropped): enough to find tags, ids and links
/// in a GBK page, whose double-byte characters all start above 0x80.
fn ascii(b: &[u8]) -> String {
    b.iter()
        .filter(|c| c.is_ascii())
        .map(|&c| c as char)
        .collect()
}

fn all_pages() -> Vec<&'static str> {
    let mut v = UTF8_PAGES.to_vec();
    v.push(GBK_DECLARED);
    v.push(GBK_UNDECLARED);
    v
}

#[test]
fn the_fixture_holds_five_pages_its_assets_and_stays_small() {
    let mut html = Vec::new();
    let mut total = 0;
    let mut stack = vec![PathBuf::from(SITE)];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.file_name().is_some_and(|n| n != "README.md") {
                total += fs::metadata(&p).unwrap().len();
            }
            if p.extension().is_some_and(|x| x == "html") {
                html.push(p.strip_prefix(SITE).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    html.sort();
    let mut expected: Vec<String> = all_pages().iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(html, expected, "the fixture's pages");
    for asset in [
        "debian.css",
        "images/prev.png",
        "images/next.png",
        "images/home.png",
        "images/note.png",
        "README.md",
    ] {
        assert!(path(asset).is_file(), "{asset} is missing");
    }
    assert!(
        total <= 60 * 1024,
        "tests/site-docbook's pages and assets are {total} bytes: keep the fixture small"
    );
}

#[test]
fn utf8_pages_keep_their_docbook_structure() {
    for rel in UTF8_PAGES {
        let b = bytes(rel);
        let s = std::str::from_utf8(&b).unwrap_or_else(|e| panic!("{rel} is not UTF-8: {e}"));
        assert!(
            s.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\""),
            "{rel}: XML declaration"
        );
        assert!(
            s.contains("charset=UTF-8"),
            "{rel}: declares UTF-8 in its meta"
        );
        for part in [
            "<div class=\"navheader\">",
            "<div class=\"navfooter\">",
            "<div class=\"titlepage\">",
            "<div class=\"toc\">",
            "<h1 class=\"title\">",
            "<div class=\"section\">",
        ] {
            assert!(s.contains(part), "{rel} lost {part}");
        }
        assert_eq!(
            s.matches(SITE_LINKS).count(),
            1,
            "{rel}: the site-links block, verbatim, once"
        );
        // An empty <a id="x"/> read as HTML would open a link around the rest of its heading.
        assert!(!has_self_closing_anchor(s), "{rel}: a self-closing <a>");
    }
}

fn has_self_closing_anchor(s: &str) -> bool {
    s.split("<a ").skip(1).any(|rest| {
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        tag.ends_with('/')
    })
}

#[test]
fn toc_links_point_at_ids_on_their_own_page() {
    for rel in all_pages() {
        let page = ascii(&bytes(rel));
        let file = rel.rsplit('/').next().unwrap();
        let ids: Vec<&str> = page
            .split(" id=\"")
            .skip(1)
            .map(|r| &r[..r.find('"').unwrap()])
            .collect();
        let mut checked = 0;
        for link in page
            .split("href=\"")
            .skip(1)
            .map(|r| &r[..r.find('"').unwrap()])
        {
            let frag = link
                .strip_prefix('#')
                .or_else(|| link.strip_prefix(&format!("{file}#")));
            if let Some(frag) = frag {
                assert!(
                    ids.contains(&frag),
                    "{rel}: link {link} has no target on the page"
                );
                checked += 1;
            }
        }
        assert!(
            checked > 0,
            "{rel}: no in-page link (its table of contents?)"
        );
    }
}

#[test]
fn gbk_pages_really_are_gbk() {
    for (rel, heading) in [
        (GBK_DECLARED, GBK_HEADING_UPTODATE),
        (GBK_UNDECLARED, GBK_HEADING_KERNEL),
    ] {
        let b = bytes(rel);
        assert!(
            std::str::from_utf8(&b).is_err(),
            "{rel} must not be valid UTF-8"
        );
        let chars = gbk_chars(&b).unwrap_or_else(|at| panic!("{rel}: byte {at} is not GBK"));
        assert!(chars > 300, "{rel}: only {chars} double-byte characters");
        assert!(contains(&b, heading), "{rel}: its section heading in GBK");
        assert!(
            contains(&b, SITE_LINKS_PHRASE_GBK),
            "{rel}: the site-links block in GBK"
        );
        assert!(
            !ascii(&b).contains("<?xml"),
            "{rel}: no XML declaration claiming UTF-8"
        );
        assert!(
            ascii(&b).contains("<div class=\"navheader\">"),
            "{rel}: navheader"
        );
        assert!(
            ascii(&b).contains("<div class=\"navfooter\">"),
            "{rel}: navfooter"
        );
    }
}

#[test]
fn one_gbk_page_declares_its_charset_and_the_other_declares_none() {
    let declared = bytes(GBK_DECLARED);
    let head = ascii(&declared[..1024.min(declared.len())]);
    assert!(
        head.contains("<meta charset=\"gbk\" />"),
        "{GBK_DECLARED}: <meta charset=\"gbk\"> within the first 1024 bytes (where browsers look)"
    );
    assert_eq!(
        ascii(&declared)
            .to_ascii_lowercase()
            .matches("charset")
            .count(),
        1
    );
    let undeclared = ascii(&bytes(GBK_UNDECLARED)).to_ascii_lowercase();
    assert!(
        !undeclared.contains("charset"),
        "{GBK_UNDECLARED} must not declare a charset"
    );
    assert!(
        !undeclared.contains("encoding="),
        "{GBK_UNDECLARED} must not declare an encoding"
    );
}

#[test]
fn the_ignored_phrase_is_only_inside_the_ignored_element() {
    let page = String::from_utf8(bytes("faq/pkgtools.zh-cn.html")).unwrap();
    assert_eq!(page.matches("data-zh-search-ignore").count(), 1);
    assert_eq!(page.matches(IGNORED_PHRASE).count(), 1);
    let element = page.split("data-zh-search-ignore").nth(1).unwrap();
    let element = &element[..element.find("</div>").unwrap()];
    assert!(
        element.contains(IGNORED_PHRASE),
        "the phrase sits inside the ignored element"
    );
    for rel in UTF8_PAGES
        .into_iter()
        .filter(|r| *r != "faq/pkgtools.zh-cn.html")
    {
        let s = String::from_utf8(bytes(rel)).unwrap();
        assert!(
            !s.contains(IGNORED_PHRASE),
            "{rel} holds the ignored phrase"
        );
        assert!(!s.contains("data-zh-search-ignore"), "{rel}");
    }
    for rel in [GBK_DECLARED, GBK_UNDECLARED] {
        assert_eq!(
            count(&bytes(rel), IGNORED_PHRASE_GBK),
            0,
            "{rel} holds the ignored phrase"
        );
    }
}

#[test]
fn the_site_links_phrase_is_only_in_the_repeated_block() {
    for rel in UTF8_PAGES {
        let s = String::from_utf8(bytes(rel)).unwrap();
        assert_eq!(s.matches(SITE_LINKS_PHRASE).count(), 1, "{rel}");
    }
    for rel in [GBK_DECLARED, GBK_UNDECLARED] {
        assert_eq!(count(&bytes(rel), SITE_LINKS_PHRASE_GBK), 1, "{rel}");
    }
}
