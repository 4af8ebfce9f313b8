//! The sharded layout answers exactly what the single-file index answers: every query of the
//! evaluation set and of a probe list (words, phrases, several terms, partial matches,
//! traditional characters, full-width letters, pinyin, prefixes as typed), flat and grouped
//! results, and suggestions, on the seeds and the two fixture sites — fetching only the
//! shards each search reads, round after round, as the browser does.

mod common;

use zh_search::format::{split_index, FormatError, SectionKind, ShardSizes, ShardStore, Sharded};
use zh_search::search::{Engine, SearchOptions};
use zh_search_index::{build_folder, Layout, Options};

/// Queries beyond the evaluation set: every path of the engine.
const PROBES: &[&str] = &[
    "中心",
    "中",
    "聊城",
    "聊城市 教育",
    "\"国家 碳计量\"",
    "碳计量中心在哪里",
    "臺灣",
    "聊城大學",
    "ＡＢＣ",
    "zhongxin",
    "liaocheng",
    "gyl",
    "lc",
    "shi",
    "2023",
    "5G",
    "的",
    "不存在的词语组合",
    "冠县 灵芝 绝无此词",
    "apt",
    "apt-get install",
    "软件包",
    "Debian 软件包管理",
    "sources.list",
    "dpkg -i",
];

/// The seeds in the gram layout (the sharded layout is for gram indexes).
fn index_of(dir: &str) -> Vec<u8> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    build_folder(&dir, &Options::of_folder(&dir, Layout::Grams).unwrap())
        .unwrap()
        .bytes
}

/// Runs `read` against a sharded engine, fetching what each run misses, until it completes.
/// Returns the answer and the shards each round asked for (one list per round).
fn fetching<T>(
    what: &str,
    store: &ShardStore,
    sharded: &Sharded,
    engine: &Engine<'_>,
    read: impl Fn(&Engine<'_>) -> Result<T, FormatError>,
) -> (T, Vec<Vec<u32>>) {
    let mut rounds = Vec::new();
    for _ in 0..64 {
        match read(engine) {
            Err(FormatError::NeedShards) => {
                let missing = store.take_missing();
                assert!(!missing.is_empty(), "NeedShards without a missing shard");
                for &id in &missing {
                    assert!(!store.has(id), "shard {id} asked for twice");
                    store.add(id, &sharded.shards[id as usize]).unwrap();
                }
                rounds.push(missing);
            }
            other => return (other.unwrap(), rounds),
        }
    }
    panic!("{what}: still needed shards after 64 rounds");
}

fn queries() -> Vec<String> {
    let mut out: Vec<String> =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/queries.tsv"))
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|l| l.split('\t').next().unwrap().to_string())
            .collect();
    out.extend(PROBES.iter().map(|s| s.to_string()));
    // Every prefix of every query, as typed.
    let typed: Vec<String> = out
        .iter()
        .flat_map(|q| {
            let chars: Vec<char> = q.chars().collect();
            (1..chars.len()).map(move |n| chars[..n].iter().collect::<String>())
        })
        .collect();
    out.extend(typed);
    out.sort();
    out.dedup();
    out
}

fn assert_same_answers(dir: &str, sizes: ShardSizes) {
    assert_same_answers_to(dir, sizes, &queries());
}

fn assert_same_answers_to(dir: &str, sizes: ShardSizes, queries: &[String]) {
    assert_same_answers_of(dir, &index_of(dir), sizes, queries);
}

/// [`assert_same_answers_to`] of an index built otherwise (`dir` names it in messages).
fn assert_same_answers_of(dir: &str, bytes: &[u8], sizes: ShardSizes, queries: &[String]) {
    let single = Engine::open(bytes).unwrap();
    let sharded = split_index(bytes, sizes).unwrap();
    let store = ShardStore::open(sharded.root.clone()).unwrap();
    let engine = Engine::open_sharded(&store).unwrap();
    let options = SearchOptions {
        limit: 20,
        offset: 0,
    };
    let mut most_rounds = 0;
    for query in queries {
        let query = query.as_str();
        let (flat, rounds) = fetching(query, &store, &sharded, &engine, |e| {
            e.search(query, options)
        });
        most_rounds = most_rounds.max(rounds.len());
        assert_eq!(
            flat,
            single.search(query, options).unwrap(),
            "{dir}: {query}"
        );
        let (pages, page_rounds) = fetching(query, &store, &sharded, &engine, |e| {
            e.search_pages(query, options)
        });
        assert_eq!(
            pages,
            single.search_pages(query, options).unwrap(),
            "{dir}: {query}"
        );
        most_rounds = most_rounds.max(page_rounds.len());
        let (suggested, suggest_rounds) = fetching(
            &format!("suggest {query}"),
            &store,
            &sharded,
            &engine,
            |e| e.suggest(query, 8),
        );
        assert_eq!(
            suggested,
            single.suggest(query, 8).unwrap(),
            "{dir}: {query}"
        );
        most_rounds = most_rounds.max(suggest_rounds.len());
    }
    assert!(
        most_rounds <= 12,
        "{dir}: a search took {most_rounds} rounds"
    );
}

