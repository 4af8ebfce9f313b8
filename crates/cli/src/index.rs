//! `zh-search index`: the site folder → the folder a site owner copies. Indexes with the
//! indexer (`build_folder`, the options `Options::load` reads, flags on top), stores the index
//! gzip-compressed, names the engine, glue and index by content hash (browsers may keep them
//! for ever), writes the file names into the element (no manifest round trip), and writes the
//! whole folder at once (`folder`).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use libdeflater::{CompressionLvl, Compressor};
use sha2::{Digest, Sha256};
use zh_search_core::format::{root_name, shard_path, split_index, ShardSizes, INDEX_FILE_STEM};
use zh_search_index::{build_folder, index_is_scan, Options, ENV_DICT, ENV_EXCLUDE, ENV_LAYOUT};

use crate::args::IndexArgs;
use crate::engine::{EngineFiles, DIST_MARKER, ENGINE, STATIC_FILES};
use crate::error::CliError;
use crate::folder::{check_replaceable, write_folder, Content};

/// What a run did, for the summary line.
#[derive(Debug)]
pub struct Summary {
    pub pages: usize,
    pub passages: usize,
    /// The index, and as stored (gzip: the one file, or the root and the shards).
    pub index_bytes: usize,
    pub index_stored_bytes: usize,
    /// Shard files of a sharded index (0: one index file).
    pub shards: usize,
    pub files: usize,
    pub folder_bytes: usize,
    pub elapsed: Duration,
    pub out: PathBuf,
    /// The indexer's warnings (skipped files, dictionary entries that cannot work).
    pub warnings: Vec<String>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "zh-search: indexed {} pages, {} passages; index {} bytes ({} gzip{}); wrote {} files ({} bytes) to {} in {:.2} s",
            self.pages,
            self.passages,
            self.index_bytes,
            self.index_stored_bytes,
            if self.shards > 0 {
                format!(", a root and {} shards", self.shards)
            } else {
                String::new()
            },
            self.files,
            self.folder_bytes,
            self.out.display(),
            self.elapsed.as_secs_f64()
        )
    }
}

/// Runs `index` with the environment `env` (`|name| std::env::var(name).ok()`).
pub fn run(args: &IndexArgs, env: &dyn Fn(&str) -> Option<String>) -> Result<Summary, CliError> {
    run_with_engine(args, env, ENGINE.as_ref())
}

