//! What Key and Scale leave an answer: every note's pitch in the scale, the key found (for Auto)
//! from how long each pitch class sounds in the chords heard.

use super::encoding::{ChordEvent, NUM_EVENTS};
use super::pitch::ChordPitch;
use super::pitch::{HIGHEST, LOWEST};
use super::step::ChordStep;
use crate::encoding::scale::{Scale, Tonic};

/// How many steps each pitch class (0 is C) sounds in `steps`, every voice counted.
pub fn pitch_class_durations(steps: &[ChordStep]) -> [f64; 12] {
    let mut durations = [0.0; 12];
    for pitch in steps.iter().flat_map(|step| step.sounding()) {
        durations[usize::from(pitch.midi() % 12)] += 1.0;
    }
    durations
}

/// For each event id, whether `scale` on `tonic` allows it: a step end always, a new or
/// continued note when its pitch class is in the scale. `None` for [`Scale::Off`], which allows
/// everything.
pub fn scale_mask(tonic: Tonic, scale: Scale) -> Option<[bool; NUM_EVENTS]> {
    if scale == Scale::Off {
        return None;
    }
    let mut mask = [true; NUM_EVENTS];
    for pitch in (LOWEST..=HIGHEST).filter_map(ChordPitch::new) {
        let allowed = scale.contains(tonic, pitch.midi() % 12);
        mask[ChordEvent::NewNote(pitch).id().index()] = allowed;
        mask[ChordEvent::ContinuedNote(pitch).id().index()] = allowed;
    }
    Some(mask)
}

#[cfg(test)]
mod tests {
    use midly::num::u7;

    use super::*;
    use crate::encoding::EventId;
    use crate::encoding::key::KeyChoice;
    use crate::families::Family;
    use crate::families::chords::pitch_set::PitchSet;
    use crate::families::chords::read::read_chords_file;
    use crate::families::chords::read::tests::chorale_fixture;

    #[test]
    fn the_mask_keeps_only_scale_pitches_and_step_ends() {
        let g = Tonic::parse("G").unwrap();
        let mask = scale_mask(g, Scale::Major).unwrap();
        assert!(mask[ChordEvent::StepEnd.id().index()]);
        for (id, &allowed) in mask.iter().enumerate().skip(1) {
            let pitch = ChordEvent::from_id(EventId::new(id))
                .unwrap()
                .pitch()
                .unwrap();
            assert_eq!(allowed, Scale::Major.contains(g, pitch.midi() % 12), "{id}");
        }
        // Seven classes in each of 64 pitches' five octaves and a third (28–91: E to G), new
        // and continued, and the step end.
        let in_scale = (LOWEST..=HIGHEST)
            .filter(|pitch| Scale::Major.contains(g, pitch % 12))
            .count();
        assert_eq!(in_scale, 38);
        assert_eq!(
            mask.iter().filter(|&&allowed| allowed).count(),
            1 + 2 * in_scale
        );
        assert_eq!(scale_mask(g, Scale::Off), None);
    }

    #[test]
    fn an_answer_to_a_chorale_keeps_to_its_key() {
        // BWV 66.6 is in F♯ minor (three sharps): the mask for its natural minor allows every
        // note but its few chromatic ones, and the family finds the key itself.
        let sequence = read_chords_file(&chorale_fixture("bwv66.6.mid"))
            .unwrap()
            .sequence;
        let durations = pitch_class_durations(&sequence.steps);
        let f_sharp = Tonic::parse("F#").unwrap();
        assert_eq!(
            KeyChoice::Auto.tonic(Scale::NaturalMinor, &durations),
            f_sharp
        );
        let heard: Vec<EventId> = sequence.ids().collect();
        let mask = Family::CHORDS
            .answer_mask(KeyChoice::Auto, Scale::NaturalMinor, &heard)
            .unwrap();
        assert_eq!(
            mask[..],
            scale_mask(f_sharp, Scale::NaturalMinor).unwrap()[..]
        );
        let allowed = heard.iter().filter(|id| mask[id.index()]).count();
        assert!(
            allowed * 100 > heard.len() * 95,
            "{allowed} of {}",
            heard.len()
        );
        // A held C major triad: C.
        let triad: PitchSet = [60, 64, 67]
            .into_iter()
            .filter_map(ChordPitch::new)
            .collect();
        let steps = [ChordStep::new(PitchSet::EMPTY, triad, u7::new(80)); 4];
        assert_eq!(
            KeyChoice::Auto
                .tonic(Scale::Major, &pitch_class_durations(&steps))
                .name(),
            "C"
        );
        assert_eq!(
            Family::CHORDS.answer_mask(KeyChoice::Auto, Scale::Off, &heard),
            None
        );
    }
}
