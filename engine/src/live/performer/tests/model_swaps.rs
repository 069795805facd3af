//! The Model parameter moved, in the first block or back and forth mid-song: the last model
//! chosen answers the next call.

use std::sync::Arc;

use midly::num::u7;

use super::{
    BAR, STEP, Song, Strike, assert_paired, note_ons, perform_automated, settings, shelf_of_all,
};
use crate::families::Family;
use crate::families::drums::encoding::DrumClass;
use crate::live::io::OutputKind;
use crate::live::performer::Settings;
use crate::live::shelf::ModelShelf;
use crate::model::loaded::tests::{tiny_model_files, tiny_model_files_of};
use crate::transport::TimeSignature;

/// Slot 0 a tiny drum model, slot 1 a tiny melody model.
fn two_family_shelf() -> Arc<ModelShelf> {
    shelf_of_all(vec![
        tiny_model_files(),
        tiny_model_files_of(Family::MELODY),
    ])
}

/// Kick, snare and closed hat together on every beat of bars `bars` (drum events far beyond
/// a melody model's vocabulary).
fn beats_in_bars(bars: std::ops::Range<u64>) -> Vec<Strike> {
    (bars.start * 4..bars.end * 4)
        .flat_map(|beat| {
            [36, 38, 42].map(|key| Strike {
                at: beat * 4 * STEP,
                key,
                velocity: 0.8,
            })
        })
        .collect()
}

fn with_slot(slot: u32) -> Settings {
    Settings {
        model_slot: slot,
        ..settings()
    }
}

#[test]
fn a_model_chosen_in_the_first_block_answers_the_first_call() {
    // The performer starts with slot 0 (drums); the song's Model lane says melody from its
    // first sample. The drum model the thread loads first must not be taken for it.
    let shelf = two_family_shelf();
    let song = Song {
        time_signature: TimeSignature::FOUR_FOUR,
        shelf: shelf.clone(),
    };
    let (outputs, _, _) = perform_automated(
        song,
        512,
        &beats_in_bars(0..2),
        6 * BAR,
        None,
        |_| with_slot(1),
        false,
    );
    assert_eq!(shelf.status().fault, None);
    assert_eq!(shelf.status().family, Family::MELODY);
    let ons = note_ons(&outputs);
    assert!(!ons.is_empty(), "the melody model answers");
    assert!(
        ons.iter().all(|&at| (3 * BAR..5 * BAR).contains(&at)),
        "{ons:?}"
    );
    // A melody answers one note at a time.
    let mut sounding = 0;
    for (_, kind) in &outputs {
        match kind {
            OutputKind::NoteOn { .. } => sounding += 1,
            OutputKind::NoteOff { .. } => sounding -= 1,
            OutputKind::Forward(_) => {}
        }
        assert!(sounding <= 1);
    }
    assert_paired(&outputs);
}

#[test]
fn models_swapped_back_and_forth_end_with_the_last_answering_the_next_call() {
    // Melody from the first block, drums again in the middle of the first call (which the
    // swap ends), melody and drums once more before the second call: drums answer it.
    let slot_at = |sample: u64| match sample {
        s if s < BAR + BAR / 2 => 1,
        s if s < 2 * BAR => 0,
        s if s < 2 * BAR + STEP => 1,
        _ => 0,
    };
    let shelf = two_family_shelf();
    let song = Song {
        time_signature: TimeSignature::FOUR_FOUR,
        shelf: shelf.clone(),
    };
    let mut strikes = beats_in_bars(0..2);
    strikes.extend(beats_in_bars(3..5));
    let (outputs, _, _) = perform_automated(
        song,
        256,
        &strikes,
        9 * BAR,
        None,
        |sample| with_slot(slot_at(sample)),
        false,
    );
    assert_eq!(shelf.status().fault, None);
    let ons: Vec<(u64, u8)> = outputs
        .iter()
        .filter_map(|(at, kind)| match kind {
            OutputKind::NoteOn { key, .. } => Some((*at, key.as_int())),
            _ => None,
        })
        .collect();
    assert!(!ons.is_empty(), "the second call is answered");
    assert!(
        ons.iter().all(|&(at, _)| (6 * BAR..8 * BAR).contains(&at)),
        "only the second call is answered, on bars 6–7: {ons:?}"
    );
    assert!(
        ons.iter()
            .all(|&(_, key)| DrumClass::from_pitch(u7::new(key)).is_some()),
        "by the drum model: {ons:?}"
    );
    assert_paired(&outputs);
}