/// [`run`] with the engine files given (tests pass their own when the binary has none).
pub fn run_with_engine(
    args: &IndexArgs,
    env: &dyn Fn(&str) -> Option<String>,
    engine: Option<&EngineFiles>,
) -> Result<Summary, CliError> {
    let start = Instant::now();
    let engine = engine.ok_or(CliError::NoEngine)?;
    let site = std::fs::canonicalize(&args.site)
        .ok()
        .filter(|p| p.is_dir())
        .ok_or_else(|| CliError::SiteNotFolder(args.site.clone()))?;
    let out = absolute(&args.out)?;
    if site.starts_with(&out) {
        return Err(CliError::OutHoldsSite {
            out: args.out.clone(),
            site: args.site.clone(),
        });
    }
    // Before the long part: a folder in the way stops the run at once.
    check_replaceable(&out)?;
    let cwd =
        std::env::current_dir().map_err(|e| CliError::io("cannot read", Path::new("."), e))?;
    // The output (and its .tmp/.old) inside the site is never indexed itself.
    let exclude_out = out.strip_prefix(&site).ok().map(|rel| {
        let rel = glob_literal(&rel.to_string_lossy().replace('\\', "/"));
        format!("{rel}/**,{rel}.tmp/**,{rel}.old/**")
    });
    // Shards need the gram layout (the scan layout reads every text at its first search). A
    // site whose files are large will most likely be sharded: it is indexed in the gram layout
    // at once instead of twice (the indexer's own choice would be the scan layout up to a few
    // MB of text).
    let layout = match (&args.layout, args.shards) {
        (Some(layout), Some(true)) if layout == "scan" => return Err(CliError::ShardsNeedGrams),
        (None, Some(true)) => Some("grams".to_string()),
        (None, None)
            if env(ENV_LAYOUT).is_none() && folder_bytes(&site) > SHARD_ABOVE_SITE_BYTES =>
        {
            Some("grams".to_string())
        }
        (layout, _) => layout.clone(),
    };
    let env = |name: &str| -> Option<String> {
        match name {
            ENV_LAYOUT if layout.is_some() => layout.clone(),
            ENV_DICT if args.dict.is_some() => args.dict.as_ref().map(|d| d.display().to_string()),
            ENV_EXCLUDE => match (env(name), &exclude_out) {
                (Some(listed), Some(ours)) if !listed.trim().is_empty() => {
                    Some(format!("{listed},{ours}"))
                }
                (_, Some(ours)) => Some(ours.clone()),
                (listed, None) => listed,
            },
            _ => env(name),
        }
    };
    let options = Options::load(&site, &cwd, &env)?;

    let progress = spinner(format!("indexing {}", args.site.display()));
    let built = build_folder(&site, &options);
    progress.set_message(format!("writing {}", args.out.display()));
    let built = built?;
    let scan = index_is_scan(&built.bytes).map_err(CliError::Index)?;
    // An index many times the threshold is sharded without compressing it whole first (gzip
    // shrinks an index about threefold: it could not end up under the threshold).
    let surely_large = built.bytes.len() > 8 * SHARD_ABOVE_GZIP_BYTES;
    let single = match (args.shards, surely_large && !scan) {
        (Some(true), _) | (None, true) => None,
        _ => Some(
            gzip(&built.bytes)
                .map_err(|e| CliError::io("cannot compress the index for", &out, e))?,
        ),
    };
    let mut sharded = match (&single, args.shards) {
        (_, Some(on)) => on,
        (None, None) => true,
        (Some(stored), None) => !scan && stored.len() > SHARD_ABOVE_GZIP_BYTES,
    };
    // The indexer chose the scan layout (a few MB of text at most) but the index is too large to
    // fetch whole: indexed again in the gram layout, and sharded.
    let rescan_as_grams = scan
        && layout.is_none()
        && args.shards.is_none()
        && single
            .as_ref()
            .is_some_and(|s| s.len() > SHARD_ABOVE_GZIP_BYTES);
    let built = if rescan_as_grams {
        let env = |name: &str| match name {
            ENV_LAYOUT => Some("grams".to_string()),
            _ => env(name),
        };
        let options = Options::load(&site, &cwd, &env)?;
        sharded = true;
        build_folder(&site, &options)?
    } else {
        built
    };
    let index = if sharded {
        progress.set_message(format!("splitting the index for {}", args.out.display()));
        let split = split_index(&built.bytes, ShardSizes::default()).map_err(CliError::Index)?;
        progress.set_message(format!("compressing and writing {}", args.out.display()));
        IndexFiles::Sharded {
            root: (
                root_name(split.build_id),
                gzip(&split.root)
                    .map_err(|e| CliError::io("cannot compress the index for", &out, e))?,
            ),
            shards: split
                .shards
                .into_iter()
                .enumerate()
                .map(|(id, bytes)| (shard_path(split.build_id, id as u32), bytes))
                .collect(),
        }
    } else {
        // Not sharded: never indexed again, so still the layout read above.
        IndexFiles::Single {
            stored: single.unwrap_or_default(),
            scan,
        }
    };
    let shard_count = match &index {
        IndexFiles::Sharded { shards, .. } => shards.len(),
        IndexFiles::Single { .. } => 0,
    };
    let files = folder_files(engine, index, args.base_url.as_deref())?;
    let written = write_folder(&out, &files, &gzip_fast);
    progress.finish_and_clear();
    let stored = written?;
    let stored_bytes = files
        .iter()
        .zip(&stored)
        .filter(|((name, _), _)| name.starts_with(INDEX_FILE_STEM))
        .map(|(_, bytes)| bytes)
        .sum();
    Ok(Summary {
        pages: built.summary.pages,
        passages: built.summary.passages,
        index_bytes: built.bytes.len(),
        index_stored_bytes: stored_bytes,
        shards: shard_count,
        files: files.len(),
        folder_bytes: stored.iter().sum(),
        elapsed: start.elapsed(),
        out: args.out.clone(),
        warnings: built.warnings,
    })
}

