#!/usr/bin/env python3
"""Rebuild tests/site-docbook/ from the Debian documentation packages (run by hand, never by a test).

    bench/docbook-fixture.py USR_SHARE OUT_DIR

USR_SHARE is the usr/share folder of `dpkg -x` over debian-reference-zh-cn, debian-faq-zh-cn and
maint-guide-zh-cn (bench.mjs unpacks them into bench/work/debian/pkgs/x/usr/share). Each page is
trimmed to a few of its sections and keeps its real DocBook structure: navheader and navfooter,
titlepage, table of contents (pruned to the entries whose target survived), footnotes that kept
sections reference, `id` anchors. Then the fixture's own additions, which the README lists: one
block of site links repeated verbatim on every page (a navigation look-alike in a plain <div>), an
element marked data-zh-search-ignore, and two pages saved as GBK (one with <meta charset="gbk">,
one without any charset declaration).

XHTML is parsed with ElementTree (DocBook XSL writes well-formed XML) and written back by hand:
void elements as <x />, every other element with an end tag (an empty <a id="…"/> would open a
link that swallows the rest of the heading when read as HTML).
"""
import os
import re
import sys
import xml.etree.ElementTree as ET

XHTML = "{http://www.w3.org/1999/xhtml}"
VOID = {"meta", "link", "img", "hr", "br", "col", "input", "area", "base"}

# (source below USR_SHARE, fixture path, sections kept (ids), encoding, charset declaration)
PAGES = [
    ("debian-reference/ch02.zh-cn.html", "reference/ch02.zh-cn.html",
     {"_basic_package_management_operations", "_tips_for_the_package_management",
      "_more_readings_for_the_package_management"}, "utf-8", "keep"),
    ("doc/debian/FAQ/zh-cn/pkgtools.zh-cn.html", "faq/pkgtools.zh-cn.html",
     {"pkgprogs", "dpkg", "whatpackages", "filesearch"}, "utf-8", "keep"),
    ("doc/debian/FAQ/zh-cn/uptodate.zh-cn.html", "faq/uptodate.zh-cn.html",
     {"upgradesingle", "autoupdate", "aptcacher"}, "gbk", "meta"),
    ("doc/debian/FAQ/zh-cn/kernel.zh-cn.html", "faq/kernel.zh-cn.html",
     {"non-debian-kernel", "modules"}, "gbk", "none"),
    ("doc/maint-guide-zh-cn/html/first.zh-cn.html", "maint-guide/first.zh-cn.html",
     {"workflow", "dh-make"}, "utf-8", "keep"),
]

# The navigation look-alike: the same block, byte for byte, at the top of every page's <body>.
SITE_LINKS = (
    '<div class="site-links"><p><a href="../reference/ch02.zh-cn.html">Debian 参考手册</a> | '
    '<a href="../faq/pkgtools.zh-cn.html">Debian 常见问题</a> | '
    '<a href="../maint-guide/first.zh-cn.html">Debian 新维护者手册</a></p>'
    '<p>本镜像由志愿者维护，每日凌晨同步一次上游文档，发现错漏请写信告知镜像管理员。</p></div>'
)

# The element a site owner keeps out of the index (on pkgtools only).
IGNORED = (
    '<div class="translation-status" data-zh-search-ignore="">'
    '<p>本页译文校对记录：译者青石巷于校对第三轮补全了缺漏的脚注。</p></div>'
)


def local(tag):
    return tag.split("}", 1)[1] if tag.startswith("{") else tag


