//! The melody family: Magenta's melody encoding, one line in the player's register, each note
//! held until the line's next note-on or note-off.

mod call_notice;
pub mod encoding;
mod played;
mod quantize;
pub mod read;
pub mod scale_mask;
pub mod sequence;
pub mod write;

use midly::num::{u4, u7};

use crate::encoding::key::{KeyChoice, pitch_class_durations};
use crate::encoding::scale::Scale;
use crate::encoding::transposition::random_transposition;
use crate::encoding::{EventId, StepEvents};
use crate::families::melody::encoding::{MelodyEvent, NUM_EVENTS, note_spans};
use crate::families::melody::read::read_melody;
use crate::families::melody::scale_mask::scale_mask;
use crate::families::melody::sequence::{MelodySequence, MelodyStep};
use crate::families::{Family, ModelFamily, RollRows, StepNote, TakeStep};
use crate::live::feel::StepFeel;
use crate::live::quantize::Quantize;
use crate::live::render::Sounding;
use crate::live::voices::{NoteLength, VoiceEvent, Voices};
use crate::midi_file::MidiFileError;
use crate::performance::{Performance, ReadReport};
use crate::rng::SplitMix64;

impl Family {
    /// Melody.
    pub const MELODY: Family = Family::new(&Melody);
}

/// The melody family.
struct Melody;

impl ModelFamily for Melody {
    fn name(&self) -> &'static str {
        "melody"
    }

    fn encoding(&self) -> &'static str {
        "melody"
    }

    fn vocab_size(&self) -> usize {
        NUM_EVENTS
    }

    fn card_title(&self) -> &'static str {
        "melody"
    }

    fn card_vocabulary(&self) -> &'static str {
        "melody encoding (38 step events"
    }

    fn hits(&self, event: EventId) -> usize {
        usize::from(matches!(
            MelodyEvent::from_id(event),
            Some(MelodyEvent::NoteOn(_))
        ))
    }

    fn held_over(&self, before: &[EventId], bar: &[EventId]) -> bool {
        let sounding = before
            .iter()
            .rev()
            .find_map(|&id| match MelodyEvent::from_id(id) {
                Some(MelodyEvent::NoEvent) | None => None,
                Some(event) => Some(matches!(event, MelodyEvent::NoteOn(_))),
            })
            .unwrap_or(false);
        sounding && bar.iter().take(2).all(|id| id.is_quiet())
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

    fn answer_mask(&self, key: KeyChoice, scale: Scale, heard: &[EventId]) -> Option<Vec<bool>> {
        let heard: Vec<MelodyEvent> = heard
            .iter()
            .filter_map(|&id| MelodyEvent::from_id(id))
            .collect();
        let heard = pitch_class_durations(&heard);
        scale_mask(key.tonic(scale, &heard), scale).map(|mask| mask.to_vec())
    }

    /// Moves the notes by `semitones`, folded back into range by octaves.
    fn transpose(&self, window: &mut [EventId], semitones: i8) {
        for id in window {
            if let Some(event) = MelodyEvent::from_id(*id) {
                *id = event.transposed(semitones).id();
            }
        }
    }

    /// Moves the window to one of the twelve keys, so the model answers in whatever key is
    /// played.
    fn augment(&self, window: &mut [EventId], rng: &mut SplitMix64) {
        self.transpose(window, random_transposition(rng));
    }

    fn read(&self, bytes: &[u8]) -> Result<(Performance, ReadReport), MidiFileError> {
        let read = read_melody(bytes)?;
        let report = ReadReport {
            notes: read.notes,
            dropped_why: "under a higher note on the same 16th (a melody is its top line)",
            range: "48–83",
            dropped_notes: read.dropped_notes,
            folded_notes: read.folded_notes,
            ..ReadReport::default()
        };
        Ok((Performance::new(read.sequence), report))
    }

    fn empty(&self, steps_per_bar: u32, tempo_bpm: f64) -> Performance {
        Performance::new(MelodySequence {
            steps: Vec::new(),
            steps_per_bar,
            tempo_bpm,
            octave_shift_semitones: 0,
        })
    }

    /// Each note at the velocity it was played at (on the grid: a melody has no timing of its
    /// own), or at `velocity`, in the register it sounded in.
    fn take(
        &self,
        steps: &[TakeStep],
        len_steps: usize,
        steps_per_bar: u32,
        tempo_bpm: f64,
        velocity: u7,
        register: i8,
    ) -> Performance {
        let mut sequence = vec![MelodyStep::NoEvent; len_steps];
        for step in steps {
            if let Some(slot) = sequence.get_mut(step.index) {
                // A take is voiced once (a call by its first note, an answer by its window); a
                // step voiced otherwise is moved into the take's register.
                let moved = step.transpose_semitones.saturating_sub(register);
                let event =
                    MelodyEvent::from_id(step.events.ids().first().copied().unwrap_or_default())
                        .unwrap_or_default()
                        .transposed(moved);
                let played = match step.feel {
                    Some(StepFeel::Struck(Some(hit))) => hit.velocity,
                    _ => velocity,
                };
                *slot = MelodyStep::new(event, played);
            }
        }
        Performance::new(MelodySequence {
            steps: sequence,
            steps_per_bar,
            tempo_bpm,
            // What reading would have added to bring the melody into the model's range.
            octave_shift_semitones: register.saturating_neg(),
        })
    }

    fn quantizer(&self) -> Box<dyn Quantize> {
        Box::new(quantize::MelodyQuantizer::default())
    }

    /// A note-on ends the sounding note and holds its own (moved into the player's register);
    /// a note-off ends it.
    fn render(
        &self,
        events: StepEvents,
        sounding: Sounding,
        voices: &mut Voices,
        emit: &mut dyn FnMut(u64, VoiceEvent),
    ) -> Option<StepFeel> {
        let at = sounding.at;
        let event = events.ids().first().copied().unwrap_or(EventId::QUIET);
        match MelodyEvent::from_id(event).unwrap_or_default() {
            MelodyEvent::NoteOn(pitch) => {
                voices.end_held(at, &mut *emit);
                let key = (i16::from(pitch.midi()) + i16::from(sounding.transpose_semitones))
                    .clamp(0, 127);
                let velocity = f32::from(sounding.velocity.as_int()) / 127.0;
                voices.start_generated(
                    at,
                    sounding.channel,
                    u7::new(key as u8),
                    velocity,
                    NoteLength::Held,
                    emit,
                );
            }
            MelodyEvent::NoteOff => voices.end_held(at, emit),
            MelodyEvent::NoEvent => {}
        }
        None
    }

    fn notes(&self, events: &[EventId]) -> Vec<StepNote> {
        let melody = events
            .iter()
            .map(|&id| MelodyEvent::from_id(id).unwrap_or_default());
        note_spans(melody)
            .map(|span| StepNote {
                key: span.pitch.midi(),
                start_step: span.start_step,
                len_steps: span.len_steps,
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
