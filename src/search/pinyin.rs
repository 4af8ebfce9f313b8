//! Pinyin search: a reader without a Chinese input method types `guangyuelou`, `gyl`,
//! `guang yue lou` or `聊cheng` and finds 光岳楼 / 聊城, highlighted on those characters.
//!
//! Readings are looked up at build time only (`zh-search-index`'s `pinyin::pinyin_entries`): the index's pinyin
//! table lists every Han character of the corpus under its usual toneless reading and every
//! vocabulary word whose reading differs (`~yin hang\0银行`: 行 is usually xing). At query time
//! nothing is converted to pinyin: the letters of a term are cut into syllable tokens
//! ([`tokens`]), each token becomes the set of corpus characters read that way (a whole
//! syllable, or an initial / the syllable still being typed), and the corpus is searched for
//! runs of characters from those sets ([`Pattern::match_at`]). The runs found become ordinary
//! Ctrl-F alternatives of the term, so highlights land on exactly those characters and an
//! exact (letters as typed) match always ranks above a pinyin one (`search`).

use crate::format::{
    decode_char_list, inside_word_read_otherwise, read_otherwise_entry, reading_pair_key,
    CountedChar, KeyMap,
};

/// Every Mandarin syllable without tone (`ü` written `v`), as the build's reading table writes
/// them. Tokenising queries against this fixed list (not against the corpus) cuts a query the
/// same way whatever the corpus.
const SYLLABLES: &str = "a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de den deng di dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fiao fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hm hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lun luo lv lve ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nun nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo";

/// Letters of one run considered as pinyin (longer runs are not pinyin: no work is spent).
pub(crate) const MAX_PINYIN_LETTERS: usize = 40;
/// A single letter is searched as typed only: as an initial it would stand for hundreds of
/// characters while the reader has barely started typing.
pub(crate) const MIN_PINYIN_LETTERS: usize = 2;
/// Characters one token may stand for (an initial such as `s` in a large corpus).
pub(crate) const MAX_CHARS_PER_TOKEN: usize = 600;
/// Words read unusually that one token may start.
pub(crate) const MAX_OVERRIDES_PER_TOKEN: usize = 200;
/// Different character runs a pinyin term may turn into (the most frequent ones are kept).
pub(crate) const MAX_ALTERNATIVES: usize = 16;
/// The same for a single syllable (`shi`), which dozens of characters are read as: the most
/// frequent few are what a reader still typing means; more only add noise and work.
pub(crate) const MAX_SINGLE_SYLLABLE_ALTERNATIVES: usize = 4;

/// [`SYLLABLES`] as a sorted slice (split once).
fn syllables() -> &'static [&'static str] {
    static LIST: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| SYLLABLES.split(' ').collect())
}

fn is_syllable(s: &str) -> bool {
    syllables().binary_search(&s).is_ok()
}

fn starts_a_syllable(s: &str) -> bool {
    let list = syllables();
    list.get(list.partition_point(|syllable| *syllable < s))
        .is_some_and(|syllable| syllable.starts_with(s))
}

/// The index's reading table: `format`'s PinyinFst, each entry with the PinyinChars lists it
/// points into.
#[derive(Clone, Copy)]
pub(crate) struct Readings<'t> {
    pub(crate) map: &'t KeyMap<'t>,
}

/// One syllable of a pinyin run, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) text: String,
    /// `true`: any syllable starting with `text` (an initial such as `g` in `gyl`, or the last
    /// syllable, still being typed); `false`: exactly the syllable `text`.
    pub(crate) prefix: bool,
}

impl Token {
    fn accepts(&self, syllable: &str) -> bool {
        if self.prefix {
            syllable.starts_with(&self.text)
        } else {
            syllable == self.text
        }
    }
}

