//! The performer driven block by block as a host drives it, with tiny models on the shelf: the
//! songs, calls and settings the tests share, and what they check of the outputs.

mod answers;
mod editor;
mod feel;
mod model_swaps;
mod passthrough;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use midly::num::{u4, u7};

use super::{Performer, Settings};
use crate::encoding::groove::GrooveAmount;
use crate::encoding::key::KeyChoice;
use crate::encoding::scale::Scale;
use crate::live::feed::FeedReceiver;
use crate::live::io::{Input, InputKind, OutputKind};
use crate::live::messages::Generation;
use crate::live::shelf::{ModelShelf, ShippedModel, UserModels};
use crate::live::worker::WorkerStats;
use crate::model::loaded::tests::tiny_model_files;
use crate::phrase::PhraseRules;
use crate::transport::{Position, TimeSignature, Transport};

const RATE: f64 = 48_000.0;

fn shelf() -> Arc<ModelShelf> {
    shelf_of(tiny_model_files())
}

fn shelf_of(files: (Vec<u8>, Vec<u8>)) -> Arc<ModelShelf> {
    shelf_of_all(vec![files])
}

fn shelf_of_all(files: Vec<(Vec<u8>, Vec<u8>)>) -> Arc<ModelShelf> {
    let shipped = files
        .into_iter()
        .map(|(config, weights)| ShippedModel {
            name: "tiny",
            word: "tiny",
            config_json: Box::leak(config.into_boxed_slice()),
            weights: Box::leak(weights.into_boxed_slice()),
            card_json: b"{}",
        })
        .collect();
    Arc::new(ModelShelf::new(
        shipped,
        UserModels::default(),
        Arc::new(|_: &str| {}),
    ))
}

fn settings() -> Settings {
    Settings {
        rules: PhraseRules {
            max_call_bars: 4,
            ..PhraseRules::default()
        },
        generation: Generation {
            temperature: 1.0,
            seed: NonZeroU32::new(7),
            key: KeyChoice::Auto,
            scale: Scale::Off,
            beams: crate::model::Beams::ONE,
            learn: false,
        },
        out_channel: u4::new(9),
        velocity: Some(u7::new(100)),
        groove: GrooveAmount::FULL,
        passthrough: false,
        trigger: None,
        model_slot: 0,
        jam_slot: None,
    }
}

/// Plays kicks at `hits` (absolute samples) at 120 BPM from song start, in blocks of
/// `block`, stopping the transport at `stop_at`; returns every output with its absolute
/// sample.
fn perform(
    block: u32,
    hits: &[u64],
    total: u64,
    stop_at: Option<u64>,
    settings: Settings,
) -> Vec<(u64, OutputKind)> {
    perform_watched(block, hits, total, stop_at, settings, false).0
}

/// [`perform`], with the editor open or not; also returns the editor's feed.
fn perform_watched(
    block: u32,
    hits: &[u64],
    total: u64,
    stop_at: Option<u64>,
    settings: Settings,
    editor_open: bool,
) -> (Vec<(u64, OutputKind)>, FeedReceiver) {
    let (outputs, feed, _) = perform_in(
        Song::default(),
        block,
        &kicks(hits),
        total,
        stop_at,
        settings,
        editor_open,
    );
    (outputs, feed)
}

/// A drum key struck at a sample, released 100 samples later.
#[derive(Debug, Clone, Copy)]
struct Strike {
    at: u64,
    key: u8,
    velocity: f32,
}

/// Kicks at full velocity at `hits`.
fn kicks(hits: &[u64]) -> Vec<Strike> {
    hits.iter()
        .map(|&at| Strike {
            at,
            key: 36,
            velocity: 1.0,
        })
        .collect()
}

/// The song a test performs in: its meter and the models on the shelf.
struct Song {
    time_signature: TimeSignature,
    shelf: Arc<ModelShelf>,
}

impl Song {
    fn in_meter(time_signature: TimeSignature) -> Song {
        Song {
            time_signature,
            shelf: shelf(),
        }
    }
}

