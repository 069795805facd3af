//! The parameters the host automates and saves with the song. `#[id]`s never change: automation
//! and saved projects refer to them.

use std::num::NonZeroU32;
use std::sync::Arc;

use antiphon_engine::encoding::groove::GrooveAmount;
use antiphon_engine::encoding::key::KeyChoice;
use antiphon_engine::encoding::scale::{Scale, Tonic};
use antiphon_engine::learn::record::LearnRecord;
use antiphon_engine::learn::session::SessionLearning;
use antiphon_engine::live::io::Trigger;
use antiphon_engine::live::messages::Generation;
use antiphon_engine::live::performer::Settings;
use antiphon_engine::live::shelf::{ModelShelf, UserModels};
use antiphon_engine::midly::num::{u4, u7};
use antiphon_engine::model::Beams;
use antiphon_engine::model::response::MAX_BEAMS;
use antiphon_engine::phrase::{AfterResponse, PhraseRules};
use nice_plug::prelude::*;

/// Version of the non-parameter state layout, saved with the song.
pub const STATE_VERSION: u32 = 3;

/// Phrase Bars' text for 0: the answer is as long as the call.
const AS_CALL: &str = "as call";
/// Velocity's text for 0: the answer as loud as the call was played.
const AS_PLAYED: &str = "as played";
/// Key's text for 0: found from the call.
const AUTO_KEY: &str = "Auto";
/// Seed's text for 0: a fresh take every phrase.
const FRESH_SEED: &str = "fresh";

/// What ends a call on demand, besides silence and "Max Call Bars".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum EndCallTrigger {
    /// Only silence and the length limit end a call.
    Off,
    /// The note numbered "End Call Number".
    Note,
    /// The controller numbered "End Call Number" (pressed: 64 or more).
    #[name = "CC"]
    Cc,
}

/// Everything the host can automate, plus what the song saves beside it.
#[derive(Params)]
pub struct AntiphonParams {
    /// Softmax temperature of the answer, read when a call is decided.
    #[id = "temperature"]
    pub temperature: FloatParam,
    /// Answer length in bars; 0 answers with as many bars as the call had.
    #[id = "phrase_bars"]
    pub phrase_bars: IntParam,
    /// A call ends after this many bars.
    #[id = "max_call_bars"]
    pub max_call_bars: IntParam,
    /// Shorter calls are ignored.
    #[id = "min_call_bars"]
    pub min_call_bars: IntParam,
    /// What the player plays during an answer becomes the next call.
    #[id = "overlap"]
    pub overlap: BoolParam,
    /// Repeat the last answer until the player plays over it.
    #[id = "loop"]
    pub loop_answer: BoolParam,
    /// The model answers its own last answer (wins over Loop when both are on).
    #[id = "mutate"]
    pub mutate: BoolParam,
    /// While the player is silent, the Jam Model answers the model's answers and the model
    /// answers back (wins over Mutate and Loop).
    #[id = "jam"]
    pub jam: BoolParam,
    /// The model slot that jams with the Model.
    #[id = "jam_model"]
    pub jam_model: IntParam,
    /// The player's notes also go to the output.
    #[id = "passthrough"]
    pub passthrough: BoolParam,
    /// MIDI channel of the answer.
    #[id = "out_channel"]
    pub out_channel: IntParam,
    /// Velocity of the answer's notes; 0: as loud as the call was played (its mean velocity).
    #[id = "velocity"]
    pub velocity: IntParam,
    /// How much of a groove model's feel the answer plays: 0 % on the grid at Velocity, 100 %
    /// the model's velocities and timing; in between, offsets scaled and velocities blended.
    #[id = "groove"]
    pub groove: FloatParam,
    /// The key a melodic answer keeps to with a scale: 0 Auto (found from the call), 1–12 C to B.
    #[id = "key"]
    pub key: IntParam,
    /// The scale a melodic answer's notes are held to: Off, Major, … Blues.
    #[id = "scale"]
    pub scale: IntParam,
    /// 0: a fresh take every phrase; any other value makes takes reproducible.
    #[id = "seed"]
    pub seed: IntParam,
    /// Takes searched side by side for each answer, the likeliest played; 1: a single take.
    #[id = "beams"]
    pub beams: IntParam,
    /// Which model answers: the shipped drums or melody model, or a model folder the user
    /// loaded.
    #[id = "model"]
    pub model: IntParam,
    /// What ends a call on demand.
    #[id = "end_call_trigger"]
    pub end_call_trigger: EnumParam<EndCallTrigger>,
    /// The note or controller number of the trigger.
    #[id = "end_call_number"]
    pub end_call_number: IntParam,
    /// While On, every call the player plays joins what the model learns from; once an
    /// adaptation lands, the adapted model answers from the next phrase on, mixed with the
    /// loaded one. Off keeps what was learned (Forget, in the editor, lets it go).
    #[id = "learn"]
    pub learn: BoolParam,
    /// Host bypass: the player's notes pass, the performer rests and closes its notes.
    #[id = "bypass"]
    pub bypass: BoolParam,

