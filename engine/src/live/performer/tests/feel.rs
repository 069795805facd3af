//! Hits off the grid: how the player played each is heard, and a groove model's feel is played
//! at the same samples whatever the block size.

use std::sync::Arc;

use midly::num::u7;

use super::{
    BAR, STEP, Song, Strike, assert_paired, kicks, perform_in, settings, shelf_of, two_bar_call,
};
use crate::encoding::groove::GrooveAmount;
use crate::families::Family;
use crate::families::drums::encoding::DrumClass;
use crate::live::feel::StepFeel;
use crate::live::io::OutputKind;
use crate::live::performer::Settings;
use crate::live::shelf::ModelShelf;
use crate::model::config::ModelConfig;
use crate::model::fused::testing::random_model_files;
use crate::transport::TimeSignature;

/// A small drum model with a groove head, whose random weights play clearly off the grid.
fn groove_shelf() -> Arc<ModelShelf> {
    let config = ModelConfig::new(Family::DRUMS, 2, 16, 0.0).with_groove(8);
    shelf_of(random_model_files(&config, 0.8, 11))
}

/// Note-ons of `outputs` as (sample, key, velocity).
fn struck(outputs: &[(u64, OutputKind)]) -> Vec<(u64, u8, u8)> {
    outputs
        .iter()
        .filter_map(|(at, kind)| match kind {
            OutputKind::NoteOn { key, velocity, .. } => {
                Some((*at, key.as_int(), (velocity * 127.0).round() as u8))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_groove_model_plays_its_feel_at_the_same_samples_whatever_the_block_size() {
    let play = |block, groove| {
        let settings = Settings {
            groove: GrooveAmount::new(groove).unwrap(),
            ..settings()
        };
        let song = Song {
            time_signature: TimeSignature::FOUR_FOUR,
            shelf: groove_shelf(),
        };
        let strikes = kicks(&two_bar_call());
        perform_in(song, block, &strikes, 6 * BAR, None, settings, false).0
    };
    let felt = play(4096, 1.0);
    assert_paired(&felt);
    for block in [1, 64, 512] {
        assert_eq!(play(block, 1.0), felt, "block size {block}");
    }
    let on_grid = struck(&play(512, 0.0));
    let felt = struck(&felt);
    // The same hits (the feel never changes what is sampled), each within half a step of
    // its grid line, most of them off it and at velocities of their own.
    assert_eq!(felt.len(), on_grid.len());
    assert!(felt.len() > 8, "{felt:?}");
    assert!(
        on_grid
            .iter()
            .all(|&(at, _, velocity)| { (at - 3 * BAR).is_multiple_of(STEP) && velocity == 100 })
    );
    let mut off_grid = 0;
    let mut velocities = std::collections::BTreeSet::new();
    let of_key = |hits: &[(u64, u8, u8)], key| {
        hits.iter()
            .filter(move |hit| hit.1 == key)
            .copied()
            .collect::<Vec<_>>()
    };
    for key in 0..128 {
        let (felt, on_grid) = (of_key(&felt, key), of_key(&on_grid, key));
        assert_eq!(felt.len(), on_grid.len(), "key {key}");
        for (&(at, _, velocity), &(line, _, _)) in felt.iter().zip(&on_grid) {
            assert!(at.abs_diff(line) < STEP / 2, "{at} is not near {line}");
            off_grid += usize::from(at != line);
            velocities.insert(velocity);
        }
    }
    assert!(off_grid * 2 > felt.len(), "{felt:?}");
    assert!(velocities.len() > 3, "{velocities:?}");
    // The answer's first hits wait for its bar line; later early hits sound before theirs.
    assert!(felt.iter().all(|&(at, _, _)| at >= 3 * BAR));
    assert!(
        felt.iter()
            .any(|&(at, _, _)| at % STEP > STEP / 2 && at > 3 * BAR + STEP),
        "no hit early: {felt:?}"
    );
}

#[test]
fn the_call_keeps_how_each_hit_was_played() {
    use crate::families::drums::encoding::NUM_CLASSES;
    use crate::live::feed::PlayEvent;

    // (step, samples from its grid line, key, velocity): a kick on the line, a snare a
    // quarter step early, a soft hat a tenth late, a tom and a crash at one step.
    let played = [
        (0, 0, 36, 1.0),
        (4, -1_500, 38, 0.5),
        (6, 600, 42, 0.3),
        (8, 2_999, 45, 0.8),
        (8, -2_000, 49, 0.6),
    ];
    let strikes: Vec<Strike> = played
        .iter()
        .map(|&(step, early_or_late, key, velocity)| Strike {
            at: (step * STEP).checked_add_signed(early_or_late).unwrap(),
            key,
            velocity,
        })
        .collect();
    let heard_at = |block| {
        let (_, mut feed, _) = perform_in(
            Song::default(),
            block,
            &strikes,
            3 * BAR,
            None,
            settings(),
            true,
        );
        let mut heard = Vec::new();
        while let Ok(event) = feed.play.pop() {
            if let PlayEvent::Heard { step, feel, .. } = event {
                heard.push((step, feel));
            }
        }
        heard
    };
    let heard = heard_at(512);
    assert_eq!(heard, heard_at(1), "block size 1");
    let hits: Vec<(i64, usize, u8, f32)> = heard
        .iter()
        .flat_map(|&(step, feel)| {
            let StepFeel::Hits(drums) = feel else {
                panic!("drums are heard as drums: {feel:?}");
            };
            (0..NUM_CLASSES)
                .filter_map(move |class| drums.hits[class].map(|hit| (step, class, hit)))
                .map(|(step, class, hit)| (step, class, hit.velocity.as_int(), hit.offset_steps))
        })
        .collect();
    let mut expected: Vec<(i64, usize, u8, f32)> = played
        .iter()
        .map(|&(step, early_or_late, key, velocity)| {
            let class = DrumClass::from_pitch(u7::new(key)).unwrap().index();
            let velocity = (velocity * 127.0_f32).round() as u8;
            (
                step as i64,
                class,
                velocity,
                early_or_late as f32 / STEP as f32,
            )
        })
        .collect();
    expected.sort_by_key(|&(step, class, ..)| (step, class));
    assert_eq!(hits.len(), expected.len(), "{hits:?}");
    for (got, want) in hits.iter().zip(&expected) {
        assert_eq!((got.0, got.1, got.2), (want.0, want.1, want.2));
        assert!((got.3 - want.3).abs() < 1e-4, "{got:?} {want:?}");
    }
}
