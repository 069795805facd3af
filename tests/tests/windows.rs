//! The Windows bundle under Wine answers a real GMD call with the notes the Linux bundle plays,
//! with a display and without one, and its editor draws the call and the answer.
//!
//! Both bundles are driven by the same small host, `tests/clap-player`, built from one source:
//! natively on the Linux release bundle `target/bundled/Antiphon.clap` (the same profile as the
//! Windows DLL, release with thin LTO, so that a difference can only come from the platform), and
//! cross-built for Windows (`scripts/build-windows`), under Wine in Xvfb, on
//! `target/windows/Antiphon.clap`. Ignored by `cargo test`: it needs the Windows build, Wine,
//! Xvfb and the Wine-only `bcryptprimitives.dll` shim from `../shared/tools/validators/windows/`
//! (without that folder it says so and passes, as `scripts/validate-windows-bundles` does).
//! `scripts/test` runs it after `scripts/build-windows`:
//!
//! ```sh
//! cargo test --workspace --features antiphon-plugin/standalone --test windows -- --ignored
//! ```

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use antiphon_host_tests::answers::{answer_notes, assert_answer_in_bars};
use antiphon_host_tests::bundle::{clap_player_binary, target_dir, workspace_root};
use antiphon_host_tests::calls::{ANSWER_CHANNEL, CALL_CHANNEL, RATE};
use antiphon_host_tests::phrases::{ROCK_BEAT, play_bars};
use antiphon_host_tests::screen::{HeadlessDisplay, Screen};
use antiphon_host_tests::{Input, Output, TimedInput, TimedOutput, Timeline};

/// The call's set-up, as the Ardour test `drums-grid` plays it: a two-bar call answered with two
/// bars, a reproducible take, on the 16th grid, nothing but the answer out.
const PARAMS: [(&str, &str); 5] = [
    ("Max Call Bars", "2"),
    ("Phrase Bars", "2"),
    ("Seed", "7"),
    ("Groove", "0%"),
    ("Passthrough", "Off"),
];
/// Host block size.
const BLOCK_SAMPLES: u32 = 512;
/// Bars played: the call in bars 1–2, the answer in bars 3–4, one bar more for its last notes.
const BARS: u32 = 6;
/// Tempo of the 4/4 transport, playing from song position 0.
const TEMPO_BPM: f64 = 120.0;

/// What the Wine tests run: the Windows player and bundle, and Wine's prefix.
struct WindowsBuild {
    player: PathBuf,
    bundle: PathBuf,
    prefix: PathBuf,
}

impl WindowsBuild {
    /// The Windows build, or `None` (said on stderr) without the shim beside the checkout.
    fn find() -> Option<WindowsBuild> {
        let root = workspace_root();
        let shim =
            root.join("../shared/tools/validators/windows/bcryptprimitives-wine-test-only.dll");
        if !shim.is_file() {
            eprintln!(
                "windows: no {} beside the checkout; skipping the Wine scenario",
                shim.display()
            );
            return None;
        }
        let build = WindowsBuild {
            player: root.join(
                "target/windows-build/x86_64-pc-windows-gnu/release/antiphon-clap-player.exe",
            ),
            bundle: root.join("target/windows/Antiphon.clap"),
            prefix: wine_prefix(&shim),
        };
        for path in [&build.player, &build.bundle] {
            assert!(
                path.is_file(),
                "{} is missing: run `scripts/build-windows` first",
                path.display()
            );
        }
        Some(build)
    }

    /// The Windows player under Wine, playing `scenario` through the Windows bundle.
    fn player(&self, scenario: &Path, editor: bool) -> Command {
        let mut command = Command::new("wine");
        command
            .env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            .arg(&self.player);
        if editor {
            command.arg("--editor");
        }
        command
            .arg(wine_path(&self.bundle))
            .arg(wine_path(scenario));
        command
    }
}

/// Writes the scenario: the GMD call in bars 1–2, played until `until_ppq`, rendered offline.
fn write_scenario(name: &str, timeline: &Timeline, until_ppq: f64) -> PathBuf {
    let call = play_bars(ROCK_BEAT, 2, timeline, timeline.bar_ppq(), CALL_CHANNEL);
    let length = timeline
        .sample_of_ppq(until_ppq)
        .expect("the run lasts that long");
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, scenario_text(&call, length)).expect("writing the scenario");
    path
}