    /// User model folders, in model slot order (the first after the shipped models first).
    #[persist = "user-models"]
    pub user_models: UserModels,
    /// What the session learned of the player: its calls and the learner's steps, replayed on
    /// load into the same adapted model.
    #[persist = "learned"]
    pub learned: Learned,
    /// Layout version of the saved state.
    #[persist = "state-version"]
    pub state_version: Arc<parking_lot::RwLock<u32>>,
}

impl AntiphonParams {
    /// The parameters with their defaults. `shelf` names the model slots; `user_models` is the
    /// list the shelf reads, saved with the song.
    pub fn new(shelf: Arc<ModelShelf>, user_models: UserModels) -> Self {
        Self {
            temperature: FloatParam::new(
                "Temperature",
                1.0,
                FloatRange::SymmetricalSkewed {
                    min: 0.1,
                    max: 2.0,
                    factor: FloatRange::skew_factor(-0.5),
                    center: 1.0,
                },
            )
            .with_step_size(0.01),
            phrase_bars: IntParam::new("Phrase Bars", 0, IntRange::Linear { min: 0, max: 16 })
                .with_value_to_string(Arc::new(|bars| match bars {
                    0 => AS_CALL.to_owned(),
                    n => bars_text(n),
                }))
                .with_string_to_value(Arc::new(|text| {
                    if text.trim().eq_ignore_ascii_case(AS_CALL) {
                        Some(0)
                    } else {
                        bars_value(text)
                    }
                })),
            max_call_bars: bars_param("Max Call Bars", 4),
            min_call_bars: bars_param("Min Call Bars", 1),
            overlap: BoolParam::new("Overlap", false),
            loop_answer: BoolParam::new("Loop", false),
            mutate: BoolParam::new("Mutate", false),
            jam: BoolParam::new("Jam", false),
            passthrough: BoolParam::new("Passthrough", true),
            out_channel: IntParam::new("Out Channel", 10, IntRange::Linear { min: 1, max: 16 }),
            velocity: IntParam::new("Velocity", 0, IntRange::Linear { min: 0, max: 127 })
                .with_value_to_string(Arc::new(|velocity| match velocity {
                    0 => AS_PLAYED.to_owned(),
                    n => n.to_string(),
                }))
                .with_string_to_value(Arc::new(|text| {
                    let text = text.trim();
                    if text.eq_ignore_ascii_case(AS_PLAYED) {
                        Some(0)
                    } else {
                        text.parse().ok()
                    }
                })),
            groove: FloatParam::new("Groove", 1.0, FloatRange::Linear { min: 0.0, max: 1.0 })
                .with_step_size(0.01)
                .with_value_to_string(Arc::new(|amount| format!("{:.0}%", amount * 100.0)))
                .with_string_to_value(Arc::new(|text| {
                    let percent: f32 = text.trim().trim_end_matches('%').trim_end().parse().ok()?;
                    Some(percent / 100.0)
                })),
            // Int parameters over the engine's own names, so hosts show and parse exactly the
            // texts the engine knows (a typed "C#" or "Db" finds C♯).
            key: IntParam::new("Key", 0, IntRange::Linear { min: 0, max: 12 })
                .with_value_to_string(Arc::new(|key| match key_choice(key) {
                    KeyChoice::Auto => AUTO_KEY.to_owned(),
                    KeyChoice::Tonic(tonic) => tonic.name().to_owned(),
                }))
                .with_string_to_value(Arc::new(|text| {
                    if text.trim().eq_ignore_ascii_case(AUTO_KEY) {
                        Some(0)
                    } else {
                        Tonic::parse(text).map(|tonic| i32::from(tonic.class()) + 1)
                    }
                })),
            scale: IntParam::new(
                "Scale",
                0,
                IntRange::Linear {
                    min: 0,
                    max: Scale::ALL.len() as i32 - 1,
                },
            )
            .with_value_to_string(Arc::new(|scale| scale_choice(scale).name().to_owned()))
            .with_string_to_value(Arc::new(|text| {
                Scale::parse(text)
                    .and_then(|scale| Scale::ALL.iter().position(|&s| s == scale))
                    .map(|index| index as i32)
            })),
            seed: IntParam::new("Seed", 0, IntRange::Linear { min: 0, max: 9999 })
                .with_value_to_string(Arc::new(|seed| match seed {
                    0 => FRESH_SEED.to_owned(),
                    n => n.to_string(),
                }))
                .with_string_to_value(Arc::new(|text| {
                    let text = text.trim();
                    if text.eq_ignore_ascii_case(FRESH_SEED) {
                        Some(0)
                    } else {
                        text.parse().ok()
                    }
                })),
            beams: IntParam::new(
                "Beams",
                1,
                IntRange::Linear {
                    min: 1,
                    max: MAX_BEAMS as i32,
                },
            ),
            model: slot_param("Model", &shelf),
            jam_model: slot_param("Jam Model", &shelf),
            end_call_trigger: EnumParam::new("End Call Trigger", EndCallTrigger::Off),
            end_call_number: IntParam::new(
                "End Call Number",
                64,
                IntRange::Linear { min: 0, max: 127 },
            ),
            learn: BoolParam::new("Learn", false),
            bypass: BoolParam::new("Bypass", false).make_bypass(),
            user_models,
            learned: Learned::default(),
            state_version: Arc::new(parking_lot::RwLock::new(STATE_VERSION)),
        }
    }

