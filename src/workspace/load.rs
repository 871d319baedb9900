//! Reading, decoding and parsing the discovered files (in parallel), linking documents
//! that refer to each other (a go.work `use` to the go.mod it names), and following the
//! templates and includes CI files pull in.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::discover::{io_message, FileEntry};
use crate::document::{decode, Document, Encoding, SourceText, Target};
use crate::source;

/// A file that was found but not parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileProblem {
    pub display: String,
    pub kind: ProblemKind,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    Unreadable,
    TooLarge,
}

pub struct Loaded {
    pub documents: Vec<Arc<Document>>,
    pub problems: Vec<FileProblem>,
}

/// Texts that stand in for files on disk, by absolute path: fixes not yet written, or
/// an editor's unsaved buffers.
#[derive(Clone, Debug, Default)]
pub struct Overlay {
    texts: HashMap<PathBuf, (String, Encoding)>,
}

impl Overlay {
    pub fn insert(&mut self, path: &Path, text: String, encoding: Encoding) {
        self.texts.insert(normalize(path), (text, encoding));
    }
    pub fn remove(&mut self, path: &Path) {
        self.texts.remove(&normalize(path));
    }
    pub(crate) fn get(&self, path: &Path) -> Option<&(String, Encoding)> {
        if self.texts.is_empty() {
            return None;
        }
        self.texts.get(&normalize(path))
    }
}

/// Read and parse every file; documents come back in the order of `files`. Files read
/// only to follow a link are shown relative to `base`.
pub fn load(files: &[FileEntry], max_file_size: u64, base: &Path) -> Loaded {
    load_with(files, max_file_size, base, &Overlay::default())
}

/// `load`, reading the overlay's text in place of the files it holds.
pub fn load_with(
    files: &[FileEntry],
    max_file_size: u64,
    base: &Path,
    overlay: &Overlay,
) -> Loaded {
    let visited = load_each(files, max_file_size, base, overlay, |doc| doc);
    Loaded {
        documents: visited.results,
        problems: visited.problems,
    }
}

/// `f` on each item with its index, in order: on the worker threads when there are
/// several, on this thread for one (a pre-commit hook or an editor checks one file, and
/// starting the workers would cost more than checking it).
fn map_each<T: Sync, R: Send>(items: &[T], f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    if items.len() < 2 {
        items
            .iter()
            .enumerate()
            .map(|(i, item)| f(i, item))
            .collect()
    } else {
        items
            .par_iter()
            .enumerate()
            .map(|(i, item)| f(i, item))
            .collect()
    }
}

/// What [`load_each`] gives back.
pub struct Visited<T> {
    /// What `visit` made of each document: the files in the order given, then the
    /// templates and includes they pulled in.
    pub results: Vec<T>,
    pub problems: Vec<FileProblem>,
}

