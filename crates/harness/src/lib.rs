//! What the fuzz targets check, for every input: shared by `fuzz/fuzz_targets/*.rs` (through
//! `fuzz/src/lib.rs`) and by `tests/fuzz_regressions.rs`, which replays the kept inputs under
//! `fuzz/seeds/` and `fuzz/regressions/` on every `cargo test`.
//!
//! Each `*_input` function takes the raw bytes libFuzzer made, runs one part of zh-search on
//! them and panics when a property that must hold for every input does not: a panic anywhere
//! (zh-search's or the check's) is a crash for libFuzzer and a failure for the test.

use zh_search::format::{FoldTable, IndexView};
use zh_search::normalize::{find_all, fold_text, match_key, repair_number_gaps};
use zh_search::query::MAX_TERMS;
use zh_search::search::{Engine, SearchOptions, SearchResults, MAX_LIMIT, MAX_SUGGESTIONS};
use zh_search::snippet::{
    snippet_html, utf16_ranges, Span, ELLIPSIS, MARK_CLOSE, MARK_OPEN, SNIPPET_CHARS,
};
use zh_search::wasm::options::{search_options, suggest_limit, RawOption};

/// The five escapes of `snippet::push_escaped`, decoded in one pass (so `&amp;lt;` stays `&lt;`).
const ENTITIES: [(&str, char); 5] = [
    ("&amp;", '&'),
    ("&lt;", '<'),
    ("&gt;", '>'),
    ("&quot;", '"'),
    ("&#39;", '\''),
];

