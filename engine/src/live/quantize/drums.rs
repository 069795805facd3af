//! Drums heard: the drum classes struck on a step (Magenta's `drum_kit`), at any velocity.

use midly::num::u7;

use super::PendingSteps;
use crate::encoding::EventId;
use crate::encoding::drums::DrumClass;
use crate::live::voicing::{MeanVelocity, Voicing};
use crate::sequence::{DrumHit, DrumStep};

/// The drum hits of the steps not yet closed, and the call's loudness.
#[derive(Debug, Clone, Default)]
pub struct DrumQuantizer {
    pending: PendingSteps<DrumStep>,
    velocity: MeanVelocity,
}

impl DrumQuantizer {
    /// A key pressed onto `step`: a hit of its class, if it has one.
    pub fn press(&mut self, step: i64, key: u7, velocity: u7) {
        if let Some(class) = DrumClass::from_pitch(key) {
            self.pending.at(step).strike(
                class,
                DrumHit {
                    velocity,
                    offset_steps: 0.0,
                },
            );
        }
    }

    /// The classes struck on `step`.
    pub fn close(&mut self, step: i64) -> EventId {
        let played = self.pending.take(step);
        for hit in played.hits.iter().flatten() {
            self.velocity.add(hit.velocity);
        }
        played.event().id()
    }

    /// Starts measuring a new call's loudness.
    pub fn start_call(&mut self) {
        self.velocity = MeanVelocity::default();
    }

    /// Drums play in the kit's own register, at the call's mean velocity.
    pub fn voicing(&self) -> Voicing {
        Voicing {
            transpose_semitones: 0,
            velocity: self.velocity.mean(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::drums::DrumEvent;

    #[test]
    fn hits_on_a_step_make_its_event_and_the_voicing_their_mean_velocity() {
        let mut drums = DrumQuantizer::default();
        drums.start_call();
        drums.press(4, u7::new(36), u7::new(100));
        drums.press(4, u7::new(42), u7::new(60));
        // Not a drum: heard as nothing.
        drums.press(5, u7::new(100), u7::new(127));
        let kick_hat: DrumEvent = [DrumClass::Kick, DrumClass::ClosedHat]
            .into_iter()
            .collect();
        assert_eq!(drums.close(4), kick_hat.id());
        assert_eq!(drums.close(5), EventId::QUIET);
        assert_eq!(drums.voicing().velocity, u7::new(80));
        assert_eq!(drums.voicing().transpose_semitones, 0);
    }
}