    /// The performer's settings as the parameters stand now. Allocation-free: called from
    /// `process()`.
    pub fn settings(&self) -> Settings {
        let jam = self.jam.value();
        let after_response = if jam {
            AfterResponse::Jam
        } else if self.mutate.value() {
            AfterResponse::Mutate
        } else if self.loop_answer.value() {
            AfterResponse::Loop
        } else {
            AfterResponse::Listen
        };
        let number = u7::new(self.end_call_number.value().clamp(0, 127) as u8);
        Settings {
            rules: PhraseRules {
                min_call_bars: self.min_call_bars.value() as u32,
                max_call_bars: self.max_call_bars.value() as u32,
                response_bars: match self.phrase_bars.value() {
                    0 => None,
                    bars => Some(bars as u32),
                },
                overlap: self.overlap.value(),
                after_response,
            },
            generation: Generation {
                temperature: self.temperature.value(),
                seed: NonZeroU32::new(self.seed.value() as u32),
                key: key_choice(self.key.value()),
                scale: scale_choice(self.scale.value()),
                beams: Beams::new(self.beams.value() as usize).unwrap_or(Beams::ONE),
                learn: self.learn.value(),
            },
            out_channel: u4::new((self.out_channel.value() - 1).clamp(0, 15) as u8),
            velocity: match self.velocity.value() {
                0 => None,
                velocity => Some(u7::new(velocity.clamp(1, 127) as u8)),
            },
            groove: GrooveAmount::new(self.groove.value().clamp(0.0, 1.0))
                .unwrap_or(GrooveAmount::FULL),
            passthrough: self.passthrough.value(),
            trigger: match self.end_call_trigger.value() {
                EndCallTrigger::Off => None,
                EndCallTrigger::Note => Some(Trigger::Note(number)),
                EndCallTrigger::Cc => Some(Trigger::Cc(number)),
            },
            model_slot: self.model.value() as u32,
            jam_slot: jam.then(|| self.jam_model.value() as u32),
        }
    }
}

/// The session's learning, saved with the song as its record.
#[derive(Default)]
pub struct Learned(pub Arc<SessionLearning>);

impl<'a> nice_plug::params::persist::PersistentField<'a, LearnRecord> for Learned {
    fn set(&self, record: LearnRecord) {
        self.0.restore(record);
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&LearnRecord) -> R,
    {
        self.0.map_record(f)
    }
}

