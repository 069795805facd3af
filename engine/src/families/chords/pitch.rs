//! A pitch the chords family plays: MIDI 28–91, the 64 notes a bit mask of one `u64` holds,
//! wide enough for a keyboard player's two hands and for every voice of Bach's chorales (36–88).

/// Lowest pitch the family plays (E1, a bass guitar's open string).
pub const LOWEST: u8 = 28;
/// Highest pitch the family plays (G6).
pub const HIGHEST: u8 = 91;
/// Number of pitches in the range.
pub const NUM_PITCHES: usize = (HIGHEST - LOWEST + 1) as usize;

/// A pitch in the family's range, `LOWEST..=HIGHEST`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChordPitch(u8);

impl ChordPitch {
    /// MIDI note `midi`, when the family plays it.
    pub fn new(midi: u8) -> Option<ChordPitch> {
        (LOWEST..=HIGHEST)
            .contains(&midi)
            .then_some(ChordPitch(midi))
    }

    /// The pitch `index` places above [`LOWEST`], when in range (`0..NUM_PITCHES`).
    pub fn from_index(index: usize) -> Option<ChordPitch> {
        (index < NUM_PITCHES).then(|| ChordPitch(LOWEST + index as u8))
    }

    /// `semitones` (a MIDI note number, possibly beyond 0–127) moved by whole octaves into the
    /// range: the nearest octave that fits.
    pub fn folded_from(semitones: i32) -> ChordPitch {
        let (lowest, highest) = (i32::from(LOWEST), i32::from(HIGHEST));
        let folded = if semitones < lowest {
            semitones + 12 * ((lowest - semitones + 11) / 12)
        } else if semitones > highest {
            semitones - 12 * ((semitones - highest + 11) / 12)
        } else {
            semitones
        };
        // The range spans more than an octave, so the nearest octave from outside lands inside.
        ChordPitch(folded as u8)
    }

    /// This pitch moved by `semitones`, exactly, when the result stays in range.
    pub fn shifted(self, semitones: i8) -> Option<ChordPitch> {
        u8::try_from(i16::from(self.0) + i16::from(semitones))
            .ok()
            .and_then(ChordPitch::new)
    }

    /// This pitch moved by `semitones`, folded back into the range by octaves when it leaves.
    pub fn transposed(self, semitones: i8) -> ChordPitch {
        ChordPitch::folded_from(i32::from(self.0) + i32::from(semitones))
    }

    /// The MIDI note number.
    pub const fn midi(self) -> u8 {
        self.0
    }

    /// Semitones above [`LOWEST`], `0..NUM_PITCHES`: the pitch's bit in a
    /// [`PitchSet`](super::PitchSet) and its offset in the vocabulary.
    pub const fn index(self) -> usize {
        (self.0 - LOWEST) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_holds_64_pitches_indexed_from_the_lowest() {
        assert_eq!(NUM_PITCHES, 64);
        assert_eq!(ChordPitch::new(27), None);
        assert_eq!(ChordPitch::new(92), None);
        assert_eq!(ChordPitch::new(LOWEST).unwrap().index(), 0);
        assert_eq!(ChordPitch::new(HIGHEST).unwrap().index(), 63);
        for index in 0..NUM_PITCHES {
            assert_eq!(ChordPitch::from_index(index).unwrap().index(), index);
        }
        assert_eq!(ChordPitch::from_index(64), None);
    }

    #[test]
    fn pitches_fold_into_range_by_the_nearest_octave() {
        assert_eq!(ChordPitch::folded_from(60).midi(), 60);
        assert_eq!(ChordPitch::folded_from(27).midi(), 39);
        assert_eq!(ChordPitch::folded_from(92).midi(), 80);
        assert_eq!(ChordPitch::folded_from(127).midi(), 91);
        assert_eq!(ChordPitch::folded_from(0).midi(), 36);
        for semitones in -200..300 {
            let folded = i32::from(ChordPitch::folded_from(semitones).midi());
            assert_eq!((folded - semitones).rem_euclid(12), 0, "{semitones}");
            let closer = folded + 12 * (semitones - folded).signum();
            assert!(
                folded == semitones || !(28..=91).contains(&closer),
                "{semitones}"
            );
        }
    }

    #[test]
    fn shifting_is_exact_and_transposing_folds() {
        let pitch = |midi| ChordPitch::new(midi).unwrap();
        assert_eq!(pitch(60).shifted(7), Some(pitch(67)));
        assert_eq!(pitch(90).shifted(2), None);
        assert_eq!(pitch(29).shifted(-2), None);
        assert_eq!(pitch(90).transposed(2), pitch(80));
        assert_eq!(pitch(29).transposed(-2), pitch(39));
    }
}
