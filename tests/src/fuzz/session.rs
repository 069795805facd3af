//! One randomized host session, fixed by its seed: sample rate, block sizes that change from
//! call to call, a transport that changes tempo and meter, jumps, stops and starts, automation
//! of every parameter inside `process()`, and a player who floods, forgets note-offs and plays
//! on every channel. Then a coda: a clean two-bar call that must be answered, whatever the chaos
//! did to the model thread.

use std::time::Duration;

use antiphon_engine::rng::SplitMix64;

use crate::events::{Input, TimedInput};
use crate::scenario::{Render, Scenario};
use crate::timeline::Timeline;

/// Sample rates hosts run at.
const SAMPLE_RATES_HZ: [f64; 5] = [22_050.0, 44_100.0, 48_000.0, 88_200.0, 96_000.0];
/// Time signatures, including ones whose bar is not whole 16ths (the plugin must idle through
/// them).
const TIME_SIGNATURES: [(u16, u16); 10] = [
    (4, 4),
    (3, 4),
    (2, 4),
    (5, 4),
    (6, 8),
    (7, 8),
    (5, 8),
    (12, 8),
    (7, 16),
    (3, 32),
];
/// General MIDI drum keys, so many notes reach the drum model.
const DRUM_KEYS: [u8; 9] = [36, 38, 42, 46, 45, 48, 50, 49, 51];
/// The longest session, in seconds of host time.
const MAX_SESSION_SECS: f64 = 12.0;
/// Host time after the transport finally stops, so every note can be seen closing.
const TAIL_SECS: f64 = 0.05;
/// The coda's answer channel (Out Channel 16), which no chaos output reaches after the coda starts.
pub const CODA_CHANNEL: u8 = 15;
/// The coda's call, a drummer on the General MIDI drum channel.
const CODA_CALL_CHANNEL: u8 = 9;
/// What the coda sets by automation at its first sample: everything a two-bar call and its
/// two-bar answer on the 16th grid need (at Temperature 1, so that an answer plays notes).
/// Model and Jam Model stay where the chaos left them.
const CODA_PARAMS: [(&str, &str); 14] = [
    ("Bypass", "Off"),
    ("Temperature", "1"),
    ("Passthrough", "Off"),
    ("Out Channel", "16"),
    ("Min Call Bars", "1"),
    ("Max Call Bars", "2"),
    ("Phrase Bars", "2"),
    ("Overlap", "Off"),
    ("Loop", "Off"),
    ("Mutate", "Off"),
    ("Jam", "Off"),
    ("Groove", "0%"),
    ("Beams", "1"),
    ("End Call Trigger", "Off"),
];
/// How long a realtime host stalls during the coda's answer, so that a model which is alive has
/// answered by then (a chaos-era beam search may still be running).
const CODA_PAUSE: Duration = Duration::from_secs(1);

/// The end of every session: after the chaos, the transport restarts at song position 0 in 4/4,
/// a bar of rest, a clean two-bar call in bars 1–2 that Max Call Bars ends, and its answer in
/// bars 3–4.
#[derive(Debug, Clone, Copy)]
pub struct Coda {
    /// Where the transport restarts and the parameters are set.
    pub start_sample: u64,
}

impl Coda {
    /// The coda's song position of answer step `step` (bar 3's line is step 0).
    pub fn answer_step_ppq(step: u32) -> f64 {
        12.0 + f64::from(step) / 4.0
    }

    /// Where the call is decided: the close of its last step, half a 16th before the answer.
    const DECIDED_PPQ: f64 = 12.0 - 0.125;

    /// Steps in the two-bar answer.
    pub const ANSWER_STEPS: u32 = 32;
}

/// A session to play, and what the checks need to know about it.
#[derive(Debug, Clone)]
pub struct FuzzSession {
    /// The seed that made it.
    pub seed: u64,
    /// What the host does.
    pub scenario: Scenario,
    /// Samples where Bypass switches, with its new state, in order.
    pub bypass_switches: Vec<(u64, bool)>,
    /// The clean call after the chaos, and where its answer must be.
    pub coda: Coda,
}