#[test]
#[ignore = "needs scripts/build-windows, Wine and Xvfb; scripts/test runs it after the Windows build"]
fn the_windows_bundle_under_wine_answers_a_gmd_call_with_the_linux_notes() {
    let Some(build) = WindowsBuild::find() else {
        return;
    };
    let linux_bundle = target_dir().join("bundled/Antiphon.clap");
    assert!(
        linux_bundle.is_file(),
        "{} is missing: run `cargo xtask bundle antiphon-plugin --release --features standalone`",
        linux_bundle.display()
    );
    let timeline = Timeline::playing(RATE, 0.0, TEMPO_BPM);
    let scenario = write_scenario(
        "windows-gmd-call.txt",
        &timeline,
        f64::from(BARS) * timeline.bar_ppq(),
    );

    let mut native = Command::new(clap_player_binary());
    native.arg(&linux_bundle).arg(&scenario);
    let linux = play(native, "the Linux player on the Linux bundle");

    let display = HeadlessDisplay::start();
    let mut wine = build.player(&scenario, false);
    wine.env("DISPLAY", display.name());
    let windows = play(wine, "the Windows player under Wine on the Windows bundle");
    wait_for_wine(&build.prefix);
    // A host without a display (a render node; Wine without an X server): nice-plug's hidden
    // window may not be made, and the plugin must still load and play.
    let mut wine = build.player(&scenario, false);
    wine.env_remove("DISPLAY");
    let headless = play(wine, "the Windows player under Wine without a display");
    wait_for_wine(&build.prefix);

    for (outputs, platform) in [(&linux, "Linux"), (&windows, "Windows")] {
        let pairs = answer_notes(outputs, ANSWER_CHANNEL);
        assert_answer_in_bars(&pairs, &timeline, 3, 2);
        eprintln!("windows: {platform}: {} answer notes", pairs.len());
    }
    assert!(
        windows == linux,
        "the Windows bundle plays other notes than the Linux one:\n{}",
        side_by_side(&linux, &windows)
    );
    assert!(
        headless == linux,
        "without a display, the Windows bundle plays other notes:\n{}",
        side_by_side(&linux, &headless)
    );
}

/// The editor of the Windows bundle, embedded in a Win32 window under Wine, drawn through Wine's
/// OpenGL (on Mesa's software renderer in Xvfb): read back from the X server as the Linux editor
/// test reads its own, saved as `target/screenshots/editor-windows.png`.
#[test]
#[ignore = "needs scripts/build-windows, Wine and Xvfb; scripts/test runs it after the Windows build"]
fn the_windows_editor_under_wine_draws_the_call_and_its_answer() {
    let Some(build) = WindowsBuild::find() else {
        return;
    };
    let timeline = Timeline::playing(RATE, 0.0, TEMPO_BPM);
    // Stopped in the answer's second bar, so the play position stands inside it.
    let scenario = write_scenario("windows-editor.txt", &timeline, 4.5 * timeline.bar_ppq());
    let display = HeadlessDisplay::start();
    let screen = Screen::connect(&display);
    let mut player = build
        .player(&scenario, true)
        .env("DISPLAY", display.name())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting wine (install wine64)");
    let stdout = BufReader::new(player.stdout.take().expect("piped"));
    let mut notes = Vec::new();
    let mut size = None;
    for line in stdout.lines() {
        let line = line.expect("reading the player's output");
        if let Some(shown) = line.strip_prefix("editor ") {
            size = Some(editor_size(shown));
            break;
        }
        notes.push(parse_note(&line).unwrap_or_else(|| panic!("an unknown line {line:?}")));
    }
    let Some((width, height)) = size else {
        panic!(
            "the player ended before it showed the editor: {:?}",
            player.wait()
        );
    };
    assert!(
        !answer_notes(&notes, ANSWER_CHANNEL).is_empty(),
        "the model answered"
    );
    // The editor draws on its own timer; wait for a frame with both lanes, then a few more.
    // Wine draws an OpenGL child window into an X window of its own, redirected off screen
    // (XComposite), and in Xvfb never copies it into the host's window, which stays blank on the
    // screen: the frame is read from that X window, the editor's size, where it shows both lanes.
    let editor_window = || {
        screen
            .windows_of_size(width, height)
            .into_iter()
            .find(|&window| {
                screen
                    .capture_window(window, width, height)
                    .shows_call_and_answer()
            })
    };
    let started = Instant::now();
    let mut drawn = editor_window();
    while drawn.is_none() && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(250));
        drawn = editor_window();
    }
    std::thread::sleep(Duration::from_secs(1));
    let shot = match drawn {
        Some(window) => screen.capture_window(window, width, height),
        None => screen.capture(width, height),
    };
    // Closing its stdin closes the editor.
    drop(player.stdin.take());
    let status = player.wait().expect("waiting for the player");
    wait_for_wine(&build.prefix);
    let path = workspace_root().join("target/screenshots/editor-windows.png");
    shot.save_png(&path);
    assert!(status.success(), "the player failed ({status})");
    shot.assert_shows_call_and_answer(1, &path);
}