/// Single-file indexes up to this size (gzip) are fetched whole with the engine: one request,
/// and every search after it runs at once. Larger ones are sharded, so that a reader fetches
/// only what their searches read (the root, a key range and the hits' texts per search: about
/// 20–40 KB for a first search, whatever the site's size), which costs less from here on.
pub const SHARD_ABOVE_GZIP_BYTES: usize = 64 * 1024;

/// Sites whose files add up to more than this are indexed in the gram layout when neither the
/// layout nor sharding is set: their index will most likely be sharded (see
/// [`SHARD_ABOVE_GZIP_BYTES`]), and shards need the gram layout.
pub const SHARD_ABOVE_SITE_BYTES: u64 = 1024 * 1024;

/// The bytes of every file under `dir` (what the site would give the indexer at most).
fn folder_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => stack.push(entry.path()),
                Ok(kind) if kind.is_file() => total += entry.metadata().map_or(0, |m| m.len()),
                _ => {}
            }
            if total > SHARD_ABOVE_SITE_BYTES {
                return total;
            }
        }
    }
    total
}

/// The index files of a folder.
pub enum IndexFiles {
    /// One file (gzip), named by its content's hash, and whether its layout is the scan layout.
    Single { stored: Vec<u8>, scan: bool },
    /// A root (gzip, named by the build id) and its shards (in a folder named by the build id,
    /// compressed as they are written): `(path, bytes)`.
    Sharded {
        root: (String, Vec<u8>),
        shards: Vec<(String, Vec<u8>)>,
    },
}

/// Every file of the folder, by name: the hashed engine, glue and index (and, for a sharded
/// index, the worker that searches it), the element that names them, and the files every site
/// gets as they are.
pub fn folder_files(
    engine: &EngineFiles,
    index: IndexFiles,
    base_url: Option<&str>,
) -> Result<Vec<(String, Content)>, CliError> {
    // Each index gets the module of its kind: the one that reads shards, or the single-file
    // module of its layout (without the other layout's query code).
    let module = match index {
        IndexFiles::Single { scan: true, .. } => &engine.scan,
        IndexFiles::Single { scan: false, .. } => &engine.grams,
        IndexFiles::Sharded { .. } => &engine.sharded,
    };
    let wasm = hashed("zh-search-engine", module.stored_wasm, "wasm");
    let glue = hashed("zh-search-glue", module.glue, "js");
    let mut files = vec![
        (glue.clone(), Content::Bytes(module.glue.to_vec())),
        (wasm.clone(), Content::Bytes(module.stored_wasm.to_vec())),
    ];
    let mut config = serde_json::json!({ "glue": glue, "wasm": wasm });
    match index {
        IndexFiles::Single { stored, .. } => {
            let name = hashed(INDEX_FILE_STEM, &stored, "bin");
            config["index"] = serde_json::Value::from(name.as_str());
            files.push((name, Content::Bytes(stored)));
        }
        IndexFiles::Sharded { root, shards } => {
            let worker = hashed("zh-search-worker", engine.worker, "js");
            config["root"] = serde_json::Value::from(root.0.as_str());
            config["worker"] = serde_json::Value::from(worker.as_str());
            files.push((worker, Content::Bytes(engine.worker.to_vec())));
            files.push((root.0, Content::Bytes(root.1)));
            files.extend(
                shards
                    .into_iter()
                    .map(|(path, bytes)| (path, Content::Compress(bytes))),
            );
        }
    }
    if let Some(base) = base_url {
        config["base"] = serde_json::Value::from(base);
    }
    let element = with_dist_config(engine.element, &config.to_string())?;
    files.insert(0, ("zh-search.js".to_string(), Content::Bytes(element)));
    files.extend(
        STATIC_FILES
            .iter()
            .map(|(name, bytes)| (name.to_string(), Content::Bytes(bytes.to_vec()))),
    );
    Ok(files)
}