#[test]
fn the_seeds_answer_the_same_sharded() {
    assert_same_answers("seeds", ShardSizes::default());
}

#[test]
fn tiny_shards_answer_the_same() {
    // Pages and ranges of a few hundred bytes: many cuts, every read near one.
    let sizes = ShardSizes {
        inline_max: 0,
        text_page: 256,
        table_page: 64,
        range: 256,
        word_range: 128,
    };
    assert_same_answers("seeds", sizes);
    assert_same_answers("tests/site-docbook", sizes);
    assert_same_answers("tests/site", sizes);
}

#[test]
fn the_docbook_site_answers_the_same_sharded() {
    assert_same_answers("tests/site-docbook", ShardSizes::default());
}

/// The fixture site: page URLs that differ from the file names (`guide/光岳楼.html` is linked
/// percent-encoded), page titles, heading anchors.
#[test]
fn the_fixture_site_answers_the_same_sharded() {
    assert_same_answers("tests/site", ShardSizes::default());
}

/// Polyphones (行 reads hang in 银行, 乐 yue in 音乐, 长 zhang in 长大), in texts and titles:
/// the sharded index answers one-syllable pinyin as the single file does, from the postings of
/// each character's usual reading that it stored, without reading the texts.
#[test]
fn polyphones_answer_the_same_sharded_without_reading_texts() {
    let texts = [
        "他在中国银行工作了很多年，每天骑车去银行上班。银行门口行人很多。",
        "步行是最健康的出行方式，行人很多，行行出状元。",
        "银航科技是一家新公司，银杏树下有一家银行。航行，行星，星星。",
        "长安城里长长的街道，长大以后去长安。音乐，快乐，乐观。",
        "音乐会上的音乐很好听。",
        "这样行不行？行。我看行，乐在其中。",
    ];
    let titles = ["行人与银行", "银行", "快乐的音乐", "长大", "音乐", "行"];
    let sections: Vec<(&str, &[&str])> = titles
        .iter()
        .zip(&texts)
        .map(|(title, text)| (*title, std::slice::from_ref(text)))
        .collect();
    let docs = [common::markdown_doc("polyphones.md", &sections)];
    let bytes = common::docs_index(&docs, Layout::Grams);
    let typed = [
        "xing", "hang", "le", "yue", "chang", "zhang", "yin", "yinhang", "xingren", "kuaile",
        "yinyue", "xing ren", "le yue", "hangxing", "xingxing", "xinghang", "changan", "zhangda",
    ];
    let mut queries: Vec<String> = typed
        .iter()
        .flat_map(|q| (1..=q.len()).map(move |n| q[..n].to_string()))
        .collect();
    queries.sort();
    queries.dedup();
    let tiny = ShardSizes {
        inline_max: 0,
        text_page: 16,
        table_page: 64,
        range: 256,
        word_range: 128,
    };
    assert_same_answers_of("polyphones", &bytes, ShardSizes::default(), &queries);
    assert_same_answers_of("polyphones", &bytes, tiny, &queries);

    // No hits to show (limit 0): the texts a search reads are those its matching and ranking
    // read. `yue` (乐 outside 音乐 … read otherwise) and `zhang` (长 in 长大) read none; they
    // read every text holding the character before the usual readings were stored.
    let sharded = split_index(&bytes, tiny).unwrap();
    for q in ["yue", "zhang"] {
        let store = ShardStore::open(sharded.root.clone()).unwrap();
        let engine = Engine::open_sharded(&store).unwrap();
        let no_hits = SearchOptions {
            limit: 0,
            offset: 0,
        };
        let (results, rounds) = fetching(q, &store, &sharded, &engine, |e| e.search(q, no_hits));
        let texts = shards_of(&store, &rounds.concat(), SectionKind::PassageOffsets).len();
        assert!(results.total > 0, "{q}");
        assert_eq!(texts, 0, "{q} read {texts} text groups");
    }
}

