//! Running Ardour on a [`Plan`]: a home of its own under `target/ardour-tests/home` (Ardour's
//! config and plugin cache, and a copy of the VST3 bundle under test), the plugin scanner, then
//! `tests/ardour/antiphon_session.lua` in two processes — setup, then play — each with a time
//! limit, and what they leave in `target/ardour-tests/<scenario>/`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use super::notes::{Note, read_notes, write_notes};
use super::{Plan, TICKS_PER_QUARTER};
use crate::bundle::{vst3_bundle, workspace_root};
use crate::running::{Running, wait_for_within};

/// Ardour's headless Lua session tool (Debian's `ardour` package).
const ARDOUR_LUA: &str = "ardour7-lua";
/// Ardour's VST3 scanner: `ardour7-lua` only reads the plugin cache it writes.
const SCANNER: &str = "/usr/lib/ardour7/ardour-vst3-scanner";
/// The libraries the scanner links against, outside the loader's path.
const ARDOUR_LIBS: &str = "/usr/lib/ardour7";
/// How to get Ardour.
const INSTALL: &str = "install Debian's Ardour: apt-get install -y --no-install-recommends ardour";
/// A new session's tempo, which the plans keep.
const TEMPO_BPM: f64 = 120.0;
/// Time for everything but the rolling transport: loading the plugins, saving, closing.
const OVERHEAD: Duration = Duration::from_secs(120);

/// What a session left behind.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Every Antiphon input parameter as the reloaded session reports it, by (track, label), in
    /// the units Ardour shows.
    pub params: BTreeMap<(String, String), f64>,
    /// What each track's recorder recorded, by track name, at session positions.
    pub takes: BTreeMap<String, Vec<Note>>,
    /// Everything the scanner and both runs printed.
    pub log: String,
    /// The scenario's folder: the session, the call files, the plan and the runs' logs.
    pub folder: PathBuf,
}

impl Outcome {
    /// Parameter `label` of track `track`'s Antiphon as reloaded.
    pub fn param(&self, track: &str, label: &str) -> f64 {
        *self
            .params
            .get(&(track.to_owned(), label.to_owned()))
            .unwrap_or_else(|| panic!("{track}'s Antiphon reported no {label}"))
    }

    /// What track `track`'s recorder recorded.
    pub fn take(&self, track: &str) -> &[Note] {
        self.takes
            .get(track)
            .unwrap_or_else(|| panic!("no recording of {track}"))
    }
}

/// Builds `plan` in Ardour, saves it, reloads it in a new process, plays and records it, in
/// `target/ardour-tests/{scenario}/` (emptied first). Prints the wall time of each run. An error
/// says which step failed, with the end of its output.
pub fn play_in_ardour(scenario: &str, plan: &Plan) -> Result<Outcome, String> {
    if !Path::new(SCANNER).is_file() {
        return Err(format!("{SCANNER} is missing: {INSTALL}"));
    }
    let root = target_dir().join("ardour-tests");
    let home = root.join("home");
    let folder = root.join(scenario);
    if folder.exists() {
        std::fs::remove_dir_all(&folder)
            .map_err(|e| format!("emptying {}: {e}", folder.display()))?;
    }
    std::fs::create_dir_all(folder.join("calls"))
        .map_err(|e| format!("creating {}: {e}", folder.display()))?;

    let bundle = install_bundle(vst3_bundle(), &home)?;
    let mut log = String::new();
    let scanned = run(
        "scan",
        Command::new(SCANNER)
            .arg("-f")
            .arg(&bundle)
            .env("LD_LIBRARY_PATH", ARDOUR_LIBS),
        &home,
        Duration::from_secs(60),
        &folder.join("scan.log"),
    )?;
    if !scanned.contains("Found Plugin: Antiphon") {
        return Err(format!(
            "Ardour's scanner did not find Antiphon:\n{scanned}"
        ));
    }
    log += &scanned;

    let plan_file = folder.join("plan.tsv");
    write_plan(plan, &folder, &plan_file)?;
    let script = workspace_root().join("tests/ardour/antiphon_session.lua");
    let session = folder.join("session");
    let setup = run(
        "setup",
        Command::new(ARDOUR_LUA)
            .arg(&script)
            .arg("setup")
            .args([&plan_file, &session]),
        &home,
        OVERHEAD,
        &folder.join("setup.log"),
    )?;
    log += &setup;
    let roll_secs = plan.roll_until_ticks as f64 / TICKS_PER_QUARTER as f64 * 60.0 / TEMPO_BPM;
    let played = run(
        "play",
        Command::new(ARDOUR_LUA)
            .arg(&script)
            .arg("play")
            .args([&plan_file, &session, &folder]),
        &home,
        Duration::from_secs_f64(roll_secs) + OVERHEAD,
        &folder.join("play.log"),
    )?;
    log += &played;

    Ok(Outcome {
        params: read_params(&folder.join("params.tsv"))?,
        takes: read_takes(&folder.join("takes.tsv"))?,
        log,
        folder,
    })
}