/// `<stem>.<first 8 hex digits of the SHA-256 of bytes>.<ext>`.
fn hashed(stem: &str, bytes: &[u8], ext: &str) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("{stem}.{hex}.{ext}")
}

/// The element with every quoted [`DIST_MARKER`] replaced by `json` as a JS string literal
/// (a JSON string is one), which `engine.js` parses.
fn with_dist_config(element: &[u8], json: &str) -> Result<Vec<u8>, CliError> {
    let text = std::str::from_utf8(element).map_err(|_| CliError::ElementWithoutMarker)?;
    let literal = serde_json::Value::from(json).to_string();
    let mut out = text.to_string();
    let mut found = 0;
    for quote in ['"', '\'', '`'] {
        let quoted = format!("{quote}{DIST_MARKER}{quote}");
        found += out.matches(&quoted).count();
        out = out.replace(&quoted, &literal);
    }
    if found == 0 || out.contains(DIST_MARKER) {
        return Err(CliError::ElementWithoutMarker);
    }
    Ok(out.into_bytes())
}

/// Gzip by libdeflate at `level` (1–12), no name or time in the header (the same index, the
/// same bytes). libdeflate's streams are a few percent smaller than zlib's at each level, and
/// its higher levels (10–12, which zlib lacks) still take milliseconds per file.
fn gzip_at(bytes: &[u8], level: i32) -> std::io::Result<Vec<u8>> {
    let level = CompressionLvl::new(level)
        .map_err(|e| std::io::Error::other(format!("compression level {level}: {e:?}")))?;
    let mut compressor = Compressor::new(level);
    let mut out = vec![0; compressor.gzip_compress_bound(bytes.len())];
    let written = compressor
        .gzip_compress(bytes, &mut out)
        .map_err(|e| std::io::Error::other(format!("gzip: {e:?}")))?;
    out.truncate(written);
    Ok(out)
}

/// Gzip at libdeflate's best level: a single index file, a sharded index's root (what a reader
/// fetches before the first result).
fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    gzip_at(bytes, 12)
}

/// Gzip for the many shard files of a large index, compressed on every core while one thread
/// writes them (the best level would take several seconds longer for a few tenths of a
/// percent).
fn gzip_fast(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    gzip_at(bytes, 10)
}

/// A path as a glob matching exactly it (`*`, `?`, `[`, `{` in brackets).
fn glob_literal(path: &str) -> String {
    path.chars()
        .map(|c| match c {
            '*' | '?' | '[' | ']' | '{' | '}' => format!("[{c}]"),
            c => c.to_string(),
        })
        .collect()
}

/// `path` made absolute and canonical (or, when it does not exist yet, its parent canonical),
/// so that it compares with the canonical site folder.
fn absolute(path: &Path) -> Result<PathBuf, CliError> {
    if let Ok(existing) = std::fs::canonicalize(path) {
        return Ok(existing);
    }
    let full = std::path::absolute(path).map_err(|e| CliError::io("cannot resolve", path, e))?;
    Ok(match (full.parent(), full.file_name()) {
        (Some(parent), Some(name)) => std::fs::canonicalize(parent)
            .map(|parent| parent.join(name))
            .unwrap_or(full),
        _ => full,
    })
}