impl FuzzSession {
    /// The session of `seed`. `params` are the plugin's parameter names (every one is automated
    /// somewhere across sessions).
    pub fn new(seed: u64, params: &[&'static str]) -> FuzzSession {
        let mut rng = SplitMix64::new(seed);
        let sample_rate_hz = pick(&mut rng, &SAMPLE_RATES_HZ);
        let tempo_bpm = 40.0 + rng.next_f64() * 220.0;
        let (numerator, denominator) = pick(&mut rng, &TIME_SIGNATURES);
        // Room for a lead-in bar, a call, the bar of silence that ends it and an answer, then
        // some more; the host's chaos lands anywhere in it.
        let bar_samples =
            f64::from(numerator) * 4.0 / f64::from(denominator) * 60.0 / tempo_bpm * sample_rate_hz;
        let call_bars = 1 + rng.below(4) as u64;
        let bars = 2 + 2 * call_bars + rng.below(4) as u64;
        let play_samples =
            ((bars as f64 * bar_samples) as u64).min((MAX_SESSION_SECS * sample_rate_hz) as u64);

        let start_ppq = if rng.below(4) == 0 {
            rng.next_f64() * 8.0 - 2.0
        } else {
            0.0
        };
        let mut timeline = if rng.below(10) == 0 {
            Timeline::stopped(sample_rate_hz, start_ppq, tempo_bpm)
        } else {
            Timeline::playing(sample_rate_hz, start_ppq, tempo_bpm)
        }
        .with_time_signature(numerator, denominator);
        // Half the sessions keep a steady transport, so calls get answered; the rest are chaos.
        let changes = if rng.below(2) == 0 {
            0
        } else {
            1 + rng.below(5)
        };
        let mut change_samples: Vec<u64> = (0..changes)
            .map(|_| 1 + rng.below(play_samples as usize - 1) as u64)
            .collect();
        change_samples.sort_unstable();
        change_samples.dedup();
        for sample in change_samples {
            timeline = match rng.below(5) {
                0 => timeline.tempo_change_at(sample, 30.0 + rng.next_f64() * 270.0),
                1 => {
                    let (n, d) = pick(&mut rng, &TIME_SIGNATURES);
                    timeline.meter_change_at(sample, n, d)
                }
                2 => timeline.jump_at(sample, rng.next_f64() * 32.0 - 1.0),
                3 => timeline.stop_at(sample),
                _ => timeline.start_at(sample, rng.next_f64() * 32.0),
            };
        }
        timeline = timeline.stop_at(play_samples);
        let chaos = timeline.clone();

        // The coda, a little after the chaos stops.
        let coda_start = play_samples + 1 + rng.below(4096) as u64;
        let coda_tempo_bpm = 90.0 + rng.next_f64() * 60.0;
        timeline = timeline.restart_at(coda_start, 0.0, coda_tempo_bpm, (4, 4));
        let coda_song = timeline.clone();
        let coda_sample = |pos_ppq: f64| {
            coda_song
                .sample_of_ppq_from(coda_start, pos_ppq)
                .expect("the coda plays on")
        };
        let coda_end = coda_sample(20.0);
        let total_samples = coda_end + (TAIL_SECS * sample_rate_hz) as u64;
        // A realtime host runs far ahead of the wall clock: it stalls once the call is decided,
        // before the block after the one that decides (cut there by a tempo "change" to the
        // same tempo, which the plugin does not see), so every answer step can be on time.
        let stall_at = coda_sample(Coda::DECIDED_PPQ) + 1;
        timeline = timeline
            .tempo_change_at(stall_at, coda_tempo_bpm)
            .stop_at(coda_end);

        let block_lengths = (0..1 + rng.below(8))
            .map(|_| block_length(&mut rng))
            .collect();
        let render = if rng.below(5) < 3 {
            Render::Offline
        } else {
            Render::Realtime
        };
        let mut scenario = Scenario::new(timeline, 4096, total_samples)
            .rendered(render)
            .with_block_lengths(block_lengths);
        let call = Call {
            start_sample: bar_samples as u64,
            steps: call_bars * u64::from(numerator) * 16 / u64::from(denominator),
        };
        scenario.inputs = player(&mut rng, &chaos, call, play_samples);
        let (automation, mut bypass_switches) = automation(&mut rng, params, play_samples);
        scenario.inputs.extend(automation);

        scenario
            .inputs
            .extend(CODA_PARAMS.iter().map(|&(name, text)| TimedInput {
                sample: coda_start,
                input: Input::Param { name, text },
            }));
        bypass_switches.push((coda_start, false));
        scenario.inputs.extend(coda_call(coda_sample));
        let coda = Coda {
            start_sample: coda_start,
        };
        scenario.pauses.push((stall_at, CODA_PAUSE));
        FuzzSession {
            seed,
            scenario,
            bypass_switches,
            coda,
        }
    }

    /// Whether Bypass is on at `sample`.
    pub fn bypassed_at(&self, sample: u64) -> bool {
        self.bypass_switches
            .iter()
            .take_while(|(at, _)| *at <= sample)
            .last()
            .is_some_and(|(_, on)| *on)
    }
}

/// The coda's call: a plain rock beat on the grid, kick, snare and eighth-note hats, in bars 1–2
/// (`sample_of` gives the coda's sample of a song position).
fn coda_call(sample_of: impl Fn(f64) -> u64) -> Vec<TimedInput> {
    let mut inputs = Vec::new();
    for step in 0..32u32 {
        let keys: &[u8] = match step % 8 {
            0 => &[36, 42],
            4 => &[38, 42],
            2 | 6 => &[42],
            _ => &[],
        };
        let on = sample_of(4.0 + f64::from(step) / 4.0);
        let off = sample_of(4.0 + (f64::from(step) + 0.5) / 4.0);
        for &key in keys {
            let channel = CODA_CALL_CHANNEL;
            inputs.push(TimedInput {
                sample: on,
                input: Input::NoteOn {
                    channel,
                    key,
                    velocity: 0.8,
                },
            });
            inputs.push(TimedInput {
                sample: off,
                input: Input::NoteOff { channel, key },
            });
        }
    }
    inputs
}

fn pick<T: Copy>(rng: &mut SplitMix64, items: &[T]) -> T {
    items[rng.below(items.len())]
}

/// A host block: often tiny, mostly ordinary, sometimes the largest hosts use.
fn block_length(rng: &mut SplitMix64) -> u32 {
    match rng.below(10) {
        0..=2 => 1 + rng.below(16) as u32,
        3..=7 => 17 + rng.below(1008) as u32,
        _ => 1025 + rng.below(3072) as u32,
    }
}

/// Where the player's call lies: from the second bar line, for whole bars of the opening meter.
#[derive(Debug, Clone, Copy)]
struct Call {
    start_sample: u64,
    steps: u64,
}

/// What the player sends: a call, and more grooves on the 16th grid with human jitter, floods,
/// stray releases, controllers, notes on every channel, and silence. Every key pressed is
/// released before the end of play.
fn player(
    rng: &mut SplitMix64,
    timeline: &Timeline,
    call: Call,
    play_samples: u64,
) -> Vec<TimedInput> {
    let rate = timeline.sample_rate_hz();
    let mut inputs = Vec::new();
    // A key pressed at `at` for `length` samples, released before play ends.
    let press = |inputs: &mut Vec<TimedInput>,
                 at: u64,
                 (channel, key): (u8, u8),
                 velocity: f64,
                 length: u64| {
        let at = at.min(play_samples - 2);
        let off = (at + length).clamp(at + 1, play_samples - 1);
        inputs.push(TimedInput {
            sample: at,
            input: Input::NoteOn {
                channel,
                key,
                velocity,
            },
        });
        inputs.push(TimedInput {
            sample: off,
            input: Input::NoteOff { channel, key },
        });
    };
    // The call, then a few more stretches of 16ths anywhere, at the opening tempo.
    let step_samples = rate * 15.0 / timeline.state_at(0).tempo_bpm;
    let grooves = std::iter::once((call.start_sample, call.steps as usize)).chain(
        (0..rng.below(3)).map(|_| (rng.below(play_samples as usize) as u64, 4 + rng.below(64))),
    );
    for (start, steps) in grooves.collect::<Vec<_>>() {
        let density = 0.2 + 0.8 * rng.next_f64();
        let channel = if rng.below(3) == 0 {
            rng.below(16) as u8
        } else {
            9
        };
        for step in 0..steps {
            if rng.next_f64() > density {
                continue;
            }
            let jitter = (rng.next_f64() - 0.5) * step_samples * 0.4;
            let at = start as f64 + step as f64 * step_samples + jitter;
            if at < 0.0 || at >= play_samples as f64 - 2.0 {
                continue;
            }
            let key = if rng.below(8) == 0 {
                rng.below(128) as u8
            } else {
                pick(rng, &DRUM_KEYS)
            };
            let length = 1 + rng.below((step_samples * 2.0) as usize + 1) as u64;
            press(
                &mut inputs,
                at as u64,
                (channel, key),
                0.05 + 0.95 * rng.next_f64(),
                length,
            );
        }
    }
    // A flood: hundreds of notes inside a few samples.
    if rng.below(4) == 0 {
        let at = rng.below(play_samples as usize) as u64;
        for _ in 0..100 + rng.below(400) {
            let jitter = rng.below(64) as u64;
            let key = (rng.below(16) as u8, rng.below(128) as u8);
            press(
                &mut inputs,
                at + jitter,
                key,
                0.01 + 0.99 * rng.next_f64(),
                1 + rng.below(2_000) as u64,
            );
        }
    }
    // Releases of keys never pressed, and controllers (64 is the default End Call Number).
    for _ in 0..rng.below(8) {
        let sample = rng.below(play_samples as usize) as u64;
        let channel = rng.below(16) as u8;
        let input = if rng.below(2) == 0 {
            Input::NoteOff {
                channel,
                key: rng.below(128) as u8,
            }
        } else {
            let cc = if rng.below(2) == 0 {
                64
            } else {
                rng.below(128) as u8
            };
            Input::Cc {
                channel,
                cc,
                value: rng.below(128) as u8,
            }
        };
        inputs.push(TimedInput { sample, input });
    }
    inputs
}

/// Automation of random parameters to random values at random samples; also returns where
/// Bypass switches.
fn automation(
    rng: &mut SplitMix64,
    params: &[&'static str],
    play_samples: u64,
) -> (Vec<TimedInput>, Vec<(u64, bool)>) {
    let mut inputs = Vec::new();
    let mut bypass = Vec::new();
    let moves = if rng.below(2) == 0 {
        0
    } else {
        1 + rng.below(12)
    };
    for _ in 0..moves {
        let sample = rng.below(play_samples as usize) as u64;
        let name = pick(rng, params);
        let fraction = rng.next_f64();
        if name == "Bypass" {
            bypass.push((sample, fraction >= 0.5));
        }
        inputs.push(TimedInput {
            sample,
            input: Input::ParamFraction { name, fraction },
        });
    }
    bypass.sort_by_key(|(sample, _)| *sample);
    (inputs, bypass)
}