impl Default for Song {
    fn default() -> Song {
        Song::in_meter(TimeSignature::FOUR_FOUR)
    }
}

/// [`perform_watched`] in any song, of any strikes; also returns what the model thread
/// counted (its thread joined, so the numbers are final).
fn perform_in(
    song: Song,
    block: u32,
    strikes: &[Strike],
    total: u64,
    stop_at: Option<u64>,
    settings: Settings,
    editor_open: bool,
) -> (Vec<(u64, OutputKind)>, FeedReceiver, Arc<WorkerStats>) {
    perform_automated(
        song,
        block,
        strikes,
        total,
        stop_at,
        |_| settings,
        editor_open,
    )
}

/// [`perform_in`] with the settings of each block read at its first sample, as a host's
/// automation moves them.
fn perform_automated(
    song: Song,
    block: u32,
    strikes: &[Strike],
    total: u64,
    stop_at: Option<u64>,
    settings_at: impl Fn(u64) -> Settings,
    editor_open: bool,
) -> (Vec<(u64, OutputKind)>, FeedReceiver, Arc<WorkerStats>) {
    let Song {
        time_signature,
        shelf,
    } = song;
    let (mut performer, feed) = Performer::start(
        shelf,
        Arc::default(),
        0,
        RATE,
        true,
        Arc::new(AtomicBool::new(editor_open)),
    )
    .unwrap();
    let stats = performer.worker_stats();
    let samples_per_quarter = RATE / 2.0;
    let bar_ppq = time_signature.bar_ppq();
    let mut outputs = Vec::new();
    let mut start = 0u64;
    let mut inputs = Vec::new();
    while start < total {
        let len = u64::from(block).min(total - start);
        inputs.clear();
        for strike in strikes {
            let (channel, key) = (u4::new(9), u7::new(strike.key));
            for (at, kind) in [
                (
                    strike.at,
                    InputKind::NoteOn {
                        channel,
                        key,
                        velocity: strike.velocity,
                    },
                ),
                (strike.at + 100, InputKind::NoteOff { channel, key }),
            ] {
                if (start..start + len).contains(&at) {
                    inputs.push(Input {
                        offset: (at - start) as u32,
                        kind,
                    });
                }
            }
        }
        inputs.sort_by_key(|i| i.offset);
        let transport = if stop_at.is_some_and(|stop| start >= stop) {
            Transport::Stopped
        } else {
            Transport::Playing(Position {
                tempo_bpm: 120.0,
                pos_ppq: start as f64 / samples_per_quarter,
                bar_start_ppq: (start as f64 / samples_per_quarter / bar_ppq).floor() * bar_ppq,
                time_signature,
            })
        };
        performer.process(transport, len as u32, &inputs, &settings_at(start), |out| {
            outputs.push((start + u64::from(out.offset), out.kind))
        });
        start += len;
    }
    drop(performer);
    (outputs, feed, stats)
}

const BAR: u64 = 96_000;

const STEP: u64 = 6_000;

fn note_ons(outputs: &[(u64, OutputKind)]) -> Vec<u64> {
    outputs
        .iter()
        .filter(|(_, kind)| matches!(kind, OutputKind::NoteOn { .. }))
        .map(|(at, _)| *at)
        .collect()
}

fn assert_paired(outputs: &[(u64, OutputKind)]) {
    let mut sounding = std::collections::HashSet::new();
    for (at, kind) in outputs {
        match kind {
            OutputKind::NoteOn { channel, key, .. } => {
                assert!(sounding.insert((*channel, *key)), "double note-on at {at}")
            }
            OutputKind::NoteOff { channel, key } => {
                assert!(sounding.remove(&(*channel, *key)), "stray note-off at {at}")
            }
            OutputKind::Forward(_) => {}
        }
    }
    assert!(sounding.is_empty(), "notes left sounding: {sounding:?}");
}

/// A two-bar call: kicks on every beat of bars 0 and 1, bar 2 silent.
fn two_bar_call() -> Vec<u64> {
    (0..8).map(|beat| beat * 4 * STEP).collect()
}
