//! The chords family behind the seam: a call's ending, the grammar a sampler follows, training's
//! transpositions and windows, takes and the editor's notes.

use midly::num::u7;

use super::read::tests::{chorale_fixture, chorale_fixtures};
use super::*;
use crate::hit::Hit;
use crate::performance::Played;
use crate::window_cuts::WindowStarts;

fn pitch(midi: u8) -> ChordPitch {
    ChordPitch::new(midi).unwrap()
}

fn new(midi: u8) -> ChordEvent {
    ChordEvent::NewNote(pitch(midi))
}

fn held(midi: u8) -> ChordEvent {
    ChordEvent::ContinuedNote(pitch(midi))
}

/// Steps of `events` each, padded with step ends, as ids.
fn ids(steps: &[&[ChordEvent]]) -> Vec<EventId> {
    steps
        .iter()
        .flat_map(|step| {
            let mut ids: Vec<EventId> = step.iter().map(|event| event.id()).collect();
            ids.resize(EVENTS_PER_STEP, EventId::QUIET);
            ids
        })
        .collect()
}

fn chorale_ids(name: &str) -> Vec<EventId> {
    read_chords_file(&chorale_fixture(name))
        .unwrap()
        .sequence
        .ids()
        .collect()
}

#[test]
fn a_last_bar_counts_its_onsets_in_16ths_and_hears_chords_held_into_it() {
    let family = Family::CHORDS;
    let before = ids(&[&[new(67), new(60)], &[held(67), held(60)]]);
    // Four steps a bar: the chord held through its first two steps, nothing struck.
    let held_on = ids(&[&[held(67), held(60)], &[held(67)], &[], &[]]);
    assert!(family.held_over(&before, &held_on));
    assert_eq!(family.last_bar(&before, &held_on), LastBar::Played);
    // Released after one step: not held over; a lone chord on the downbeat is an accent.
    let released = ids(&[&[held(67)], &[], &[], &[]]);
    assert!(!family.held_over(&before, &released));
    assert_eq!(family.last_bar(&before, &released), LastBar::Silent);
    let downbeat = ids(&[&[new(72), new(64)], &[held(72)], &[], &[]]);
    assert!(!family.held_over(&before, &downbeat));
    assert_eq!(family.last_bar(&before, &downbeat), LastBar::Accent);
    // A chord on the bar's second 16th (events 8 to 15) is played, wherever its slots lie.
    let second = ids(&[&[], &[new(72), new(64), new(60)], &[], &[]]);
    assert_eq!(family.last_bar(&before, &second), LastBar::Played);
    assert_eq!(family.hits(new(60).id()), 1);
    assert_eq!(family.hits(held(60).id()), 0);
    assert_eq!(family.hits(EventId::QUIET), 0);
}

#[test]
fn following_the_grammar_allows_every_chorale_event() {
    for path in chorale_fixtures() {
        let ids: Vec<EventId> = read_chords_file(&path).unwrap().sequence.ids().collect();
        let mut allowed = [true; NUM_EVENTS];
        for (index, &id) in ids.iter().enumerate() {
            allowed.fill(true);
            Family::CHORDS.follow(&ids[..index], &mut allowed);
            assert!(allowed[id.index()], "{}: event {index}", path.display());
            // The grammar narrows: after a pitch, nothing above it in the same step.
            if (index + 1) % EVENTS_PER_STEP != 0
                && let Some(ChordEvent::NewNote(pitch)) = ChordEvent::from_id(id)
                && let Some(above) = pitch.shifted(1)
            {
                let mut next = [true; NUM_EVENTS];
                Family::CHORDS.follow(&ids[..=index], &mut next);
                assert!(!next[ChordEvent::NewNote(above).id().index()]);
            }
        }
    }
    // What was already forbidden stays forbidden.
    let mut allowed = [false; NUM_EVENTS];
    Family::CHORDS.follow(&[], &mut allowed);
    assert!(allowed.iter().all(|&allowed| !allowed));
}

#[test]
fn augmenting_moves_a_window_to_a_key_that_fits_and_a_full_range_stays() {
    let chorale = chorale_ids("bwv65.2.mid");
    let mut rng = SplitMix64::new(5);
    let mut moved_by = std::collections::BTreeSet::new();
    for _ in 0..200 {
        let mut window = chorale[..256].to_vec();
        Family::CHORDS.augment(&mut window, &mut rng);
        // The same shape in another key: find it by the first note.
        let first = |ids: &[EventId]| events_of(ids).find_map(|event| event.pitch()).unwrap();
        let semitones = first(&window).midi() as i8 - first(&chorale).midi() as i8;
        let mut back = window.clone();
        Family::CHORDS.transpose(&mut back, -semitones);
        assert_eq!(back, chorale[..256]);
        moved_by.insert(semitones);
    }
    assert_eq!(moved_by.len(), 12, "{moved_by:?}");
    // A window spanning the whole range fits no other key.
    let wide = ids(&[&[new(91), new(28)]]);
    let mut window = wide.clone();
    Family::CHORDS.augment(&mut window, &mut rng);
    assert_eq!(window, wide);
}