/// Read, parse and link every file, and hand each document to `visit` as soon as it is
/// ready, in parallel. Nothing else keeps a document: a run holds the documents being
/// worked on, what `visit` returns and the go.mod files (which the others link to, so
/// they are parsed first and kept to the end).
pub fn load_each<T: Send>(
    files: &[FileEntry],
    max_file_size: u64,
    base: &Path,
    overlay: &Overlay,
    visit: impl Fn(Arc<Document>) -> T + Sync,
) -> Visited<T> {
    let read = |f: &FileEntry| {
        let path = normalize(&f.path);
        let parsed = read_and_parse(&f.path, &f.display, f.target, max_file_size, overlay);
        (path, parsed)
    };
    let go_mods: BTreeMap<usize, (PathBuf, Result<Arc<Document>, FileProblem>)> =
        map_each(files, |i, f| {
            (f.target == Target::GoMod).then(|| {
                let (path, parsed) = read(f);
                (i, (path, parsed.map(Arc::new)))
            })
        })
        .into_iter()
        .flatten()
        .collect();
    let parsed_go_mods = go_mods
        .values()
        .filter_map(|(path, parsed)| Some((path.clone(), parsed.as_ref().ok()?.clone())));
    let modules = super::link::Modules::new(parsed_go_mods, max_file_size, base, overlay);
    // The rest in parallel: each parsed, linked and visited. References to templates and
    // includes are taken before linking, and followed afterwards.
    let parse_and_visit = |path: &Path, parsed: Result<Document, FileProblem>| {
        parsed.map(|mut doc| {
            let references = super::follow::references(&doc, path);
            modules.link(&mut doc, path);
            (visit(Arc::new(doc)), references)
        })
    };
    let each: Vec<_> = map_each(files, |i, f| match go_mods.get(&i) {
        Some((path, parsed)) => {
            let visited = parsed.clone().map(|doc| (visit(doc), Vec::new()));
            (path.clone(), visited)
        }
        None => {
            let (path, parsed) = read(f);
            let visited = parse_and_visit(&path, parsed);
            (path, visited)
        }
    });

    let mut results = Vec::new();
    let mut problems = Vec::new();
    let mut parsed_paths = Vec::new();
    let mut pending: VecDeque<References> = VecDeque::new();
    for (path, visited) in each {
        match visited {
            Ok((result, references)) => {
                results.push(result);
                parsed_paths.push(path);
                pending.push_back(references);
            }
            Err(problem) => problems.push(problem),
        }
    }
    if pending.iter().all(Vec::is_empty) {
        // Most runs refer to nothing: hashing every path would be their longest serial step.
        return Visited { results, problems };
    }
    // Follow the references, breadth first, once each.
    let mut seen: HashSet<PathBuf> = parsed_paths.into_iter().collect();
    let mut followed = 0;
    while followed < MAX_FOLLOWED {
        let Some(references) = pending.pop_front() else {
            break;
        };
        for (target_path, target) in references {
            let target_path = normalize(&target_path);
            if !seen.insert(target_path.clone()) || followed >= MAX_FOLLOWED {
                continue;
            }
            followed += 1;
            let shown = super::discover::display_path(&target_path, base);
            let parsed = read_and_parse(&target_path, &shown, target, max_file_size, overlay);
            match parse_and_visit(&target_path, parsed) {
                Ok((result, references)) => {
                    results.push(result);
                    pending.push_back(references);
                }
                // A template that is missing is Azure's or GitLab's error to report;
                // one that exists but cannot be read is ours.
                Err(problem) if target_path.exists() => problems.push(problem),
                Err(_) => {}
            }
        }
    }
    Visited { results, problems }
}

/// The local files a document refers to, with the kind to read them as.
type References = Vec<(PathBuf, Target)>;

/// At most this many files are read by following references, so a cycle or a huge
/// template tree cannot run away.
const MAX_FOLLOWED: usize = 1000;

/// Read one file (or its overlay text), refusing what is too large, binary or not text.
pub fn read_and_parse(
    path: &Path,
    display: &str,
    target: Target,
    max_file_size: u64,
    overlay: &Overlay,
) -> Result<Document, FileProblem> {
    if let Some((text, encoding)) = overlay.get(path) {
        return Ok(source::parse(
            SourceText::new(display, text.clone(), *encoding),
            target,
        ));
    }
    let problem = |kind, message: String| FileProblem {
        display: display.to_owned(),
        kind,
        message,
    };
    let unreadable = |e: std::io::Error| {
        problem(
            ProblemKind::Unreadable,
            format!("cannot read {display}: {}", io_message(&e)),
        )
    };
    let bytes = read_regular(path, max_file_size).map_err(|e| match e {
        ReadError::Io(e) => unreadable(e),
        ReadError::NotRegular => problem(
            ProblemKind::Unreadable,
            format!("cannot read {display}: not a regular file"),
        ),
        ReadError::TooLarge { size } => problem(
            ProblemKind::TooLarge,
            format!("{display} is {size} bytes, over the {max_file_size}-byte limit (max_file_size); not read"),
        ),
    })?;
    let (text, encoding) = decode(&bytes).map_err(|e| {
        problem(
            ProblemKind::Unreadable,
            format!("cannot read {display} as text: {e}"),
        )
    })?;
    Ok(source::parse(
        SourceText::new(display, text, encoding),
        target,
    ))
}

/// Why [`read_regular`] gave up.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    /// A FIFO, socket or device: opening a FIFO blocks until a writer comes, and a device
    /// such as /dev/zero never ends.
    NotRegular,
    /// Over the limit, as measured, or as read when the file grew meanwhile; `size` is a
    /// lower bound in that case.
    TooLarge {
        size: u64,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => f.write_str(&io_message(e)),
            ReadError::NotRegular => f.write_str("not a regular file"),
            ReadError::TooLarge { size } => write!(f, "{size} bytes, over the size limit"),
        }
    }
}

