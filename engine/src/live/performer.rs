//! The audio thread's side of the live performer: the glue of turn-taking. It reads the
//! transport, hears the player through the family's quantizer, keeps the turns, feeds the model
//! thread, and plays its answers through the family's renderer at exact sample offsets.
//!
//! Everything here runs inside the host's `process()`: it never allocates after construction,
//! never locks, never waits on the model (except when the host renders offline, where waiting
//! is what a bounce needs).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use midly::num::{u4, u7};
use rtrb::{Consumer, Producer, RingBuffer};

use crate::encoding::groove::GrooveAmount;
use crate::families::Family;
use crate::live::deadline::deadline;
use crate::live::families::SlotFamilies;
use crate::live::feed::{FeedReceiver, FeedSender, PlayEvent, feed};
use crate::live::feel::StepFeel;
use crate::live::grid::{BlockGrid, GridPoint};
use crate::live::io::{Input, InputKind, Output, OutputKind, Trigger};
use crate::live::messages::{FromWorker, Generation, ModelRequest, Phrase, ToWorker};
use crate::live::monitor::Monitor;
use crate::live::output::BlockOutput;
use crate::live::quantize::{HeardStep, Quantizer};
use crate::live::render::Sounding;
use crate::live::schedule::{Cue, Delivered, Schedule};
use crate::live::shelf::ModelShelf;
use crate::live::voices::Voices;
use crate::live::worker::{self, WorkerHandle, WorkerStart, WorkerStats};
use crate::phrase::{Action, Actions, Heard, Meter, PhraseRules, TurnState, Turns};
use crate::sequence::Hit;
use crate::transport::{Position, Transport};

/// Ring capacity audio → model thread: a call step per 16th, plus a few control messages.
const TO_WORKER_CAPACITY: usize = 4096;
/// Ring capacity model → audio thread: two full windows of steps.
const FROM_WORKER_CAPACITY: usize = 2048;
/// A jump in song position larger than this (quarter notes) is a relocation or loop wrap.
const JUMP_TOLERANCE_PPQ: f64 = 0.01;
/// The longest an offline render waits for a model to load, or for a step while the model thread
/// computes nothing, before playing on without it.
const OFFLINE_WAIT_LIMIT: Duration = Duration::from_secs(10);

/// Settings the plugin copies from its parameters each block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Turn-taking.
    pub rules: PhraseRules,
    /// Sampling, read when a call is decided.
    pub generation: Generation,
    /// Channel of the generated notes.
    pub out_channel: u4,
    /// Velocity of the generated notes; `None`: as the call was played (its mean velocity).
    pub velocity: Option<u7>,
    /// How much of a groove model's feel the answer plays (none: on the grid at `velocity`).
    pub groove: GrooveAmount,
    /// Whether the player's notes also go out.
    pub passthrough: bool,
    /// What ends a call on demand.
    pub trigger: Option<Trigger>,
    /// The model slot to answer with.
    pub model_slot: u32,
    /// The slot of the model that jams with it (`rules.after_response` is then
    /// [`AfterResponse::Jam`](crate::phrase::AfterResponse::Jam)); `None` when there is no jam.
    pub jam_slot: Option<u32>,
}

/// Where the model thread stands, as the audio thread knows it.
// Held inline: boxing the quantizer would allocate on the audio thread when the model changes.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
enum Model {
    /// Asked for a model whose family nobody knows yet: nothing is heard until the model
    /// thread says.
    Loading,
    /// No model could be loaded: nothing is heard.
    Missing,
    /// A model of the quantizer's family answers: what is heard goes to it (waiting in the ring
    /// while the model thread still loads it).
    Ready(Quantizer),
}

