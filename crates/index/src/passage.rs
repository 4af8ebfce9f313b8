//! Cutting a corpus file into titled passages (build time).
//!
//! Real corpora are OCR'd newspaper pages: lines wrap every ~14 characters, blank lines fall
//! inside words (`标\n\n志着`), headlines are plain lines and bylines sit between stories. The
//! cutter therefore works in three steps:
//!
//! 1. **Runs → blocks.** Non-blank lines are grouped into runs. A run is a Markdown heading, a
//!    byline (`(通讯员 …)`, `记者 …`), a *heading-like* line (only in files without Markdown
//!    headings: a standalone short line without sentence punctuation that is clearly shorter or
//!    longer than the file's wrap width), or body text. Body runs are joined across blank lines
//!    unless the text before the blank line ends a sentence (`。！？”）…`): a blank line inside a
//!    sentence is an OCR artefact, not a paragraph break. Lines are joined without a separator
//!    when either side is CJK and with one space otherwise; digit gaps are repaired.
//! 2. **Blocks → sections.** Headings open sections (consecutive heading-like lines form one
//!    title). A byline after body text ends a story; body after it opens an untitled section.
//!    Heading-like lines at the very end of a file title the untitled story before them
//!    (newspaper layouts put some headlines after their story). Untitled sections get a title
//!    derived from their first clause.
//! 3. **Sections → passages.** Paragraphs longer than [`MAX_PASSAGE_CHARS`] are split at
//!    sentence ends; pieces shorter than `MIN_PASSAGE_CHARS` are merged with a neighbour.
//!
//! Nothing is dropped: every non-whitespace character of the file (Markdown `#` markers aside)
//! ends up in exactly one passage text or in a heading.

use crate::normalize::{is_cjk, repair_number_gaps};

/// Passages longer than this are split at sentence boundaries.
pub const MAX_PASSAGE_CHARS: usize = 300;
/// Pieces shorter than this are merged into a neighbouring passage of the same section.
pub(crate) const MIN_PASSAGE_CHARS: usize = 60;
/// Longest line still considered a heading.
pub(crate) const MAX_HEADING_CHARS: usize = 40;
/// Separator between the parts of a multi-line title.
pub const TITLE_SEPARATOR: &str = " · ";

/// How a file's blank lines are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// `.txt`, typically OCR'd: a blank line inside a sentence is an artefact and is joined;
    /// headlines are recognised from the layout when there are no Markdown headings.
    Plain,
    /// `.md`: a blank line always separates paragraphs, and only `#` headings are headings.
    Markdown,
}

/// A titled group of passages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    /// Headings from the source, in order (empty for untitled sections).
    pub headings: Vec<String>,
    /// For untitled sections: a title made from the first clause (not source text of its own).
    pub derived_title: Option<String>,
    pub passages: Vec<String>,
    /// HTML pages: the id a link to this section's heading uses (`page.html#anchor`), when the
    /// page has one (see `html`). Text and Markdown files have none.
    pub anchor: Option<String>,
    /// HTML pages: the headings of the sections that enclose this one, outermost first (an
    /// `h3` section under `h1` › `h2` has those two); empty for top-level sections and files
    /// without a heading hierarchy.
    pub parents: Vec<String>,
    /// Per passage (same order as `passages`): the share of its characters that are link
    /// text, in percent (0–100). Empty means no links anywhere (text and Markdown files).
    pub link_percent: Vec<u8>,
}