/// The target directory the bundles are built in.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Copies `bundle` into `home/.vst3/`, where Ardour looks for VST3 plugins, and returns the copy.
/// A copy, not a link: a bundle rebuilt by another test while Ardour runs would otherwise change
/// under it (and invalidate the plugin cache between the two runs).
fn install_bundle(bundle: &Path, home: &Path) -> Result<PathBuf, String> {
    let installed = home.join(".vst3").join("Antiphon.vst3");
    if installed.exists() {
        std::fs::remove_dir_all(&installed)
            .map_err(|e| format!("removing {}: {e}", installed.display()))?;
    }
    copy_dir(bundle, &installed)?;
    // Ardour trusts its cache of a plugin only if the library is older than the cache, in whole
    // seconds; the scan that follows writes the cache now.
    let library = installed.join("Contents/x86_64-linux/Antiphon.so");
    File::options()
        .write(true)
        .open(&library)
        .and_then(|file| file.set_modified(SystemTime::now() - Duration::from_secs(2)))
        .map_err(|e| format!("dating {}: {e}", library.display()))?;
    Ok(installed)
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("creating {}: {e}", to.display()))?;
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("reading {}: {e}", from.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("reading {}: {e}", from.display()))?
            .path();
        let target = to.join(path.file_name().expect("a directory entry has a name"));
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target)
                .map_err(|e| format!("copying {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// Writes each track's call file into `folder/calls/` and the plan the Lua script reads (its
/// format is described at the top of the script).
fn write_plan(plan: &Plan, folder: &Path, plan_file: &Path) -> Result<(), String> {
    let mut text = String::new();
    for (at_ticks, numerator, denominator) in plan.meters.changes() {
        writeln!(text, "meter\t{at_ticks}\t{numerator}\t{denominator}").unwrap();
    }
    for track in &plan.tracks {
        let call = folder.join("calls").join(format!("{}.mid", track.name));
        write_notes(&track.call, &call)?;
        // The region ends on the quarter after the call's last release.
        let last_ticks = track.call.iter().map(|n| n.off_ticks).max().unwrap_or(0);
        let length_ticks = (last_ticks / TICKS_PER_QUARTER + 1) * TICKS_PER_QUARTER;
        writeln!(
            text,
            "track\t{}\t{}\t{length_ticks}",
            track.name,
            call.display()
        )
        .unwrap();
        for (label, value) in &track.params {
            writeln!(text, "param\t{}\t{label}\t{value}", track.name).unwrap();
        }
        for point in &track.automation {
            writeln!(
                text,
                "point\t{}\t{}\t{}\t{}",
                track.name, point.label, point.at_ticks, point.value
            )
            .unwrap();
        }
    }
    writeln!(text, "roll\t{}", plan.roll_until_ticks).unwrap();
    std::fs::write(plan_file, text).map_err(|e| format!("writing {}: {e}", plan_file.display()))
}

/// Runs `command` with Ardour's config and caches in `home` (never the user's), its output into
/// `log_file`, for at most `limit`; prints its wall time and returns its output.
fn run(
    name: &str,
    command: &mut Command,
    home: &Path,
    limit: Duration,
    log_file: &Path,
) -> Result<String, String> {
    let log =
        File::create(log_file).map_err(|e| format!("creating {}: {e}", log_file.display()))?;
    let log_too = log
        .try_clone()
        .map_err(|e| format!("opening {}: {e}", log_file.display()))?;
    command
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        // nice-plug's log (the plugin's warnings) to stderr, whatever the caller's environment
        .env("NICE_LOG", "stderr")
        .stdout(log)
        .stderr(log_too);
    let started = Instant::now();
    let mut child = command.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            format!(
                "{} is not installed ({e}): {INSTALL}",
                command.get_program().display()
            )
        }
        _ => format!("cannot run {command:?}: {e}"),
    })?;
    let status = wait_for_within(limit, || child.try_wait().ok().flatten());
    let wall = started.elapsed();
    eprintln!("Ardour {name} run: {:.1} s wall time", wall.as_secs_f64());
    let Some(status) = status else {
        drop(Running(child));
        return Err(format!(
            "Ardour's {name} run did not finish within {} s ({}):\n{}",
            limit.as_secs(),
            log_file.display(),
            tail(log_file)
        ));
    };
    let output = std::fs::read_to_string(log_file)
        .map_err(|e| format!("reading {}: {e}", log_file.display()))?;
    if !status.success() {
        return Err(format!(
            "Ardour's {name} run failed ({status}; {}):\n{}",
            log_file.display(),
            tail(log_file)
        ));
    }
    Ok(output)
}

/// The last lines of a log, for an error message.
fn tail(log_file: &Path) -> String {
    let text = std::fs::read_to_string(log_file).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// params.tsv: track, label, value.
fn read_params(path: &Path) -> Result<BTreeMap<(String, String), f64>, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    text.lines()
        .map(|line| match line.split('\t').collect::<Vec<_>>()[..] {
            [track, label, value] => value
                .parse()
                .map(|value| ((track.to_owned(), label.to_owned()), value))
                .map_err(|e| format!("{}: {line:?}: {e}", path.display())),
            _ => Err(format!(
                "{}: {line:?} is not track, label, value",
                path.display()
            )),
        })
        .collect()
}

/// takes.tsv: track, recorded file, region position, region start; the notes at session
/// positions.
fn read_takes(path: &Path) -> Result<BTreeMap<String, Vec<Note>>, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let mut takes = BTreeMap::new();
    for line in text.lines() {
        let [track, file, position, start] = line.split('\t').collect::<Vec<_>>()[..] else {
            return Err(format!("{}: {line:?} is not a take", path.display()));
        };
        let ticks = |text: &str| {
            text.parse::<u64>()
                .map_err(|e| format!("{}: {line:?}: {e}", path.display()))
        };
        let (position, start) = (ticks(position)?, ticks(start)?);
        let notes = read_notes(Path::new(file))?
            .into_iter()
            .map(|note| {
                let at = |file_ticks: u64| {
                    (file_ticks + position).checked_sub(start).ok_or_else(|| {
                        format!("{file}: a note at tick {file_ticks}, before its region's start")
                    })
                };
                Ok(Note {
                    on_ticks: at(note.on_ticks)?,
                    off_ticks: at(note.off_ticks)?,
                    ..note
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        takes.insert(track.to_owned(), notes);
    }
    Ok(takes)
}
