//! The chords family: a keyboard player's chords answered in Magenta's polyphony encoding
//! (`polyphony_rnn`), learnt from Bach's chorales, every note held until a step does not
//! continue it.
//!
//! A step of 16th-note length is eight events: its sounding pitches, highest first, each struck
//! or held, then step ends to fill the eight ([`ChordEvent`]). [`read_chords`] quantizes a MIDI
//! file into a [`ChordSequence`]; [`ChordGrammar`] keeps a sampler to streams the encoding could
//! write; [`StepDecoder`] turns what it samples back into steps; [`write_chords`] plays them.

mod call_notice;
mod decode;
mod encoding;
mod grammar;
mod notes;
mod pitch;
mod pitch_set;
mod played;
mod quantize;
mod read;
mod register;
mod render;
mod scale_mask;
mod sequence;
mod step;
#[cfg(test)]
mod tests;
mod transpose;
mod write;

pub use decode::{StepDecoder, decode_step, decode_steps};
pub use encoding::{ChordEvent, EVENTS_PER_STEP, MAX_VOICES, NUM_EVENTS};
pub use grammar::ChordGrammar;
pub use notes::{ChordNote, notes_of};
pub use pitch::{ChordPitch, HIGHEST, LOWEST, NUM_PITCHES};
pub use pitch_set::{PitchSet, Pitches};
pub use read::{ChordRead, read_chords, read_chords_file};
pub use register::{CENTRE_PITCH, MAX_MEAN_DISTANCE, register_shift};
pub use sequence::ChordSequence;
pub use step::ChordStep;
pub use transpose::{keeps_in_range, transpose};
pub use write::{chord_notes, write_chords};

use midly::num::{u4, u7};

use crate::encoding::key::KeyChoice;
use crate::encoding::scale::Scale;
use crate::encoding::transposition::TRANSPOSITIONS;
use crate::encoding::{EventId, StepEvents};
use crate::families::{DEFAULT_VELOCITY, Family, ModelFamily, RollRows, StepNote, TakeStep};
use crate::live::feel::StepFeel;
use crate::live::quantize::Quantize;
use crate::live::render::Sounding;
use crate::live::voices::{VoiceEvent, Voices};
use crate::midi_file::MidiFileError;
use crate::performance::{Performance, ReadReport};
use crate::phrase::LastBar;
use crate::rng::SplitMix64;
use quantize::ChordQuantizer;
use scale_mask::{pitch_class_durations, scale_mask};

impl Family {
    /// Chords.
    pub const CHORDS: Family = Family::new(&Chords);
}

/// The chords family.
struct Chords;

/// The chord events of `ids`, an id outside the vocabulary read as a step end.
fn events_of(ids: &[EventId]) -> impl Iterator<Item = ChordEvent> + '_ {
    ids.iter()
        .map(|&id| ChordEvent::from_id(id).unwrap_or_default())
}

