//! Writing the output folder so that a failed run never leaves half of one: every file goes
//! into `<OUT>.tmp`, which then replaces `<OUT>` whole. An existing `<OUT>` is replaced only if
//! it is empty or holds nothing but what this CLI writes (a zh-search folder), so a mistyped
//! `--out` cannot wipe a site.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use zh_search_core::format::INDEX_FILE_STEM;

use crate::error::CliError;

/// Whether `name` is a file this CLI (or the older `make dist`) writes at a folder's top level.
fn is_our_file(name: &str) -> bool {
    matches!(
        name,
        "zh-search.js"
            | "zh-search.d.ts"
            | "index.html"
            | "index.css"
            | "favicon.svg"
            | "README.md"
    ) || (name.starts_with("zh-search-")
        && [".js", ".wasm", ".bin", ".root"]
            .iter()
            .any(|ext| name.ends_with(ext)))
}

/// A sharded index's folder of shards (`zh-search-index.<build id>/`, numbered `.bin` files).
fn is_shard_folder(dir: &Path) -> Result<bool, CliError> {
    let entries = fs::read_dir(dir).map_err(|e| CliError::io("cannot list", dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| CliError::io("cannot list", dir, e))?;
        let name = entry.file_name();
        let numbered = name
            .to_str()
            .and_then(|n| n.strip_suffix(".bin"))
            .is_some_and(|stem| !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_digit()));
        if !numbered {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `dir` next to itself with `suffix` added to its name (`dist` → `dist.tmp`).
pub fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let mut name = dir.file_name().map(OsString::from).unwrap_or_default();
    name.push(suffix);
    dir.with_file_name(name)
}

/// What is at a path we are about to replace.
#[derive(Debug, PartialEq)]
pub enum Existing {
    Nothing,
    /// Empty, or only what this CLI writes.
    Ours,
}

/// Checks what `dir` holds: nothing, an empty folder or a zh-search folder are fine; a file or
/// a folder with anything else is an error naming what is in the way.
pub fn check_replaceable(dir: &Path) -> Result<Existing, CliError> {
    let meta = match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Existing::Nothing),
        Err(source) => return Err(CliError::io("cannot read", dir, source)),
        Ok(meta) => meta,
    };
    if !meta.is_dir() {
        return Err(CliError::OutNotFolder(dir.to_path_buf()));
    }
    let entries = fs::read_dir(dir).map_err(|e| CliError::io("cannot list", dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| CliError::io("cannot list", dir, e))?;
        let name = entry.file_name();
        let kind = entry
            .file_type()
            .map_err(|e| CliError::io("cannot read", &entry.path(), e))?;
        let ours = match name.to_str() {
            Some(name) if kind.is_file() => is_our_file(name),
            // The older make dist layout kept the engine in pkg/.
            Some("pkg") if kind.is_dir() => is_old_pkg(&entry.path())?,
            Some(name) if kind.is_dir() && name.starts_with(&format!("{INDEX_FILE_STEM}.")) => {
                is_shard_folder(&entry.path())?
            }
            _ => false,
        };
        if !ours {
            return Err(CliError::OutNotOurs {
                dir: dir.to_path_buf(),
                entry: PathBuf::from(name),
            });
        }
    }
    Ok(Existing::Ours)
}

fn is_old_pkg(dir: &Path) -> Result<bool, CliError> {
    let entries = fs::read_dir(dir).map_err(|e| CliError::io("cannot list", dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| CliError::io("cannot list", dir, e))?;
        let name = entry.file_name();
        if !matches!(name.to_str(), Some("zh_search.js" | "zh_search_bg.wasm")) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// What a file of the folder holds: bytes written as they are, or bytes to be stored
/// compressed (a sharded index's shards, compressed while the files are written).
pub enum Content {
    Bytes(Vec<u8>),
    Compress(Vec<u8>),
}

/// Turns a [`Content::Compress`] file's bytes into what is stored.
pub type Compressor = dyn Fn(&[u8]) -> io::Result<Vec<u8>> + Sync;

/// Writes `files` under `dir` (creating their folders) and returns the bytes stored for each.
/// Files to compress are compressed on every core while one more thread creates the files: a
/// sharded index is thousands of small files in one folder, whose creations the file system
/// serialises anyway (several threads creating files in one folder spin on its lock and take
/// the cores the compression needs).
fn write_files(
    dir: &Path,
    files: &[(String, Content)],
    compress: &Compressor,
) -> Result<Vec<usize>, CliError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;
    for (name, _) in files {
        if let Some(parent) = dir.join(name).parent().filter(|p| !p.exists()) {
            fs::create_dir_all(parent).map_err(|e| CliError::io("cannot create", parent, e))?;
        }
    }
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = AtomicUsize::new(0);
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        fs::write(&path, bytes).map_err(|e| CliError::io("cannot write", &path, e))
    };
    std::thread::scope(|scope| {
        // Compressed files arrive in any order; a bounded queue keeps memory flat.
        let (sender, arrivals) = mpsc::sync_channel::<(usize, io::Result<Vec<u8>>)>(256);
        for _ in 0..workers {
            let sender = sender.clone();
            let next = &next;
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((_, content)) = files.get(i) else {
                    break;
                };
                if let Content::Compress(bytes) = content {
                    if sender.send((i, compress(bytes))).is_err() {
                        break; // the writer stopped on an error
                    }
                }
            });
        }
        drop(sender);
        let mut stored = vec![0; files.len()];
        for (i, (name, content)) in files.iter().enumerate() {
            if let Content::Bytes(bytes) = content {
                write(name, bytes)?;
                stored[i] = bytes.len();
            }
        }
        for (i, compressed) in arrivals {
            let name = &files[i].0;
            let bytes =
                compressed.map_err(|e| CliError::io("cannot compress", Path::new(name), e))?;
            write(name, &bytes)?;
            stored[i] = bytes.len();
        }
        Ok(stored)
    })
}

