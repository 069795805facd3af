//! The plugin under test: the workspace's own debug build (nice-plug's `assert_process_allocs`
//! aborts on any allocation inside `process()`), laid out as the bundles hosts load, built first
//! so a test never runs a stale plugin.
//!
//! It is built with the same packages and features as the tests themselves (`cargo test
//! --workspace --features antiphon-plugin/standalone`), so that one build serves the test
//! binaries, the CLAP and VST3 bundles and the standalone: a separate `cargo xtask bundle` resolves
//! other features for the shared dependencies and compiles the plugin's whole stack a second
//! time. The bundles go to `target/test-bundles/`, beside (never over) the release bundles in
//! `target/bundled/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The command that builds what the host tests load (the test command builds the same).
pub const BUILD_COMMAND: &str = "cargo build --workspace --features antiphon-plugin/standalone";

/// Names the CLAP bundle a parent process laid out for its children: they load it as it is,
/// for a child rebuilding it would rewrite the file another child is loading. The VST3 bundle
/// lies beside it.
pub const PREBUILT_BUNDLE_VAR: &str = "ANTIPHON_PREBUILT_BUNDLE";

/// The plugin's name in its bundles (`bundler.toml`).
const BUNDLE_NAME: &str = "Antiphon";

/// The workspace root (this crate lives in `tests/`).
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the host-test crate sits inside the workspace")
}

/// Cargo's target directory.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Runs [`BUILD_COMMAND`] (incrementally, once per test process); panics with the command to run
/// by hand when it fails. Returns cargo's debug output folder.
fn built() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = workspace_root();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(BUILD_COMMAND.split(' ').skip(1))
            .current_dir(root)
            .status();
        match status {
            Ok(status) if status.success() => {}
            other => panic!(
                "building the plugin failed ({other:?}); run `{BUILD_COMMAND}` in {} and fix what \
                 it reports",
                root.display()
            ),
        }
        target_dir().join("debug")
    })
}

/// Path of `Antiphon.clap`, built and laid out (once per test process) before it is returned,
/// unless [`PREBUILT_BUNDLE_VAR`] names one.
pub fn clap_bundle() -> &'static Path {
    static BUNDLE: OnceLock<PathBuf> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        if let Some(bundle) = std::env::var_os(PREBUILT_BUNDLE_VAR) {
            return PathBuf::from(bundle);
        }
        let bundles = target_dir().join("test-bundles");
        let library = built().join("libantiphon_plugin.so");
        let clap = bundles.join(format!("{BUNDLE_NAME}.clap"));
        lay_out(&library, &clap);
        let vst3 = bundles
            .join(format!("{BUNDLE_NAME}.vst3"))
            .join("Contents/x86_64-linux")
            .join(format!("{BUNDLE_NAME}.so"));
        lay_out(&library, &vst3);
        clap
    })
}

/// Path of the `Antiphon.vst3` bundle directory, from the same build as [`clap_bundle`], beside
/// it (also when [`PREBUILT_BUNDLE_VAR`] names that one).
pub fn vst3_bundle() -> &'static Path {
    static BUNDLE: OnceLock<PathBuf> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let clap = clap_bundle();
        let bundle = clap.with_file_name(format!("{BUNDLE_NAME}.vst3"));
        assert!(
            bundle.is_dir(),
            "{} has no VST3 bundle beside it at {}",
            clap.display(),
            bundle.display()
        );
        bundle
    })
}

/// The standalone Antiphon (nice-plug's wrapper around the same plugin), from the same build.
pub fn standalone_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| built().join("antiphon_plugin"))
}

/// The small CLAP host `tests/clap-player` (`antiphon-clap-player`), from the same build: it plays
/// a scenario file through a bundle in a process of its own (`tests/tests/windows.rs`).
pub fn clap_player_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| built().join("antiphon-clap-player"))
}

/// Copies the built `library` to `to` unless it is there already: through a new file renamed
/// into place, so that a host still running the old one keeps its own.
fn lay_out(library: &Path, to: &Path) {
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let source = modified(library)
        .unwrap_or_else(|| panic!("`{BUILD_COMMAND}` built no {}", library.display()));
    if modified(to).is_some_and(|laid_out| laid_out >= source) {
        return;
    }
    let folder = to.parent().expect("a bundle file lies in a folder");
    std::fs::create_dir_all(folder)
        .unwrap_or_else(|e| panic!("creating {}: {e}", folder.display()));
    let partial = to.with_extension("partial");
    std::fs::copy(library, &partial)
        .and_then(|_| std::fs::rename(&partial, to))
        .unwrap_or_else(|e| panic!("laying out {}: {e}", to.display()));
}
