//! The standalone Antiphon as the tests run it (built by [`crate::bundle::standalone_binary`]),
//! and the state file it keeps with `--state`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::running::Running;

/// Runs `standalone` without audio or MIDI (`--backend dummy`) with `--state path`, then asks it
/// to quit as Ctrl-C does, and returns the state it saved on its way out.
pub fn saved_state(standalone: &Path, path: &Path) -> serde_json::Value {
    let mut running = Running(
        Command::new(standalone)
            .args(["--backend", "dummy", "--state"])
            .arg(path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the standalone starts"),
    );
    std::thread::sleep(Duration::from_secs(2));
    let interrupted = Command::new("kill")
        .args(["-INT", &running.0.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(interrupted.success());
    let exited = running.0.wait().expect("the standalone exits");
    assert!(exited.success(), "the standalone quits on Ctrl-C: {exited}");
    let bytes = std::fs::read(path)
        .unwrap_or_else(|e| panic!("the standalone saved no state to {}: {e}", path.display()));
    serde_json::from_slice(&bytes).expect("the saved state is JSON")
}
