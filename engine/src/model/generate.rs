//! Continuing a primer (the musician's call) with a sampled response.

use crate::encoding::EventId;
use crate::encoding::groove::GrooveValues;
use crate::model::beam::search;
use crate::model::error::ModelError;
use crate::model::loaded::Model;
use crate::model::response::{Generated, Sampling};

/// Feeds `primer` (step 0 on a bar line, in bars of `steps_per_bar`; a groove model hears it
/// played as `primer_grooves` says, one per event) through `model`, samples `skip_steps` events
/// it leaves out (the model runs on through a gap before the response), then `steps` events of
/// response, as `sampling` says. Same inputs, same output.
pub fn generate(
    model: &Model,
    primer: &[EventId],
    primer_grooves: Option<&[GrooveValues]>,
    steps_per_bar: usize,
    skip_steps: usize,
    steps: usize,
    sampling: Sampling<'_>,
) -> Result<Generated, ModelError> {
    let mut state = model.initial_state(steps_per_bar as u32);
    // Step 0 of the primer is context only (as in training); with no primer at all, the model
    // predicts step 0 from a rest.
    let mut prev = (EventId::QUIET, GrooveValues::default());
    for (position, &event) in primer.iter().enumerate() {
        if position > 0 {
            model.step_played(&mut state, prev.0, &prev.1, position)?;
        }
        let groove = primer_grooves.and_then(|grooves| grooves.get(position));
        prev = (event, groove.copied().unwrap_or_default());
    }
    search(
        model,
        &state,
        prev,
        primer,
        primer.len(),
        skip_steps,
        steps,
        sampling,
        &mut (),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::loaded::tests::tiny_model_files;
    use crate::model::response::Beams;

    fn sampling(allowed: Option<&[bool]>, seed: u64) -> Sampling<'_> {
        Sampling {
            temperature: 1.0,
            allowed,
            seed,
            beams: Beams::ONE,
        }
    }

    #[test]
    fn same_seed_same_response() {
        let (config, weights) = tiny_model_files();
        let model = Model::from_bytes(&config, &weights).unwrap();
        let primer = [EventId::new(5), EventId::QUIET];
        let a = generate(&model, &primer, None, 16, 0, 16, sampling(None, 11)).unwrap();
        let b = generate(&model, &primer, None, 16, 0, 16, sampling(None, 11)).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.events.len(), 16);
        assert!(a.log_likelihood < 0.0);
        let others: Vec<_> = (12..16)
            .map(|seed| {
                generate(&model, &primer, None, 16, 0, 16, sampling(None, seed))
                    .unwrap()
                    .events
            })
            .collect();
        assert!(others.iter().any(|events| *events != a.events));
    }

    #[test]
    fn a_masked_melody_never_leaves_its_scale() {
        use crate::encoding::key::KeyChoice;
        use crate::encoding::scale::{Scale, Tonic};
        use crate::families::melody::encoding::MelodyEvent;
        use crate::model::loaded::tests::tiny_model_files_of;

        let (config, weights) = tiny_model_files_of(crate::families::Family::MELODY);
        let model = Model::from_bytes(&config, &weights).unwrap();
        let d = Tonic::parse("D").unwrap();
        let mask = model
            .family()
            .answer_mask(KeyChoice::Tonic(d), Scale::Dorian, &[])
            .unwrap();
        let generated = generate(
            &model,
            &[],
            None,
            16,
            0,
            5_000,
            Sampling {
                temperature: 1.5,
                allowed: Some(&mask),
                seed: 3,
                beams: Beams::new(4).unwrap(),
            },
        )
        .unwrap();
        let pitches: Vec<_> = generated
            .events
            .iter()
            .filter_map(|&id| match MelodyEvent::from_id(id) {
                Some(MelodyEvent::NoteOn(pitch)) => Some(pitch),
                _ => None,
            })
            .collect();
        assert!(
            pitches.len() > 500,
            "the tiny model plays notes: {}",
            pitches.len()
        );
        assert!(pitches.iter().all(|p| Scale::Dorian.contains(d, p.class())));
        // Unmasked, the same model strays out of D dorian.
        let free = generate(
            &model,
            &[],
            None,
            16,
            0,
            5_000,
            Sampling {
                temperature: 1.5,
                allowed: None,
                seed: 3,
                beams: Beams::ONE,
            },
        )
        .unwrap();
        assert!(free.events.iter().any(|&id| matches!(
            MelodyEvent::from_id(id),
            Some(MelodyEvent::NoteOn(p)) if !Scale::Dorian.contains(d, p.class())
        )));
    }

    #[test]
    fn a_groove_model_plays_each_hit_it_samples_and_hears_the_calls_feel() {
        use crate::families::Family;
        use crate::families::drums::encoding::DrumEvent;
        use crate::model::config::ModelConfig;
        use crate::model::fused::testing::{fixture_groove_windows, random_model};

        let config = ModelConfig::new(Family::DRUMS, 2, 16, 0.0).with_groove(8);
        let model = random_model(&config, 0.5, 4);
        let (events, grooves) = fixture_groove_windows(32, 1);
        let (call, feel) = (&events[0], &grooves[0]);
        for beams in [1, 4] {
            let sampling = Sampling {
                beams: Beams::new(beams).unwrap(),
                ..sampling(None, 3)
            };
            let answer = generate(&model, call, Some(feel), 16, 2, 32, sampling).unwrap();
            let played = answer
                .grooves
                .as_ref()
                .expect("a groove model plays grooves");
            assert_eq!(played.len(), answer.events.len());
            let mut hits = 0;
            for (&event, groove) in answer.events.iter().zip(played) {
                let event = DrumEvent::from_id(event).unwrap();
                for class in crate::families::drums::encoding::DrumClass::ALL {
                    let (velocity, offset) = (groove.0[class.index()], groove.0[9 + class.index()]);
                    if event.contains(class) {
                        hits += 1;
                        assert!(velocity > 0.0 && velocity < 1.0 && offset.abs() < 0.5);
                    } else {
                        assert_eq!((velocity, offset), (0.0, 0.0));
                    }
                }
            }
            assert!(hits > 10, "{beams} beams: {hits} hits");
            assert_eq!(
                answer,
                generate(&model, call, Some(feel), 16, 2, 32, sampling).unwrap()
            );
            // The call's feel is heard: played otherwise, the same call is answered otherwise.
            let flat: Vec<_> = feel.iter().map(|_| Default::default()).collect();
            let unfelt = generate(&model, call, Some(&flat), 16, 2, 32, sampling).unwrap();
            assert_ne!(unfelt.grooves, answer.grooves, "{beams} beams");
        }
        let (config, weights) = tiny_model_files();
        let plain = Model::from_bytes(&config, &weights).unwrap();
        let answer = generate(&plain, call, Some(feel), 16, 0, 8, sampling(None, 1)).unwrap();
        assert_eq!(answer.grooves, None);
    }

    #[test]
    fn a_model_that_repeats_bars_plays_the_calls_bar_again_in_its_meter() {
        use crate::model::repeats::{BarRepeats, GATE_INPUTS, RepeatGate, Repeats};

        let (config, weights) = tiny_model_files();
        let plain = Model::from_bytes(&config, &weights).unwrap();
        let fixed = Repeats::Bars(BarRepeats {
            one_bar: 0.9,
            bars_agree: 0.95,
            bars_differ: [0.5, 0.45],
        });
        // A gate that trusts the bar before, and more so the more it has foretold.
        let mut weights = [[0.0; GATE_INPUTS]; 4];
        for row in &mut weights {
            row[0] = -3.0;
        }
        weights[0][..5].copy_from_slice(&[2.0, 0.0, 0.0, 1.0, 1.0]);
        let gated = Repeats::Gate(RepeatGate::new(1.0, weights));
        // Two bars of 3/4 (12 steps each) of the same figure.
        let bar: Vec<EventId> = [3, 0, 17, 0, 3, 1, 0, 9, 3, 0, 17, 2]
            .map(EventId::new)
            .to_vec();
        let call = [bar.clone(), bar.clone()].concat();
        let again = |answer: &Generated| {
            let repeated = answer
                .events
                .iter()
                .zip(bar.iter().cycle())
                .filter(|(played, heard)| played == heard)
                .count();
            repeated as f64 / answer.events.len() as f64
        };
        for (beams, repeats) in [(1, fixed), (4, fixed), (1, gated), (4, gated)] {
            let repeating = plain.with_repeats(Some(repeats));
            let sampling = Sampling {
                beams: Beams::new(beams).unwrap(),
                ..sampling(None, 5)
            };
            let answer = generate(&repeating, &call, None, 12, 0, 36, sampling).unwrap();
            let plain_answer = generate(&plain, &call, None, 12, 0, 36, sampling).unwrap();
            assert!(again(&answer) > 0.8, "{beams} beams: {:?}", answer.events);
            assert!(
                again(&plain_answer) < 0.3,
                "{beams} beams: {:?}",
                plain_answer.events
            );
        }
    }

    #[test]
    fn skipped_steps_are_sampled_but_left_out() {
        let (config, weights) = tiny_model_files();
        let model = Model::from_bytes(&config, &weights).unwrap();
        let primer = [EventId::new(5), EventId::QUIET];
        let whole = generate(&model, &primer, None, 16, 0, 20, sampling(None, 8)).unwrap();
        let skipped = generate(&model, &primer, None, 16, 4, 16, sampling(None, 8)).unwrap();
        // Same draws: the skipped run is the whole run without its first four events.
        assert_eq!(skipped.events, whole.events[4..]);
        assert!(skipped.log_likelihood > whole.log_likelihood);
    }
}