impl Model {
    /// Hearing for a model of `family` (`None`: not known yet).
    fn heard_as(family: Option<Family>) -> Model {
        family.map_or(Model::Loading, |family| {
            Model::Ready(Quantizer::new(family))
        })
    }
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
    /// Allocates everything the audio thread will use and starts the model thread with the model
    /// in `model_slot`. Call on the main thread (plugin activation). The returned receiver is the
    /// editor's, fed while `editor_open` is set.
    pub fn start(
        shelf: Arc<ModelShelf>,
        model_slot: u32,
        sample_rate_hz: f64,
        offline: bool,
        editor_open: Arc<AtomicBool>,
    ) -> std::io::Result<(Performer, FeedReceiver)> {
        let (outbox, worker_inbox) = RingBuffer::new(TO_WORKER_CAPACITY);
        let (worker_outbox, inbox) = RingBuffer::new(FROM_WORKER_CAPACITY);
        let (play_feed, answers_feed, receiver) = feed(editor_open);
        let worker_stats = Arc::new(WorkerStats::default());
        let families = shelf.families();
        let family = families.get(model_slot);
        let worker = worker::spawn(
            shelf,
            WorkerStart {
                slot: model_slot,
                family,
                offline,
            },
            worker_inbox,
            worker_outbox,
            worker_stats.clone(),
            answers_feed,
        )?;
        let performer = Performer {
            sample_rate_hz,
            offline,
            model_slot,
            // The model thread loads `model_slot` first, as the answer to the first request.
            model_request: ModelRequest::default(),
            families,
            jam_slot: None,
            model: Model::heard_as(family),
            inbox,
            outbox,
            worker_stats,
            monitor: Arc::new(Monitor::default()),
            turns: Turns::new(Meter::new(0, 16), PhraseRules::default()),
            following: false,
            expected_ppq: None,
            schedule: Box::default(),
            voices: Box::default(),
            out: BlockOutput::default(),
            block: None,
            played_ahead: None,
            feed: play_feed,
            shown_turn: None,
            _worker: worker,
        };
        Ok((performer, receiver))
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
                    if let (InputKind::NoteOff { key, .. }, Model::Ready(quantizer)) =
                        (input.kind, &mut self.model)
                    {
                        quantizer.release(key);
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

    /// Closes every note, the player's passed through too, and forgets the phrase: the
    /// transport stopped, jumped or changed meter.
    fn stop(&mut self, offset: u32) {
        let at = self.out.at(offset);
        self.voices
            .close_all(at, |at, event| self.out.voice(at, event));
        self.end_phrase(offset);
        self.following = false;
    }

    /// Closes the answer's notes and forgets the phrase, the transport running on (the model
    /// changed); the player's notes sound on.
    fn end_phrase(&mut self, offset: u32) {
        let at = self.out.at(offset);
        self.voices
            .close_generated(at, |at, event| self.out.voice(at, event));
        self.turns.reset(self.turns.meter());
        self.schedule.clear();
        self.played_ahead = None;
        if let Model::Ready(quantizer) = &mut self.model {
            *quantizer = Quantizer::new(quantizer.family());
        }
        self.send(ToWorker::Reset);
        self.feed.send(PlayEvent::Reset);
    }

    /// The Model parameter moved: what the old model was asked for is dropped here, and the
    /// call is heard in the new model's family from now on (when the slot's family is known:
    /// else from when the model thread says it); the model thread loads that model before it
    /// reads anything sent after.
    fn swap_model(&mut self, slot: u32) {
        self.end_phrase(0);
        self.model_slot = slot;
        self.ask_for_model(self.families.get(slot));
    }

    /// Asks the model thread for the slot's model anew, hearing in `family` from now on.
    fn ask_for_model(&mut self, family: Option<Family>) {
        self.model_request = self.model_request.next();
        self.model = Model::heard_as(family);
        self.send(ToWorker::UseModel {
            slot: self.model_slot,
            request: self.model_request,
            family,
        });
    }

    /// Offline render only: waits for the model thread to say which model is loaded.
    fn wait_for_model(&mut self) {
        let deadline = Instant::now() + OFFLINE_WAIT_LIMIT;
        while matches!(self.model, Model::Loading) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_micros(100));
            self.drain_inbox(0);
        }
    }

    fn follow_transport(&mut self, position: &Position, meter: Meter) {
        let jumped = self
            .expected_ppq
            .is_some_and(|expected| (position.pos_ppq - expected).abs() > JUMP_TOLERANCE_PPQ);
        let meter_changed = self.following && self.turns.meter() != meter;
        if jumped || meter_changed {
            self.stop(0);
        }
        if !self.following {
            self.turns.reset(meter);
            self.following = true;
        }
    }