/// Read a regular file of at most `limit` bytes, so no input can make a run hang or
/// hold more than `limit` bytes of it.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    // Looked at before opening: opening a FIFO would block.
    let metadata = std::fs::metadata(path).map_err(ReadError::Io)?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular);
    }
    if metadata.len() > limit {
        return Err(ReadError::TooLarge {
            size: metadata.len(),
        });
    }
    let mut file = std::fs::File::open(path).map_err(ReadError::Io)?;
    // One read of the size measured, asking for a byte more: getting exactly that size
    // back is the end of the file, with no second read to see it (a file this run
    // cannot see grow). Anything else reads on to the end as usual.
    let size = metadata.len() as usize;
    let mut bytes = vec![0; size + 1];
    let first = loop {
        match file.read(&mut bytes) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => break other.map_err(ReadError::Io)?,
        }
    };
    bytes.truncate(first);
    if first != size || size == 0 {
        file.take(limit.saturating_add(1) - first as u64)
            .read_to_end(&mut bytes)
            .map_err(ReadError::Io)?;
    }
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
        });
    }
    Ok(bytes)
}

/// An absolute path with `.` and `..` resolved lexically (no file system access, so a
/// missing folder still has a name).
pub fn normalize(path: &Path) -> PathBuf {
    #[cfg(unix)]
    if path.is_absolute() {
        return normalize_unix(path.as_os_str());
    }
    #[cfg(unix)]
    if !path.as_os_str().is_empty() {
        if let Ok(cwd) = std::env::current_dir() {
            let mut joined = cwd.into_os_string();
            joined.push("/");
            joined.push(path);
            return normalize_unix(&joined);
        }
    }
    by_components(path)
}

/// [`normalize`]'s definition: `std::path::absolute`, then the components, `..` popping
/// one.
fn by_components(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// [`normalize`] of an absolute Unix path (the current folder already joined), on its
/// bytes: the same result as [`by_components`] (empty and `.` parts dropped, `..`
/// removing the part before it, never above the root), at a fraction of the cost; a
/// check normalizes every file's path.
#[cfg(unix)]
fn normalize_unix(path: &std::ffi::OsStr) -> PathBuf {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let bytes = path.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    for part in bytes.split(|&b| b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => {
                let cut = out.iter().rposition(|&b| b == b'/').unwrap_or(0);
                out.truncate(cut);
            }
            _ => {
                out.push(b'/');
                out.extend_from_slice(part);
            }
        }
    }
    if out.is_empty() {
        out.push(b'/');
    }
    PathBuf::from(std::ffi::OsString::from_vec(out))
}

#[cfg(all(test, unix))]
mod normalize_tests {
    use std::path::Path;

    use super::{by_components, normalize, read_regular, ReadError};

    #[test]
    fn read_regular_reads_whole_files_of_any_size_and_refuses_large_ones() {
        let dir = tempfile::tempdir().unwrap();
        for size in [0usize, 1, 31, 32, 33, 4096, 100_000] {
            let path = dir.path().join(format!("f{size}"));
            let text: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
            std::fs::write(&path, &text).unwrap();
            assert_eq!(read_regular(&path, 100_000).unwrap(), text, "{size}");
            match read_regular(&path, size.saturating_sub(1) as u64) {
                Err(ReadError::TooLarge { size: seen }) if size > 0 => {
                    assert_eq!(seen, size as u64)
                }
                Ok(bytes) if size == 0 => assert!(bytes.is_empty()),
                other => panic!("{size}: {other:?}"),
            }
        }
        assert!(matches!(
            read_regular(dir.path(), 100),
            Err(ReadError::NotRegular)
        ));
    }

    /// Files the kernel says are empty but are not (/proc) are read to their end.
    #[cfg(target_os = "linux")]
    #[test]
    fn read_regular_reads_past_a_size_of_zero() {
        let path = Path::new("/proc/self/status");
        assert_eq!(std::fs::metadata(path).unwrap().len(), 0);
        let bytes = read_regular(path, 1 << 20).unwrap();
        assert!(String::from_utf8(bytes).unwrap().contains("\nPid:"));
    }

    #[test]
    fn bytes_agree_with_components() {
        use std::os::unix::ffi::OsStrExt;
        let cases: &[&[u8]] = &[
            b"/",
            b"//",
            b"///a//b///",
            b"/a/./b/../c",
            b"/a/b/..",
            b"/a/b/../..",
            b"/..",
            b"/../a/..",
            b"/a/.../b/..c/c..",
            b"a",
            b"./x/y/",
            b"../x",
            b"x/../../../y",
            b".",
            b"..",
            b"/caf\xc3\xa9/\xff\xfe/../z",
        ];
        for &case in cases {
            let path = Path::new(std::ffi::OsStr::from_bytes(case));
            assert_eq!(normalize(path), by_components(path), "{path:?}");
        }
    }
}