/// A spinner with the elapsed time on stderr when it is a terminal; hidden otherwise.
fn spinner(message: String) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Module;

    #[test]
    fn hashed_names_follow_the_content() {
        let a = hashed("zh-search-engine", b"one", "wasm");
        assert!(
            a.starts_with("zh-search-engine.") && a.ends_with(".wasm"),
            "{a}"
        );
        assert_eq!(a.len(), "zh-search-engine.".len() + 8 + ".wasm".len());
        assert_eq!(a, hashed("zh-search-engine", b"one", "wasm"));
        assert_ne!(a, hashed("zh-search-engine", b"two", "wasm"));
    }

    #[test]
    fn the_config_replaces_every_quoted_marker_as_a_string_literal() {
        let element = format!("const a=\"{DIST_MARKER}\",b='{DIST_MARKER}';");
        let out = with_dist_config(element.as_bytes(), r#"{"base":"/a'b\"c/"}"#).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(!out.contains(DIST_MARKER));
        let literal = r#""{\"base\":\"/a'b\\\"c/\"}""#;
        assert_eq!(out, format!("const a={literal},b={literal};"));
        assert!(matches!(
            with_dist_config(b"no marker here", "{}"),
            Err(CliError::ElementWithoutMarker)
        ));
    }

    #[test]
    fn gzip_is_deterministic_and_inflates_back() {
        use std::io::Read;
        let text = "中文全文搜索".repeat(100).into_bytes();
        let once = gzip(&text).unwrap();
        assert_eq!(once, gzip(&text).unwrap());
        assert_eq!(&once[..2], &[0x1f, 0x8b]);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&once[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, text);
    }

    const FAKE_ENGINE: EngineFiles = EngineFiles {
        scan: Module {
            glue: b"export default 1;",
            stored_wasm: b"\x1f\x8b stored fake scan",
        },
        grams: Module {
            glue: b"export default 2;",
            stored_wasm: b"\x1f\x8b stored fake grams",
        },
        sharded: Module {
            glue: b"export default 3;",
            stored_wasm: b"\x1f\x8b stored fake sharded",
        },
        element: b"const c=\"__ZH_SEARCH_DIST__\";",
        worker: b"self.onmessage=()=>{};",
    };

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("zh-search-run-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn seeds() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds")
    }

    fn index_args(site: &Path, out: &Path) -> IndexArgs {
        IndexArgs {
            site: site.to_path_buf(),
            out: out.to_path_buf(),
            ..Default::default()
        }
    }

    fn run_fake(args: &IndexArgs) -> Result<Summary, CliError> {
        run_with_engine(args, &|_| None, Some(&FAKE_ENGINE))
    }

    /// The names of a folder's files, sorted, and the inflated index.
    fn folder(out: &Path) -> (Vec<String>, Vec<u8>) {
        use std::io::Read;
        let mut names: Vec<String> = std::fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        let index = names
            .iter()
            .find(|n| n.starts_with("zh-search-index."))
            .unwrap();
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(out.join(index)).unwrap())
            .read_to_end(&mut bytes)
            .unwrap();
        (names, bytes)
    }

    #[test]
    fn writes_the_whole_folder_with_the_element_naming_its_files() {
        let root = scratch("whole");
        let out = root.join("search");
        let mut args = index_args(&seeds(), &out);
        args.base_url = Some("/docs/".into());
        args.layout = Some("grams".into());
        let summary = run_fake(&args).unwrap();
        let (names, index) = folder(&out);
        assert_eq!(names.len(), 9, "{names:?}");
        assert_eq!(summary.files, 9);
        assert_eq!((summary.pages, summary.index_bytes), (2, index.len()));
        assert!(
            !zh_search_index::index_is_scan(&index).unwrap(),
            "--layout grams"
        );
        let element = std::fs::read_to_string(out.join("zh-search.js")).unwrap();
        let named = |prefix: &str| {
            names
                .iter()
                .find(|n| n.starts_with(prefix))
                .unwrap()
                .clone()
        };
        let config = serde_json::json!({
            "glue": named("zh-search-glue."),
            "wasm": named("zh-search-engine."),
            "index": named("zh-search-index."),
            "base": "/docs/",
        });
        let parsed: serde_json::Value = serde_json::from_str(
            element
                .strip_prefix("const c=")
                .unwrap()
                .strip_suffix(';')
                .unwrap(),
        )
        .map(|v: serde_json::Value| serde_json::from_str(v.as_str().unwrap()).unwrap())
        .unwrap();
        assert_eq!(parsed, config);
        let stored = std::fs::read(out.join(named("zh-search-engine."))).unwrap();
        assert_eq!(
            stored, FAKE_ENGINE.grams.stored_wasm,
            "the engine as stored (compressed when the CLI was built)"
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn each_index_gets_the_module_of_its_layout() {
        let root = scratch("modules");
        let cases: [(&str, Option<&str>, Option<bool>, &Module); 3] = [
            ("auto", None, None, &FAKE_ENGINE.scan),
            ("grams", Some("grams"), Some(false), &FAKE_ENGINE.grams),
            ("sharded", None, Some(true), &FAKE_ENGINE.sharded),
        ];
        for (name, layout, shards, module) in cases {
            let out = root.join(name);
            let mut args = index_args(&seeds(), &out);
            args.layout = layout.map(str::to_string);
            args.shards = shards;
            let summary = run_fake(&args).unwrap();
            assert_eq!(summary.shards > 0, shards == Some(true), "{name}");
            let named = |prefix: &str| {
                let name = std::fs::read_dir(&out)
                    .unwrap()
                    .map(|e| e.unwrap().file_name().into_string().unwrap())
                    .find(|n| n.starts_with(prefix))
                    .unwrap();
                std::fs::read(out.join(name)).unwrap()
            };
            assert_eq!(named("zh-search-engine."), module.stored_wasm, "{name}");
            assert_eq!(named("zh-search-glue."), module.glue, "{name}");
        }
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn an_output_inside_the_site_is_never_indexed() {
        let root = scratch("inside");
        let site = root.join("site");
        std::fs::create_dir(&site).unwrap();
        for entry in std::fs::read_dir(seeds()).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, site.join(path.file_name().unwrap())).unwrap();
        }
        let args = index_args(&site, &site.join("search"));
        let first = run_fake(&args).unwrap();
        let again = run_fake(&args).unwrap();
        assert_eq!(
            (first.pages, again.pages),
            (2, 2),
            "the folder's index.html and README.md are left out"
        );
        assert_eq!(
            folder(&site.join("search")).1,
            folder(&site.join("search")).1
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn refuses_before_indexing_what_it_must_not_replace_or_cannot_do() {
        let root = scratch("refuse");
        let out = root.join("taken");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("about.html"), "a page").unwrap();
        let refused = run_fake(&index_args(&seeds(), &out)).unwrap_err();
        assert!(matches!(refused, CliError::OutNotOurs { .. }), "{refused}");
        assert_eq!(
            std::fs::read_to_string(out.join("about.html")).unwrap(),
            "a page"
        );
        assert!(!root.join("taken.tmp").exists());

        let site = seeds();
        for out in [site.clone(), site.join("..")] {
            let error = run_fake(&index_args(&site, &out)).unwrap_err();
            assert!(matches!(error, CliError::OutHoldsSite { .. }), "{error}");
        }
        let missing = run_fake(&index_args(&root.join("nope"), &root.join("o"))).unwrap_err();
        assert!(matches!(missing, CliError::SiteNotFolder(_)), "{missing}");
        let no_engine = run_with_engine(&index_args(&site, &root.join("o")), &|_| None, None);
        assert!(matches!(no_engine, Err(CliError::NoEngine)));
        assert!(no_engine.unwrap_err().to_string().contains("make cli"));

        let mut args = index_args(&site, &root.join("o"));
        args.dict = Some(root.join("missing.dict"));
        let error = run_fake(&args).unwrap_err();
        assert!(matches!(error, CliError::Build(_)), "{error}");
        assert!(
            !root.join("o").exists() && !root.join("o.tmp").exists(),
            "a failed run leaves no folder"
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn flags_override_the_environment() {
        let root = scratch("env");
        let env = |name: &str| (name == ENV_LAYOUT).then(|| "scan".to_string());
        let mut args = index_args(&seeds(), &root.join("o"));
        run_with_engine(&args, &env, Some(&FAKE_ENGINE)).unwrap();
        assert!(zh_search_index::index_is_scan(&folder(&root.join("o")).1).unwrap());
        args.layout = Some("grams".into());
        run_with_engine(&args, &env, Some(&FAKE_ENGINE)).unwrap();
        assert!(!zh_search_index::index_is_scan(&folder(&root.join("o")).1).unwrap());
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn glob_literal_escapes_glob_syntax() {
        assert_eq!(glob_literal("search"), "search");
        assert_eq!(glob_literal("a*b/[x]"), "a[*]b/[[]x[]]");
    }
}