    fn play_block(
        &mut self,
        position: &Position,
        len_samples: u32,
        inputs: &[Input],
        settings: &Settings,
    ) {
        let grid = BlockGrid::new(position, self.sample_rate_hz, len_samples);
        self.block = Some((grid, Instant::now()));
        self.turns.set_rules(settings.rules);
        let mut points = grid.points().peekable();
        let mut inputs_left = inputs.iter().enumerate().peekable();
        loop {
            // On one sample a release goes first (a note released on a grid line no longer
            // sounds there), then the grid moment, then a press (a note on a step's close
            // belongs to the next step).
            let take_point = match (points.peek(), inputs_left.peek()) {
                (Some((point_offset, _)), Some((_, input))) => match input.kind {
                    InputKind::NoteOff { .. } => *point_offset < input.offset,
                    _ => *point_offset <= input.offset,
                },
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if take_point {
                let (offset, point) = points.next().expect("peeked");
                self.release_due(self.out.at(offset));
                match point {
                    GridPoint::Start(step) => self.step_started(step, offset, &grid, settings),
                    GridPoint::Close(step) => {
                        self.step_closed(step, offset, settings);
                        self.play_ahead(step + 1, offset, &grid, settings);
                    }
                }
            } else {
                let (index, input) = inputs_left.next().expect("peeked");
                self.release_due(self.out.at(input.offset));
                self.hear(index, input, &grid, settings);
            }
        }
        self.expected_ppq = Some(grid.end_ppq());
    }

    fn step_started(&mut self, step: i64, offset: u32, grid: &BlockGrid, settings: &Settings) {
        let sustaining = match &self.model {
            Model::Ready(quantizer) => quantizer.sustaining(),
            Model::Loading | Model::Missing => false,
        };
        let actions = self.turns.step_started(step, sustaining);
        self.act(actions, offset, settings);

        if self.played_ahead == Some(step) {
            return;
        }
        let mut cue = self.schedule.cue(step);
        if cue == Cue::Pending && self.offline {
            cue = self.wait_for(offset, |schedule| schedule.cue(step));
        }
        match cue {
            Cue::Play(delivered) => {
                let at = self.out.at(offset);
                self.play(step, delivered, at, at, grid, settings);
            }
            Cue::Pending => {
                Monitor::count(&self.monitor.late_steps);
                self.feed.send(PlayEvent::Late { step });
            }
            Cue::Silent => {}
        }
    }

    /// At the close before `step` (at `offset`), decides `step`'s drum hits when the sounding
    /// window goes on into it and the model has delivered it: a hit played early then sounds
    /// before `step`'s line, each hit when its sample comes. Otherwise `step` is played at its
    /// line.
    fn play_ahead(&mut self, step: i64, offset: u32, grid: &BlockGrid, settings: &Settings) {
        let Model::Ready(quantizer) = &self.model else {
            return;
        };
        if !quantizer.family().plays_feel() {
            return;
        }
        let mut cue = self.schedule.cue_ahead(step);
        if cue == Cue::Pending && self.offline {
            cue = self.wait_for(offset, |schedule| schedule.cue_ahead(step));
        }
        if let Cue::Play(delivered) = cue {
            let line = self.out.at(0).saturating_add_signed(grid.line_offset(step));
            self.play(step, delivered, line, self.out.at(offset), grid, settings);
            self.played_ahead = Some(step);
        }
    }

    /// Plays `delivered` as step `step`, whose line lies at absolute sample `line`, starting
    /// nothing before `earliest` (now): what starts now is sent now, later hits wait in the
    /// voices.
    fn play(
        &mut self,
        step: i64,
        delivered: Delivered,
        line: u64,
        earliest: u64,
        grid: &BlockGrid,
        settings: &Settings,
    ) {
        let Model::Ready(quantizer) = &self.model else {
            return;
        };
        let family = quantizer.family();
        let voicing = self.schedule.voicing();
        let Delivered { event, groove } = delivered;
        let sounding = Sounding {
            at: line,
            earliest,
            step_samples: grid.samples_per_step(),
            channel: settings.out_channel,
            velocity: settings.velocity.unwrap_or(voicing.velocity),
            groove: groove.map(|values| (values, settings.groove)),
            transpose_semitones: voicing.transpose_semitones,
        };
        let struck = family.render(event, sounding, &mut self.voices, &mut |at, event| {
            self.out.voice(at, event)
        });
        self.feed.send(PlayEvent::Played {
            step,
            event,
            voicing,
            feel: struck.map(StepFeel::Drums),
        });
        self.release_due(earliest + 1);
    }

    /// Offline render only: waits until `cue` says the model delivered the step, or never will;
    /// `offset` is where the block stands.
    /// As long as the model thread computes (a long beam search sends nothing until it ends),
    /// the wait goes on: a bounce must not depend on how fast the machine is.
    fn wait_for(&mut self, offset: u32, cue: impl Fn(&Schedule) -> Cue) -> Cue {
        let mut last_beat = self.worker_stats.heartbeat.load(Ordering::Relaxed);
        let mut deadline = Instant::now() + OFFLINE_WAIT_LIMIT;
        loop {
            self.drain_inbox(offset);
            let cue = cue(&self.schedule);
            if cue != Cue::Pending {
                return cue;
            }
            let beat = self.worker_stats.heartbeat.load(Ordering::Relaxed);
            if beat != last_beat {
                last_beat = beat;
                deadline = Instant::now() + OFFLINE_WAIT_LIMIT;
            } else if Instant::now() >= deadline {
                return cue;
            }
            std::thread::sleep(Duration::from_micros(100));
        }
    }

    fn step_closed(&mut self, step: i64, offset: u32, settings: &Settings) {
        let Model::Ready(quantizer) = &mut self.model else {
            return;
        };
        let HeardStep { event, feel } = quantizer.close(step);
        let voicing = quantizer.voicing();
        if !event.is_quiet() {
            self.feed.send(PlayEvent::Heard {
                step,
                event,
                feel,
                voicing,
            });
        }
        if self.turns.call_start().is_some_and(|start| step >= start) {
            let groove = feel.groove();
            self.send_phrase(Phrase::CallStep {
                step,
                event,
                groove,
            });
        }
        let actions = self.turns.step_closed(step);
        self.act(actions, offset, settings);
    }

    /// Carries out what the turn-taking decided at `offset`.
    fn act(&mut self, actions: Actions, offset: u32, settings: &Settings) {
        for action in actions {
            match action {
                Action::CallStarted {
                    start,
                    steps_per_bar,
                } => {
                    if let Model::Ready(quantizer) = &mut self.model {
                        quantizer.start_call();
                    }
                    self.send_phrase(Phrase::CallStarted {
                        start,
                        steps_per_bar,
                    });
                }
                Action::CallDiscarded => self.send(ToWorker::Reset),
                Action::Respond(request) => {
                    let voicing = match (&self.model, request.heard) {
                        (Model::Ready(quantizer), Heard::Call { .. }) => quantizer.voicing(),
                        (_, Heard::Window { source_id, .. }) => {
                            self.schedule.voicing_of(source_id).unwrap_or_default()
                        }
                        _ => Default::default(),
                    };
                    self.schedule.queue(request.id, request.response, voicing);
                    let deadline = self.deadline(request.response.start);
                    self.send_phrase(Phrase::Answer {
                        request,
                        generation: settings.generation,
                        deadline,
                    });
                }
                Action::Repeat {
                    id,
                    source_id,
                    response,
                } => self.schedule.queue_repeat(id, source_id, response),
                Action::WindowStarted { id, .. } => self.schedule.start(id),
                Action::WindowEnded { id } => {
                    // An answer's held note ends with the answer.
                    let at = self.out.at(offset);
                    self.voices
                        .end_held(at, |at, event| self.out.voice(at, event));
                    self.schedule.end(id);
                }
            }
        }
    }

    /// When `step`'s note must be ready.
    fn deadline(&self, step: i64) -> Instant {
        match self.block {
            Some((grid, started)) => deadline(&grid, started, step, self.sample_rate_hz),
            None => Instant::now(),
        }
    }

    fn hear(&mut self, index: usize, input: &Input, grid: &BlockGrid, settings: &Settings) {
        match (input.kind, &mut self.model) {
            (
                InputKind::NoteOn {
                    channel,
                    key,
                    velocity,
                },
                Model::Ready(quantizer),
            ) if settings.trigger != Some(Trigger::Note(key)) => {
                let step = grid.step_of(input.offset);
                self.feed.send(PlayEvent::Struck { step, channel, key });
                let hit = Hit {
                    velocity: u7::new((velocity * 127.0).round().clamp(1.0, 127.0) as u8),
                    offset_steps: grid.steps_from_line(input.offset, step),
                };
                quantizer.press(step, key, hit);
                let actions = self.turns.note(step);
                self.act(actions, input.offset, settings);
            }
            (InputKind::NoteOff { key, .. }, Model::Ready(quantizer)) => quantizer.release(key),
            _ => {}
        }
        self.hear_passthrough(index, input, settings);
    }

    /// Passes the input through (or swallows it) and keeps the voices.
    fn hear_passthrough(&mut self, index: usize, input: &Input, settings: &Settings) {
        let at = self.out.at(input.offset);
        let forward = match input.kind {
            InputKind::NoteOn { key, .. } if settings.trigger == Some(Trigger::Note(key)) => {
                self.turns.trigger();
                false
            }
            InputKind::NoteOn { channel, key, .. } => {
                if settings.passthrough {
                    self.voices
                        .player_on(at, channel, key, |at, event| self.out.voice(at, event));
                }
                settings.passthrough
            }
            // Passed on exactly when its note-on was (whatever the trigger is set to by now).
            InputKind::NoteOff { channel, key } => self.voices.player_off(channel, key),
            InputKind::Cc { cc, value, .. } if settings.trigger == Some(Trigger::Cc(cc)) => {
                if value.as_int() >= 64 {
                    self.turns.trigger();
                }
                false
            }
            InputKind::Cc { .. } | InputKind::Other => settings.passthrough,
        };
        if forward {
            self.out.queue(input.offset, OutputKind::Forward(index));
        }
    }

    fn release_due(&mut self, until: u64) {
        self.voices
            .release_due(until, |at, event| self.out.voice(at, event));
    }

    fn send(&mut self, message: ToWorker) {
        if self.outbox.push(message).is_err() {
            Monitor::count(&self.monitor.dropped_messages);
        }
    }

    /// Sends what was heard or asked for to the model loaded (nothing is, while none answers).
    fn send_phrase(&mut self, message: Phrase) {
        if let Model::Ready(_) = self.model {
            self.send(ToWorker::Phrase {
                request: self.model_request,
                message,
            });
        }
    }

    /// Takes what the model thread delivered; `offset` is where the block stands.
    fn drain_inbox(&mut self, offset: u32) {
        while let Ok(message) = self.inbox.pop() {
            match message {
                FromWorker::Step {
                    id,
                    step,
                    event,
                    groove,
                } => self.schedule.deliver(id, step, Delivered { event, groove }),
                FromWorker::Finished { id } => self.schedule.finish(id),
                FromWorker::Loaded { request, family } if request == self.model_request => {
                    match (&self.model, family) {
                        // As the audio thread has been hearing since it asked.
                        (Model::Ready(quantizer), Some(family)) if quantizer.family() == family => {
                        }
                        (Model::Loading | Model::Missing, Some(family)) => {
                            self.model = Model::Ready(Quantizer::new(family));
                        }
                        // Heard in another family than the model plays: nothing heard counts.
                        (Model::Ready(_), Some(family)) => {
                            self.end_phrase(offset);
                            self.ask_for_model(Some(family));
                        }
                        (_, None) => {
                            if let Model::Ready(_) = self.model {
                                self.end_phrase(offset);
                            }
                            self.model = Model::Missing;
                        }
                    }
                }
                FromWorker::Reloaded { request } if request == self.model_request => {
                    if let Model::Ready(_) = self.model {
                        self.end_phrase(offset);
                    }
                    self.ask_for_model(self.families.get(self.model_slot));
                }
                // Answers to requests since superseded: a later answer is on its way.
                FromWorker::Loaded { .. } | FromWorker::Reloaded { .. } => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use super::*;
    use crate::encoding::EventId;
    use crate::encoding::drums::{DrumClass, DrumEvent};
    use crate::encoding::key::KeyChoice;
    use crate::encoding::scale::Scale;
    use crate::live::shelf::{ShippedModel, UserModels};
    use crate::model::config::ModelConfig;
    use crate::model::fused::testing::random_model_files;
    use crate::model::loaded::tests::{tiny_model_files, tiny_model_files_of};
    use crate::phrase::AfterResponse;
    use crate::transport::TimeSignature;

    const RATE: f64 = 48_000.0;

    fn shelf() -> Arc<ModelShelf> {
        shelf_of(tiny_model_files())
    }

    /// A small drum model with a groove head, whose random weights play clearly off the grid.
    fn groove_shelf() -> Arc<ModelShelf> {
        let config = ModelConfig::new(Family::DRUMS, 2, 16, 0.0).with_groove(8);
        shelf_of(random_model_files(&config, 0.8, 11))
    }

    fn shelf_of(files: (Vec<u8>, Vec<u8>)) -> Arc<ModelShelf> {
        shelf_of_all(vec![files])
    }

    /// Slot 0 a tiny drum model, slot 1 a tiny melody model.
    fn two_family_shelf() -> Arc<ModelShelf> {
        shelf_of_all(vec![
            tiny_model_files(),
            tiny_model_files_of(Family::MELODY),
        ])
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
        let (mut performer, feed) =
            Performer::start(shelf, 0, RATE, true, Arc::new(AtomicBool::new(editor_open))).unwrap();
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

    #[test]
    fn the_answer_starts_on_the_bar_line_after_the_silent_bar() {
        let outputs = perform(512, &two_bar_call(), 6 * BAR, None, settings());
        let ons = note_ons(&outputs);
        assert_eq!(ons.first(), Some(&(3 * BAR)), "{ons:?}");
        // A two-bar answer to a two-bar call: nothing after bar 5 starts.
        assert!(ons.iter().all(|&at| at < 5 * BAR), "{ons:?}");
        assert!(
            ons.iter().all(|&at| (at - 3 * BAR).is_multiple_of(STEP)),
            "on the 16th grid"
        );
        assert_paired(&outputs);
    }

    #[test]
    fn output_does_not_depend_on_the_block_size() {
        let reference = perform(4096, &two_bar_call(), 6 * BAR, None, settings());
        for block in [1, 64, 333, 512] {
            assert_eq!(
                perform(block, &two_bar_call(), 6 * BAR, None, settings()),
                reference,
                "block size {block}"
            );
        }
    }

    /// Note-ons of `outputs` as (sample, key, velocity).
    fn struck(outputs: &[(u64, OutputKind)]) -> Vec<(u64, u8, u8)> {
        outputs
            .iter()
            .filter_map(|(at, kind)| match kind {
                OutputKind::NoteOn { key, velocity, .. } => {
                    Some((*at, key.as_int(), (velocity * 127.0).round() as u8))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_groove_model_plays_its_feel_at_the_same_samples_whatever_the_block_size() {
        let play = |block, groove| {
            let settings = Settings {
                groove: GrooveAmount::new(groove).unwrap(),
                ..settings()
            };
            let song = Song {
                time_signature: TimeSignature::FOUR_FOUR,
                shelf: groove_shelf(),
            };
            let strikes = kicks(&two_bar_call());
            perform_in(song, block, &strikes, 6 * BAR, None, settings, false).0
        };
        let felt = play(4096, 1.0);
        assert_paired(&felt);
        for block in [1, 64, 512] {
            assert_eq!(play(block, 1.0), felt, "block size {block}");
        }
        let on_grid = struck(&play(512, 0.0));
        let felt = struck(&felt);
        // The same hits (the feel never changes what is sampled), each within half a step of
        // its grid line, most of them off it and at velocities of their own.
        assert_eq!(felt.len(), on_grid.len());
        assert!(felt.len() > 8, "{felt:?}");
        assert!(
            on_grid.iter().all(|&(at, _, velocity)| {
                (at - 3 * BAR).is_multiple_of(STEP) && velocity == 100
            })
        );
        let mut off_grid = 0;
        let mut velocities = std::collections::BTreeSet::new();
        let of_key = |hits: &[(u64, u8, u8)], key| {
            hits.iter()
                .filter(move |hit| hit.1 == key)
                .copied()
                .collect::<Vec<_>>()
        };
        for key in 0..128 {
            let (felt, on_grid) = (of_key(&felt, key), of_key(&on_grid, key));
            assert_eq!(felt.len(), on_grid.len(), "key {key}");
            for (&(at, _, velocity), &(line, _, _)) in felt.iter().zip(&on_grid) {
                assert!(at.abs_diff(line) < STEP / 2, "{at} is not near {line}");
                off_grid += usize::from(at != line);
                velocities.insert(velocity);
            }
        }
        assert!(off_grid * 2 > felt.len(), "{felt:?}");
        assert!(velocities.len() > 3, "{velocities:?}");
        // The answer's first hits wait for its bar line; later early hits sound before theirs.
        assert!(felt.iter().all(|&(at, _, _)| at >= 3 * BAR));
        assert!(
            felt.iter()
                .any(|&(at, _, _)| at % STEP > STEP / 2 && at > 3 * BAR + STEP),
            "no hit early: {felt:?}"
        );
    }

    #[test]
    fn stopping_mid_response_closes_every_note_in_that_block() {
        // Loop the answer so notes keep sounding; stop in the middle of a step.
        let looping = Settings {
            rules: PhraseRules {
                after_response: AfterResponse::Loop,
                ..settings().rules
            },
            ..settings()
        };
        let stop = 3 * BAR + 2 * STEP + 1_000;
        let outputs = perform(700, &two_bar_call(), 5 * BAR, Some(stop), looping);
        assert_paired(&outputs);
        let stop_block_start = stop.div_ceil(700) * 700;
        assert!(
            outputs.iter().all(|(at, _)| *at <= stop_block_start),
            "nothing after the stop block: {outputs:?}"
        );
    }

    #[test]
    fn the_editor_hears_the_call_the_turns_and_the_answer_with_its_likelihood() {
        use crate::live::feed::PlayEvent;
        use crate::phrase::{StepSpan, TurnState};

        let call = two_bar_call();
        let (outputs, mut feed) = perform_watched(512, &call, 6 * BAR, None, settings(), true);
        let mut heard = Vec::new();
        let mut struck = Vec::new();
        let mut played = 0;
        let mut turns = Vec::new();
        while let Ok(event) = feed.play.pop() {
            match event {
                PlayEvent::Heard { step, event, .. } => heard.push((step, event)),
                PlayEvent::Struck { step, key, .. } => struck.push((step, key.as_int())),
                PlayEvent::Played { .. } => played += 1,
                PlayEvent::Turn(turn) => turns.push(turn),
                PlayEvent::Late { .. } | PlayEvent::Reset => {}
            }
        }
        let kick = DrumEvent::REST.with(DrumClass::Kick).id();
        let expected: Vec<(i64, EventId)> = (0..8).map(|beat| (beat * 4, kick)).collect();
        assert_eq!(heard, expected, "every kick of the call, on its step");
        let keys: Vec<(i64, u8)> = (0..8).map(|beat| (beat * 4, 36)).collect();
        assert_eq!(struck, keys, "every key struck, on its step");
        assert_eq!(
            turns,
            [
                TurnState::Listening { start: 0 },
                TurnState::Idle,
                TurnState::Responding {
                    span: StepSpan::new(48, 80)
                },
                TurnState::Idle,
            ]
        );
        let steps_with_notes = note_ons(&outputs)
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        assert_eq!(played, steps_with_notes, "one Played per step that sounded");
        let answered = feed.answers.pop().expect("the model reports its answer");
        assert_eq!(answered.call, Some(StepSpan::new(0, 32)));
        assert_eq!(answered.response, StepSpan::new(48, 80));
        assert!(answered.log_likelihood < 0.0 && answered.log_likelihood.is_finite());
        assert!(answered.call_log_likelihood < 0.0);
    }

    #[test]
    fn the_call_keeps_how_each_hit_was_played() {
        use crate::encoding::drums::NUM_CLASSES;
        use crate::live::feed::PlayEvent;

        // (step, samples from its grid line, key, velocity): a kick on the line, a snare a
        // quarter step early, a soft hat a tenth late, a tom and a crash at one step.
        let played = [
            (0, 0, 36, 1.0),
            (4, -1_500, 38, 0.5),
            (6, 600, 42, 0.3),
            (8, 2_999, 45, 0.8),
            (8, -2_000, 49, 0.6),
        ];
        let strikes: Vec<Strike> = played
            .iter()
            .map(|&(step, early_or_late, key, velocity)| Strike {
                at: (step * STEP).checked_add_signed(early_or_late).unwrap(),
                key,
                velocity,
            })
            .collect();
        let heard_at = |block| {
            let (_, mut feed, _) = perform_in(
                Song::default(),
                block,
                &strikes,
                3 * BAR,
                None,
                settings(),
                true,
            );
            let mut heard = Vec::new();
            while let Ok(event) = feed.play.pop() {
                if let PlayEvent::Heard { step, feel, .. } = event {
                    heard.push((step, feel));
                }
            }
            heard
        };
        let heard = heard_at(512);
        assert_eq!(heard, heard_at(1), "block size 1");
        let hits: Vec<(i64, usize, u8, f32)> = heard
            .iter()
            .flat_map(|&(step, feel)| {
                let StepFeel::Drums(drums) = feel else {
                    panic!("drums are heard as drums: {feel:?}");
                };
                (0..NUM_CLASSES)
                    .filter_map(move |class| drums.hits[class].map(|hit| (step, class, hit)))
                    .map(|(step, class, hit)| {
                        (step, class, hit.velocity.as_int(), hit.offset_steps)
                    })
            })
            .collect();
        let mut expected: Vec<(i64, usize, u8, f32)> = played
            .iter()
            .map(|&(step, early_or_late, key, velocity)| {
                let class = DrumClass::from_pitch(u7::new(key)).unwrap().index();
                let velocity = (velocity * 127.0_f32).round() as u8;
                (
                    step as i64,
                    class,
                    velocity,
                    early_or_late as f32 / STEP as f32,
                )
            })
            .collect();
        expected.sort_by_key(|&(step, class, ..)| (step, class));
        assert_eq!(hits.len(), expected.len(), "{hits:?}");
        for (got, want) in hits.iter().zip(&expected) {
            assert_eq!((got.0, got.1, got.2), (want.0, want.1, want.2));
            assert!((got.3 - want.3).abs() < 1e-4, "{got:?} {want:?}");
        }
    }

    #[test]
    fn an_editor_opened_mid_phrase_is_told_the_turn_state_at_once() {
        use crate::live::feed::PlayEvent;
        use crate::phrase::TurnState;

        let open = Arc::new(AtomicBool::new(false));
        let (mut performer, mut feed) =
            Performer::start(shelf(), 0, RATE, true, open.clone()).unwrap();
        let kick = Input {
            offset: 0,
            kind: InputKind::NoteOn {
                channel: u4::new(9),
                key: u7::new(36),
                velocity: 1.0,
            },
        };
        let block = |performer: &mut Performer, index: u32, inputs: &[Input]| {
            let transport = Transport::Playing(Position {
                tempo_bpm: 120.0,
                pos_ppq: f64::from(index) * 1_000.0 / 24_000.0,
                bar_start_ppq: 0.0,
                time_signature: TimeSignature::FOUR_FOUR,
            });
            performer.process(transport, 1_000, inputs, &settings(), |_| {});
        };
        block(&mut performer, 0, &[kick]);
        block(&mut performer, 1, &[]);
        assert!(feed.play.pop().is_err(), "closed: nothing sent");
        open.store(true, Ordering::Relaxed);
        block(&mut performer, 2, &[]);
        assert_eq!(
            feed.play.pop(),
            Ok(PlayEvent::Turn(TurnState::Listening { start: 0 }))
        );
    }

    #[test]
    fn a_closed_editor_is_told_nothing() {
        let (_, mut feed) = perform_watched(512, &two_bar_call(), 6 * BAR, None, settings(), false);
        assert!(feed.play.pop().is_err());
        assert!(feed.answers.pop().is_err());
    }

    #[test]
    fn a_call_too_short_gets_no_answer() {
        let rules = PhraseRules {
            min_call_bars: 3,
            ..settings().rules
        };
        let outputs = perform(
            512,
            &two_bar_call(),
            6 * BAR,
            None,
            Settings {
                rules,
                ..settings()
            },
        );
        assert!(note_ons(&outputs).is_empty());
    }

    #[test]
    fn in_odd_meters_the_model_hears_each_step_once() {
        for (numerator, denominator) in [(3, 4), (5, 4), (7, 8), (6, 8)] {
            let time_signature = TimeSignature::from_host(numerator, denominator).unwrap();
            let steps_per_bar = crate::phrase::meter::steps_per_bar(time_signature).unwrap();
            let bar = u64::from(steps_per_bar) * STEP;
            // Two bars of kicks on every other 16th, then a silent bar ends the call.
            let hits: Vec<u64> = (0..2 * bar).step_by(2 * STEP as usize).collect();
            let rules = PhraseRules {
                max_call_bars: 8,
                ..settings().rules
            };
            let (outputs, _, stats) = perform_in(
                Song::in_meter(time_signature),
                512,
                &kicks(&hits),
                6 * bar,
                None,
                Settings {
                    rules,
                    ..settings()
                },
                false,
            );
            let ons = note_ons(&outputs);
            assert!(
                ons.iter().all(|&at| (3 * bar..5 * bar).contains(&at)),
                "{numerator}/{denominator}: the answer fills bars 3–4: {ons:?}"
            );
            // Three bars heard (the first step is context), two bars answered; cutting the
            // silent bar from what the model heard costs no step (a bar-line snapshot), where a
            // wrong bar length would replay the call.
            let heard = 3 * u64::from(steps_per_bar) - 1;
            let answered = 2 * u64::from(steps_per_bar);
            assert_eq!(
                stats.steps.load(Ordering::Relaxed),
                heard + answered,
                "{numerator}/{denominator}"
            );
        }
    }

    /// Plays `inputs` (all in the first block) through a stopped-transport performer.
    fn pass_through(inputs: &[Input], settings: &Settings) -> Vec<Output> {
        let (mut performer, _) =
            Performer::start(shelf(), 0, RATE, true, Arc::new(AtomicBool::new(false))).unwrap();
        let mut outputs = Vec::new();
        performer.process(Transport::Stopped, 512, inputs, settings, |out| {
            outputs.push(out)
        });
        outputs
    }

    fn key_input(offset: u32, on: bool) -> Input {
        let (channel, key) = (u4::new(4), u7::new(48));
        let kind = if on {
            InputKind::NoteOn {
                channel,
                key,
                velocity: 0.5,
            }
        } else {
            InputKind::NoteOff { channel, key }
        };
        Input { offset, kind }
    }

    #[test]
    fn a_key_struck_twice_on_one_sample_is_closed_between_the_two() {
        let passing = Settings {
            passthrough: true,
            ..settings()
        };
        let inputs = [
            key_input(10, true),
            key_input(10, true),
            key_input(90, false),
            key_input(95, false),
        ];
        let kinds: Vec<(u32, OutputKind)> = pass_through(&inputs, &passing)
            .into_iter()
            .map(|out| (out.offset, out.kind))
            .collect();
        let off = OutputKind::NoteOff {
            channel: u4::new(4),
            key: u7::new(48),
        };
        assert_eq!(
            kinds,
            [
                (10, OutputKind::Forward(0)),
                (10, off),
                (10, OutputKind::Forward(1)),
                (90, OutputKind::Forward(2)),
            ]
        );
    }

    #[test]
    fn a_release_is_passed_on_when_its_press_was_whatever_the_trigger_became() {
        let passing = Settings {
            passthrough: true,
            ..settings()
        };
        let triggering = Settings {
            trigger: Some(Trigger::Note(u7::new(48))),
            ..passing
        };
        let (mut performer, _) =
            Performer::start(shelf(), 0, RATE, true, Arc::new(AtomicBool::new(false))).unwrap();
        let mut outputs = Vec::new();
        performer.process(
            Transport::Stopped,
            64,
            &[key_input(0, true)],
            &passing,
            |out| outputs.push(out.kind),
        );
        performer.process(
            Transport::Stopped,
            64,
            &[key_input(0, false)],
            &triggering,
            |out| outputs.push(out.kind),
        );
        assert_eq!(outputs, [OutputKind::Forward(0), OutputKind::Forward(0)]);
    }

    #[test]
    fn a_call_closed_on_a_downbeat_is_answered_after_that_bar_without_a_replay() {
        // Kicks on the beats of bars 0–1 and on bar 2's downbeat alone.
        let mut hits = two_bar_call();
        hits.push(2 * BAR);
        let rules = PhraseRules {
            max_call_bars: 8,
            ..settings().rules
        };
        let settings = Settings {
            rules,
            ..settings()
        };
        let (outputs, _, stats) = perform_in(
            Song::default(),
            512,
            &kicks(&hits),
            6 * BAR,
            None,
            settings,
            false,
        );
        let ons = note_ons(&outputs);
        assert!(!ons.is_empty());
        assert!(
            ons.iter().all(|&at| (3 * BAR..5 * BAR).contains(&at)),
            "a two-bar answer on bars 3–4: {ons:?}"
        );
        // Three bars heard (the first step is context), the rest of the accent's bar run on
        // unheard, two bars answered: the primer ending after the downbeat is a snapshot.
        assert_eq!(stats.steps.load(Ordering::Relaxed), 47 + 15 + 32);
    }

    /// Kick, snare and closed hat together on every beat of bars `bars` (drum events far beyond
    /// a melody model's vocabulary).
    fn beats_in_bars(bars: std::ops::Range<u64>) -> Vec<Strike> {
        (bars.start * 4..bars.end * 4)
            .flat_map(|beat| {
                [36, 38, 42].map(|key| Strike {
                    at: beat * 4 * STEP,
                    key,
                    velocity: 0.8,
                })
            })
            .collect()
    }

    fn with_slot(slot: u32) -> Settings {
        Settings {
            model_slot: slot,
            ..settings()
        }
    }

    #[test]
    fn a_model_chosen_in_the_first_block_answers_the_first_call() {
        // The performer starts with slot 0 (drums); the song's Model lane says melody from its
        // first sample. The drum model the thread loads first must not be taken for it.
        let shelf = two_family_shelf();
        let song = Song {
            time_signature: TimeSignature::FOUR_FOUR,
            shelf: shelf.clone(),
        };
        let (outputs, _, _) = perform_automated(
            song,
            512,
            &beats_in_bars(0..2),
            6 * BAR,
            None,
            |_| with_slot(1),
            false,
        );
        assert_eq!(shelf.status().fault, None);
        assert_eq!(shelf.status().family, Family::MELODY);
        let ons = note_ons(&outputs);
        assert!(!ons.is_empty(), "the melody model answers");
        assert!(
            ons.iter().all(|&at| (3 * BAR..5 * BAR).contains(&at)),
            "{ons:?}"
        );
        // A melody answers one note at a time.
        let mut sounding = 0;
        for (_, kind) in &outputs {
            match kind {
                OutputKind::NoteOn { .. } => sounding += 1,
                OutputKind::NoteOff { .. } => sounding -= 1,
                OutputKind::Forward(_) => {}
            }
            assert!(sounding <= 1);
        }
        assert_paired(&outputs);
    }

    #[test]
    fn models_swapped_back_and_forth_end_with_the_last_answering_the_next_call() {
        // Melody from the first block, drums again in the middle of the first call (which the
        // swap ends), melody and drums once more before the second call: drums answer it.
        let slot_at = |sample: u64| match sample {
            s if s < BAR + BAR / 2 => 1,
            s if s < 2 * BAR => 0,
            s if s < 2 * BAR + STEP => 1,
            _ => 0,
        };
        let shelf = two_family_shelf();
        let song = Song {
            time_signature: TimeSignature::FOUR_FOUR,
            shelf: shelf.clone(),
        };
        let mut strikes = beats_in_bars(0..2);
        strikes.extend(beats_in_bars(3..5));
        let (outputs, _, _) = perform_automated(
            song,
            256,
            &strikes,
            9 * BAR,
            None,
            |sample| with_slot(slot_at(sample)),
            false,
        );
        assert_eq!(shelf.status().fault, None);
        let ons: Vec<(u64, u8)> = outputs
            .iter()
            .filter_map(|(at, kind)| match kind {
                OutputKind::NoteOn { key, .. } => Some((*at, key.as_int())),
                _ => None,
            })
            .collect();
        assert!(!ons.is_empty(), "the second call is answered");
        assert!(
            ons.iter().all(|&(at, _)| (6 * BAR..8 * BAR).contains(&at)),
            "only the second call is answered, on bars 6–7: {ons:?}"
        );
        assert!(
            ons.iter()
                .all(|&(_, key)| DrumClass::from_pitch(u7::new(key)).is_some()),
            "by the drum model: {ons:?}"
        );
        assert_paired(&outputs);
    }
}
