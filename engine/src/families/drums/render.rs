//! A generated drum step played: each class struck for half a step, on the grid line or, with a
//! groove model's feel, at its own velocity and offset.

use crate::encoding::EventId;
use crate::families::drums::encoding::DrumEvent;
use crate::families::drums::sequence::DrumStep;
use crate::hit::Hit;
use crate::live::render::Sounding;
use crate::live::voices::Voices;

/// Strikes `event`'s classes as `sounding` says; the hits wait in `voices` until
/// [`Voices::release_due`] reaches their samples. Returns the hits as they will sound (velocity,
/// and offset from the line once held to `earliest`).
pub(super) fn strike(event: EventId, sounding: Sounding, voices: &mut Voices) -> DrumStep {
    let Sounding {
        at,
        earliest,
        step_samples,
        channel,
        velocity,
        groove,
        ..
    } = sounding;
    let length = (step_samples / 2.0).round() as u64;
    let mut struck = DrumStep::default();
    for class in DrumEvent::from_id(event).unwrap_or_default().classes() {
        let mut hit = match groove {
            Some((values, amount)) => amount.hit(&values, class, velocity),
            None => Hit::on_grid(velocity),
        };
        let shift = (f64::from(hit.offset_steps) * step_samples).round() as i64;
        let wanted = at.saturating_add_signed(shift);
        let start = wanted.max(earliest);
        if start != wanted {
            hit.offset_steps = ((start as f64 - at as f64) / step_samples) as f32;
        }
        let key_velocity = f32::from(hit.velocity.as_int()) / 127.0;
        // Only a hit that found room to wait sounds, and only that is reported.
        if voices.strike_later(start, channel, class.output_pitch(), key_velocity, length) {
            struck.strike(class, hit);
        }
    }
    struck
}
