//! Finds the plugin bundles under test, building them first so a test never runs a stale bundle.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The command that builds the bundles the host tests load, the CLAP and the VST3 one (a debug
/// build, so nice-plug's `assert_process_allocs` aborts on any allocation inside `process()`).
pub const BUILD_COMMAND: &str = "cargo xtask bundle antiphon-plugin";

/// The workspace root (this crate lives in `tests/`).
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the host-test crate sits inside the workspace")
}

/// Names a bundle a parent process built for its children: they load it as it is, for a child
/// rebuilding it would rewrite the file another child is loading.
pub const PREBUILT_BUNDLE_VAR: &str = "ANTIPHON_PREBUILT_BUNDLE";

/// Path of `Antiphon.clap`, built (incrementally, once per test process) before it is returned,
/// unless [`PREBUILT_BUNDLE_VAR`] names one. Panics with the command to run by hand when the
/// build fails.
pub fn clap_bundle() -> &'static Path {
    static BUNDLE: OnceLock<PathBuf> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        if let Some(bundle) = std::env::var_os(PREBUILT_BUNDLE_VAR) {
            return PathBuf::from(bundle);
        }
        let root = workspace_root();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(["xtask", "bundle", "antiphon-plugin"])
            .current_dir(root)
            .status();
        match status {
            Ok(status) if status.success() => {}
            other => panic!(
                "building the plugin bundle failed ({other:?}); run `{BUILD_COMMAND}` in {} and \
                 fix what it reports",
                root.display()
            ),
        }
        let target_dir = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"));
        let bundle = target_dir.join("bundled").join("Antiphon.clap");
        assert!(
            bundle.is_file(),
            "`{BUILD_COMMAND}` succeeded but {} is missing",
            bundle.display()
        );
        bundle
    })
}

/// Path of the `Antiphon.vst3` bundle directory, from the same build as [`clap_bundle`] (one
/// build writes both): beside the CLAP bundle, also when [`PREBUILT_BUNDLE_VAR`] names that one.
pub fn vst3_bundle() -> &'static Path {
    static BUNDLE: OnceLock<PathBuf> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let clap = clap_bundle();
        let bundle = clap.with_file_name("Antiphon.vst3");
        assert!(
            bundle.is_dir(),
            "{} has no VST3 bundle beside it at {}; `{BUILD_COMMAND}` writes both",
            clap.display(),
            bundle.display()
        );
        bundle
    })
}