/// Decodes escaped snippet text; `Err` when it contains markup or an unknown `&`.
fn unescape(plain: &str) -> Result<String, String> {
    if plain.contains(['<', '>', '"', '\'']) {
        return Err(format!("unescaped markup character in {plain:?}"));
    }
    let mut out = String::with_capacity(plain.len());
    let mut rest = plain;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let (entity, c) = ENTITIES
            .iter()
            .find(|(e, _)| rest[at..].starts_with(e))
            .ok_or_else(|| format!("bare & in {plain:?}"))?;
        out.push(*c);
        rest = &rest[at + entity.len()..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A parsed snippet: the visible text and the char ranges of it that were marked.
struct ParsedSnippet {
    visible: Vec<char>,
    marks: Vec<(usize, usize)>,
}

fn parse_snippet(html: &str) -> Result<ParsedSnippet, String> {
    let mut visible: Vec<char> = Vec::new();
    let mut marks = Vec::new();
    let mut open: Option<usize> = None;
    let mut rest = html;
    loop {
        let at = rest.find('<').unwrap_or(rest.len());
        visible.extend(unescape(&rest[..at])?.chars());
        rest = &rest[at..];
        if rest.is_empty() {
            break;
        }
        if let Some(after) = rest.strip_prefix(MARK_OPEN) {
            if open.is_some() {
                return Err(format!("nested <mark> in {html:?}"));
            }
            open = Some(visible.len());
            rest = after;
        } else if let Some(after) = rest.strip_prefix(MARK_CLOSE) {
            let start = open
                .take()
                .ok_or_else(|| format!("</mark> without <mark> in {html:?}"))?;
            if start == visible.len() {
                return Err(format!("empty <mark> in {html:?}"));
            }
            marks.push((start, visible.len()));
            rest = after;
        } else {
            return Err(format!("markup other than <mark> in {html:?}"));
        }
    }
    if open.is_some() {
        return Err(format!("unclosed <mark> in {html:?}"));
    }
    Ok(ParsedSnippet { visible, marks })
}

/// Whether every byte of `text` lies inside an occurrence (overlapping ones included) of one of
/// `needles`.
fn covered_by(text: &str, needles: &[String]) -> bool {
    let mut covered = vec![false; text.len()];
    for needle in needles.iter().filter(|n| !n.is_empty()) {
        for (i, _) in text.char_indices() {
            if text[i..].starts_with(needle.as_str()) {
                covered[i..i + needle.len()]
                    .iter_mut()
                    .for_each(|c| *c = true);
            }
        }
    }
    covered.iter().all(|&c| c)
}

/// Checks a snippet of `text`: `<mark>` is its only markup, marks are balanced, unnested and
/// non-empty, everything else is escaped; its visible text is a piece of `text` of at most
/// `SNIPPET_CHARS` chars (line breaks shown as spaces, `…` where it was cut); and every mark
/// the window did not cut covers, once folded with `fold`, only text that one of `needles`
/// (folded match keys) matches.
pub fn check_snippet(
    text: &str,
    html: &str,
    needles: &[String],
    fold: &FoldTable<'_>,
) -> Result<(), String> {
    let parsed = parse_snippet(html)?;
    let shown: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let v = &parsed.visible;
    // The snippet adds `…` where it cuts, but the text may itself start or end with `…`: the
    // snippet is fine when one reading of its ends passes every check.
    let mut first_error = None;
    for (lead, trail) in [(false, false), (true, false), (false, true), (true, true)] {
        if (lead && v.first() != Some(&ELLIPSIS))
            || (trail && v.last() != Some(&ELLIPSIS))
            || v.len() < usize::from(lead) + usize::from(trail)
        {
            continue;
        }
        match check_reading(&shown, v, &parsed.marks, lead, trail, needles, fold) {
            Ok(()) => return Ok(()),
            Err(e) => {
                first_error.get_or_insert(format!("{e} in {html:?} of {text:?}"));
            }
        }
    }
    Err(first_error.unwrap_or_else(|| format!("snippet {html:?} of {text:?}")))
}

/// One reading of a snippet's visible text `v`: `lead`/`trail` say whether its first/last `…`
/// marks a cut.
fn check_reading(
    shown: &str,
    v: &[char],
    marks: &[(usize, usize)],
    lead: bool,
    trail: bool,
    needles: &[String],
    fold: &FoldTable<'_>,
) -> Result<(), String> {
    let (from, to) = (usize::from(lead), v.len() - usize::from(trail));
    let core: String = v[from..to].iter().collect();
    if !shown.contains(&core) {
        return Err("not a piece of the text".into());
    }
    // The window grows past SNIPPET_CHARS only to show whole a match it would cut.
    let longest_mark = marks
        .iter()
        .map(|&(start, end)| end - start)
        .max()
        .unwrap_or(0);
    if core.chars().count() > SNIPPET_CHARS + longest_mark {
        return Err(format!(
            "{} characters shown, more than {SNIPPET_CHARS} and the longest match ({longest_mark})",
            core.chars().count()
        ));
    }
    for &(start, end) in marks {
        if start < from || end > to {
            return Err("a mark covers an ellipsis".into());
        }
        if (lead && start == from) || (trail && end == to) {
            // Cut by the window: part of a match.
            continue;
        }
        let marked: String = v[start..end].iter().collect();
        let key = fold_text(&marked, fold);
        if !covered_by(&key, needles) {
            return Err(format!(
                "mark {marked:?} (key {key:?}) is not covered by {needles:?}"
            ));
        }
    }
    Ok(())
}

/// `[start, end)` UTF-16 ranges: ascending, disjoint, non-empty, inside `text`, and never
/// splitting a surrogate pair.
fn check_utf16_ranges(text: &str, ranges: &[[u32; 2]]) -> Result<(), String> {
    let mut boundaries = vec![0u32];
    let mut units = 0u32;
    for c in text.chars() {
        units += c.len_utf16() as u32;
        boundaries.push(units);
    }
    let mut previous_end = 0;
    for &[a, b] in ranges {
        if !(a < b && a >= previous_end && b <= units) {
            return Err(format!("bad ranges {ranges:?} for {text:?}"));
        }
        if boundaries.binary_search(&a).is_err() || boundaries.binary_search(&b).is_err() {
            return Err(format!("range [{a}, {b}) splits a character of {text:?}"));
        }
        previous_end = b;
    }
    Ok(())
}

/// Every property of one search's results.
pub fn check_results(
    engine: &Engine<'_>,
    query: &str,
    options: SearchOptions,
    results: &SearchResults,
) -> Result<(), String> {
    let fail = |what: String| Err(format!("query {query:?} {options:?}: {what}"));
    let expected_hits = options
        .limit
        .min(results.total.saturating_sub(options.offset));
    if results.hits.len() != expected_hits {
        return fail(format!(
            "{} hits for total {}",
            results.hits.len(),
            results.total
        ));
    }
    if results.partial && results.total == 0 {
        return fail("partial without results".into());
    }
    let parsed = engine.parse(query);
    if parsed.is_empty() && results.total != 0 {
        return fail("results for a query without terms".into());
    }
    let index = &engine.index;
    let fold = &index.fold();
    // Pinyin: a term of letters also stands for runs of Chinese text (`gyl` → 光岳楼); such
    // hits come after every hit holding all terms as typed.
    let alternatives = engine
        .pinyin_alternatives_of(query)
        .map_err(|e| e.to_string())?;
    let needles: Vec<String> = if results.partial {
        let mut words = Vec::new();
        for term in parsed.terms.iter().filter(|t| !t.phrase) {
            words.extend(engine.words(&term.key).map_err(|e| e.to_string())?);
        }
        words
    } else {
        parsed
            .terms
            .iter()
            .map(|t| t.key.clone())
            .chain(alternatives.iter().flatten().cloned())
            .collect()
    };
    let mut previous_score = f32::INFINITY;
    let mut seen_pinyin_only = false;
    let mut seen = std::collections::BTreeSet::new();
    for hit in &results.hits {
        let p = hit.passage;
        let text = index.passage_text(p).map_err(|e| e.to_string())?;
        let title_id = index.title_of(p).map_err(|e| e.to_string())?;
        let title = index.title_text(title_id).map_err(|e| e.to_string())?;
        let source_id = index.source_of(p).map_err(|e| e.to_string())?;
        let source = index.source_name(source_id).map_err(|e| e.to_string())?;
        if hit.text != text || hit.title != title || hit.source != source {
            return fail(format!("hit {p} does not show its passage"));
        }
        if !seen.insert(p) {
            return fail(format!("passage {p} twice"));
        }
        let text_key = match_key(text, fold).text;
        let title_key = match_key(title, fold).text;
        let holds = |needle: &str| {
            !find_all(&text_key, needle).is_empty() || !find_all(&title_key, needle).is_empty()
        };
        let as_typed = parsed.terms.iter().all(|t| holds(&t.key));
        if !results.partial && !as_typed {
            if !seen_pinyin_only {
                // Scores restart with the pinyin-only hits.
                seen_pinyin_only = true;
                previous_score = f32::INFINITY;
            }
        } else if !results.partial && seen_pinyin_only {
            return fail(format!(
                "passage {p} has every term as typed but comes after pinyin-only hits"
            ));
        }
        if !hit.score.is_finite() || hit.score > previous_score {
            return fail(format!("score {} after {previous_score}", hit.score));
        }
        previous_score = hit.score;
        if !results.partial {
            // Exact matching: every term (or one of its pinyin runs) is in the text or title.
            for (i, term) in parsed.terms.iter().enumerate() {
                let runs = alternatives.get(i).map_or(&[][..], Vec::as_slice);
                if !holds(&term.key) && !runs.iter().any(|r| holds(r)) {
                    return fail(format!("passage {p} lacks term {:?}", term.key));
                }
            }
        }
        check_snippet(text, &hit.snippet, &needles, fold).or_else(fail)?;
        check_utf16_ranges(text, &hit.highlights).or_else(fail)?;
        check_utf16_ranges(title, &hit.title_highlights).or_else(fail)?;
        if !hit.highlights.is_empty() || !hit.title_highlights.is_empty() {
            // Highlights mark needle text too.
            let units: Vec<u16> = text.encode_utf16().collect();
            for &[a, b] in &hit.highlights {
                let marked = String::from_utf16_lossy(&units[a as usize..b as usize]);
                if !covered_by(&fold_text(&marked, fold), &needles) {
                    return fail(format!("highlight {marked:?} of passage {p}"));
                }
            }
        }
    }
    Ok(())
}

/// Suggestions: at most `limit`, distinct, each starting with the folded prefix.
pub fn check_suggestions(
    engine: &Engine<'_>,
    prefix: &str,
    limit: usize,
    words: &[String],
) -> Result<(), String> {
    let key = fold_text(
        &prefix.chars().take(64).collect::<String>(),
        &engine.index.fold(),
    );
    if words.len() > limit || (key.is_empty() && !words.is_empty()) {
        return Err(format!(
            "{} suggestions for {prefix:?} ({limit})",
            words.len()
        ));
    }
    // A prefix of letters also suggests words starting with its pinyin runs (`liaoc` → 聊城).
    let runs: Vec<String> = engine
        .pinyin_alternatives_of(&key)
        .map_err(|e| e.to_string())?
        .concat();
    let starts_right = |w: &String| w.starts_with(&key) || runs.iter().any(|r| w.starts_with(r));
    let distinct: std::collections::BTreeSet<&String> = words.iter().collect();
    if distinct.len() != words.len() || words.iter().any(|w| !starts_right(w)) {
        return Err(format!("suggestions {words:?} for {prefix:?}"));
    }
    Ok(())
}

/// Fuzz target `search`: `[limit, offset, query bytes…]`. The query (lossy UTF-8) is searched
/// on every engine and must give well-formed, exact results (see [`check_results`]); it is also
/// a `suggest` prefix. Bit 7 of the limit byte repeats the query to over 100,000 chars; the
/// first 8 bytes, read as an `f64`, go through option validation.
pub fn search_input(engines: &[&Engine<'_>], data: &[u8]) {
    let [limit, offset, rest @ ..] = data else {
        return;
    };
    if let Some(bytes) = data.get(..8) {
        let raw = f64::from_le_bytes(bytes.try_into().expect("8 bytes"));
        let options = search_options(RawOption::Number(raw), RawOption::Number(-raw));
        if let Ok(o) = options {
            assert!(o.limit <= MAX_LIMIT && raw.is_finite() && raw == 0.0);
        }
        if let Ok(n) = suggest_limit(RawOption::Number(raw)) {
            assert!(n <= MAX_SUGGESTIONS && raw >= 0.0);
        }
    }
    let mut query = String::from_utf8_lossy(rest).into_owned();
    if limit & 0x80 != 0 && !query.is_empty() {
        let copies = 100_000 / query.chars().count() + 1;
        query = query.repeat(copies);
    }
    let options = SearchOptions {
        limit: usize::from(limit & 0x7F),
        offset: usize::from(*offset),
    };
    for engine in engines {
        let parsed = engine.parse(&query);
        assert!(parsed.terms.len() <= MAX_TERMS);
        for (i, term) in parsed.terms.iter().enumerate() {
            assert!(!term.key.is_empty() && !term.grams.is_empty());
            assert!(parsed.terms[..i].iter().all(|t| t.key != term.key));
        }
        let results = engine
            .search(&query, options)
            .expect("a valid index never fails a search");
        if let Err(e) = check_results(engine, &query, options, &results) {
            panic!("{e}");
        }
        let limit = usize::from(*offset % 16);
        let words = engine.suggest(&query, limit).expect("valid index");
        if let Err(e) = check_suggestions(engine, &query, limit, &words) {
            panic!("{e}");
        }
    }
}

/// Fuzz target `snippet`: the input (lossy UTF-8) is split at U+0001 into a text and needles.
/// Checks normalisation (the match key maps back to whole characters of the text, folding is
/// idempotent, digit-gap repair only removes gaps), snippets for the needles' real matches
/// (see [`check_snippet`]), and that arbitrary, even invalid, spans (from the input's bytes)
/// neither panic nor break the markup.
pub fn snippet_input(fold: &FoldTable<'_>, data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    let mut pieces = input.split('\u{1}');
    let text = pieces.next().unwrap_or_default();
    let needles: Vec<String> = pieces
        .map(|n| fold_text(n, fold))
        .filter(|n| !n.is_empty())
        .take(8)
        .collect();

    // Normalisation.
    let key = match_key(text, fold);
    assert_eq!(
        fold_text(&key.text, fold),
        key.text,
        "folding is idempotent"
    );
    let is_gap = |c: &char| matches!(c, ' ' | '\t' | '\u{3000}');
    let repaired = repair_number_gaps(text);
    assert!(
        repaired
            .chars()
            .filter(|c| !is_gap(c))
            .eq(text.chars().filter(|c| !is_gap(c))),
        "digit-gap repair only removes gaps: {text:?} -> {repaired:?}"
    );

    // Real matches, found the way `Engine::hit` finds them.
    let mut spans = Vec::new();
    for (term, needle) in needles.iter().enumerate() {
        for (start, end) in key.find_all(needle) {
            let (a, b) = key.original_range(start, end);
            assert!(a < b && b <= text.len(), "{needle:?} in {text:?}: {a}..{b}");
            assert!(text.is_char_boundary(a) && text.is_char_boundary(b));
            assert_eq!(
                fold_text(&text[a..b], fold),
                *needle,
                "the original span of a match folds back to the needle"
            );
            spans.push(Span {
                start: a,
                end: b,
                term,
            });
        }
    }
    let html = snippet_html(text, &spans);
    if let Err(e) = check_snippet(text, &html, &needles, fold) {
        panic!("{e}");
    }
    let merged = zh_search::snippet::merge_spans(spans.clone());
    for pair in merged.windows(2) {
        assert!(pair[0].end < pair[1].start, "merged spans are disjoint");
    }
    if let Err(e) = check_utf16_ranges(text, &utf16_ranges(text, &merged)) {
        panic!("{e}");
    }

    // Arbitrary spans (any order, overlapping, out of range, inside a character).
    let len = text.len() + 2;
    let raw: Vec<Span> = data
        .chunks_exact(3)
        .take(16)
        .map(|c| {
            let start = usize::from(c[0]) * len / 256;
            Span {
                start,
                end: start + usize::from(c[1] % 16),
                term: usize::from(c[2] % 4),
            }
        })
        .collect();
    let html = snippet_html(text, &raw);
    if let Err(e) = parse_snippet(&html) {
        panic!("{e}");
    }
    let _ = utf16_ranges(text, &raw);
}

/// A valid index and what it answers, for the `decode` target's "detected or harmless" check.
pub struct DecodeFixture {
    pub bytes: Vec<u8>,
    answers: Vec<String>,
}

/// Queries whose answers must not change on an index that still opens after damage (seeds
/// words, Latin initials, a phrase, traditional characters, a number).
pub const PROBES: [&str; 8] = [
    "国家碳计量",
    "光岳楼",
    "nqi",
    "中",
    "聊城 2023",
    "\"碳计量\"",
    "國家 qqq",
    "西关街",
];

/// Everything an engine answers to [`PROBES`] (and every stored string), as text: what must
/// not change when damage to an index goes undetected.
pub fn answers(engine: &Engine<'_>) -> Vec<String> {
    let mut out: Vec<String> = PROBES
        .iter()
        .map(|q| {
            format!(
                "{:?} {:?}",
                engine.search(
                    q,
                    SearchOptions {
                        limit: 100,
                        offset: 0
                    }
                ),
                engine.suggest(q, 8)
            )
        })
        .collect();
    out.push(format!("{:?}", engine.stats()));
    let index = &engine.index;
    for p in 0..index.passage_count() {
        out.push(format!(
            "{:?} {:?} {:?}",
            index.passage_text(p),
            index.title_of(p).and_then(|t| index.title_text(t)),
            index.source_of(p).and_then(|s| index.source_name(s)),
        ));
    }
    out
}

impl DecodeFixture {
    pub fn new(bytes: Vec<u8>) -> DecodeFixture {
        let engine = Engine::open(&bytes).expect("fixture indexes are valid");
        let answers = answers(&engine);
        DecodeFixture { answers, bytes }
    }
}

/// Reads everything an opened (possibly damaged) index holds; errors are fine, panics are not.
fn exercise(engine: &Engine<'_>) {
    let index: &IndexView<'_> = &engine.index;
    let _ = engine.stats();
    for p in 0..index.passage_count().min(300) {
        let _ = index.passage_text(p);
        if let Ok(t) = index.title_of(p) {
            let _ = index.title_text(t);
            let _ = index.title_passages(t);
        }
        if let Ok(s) = index.source_of(p) {
            let _ = index.source_name(s);
        }
    }
    for t in [0, 1, u32::MAX / 2, u32::MAX] {
        let _ = index.title_passages(t);
        let _ = index.source_name(t);
        let _ = index.passage_text(t);
    }
    let mut n = 0;
    index
        .grams()
        .for_each_with_prefix("", &mut |_, value, area| {
            let _ = index.gram_postings(value, area);
            n += 1;
            n < 2000
        });
    for q in PROBES {
        let _ = engine.search(
            q,
            SearchOptions {
                limit: 20,
                offset: 0,
            },
        );
        let _ = engine.suggest(q, 8);
    }
}

/// Rewrites every section checksum of an index to match its (edited) bytes, where the header
/// still describes sections inside the file.
fn forge_checksums(bytes: &mut [u8]) {
    let u32_at = |b: &[u8], at: usize| {
        b.get(at..at + 4)
            .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]) as usize)
    };
    let count = u32_at(bytes, 12).unwrap_or(0).min(64);
    for i in 0..count {
        let entry = 16 + 16 * i;
        let (Some(offset), Some(len)) = (u32_at(bytes, entry + 4), u32_at(bytes, entry + 8)) else {
            return;
        };
        let Some(section) = offset
            .checked_add(len)
            .and_then(|end| bytes.get(offset..end))
        else {
            continue;
        };
        let sum = zh_search::format::checksum(section).to_le_bytes();
        if let Some(field) = bytes.get_mut(entry + 12..entry + 16) {
            field.copy_from_slice(&sum);
        }
    }
}

