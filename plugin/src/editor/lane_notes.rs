//! What a lane's reported steps sound as, in the family of the model that heard or played them
//! (drum hits a step long, a melody's notes held until the line's next note-on or note-off), at
//! the key they sounded (a pitch: the model's moved by the step's voicing). No drawing here.

use std::ops::Range;

use antiphon_engine::encoding::{EventId, StepEvents};
use antiphon_engine::families::Family;
use antiphon_engine::live::feel::StepFeel;
use antiphon_engine::live::voicing::Voicing;
use antiphon_engine::midly::num::u7;

/// One step of a lane as the performer reported it: the model's event, and how it was voiced
/// (a melody's register and the loudness it was played at).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LaneStep {
    /// The step's events, in the vocabulary of the session's family.
    pub events: StepEvents,
    /// The call's or the response window's voicing.
    pub voicing: Voicing,
    /// How the player played it (a call's step); `None` for a step played on the grid.
    pub feel: Option<StepFeel>,
}

/// One note of a lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LaneNote {
    /// The step it starts on.
    pub start_step: i64,
    /// The step it ends before (a drum hit lasts its one step).
    pub end_step: i64,
    /// The MIDI key it sounded (a drum's key, or a pitch in the player's register): its row.
    pub key: u7,
}

/// The notes of `steps` (a lane's reported steps in order, each inside `range`), read as
/// `family` events. A held note sounds until its family ends it, or the end of `range`.
pub fn notes(
    family: Family,
    steps: impl IntoIterator<Item = (i64, LaneStep)>,
    range: Range<i64>,
) -> Vec<LaneNote> {
    let len = usize::try_from(range.end - range.start).unwrap_or(0);
    let per_step = family.events_per_step();
    let mut events = vec![EventId::QUIET; len * per_step];
    let mut transposes = vec![0i8; len];
    for (step, lane_step) in steps {
        let Some(index) = usize::try_from(step - range.start)
            .ok()
            .filter(|&index| index < len)
        else {
            continue;
        };
        let ids = lane_step.events.ids();
        events[index * per_step..index * per_step + ids.len().min(per_step)]
            .copy_from_slice(&ids[..ids.len().min(per_step)]);
        transposes[index] = lane_step.voicing.transpose_semitones;
    }
    family
        .notes(&events)
        .into_iter()
        .map(|note| {
            // As the renderer sounds it: the model's pitch moved into the player's register.
            let played = if family.pitched() {
                i16::from(note.key) + i16::from(transposes[note.start_step])
            } else {
                i16::from(note.key)
            };
            let start_step = range.start + note.start_step as i64;
            LaneNote {
                start_step,
                end_step: start_step + note.len_steps as i64,
                key: u7::new(played.clamp(0, 127) as u8),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use antiphon_engine::families::drums::encoding::{DrumClass, DrumEvent};
    use antiphon_engine::families::melody::encoding::{MelodyEvent, Pitch};
    use antiphon_engine::live::voicing::Voicing;

    use super::*;

    fn step(event: MelodyEvent, transpose_semitones: i8) -> LaneStep {
        LaneStep {
            events: StepEvents::one(event.id()),
            voicing: Voicing {
                transpose_semitones,
                ..Voicing::default()
            },
            feel: None,
        }
    }

    fn on(midi: u8) -> MelodyEvent {
        MelodyEvent::NoteOn(Pitch::new(midi).unwrap())
    }

    fn pitch(midi: u8) -> u7 {
        u7::new(midi)
    }

    #[test]
    fn melodic_notes_hold_until_the_next_event_or_the_end_at_their_played_pitch() {
        // Played an octave below the model's register: C4 on step 10 cut by E4 on 13, released
        // on 15; G4 from 18 still sounding when the range ends at 22.
        let steps = [
            (10, step(on(72), -12)),
            (13, step(on(76), -12)),
            (15, step(MelodyEvent::NoteOff, -12)),
            (18, step(on(79), -12)),
        ];
        let notes = notes(Family::MELODY, steps, 8..22);
        let expected =
            [(10, 13, 60), (13, 15, 64), (18, 22, 67)].map(|(start, end, midi)| LaneNote {
                start_step: start,
                end_step: end,
                key: pitch(midi),
            });
        assert_eq!(notes, expected);
    }

    #[test]
    fn steps_outside_the_range_are_left_out() {
        let steps = [(2, step(on(60), 0)), (5, step(on(62), 0))];
        let notes = notes(Family::MELODY, steps, 4..8);
        assert_eq!(
            notes,
            [LaneNote {
                start_step: 5,
                end_step: 8,
                key: pitch(62)
            }]
        );
        assert!(super::notes(Family::MELODY, steps, 8..8).is_empty());
    }

    #[test]
    fn drum_steps_are_one_step_hits_per_class() {
        let kick_and_hat = DrumEvent::REST
            .with(DrumClass::Kick)
            .with(DrumClass::ClosedHat);
        let steps = [(
            6,
            LaneStep {
                events: StepEvents::one(kick_and_hat.id()),
                voicing: Voicing::default(),
                feel: None,
            },
        )];
        let notes = notes(Family::DRUMS, steps, 0..16);
        assert_eq!(notes.len(), 2);
        assert!(
            notes
                .iter()
                .all(|note| note.start_step == 6 && note.end_step == 7)
        );
        assert!(
            notes
                .iter()
                .any(|n| n.key == DrumClass::Kick.output_pitch())
        );
        assert!(
            notes
                .iter()
                .any(|n| n.key == DrumClass::ClosedHat.output_pitch())
        );
    }
}
