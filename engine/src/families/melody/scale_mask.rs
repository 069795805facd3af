//! Which melody events a scale allows: the sampler gives the others zero probability, so every
//! note of an answer is in the scale.

use crate::encoding::scale::{Scale, Tonic};
use crate::families::melody::encoding::{MAX_PITCH, MIN_PITCH, MelodyEvent, NUM_EVENTS, Pitch};

/// For each melody event id, whether `scale` on `tonic` allows it: no event and note-off always,
/// a note-on when its pitch class is in the scale. `None` for [`Scale::Off`], which allows
/// everything.
pub fn scale_mask(tonic: Tonic, scale: Scale) -> Option<[bool; NUM_EVENTS]> {
    if scale == Scale::Off {
        return None;
    }
    let mut mask = [true; NUM_EVENTS];
    for pitch in (MIN_PITCH..=MAX_PITCH).filter_map(Pitch::new) {
        mask[MelodyEvent::NoteOn(pitch).id().index()] = scale.contains(tonic, pitch.class());
    }
    Some(mask)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mask_allows_rests_releases_and_in_scale_pitches() {
        let g = Tonic::parse("G").unwrap();
        let mask = scale_mask(g, Scale::Major).unwrap();
        assert!(mask[MelodyEvent::NoEvent.id().index()]);
        assert!(mask[MelodyEvent::NoteOff.id().index()]);
        let allowed = |midi| mask[MelodyEvent::NoteOn(Pitch::new(midi).unwrap()).id().index()];
        // G major has F♯, not F, in every octave of the range.
        for f_sharp in [54, 66, 78] {
            assert!(allowed(f_sharp));
            assert!(!allowed(f_sharp - 1));
        }
        // Seven classes in each of three octaves, and the two non-notes.
        assert_eq!(mask.iter().filter(|&&allowed| allowed).count(), 2 + 3 * 7);

        let blues = scale_mask(Tonic::parse("E").unwrap(), Scale::Blues).unwrap();
        assert_eq!(blues.iter().filter(|&&allowed| allowed).count(), 2 + 3 * 6);

        for tonic in Tonic::ALL {
            assert_eq!(scale_mask(tonic, Scale::Off), None);
            for scale in Scale::ALL.into_iter().skip(1) {
                let mask = scale_mask(tonic, scale).unwrap();
                for pitch in 48..=83 {
                    let id = MelodyEvent::NoteOn(Pitch::new(pitch).unwrap()).id();
                    assert_eq!(mask[id.index()], scale.contains(tonic, pitch % 12));
                }
            }
        }
    }
}
