//! The octave move that brings a player's register into the model's: the chorales the model
//! learns from centre on D4, so a call played higher or lower is heard there, and its answer
//! moved back.

use midly::num::u7;

use super::pitch::{HIGHEST, LOWEST};

/// The pitch a call's mean is brought near: the chorales' mean pitch (61.8 over all 365).
pub const CENTRE_PITCH: f64 = 62.0;
/// How far a call's mean pitch may lie from [`CENTRE_PITCH`] and stay where it was played: a
/// little over half an octave, so every chorale (means 56.9–68.2) keeps Bach's register.
pub const MAX_MEAN_DISTANCE: f64 = 7.0;
/// The largest move tried, in octaves: five bring any mean pitch near the centre.
const MAX_OCTAVE_MOVE: i8 = 5;

/// The whole-octave move, in semitones, for notes of `keys` (each note once): of the moves
/// that leave the fewest notes outside the family's range, the smallest that brings their mean
/// pitch within [`MAX_MEAN_DISTANCE`] of [`CENTRE_PITCH`] (upward first); the smallest of
/// them when none does. No notes, no move.
pub fn register_shift(keys: impl Iterator<Item = u7> + Clone) -> i8 {
    let (sum, count) = keys.clone().fold((0u64, 0u64), |(sum, count), key| {
        (sum + u64::from(key.as_int()), count + 1)
    });
    if count == 0 {
        return 0;
    }
    let mean = sum as f64 / count as f64;
    let cost = |octaves: i8| {
        let semitones = 12 * i16::from(octaves);
        let outside = keys
            .clone()
            .filter(|key| {
                let moved = i16::from(key.as_int()) + semitones;
                !(i16::from(LOWEST)..=i16::from(HIGHEST)).contains(&moved)
            })
            .count();
        let far = (mean + f64::from(semitones) - CENTRE_PITCH).abs() > MAX_MEAN_DISTANCE;
        (outside, far)
    };
    let octaves = std::iter::once(0)
        .chain((1..=MAX_OCTAVE_MOVE).flat_map(|octaves| [octaves, -octaves]))
        .min_by_key(|&octaves| cost(octaves))
        .unwrap_or(0);
    12 * octaves
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shift(keys: &[u8]) -> i8 {
        register_shift(keys.iter().map(|&key| u7::new(key)))
    }

    #[test]
    fn calls_move_by_octaves_towards_the_chorales_register() {
        // Around middle C: no move.
        assert_eq!(shift(&[48, 60, 64, 67]), 0);
        assert_eq!(shift(&[57, 69]), 0);
        // A right-hand triad around C5 (mean 76.3) comes down an octave.
        assert_eq!(shift(&[72, 76, 81]), -12);
        // A low left hand (mean 38) goes up two octaves.
        assert_eq!(shift(&[31, 38, 45]), 24);
        // A mean of 54.5 lies more than 7 below 62: up an octave.
        assert_eq!(shift(&[49, 60]), 12);
        assert_eq!(shift(&[50, 60]), 0);
        // Every key at 127 needs four octaves down to fit, and five to reach the centre.
        assert_eq!(shift(&[127, 127]), -60);
        assert_eq!(shift(&[]), 0);
    }

    #[test]
    fn keeping_notes_in_range_comes_before_the_centre() {
        // Mean 72, but an octave down would take 30 out of range.
        assert_eq!(shift(&[30, 84, 84, 90]), 0);
        // 0 and 127 cannot both fit: the first move that fits one of them (up three octaves).
        assert_eq!(shift(&[0, 127]), 36);
    }
}