/// Cuts a run of lower-case letters into syllable tokens, preferring whole syllables
/// (`xian` is one syllable, not `xi an`), then as few initials as possible; the last token
/// also matches longer syllables (as-you-type). `None` when the letters are not pinyin.
pub(crate) fn tokens(letters: &str) -> Option<Vec<Token>> {
    if letters.len() < MIN_PINYIN_LETTERS
        || letters.len() > MAX_PINYIN_LETTERS
        || !letters.bytes().all(|b| b.is_ascii_lowercase())
    {
        return None;
    }
    // Readers type ü as u after l/n (lue) as often as v (lve).
    let letters = letters.replace("lue", "lve").replace("nue", "nve");
    let n = letters.len();
    // best[i] = (cost, end of first token, whole?) of the cheapest cut of letters[i..].
    let mut best: Vec<Option<(u32, usize, bool)>> = vec![None; n + 1];
    best[n] = Some((0, n, true));
    for i in (0..n).rev() {
        for j in i + 1..=(i + 6).min(n) {
            let Some((rest, _, _)) = best[j] else {
                continue;
            };
            let piece = &letters[i..j];
            let option = if is_syllable(piece) {
                Some((rest + 2, j, true))
            } else if (j - i <= 2 || j == n) && starts_a_syllable(piece) {
                Some((rest + 3, j, false))
            } else {
                None
            };
            if let Some(option) = option {
                if best[i].is_none_or(|b| option.0 < b.0) {
                    best[i] = Some(option);
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let (_, j, whole) = best[i]?;
        out.push(Token {
            text: letters[i..j].to_string(),
            prefix: !whole || j == n,
        });
        i = j;
    }
    Some(out)
}

/// One position of a [`Pattern`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    /// A character typed as such (`聊` in `聊cheng`).
    Char(char),
    /// Any of these characters (sorted): the corpus characters read as the token.
    AnyOf(Vec<char>),
}

impl Slot {
    /// The characters this slot accepts.
    pub(crate) fn chars(&self) -> &[char] {
        match self {
            Slot::Char(c) => std::slice::from_ref(c),
            Slot::AnyOf(set) => set,
        }
    }

    fn accepts(&self, c: char) -> bool {
        match self {
            Slot::Char(x) => *x == c,
            Slot::AnyOf(set) => set.binary_search(&c).is_ok(),
        }
    }
}

/// What a term with letters may stand for in the corpus: one slot per character, and the
/// words read unusually that may stand for several slots at once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Pattern {
    pub(crate) slots: Vec<Slot>,
    /// `(first slot, word)`: `word` (one char per slot) may fill the slots from `first`.
    pub(crate) words: Vec<(usize, Vec<char>)>,
    /// `(character, word)`: inside `word`, `character` has another reading than its usual one,
    /// so a slot does not accept it there (`xing` does not match the 行 of 银行).
    pub(crate) read_otherwise: Vec<(char, Vec<char>)>,
    /// The occurrences in the corpus of the characters of the first slot (the table's counts),
    /// sorted by character: what [`Pattern::runs_from_counts`] ranks.
    pub(crate) first_counts: Vec<CountedChar>,
    /// Exceptions were left out ([`MAX_EXCEPTIONS`]): the pattern accepts some characters in
    /// words that read them otherwise, and only the texts say where it matches.
    pub(crate) exceptions_dropped: bool,
    /// A token stood for more characters or unusually read words than a slot keeps
    /// ([`MAX_CHARS_PER_TOKEN`], [`MAX_OVERRIDES_PER_TOKEN`]).
    pub(crate) lists_capped: bool,
    /// For two slots from two syllables, the first whole (`mingyue`, `ming yue`; not
    /// `聊cheng`): the start of the keys of the reading pairs they may be
    /// ([`reading_pair_prefix`]) and whether the second syllable is whole (then only the key
    /// itself).
    pub(crate) reading_pair: Option<(String, bool)>,
}

/// The start of the keys of the reading pairs `tokens` may stand for (see
/// [`reading_pair_key`]): two tokens, the first a whole syllable.
fn reading_pair_prefix(tokens: &[Token]) -> Option<String> {
    match tokens {
        [first, second] if !first.prefix => Some(reading_pair_key(&first.text, &second.text)),
        _ => None,
    }
}

/// Exceptions kept per pattern (see [`Pattern::read_otherwise`]).
pub(crate) const MAX_EXCEPTIONS: usize = 4_000;

/// Asks for the reading-table ranges a pattern of `letters` will read, each token's readings
/// and its unusually read words, when every token but the last is a whole syllable (`mingyue`,
/// not the initials of `ssh`, whose letters are likely a word of their own): a search that
/// first checks whether the letters occur as typed fetches them in the same round.
pub(crate) fn request_readings(letters: &str, table: Readings<'_>) {
    let Some(tokens) = tokens(letters) else {
        return;
    };
    let Some((last, rest)) = tokens.split_last() else {
        return;
    };
    if rest.iter().any(|t| t.prefix) || last.text.len() < MIN_PINYIN_LETTERS {
        return;
    }
    request_tokens(&tokens, table);
}

/// Asks for the reading-table ranges of `tokens` (sharded: one round for all of them, where
/// building the pattern would find one token's missing only after the previous token's had
/// arrived).
fn request_tokens(tokens: &[Token], table: Readings<'_>) {
    for token in tokens {
        table.map.request_prefix(&token.text);
        table.map.request_prefix(&format!("~{}", token.text));
    }
    if crate::format::SHARDED {
        if let Some(prefix) = reading_pair_prefix(tokens) {
            table.map.request_prefix(&prefix);
        }
    }
}

impl Pattern {
    /// Builds the pattern of a folded term (`聊cheng`, `gyl`) from the index's pinyin table.
    /// `None` when the term has no letters, has characters other than Han and letters, or its
    /// letters are not pinyin, or some token stands for no corpus character and no word.
    pub(crate) fn new(term: &str, table: Readings<'_>) -> Option<Pattern> {
        // The term's runs of letters as tokens, and its Han characters, in order.
        enum Piece {
            Letters(Vec<Token>),
            Han(char),
        }
        let mut pieces = Vec::new();
        let mut letters = String::new();
        for c in term.chars().chain(['\u{0}']) {
            if c.is_ascii_lowercase() {
                letters.push(c);
                continue;
            }
            if !letters.is_empty() {
                pieces.push(Piece::Letters(tokens(&letters)?));
                letters.clear();
            }
            match c {
                '\u{0}' => {}
                c if crate::normalize::is_han(c) => pieces.push(Piece::Han(c)),
                _ => return None,
            }
        }
        for piece in &pieces {
            if let Piece::Letters(tokens) = piece {
                request_tokens(tokens, table);
            }
        }
        let mut pattern = Pattern::default();
        let mut exceptions = Vec::new();
        let mut any_letters = false;
        for piece in pieces {
            match piece {
                Piece::Letters(tokens) => {
                    any_letters = true;
                    pattern.push_tokens(&tokens, table, &mut exceptions)?;
                }
                Piece::Han(c) => pattern.slots.push(Slot::Char(c)),
            }
        }
        // One slot from letters alone must be a whole syllable: `sh`, `g` are too little to go on.
        let lone_initial = pattern.slots.len() == 1 && !is_syllable(term);
        if !any_letters || lone_initial {
            return None;
        }
        pattern.keep_exceptions(exceptions);
        Some(pattern)
    }

    /// The pattern of several terms typed as separate syllables or words (`guang yue lou`),
    /// read as one run, and how many slots each term has. `None` unless every term is letters.
    pub(crate) fn from_terms(terms: &[&str], table: Readings<'_>) -> Option<(Pattern, Vec<usize>)> {
        let mut all = Vec::new();
        let mut counts = Vec::new();
        for (i, term) in terms.iter().enumerate() {
            let mut cut = tokens(term)?;
            if i + 1 < terms.len() {
                // A space ends a syllable: only the very last one may still be being typed.
                if let Some(last) = cut.last_mut() {
                    last.prefix = !is_syllable(&last.text);
                }
            }
            counts.push(cut.len());
            all.extend(cut);
        }
        request_tokens(&all, table);
        let mut pattern = Pattern::default();
        let mut exceptions = Vec::new();
        pattern.push_tokens(&all, table, &mut exceptions)?;
        pattern.keep_exceptions(exceptions);
        Some((pattern, counts))
    }

    /// Keeps the exceptions its tokens' readings brought (see [`Pattern::push_tokens`]) of the
    /// characters its slots accept, in character order (then word), each once.
    fn keep_exceptions(&mut self, mut all: Vec<(char, Vec<char>)>) {
        crate::sort::sort_by(&mut all, |a, b| a.cmp(b));
        all.dedup();
        for (c, word) in &all {
            if self
                .slots
                .iter()
                .any(|s| matches!(s, Slot::AnyOf(_)) && s.accepts(*c))
            {
                if self.read_otherwise.len() == MAX_EXCEPTIONS {
                    self.exceptions_dropped = true;
                    break;
                }
                self.read_otherwise.push((*c, word.clone()));
            }
        }
    }

    /// What a Ctrl-F needle for `run` (a run this pattern found) must check at each occurrence:
    /// the pattern itself when some character of the run is read otherwise in some word
    /// ([`Pattern::read_otherwise`]), else nothing. Without such a character every literal
    /// occurrence of the run matches: the run was matched once, and the slots and words that
    /// matched it accept the same characters wherever they stand, always `slots.len()`
    /// characters long. A plain needle then finds exactly the same occurrences, and the gram
    /// layout takes them from the postings instead of reading every text that holds the run.
    pub(crate) fn check_for(&self, run: &str) -> Option<&Pattern> {
        run.chars()
            .any(|c| self.read_otherwise.iter().any(|(x, _)| *x == c))
            .then_some(self)
    }

    /// Is `c`, at byte `at` of `text`, inside a word that reads it otherwise?
    fn read_otherwise_at(&self, text: &str, at: usize, c: char) -> bool {
        let words = self
            .read_otherwise
            .iter()
            .filter(|(x, _)| *x == c)
            .map(|(_, word)| word.as_slice());
        inside_word_read_otherwise(text, at, c, words)
    }

    /// Adds a slot per token (the characters its readings list), the unusually read words that
    /// may fill slots from it, and to `exceptions` the reading exceptions of those readings
    /// (`xing^行\0银行`: they follow their reading's key, so the walk brings them along).
    fn push_tokens(
        &mut self,
        tokens: &[Token],
        table: Readings<'_>,
        exceptions: &mut Vec<(char, Vec<char>)>,
    ) -> Option<()> {
        let first = self.slots.len();
        // Only sharded indexes have reading pairs: another module leaves this out.
        if crate::format::SHARDED && first == 0 && tokens.len() == 2 {
            self.reading_pair = reading_pair_prefix(tokens).map(|p| (p, !tokens[1].prefix));
        }
        for (i, token) in tokens.iter().enumerate() {
            let mut chars = Vec::new();
            table
                .map
                .for_each_with_prefix(&token.text, &mut |key, list, area| {
                    if let Some(exception) = read_otherwise_entry(key) {
                        let reading = key.split(|&b| b == b'^').next().unwrap_or_default();
                        if std::str::from_utf8(reading).is_ok_and(|r| token.accepts(r)) {
                            exceptions.push(exception);
                        }
                        return true;
                    }
                    // Full: no further reading (the exceptions of those taken came first).
                    if chars.len() >= MAX_CHARS_PER_TOKEN {
                        return false;
                    }
                    if std::str::from_utf8(key).is_ok_and(|r| token.accepts(r)) {
                        let room = MAX_CHARS_PER_TOKEN - chars.len();
                        chars.extend(decode_char_list(area, list, room).unwrap_or_default());
                    }
                    true
                });
            let capped = chars.len() >= MAX_CHARS_PER_TOKEN;
            crate::sort::sort_by(&mut chars, |a, b| a.cmp(b));
            chars.dedup();
            if first + i == 0 {
                self.first_counts = chars.clone();
            }
            let chars: Vec<char> = chars.into_iter().map(|(c, _)| c).collect();
            // Words read unusually whose first syllable is this token and whose other
            // syllables fit the tokens after it.
            let mut key = String::from("~");
            key.push_str(&token.text);
            let mut found = 0;
            let words = &mut self.words;
            table.map.for_each_with_prefix(&key, &mut |entry, _, _| {
                let Some((reading, word)) = split_entry(entry) else {
                    return true;
                };
                let syllables: Vec<&str> = reading[1..].split(' ').collect();
                let fits = syllables.len() <= tokens.len() - i
                    && syllables
                        .iter()
                        .zip(&tokens[i..])
                        .all(|(s, t)| t.accepts(s));
                if fits && word.chars().count() == syllables.len() {
                    words.push((first + i, word.chars().collect()));
                    found += 1;
                }
                found < MAX_OVERRIDES_PER_TOKEN
            });
            self.lists_capped |= capped || found >= MAX_OVERRIDES_PER_TOKEN;
            if chars.is_empty()
                && found == 0
                && !self.words.iter().any(|w| w.0 + w.1.len() > first + i)
            {
                return None;
            }
            self.slots.push(Slot::AnyOf(chars));
        }
        Some(())
    }

    /// The runs of a one-slot pattern (`bai`, `ming`: one syllable, whole or still being
    /// typed), most frequent first, from the table's counts alone: its
    /// [`MAX_SINGLE_SYLLABLE_ALTERNATIVES`] most frequent characters (then in code-point
    /// order), as [`best_runs`] ranks runs. `None` for longer patterns, whose runs only the
    /// corpus text shows. Both layouts take these, so they agree by construction; that a
    /// character's occurrences inside words reading it otherwise count too only costs the
    /// rare character read so nowhere else a place among the few (its needle then checks the
    /// pattern and finds nothing there).
    pub(crate) fn runs_from_counts(&self) -> Option<Vec<String>> {
        if self.slots.len() != 1
            || !matches!(self.slots[0], Slot::AnyOf(_))
            || !self.words.is_empty()
        {
            return None;
        }
        let mut counted: Vec<CountedChar> = self.first_counts.clone();
        crate::sort::sort_by(&mut counted, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Some(
            counted
                .into_iter()
                .filter(|c| c.1 > 0)
                .take(MAX_SINGLE_SYLLABLE_ALTERNATIVES)
                .map(|c| c.0.to_string())
                .collect(),
        )
    }

    /// Every character a match may start with ([`Pattern::may_start_with`] as a list): the first
    /// slot's characters and the first characters of words filling it; sorted, no repeats.
    pub(crate) fn start_chars(&self) -> Vec<char> {
        let mut chars: Vec<char> = self
            .slots
            .first()
            .map_or(Vec::new(), |s| s.chars().to_vec());
        chars.extend(
            self.words
                .iter()
                .filter(|w| w.0 == 0)
                .filter_map(|w| w.1.first()),
        );
        crate::sort::sort_by(&mut chars, |a, b| a.cmp(b));
        chars.dedup();
        chars
    }

    /// Could a match start with `c`?
    pub(crate) fn may_start_with(&self, c: char) -> bool {
        self.slots.first().is_some_and(|s| s.accepts(c))
            || self
                .words
                .iter()
                .any(|w| w.0 == 0 && w.1.first() == Some(&c))
    }

    /// The end (byte offset in `text`) of a match of the pattern starting at byte `at`.
    pub(crate) fn match_at(&self, text: &str, at: usize) -> Option<usize> {
        self.match_from(text, at, 0)
    }

    fn match_from(&self, text: &str, at: usize, slot: usize) -> Option<usize> {
        if slot == self.slots.len() {
            return Some(at);
        }
        let rest = text.get(at..)?;
        for (first, word) in &self.words {
            if *first == slot {
                let mut end = at;
                let mut chars = text[at..].chars();
                if word
                    .iter()
                    .all(|&w| chars.next().inspect(|c| end += c.len_utf8()) == Some(w))
                {
                    if let Some(found) = self.match_from(text, end, slot + word.len()) {
                        return Some(found);
                    }
                }
            }
        }
        let c = rest.chars().next()?;
        let accepted = match &self.slots[slot] {
            Slot::Char(x) => *x == c,
            any => any.accepts(c) && !self.read_otherwise_at(text, at, c),
        };
        if accepted {
            self.match_from(text, at + c.len_utf8(), slot + 1)
        } else {
            None
        }
    }
}

/// `reading \0 text` → `(reading, text)`.
fn split_entry(entry: &[u8]) -> Option<(&str, &str)> {
    let zero = entry.iter().position(|&b| b == 0)?;
    Some((
        std::str::from_utf8(&entry[..zero]).ok()?,
        std::str::from_utf8(&entry[zero + 1..]).ok()?,
    ))
}

/// Every run of `text` matching `pattern`, appended to `found` (one entry per occurrence).
pub(crate) fn collect_runs<'t>(pattern: &Pattern, text: &'t str, found: &mut Vec<&'t str>) {
    for (at, c) in text.char_indices() {
        if !pattern.may_start_with(c) {
            continue;
        }
        if let Some(end) = pattern.match_at(text, at) {
            found.push(&text[at..end]);
        }
    }
}

/// The most frequent runs (then in code-point order): [`MAX_ALTERNATIVES`], or
/// [`MAX_SINGLE_SYLLABLE_ALTERNATIVES`] for a one-slot pattern.
pub(crate) fn best_runs(pattern: &Pattern, mut found: Vec<&str>) -> Vec<String> {
    let limit = if pattern.slots.len() == 1 {
        MAX_SINGLE_SYLLABLE_ALTERNATIVES
    } else {
        MAX_ALTERNATIVES
    };
    crate::sort::sort_by(&mut found, |a, b| a.cmp(b));
    let mut counted: Vec<(&str, u32)> = Vec::new();
    for run in found {
        match counted.last_mut() {
            Some(last) if last.0 == run => last.1 += 1,
            _ => counted.push((run, 1)),
        }
    }
    crate::sort::sort_by(&mut counted, |a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    counted
        .into_iter()
        .take(limit)
        .map(|f| f.0.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(letters: &str) -> Vec<(String, bool)> {
        tokens(letters)
            .unwrap_or_default()
            .into_iter()
            .map(|t| (t.text, t.prefix))
            .collect()
    }

    #[test]
    fn tokenising() {
        let t = |s: &str, p| (s.to_string(), p);
        let cases: Vec<(&str, Vec<(String, bool)>)> = vec![
            (
                "guangyuelou",
                vec![t("guang", false), t("yue", false), t("lou", true)],
            ),
            (
                "tanjiliang",
                vec![t("tan", false), t("ji", false), t("liang", true)],
            ),
            ("gyl", vec![t("g", true), t("y", true), t("l", true)]),
            ("xian", vec![t("xian", true)]),
            ("liaoch", vec![t("liao", false), t("ch", true)]),
            ("yinhang", vec![t("yin", false), t("hang", true)]),
            ("lue", vec![t("lve", true)]),
            ("nqi", vec![t("n", true), t("qi", true)]),
            ("iphone", vec![]),
            ("vvv", vec![]),
            ("", vec![]),
        ];
        for (letters, want) in cases {
            assert_eq!(cut(letters), want, "{letters}");
        }
        assert!(tokens(&"a".repeat(MAX_PINYIN_LETTERS + 1)).is_none());
        assert!(tokens("Abc").is_none());
    }

    /// A reading table encoded as the builder does: `reading|char` entries are grouped into
    /// character lists, `~…|word` and `^…|word` entries kept as keys.
    fn table(entries: &[&str]) -> Readings<'static> {
        let mut lists: std::collections::BTreeMap<&str, Vec<(char, u64)>> = Default::default();
        let mut keys: std::collections::BTreeMap<Vec<u8>, u64> = Default::default();
        for e in entries {
            let (reading, text) = e.split_once('|').unwrap();
            if reading.starts_with('~') || reading.contains('^') {
                keys.insert(e.replace('|', "\0").into_bytes(), 0);
            } else {
                // `reading|chars` or `reading|chars|count` (every character that often; 1).
                let (text, count) = text.split_once('|').unwrap_or((text, "1"));
                let count: u64 = count.parse().unwrap();
                lists
                    .entry(reading)
                    .or_default()
                    .extend(text.chars().map(|c| (c, count)));
            }
        }
        let mut chars = Vec::new();
        for (reading, mut list) in lists {
            list.sort();
            let value = crate::format::encode_char_list(&mut chars, &list);
            keys.insert(reading.as_bytes().to_vec(), value);
        }
        let bytes: &'static [u8] = Box::leak(
            fst::Map::from_iter(keys)
                .unwrap()
                .into_fst()
                .into_inner()
                .into_boxed_slice(),
        );
        let map = Box::leak(Box::new(KeyMap::Whole {
            map: fst::Map::new(bytes).unwrap(),
            area: Box::leak(chars.into_boxed_slice()),
        }));
        Readings { map }
    }

    #[test]
    fn patterns_match_runs_and_unusual_readings() {
        let table = table(&[
            "cheng|城",
            "cheng|成",
            "guang|光",
            "hang|航",
            "liao|聊",
            "lou|楼",
            "xing|行",
            "yin|银",
            "yue|岳",
            "~yin hang|银行",
            "xing^行|银行",
        ]);
        let runs = |term: &str, text: &str| {
            let mut found = Vec::new();
            if let Some(p) = Pattern::new(term, table) {
                collect_runs(&p, text, &mut found);
                return best_runs(&p, found);
            }
            Vec::new()
        };
        assert_eq!(runs("guangyuelou", "登上光岳楼远眺"), ["光岳楼"]);
        assert_eq!(runs("gyl", "登上光岳楼远眺"), ["光岳楼"]);
        assert_eq!(runs("聊cheng", "聊城聊成城"), ["聊城", "聊成"]);
        // 行 in 银行 is hang; on its own it is xing.
        assert_eq!(runs("yinhang", "中国银行和银航"), ["银航", "银行"]);
        assert_eq!(runs("hang", "银行"), Vec::<String>::new());
        assert_eq!(runs("xing", "银行步行"), ["行"]);
        assert_eq!(runs("xing", "银行"), Vec::<String>::new());
        let (pattern, counts) = Pattern::from_terms(&["guang", "yue", "lou"], table).unwrap();
        assert_eq!(counts, [1, 1, 1]);
        let mut found = Vec::new();
        collect_runs(&pattern, "光岳楼", &mut found);
        assert_eq!(best_runs(&pattern, found), ["光岳楼"]);
        assert_eq!(
            Pattern::new("xing", table).unwrap().read_otherwise,
            [('行', vec!['银', '行'])]
        );
        assert!(Pattern::new("guang", table)
            .unwrap()
            .read_otherwise
            .is_empty());
        assert!(Pattern::new("nqi", table).is_none());
        assert!(Pattern::new("光岳楼", table).is_none());
        assert!(Pattern::new("2023nian", table).is_none());
        // start_chars lists exactly the characters may_start_with accepts.
        for (term, starts) in [
            ("cheng", &['城', '成'][..]),
            ("yinhang", &['银']),
            ("聊cheng", &['聊']),
        ] {
            let p = Pattern::new(term, table).unwrap();
            let mut expected = starts.to_vec();
            expected.sort();
            assert_eq!(p.start_chars(), expected, "{term}");
            for c in "城成光航聊楼行银岳中".chars() {
                assert_eq!(p.may_start_with(c), expected.contains(&c), "{term} {c}");
            }
        }
    }

    #[test]
    fn one_syllable_runs_are_the_most_frequent_characters() {
        let table = table(&[
            "bai|白|40",
            "bai|百|40",
            "bai|柏|7",
            "bai|拜|9",
            "bai|败|1",
            "bo|波|3",
            "ban|半|50",
            "yin|银|2",
            "hang|航|2",
            "~yin hang|银行",
        ]);
        let runs = |term: &str| Pattern::new(term, table).and_then(|p| p.runs_from_counts());
        // Count first, then code point (白 U+767D before 百 U+767E).
        assert_eq!(runs("bai").unwrap(), ["白", "百", "拜", "柏"]);
        // A syllable still being typed stands for every reading it starts: 半 (ban) leads.
        assert_eq!(runs("ba").unwrap(), ["半", "白", "百", "拜"]);
        // Longer patterns, or a typed character, are the corpus text's to say.
        assert_eq!(runs("yinhang"), None);
        assert_eq!(runs("bai银"), None);
        assert_eq!(runs("b"), None);
    }

    #[test]
    fn a_run_needs_its_pattern_only_where_a_character_reads_otherwise() {
        let table = table(&[
            "xing|行",
            "xing|星",
            "yin|银",
            "~yin hang|银行",
            "xing^行|银行",
        ]);
        let pattern = Pattern::new("xing", table).unwrap();
        assert!(pattern.check_for("行").is_some());
        assert!(pattern.check_for("星").is_none());
        // Without such a character, the plain match and the pattern's agree on any text.
        let text = "星星银行星行";
        for run in ["星", "行"] {
            let plain: Vec<usize> = text.match_indices(run).map(|(at, _)| at).collect();
            let checked: Vec<usize> = plain
                .iter()
                .copied()
                .filter(|&at| pattern.match_at(text, at) == Some(at + run.len()))
                .collect();
            assert_eq!(plain == checked, pattern.check_for(run).is_none(), "{run}");
        }
    }
}