impl ModelFamily for Chords {
    fn name(&self) -> &'static str {
        "chords"
    }

    fn encoding(&self) -> &'static str {
        "polyphony"
    }

    fn vocab_size(&self) -> usize {
        NUM_EVENTS
    }

    fn events_per_step(&self) -> usize {
        EVENTS_PER_STEP
    }

    fn card_title(&self) -> &'static str {
        "chords"
    }

    fn card_vocabulary(&self) -> &'static str {
        "polyphony encoding (129 step events, 8 per 16th step"
    }

    fn hits(&self, event: EventId) -> usize {
        usize::from(matches!(
            ChordEvent::from_id(event),
            Some(ChordEvent::NewNote(_))
        ))
    }

    /// Whether a pitch of the call's last step before `bar` is continued through the bar's
    /// first two steps.
    fn held_over(&self, before: &[EventId], bar: &[EventId]) -> bool {
        let previous = before
            .chunks_exact(EVENTS_PER_STEP)
            .last()
            .map_or(PitchSet::EMPTY, |step| {
                decode_step(events_of(step), PitchSet::EMPTY, u7::new(0)).sounding()
            });
        let mut decoder = StepDecoder::new(previous, u7::new(0));
        let still = events_of(&bar[..bar.len().min(2 * EVENTS_PER_STEP)])
            .filter_map(|event| decoder.push(event))
            .fold(previous, |still, step| {
                still.intersection(step.sounding().difference(step.struck()))
            });
        !still.is_empty()
    }

    /// Onsets counted in 16th steps, eight events each.
    fn last_bar(&self, before: &[EventId], bar: &[EventId]) -> LastBar {
        let onsets = bar
            .iter()
            .enumerate()
            .filter(|&(_, &event)| self.hits(event) > 0)
            .map(|(index, _)| index / EVENTS_PER_STEP);
        LastBar::of(onsets, self.held_over(before, bar))
    }

    fn pitched(&self) -> bool {
        true
    }

    fn plays_feel(&self) -> bool {
        false
    }

    fn fixed_channel(&self) -> Option<u4> {
        None
    }

    /// Every note's pitch in the scale; Auto finds the key from how long each pitch class
    /// sounds in the chords heard.
    fn answer_mask(&self, key: KeyChoice, scale: Scale, heard: &[EventId]) -> Option<Vec<bool>> {
        let steps = decode_steps(events_of(heard), u7::new(DEFAULT_VELOCITY));
        let tonic = key.tonic(scale, &pitch_class_durations(&steps));
        scale_mask(tonic, scale).map(|mask| mask.to_vec())
    }

    /// Clears what [`ChordGrammar`] forbids after `before`.
    fn follow(&self, before: &[EventId], allowed: &mut [bool]) {
        let mut grammar = [false; NUM_EVENTS];
        ChordGrammar::after(before).mask(&mut grammar);
        for (allowed, follows) in allowed.iter_mut().zip(grammar) {
            *allowed &= follows;
        }
    }

    /// Moves every pitch, folded back into range by octaves (see [`transpose`]).
    fn transpose(&self, window: &mut [EventId], semitones: i8) {
        let mut events: Vec<ChordEvent> = events_of(window).collect();
        transpose(&mut events, semitones);
        for (id, event) in window.iter_mut().zip(events) {
            *id = event.id();
        }
    }

    /// Moves the window to one of the twelve keys that keep every pitch in range, so a
    /// chorale's voicing survives; a window that fits no other key stays.
    fn augment(&self, window: &mut [EventId], rng: &mut SplitMix64) {
        let events: Vec<ChordEvent> = events_of(window).collect();
        let fits = || TRANSPOSITIONS.filter(|&semitones| keeps_in_range(&events, semitones));
        let keys = fits().count();
        if keys == 0 {
            return;
        }
        if let Some(semitones) = fits().nth(rng.below(keys)) {
            self.transpose(window, semitones);
        }
    }

    fn read(&self, bytes: &[u8]) -> Result<(Performance, ReadReport), MidiFileError> {
        let read = read_chords(bytes)?;
        let report = ReadReport {
            notes: read.notes,
            dropped_notes: read.dropped_notes,
            dropped_why: "from 16ths of more than eight voices (a step keeps its seven highest \
                          and its bass)",
            folded_notes: read.folded_notes,
            range: "28–91",
            ..ReadReport::default()
        };
        Ok((Performance::new(read.sequence), report))
    }

    fn empty(&self, steps_per_bar: u32, tempo_bpm: f64) -> Performance {
        Performance::new(ChordSequence {
            steps: Vec::new(),
            steps_per_bar,
            tempo_bpm,
            octave_shift_semitones: 0,
        })
    }

    /// Each chord at the velocity it was struck at (on the grid: chords have no timing of
    /// their own), or at `velocity`, in the register it sounded in.
    fn take(
        &self,
        steps: &[TakeStep],
        len_steps: usize,
        steps_per_bar: u32,
        tempo_bpm: f64,
        velocity: u7,
        register: i8,
    ) -> Performance {
        let mut sequence = vec![ChordStep::REST; len_steps];
        for step in steps {
            if step.index >= len_steps {
                continue;
            }
            // A take is voiced once (a call by its first chord, an answer by its window); a
            // step voiced otherwise is moved into the take's register.
            let moved = step.transpose_semitones.saturating_sub(register);
            let previous = match step.index.checked_sub(1) {
                Some(before) => sequence[before]
                    .sounding()
                    .transposed(moved.saturating_neg()),
                None => PitchSet::EMPTY,
            };
            let played = match step.feel {
                Some(StepFeel::Struck(Some(hit))) => hit.velocity,
                _ => velocity,
            };
            sequence[step.index] =
                decode_step(events_of(step.events.ids()), previous, played).transposed(moved);
        }
        Performance::new(ChordSequence {
            steps: sequence,
            steps_per_bar,
            tempo_bpm,
            // What reading would have added to bring the chords into the model's range.
            octave_shift_semitones: register.saturating_neg(),
        })
    }

    fn quantizer(&self) -> Box<dyn Quantize> {
        Box::new(ChordQuantizer::default())
    }

    fn render(
        &self,
        events: StepEvents,
        sounding: Sounding,
        voices: &mut Voices,
        emit: &mut dyn FnMut(u64, VoiceEvent),
    ) -> Option<StepFeel> {
        render::play(events, sounding, voices, emit);
        None
    }

    /// Each pitch from its strike until it stops sounding or is struck again, in 16th steps.
    fn notes(&self, events: &[EventId]) -> Vec<StepNote> {
        let steps = decode_steps(events_of(events), u7::new(DEFAULT_VELOCITY));
        notes_of(&steps)
            .into_iter()
            .map(|note| StepNote {
                key: note.pitch.midi(),
                start_step: note.start_step,
                len_steps: note.end_step - note.start_step,
            })
            .collect()
    }

    fn call_notice(
        &self,
        keys: &[(u4, u7)],
        model_for: &dyn Fn(Family) -> Option<String>,
    ) -> Option<String> {
        call_notice::call_notice(keys, model_for)
    }

    fn roll_rows(&self) -> RollRows {
        RollRows::Pitches
    }
}