/// Writes `files` into `<out>.tmp`, then puts that folder in `out`'s place (the old `out`, if
/// any, is moved aside first and removed last). `out` must have passed [`check_replaceable`].
/// Returns the bytes stored for each file.
pub fn write_folder(
    out: &Path,
    files: &[(String, Content)],
    compress: &Compressor,
) -> Result<Vec<usize>, CliError> {
    let tmp = sibling(out, ".tmp");
    let old = sibling(out, ".old");
    for leftover in [&tmp, &old] {
        if check_replaceable(leftover)? == Existing::Ours {
            fs::remove_dir_all(leftover).map_err(|e| CliError::io("cannot remove", leftover, e))?;
        }
    }
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| CliError::io("cannot create", parent, e))?;
    }
    fs::create_dir(&tmp).map_err(|e| CliError::io("cannot create", &tmp, e))?;
    let stored = match write_files(&tmp, files, compress) {
        Ok(stored) => stored,
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    let replacing = out.exists();
    if replacing {
        fs::rename(out, &old).map_err(|e| CliError::io("cannot move aside", out, e))?;
    }
    if let Err(e) = fs::rename(&tmp, out) {
        if replacing {
            let _ = fs::rename(&old, out);
        }
        return Err(CliError::io("cannot rename the new folder to", out, e));
    }
    if replacing {
        fs::remove_dir_all(&old).map_err(|e| CliError::io("cannot remove", &old, e))?;
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("zh-search-cli-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn replaces_only_missing_empty_or_zh_search_folders() {
        let root = scratch("replaceable");
        assert_eq!(
            check_replaceable(&root.join("missing")).unwrap(),
            Existing::Nothing
        );
        let empty = root.join("empty");
        fs::create_dir(&empty).unwrap();
        assert_eq!(check_replaceable(&empty).unwrap(), Existing::Ours);
        let ours = root.join("ours");
        fs::create_dir_all(ours.join("pkg")).unwrap();
        for name in [
            "zh-search.js",
            "zh-search-engine.0123abcd.wasm",
            "index.html",
            "pkg/zh_search.js",
        ] {
            fs::write(ours.join(name), b"x").unwrap();
        }
        assert_eq!(check_replaceable(&ours).unwrap(), Existing::Ours);
        fs::write(ours.join("about.html"), b"a page").unwrap();
        let error = check_replaceable(&ours).unwrap_err();
        assert!(error.to_string().contains("about.html"), "{error}");
        let file = root.join("file");
        fs::write(&file, b"x").unwrap();
        assert!(matches!(
            check_replaceable(&file),
            Err(CliError::OutNotFolder(_))
        ));
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn writes_a_whole_folder_in_place_of_the_old_one() {
        let root = scratch("write");
        let out = root.join("deep/out");
        let reversed = |bytes: &[u8]| Ok(bytes.iter().rev().copied().collect::<Vec<u8>>());
        let stored = write_folder(
            &out,
            &[
                ("zh-search.js".into(), Content::Bytes(b"one".to_vec())),
                ("index.html".into(), Content::Bytes(b"1".to_vec())),
                ("shards/0.bin".into(), Content::Compress(b"abc".to_vec())),
                ("shards/1.bin".into(), Content::Compress(b"de".to_vec())),
            ],
            &reversed,
        )
        .unwrap();
        assert_eq!(stored, [3, 1, 3, 2]);
        assert_eq!(fs::read(out.join("shards/0.bin")).unwrap(), b"cba");
        assert_eq!(fs::read(out.join("shards/1.bin")).unwrap(), b"ed");
        write_folder(
            &out,
            &[("zh-search.js".into(), Content::Bytes(b"two".to_vec()))],
            &reversed,
        )
        .unwrap();
        assert_eq!(fs::read(out.join("zh-search.js")).unwrap(), b"two");
        assert!(
            !out.join("index.html").exists() && !out.join("shards").exists(),
            "the old folder's files are gone"
        );
        assert!(!sibling(&out, ".tmp").exists() && !sibling(&out, ".old").exists());
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_file_that_fails_to_compress_leaves_the_old_folder_in_place() {
        let root = scratch("compress-fails");
        let out = root.join("out");
        let same = |bytes: &[u8]| Ok(bytes.to_vec());
        write_folder(
            &out,
            &[("zh-search.js".into(), Content::Bytes(b"old".to_vec()))],
            &same,
        )
        .unwrap();
        let failing = |bytes: &[u8]| match bytes {
            b"bad" => Err(io::Error::other("no space")),
            _ => Ok(bytes.to_vec()),
        };
        let files: Vec<(String, Content)> = (0..600)
            .map(|i| {
                let bytes = if i == 300 {
                    b"bad".to_vec()
                } else {
                    b"ok".to_vec()
                };
                (format!("shards/{i}.bin"), Content::Compress(bytes))
            })
            .collect();
        let error = write_folder(&out, &files, &failing).unwrap_err();
        assert!(error.to_string().contains("300.bin"), "{error}");
        assert_eq!(fs::read(out.join("zh-search.js")).unwrap(), b"old");
        assert!(!sibling(&out, ".tmp").exists());
        fs::remove_dir_all(&root).unwrap();
    }
}