/// Fuzz target `decode`, by `data[0] % 4`:
/// * 0: the rest is an index of its own (libFuzzer mutates the fixture indexes): opening and
///   reading it must never panic;
/// * 2: edits (as below) to a fixture, then every checksum forged to match, so that the
///   damage reaches the decoders behind the checksums: no panic, whatever the lengths, offsets,
///   ids and varints now say;
/// * 1, 3: `data[0] / 4` picks a fixture, `data[1..4]` (when `data[1] & 1`) a truncation
///   point, and every following 4 bytes an edit (24-bit position, XOR mask): the damaged index
///   must either be refused at open or answer exactly as the intact one (damage is detected or
///   harmless, never silently altered text).
///
/// The fst crate trusts its bytes once opened (zh-search guards them with checksums, which
/// modes 0 and 2 forge): the dictionaries are walked only when they are intact.
pub fn decode_input(fixtures: &[DecodeFixture], data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 4 == 0 || mode % 4 == 2 {
        let forged;
        let bytes = if mode % 4 == 0 {
            rest
        } else {
            let mut damaged = damage(fixtures, mode, rest);
            forge_checksums(&mut damaged);
            forged = damaged;
            &forged
        };
        let Ok(engine) = Engine::open(bytes) else {
            return;
        };
        // The fst crate trusts its bytes (zh-search guards them with checksums, which this
        // mode forges): walk the dictionaries only when they are intact.
        let fst_intact = fixtures.iter().any(|f| {
            let good = IndexView::open(&f.bytes).expect("valid");
            let bytes = |map: &zh_search::format::KeyMap<'_>| {
                map.as_whole().map(|m| m.as_fst().as_bytes().to_vec())
            };
            bytes(good.grams()) == bytes(engine.index.grams())
                && bytes(good.words()) == bytes(engine.index.words())
                && bytes(good.pinyin()) == bytes(engine.index.pinyin())
        });
        if fst_intact {
            exercise(&engine);
        }
        return;
    }
    let fixture = &fixtures[usize::from(mode / 4) % fixtures.len()];
    let damaged = damage(fixtures, mode, rest);
    let Ok(engine) = Engine::open(&damaged) else {
        return;
    };
    let got = answers(&engine);
    assert!(
        got == fixture.answers,
        "a damaged index opened and answered differently"
    );
}

/// The fixture `mode / 4` with the truncation and edits `rest` describes.
fn damage(fixtures: &[DecodeFixture], mode: u8, rest: &[u8]) -> Vec<u8> {
    let fixture = &fixtures[usize::from(mode / 4) % fixtures.len()];
    let mut damaged = fixture.bytes.clone();
    let mut edits = rest;
    if let [flags, a, b, tail @ ..] = rest {
        if flags & 1 == 1 {
            let at = (usize::from(*a) << 8 | usize::from(*b)) * damaged.len() / 65536;
            damaged.truncate(at);
        }
        edits = tail;
    }
    for edit in edits.chunks_exact(4).take(64) {
        if damaged.is_empty() {
            break;
        }
        let at = (usize::from(edit[0]) << 16 | usize::from(edit[1]) << 8 | usize::from(edit[2]))
            % damaged.len();
        damaged[at] ^= edit[3];
    }
    damaged
}
