//! Drums heard: the drum classes struck on a step (Magenta's `drum_kit`), at any velocity.

use midly::num::u7;

use crate::encoding::StepEvents;
use crate::families::drums::encoding::DrumClass;
use crate::families::drums::sequence::DrumStep;
use crate::hit::Hit;
use crate::live::feel::StepFeel;
use crate::live::quantize::{HeardStep, PendingSteps, Quantize};
use crate::live::voicing::{MeanVelocity, Voicing};

/// The drum hits of the steps not yet closed, and the call's loudness.
#[derive(Debug, Clone, Default)]
pub struct DrumQuantizer {
    pending: PendingSteps<DrumStep>,
    velocity: MeanVelocity,
}

impl Quantize for DrumQuantizer {
    /// A key pressed onto `step`: a hit of its class, if it has one.
    fn press(&mut self, step: i64, key: u7, hit: Hit) {
        if let Some(class) = DrumClass::from_pitch(key) {
            self.pending.at(step).strike(class, hit);
        }
    }

    /// The classes struck on `step`, and how.
    fn close(&mut self, step: i64) -> HeardStep {
        let played = self.pending.take(step);
        for hit in played.hits.iter().flatten() {
            self.velocity.add(hit.velocity);
        }
        HeardStep {
            events: StepEvents::one(played.event().id()),
            feel: StepFeel::Hits(played),
        }
    }

    /// Starts measuring a new call's loudness.
    fn start_call(&mut self) {
        self.velocity = MeanVelocity::default();
    }

    /// Drums play in the kit's own register, at the call's mean velocity.
    fn release(&mut self, _key: u7) {}

    fn sustaining(&self) -> bool {
        false
    }

    fn reset(&mut self) {
        *self = DrumQuantizer::default();
    }

    fn voicing(&self) -> Voicing {
        Voicing {
            transpose_semitones: 0,
            velocity: self.velocity.mean(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::EventId;
    use crate::families::drums::encoding::DrumEvent;

    fn hit(velocity: u8, offset_steps: f32) -> Hit {
        Hit {
            velocity: u7::new(velocity),
            offset_steps,
        }
    }

    #[test]
    fn hits_on_a_step_make_its_event_and_the_voicing_their_mean_velocity() {
        let mut drums = DrumQuantizer::default();
        drums.start_call();
        drums.press(4, u7::new(36), hit(100, -0.25));
        drums.press(4, u7::new(42), hit(60, 0.1));
        // A softer second hat on the same step: the step keeps the louder one's feel.
        drums.press(4, u7::new(44), hit(30, 0.4));
        // Not a drum: heard as nothing.
        drums.press(5, u7::new(100), hit(127, 0.0));
        let kick_hat: DrumEvent = [DrumClass::Kick, DrumClass::ClosedHat]
            .into_iter()
            .collect();
        let heard = drums.close(4);
        assert_eq!(heard.events.ids()[0], kick_hat.id());
        let StepFeel::Hits(played) = heard.feel else {
            panic!("drums are heard as drums: {heard:?}");
        };
        assert_eq!(played.hits[DrumClass::Kick.index()], Some(hit(100, -0.25)));
        assert_eq!(
            played.hits[DrumClass::ClosedHat.index()],
            Some(hit(60, 0.1))
        );
        assert_eq!(played.hits.iter().flatten().count(), 2);
        let quiet = drums.close(5);
        assert_eq!(quiet.events.ids()[0], EventId::QUIET);
        assert_eq!(quiet.feel, StepFeel::Hits(DrumStep::default()));
        assert_eq!(drums.voicing().velocity, u7::new(80));
        assert_eq!(drums.voicing().transpose_semitones, 0);
    }
}
