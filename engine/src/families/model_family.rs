//! The one interface every model family implements: what the rest of Antiphon may ask about a
//! family's events without knowing what they mean.

use midly::num::{u4, u7};

use crate::encoding::key::KeyChoice;
use crate::encoding::scale::Scale;
use crate::encoding::{EventId, StepEvents};
use crate::families::Family;
use crate::live::feel::StepFeel;
use crate::live::quantize::Quantize;
use crate::live::render::Sounding;
use crate::live::voices::{VoiceEvent, Voices};
use crate::midi_file::MidiFileError;
use crate::performance::{Performance, ReadReport};
use crate::phrase::LastBar;
use crate::rng::SplitMix64;

/// A note of a family's events, drawn in a roll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepNote {
    /// Its MIDI key (before an answer's move into the player's register).
    pub key: u8,
    /// The step it starts on.
    pub start_step: usize,
    /// How many steps it sounds.
    pub len_steps: usize,
}

/// One step of a take (a phrase the editor exports), as the performer reported it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TakeStep {
    /// Steps from the take's first step (a bar line).
    pub index: usize,
    /// The model's events.
    pub events: StepEvents,
    /// How the player played it; `None` for a step played on the grid.
    pub feel: Option<StepFeel>,
    /// Semitones from the model's pitches to where this step sounded.
    pub transpose_semitones: i8,
}

/// How a roll (the editor's, `respond`'s text) lays out a family's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RollRows {
    /// One named row per key its notes sound, top to bottom in the editor (a text roll lists
    /// them the other way up, as a drum chart puts cymbals on top).
    Named(&'static [(&'static str, u8)]),
    /// One row per pitch the notes span.
    Pitches,
}

/// A model family: its vocabulary and everything that turns its events into music and back.
pub trait ModelFamily: Send + Sync + 'static {
    /// What people call it: "drums", "melody".
    fn name(&self) -> &'static str;

    /// The `encoding` name a model's `config.json` gives.
    fn encoding(&self) -> &'static str;

    /// Number of step events.
    fn vocab_size(&self) -> usize;

    /// Model steps (events) per 16th step: the same on every step, so that windows, metric
    /// inputs and the answer's deadline stay on the 16th grid.
    fn events_per_step(&self) -> usize {
        1
    }

    /// How a model card names what its model plays ("drum", "melody").
    fn card_title(&self) -> &'static str;

    /// How a model card names the vocabulary, ending before its count of metric inputs
    /// ("`drum_kit` encoding (512 step events").
    fn card_vocabulary(&self) -> &'static str;

    /// How many notes `event` starts.
    fn hits(&self, event: EventId) -> usize;

    /// Whether a note started in `before` still sounds a 16th into `bar`, the call's last bar.
    fn held_over(&self, before: &[EventId], bar: &[EventId]) -> bool;

    /// What the last bar of a call (`bar`, after the call's `before`) holds. The default counts
    /// one event per step.
    fn last_bar(&self, before: &[EventId], bar: &[EventId]) -> LastBar {
        let onsets = bar
            .iter()
            .enumerate()
            .filter(|&(_, &event)| self.hits(event) > 0)
            .map(|(step, _)| step);
        LastBar::of(onsets, self.held_over(before, bar))
    }

    /// Whether its notes have pitches, so that Key, Scale and transposition mean something.
    fn pitched(&self) -> bool;

    /// Whether a model may learn how its steps were played (a groove head: velocity and
    /// micro-timing per hit), so that its hits may sound before their grid line.
    fn plays_feel(&self) -> bool;

    /// The MIDI channel its notes must go out on (General MIDI drums); `None`: any.
    fn fixed_channel(&self) -> Option<u4>;

    /// Which events an answer may play, given the key and scale asked for and the events the
    /// model heard (its call): `None` allows all.
    fn answer_mask(&self, key: KeyChoice, scale: Scale, heard: &[EventId]) -> Option<Vec<bool>>;

    /// Narrows `allowed` (indexed by event id) to the events that may come next after
    /// `before`, the events so far from a 16th step's first event on (the call's, then the
    /// answer's): a family whose steps have a grammar keeps a sampler to streams it could have
    /// written. Most families allow anything.
    fn follow(&self, _before: &[EventId], _allowed: &mut [bool]) {}

    /// Moves a window's notes by `semitones`, as far as the family has pitches.
    fn transpose(&self, window: &mut [EventId], semitones: i8);

    /// Changes a training window as the family's data augmentation does, drawing from `rng`.
    fn augment(&self, window: &mut [EventId], rng: &mut SplitMix64);

    /// Reads a Standard MIDI File as a performance of this family.
    fn read(&self, bytes: &[u8]) -> Result<(Performance, ReadReport), MidiFileError>;

    /// A performance with no steps yet, in bars of `steps_per_bar` at `tempo_bpm`.
    fn empty(&self, steps_per_bar: u32, tempo_bpm: f64) -> Performance;

    /// A take of `len_steps` steps, `steps` reported in it, as a performance in bars of
    /// `steps_per_bar` at `tempo_bpm`: each step as the player played it, or on the grid at
    /// `velocity`; pitches where they sounded, around `register` (semitones from the model's
    /// pitches to the take's).
    fn take(
        &self,
        steps: &[TakeStep],
        len_steps: usize,
        steps_per_bar: u32,
        tempo_bpm: f64,
        velocity: u7,
        register: i8,
    ) -> Performance;

    /// What hears the player on the audio thread, nothing heard yet.
    fn quantizer(&self) -> Box<dyn Quantize>;

    /// Plays a generated step's `events` as `sounding` says, through `voices` (on the audio
    /// thread: no allocation). Returns how it will sound when the family plays with a feel.
    fn render(
        &self,
        events: StepEvents,
        sounding: Sounding,
        voices: &mut Voices,
        emit: &mut dyn FnMut(u64, VoiceEvent),
    ) -> Option<StepFeel>;

    /// The notes `events` play, [`events_per_step`](ModelFamily::events_per_step) events per
    /// 16th step from step 0, at the model's keys; their steps are 16th steps.
    fn notes(&self, events: &[EventId]) -> Vec<StepNote>;

    /// What the editor's header says about a call of `keys` (struck on any channel, in order)
    /// when they do not suit this family; `model_for` names a model on the shelf of another
    /// family to point to.
    fn call_notice(
        &self,
        keys: &[(u4, u7)],
        model_for: &dyn Fn(Family) -> Option<String>,
    ) -> Option<String>;

    /// The rows its notes are drawn on.
    fn roll_rows(&self) -> RollRows;
}