impl Section {
    pub fn title(&self) -> String {
        if self.headings.is_empty() {
            self.derived_title.clone().unwrap_or_default()
        } else {
            self.headings.join(TITLE_SEPARATOR)
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BlockKind {
    Markdown,
    HeadingLike,
    Byline,
    Body,
}

#[derive(Debug)]
struct Block {
    kind: BlockKind,
    text: String,
    /// Markdown headings: the number of `#`.
    level: usize,
}

/// Characters after which a blank line is a paragraph break.
fn ends_sentence(c: char) -> bool {
    matches!(
        c,
        '。' | '！'
            | '？'
            | '!'
            | '?'
            | '；'
            | ';'
            | '…'
            | '」'
            | '』'
            | '”'
            | '’'
            | '）'
            | ')'
            | '.'
            | '．'
    )
}

fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF | 0x2010..=0x2027 | 0x00B7 | 0x2E80..=0x2FDF)
}

/// Separator used when a line break between `a` and `b` is joined.
fn join_separator(a: char, b: char) -> &'static str {
    if is_cjk(a) || is_cjk(b) || is_cjk_punct(a) || is_cjk_punct(b) {
        ""
    } else {
        " "
    }
}

fn push_joined(text: &mut String, next: &str) {
    if let (Some(a), Some(b)) = (text.chars().next_back(), next.chars().next()) {
        text.push_str(join_separator(a, b));
    }
    text.push_str(next);
}

fn markdown_heading(line: &str) -> Option<&str> {
    markdown_heading_with_level(line).map(|(text, _)| text)
}

/// A Markdown ATX heading's text and level (the number of `#`).
fn markdown_heading_with_level(line: &str) -> Option<(&str, usize)> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &line[hashes..];
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    // A closing run of `#` is markup only after a space or tab (CommonMark): `# C#` is "C#".
    let text = rest.trim();
    let unclosed = text.trim_end_matches('#');
    let text = if unclosed.is_empty() || unclosed.ends_with([' ', '\t']) {
        unclosed.trim_end()
    } else {
        text
    };
    (!text.is_empty()).then_some((text, hashes))
}

fn is_byline(text: &str) -> bool {
    let chars = text.chars().count();
    if chars > MAX_HEADING_CHARS || text.contains(['。', '，', '！', '？']) {
        return false;
    }
    let inner = text
        .trim_start_matches(['(', '（'])
        .trim_end_matches([')', '）'])
        .trim();
    let parenthesised =
        inner.len() < text.len() && text.starts_with(['(', '（']) && text.ends_with([')', '）']);
    const ROLES: [&str; 7] = [
        "记者",
        "通讯员",
        "本报记者",
        "本报通讯员",
        "作者",
        "来源",
        "摄影",
    ];
    ROLES.iter().any(|r| inner.starts_with(r)) || (parenthesised && inner.chars().count() <= 20)
}

fn han_count(text: &str) -> usize {
    text.chars()
        .filter(|&c| crate::normalize::is_han(c))
        .count()
}

/// A standalone short line that reads like a headline.
fn is_heading_like(lines: &[&str], wrap_width: Option<usize>, last_run: bool) -> bool {
    let single = lines.len() == 1;
    if !(single || (last_run && lines.len() == 2)) {
        return false;
    }
    let mut text = String::new();
    for line in lines {
        push_joined(&mut text, line);
    }
    let chars = text.chars().count();
    let (Some(first), Some(last)) = (text.chars().next(), text.chars().next_back()) else {
        return false;
    };
    if chars > MAX_HEADING_CHARS
        || han_count(&text) < 2
        || text.contains(['。', '！', '？', '!', '?', '；', ';'])
        || matches!(
            last,
            '，' | '、' | ',' | '：' | ':' | '（' | '(' | '“' | '‘' | '《' | '—' | '…'
        )
        || matches!(first, '（' | '(')
        || is_byline(&text)
    {
        return false;
    }
    let has_comma = text.contains(['，', '、', ',']);
    match wrap_width {
        // A wrapped line is about as long as the wrap width: only clearly shorter or longer
        // standalone lines are headlines, and only a line longer than any wrapped line may
        // contain a comma.
        Some(width) if single => (chars * 3 <= width * 2 && !has_comma) || chars >= width + 3,
        // Without a wrap width, a comma means a sentence broken by OCR, not a headline.
        _ => !has_comma,
    }
}

