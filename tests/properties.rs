//! Property tests for normalisation and snippets, on generated text (the fuzz targets check the
//! same properties on libFuzzer's inputs, `crates/harness`):
//!
//! * the match key is the text folded character by character: idempotent, no whitespace but
//!   single spaces between letters/digits, no invisible characters, and every key character
//!   maps back to exactly the original character it came from;
//! * a snippet is valid escaped HTML whose only tags are balanced, unnested, non-empty
//!   `<mark>`s, its text is a piece of the passage, and every `<mark>` covers text that really
//!   matches a query term (folded like the engine folds it).

use zh_search_harness as harness;

use proptest::prelude::*;
use zh_search::format::FoldTable;
use zh_search::normalize::{char_class, fold_char, fold_text, is_invisible, match_key, CharClass};

/// The tiny fixture's fold table (國→国, 計→计, …).
fn fold() -> FoldTable<'static> {
    static BYTES: &[u8] = include_bytes!("fixtures/tiny.grams.index");
    let engine: &'static zh_search::search::Engine<'static> =
        Box::leak(Box::new(zh_search::search::Engine::open(BYTES).unwrap()));
    engine.index.fold()
}

/// Text with every kind of character the normaliser treats specially.
fn text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        4 => "[碳计量中心国家聊城光岳楼的是]{1,6}",
        2 => "[國計質檢]{1,3}",
        2 => "[a-zA-Z]{1,6}",
        1 => "[ＡＢＣａｂｃ０１２ＮＱＩ]{1,4}",
        1 => "[0-9]{1,4}",
        2 => "[ \t\n\r\u{3000}]{1,3}",
        1 => "[\u{200B}\u{200D}\u{FEFF}\u{00AD}\u{FFFD}\u{0}\u{7}]",
        1 => "[<>&\"'，。！…]{1,3}",
        1 => "[𠀀😀\u{301}éÉΣЖ]{1,3}",
    ];
    proptest::collection::vec(pieces, 0..40).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn match_keys_fold_char_by_char_and_map_back(text in text()) {
        let fold = fold();
        let key = match_key(&text, &fold);
        prop_assert_eq!(fold_text(&key.text, &fold), key.text.clone(), "idempotent");
        prop_assert!(!key.text.starts_with(' ') && !key.text.ends_with(' ') && !key.text.contains("  "));
        for (i, c) in key.text.char_indices() {
            prop_assert!(!is_invisible(c) && !c.is_control());
            if c == ' ' {
                let before = key.text[..i].chars().next_back().map(char_class);
                let after = key.text[i + 1..].chars().next().map(char_class);
                prop_assert_eq!((before, after), (Some(CharClass::Word), Some(CharClass::Word)));
                continue;
            }
            prop_assert!(!c.is_whitespace());
            // The key character maps back to one original character that folds to it.
            let (a, b) = key.original_range(i, i + c.len_utf8());
            let original = &text[a..b];
            prop_assert_eq!(original.chars().count(), 1, "{:?} at {}", original, i);
            prop_assert_eq!(fold_char(original.chars().next().unwrap(), &fold), c);
        }
        // Nothing but whitespace, invisible and control characters is dropped.
        let kept = text.chars().filter(|&c| {
            let f = fold_char(c, &fold);
            !(f.is_whitespace() || is_invisible(f) || f.is_control())
        });
        prop_assert!(kept.map(|c| fold_char(c, &fold)).eq(key.text.chars().filter(|&c| c != ' ')));
    }

    #[test]
    fn snippets_are_escaped_balanced_and_mark_real_matches(
        text in text(),
        picks in proptest::collection::vec((0usize..400, 1usize..6), 0..4),
        spans in proptest::collection::vec(any::<u8>(), 0..24),
    ) {
        // Needles are pieces of the text (so they match), typed in any variant the folding
        // accepts; `harness::snippet_input` finds them the way the engine does and checks the
        // snippet, the normalisation and arbitrary (even invalid) spans.
        let chars: Vec<char> = text.chars().collect();
        let mut input = text.clone();
        for (at, len) in picks {
            if chars.is_empty() {
                break;
            }
            let at = at % chars.len();
            let needle: String = chars[at..(at + len).min(chars.len())].iter().collect();
            input.push('\u{1}');
            input.push_str(&needle);
        }
        let mut data = input.into_bytes();
        data.extend(spans);
        harness::snippet_input(&fold(), &data);
    }

    #[test]
    fn long_passages_get_a_window_around_real_matches(
        before in 0usize..400,
        after in 0usize..400,
        needle in "[碳计量國家]{1,5}",
        filler in "[的是在和 \n<&]{1,3}",
    ) {
        let text = format!("{}{}{}", filler.repeat(before), needle, filler.repeat(after));
        let data = format!("{text}\u{1}{needle}");
        harness::snippet_input(&fold(), data.as_bytes());
    }
}
