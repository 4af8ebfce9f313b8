//! Results: the flat page of hits ([`Engine::search`]), hits grouped by page
//! ([`Engine::search_pages`]), and one hit with its snippet and highlights.

use crate::format::FormatError;
use crate::normalize::original_ranges;
use crate::snippet::{merge_spans, snippet_html, utf16_ranges, Span};
use crate::sort::sort_top_by;

use super::layout::KeyCache;
use super::needle::Needle;
use super::score::{by_rank, Scored};
use super::{Engine, Hit, PageHits, PageResults, SearchOptions, SearchResults, MAX_HITS_PER_PAGE};

impl Engine<'_> {
    /// Searches. Errors only when the index itself is damaged.
    pub fn search(
        &self,
        query: &str,
        options: SearchOptions,
    ) -> Result<SearchResults, FormatError> {
        self.complete(|| {
            let mut results = SearchResults::default();
            let shown = options.offset.saturating_add(options.limit);
            self.ranked(query, shown, &mut |scored, partial, highlight, cache| {
                sort_top_by(scored, shown, by_rank);
                results.total = scored.len();
                results.partial = partial;
                let shown: Vec<u32> = scored
                    .iter()
                    .skip(options.offset)
                    .take(options.limit)
                    .map(|s| s.passage)
                    .collect();
                self.touch_hits(&shown)?;
                for s in scored.iter().skip(options.offset).take(options.limit) {
                    results.hits.push(self.hit(s, highlight, cache)?);
                }
                Ok(())
            })?;
            Ok(results)
        })
    }

    /// Searches, grouping the hits by page: pages in the order of their best hit, each with
    /// its number of matching passages and its best [`MAX_HITS_PER_PAGE`] hits, best first.
    /// `options` count pages. The passages and their order are [`Self::search`]'s: a page's
    /// hits are the flat results of that page, in the flat order.
    pub fn search_pages(
        &self,
        query: &str,
        options: SearchOptions,
    ) -> Result<PageResults, FormatError> {
        self.complete(|| {
            let mut results = PageResults::default();
            // Every passage's place decides which pages are listed: the second pass is exact
            // for all of them.
            let all = usize::MAX;
            self.ranked(query, all, &mut |scored, partial, highlight, cache| {
                sort_top_by(scored, all, by_rank);
                results.total = scored.len();
                results.partial = partial;
                // Pages are numbered in order of first appearance; those in the window are listed.
                let window = options.offset..options.offset.saturating_add(options.limit);
                self.touch_page_hits(scored, &window)?;
                let mut page_of = vec![u32::MAX; self.index.stats().sources as usize];
                for s in scored.iter() {
                    let source = self.index.source_of(s.passage)?;
                    let slot = page_of
                        .get_mut(source as usize)
                        .ok_or(FormatError::OutOfBounds { what: "source id" })?;
                    if *slot == u32::MAX {
                        *slot = results.total_pages as u32;
                        if window.contains(&results.total_pages) {
                            let url = self.index.source_url(source)?;
                            results.pages.push(PageHits {
                                source: self.index.source_name(source)?.to_string(),
                                url: (!url.is_empty()).then(|| url.to_string()),
                                page_title: self.index.source_page_title(source)?.to_string(),
                                score: s.score,
                                total: 0,
                                hits: Vec::new(),
                            });
                        }
                        results.total_pages += 1;
                    }
                    let listed = (*slot as usize).checked_sub(window.start);
                    if let Some(page) = listed.and_then(|i| results.pages.get_mut(i)) {
                        page.total += 1;
                        if page.hits.len() < MAX_HITS_PER_PAGE {
                            let hit = self.hit(s, highlight, cache)?;
                            if page.hits.is_empty() {
                                page.score = hit.score;
                            }
                            page.hits.push(hit);
                        }
                    }
                }
                Ok(())
            })?;
            Ok(results)
        })
    }

    /// Sharded: reads now what [`Self::search_pages`] reads for the hits it lists (the pages
    /// in `window`, at most [`MAX_HITS_PER_PAGE`] hits each), in one round.
    fn touch_page_hits(
        &self,
        scored: &[Scored],
        window: &std::ops::Range<usize>,
    ) -> Result<(), FormatError> {
        if self.index.shard_store().is_none() {
            return Ok(());
        }
        let mut page_of = vec![u32::MAX; self.index.stats().sources as usize];
        let mut listed = vec![0usize; window.len().min(scored.len())];
        let (mut pages, mut passages) = (0u32, Vec::new());
        for s in scored {
            let source = self.index.source_of(s.passage)?;
            let Some(slot) = page_of.get_mut(source as usize) else {
                continue;
            };
            if *slot == u32::MAX {
                *slot = pages;
                pages += 1;
            }
            let Some(i) = (*slot as usize).checked_sub(window.start) else {
                continue;
            };
            if let Some(count) = listed.get_mut(i) {
                if *count < MAX_HITS_PER_PAGE {
                    *count += 1;
                    passages.push(s.passage);
                }
            }
        }
        self.touch_hits(&passages)
    }

    /// Sharded: reads now what [`Self::hit`] reads for each of `passages` (see
    /// `Engine::touch_fields`).
    fn touch_hits(&self, passages: &[u32]) -> Result<(), FormatError> {
        if self.index.shard_store().is_none() {
            return Ok(());
        }
        let index = &self.index;
        for &p in passages {
            let _ = index.passage_text(p);
            if let Ok(t) = index.title_of(p) {
                let _ = index.title_anchor(t);
                let _ = index.title_numbering(t);
                for title in index.heading_path(t).unwrap_or_default() {
                    let _ = index.title_text(title);
                }
            }
            if let Ok(source) = index.source_of(p) {
                let _ = index.source_name(source);
                let _ = index.source_url(source);
                let _ = index.source_page_title(source);
            }
        }
        self.stop_if_missed()
    }

    fn hit(
        &self,
        scored: &Scored,
        needles: &[Needle<'_>],
        cache: &mut KeyCache,
    ) -> Result<Hit, FormatError> {
        let p = scored.passage;
        let text = self.index.passage_text(p)?;
        let title_id = self.index.title_of(p)?;
        let title = self.index.title_text(title_id)?;
        let source_id = self.index.source_of(p)?;
        let source = self.index.source_name(source_id)?;
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let url = some(self.index.source_url(source_id)?);
        let anchor = some(self.index.title_anchor(title_id)?);
        let page_title = self.index.source_page_title(source_id)?.to_string();
        let mut headings = Vec::new();
        let mut heading = Some(title_id);
        while let Some(t) = heading {
            let text = self.index.title_text(t)?;
            if !text.is_empty() {
                headings.push(text.to_string());
            }
            heading = self.index.title_parent(t)?;
        }
        headings.reverse();
        let spans_in = |original: &str, key: &str| -> Vec<Span> {
            let mut found: Vec<(usize, usize)> = Vec::new();
            let mut terms = Vec::new();
            for (term, needle) in needles.iter().enumerate() {
                for range in needle.find_in(key) {
                    found.push(range);
                    terms.push(term);
                }
            }
            original_ranges(original, key, &found)
                .into_iter()
                .zip(terms)
                .map(|((start, end), term)| Span { start, end, term })
                .collect()
        };
        let text_spans = spans_in(text, self.layout.text_key(&self.index, cache, p)?);
        let title_spans = spans_in(title, self.layout.title_key(&self.index, cache, title_id)?);
        let merged_text = merge_spans(text_spans.clone());
        let merged_title = merge_spans(title_spans);
        Ok(Hit {
            source: source.to_string(),
            title: title.to_string(),
            text: text.to_string(),
            snippet: snippet_html(text, &text_spans),
            score: (scored.score * 1000.0).round() / 1000.0,
            passage: p,
            highlights: utf16_ranges(text, &merged_text),
            title_highlights: utf16_ranges(title, &merged_title),
            url,
            anchor,
            page_title,
            headings,
        })
    }
}