/// A large real corpus (`make bench` runs it on 10,000 Tang poems with their query list):
/// `ZH_SEARCH_EQUIVALENCE_CORPUS=<dir>`, `ZH_SEARCH_EQUIVALENCE_QUERIES=<file, one a line, `#`
/// starting a comment>`.
#[test]
#[ignore = "needs a large corpus: make bench runs it"]
fn a_large_corpus_answers_the_same_sharded() {
    let dir = std::env::var("ZH_SEARCH_EQUIVALENCE_CORPUS")
        .expect("ZH_SEARCH_EQUIVALENCE_CORPUS names the corpus folder");
    let mut queries: Vec<String> = PROBES.iter().map(|s| s.to_string()).collect();
    if let Ok(file) = std::env::var("ZH_SEARCH_EQUIVALENCE_QUERIES") {
        let text = std::fs::read_to_string(file).expect("the query list");
        queries.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string),
        );
    }
    let dir = std::fs::canonicalize(dir).expect("the corpus folder");
    assert_same_answers_to(dir.to_str().unwrap(), ShardSizes::default(), &queries);
}

#[test]
fn damaged_or_foreign_shards_are_refused_with_their_reason() {
    let bytes = index_of("seeds");
    let sharded = split_index(&bytes, ShardSizes::default()).unwrap();
    let store = ShardStore::open(sharded.root.clone()).unwrap();
    let good = &sharded.shards[0];
    let mut flipped = good.clone();
    let middle = flipped.len() - 3;
    flipped[middle] ^= 0x20;
    assert_eq!(
        store.add(0, &flipped),
        Err(FormatError::BadShardChecksum { shard: 0 })
    );
    assert!(matches!(
        store.add(0, &good[..good.len() - 1]),
        Err(FormatError::Truncated { .. })
    ));
    assert!(store.add(0, &good[..10]).is_err());
    assert_eq!(
        store.add(0, b"<html>404</html>"),
        Err(FormatError::BadMagic)
    );
    assert!(
        store.add(1, good).is_err(),
        "shard 0's file given as shard 1"
    );
    // Another build of the same corpus (one passage more): its shards are refused.
    let dir = tempdir_with_seeds_plus("一段新加的文字。");
    let other = split_index(
        &build_folder(&dir, &Options::of_folder(&dir, Layout::Grams).unwrap())
            .unwrap()
            .bytes,
        ShardSizes::default(),
    )
    .unwrap();
    assert_ne!(other.build_id, sharded.build_id);
    assert_eq!(store.add(0, &other.shards[0]), Err(FormatError::WrongBuild));
    assert!(!store.has(0));
    store.add(0, good).unwrap();
    assert!(store.has(0));
    // A root is not an index, nor an index a root.
    assert_eq!(
        zh_search::format::IndexView::open(&sharded.root).err(),
        Some(FormatError::ShardedRoot)
    );
    assert_eq!(ShardStore::open(bytes).err(), Some(FormatError::NotSharded));
    let mut root = sharded.root.clone();
    let last = root.len() - 1;
    root[last] ^= 1;
    assert!(ShardStore::open(root).is_err(), "a damaged root is refused");
}