#[test]
fn chorale_windows_start_on_bar_lines() {
    for path in chorale_fixtures() {
        let (performance, _) = Performance::read_file(Family::CHORDS, &path).unwrap();
        let bar_events = performance.events_per_bar() as usize;
        assert_eq!(
            bar_events,
            EVENTS_PER_STEP * performance.steps_per_bar() as usize
        );
        let ids = performance.ids();
        let windows = performance.windows(4 * bar_events, WindowStarts::Tiled);
        for (index, window) in windows.iter().enumerate() {
            let start = index * 4 * bar_events;
            assert_eq!(window[..], ids[start..start + window.len()]);
            assert_eq!(window.len() % bar_events, 0);
        }
    }
}

#[test]
fn a_take_keeps_each_chord_as_struck_in_the_register_it_sounded_in() {
    let struck = |velocity| {
        Some(StepFeel::Struck(Some(Hit {
            velocity: u7::new(velocity),
            offset_steps: 0.0,
        })))
    };
    let step = |index, events: &[ChordEvent], feel, transpose_semitones| TakeStep {
        index,
        events: StepEvents::new(&ids(&[events])),
        feel,
        transpose_semitones,
    };
    // A call played an octave up (the model heard it an octave down), then a step voiced two
    // octaves up, and one past the take's end.
    let steps = [
        step(0, &[new(64), new(60)], struck(90), 12),
        step(1, &[held(64), held(60)], Some(StepFeel::Struck(None)), 12),
        step(2, &[held(64), new(55)], None, 24),
        step(9, &[new(60)], None, 12),
    ];
    let take = Family::CHORDS.take(&steps, 4, 4, 100.0, u7::new(50), 12);
    let sequence = take.sequence::<ChordSequence>().unwrap();
    assert_eq!(sequence.octave_shift_semitones, -12);
    let set = |midis: &[u8]| -> PitchSet { midis.iter().map(|&midi| pitch(midi)).collect() };
    let sets: Vec<(PitchSet, PitchSet, Option<u7>)> = sequence
        .steps
        .iter()
        .map(|step| (step.sounding(), step.struck(), step.velocity()))
        .collect();
    assert_eq!(
        sets,
        [
            (set(&[60, 64]), set(&[60, 64]), Some(u7::new(90))),
            (set(&[60, 64]), PitchSet::EMPTY, None),
            // Moved up an octave into the take's register, where its continued 64 (76) is not
            // the 64 that sounded before: struck.
            (set(&[67, 76]), set(&[67, 76]), Some(u7::new(50))),
            (PitchSet::EMPTY, PitchSet::EMPTY, None),
        ]
    );
    let notes: Vec<(u64, u8)> = take
        .notes()
        .iter()
        .map(|note| (note.on_tick, note.key.as_int()))
        .collect();
    assert!(notes.contains(&(0, 76)), "{notes:?}");
}

#[test]
fn notes_run_from_their_strike_in_16th_steps() {
    let events = ids(&[&[new(67), new(60)], &[held(67), new(60)], &[held(67)], &[]]);
    let mut notes = Family::CHORDS.notes(&events);
    notes.sort_unstable_by_key(|note| (note.start_step, note.key));
    let notes: Vec<(u8, usize, usize)> = notes
        .iter()
        .map(|note| (note.key, note.start_step, note.len_steps))
        .collect();
    assert_eq!(notes, [(60, 0, 1), (67, 0, 3), (60, 1, 1)]);
    assert_eq!(Family::CHORDS.roll_rows(), RollRows::Pitches);
    assert!(Family::CHORDS.pitched());
    assert!(!Family::CHORDS.plays_feel());
    assert_eq!(Family::CHORDS.fixed_channel(), None);
}

#[test]
fn reading_reports_what_a_crowded_step_leaves_out() {
    let (performance, report) =
        Performance::read_file(Family::CHORDS, &chorale_fixture("bwv79.6.mid")).unwrap();
    assert_eq!(performance.family(), Family::CHORDS);
    assert_eq!((report.notes, report.dropped_notes), (231, 0));
    assert_eq!(report.range, "28–91");
    assert_eq!(report.to_string(), "");
    let empty = Family::CHORDS.empty(12, 90.0);
    assert_eq!((empty.len_steps(), empty.steps_per_bar()), (0, 12));
}

#[test]
fn a_chorale_names_its_tune_by_its_top_voice_in_any_key() {
    let sequence = read_chords_file(&chorale_fixture("bwv66.6.mid"))
        .unwrap()
        .sequence;
    let tune = Played::tune(&sequence).expect("a chorale has a melody");
    let moved = ChordSequence {
        steps: sequence
            .steps
            .iter()
            .map(|step| step.transposed(-3))
            .collect(),
        ..sequence.clone()
    };
    assert_eq!(Played::tune(&moved), Some(tune.clone()));
    let other = read_chords_file(&chorale_fixture("bwv65.2.mid"))
        .unwrap()
        .sequence;
    assert_ne!(Played::tune(&other), Some(tune));
}
