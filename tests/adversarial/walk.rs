//! The file system itself: symlink loops, FIFOs and devices, unreadable files and
//! folders, files that vanish while the run walks.

use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;

use super::common::{self, Repo};
use super::{assert_peak, run, run_capped, short, MEMORY_MB, TIME};

const GO_MOD: &str = "module example.com/m\n\ngo 1.22\n";

#[test]
fn symlink_loops_end_with_a_diagnostic_for_the_named_ones() {
    let repo = Repo::new(&[("go.mod", GO_MOD)]);
    let root = repo.path();
    // A folder linking to itself and to its parent, a file linking to itself, a pair.
    symlink(".", root.join("self")).unwrap();
    repo.mkdir("sub");
    symlink("..", root.join("sub/up")).unwrap();
    symlink("loop.mod", root.join("loop.mod")).unwrap();
    symlink("b/go.mod", root.join("a.mod")).unwrap();
    repo.mkdir("b");
    symlink("../a.mod", root.join("b/go.mod")).unwrap();
    // Walking does not follow links, so the tree is finite.
    let walked = run(root, &["check", "--format", "short"], TIME);
    walked.out.expect_code(0);
    // Named, each loop is an error about that path.
    let named = run(
        root,
        &[
            "check",
            "loop.mod",
            "a.mod",
            "self/self/go.mod",
            "--format",
            "short",
        ],
        TIME,
    );
    named.out.expect_code(1);
    let lines = short(&named);
    for path in ["loop.mod", "a.mod"] {
        assert!(
            lines.iter().any(|l| l.path == path
                && l.id == "SYS002"
                && l.message.contains("symbolic links")),
            "{path}\n{named}"
        );
    }
}

/// Run gopolicy without the capabilities that let root read any file, so permission
/// bits apply even when the tests run as root. `None` when this user ignores mode 000
/// and setpriv cannot drop those capabilities.
fn without_override(cwd: &Path, args: &[&str], probe: &Path) -> Option<super::Run> {
    if std::fs::read_dir(probe).is_err() && std::fs::read(probe.join("go.mod")).is_err() {
        return Some(run(cwd, args, TIME));
    }
    let mut setpriv = std::process::Command::new("setpriv");
    let ours = common::command(cwd, args);
    setpriv
        .args([
            "--inh-caps=-all",
            "--bounding-set=-dac_override,-dac_read_search",
            "--",
        ])
        .arg(ours.get_program())
        .args(ours.get_args())
        .current_dir(cwd);
    for (name, value) in ours.get_envs() {
        match value {
            Some(v) => setpriv.env(name, v),
            None => setpriv.env_remove(name),
        };
    }
    // Does setpriv work here (installed, allowed to drop them)?
    let probe_ok = std::process::Command::new("setpriv")
        .args([
            "--inh-caps=-all",
            "--bounding-set=-dac_override,-dac_read_search",
            "--",
        ])
        .args(["cat"])
        .arg(probe.join("go.mod"))
        .output()
        .is_ok_and(|o| !o.status.success());
    probe_ok.then(|| run_capped(setpriv, args, TIME, MEMORY_MB))
}

#[test]
fn unreadable_files_and_folders_are_reported_and_the_run_goes_on() {
    let repo = Repo::new(&[
        ("go.mod", GO_MOD),
        ("locked/go.mod", GO_MOD),
        ("closed/go.mod", GO_MOD),
    ]);
    let locked = repo.path().join("locked");
    let closed = repo.path().join("closed/go.mod");
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = without_override(repo.path(), &["check", "--format", "short"], &locked);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o644)).unwrap();
    let Some(run) = out else {
        eprintln!("skipped: this user reads mode-000 files and setpriv cannot drop that");
        return;
    };
    run.out.expect_code(1);
    let lines = short(&run);
    for path in ["locked", "closed/go.mod"] {
        assert!(
            lines.iter().any(|l| l.path == path
                && l.id == "SYS002"
                && l.message.contains("permission denied")),
            "{path}\n{run}"
        );
    }
    // The readable go.mod was still checked: no diagnostic, but counted.
    assert!(!lines.iter().any(|l| l.path == "go.mod"), "{run}");
}

