//! A set of the family's pitches as one `u64`, bit `i` for the pitch `i` semitones above the
//! lowest: `Copy`, no allocation, so the audio thread can hold one per step.

use super::pitch::ChordPitch;

/// A set of pitches in the family's range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PitchSet(u64);

impl PitchSet {
    /// No pitch.
    pub const EMPTY: PitchSet = PitchSet(0);

    /// Whether `pitch` is in the set.
    pub const fn contains(self, pitch: ChordPitch) -> bool {
        self.0 & bit(pitch) != 0
    }

    /// Adds `pitch`; whether it was not there before.
    pub fn insert(&mut self, pitch: ChordPitch) -> bool {
        let added = !self.contains(pitch);
        self.0 |= bit(pitch);
        added
    }

    /// Removes `pitch`; whether it was there.
    pub fn remove(&mut self, pitch: ChordPitch) -> bool {
        let removed = self.contains(pitch);
        self.0 &= !bit(pitch);
        removed
    }

    /// How many pitches the set holds.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set holds no pitch.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The highest pitch, if any.
    pub fn highest(self) -> Option<ChordPitch> {
        self.iter().next()
    }

    /// The lowest pitch, if any.
    pub fn lowest(self) -> Option<ChordPitch> {
        // An empty set has 64 trailing zeros, an index beyond the range.
        ChordPitch::from_index(self.0.trailing_zeros() as usize)
    }

    /// The pitches, highest first.
    pub const fn iter(self) -> Pitches {
        Pitches(self.0)
    }

    /// The pitches in either set.
    pub const fn union(self, other: PitchSet) -> PitchSet {
        PitchSet(self.0 | other.0)
    }

    /// The pitches in both sets.
    pub const fn intersection(self, other: PitchSet) -> PitchSet {
        PitchSet(self.0 & other.0)
    }

    /// The pitches in `self` but not in `other`.
    pub const fn difference(self, other: PitchSet) -> PitchSet {
        PitchSet(self.0 & !other.0)
    }

    /// Whether every pitch of `self` is in `other`.
    pub const fn is_subset(self, other: PitchSet) -> bool {
        self.0 & !other.0 == 0
    }

    /// Every pitch moved by `semitones`, exactly, when all stay in range.
    pub fn shifted(self, semitones: i8) -> Option<PitchSet> {
        let by = u32::from(semitones.unsigned_abs());
        if self.is_empty() {
            Some(self)
        } else if semitones >= 0 {
            (self.0.leading_zeros() >= by).then(|| PitchSet(self.0 << by))
        } else {
            (self.0.trailing_zeros() >= by).then(|| PitchSet(self.0 >> by))
        }
    }

    /// Every pitch moved by `semitones`, those leaving the range folded back in by octaves;
    /// pitches landing on one another merge, so the set may shrink.
    pub fn transposed(self, semitones: i8) -> PitchSet {
        self.shifted(semitones).unwrap_or_else(|| {
            self.iter()
                .map(|pitch| pitch.transposed(semitones))
                .collect()
        })
    }
}

/// The bit of `pitch`.
const fn bit(pitch: ChordPitch) -> u64 {
    1 << pitch.index()
}

impl FromIterator<ChordPitch> for PitchSet {
    fn from_iter<I: IntoIterator<Item = ChordPitch>>(pitches: I) -> PitchSet {
        let mut set = PitchSet::EMPTY;
        for pitch in pitches {
            set.insert(pitch);
        }
        set
    }
}

impl IntoIterator for PitchSet {
    type Item = ChordPitch;
    type IntoIter = Pitches;

    fn into_iter(self) -> Pitches {
        self.iter()
    }
}

/// The pitches of a [`PitchSet`], highest first.
#[derive(Debug, Clone, Copy)]
pub struct Pitches(u64);

impl Iterator for Pitches {
    type Item = ChordPitch;

    fn next(&mut self) -> Option<ChordPitch> {
        if self.0 == 0 {
            return None;
        }
        let index = 63 - self.0.leading_zeros() as usize;
        self.0 &= !(1 << index);
        ChordPitch::from_index(index)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let len = self.0.count_ones() as usize;
        (len, Some(len))
    }
}

impl ExactSizeIterator for Pitches {}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(midis: &[u8]) -> PitchSet {
        midis
            .iter()
            .map(|&midi| ChordPitch::new(midi).unwrap())
            .collect()
    }

    fn midis(set: PitchSet) -> Vec<u8> {
        set.iter().map(ChordPitch::midi).collect()
    }

    #[test]
    fn inserts_removes_and_iterates_highest_first() {
        let mut chord = PitchSet::EMPTY;
        assert!(chord.is_empty());
        let pitch = |midi| ChordPitch::new(midi).unwrap();
        assert!(chord.insert(pitch(60)));
        assert!(chord.insert(pitch(91)));
        assert!(chord.insert(pitch(28)));
        assert!(!chord.insert(pitch(60)));
        assert_eq!(chord.len(), 3);
        assert_eq!(chord.iter().len(), 3);
        assert_eq!(midis(chord), [91, 60, 28]);
        assert_eq!(chord.highest(), Some(pitch(91)));
        assert_eq!(chord.lowest(), Some(pitch(28)));
        assert!(chord.contains(pitch(28)));
        assert!(!chord.contains(pitch(29)));
        assert!(chord.remove(pitch(91)));
        assert!(!chord.remove(pitch(91)));
        assert_eq!(midis(chord), [60, 28]);
        assert_eq!(PitchSet::EMPTY.highest(), None);
        assert_eq!(PitchSet::EMPTY.lowest(), None);
    }

    #[test]
    fn set_algebra() {
        let c_major = set(&[60, 64, 67]);
        let c = set(&[60]);
        assert_eq!(midis(c_major.union(set(&[72]))), [72, 67, 64, 60]);
        assert_eq!(midis(c_major.difference(c)), [67, 64]);
        assert!(c.is_subset(c_major));
        assert!(!c_major.is_subset(c));
        assert!(PitchSet::EMPTY.is_subset(c));
    }

    #[test]
    fn shifting_fails_at_the_edges_and_transposing_folds_and_merges() {
        let chord = set(&[40, 52, 88]);
        assert_eq!(chord.shifted(3), Some(set(&[43, 55, 91])));
        assert_eq!(chord.shifted(4), None);
        assert_eq!(chord.shifted(-12), Some(set(&[28, 40, 76])));
        assert_eq!(chord.shifted(-13), None);
        assert_eq!(PitchSet::EMPTY.shifted(100), Some(PitchSet::EMPTY));
        // 88 + 4 = 92 folds down to 80.
        assert_eq!(chord.transposed(4), set(&[44, 56, 80]));
        // 40 − 13 = 27 folds up to 39; 52 − 13 = 39 too: the two merge.
        assert_eq!(chord.transposed(-13), set(&[39, 75]));
    }
}
