//! `gopolicy lsp` in a real editor: Neovim's built-in LSP client, headless, runs
//! tests/editor/neovim.lua (diagnostics, a code action applied, a dependent re-checked,
//! shutdown) once per position encoding.
//!
//! Skipped, loudly, when nvim is not installed; CI installs it and sets
//! GOPOLICY_REQUIRE_NVIM=1, which turns the skip into a failure.

mod common;

use std::process::Command;

use common::editor::{GO_MOD, WORKFLOW};

fn nvim_available() -> bool {
    let found = Command::new("nvim")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("GOPOLICY_REQUIRE_NVIM").is_none(),
            "GOPOLICY_REQUIRE_NVIM is set but nvim is not installed"
        );
        eprintln!(
            "SKIPPED: nvim is not installed (apt-get install neovim); the editor test did not run"
        );
    }
    found
}

#[test]
fn neovim_shows_diagnostics_and_applies_a_fix() {
    if !nvim_available() {
        return;
    }
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/editor/neovim.lua");
    for encoding in ["utf-16", "utf-8"] {
        let repo = common::Repo::new(&[("go.mod", GO_MOD), (".github/workflows/ci.yml", WORKFLOW)]);
        let state = tempfile::tempdir().unwrap();
        let output = Command::new("nvim")
            .args(["--headless", "-u", "NONE", "-i", "NONE", "-c"])
            .arg(format!("luafile {}", script.display()))
            .current_dir(repo.path())
            .env("GOPOLICY", env!("CARGO_BIN_EXE_gopolicy"))
            .env("ROOT", repo.path())
            .env("ENCODING", encoding)
            // Neovim's LSP log and state go to a throwaway folder.
            .env("XDG_CACHE_HOME", state.path())
            .env("XDG_STATE_HOME", state.path())
            .env("XDG_DATA_HOME", state.path())
            .output()
            .expect("run nvim");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && stdout.contains("PASS"),
            "{encoding}: nvim exited {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
            output.status.code()
        );
        assert!(
            stdout.contains("ok workflow follows the unsaved go.mod"),
            "{stdout}"
        );
        // The file on disk is untouched: the fix went to the buffer.
        assert_eq!(
            std::fs::read_to_string(repo.path().join("go.mod")).unwrap(),
            GO_MOD
        );
    }
}