/// The most common length of lines that continue onto a next line, when the file is wrapped.
fn wrap_width(lines: &[&str]) -> Option<usize> {
    let mut counts = std::collections::HashMap::<usize, usize>::new();
    let mut total = 0;
    for pair in lines.windows(2) {
        let (a, b) = (pair[0].trim(), pair[1].trim());
        if !a.is_empty() && !b.is_empty() && markdown_heading(a).is_none() {
            *counts.entry(a.chars().count()).or_default() += 1;
            total += 1;
        }
    }
    let (width, count) = counts.into_iter().max_by_key(|&(w, c)| (c, w))?;
    (total >= 8 && count * 4 >= total && width >= 4).then_some(width)
}

fn blocks(content: &str, text_kind: TextKind) -> Vec<Block> {
    let lines: Vec<&str> = content.lines().collect();
    let has_markdown = text_kind == TextKind::Markdown
        || lines
            .iter()
            .any(|l| markdown_heading(l.trim_start()).is_some());
    let width = wrap_width(&lines);

    // Group into runs of non-blank lines; a Markdown heading is always a run of its own.
    let mut runs: Vec<Vec<&str>> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in &lines {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                runs.push(std::mem::take(&mut current));
            }
        } else if markdown_heading(line).is_some() {
            if !current.is_empty() {
                runs.push(std::mem::take(&mut current));
            }
            runs.push(vec![line]);
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }

    let mut out: Vec<Block> = Vec::new();
    let run_count = runs.len();
    for (i, run) in runs.iter().enumerate() {
        let mut text = String::new();
        for line in run {
            push_joined(&mut text, line);
        }
        let mut level = 0;
        let kind = if let Some((heading, hashes)) = markdown_heading_with_level(run[0]) {
            text = heading.to_string();
            level = hashes;
            BlockKind::Markdown
        } else if is_byline(&text) {
            BlockKind::Byline
        } else if !has_markdown && is_heading_like(run, width, i + 1 == run_count) {
            BlockKind::HeadingLike
        } else {
            BlockKind::Body
        };
        let text = repair_number_gaps(&text);
        match out.last_mut() {
            Some(previous)
                if kind == BlockKind::Body
                    && previous.kind == BlockKind::Body
                    && text_kind == TextKind::Plain
                    && !previous.text.chars().next_back().is_some_and(ends_sentence) =>
            {
                push_joined(&mut previous.text, &text);
                previous.text = repair_number_gaps(&previous.text);
            }
            _ => out.push(Block { kind, text, level }),
        }
    }
    out
}