/// The Key parameter's value: 0 Auto, then C to B.
fn key_choice(value: i32) -> KeyChoice {
    match u8::try_from(value - 1).ok().and_then(Tonic::new) {
        Some(tonic) => KeyChoice::Tonic(tonic),
        None => KeyChoice::Auto,
    }
}

/// The Scale parameter's value, in the engine's order.
fn scale_choice(value: i32) -> Scale {
    usize::try_from(value)
        .ok()
        .and_then(|index| Scale::ALL.get(index).copied())
        .unwrap_or(Scale::Off)
}

/// A model-slot parameter over the shelf's slots, shown and parsed with the shelf's texts: hosts
/// show and parse the same ones the editor's menu shows.
fn slot_param(name: &str, shelf: &Arc<ModelShelf>) -> IntParam {
    let (to_text, from_text) = (shelf.clone(), shelf.clone());
    IntParam::new(
        name,
        0,
        IntRange::Linear {
            min: 0,
            max: *shelf.slots().end() as i32,
        },
    )
    .with_value_to_string(Arc::new(move |slot| to_text.slot_text(slot as u32)))
    .with_string_to_value(Arc::new(move |text| {
        from_text.slot_of_text(text).map(|slot| slot as i32)
    }))
}

/// A call length in bars, 1–16, shown as "1 bar", "2 bars"….
fn bars_param(name: &str, default: i32) -> IntParam {
    IntParam::new(name, default, IntRange::Linear { min: 1, max: 16 })
        .with_value_to_string(Arc::new(bars_text))
        .with_string_to_value(Arc::new(bars_value))
}

fn bars_text(bars: i32) -> String {
    match bars {
        1 => "1 bar".to_owned(),
        n => format!("{n} bars"),
    }
}

fn bars_value(text: &str) -> Option<i32> {
    let text = text.trim();
    let number = text
        .strip_suffix("bars")
        .or_else(|| text.strip_suffix("bar"))
        .unwrap_or(text);
    number.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::params_with_folders;

    /// Every step of a stepped parameter; a fine grid over a continuous one.
    fn normalized_values(step_count: Option<usize>) -> impl Iterator<Item = f32> {
        let steps = step_count.unwrap_or(1000);
        (0..=steps).map(move |step| step as f32 / steps as f32)
    }

    /// Hosts show a parameter's text and parse it back for typed values and automation lanes
    /// (clap-validator's `param-conversions`), VST3 without the unit and CLAP with it.
    fn assert_every_text_parses_back(params: &AntiphonParams) {
        for (id, param, _) in params.param_map() {
            // SAFETY: the pointers point into `params`, which outlives the loop.
            unsafe {
                for normalized in normalized_values(param.step_count()) {
                    for include_unit in [false, true] {
                        let text = param.normalized_value_to_string(normalized, include_unit);
                        let parsed = param
                            .string_to_normalized_value(&text)
                            .unwrap_or_else(|| panic!("{id}: its own text {text:?} is refused"));
                        assert_eq!(
                            param.preview_plain(parsed),
                            param.preview_plain(normalized),
                            "{id}: {text:?} parses to another value"
                        );
                        assert_eq!(
                            param.normalized_value_to_string(parsed, include_unit),
                            text,
                            "{id}: {text:?} reads differently once parsed"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_parameter_text_parses_back_to_its_value() {
        assert_every_text_parses_back(&params_with_folders(&[]));
    }

    #[test]
    fn groove_reads_in_percent_and_defaults_to_all_of_the_feel() {
        let params = params_with_folders(&[]);
        let groove = &params.groove;
        assert_eq!(groove.default_plain_value(), 1.0);
        assert_eq!(groove.normalized_value_to_string(1.0, true), "100%");
        assert_eq!(groove.normalized_value_to_string(0.0, true), "0%");
        for (text, value) in [("100%", 1.0), ("37 %", 0.37), ("0", 0.0), ("64%", 0.64)] {
            let parsed = groove.string_to_normalized_value(text).unwrap();
            assert!(
                (groove.preview_plain(parsed) - value).abs() < 1e-6,
                "{text}"
            );
        }
        assert!(groove.string_to_normalized_value("loose").is_none());
    }

    #[test]
    fn model_texts_parse_back_to_their_slots_with_user_folders() {
        // Two folders share a name, "/" has none; the slots after them are empty.
        assert_every_text_parses_back(&params_with_folders(&[
            "/songs/groove",
            "/backup/groove",
            "/",
        ]));
    }
}