def esc_text(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def esc_attr(s):
    return esc_text(s).replace('"', "&quot;")


def write(e, out, root=False):
    name = local(e.tag)
    attrs = "".join(f' {local(k)}="{esc_attr(v)}"' for k, v in e.attrib.items())
    if root:
        attrs = ' xmlns="http://www.w3.org/1999/xhtml"' + attrs
    if name in VOID:
        out.append(f"<{name}{attrs} />")
    else:
        out.append(f"<{name}{attrs}>")
        if e.text:
            out.append(esc_text(e.text) if name not in ("style", "script") else e.text)
        for c in e:
            write(c, out)
        out.append(f"</{name}>")
    if e.tail and not root:
        out.append(esc_text(e.tail))


def cls(e):
    return (e.get("class") or "").split()


def section_id(sec):
    """The id of a DocBook section: the <a id> in its heading."""
    for h in sec.iter():
        if local(h.tag) in ("h1", "h2", "h3", "h4", "h5", "h6"):
            for a in h.iter():
                if local(a.tag) == "a" and a.get("id"):
                    return a.get("id")
            return h.get("id")
    return None


def prune_sections(parent, keep):
    for c in list(parent):
        if local(c.tag) == "div" and "section" in cls(c):
            if section_id(c) in keep:
                prune_sections(c, keep)
            else:
                parent.remove(c)
        else:
            prune_sections(c, keep)


def prune_lists(parent, ids):
    """Drop toc / list-of-tables entries (dt and its dd) and footnotes whose target is gone."""
    for dl in [d for d in parent.iter() if local(d.tag) == "dl"]:
        kids = list(dl)
        drop = False
        for c in kids:
            if local(c.tag) == "dt":
                hrefs = [a.get("href") for a in c.iter() if local(a.tag) == "a" and a.get("href")]
                frag = [h.split("#", 1)[1] for h in hrefs if "#" in h]
                drop = bool(frag) and frag[0] not in ids
                if drop:
                    dl.remove(c)
            elif local(c.tag) == "dd" and drop:
                dl.remove(c)
    for fns in [d for d in parent.iter() if local(d.tag) == "div" and "footnotes" in cls(d)]:
        for fn in list(fns):
            if local(fn.tag) == "div" and "footnote" in cls(fn):
                back = [a.get("href")[1:] for a in fn.iter() if local(a.tag) == "a" and (a.get("href") or "").startswith("#")]
                if back and back[0] not in ids:
                    fns.remove(fn)
    # Lists of tables, figures…: a div whose dl lost every entry goes too.
    for div in [d for d in parent.iter() if local(d.tag) == "div"]:
        for c in list(div):
            if local(c.tag) == "div" and ("list-of-tables" in cls(c) or "footnotes" in cls(c)):
                if not any(local(x.tag) in ("dt", "div") for x in c.iter() if x is not c):
                    div.remove(c)


def trim(src, dst, keep, encoding, declare):
    raw = open(src, encoding="utf-8").read()
    prolog = raw[: raw.index("<html")]
    root = ET.fromstring(raw)
    body = root.find(XHTML + "body")
    prune_sections(body, keep)
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    prune_lists(body, ids)
    # Shared assets: one images/ folder and one stylesheet for the whole fixture.
    for e in root.iter():
        if local(e.tag) == "img" and e.get("src", "").startswith("images/"):
            e.set("src", "../" + e.get("src"))
        if local(e.tag) == "link" and e.get("rel") == "stylesheet":
            e.set("href", "../debian.css")
    out = []
    write(root, out, root=True)
    html = "".join(out)
    html = html.replace("<body>", "<body>" + SITE_LINKS, 1)
    if dst.endswith("pkgtools.zh-cn.html"):
        marker = '<div class="toc">'
        html = html.replace(marker, IGNORED + marker, 1)
    content_type = re.compile(r'<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />')
    if declare == "meta":
        html, n = content_type.subn('<meta charset="gbk" />', html)
        assert n == 1, src
    elif declare == "none":
        html, n = content_type.subn("", html)
        assert n == 1, src
    if encoding != "utf-8":
        # The XML declaration says UTF-8: a GBK page must not carry it (browsers ignore it, but
        # it would contradict the page's bytes).
        prolog = re.sub(r"<\?xml[^>]*\?>", "", prolog)
    text = prolog + html + "\n"
    if encoding != "utf-8":
        # Characters GBK cannot hold (U+00A0 from DocBook's navigation cells) as references.
        text = "".join(c if c.encode(encoding, "ignore") else f"&#{ord(c)};" for c in text)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(dst, "wb") as f:
        f.write(text.encode(encoding))


def main():
    share, out = sys.argv[1], sys.argv[2]
    for src, dst, keep, encoding, declare in PAGES:
        trim(os.path.join(share, src), os.path.join(out, dst), keep, encoding, declare)
    faq = os.path.join(share, "doc/debian/FAQ/zh-cn")
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    for png in ("prev.png", "next.png", "home.png", "note.png"):
        with open(os.path.join(faq, "images", png), "rb") as f, open(os.path.join(out, "images", png), "wb") as g:
            g.write(f.read())
    with open(os.path.join(faq, "debian.css"), "rb") as f, open(os.path.join(out, "debian.css"), "wb") as g:
        g.write(f.read())


if __name__ == "__main__":
    main()
