//! What the tool's tests share: the repository's fixtures, a scratch folder per test, and a run
//! of the `antiphon` binary.

// Each test crate uses its own part of these.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn fixtures() -> PathBuf {
    repo().join("tests/fixtures/groove")
}

pub fn demo_call() -> PathBuf {
    repo().join("assets/demo-call.mid")
}

/// The folder the shipped model is built from. Tests about something else name it with
/// `--model`, so that they test that other thing whatever the default model is.
pub fn model_folder() -> PathBuf {
    repo().join("models/drums")
}

/// A fresh, empty folder for one test, removed when the test ends.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("antiphon-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What a run of the tool left behind.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The run, for assertion messages.
    pub fn show(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    /// The number after `key: ` on stdout.
    pub fn value(&self, key: &str) -> f64 {
        self.stdout
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{key}: ")))
            .unwrap_or_else(|| panic!("no {key} in\n{}", self.show()))
            .parse()
            .unwrap()
    }
}

/// Runs `antiphon` with `args` in the folder `cwd`.
pub fn antiphon(cwd: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_antiphon"))
        .args(args)
        .current_dir(cwd)
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

pub fn text(path: &Path) -> &str {
    path.to_str().unwrap()
}