#[test]
fn a_fifo_or_a_device_named_as_a_file_to_check_is_reported_not_read() {
    let repo = Repo::new(&[("go.mod", GO_MOD)]);
    let root = repo.path();
    for fifo in ["pipe/go.mod", ".github/workflows/pipe.yml", "pipe.ps1"] {
        repo.mkdir(Path::new(fifo).parent().unwrap().to_str().unwrap());
        let made = std::process::Command::new("mkfifo")
            .arg(root.join(fifo))
            .status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo {fifo}");
    }
    // Walking skips what is not a regular file.
    let walked = run(root, &["check", "--format", "short"], TIME);
    walked.out.expect_code(0);
    assert!(walked.out.lines().is_empty(), "{walked}");
    // Named: opening a FIFO would block for ever, and /dev/zero never ends.
    let named = run(
        root,
        &[
            "check",
            "pipe/go.mod",
            ".github/workflows/pipe.yml",
            "pipe.ps1",
            "--format",
            "short",
        ],
        TIME,
    );
    named.out.expect_code(1);
    assert_eq!(short(&named).len(), 3, "{named}");
    for line in short(&named) {
        assert_eq!(line.id, "SYS002", "{named}");
        assert!(line.message.contains("not a regular file"), "{named}");
    }
    let args = ["check", "--as", "go.mod", "/dev/zero", "--format", "short"];
    let zero = run(root, &args, TIME);
    zero.out.expect_code(1);
    assert!(zero.out.stdout.contains("not a regular file"), "{zero}");
    assert_peak(&zero, 64);
}

#[test]
fn a_file_that_vanishes_between_the_walk_and_the_read_is_reported() {
    use gopolicy::diag::config::Config;
    use gopolicy::workspace;
    let repo = Repo::new(&[("a/go.mod", GO_MOD), ("b/go.mod", GO_MOD)]);
    let root = repo.path().to_path_buf();
    let config = Config::defaults(root.clone());
    let found = workspace::discover(std::slice::from_ref(&root), &config, &root);
    assert_eq!(found.files.len(), 2);
    std::fs::remove_dir_all(root.join("b")).unwrap();
    let loaded = workspace::load(&found.files, config.max_file_size, &root);
    assert_eq!(loaded.documents.len(), 1);
    assert_eq!(loaded.problems.len(), 1);
    assert_eq!(loaded.problems[0].display, "b/go.mod");
    assert!(
        loaded.problems[0]
            .message
            .contains("no such file or directory"),
        "{:?}",
        loaded.problems
    );
}

#[test]
fn files_and_folders_churning_during_runs_never_crash_a_run() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let repo = Repo::new(&[("go.mod", GO_MOD)]);
    let root = repo.path().to_path_buf();
    let stop = Arc::new(AtomicBool::new(false));
    let churn = {
        let (root, stop) = (root.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut round = 0u32;
            while !stop.load(Ordering::Relaxed) {
                for i in 0..50 {
                    let dir = root.join(format!("d{i}/sub"));
                    if (round + i).is_multiple_of(2) {
                        let _ = std::fs::create_dir_all(&dir);
                        let _ = std::fs::write(dir.join("go.mod"), GO_MOD);
                        let _ = std::fs::write(dir.join("x.sh"), "export GOPATH=/go\n");
                    } else {
                        let _ = std::fs::remove_dir_all(root.join(format!("d{i}")));
                    }
                }
                round += 1;
            }
        })
    };
    let mut vanished = 0;
    for _ in 0..15 {
        let run = run(&root, &["check", "--format", "short"], TIME);
        for line in short(&run) {
            // Only churned files have findings: one read half-written may be judged as
            // it was; one that went away under the run is reported as gone.
            assert!(line.path.starts_with('d'), "{run}");
            if line.id == "SYS002" {
                assert!(line.message.contains("no such file or directory"), "{run}");
                vanished += 1;
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    churn.join().unwrap();
    eprintln!("{vanished} files vanished mid-run over 15 runs");
}
