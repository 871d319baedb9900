//! Writing a file without ever leaving it half written: a temporary file in the same
//! folder, flushed to disk, then renamed over the original. The original's permissions
//! are kept, a symbolic link is written through to its target, and a fixed file that
//! changed on disk since it was read is left alone. Reports and baselines are written
//! the same way.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a fixed file was not written. The original is untouched in every case.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path} changed on disk while it was being fixed; not written")]
    Changed { path: String },
    #[error("cannot write {path}: {message}")]
    Io { path: String, message: String },
}

/// Replace the content of `path` with `new`, provided it still holds `expected`.
pub fn replace_file(path: &Path, expected: &[u8], new: &[u8]) -> Result<(), WriteError> {
    write(path, new, Some(expected))
}

/// Write `bytes` to `path` whole or not at all (a report, a baseline): a new file gets
/// the usual permissions (0644 on Unix), an existing one keeps its own.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write(path, bytes, None)
}

fn write(path: &Path, bytes: &[u8], expected: Option<&[u8]>) -> Result<(), WriteError> {
    let shown = path.display().to_string();
    let io = |e: std::io::Error| WriteError::Io {
        path: shown.clone(),
        message: crate::workspace::discover::io_message(&e),
    };
    // Write through a link to the file it names, so the link stays a link; a file not
    // there yet goes in its folder.
    let target: PathBuf = match (std::fs::canonicalize(path), expected) {
        (Ok(target), _) => target,
        (Err(_), None) => {
            let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
            let folder = std::fs::canonicalize(folder.unwrap_or(Path::new("."))).map_err(io)?;
            folder.join(path.file_name().unwrap_or(path.as_os_str()))
        }
        (Err(e), Some(_)) => return Err(io(e)),
    };
    let unchanged = || -> Result<(), WriteError> {
        match expected {
            Some(expected) if std::fs::read(&target).map_err(io)? != expected => {
                Err(WriteError::Changed {
                    path: shown.clone(),
                })
            }
            _ => Ok(()),
        }
    };
    unchanged()?;
    let permissions = match std::fs::metadata(&target) {
        Ok(old) => Some(old.permissions()),
        #[cfg(unix)]
        Err(_) => Some(std::os::unix::fs::PermissionsExt::from_mode(0o644)),
        #[cfg(not(unix))]
        Err(_) => None,
    };
    let folder = target.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".gopolicy-")
        .tempfile_in(folder)
        .map_err(io)?;
    temp.write_all(bytes).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    if let Some(permissions) = permissions {
        temp.as_file().set_permissions(permissions).map_err(io)?;
    }
    // The last look before the rename: a write that raced with ours wins.
    unchanged()?;
    temp.persist(&target).map_err(|e| io(e.error))?;
    // The rename is durable once the folder is flushed (where the OS allows it).
    if let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_content_and_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("go.mod");
        std::fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        replace_file(&path, b"old", b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("go.mod");
        std::fs::write(&path, "edited by someone else").unwrap();
        let err = replace_file(&path, b"what we read", b"fixed").unwrap_err();
        assert!(matches!(err, WriteError::Changed { .. }), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"edited by someone else");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_written_through_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.yml");
        let link = dir.path().join("ci.yml");
        std::fs::write(&real, "a").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        replace_file(&link, b"a", b"b").unwrap();
        assert_eq!(std::fs::read(&real).unwrap(), b"b");
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_is_created_readable_and_a_linked_one_written_through() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("report.sarif");
        write_file(&report, b"{}").unwrap();
        assert_eq!(std::fs::read(&report).unwrap(), b"{}");
        let mode = std::fs::metadata(&report).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
        let link = dir.path().join("latest.sarif");
        std::os::unix::fs::symlink(&report, &link).unwrap();
        write_file(&link, b"[]").unwrap();
        assert_eq!(std::fs::read(&report).unwrap(), b"[]");
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
    }

    #[test]
    fn a_missing_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = replace_file(&dir.path().join("nope"), b"", b"x").unwrap_err();
        assert!(matches!(err, WriteError::Io { .. }), "{err}");
    }
}
