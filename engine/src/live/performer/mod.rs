//! The audio thread's side of the live performer: the glue of turn-taking. It reads the
//! transport, hears the player through the family's quantizer, keeps the turns, feeds the model
//! thread, and plays its answers through the family's renderer at exact sample offsets.
//!
//! Everything here runs inside the host's `process()`: it never allocates after construction,
//! never locks, never waits on the model (except when the host renders offline, where waiting
//! is what a bounce needs).
//!
//! Here the [`Performer`] and its block; each file adds what one part of it does: `start`
//! (the rings and the model thread), `transport` (following it, stopping), `block` (one block
//! walked in sample order, a step's start and close), `input` (the player heard and passed
//! through), `turns` (what the turn-taking decided, carried out), `playback` (answers played at
//! their samples), `model_thread` (messages to and from it, which model it loads) and `offline`
//! (the waits of an offline render).

mod block;
mod input;
mod model_thread;
mod offline;
mod playback;
mod settings;
mod start;
#[cfg(test)]
mod tests;
mod transport;
mod turns;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use rtrb::{Consumer, Producer};

use crate::families::Family;
use crate::live::families::SlotFamilies;
use crate::live::feed::{FeedSender, PlayEvent};
use crate::live::grid::BlockGrid;
use crate::live::io::{Input, InputKind, Output};
use crate::live::messages::{FromWorker, ModelRequest, ToWorker};
use crate::live::monitor::Monitor;
use crate::live::output::BlockOutput;
use crate::live::quantize::Quantizers;
use crate::live::schedule::Schedule;
use crate::live::voices::Voices;
use crate::live::worker::{WorkerHandle, WorkerStats};
use crate::phrase::{Meter, TurnState, Turns};
use crate::transport::Transport;

pub use settings::Settings;

/// Where the model thread stands, as the audio thread knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Model {
    /// Asked for a model whose family nobody knows yet: nothing is heard until the model
    /// thread says.
    Loading,
    /// No model could be loaded: nothing is heard.
    Missing,
    /// A model of this family answers: what is heard goes to it (waiting in the ring while the
    /// model thread still loads it), heard by the family's quantizer.
    Ready(Family),
}

/// The audio thread's performer. Build it (and its model thread) with [`Performer::start`] on
/// the main thread when the plugin activates.
#[derive(Debug)]
pub struct Performer {
    sample_rate_hz: f64,
    offline: bool,
    /// The model slot the model thread was last asked for, and that request.
    model_slot: u32,
    model_request: ModelRequest,
    /// What each slot plays, so that a call is heard from its first note while its model loads.
    families: Arc<SlotFamilies>,
    /// The jam slot the model thread was last told.
    jam_slot: Option<u32>,
    model: Model,
    /// Every family's quantizer, made before the audio thread runs.
    quantizers: Quantizers,
    inbox: Consumer<FromWorker>,
    outbox: Producer<ToWorker>,
    worker_stats: Arc<WorkerStats>,
    monitor: Arc<Monitor>,
    /// Turn-taking; idle while the transport is not followed.
    turns: Turns,
    /// Whether the last block followed a playing transport (a phrase may be under way).
    following: bool,
    expected_ppq: Option<f64>,
    schedule: Box<Schedule>,
    voices: Box<Voices>,
    out: BlockOutput,
    /// The block being played and when its processing began (dates the model's deadlines).
    block: Option<(BlockGrid, Instant)>,
    /// The step whose drum hits were decided at the close before it (so that early ones can
    /// sound before its line).
    played_ahead: Option<i64>,
    /// What the editor is told, and the turn state it was last told (`None`: nothing yet since
    /// it opened).
    feed: FeedSender<PlayEvent>,
    shown_turn: Option<TurnState>,
    /// Owns the model thread; dropped (joined) with the performer, off the audio thread.
    _worker: WorkerHandle,
}

impl Performer {
    /// Hears for a model of `family` from here on (`None`: not known yet), nothing heard yet.
    fn hear_as(&mut self, family: Option<Family>) {
        self.model = family.map_or(Model::Loading, Model::Ready);
        if let Some(family) = family {
            self.quantizers.of_mut(family).reset();
        }
    }

    /// What the audio thread publishes.
    pub fn monitor(&self) -> Arc<Monitor> {
        self.monitor.clone()
    }

    /// What the model thread measures.
    pub fn worker_stats(&self) -> Arc<WorkerStats> {
        self.worker_stats.clone()
    }

    /// Processes one block of `len_samples`: `inputs` in offset order; `emit` receives the
    /// outputs in offset order.
    pub fn process(
        &mut self,
        transport: Transport,
        len_samples: u32,
        inputs: &[Input],
        settings: &Settings,
        emit: impl FnMut(Output),
    ) {
        self.out.clear();
        if settings.model_slot != self.model_slot {
            self.swap_model(settings.model_slot);
        }
        if settings.jam_slot != self.jam_slot {
            self.jam_slot = settings.jam_slot;
            self.send(ToWorker::UseJamModel {
                slot: settings.jam_slot,
            });
        }
        self.drain_inbox(0);
        if self.offline && matches!(self.model, Model::Loading) {
            self.wait_for_model();
        }
        let position = match transport {
            Transport::Playing(position) => Meter::of(&position).map(|meter| (position, meter)),
            Transport::Stopped => None,
        };
        self.monitor
            .playing
            .store(position.is_some(), Ordering::Relaxed);
        match position {
            Some((position, meter)) => {
                self.monitor
                    .pos_ppq
                    .store(position.pos_ppq, Ordering::Relaxed);
                self.monitor
                    .tempo_bpm
                    .store(position.tempo_bpm, Ordering::Relaxed);
                self.monitor
                    .steps_per_bar
                    .store(meter.steps_per_bar(), Ordering::Relaxed);
                self.monitor
                    .bar_origin_step
                    .store(meter.bar_line_at_or_before(0), Ordering::Relaxed);
                self.follow_transport(&position, meter);
                self.play_block(&position, len_samples, inputs, settings);
            }
            None => {
                if self.following {
                    self.stop(0);
                }
                self.expected_ppq = None;
                for (index, input) in inputs.iter().enumerate() {
                    if let (InputKind::NoteOff { key, .. }, Model::Ready(family)) =
                        (input.kind, self.model)
                    {
                        self.quantizers.of_mut(family).release(key);
                    }
                    self.hear_passthrough(index, input, settings);
                }
            }
        }
        let block_end = self.out.at(len_samples);
        self.release_due(block_end);
        if self.feed.is_open() {
            let turn = self.turns.state();
            if self.shown_turn != Some(turn) {
                self.shown_turn = Some(turn);
                self.feed.send(PlayEvent::Turn(turn));
            }
        } else {
            // Told again in full when the editor next opens.
            self.shown_turn = None;
        }
        let dropped = self.out.finish(len_samples, emit);
        if dropped > 0 {
            self.monitor
                .dropped_outputs
                .fetch_add(dropped, Ordering::Relaxed);
        }
    }
}
