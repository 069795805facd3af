//! The notes chords play: each pitch from the step it is struck to the step it stops sounding or
//! is struck again, as a MIDI file writes them and the editor draws them.

use midly::num::u7;

use super::pitch::{ChordPitch, NUM_PITCHES};
use super::pitch_set::PitchSet;
use super::step::ChordStep;

/// The velocity of a note that starts on a step where nothing is struck (a step built by hand
/// to hold a pitch that did not sound before): mezzo-forte.
const HELD_FROM_NOWHERE_VELOCITY: u7 = u7::new(64);

/// One note of a run of steps, in the model's pitches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChordNote {
    /// Its pitch.
    pub pitch: ChordPitch,
    /// The step it starts on.
    pub start_step: usize,
    /// The step it ends before.
    pub end_step: usize,
    /// The velocity of the step it starts on.
    pub velocity: u7,
}

/// The notes of `steps`, from step 0, in order of their ends (highest first of those ending
/// together). A note starts where its pitch is struck (or sounds without having sounded on the
/// step before), at that step's velocity (64 when nothing is struck there), and lasts until its
/// pitch stops sounding or is struck again.
pub fn notes_of(steps: &[ChordStep]) -> Vec<ChordNote> {
    // The start step and velocity of the note sounding on each pitch of `sounding`.
    let mut started = [(0, u7::new(0)); NUM_PITCHES];
    let mut sounding = PitchSet::EMPTY;
    let mut notes = Vec::new();
    let note = |pitch: ChordPitch, (start_step, velocity): (usize, u7), end_step| ChordNote {
        pitch,
        start_step,
        end_step,
        velocity,
    };
    for (index, step) in steps.iter().enumerate() {
        let continuing = sounding.intersection(step.sounding().difference(step.struck()));
        for pitch in sounding.difference(continuing) {
            notes.push(note(pitch, started[pitch.index()], index));
        }
        let velocity = step.velocity().unwrap_or(HELD_FROM_NOWHERE_VELOCITY);
        for pitch in step.sounding().difference(continuing) {
            started[pitch.index()] = (index, velocity);
        }
        sounding = step.sounding();
    }
    for pitch in sounding {
        notes.push(note(pitch, started[pitch.index()], steps.len()));
    }
    notes
}
