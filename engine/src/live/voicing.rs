//! How an answer is voiced, taken from the call it answers: the register the player played in
//! and how hard. The model thinks in its own register (a melody's pitches 48–83); the answer is
//! played back where the player plays.

use midly::num::u7;

/// The voicing of one response window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Voicing {
    /// Semitones between the model's pitches and the player's (whole octaves; 0 for drums).
    pub transpose_semitones: i8,
    /// The call's mean velocity, for the answer when the Velocity parameter says "as played".
    pub velocity: u7,
}

impl Default for Voicing {
    fn default() -> Self {
        Voicing {
            transpose_semitones: 0,
            velocity: u7::new(100),
        }
    }
}

/// Sums the velocities of a call's notes as they are heard, for [`Voicing::velocity`].
#[derive(Debug, Clone, Copy, Default)]
pub struct MeanVelocity {
    sum: u32,
    notes: u32,
}

impl MeanVelocity {
    /// Counts one note.
    pub fn add(&mut self, velocity: u7) {
        self.sum += u32::from(velocity.as_int());
        self.notes += 1;
    }

    /// The mean so far (100 before any note).
    pub fn mean(&self) -> u7 {
        match self.notes {
            0 => Voicing::default().velocity,
            notes => u7::new(((self.sum + notes / 2) / notes).clamp(1, 127) as u8),
        }
    }
}