/// Splits a paragraph into pieces of at most [`MAX_PASSAGE_CHARS`], at sentence ends when it
/// can, at commas when a sentence is too long, and at the limit otherwise.
fn split_paragraph(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= MAX_PASSAGE_CHARS {
        return vec![text.to_string()];
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    while chars.len() - start > MAX_PASSAGE_CHARS {
        let window = &chars[start..start + MAX_PASSAGE_CHARS];
        let cut_after = |pred: &dyn Fn(char) -> bool| {
            window
                .iter()
                .rposition(|&c| pred(c))
                .filter(|&p| p >= MIN_PASSAGE_CHARS)
                .map(|p| p + 1)
        };
        let cut = cut_after(&|c| matches!(c, '。' | '！' | '？' | '!' | '?' | '；' | ';'))
            .or_else(|| cut_after(&|c| matches!(c, '，' | '、' | ',' | '：')))
            .unwrap_or(MAX_PASSAGE_CHARS);
        // Keep a closing quote/bracket with its sentence.
        let mut end = start + cut;
        while end < chars.len() && matches!(chars[end], '”' | '’' | '」' | '』' | '）' | ')')
        {
            end += 1;
        }
        pieces.push(chars[start..end].iter().collect());
        start = end;
    }
    if start < chars.len() {
        pieces.push(chars[start..].iter().collect());
    }
    pieces
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Appends `piece` (with `piece_links` characters of link text) to the passages of a section,
/// merging short pieces; `links` runs parallel to `passages`.
fn add_piece(
    passages: &mut Vec<String>,
    links: &mut Vec<usize>,
    piece: String,
    piece_links: usize,
    separator: &str,
) {
    if let (Some(last), Some(last_links)) = (passages.last_mut(), links.last_mut()) {
        let (a, b) = (char_len(last), char_len(&piece));
        if (a < MIN_PASSAGE_CHARS || b < MIN_PASSAGE_CHARS)
            && a + b <= MAX_PASSAGE_CHARS + MIN_PASSAGE_CHARS
        {
            last.push_str(separator);
            last.push_str(&piece);
            *last_links += piece_links;
            return;
        }
    }
    passages.push(piece);
    links.push(piece_links);
}

/// Characters that count for link shares: everything but whitespace (markup spacing and
/// joins must not move the share).
pub(crate) fn visible_chars(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// `links` of `total` visible characters, in percent (0–100, rounded).
fn percent(links: usize, total: usize) -> u8 {
    (links.min(total) * 100 + total / 2)
        .checked_div(total)
        .map_or(0, |p| p as u8)
}

fn derive_title(text: &str) -> String {
    const MAX: usize = 20;
    let clause: String = text
        .chars()
        .take_while(|&c| {
            !matches!(
                c,
                '，' | '。' | '！' | '？' | '；' | '：' | ',' | '!' | '?' | ';' | ':' | '\n'
            )
        })
        .collect();
    let clause = if char_len(&clause) < 4 {
        text.to_string()
    } else {
        clause
    };
    let mut title: String = clause.chars().take(MAX).collect();
    if char_len(&clause) > MAX {
        title.push('…');
    }
    title
}

#[derive(Default)]
struct SectionDraft {
    section: Section,
    /// Link characters per passage (parallel to `section.passages`).
    links: Vec<usize>,
    /// Whether the source marks links (HTML): `finish` fills `link_percent`.
    track_links: bool,
    /// Byline seen before any body text: prefixed to the first passage.
    pending_prefix: Vec<String>,
    /// A byline after body text ended the story.
    closed: bool,
}

impl SectionDraft {
    fn has_body(&self) -> bool {
        !self.section.passages.is_empty()
    }

    fn add_paragraph(&mut self, text: &str) {
        self.add_linked_paragraph(text, 0);
    }

    /// A paragraph with `link_chars` visible characters of link text. When it is split, each
    /// piece gets its proportional share (where inside the paragraph the links sit is not
    /// kept; long paragraphs are rarely link lists).
    fn add_linked_paragraph(&mut self, text: &str, link_chars: usize) {
        let pieces = split_paragraph(text);
        let total = visible_chars(text).max(1);
        let mut links_left = link_chars;
        let piece_count = pieces.len();
        let shares: Vec<usize> = pieces
            .iter()
            .enumerate()
            .map(|(i, piece)| {
                let share = if i + 1 == piece_count {
                    links_left
                } else {
                    (link_chars * visible_chars(piece) / total).min(links_left)
                };
                links_left -= share;
                share
            })
            .collect();
        let mut pieces = pieces.into_iter().zip(shares);
        let Some((first, first_links)) = pieces.next() else {
            return;
        };
        let first = if self.pending_prefix.is_empty() {
            first
        } else {
            let mut prefixed = self.pending_prefix.join("\n");
            self.pending_prefix.clear();
            prefixed.push('\n');
            prefixed.push_str(&first);
            prefixed
        };
        add_piece(
            &mut self.section.passages,
            &mut self.links,
            first,
            first_links,
            "\n",
        );
        for (piece, piece_links) in pieces {
            add_piece(
                &mut self.section.passages,
                &mut self.links,
                piece,
                piece_links,
                "",
            );
        }
    }

    fn finish(mut self) -> Option<Section> {
        if !self.pending_prefix.is_empty() {
            self.section.passages.push(self.pending_prefix.join("\n"));
            self.links.push(0);
        }
        if self.section.passages.is_empty() && self.section.headings.is_empty() {
            return None;
        }
        if self.section.passages.is_empty() {
            // A heading with nothing under it still titles one (empty) passage: never lost.
            self.section.passages.push(String::new());
            self.links.push(0);
        }
        if self.track_links {
            self.section.link_percent = self
                .section
                .passages
                .iter()
                .zip(&self.links)
                .map(|(passage, &links)| percent(links, visible_chars(passage)))
                .collect();
        }
        if self.section.headings.is_empty() {
            self.section.derived_title = Some(derive_title(&self.section.passages[0]));
        }
        Some(self.section)
    }
}

/// A paragraph of an HTML page: its text and how many of its visible characters
/// ([`visible_chars`]) are link text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct LinkedParagraph {
    pub text: String,
    pub link_chars: usize,
}

/// A section of already separated `paragraphs` under `headings` (HTML pages, see `html`): the
/// paragraphs are split and merged into passages exactly like those of text files, and each
/// passage gets its link share (`Section::link_percent`). `None` when there is neither a
/// heading nor text; a heading without text titles one empty passage.
pub(crate) fn section_from_paragraphs(
    headings: Vec<String>,
    parents: Vec<String>,
    anchor: Option<String>,
    paragraphs: &[LinkedParagraph],
) -> Option<Section> {
    let mut draft = SectionDraft {
        track_links: true,
        ..SectionDraft::default()
    };
    draft.section.headings = headings;
    draft.section.parents = parents;
    draft.section.anchor = anchor;
    for paragraph in paragraphs {
        draft.add_linked_paragraph(&paragraph.text, paragraph.link_chars);
    }
    draft.finish()
}

/// The path of headings above a new heading of `level`: pops the open headings at `level` or
/// deeper from `open` (level, text), returns the rest outermost first and pushes the new one.
pub(crate) fn enter_heading(
    open: &mut Vec<(usize, String)>,
    level: usize,
    text: &str,
) -> Vec<String> {
    while open.last().is_some_and(|(l, _)| *l >= level) {
        open.pop();
    }
    let parents = open.iter().map(|(_, t)| t.clone()).collect();
    open.push((level, text.to_string()));
    parents
}

/// A Markdown file's page title: its first level-1 `#` heading, if any.
pub(crate) fn markdown_title(content: &str) -> Option<String> {
    let content = content.strip_prefix('\u{FEFF}').unwrap_or(content);
    content
        .lines()
        .filter_map(|l| markdown_heading_with_level(l.trim()))
        .find(|&(_, level)| level == 1)
        .map(|(text, _)| text.to_string())
}

/// Cuts one file's content into sections of passages.
pub fn cut_document(content: &str, kind: TextKind) -> Vec<Section> {
    let content = content.strip_prefix('\u{FEFF}').unwrap_or(content);
    let content = content.replace("\r\n", "\n").replace('\r', "\n");
    let blocks = blocks(&content, kind);
    let mut sections: Vec<Section> = Vec::new();
    let mut draft = SectionDraft::default();
    let block_count = blocks.len();
    // Markdown files: the open `#` headings (level, text), for `Section::parents`.
    let mut open_headings: Vec<(usize, String)> = Vec::new();
    for (i, block) in blocks.into_iter().enumerate() {
        match block.kind {
            BlockKind::Markdown => {
                let parents = enter_heading(&mut open_headings, block.level, &block.text);
                sections.extend(std::mem::take(&mut draft).finish());
                if kind == TextKind::Markdown {
                    draft.section.parents = parents;
                }
                draft.section.headings.push(block.text);
            }
            BlockKind::HeadingLike => {
                let trailing = i + 1 == block_count;
                if draft.has_body() || draft.closed {
                    sections.extend(std::mem::take(&mut draft).finish());
                }
                if trailing && draft.section.headings.is_empty() && draft.pending_prefix.is_empty()
                {
                    // A headline at the end of the file: it belongs to the untitled story before.
                    match sections.last_mut() {
                        Some(previous) if previous.headings.is_empty() => {
                            previous.headings.push(block.text);
                            previous.derived_title = None;
                            continue;
                        }
                        Some(previous) => {
                            if let Some(last) = previous.passages.last_mut() {
                                last.push('\n');
                                last.push_str(&block.text);
                                continue;
                            }
                        }
                        None => {}
                    }
                }
                draft.section.headings.push(block.text);
            }
            BlockKind::Byline => {
                if let (true, Some(last)) = (draft.has_body(), draft.section.passages.last_mut()) {
                    last.push('\n');
                    last.push_str(&block.text);
                    draft.closed = true;
                } else {
                    draft.pending_prefix.push(block.text);
                }
            }
            BlockKind::Body => {
                if draft.closed {
                    sections.extend(std::mem::take(&mut draft).finish());
                }
                draft.add_paragraph(&block.text);
            }
        }
    }
    sections.extend(draft.finish());
    sections
}

/// What the unit tests of the passage cutter and the HTML reader compare sections by.
#[cfg(test)]
pub(crate) mod test_support {
    use super::Section;

    /// Each section's title and its heading path (`parents`).
    pub(crate) fn titles_and_parents(sections: Vec<Section>) -> Vec<(String, Vec<String>)> {
        sections
            .into_iter()
            .map(|s| (s.title(), s.parents))
            .collect()
    }

    /// A heading path, outermost first.
    pub(crate) fn path(headings: &[&str]) -> Vec<String> {
        headings.iter().map(|s| s.to_string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{path, titles_and_parents};
    use super::*;

    fn texts(sections: &[Section]) -> Vec<(String, Vec<String>)> {
        sections
            .iter()
            .map(|s| (s.title(), s.passages.clone()))
            .collect()
    }

    #[test]
    fn ocr_wraps_are_joined_and_sentences_break() {
        let doc = "公开挂牌转让，标\n\n志着聊城市成为试点。\n\n第二段开始了，这是全国第三家国家碳计量\n\n\n\n中心，也是唯一。";
        let sections = cut_document(doc, TextKind::Plain);
        assert_eq!(sections.len(), 1);
        let passages = &sections[0].passages;
        assert_eq!(passages.len(), 1, "short paragraphs merge: {passages:?}");
        assert_eq!(passages[0], "公开挂牌转让，标志着聊城市成为试点。\n第二段开始了，这是全国第三家国家碳计量中心，也是唯一。");
    }

    #[test]
    fn number_gaps_and_latin_joins() {
        let sections = cut_document(
            "达到了2229 . 6万元，时间是1 2月1 4日，\nhello\nworld。",
            TextKind::Plain,
        );
        assert_eq!(
            sections[0].passages[0],
            "达到了2229.6万元，时间是12月14日，hello world。"
        );
    }

    #[test]
    fn markdown_headings_title_their_passages() {
        let doc = "# 标题一\n\n第一段正文。\n\n## 标题二\n\n第二段正文。\n\n(通讯员 张三)\n";
        let got = texts(&cut_document(doc, TextKind::Plain));
        assert_eq!(
            got,
            vec![
                ("标题一".to_string(), vec!["第一段正文。".to_string()]),
                (
                    "标题二".to_string(),
                    vec!["第二段正文。\n(通讯员 张三)".to_string()]
                ),
            ]
        );
    }

    #[test]
    fn heading_like_lines_in_plain_files() {
        let doc = "东昌府区幼儿园教职工清扫冰雪\n\n12月14日，聊城市迎来大范围降雪天气。\n\n(通讯员 李丽君)\n\n足球运动是一项能发展幼儿体能的运动。\n\n（记者 国晓宁）\n\n柳园街道中心幼儿园开展足球特色课程\n";
        let got = texts(&cut_document(doc, TextKind::Plain));
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, "东昌府区幼儿园教职工清扫冰雪");
        assert!(got[0].1[0].starts_with("12月14日"));
        assert_eq!(
            got[1].0, "柳园街道中心幼儿园开展足球特色课程",
            "trailing headline titles the story before"
        );
        assert!(got[1].1[0].starts_with("足球运动"));
    }

    #[test]
    fn untitled_sections_get_a_derived_title() {
        let got = cut_document("今天天气很好，我们去公园散步。", TextKind::Plain);
        assert_eq!(got[0].title(), "今天天气很好");
        assert_eq!(got[0].derived_title.as_deref(), Some("今天天气很好"));
    }

    #[test]
    fn long_paragraphs_split_at_sentences() {
        let sentence = "这是一个用于测试的句子，它有二十多个字符。";
        let paragraph = sentence.repeat(40);
        let sections = cut_document(&paragraph, TextKind::Plain);
        let passages = &sections[0].passages;
        assert!(passages.len() > 1);
        assert!(passages
            .iter()
            .all(|p| char_len(p) <= MAX_PASSAGE_CHARS + MIN_PASSAGE_CHARS));
        assert_eq!(passages.concat(), paragraph);
        assert!(passages[..passages.len() - 1]
            .iter()
            .all(|p| p.ends_with('。')));
    }

    #[test]
    fn crlf_bom_and_empty() {
        assert_eq!(cut_document("", TextKind::Plain), vec![]);
        assert_eq!(cut_document("\u{FEFF}\r\n\r\n", TextKind::Plain), vec![]);
        let got = cut_document("\u{FEFF}第一行\r\n第二行。\r\r第三段。", TextKind::Plain);
        assert_eq!(
            got[0].passages,
            vec!["第一行第二行。\n第三段。".to_string()]
        );
    }

    #[test]
    fn markdown_blank_lines_are_paragraph_breaks() {
        let doc = "## 帝京篇\n\n太宗皇帝\n\n秦川雄帝宅，\n函谷壯皇居。\n";
        let got = texts(&cut_document(doc, TextKind::Markdown));
        assert_eq!(
            got,
            vec![(
                "帝京篇".to_string(),
                vec!["太宗皇帝\n秦川雄帝宅，函谷壯皇居。".to_string()]
            )]
        );
        // The same text read as OCR'd plain text joins the author to the poem.
        let plain = texts(&cut_document(doc, TextKind::Plain));
        assert_eq!(
            plain[0].1,
            vec!["太宗皇帝秦川雄帝宅，函谷壯皇居。".to_string()]
        );
    }

    #[test]
    fn heading_without_body_keeps_its_text() {
        let got = cut_document("# 只有标题\n", TextKind::Markdown);
        assert_eq!(got[0].headings, vec!["只有标题".to_string()]);
        assert_eq!(got[0].passages, vec![String::new()]);
    }

    #[test]
    fn markdown_parents_and_page_title() {
        let doc =
            "前言\n\n# 书名\n\n## 第一章\n\n正文一\n\n### 一节\n\n正文二\n\n## 第二章\n\n# 附录\n";
        let got = titles_and_parents(cut_document(doc, TextKind::Markdown));
        assert_eq!(
            got,
            vec![
                ("前言".into(), path(&[])),
                ("书名".into(), path(&[])),
                ("第一章".into(), path(&["书名"])),
                ("一节".into(), path(&["书名", "第一章"])),
                ("第二章".into(), path(&["书名"])),
                ("附录".into(), path(&[])),
            ]
        );
        assert_eq!(markdown_title(doc).as_deref(), Some("书名"));
        assert_eq!(markdown_title("## 只有二级\n正文"), None);
        assert_eq!(markdown_title("\u{FEFF}# 标题 #\n"), Some("标题".into()));
        // Plain text: no parents, no link shares.
        for s in cut_document("# 甲\n\n## 乙\n\n正文。", TextKind::Plain) {
            assert!(s.parents.is_empty() && s.link_percent.is_empty());
        }
    }
}
