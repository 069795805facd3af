//! The drums family: Magenta's `drum_kit` encoding, a drummer's performance with its feel, and
//! its hits struck for half a step each.

mod call_notice;
pub mod encoding;
mod played;
mod quantize;
pub mod read;
mod render;
pub mod sequence;
pub mod write;

use midly::num::{u4, u7};

use crate::encoding::key::KeyChoice;
use crate::encoding::scale::Scale;
use crate::encoding::{EventId, StepEvents};
use crate::families::drums::encoding::{DrumClass, DrumEvent, NUM_CLASSES, NUM_EVENTS};
use crate::families::drums::read::read_drums;
use crate::families::drums::sequence::{DrumSequence, DrumStep};
use crate::families::{Family, ModelFamily, RollRows, StepNote, TakeStep};
use crate::live::feel::StepFeel;
use crate::live::quantize::Quantize;
use crate::live::render::Sounding;
use crate::live::voices::{VoiceEvent, Voices};
use crate::midi_file::{GM_DRUM_CHANNEL, MidiFileError};
use crate::performance::{Performance, ReadReport};
use crate::rng::SplitMix64;

impl Family {
    /// Drums.
    pub const DRUMS: Family = Family::new(&Drums);
}

/// The drums family.
struct Drums;

/// A roll's rows: every class in the encoding's order, with the key it is played with.
const ROWS: [(&str, u8); NUM_CLASSES] = {
    let mut rows = [("", 0); NUM_CLASSES];
    let mut row = 0;
    while row < NUM_CLASSES {
        let class = DrumClass::ALL[row];
        rows[row] = (class.name(), class.pitches()[0]);
        row += 1;
    }
    rows
};

impl ModelFamily for Drums {
    fn name(&self) -> &'static str {
        "drums"
    }

    fn encoding(&self) -> &'static str {
        "drum_kit"
    }

    fn vocab_size(&self) -> usize {
        NUM_EVENTS
    }

    fn card_title(&self) -> &'static str {
        "drum"
    }

    fn card_vocabulary(&self) -> &'static str {
        "`drum_kit` encoding (512 step events"
    }

    fn hits(&self, event: EventId) -> usize {
        DrumEvent::from_id(event).map_or(0, |e| e.classes().count())
    }

    fn held_over(&self, _before: &[EventId], _bar: &[EventId]) -> bool {
        // A drum's hit is over on its step.
        false
    }

    fn pitched(&self) -> bool {
        false
    }

    fn plays_feel(&self) -> bool {
        true
    }

    fn fixed_channel(&self) -> Option<u4> {
        Some(u4::new(GM_DRUM_CHANNEL))
    }

    fn answer_mask(&self, _: KeyChoice, _: Scale, _: &[EventId]) -> Option<Vec<bool>> {
        None
    }

    fn transpose(&self, _window: &mut [EventId], _semitones: i8) {}

    fn augment(&self, _window: &mut [EventId], _rng: &mut SplitMix64) {}

    fn read(&self, bytes: &[u8]) -> Result<(Performance, ReadReport), MidiFileError> {
        let read = read_drums(bytes)?;
        let report = ReadReport {
            kit: read.kit,
            ..ReadReport::default()
        };
        Ok((Performance::new(read.sequence), report))
    }

    fn empty(&self, steps_per_bar: u32, tempo_bpm: f64) -> Performance {
        Performance::new(DrumSequence {
            steps: Vec::new(),
            steps_per_bar,
            tempo_bpm,
        })
    }

    /// Each step's hits as played, or its classes on the grid at `velocity`.
    fn take(
        &self,
        steps: &[TakeStep],
        len_steps: usize,
        steps_per_bar: u32,
        tempo_bpm: f64,
        velocity: u7,
        _register: i8,
    ) -> Performance {
        let mut sequence = vec![DrumStep::default(); len_steps];
        for step in steps {
            if let Some(slot) = sequence.get_mut(step.index) {
                *slot = match step.feel {
                    Some(StepFeel::Hits(played)) => played,
                    _ => DrumStep::from_event(
                        DrumEvent::from_id(step.events.ids().first().copied().unwrap_or_default())
                            .unwrap_or_default(),
                        velocity,
                    ),
                };
            }
        }
        Performance::new(DrumSequence {
            steps: sequence,
            steps_per_bar,
            tempo_bpm,
        })
    }

    fn quantizer(&self) -> Box<dyn Quantize> {
        Box::new(quantize::DrumQuantizer::default())
    }

    fn render(
        &self,
        events: StepEvents,
        sounding: Sounding,
        voices: &mut Voices,
        _emit: &mut dyn FnMut(u64, VoiceEvent),
    ) -> Option<StepFeel> {
        let event = events.ids().first().copied().unwrap_or(EventId::QUIET);
        Some(StepFeel::Hits(render::strike(event, sounding, voices)))
    }

    fn notes(&self, events: &[EventId]) -> Vec<StepNote> {
        events
            .iter()
            .enumerate()
            .flat_map(|(step, &id)| {
                DrumEvent::from_id(id)
                    .unwrap_or_default()
                    .classes()
                    .map(move |class| StepNote {
                        key: class.pitches()[0],
                        start_step: step,
                        len_steps: 1,
                    })
            })
            .collect()
    }

    fn call_notice(
        &self,
        keys: &[(u4, u7)],
        model_for: &dyn Fn(Family) -> Option<String>,
    ) -> Option<String> {
        call_notice::call_notice(keys, model_for)
    }

    fn roll_rows(&self) -> RollRows {
        RollRows::Named(&ROWS)
    }
}
