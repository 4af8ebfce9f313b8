//! Section numbering at the start of headings and page titles (`2.1.3.`, `第 2 章`, `附录 A`,
//! `一、`, `（一）`, `iv.`): the indexer stores its length with every title, so that the engine
//! can compare a query with the heading's words alone ("is the query the heading?") without
//! knowing any numbering scheme.

/// A heading's match key without its leading section numbering: `2.1.3.`, `2.1`, `3)`, `第2章`,
/// `第二节`, `a.1`, `附录a`, `一、`, `(一)`, `(3)`, `iv.` and the separators after them. A bare
/// number followed by a letter or a CJK character (`2020年`, `3d`) is not numbering. Returns
/// the heading unchanged when nothing but numbering would remain.
pub fn strip_numbering(key: &str) -> &str {
    let mut rest = key;
    // Several levels may stack up (`附录 A. A.1 …`).
    for _ in 0..3 {
        let n = numbering_len(rest);
        if n == 0 {
            break;
        }
        let after = rest[n..].trim_start_matches(is_numbering_separator);
        if after.is_empty() {
            break;
        }
        rest = after;
    }
    rest
}

fn is_numbering_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '.' | '、' | ':' | '-' | '。' | '．' | '：' | '—' | '_' | '·'
    )
}

fn is_chinese_numeral(c: char) -> bool {
    matches!(
        c,
        '零' | '〇'
            | '一'
            | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '两'
    )
}

/// The byte length of one level of numbering at the start of `key` (0: none).
fn numbering_len(key: &str) -> usize {
    let chars: Vec<(usize, char)> = key.char_indices().take(24).collect();
    let at = |i: usize| chars.get(i).map(|c| c.1);
    let end = |i: usize| chars.get(i).map_or(key.len(), |c| c.0);
    let run = |from: usize, class: fn(char) -> bool| {
        let mut i = from;
        while at(i).is_some_and(class) {
            i += 1;
        }
        i
    };
    let digit = |c: char| c.is_ascii_digit();
    let numeral = |c: char| c.is_ascii_digit() || is_chinese_numeral(c);
    match at(0) {
        // 第 2 章, 第二节, 第 3 部分.
        Some('第') => {
            let from = run(1, |c| c == ' ');
            let digits_end = run(from, numeral);
            let i = run(digits_end, |c| c == ' ');
            match at(i) {
                _ if digits_end == from => 0,
                Some('部') if at(i + 1) == Some('分') => end(i + 2),
                Some('章' | '节' | '篇' | '部' | '条' | '课' | '卷' | '回' | '册' | '讲') => {
                    end(i + 1)
                }
                _ => 0,
            }
        }
        // 附录 A, 附录a.
        Some('附') if at(1) == Some('录') => {
            end(if at(2).is_some_and(|c| c.is_ascii_alphanumeric()) {
                3
            } else {
                2
            })
        }
        // (一), (3), （二）, [2], 【三】.
        Some('(' | '（' | '[' | '【') => {
            let i = run(1, numeral);
            if i > 1 && matches!(at(i), Some(')' | '）' | ']' | '】')) {
                end(i + 1)
            } else {
                0
            }
        }
        // 一、 二. 十一：
        Some(c) if is_chinese_numeral(c) => {
            let i = run(0, is_chinese_numeral);
            if matches!(at(i), Some('、' | '.' | '．' | ':' | '：')) {
                end(i + 1)
            } else {
                0
            }
        }
        // 2.1.3. / 2.1 / 3) / 3、 / 12 (then a space or a dot) / a.1 / iv.
        _ => {
            let roman = run(0, |c| matches!(c, 'i' | 'v' | 'x'));
            if (1..=4).contains(&roman) && at(roman) == Some('.') {
                return end(roman + 1);
            }
            let lettered = at(0).is_some_and(|c| c.is_ascii_lowercase())
                && at(1) == Some('.')
                && at(2).is_some_and(digit);
            let start = if lettered { 2 } else { 0 };
            let mut i = run(start, digit);
            if i == start {
                return 0;
            }
            let mut levels = 1;
            while at(i) == Some('.') && at(i + 1).is_some_and(digit) {
                i = run(i + 1, digit);
                levels += 1;
            }
            let closed = matches!(at(i), Some(')' | '）'));
            if closed {
                end(i + 1)
            } else if levels > 1 || lettered || matches!(at(i), Some('.' | '、' | ' ' | ':' | '．'))
            {
                end(i)
            } else {
                0
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_is_stripped_in_its_common_forms() {
        for (key, want) in [
            ("2.1.3.软件包", "软件包"),
            ("2.1 apt-get", "apt-get"),
            ("2.debian 软件包管理", "debian 软件包管理"),
            ("12 introduction", "introduction"),
            ("3)配置", "配置"),
            ("第2章debian 软件包管理", "debian 软件包管理"),
            ("第二节 概述", "概述"),
            ("第 10 部分附录", "附录"),
            ("a.1.安装", "安装"),
            ("附录a.词汇表", "词汇表"),
            ("一、总则", "总则"),
            ("十二.总则", "总则"),
            ("(一)范围", "范围"),
            ("（三）范围", "范围"),
            ("(3)范围", "范围"),
            ("iv.usage", "usage"),
            // Not numbering.
            ("2020年工作", "2020年工作"),
            ("3d 打印", "3d 打印"),
            ("一个例子", "一个例子"),
            ("第一印象", "第一印象"),
            ("apt-get", "apt-get"),
            ("ls", "ls"),
            ("x11", "x11"),
            ("vim", "vim"),
            // Nothing but numbering: kept.
            ("2.1.", "2.1."),
            ("第3章", "第3章"),
        ] {
            assert_eq!(strip_numbering(key), want, "{key}");
        }
    }
}