/// `WIDTH HEIGHT` as the player prints them.
fn editor_size(text: &str) -> (u16, u16) {
    let parsed = text
        .split_once(' ')
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)));
    parsed.unwrap_or_else(|| panic!("an editor size {text:?}"))
}

/// The scenario file `antiphon-clap-player` reads (its format: `tests/clap-player/src/scenario.rs`).
fn scenario_text(call: &[TimedInput], length_samples: u64) -> String {
    let mut text = format!(
        "# A two-bar GMD call ({ROCK_BEAT}) from bar 1, answered offline.\n\
         sample-rate {RATE}\nblock {BLOCK_SAMPLES}\ntempo {TEMPO_BPM}\n\
         length {length_samples}\nrender offline\n"
    );
    for (name, value) in PARAMS {
        writeln!(text, "param {name}={value}").unwrap();
    }
    for timed in call {
        match timed.input {
            Input::NoteOn {
                channel,
                key,
                velocity,
            } => writeln!(text, "on {} {channel} {key} {velocity}", timed.sample),
            Input::NoteOff { channel, key } => {
                writeln!(text, "off {} {channel} {key}", timed.sample)
            }
            other => panic!("a call holds notes only: {other:?}"),
        }
        .unwrap();
    }
    text
}

/// Runs a player and reads the notes it printed.
fn play(mut command: Command, what: &str) -> Vec<TimedOutput> {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("starting {what} ({command:?}): {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}{stdout}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .map(|line| {
            parse_note(line).unwrap_or_else(|| panic!("{what} printed an unknown line {line:?}"))
        })
        .collect()
}

/// A line `antiphon-clap-player` printed: `on SAMPLE CHANNEL KEY VELOCITY` or
/// `off SAMPLE CHANNEL KEY`.
fn parse_note(line: &str) -> Option<TimedOutput> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let (kind, sample, channel, key) = match fields[..] {
        [kind, sample, channel, key, ..] => (kind, sample, channel, key),
        _ => return None,
    };
    let (channel, key) = (channel.parse().ok()?, key.parse().ok()?);
    let output = match (kind, &fields[4..]) {
        ("on", [velocity]) => Output::NoteOn {
            channel,
            key,
            velocity: velocity.parse().ok()?,
        },
        ("off", []) => Output::NoteOff { channel, key },
        _ => return None,
    };
    Some(TimedOutput {
        sample: sample.parse().ok()?,
        output,
    })
}

/// Both note lists, line by line, the lines that differ marked.
fn side_by_side(linux: &[TimedOutput], windows: &[TimedOutput]) -> String {
    let show = |event: Option<&TimedOutput>| event.map_or(String::new(), |e| format!("{e:?}"));
    let mut text = String::from("  Linux | Windows\n");
    for index in 0..linux.len().max(windows.len()) {
        let (l, w) = (linux.get(index), windows.get(index));
        let mark = if l == w { ' ' } else { '!' };
        writeln!(text, "{mark} {} | {}", show(l), show(w)).unwrap();
    }
    text
}

/// Wine's prefix for the tests, `target/wine-prefix` (the one `scripts/validate-windows-bundles`
/// uses), created on first use, with the shim for Rust's std in its `system32`.
fn wine_prefix(shim: &Path) -> PathBuf {
    let prefix = workspace_root().join("target/wine-prefix");
    let system32 = prefix.join("drive_c/windows/system32");
    if !system32.is_dir() {
        // No Mono or Gecko: their installers would wait for a click nobody gives.
        let status = Command::new("xvfb-run")
            .args(["-a", "sh", "-c", "wineboot --init && wineserver -w"])
            .env("WINEPREFIX", &prefix)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .status()
            .expect("running wineboot under xvfb-run (install wine64 and xvfb)");
        assert!(status.success(), "wineboot failed in {}", prefix.display());
    }
    std::fs::copy(shim, system32.join("bcryptprimitives.dll")).unwrap_or_else(|e| {
        panic!(
            "copying {} into {}: {e}",
            shim.display(),
            system32.display()
        )
    });
    prefix
}

/// Waits for Wine's server in `prefix` to end, so that nothing of Wine outlives the display.
fn wait_for_wine(prefix: &Path) {
    let _ = Command::new("wineserver")
        .arg("-w")
        .env("WINEPREFIX", prefix)
        .status();
}

/// `path` as a Windows program under Wine names it (Wine maps `Z:` to `/`).
fn wine_path(path: &Path) -> String {
    let absolute = std::path::absolute(path).expect("an absolute path");
    format!("Z:{}", absolute.display()).replace('/', "\\")
}
