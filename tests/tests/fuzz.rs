//! The randomized host-session fuzzer (see `antiphon_host_tests::fuzz`): a fixed set of seeded
//! sessions in every test run, 10,000 on demand. A failing seed is reported with the one-line
//! command that replays it.

use antiphon_host_tests::fuzz::runner::{child_seeds, replay_seed, session};
use antiphon_host_tests::fuzz::{run_session, run_sessions_here, run_sessions_in_children};

/// Sessions every test run plays (about two minutes on two cores).
const CI_SESSIONS: u64 = 300;
/// Sessions of the long run.
const LONG_SESSIONS: u64 = 10_000;
/// Child processes at a time.
const PARALLEL: u64 = 2;

#[test]
fn fuzzed_host_sessions_keep_every_invariant() {
    if let Err(failure) = run_sessions_in_children(CI_SESSIONS, PARALLEL, "fuzz_child") {
        panic!("{failure}");
    }
}

/// `cargo test -p antiphon-host-tests --test fuzz ten_thousand -- --ignored`
#[test]
#[ignore = "the long run: 10,000 sessions, about an hour"]
fn ten_thousand_fuzzed_host_sessions_keep_every_invariant() {
    if let Err(failure) = run_sessions_in_children(LONG_SESSIONS, PARALLEL, "fuzz_child") {
        panic!("{failure}");
    }
}

/// Replays one seed in this process: `ANTIPHON_FUZZ_SEED=N cargo test -p antiphon-host-tests
/// --test fuzz replay -- --ignored --nocapture`.
#[test]
#[ignore = "replays the seed in ANTIPHON_FUZZ_SEED"]
fn replay() {
    let seed = replay_seed().expect("set ANTIPHON_FUZZ_SEED to the seed to replay");
    println!("{:#?}", session(seed));
    if let Err(failure) = run_session(seed) {
        panic!("fuzz session {seed}: {failure}");
    }
}

/// The sessions of one child process, named by its environment (see `run_sessions_in_children`).
#[test]
#[ignore = "run by the fuzzing tests in child processes"]
fn fuzz_child() {
    let (first, count) = child_seeds().expect("started by run_sessions_in_children");
    run_sessions_here(first, count);
}