/// A copy of the seeds with one more Markdown file holding `text`.
fn tempdir_with_seeds_plus(text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("zh-search-sharded-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    for entry in std::fs::read_dir(&seeds).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(dir.join("extra.md"), format!("# 新增\n\n{text}\n")).unwrap();
    dir
}

#[test]
fn a_single_character_reads_its_union_not_every_range_of_its_grams() {
    // Ranges so small that the grams 中 starts span several of them.
    let sizes = ShardSizes {
        range: 256,
        ..ShardSizes::default()
    };
    let bytes = index_of("seeds");
    let sharded = split_index(&bytes, sizes).unwrap();
    let store = ShardStore::open(sharded.root.clone()).unwrap();
    let engine = Engine::open_sharded(&store).unwrap();
    let single = Engine::open(&bytes).unwrap();
    let grams_starting_with = |prefix: &str| {
        let mut keys = 0;
        single
            .index
            .grams()
            .for_each_with_prefix(prefix, &mut |_, _, _| {
                keys += 1;
                true
            });
        keys
    };
    assert!(
        grams_starting_with("中") > 20,
        "the seeds have grams starting with 中"
    );
    let options = SearchOptions {
        limit: 10,
        offset: 0,
    };
    let (answer, rounds) = fetching("中", &store, &sharded, &engine, |e| {
        e.search("中", options)
    });
    let gram_shards = shards_of(&store, &rounds.concat(), SectionKind::GramFst);
    assert_eq!(answer, single.search("中", options).unwrap());
    assert_eq!(gram_shards.len(), 1, "gram ranges read: {gram_shards:?}");
}

/// The gram ranges a first search of `query` reads over `sharded`.
fn gram_ranges_read(sharded: &zh_search::format::Sharded, query: &str) -> usize {
    let store = ShardStore::open(sharded.root.clone()).unwrap();
    let engine = Engine::open_sharded(&store).unwrap();
    let (answer, rounds) = fetching(query, &store, sharded, &engine, |e| {
        e.search(query, SearchOptions::default())
    });
    assert!(answer.total > 0, "{query}");
    shards_of(&store, &rounds.concat(), SectionKind::GramFst).len()
}

/// The shards of `kind` among `ids`.
fn shards_of(store: &ShardStore, ids: &[u32], kind: SectionKind) -> Vec<u32> {
    ids.iter()
        .copied()
        .filter(|&id| store.shard_kind(id) == Some(kind))
        .collect()
}

/// Two syllables (`xingren`) read their reading pair's entry and the ranges of the runs it
/// names; a pattern the pairs cannot answer (`xing人`: a character typed as such) walks the
/// bigrams of every character its first syllable stands for (行 starts a dozen, over several
/// small ranges). Both answer as the single file does (see the polyphones test).
#[test]
fn two_syllables_read_their_reading_pair_not_every_bigram_of_the_first() {
    let text = "行人很多。行星，行走，行动，行为，行李，行程，行列，行业，行政，星星，星空，型号。";
    let docs = [common::markdown_doc("pairs.md", &[("行人", &[text][..])])];
    let bytes = common::docs_index(&docs, Layout::Grams);
    let sizes = ShardSizes {
        range: 64,
        ..ShardSizes::default()
    };
    let sharded = split_index(&bytes, sizes).unwrap();
    let by_pair = gram_ranges_read(&sharded, "xingren");
    let by_walk = gram_ranges_read(&sharded, "xing人");
    assert!(by_walk >= 4, "the walk spans several ranges: {by_walk}");
    assert!(by_pair < by_walk, "pair {by_pair}, walk {by_walk}");
    assert_same_answers_of("pairs", &bytes, sizes, &["xingren".into(), "xing人".into()]);
}

/// A phrase of several grams asks for every gram's range in its first round, not one range
/// per round (an empty stand-in of a missing range no longer ends the term's walk): each round
/// is a round trip to the server.
#[test]
fn a_phrase_asks_for_all_its_gram_ranges_in_one_round() {
    // Ranges so small that the phrase's grams lie in several of them.
    let sizes = ShardSizes {
        range: 64,
        ..ShardSizes::default()
    };
    let bytes = index_of("seeds");
    let sharded = split_index(&bytes, sizes).unwrap();
    let store = ShardStore::open(sharded.root.clone()).unwrap();
    let engine = Engine::open_sharded(&store).unwrap();
    let query = "国家碳计量中心";
    let (answer, rounds) = fetching(query, &store, &sharded, &engine, |e| {
        e.search(query, SearchOptions::default())
    });
    let gram_shards_by_round: Vec<usize> = rounds
        .iter()
        .map(|ids| shards_of(&store, ids, SectionKind::GramFst).len())
        .collect();
    assert!(answer.total > 0);
    assert!(
        gram_shards_by_round[0] >= 3,
        "the phrase's grams span several ranges: {gram_shards_by_round:?}"
    );
    assert!(
        gram_shards_by_round[1..].iter().all(|&n| n == 0),
        "gram ranges asked for after the first round: {gram_shards_by_round:?}"
    );
    assert_same_answers_of("seeds", &bytes, sizes, &[query.into()]);
}

/// A search that reads a passage's title from a page of the title table that has not arrived
/// asks for the title lengths on that page in the same round (the length table is paged like
/// the title table), never in the round after it: each round is a round trip to the server.
/// Poems: one passage per title, lines whose grams occur once (stored in the gram's key, with
/// none of the facts a postings block carries), so scoring reads the tables.
#[test]
fn title_lengths_come_with_their_title_table_page() {
    const POEMS: &[(&str, &str)] = &[
        ("静夜思", "床前明月光，疑是地上霜。举头望明月，低头思故乡。"),
        (
            "登鹳雀楼",
            "白日依山尽，黄河入海流。欲穷千里目，更上一层楼。",
        ),
        ("春晓", "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。"),
        ("相思", "红豆生南国，春来发几枝。愿君多采撷，此物最相思。"),
        ("鹿柴", "空山不见人，但闻人语响。返景入深林，复照青苔上。"),
        ("江雪", "千山鸟飞绝，万径人踪灭。孤舟蓑笠翁，独钓寒江雪。"),
        (
            "登乐游原",
            "向晚意不适，驱车登古原。夕阳无限好，只是近黄昏。",
        ),
        (
            "寻隐者不遇",
            "松下问童子，言师采药去。只在此山中，云深不知处。",
        ),
        ("悯农", "锄禾日当午，汗滴禾下土。谁知盘中餐，粒粒皆辛苦。"),
        ("竹里馆", "独坐幽篁里，弹琴复长啸。深林人不知，明月来相照。"),
        ("送别", "山中相送罢，日暮掩柴扉。春草明年绿，王孙归不归。"),
        ("杂诗", "君自故乡来，应知故乡事。来日绮窗前，寒梅著花未。"),
    ];
    let sections: Vec<(&str, [&str; 1])> = POEMS.iter().map(|&(t, p)| (t, [p])).collect();
    let sections: Vec<(&str, &[&str])> = sections.iter().map(|(t, p)| (*t, &p[..])).collect();
    let docs = [common::markdown_doc("poems.md", &sections)];
    let bytes = common::docs_index(&docs, Layout::Grams);
    // Pages of four titles, so that the title tables span several.
    let sizes = ShardSizes {
        inline_max: 8,
        table_page: 16,
        ..ShardSizes::default()
    };
    let sharded = split_index(&bytes, sizes).unwrap();
    let queries: Vec<String> = [
        "锄禾日当午",
        "孤舟蓑笠翁",
        "返景入深林 青苔",
        "dudiao",
        "明月",
    ]
    .iter()
    .map(|q| q.to_string())
    .collect();
    let mut title_pages_read = 0;
    for query in &queries {
        // A fresh store per query: what one search fetches, round by round.
        let store = ShardStore::open(sharded.root.clone()).unwrap();
        let engine = Engine::open_sharded(&store).unwrap();
        let first_of = |kind: SectionKind| {
            (0..store.shard_count())
                .find(|&id| store.shard_kind(id) == Some(kind))
                .unwrap_or_else(|| panic!("no {kind:?} pages"))
        };
        let (title_first, title_chars) = (
            first_of(SectionKind::TitleFirst),
            first_of(SectionKind::TitleChars),
        );
        let (answer, rounds) = fetching(query, &store, &sharded, &engine, |e| {
            e.search(query, SearchOptions::default())
        });
        assert!(answer.total > 0, "{query}");
        // Page of the title table → the round that asked for it.
        let mut asked: std::collections::HashMap<u32, usize> = Default::default();
        for (round, ids) in rounds.iter().enumerate() {
            for id in shards_of(&store, ids, SectionKind::TitleFirst) {
                asked.insert(id - title_first, round);
                title_pages_read += 1;
            }
        }
        for (round, ids) in rounds.iter().enumerate() {
            for id in shards_of(&store, ids, SectionKind::TitleChars) {
                let page = id - title_chars;
                if let Some(&r) = asked.get(&page) {
                    assert_eq!(
                        r, round,
                        "{query}: title lengths page {page} asked for in round {round}, its title table page in round {r}"
                    );
                }
            }
        }
    }
    assert!(
        title_pages_read >= 3,
        "pages of the title table read: {title_pages_read}"
    );
    assert_same_answers_of("poems", &bytes, sizes, &queries);
}

/// The second pass scores only the passages that can still reach the page asked for
/// (`Engine::rerank`): the page is exactly the one a second pass over every candidate gives,
/// read off a longer list; on a sharded index the pinyin query reads fewer texts for it.
#[test]
fn a_page_of_hits_is_the_one_a_full_second_pass_gives() {
    let bytes = index_of("seeds");
    let engine = Engine::open(&bytes).unwrap();
    let all = SearchOptions {
        limit: 1000,
        offset: 0,
    };
    for query in queries() {
        let full = engine.search(&query, all).unwrap();
        for (offset, limit) in [(0, 1), (0, 3), (0, 10), (2, 3), (5, 5)] {
            let page = engine
                .search(&query, SearchOptions { limit, offset })
                .unwrap();
            let want: Vec<_> = full.hits.iter().skip(offset).take(limit).cloned().collect();
            assert_eq!(page.hits, want, "{query}: offset {offset}, limit {limit}");
            assert_eq!(page.total, full.total, "{query}");
        }
    }
}
