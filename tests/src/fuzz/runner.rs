//! Running fuzzed sessions: one in this process (to replay a seed), or many in child processes,
//! so that a crash (an allocation in `process()` aborts the host) is caught and its seed named.

use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use crate::bundle::{PREBUILT_BUNDLE_VAR, clap_bundle};
use crate::fuzz::invariants::{check, check_liveness};
use crate::fuzz::session::FuzzSession;
use crate::host::PluginHost;
use crate::scenario::Render;

/// Environment variable of a child run: its first seed.
pub const FIRST_SEED_VAR: &str = "ANTIPHON_FUZZ_FIRST";
/// Environment variable of a child run: how many sessions it plays.
pub const COUNT_VAR: &str = "ANTIPHON_FUZZ_COUNT";
/// Environment variable naming the seed [`replay_command`] replays.
pub const SEED_VAR: &str = "ANTIPHON_FUZZ_SEED";
/// What a child prints before each session, followed by the seed.
const SESSION_MARK: &str = "antiphon-fuzz session ";

/// The one-line command that replays `seed` in one process, with its output.
pub fn replay_command(seed: u64) -> String {
    format!(
        "{SEED_VAR}={seed} cargo test -p antiphon-host-tests --test fuzz replay -- --ignored \
         --nocapture"
    )
}

/// The plugin's parameter names, read once from a loaded instance: every one is automated.
fn param_names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        PluginHost::load()
            .param_names()
            .into_iter()
            .map(|name| &*Box::leak(name.into_boxed_str()))
            .collect()
    })
}

/// The session of `seed`, automating every parameter of the plugin.
pub fn session(seed: u64) -> FuzzSession {
    FuzzSession::new(seed, param_names())
}

/// Plays the session of `seed` in this process and checks it; an offline session is rendered
/// twice and must give the same events at the same samples.
pub fn run_session(seed: u64) -> Result<(), String> {
    let session = session(seed);
    let play = || {
        let scenario = &session.scenario;
        let mut host = PluginHost::load();
        host.set_render(scenario.render);
        host.activate(scenario.timeline.sample_rate_hz(), scenario.block_samples);
        let outputs = host.run(scenario);
        host.deactivate();
        outputs
    };
    let outputs = play();
    check(&session, &outputs)?;
    check_liveness(&session, &outputs)?;
    if session.scenario.render == Render::Offline && play() != outputs {
        return Err("rendered offline twice, the session gave different events".to_owned());
    }
    Ok(())
}

/// Plays the sessions of seeds `first..first + count` in this process, saying which one starts
/// before it does (the parent reads it when a session crashes the process).
pub fn run_sessions_here(first: u64, count: u64) {
    for seed in first..first + count {
        println!("{SESSION_MARK}{seed}");
        if let Err(failure) = run_session(seed) {
            panic!(
                "fuzz session {seed}: {failure}\nreplay: {}",
                replay_command(seed)
            );
        }
    }
}

/// Plays seeds `0..count` in child processes of this test binary, `parallel` at a time;
/// `child_test` names the ignored test that calls [`run_sessions_here`] with the seeds the
/// environment gives. Returns the first failure, with its seed and the command that replays it.
pub fn run_sessions_in_children(count: u64, parallel: u64, child_test: &str) -> Result<(), String> {
    // Enough children that a crash costs little, few enough that loading the plugin is cheap.
    const SESSIONS_PER_CHILD: u64 = 50;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the test binary: {e}"))?;
    // Built once here: children building it themselves would race each other's loads.
    let bundle = clap_bundle();
    let mut next = 0;
    while next < count {
        let mut children: Vec<(u64, Child)> = Vec::new();
        while children.len() < parallel.max(1) as usize && next < count {
            let batch = SESSIONS_PER_CHILD.min(count - next);
            let child = Command::new(&exe)
                .args([
                    child_test,
                    "--exact",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(FIRST_SEED_VAR, next.to_string())
                .env(COUNT_VAR, batch.to_string())
                .env(PREBUILT_BUNDLE_VAR, bundle)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
            children.push((next, child));
            next += batch;
        }
        for (first, child) in children {
            let output = child
                .wait_with_output()
                .map_err(|e| format!("lost a fuzzing child: {e}"))?;
            if output.status.success() {
                continue;
            }
            let stdout = String::from_utf8_lossy(&output.stdout);
            let stderr = String::from_utf8_lossy(&output.stderr);
            let seed = stdout
                .lines()
                .rev()
                .filter_map(|line| line.strip_prefix(SESSION_MARK))
                .find_map(|seed| seed.trim().parse::<u64>().ok())
                .unwrap_or(first);
            let tail: Vec<&str> = stdout.lines().chain(stderr.lines()).collect();
            let tail = tail[tail.len().saturating_sub(30)..].join("\n");
            return Err(format!(
                "fuzz session {seed} failed ({}):\n{tail}\nreplay: {}",
                output.status,
                replay_command(seed)
            ));
        }
    }
    Ok(())
}

/// The seeds a child run plays, from its environment.
pub fn child_seeds() -> Option<(u64, u64)> {
    let read = |name| std::env::var(name).ok()?.parse::<u64>().ok();
    Some((read(FIRST_SEED_VAR)?, read(COUNT_VAR)?))
}

/// The seed to replay, from the environment.
pub fn replay_seed() -> Option<u64> {
    std::env::var(SEED_VAR).ok()?.parse().ok()
}
