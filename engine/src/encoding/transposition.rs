//! Transposition for training: a melody moved to another key, so the model answers in whatever
//! key is played. Notes leaving the encoding's range fold back in by octaves.

use std::ops::RangeInclusive;

use crate::families::melody::encoding::MelodyEvent;
use crate::rng::SplitMix64;

/// The transpositions drawn, in semitones: one to each of the twelve keys, none more than a
/// tritone away, so a melody moves as little as its new key allows.
pub const TRANSPOSITIONS: RangeInclusive<i8> = -6..=5;

/// Moves every note-on of `events` by `semitones`, folding pitches that leave the range back in
/// by octaves.
pub fn transpose(events: &mut [MelodyEvent], semitones: i8) {
    for event in events {
        *event = event.transposed(semitones);
    }
}

/// One of the [`TRANSPOSITIONS`], uniformly.
pub fn random_transposition(rng: &mut SplitMix64) -> i8 {
    let keys = TRANSPOSITIONS.len();
    TRANSPOSITIONS.start() + rng.below(keys) as i8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::families::melody::encoding::Pitch;

    #[test]
    fn transposing_moves_every_note_on_and_nothing_else() {
        let on = |midi| MelodyEvent::NoteOn(Pitch::new(midi).unwrap());
        let (hold, off) = (MelodyEvent::NoEvent, MelodyEvent::NoteOff);
        let mut events = [on(60), hold, on(81), off, on(50)];
        transpose(&mut events, 5);
        // 81 + 5 = 86 leaves the range and folds down to 74.
        assert_eq!(events, [on(65), hold, on(74), off, on(55)]);
        transpose(&mut events, -6);
        // 55 − 6 = 49 stays; 74 − 6 = 68.
        assert_eq!(events, [on(59), hold, on(68), off, on(49)]);
    }

    #[test]
    fn draws_cover_the_twelve_keys_evenly() {
        let mut rng = SplitMix64::new(9);
        let mut counts = [0usize; 12];
        for _ in 0..12_000 {
            let semitones = random_transposition(&mut rng);
            assert!(TRANSPOSITIONS.contains(&semitones), "{semitones}");
            counts[(semitones - TRANSPOSITIONS.start()) as usize] += 1;
        }
        assert!(
            counts.iter().all(|&n| (850..1150).contains(&n)),
            "{counts:?}"
        );
        // Seeded: the same draws again.
        let draws = |seed| {
            let mut rng = SplitMix64::new(seed);
            (0..20)
                .map(|_| random_transposition(&mut rng))
                .collect::<Vec<i8>>()
        };
        assert_eq!(draws(4), draws(4));
    }
}
