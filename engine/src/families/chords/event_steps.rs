//! Where each event of a stream falls on the 16th-step grid, and where its bars start, so
//! training windows can be cut on bar lines although steps hold different numbers of events.

use super::encoding::ChordEvent;

/// The step each event belongs to: the number of step ends before it.
pub fn step_of_each_event(events: &[ChordEvent]) -> Vec<u32> {
    let mut step = 0;
    events
        .iter()
        .map(|&event| {
            let this = step;
            step += u32::from(event == ChordEvent::StepEnd);
            this
        })
        .collect()
}

/// The index of the first event of every bar (bars of `steps_per_bar`) that has an event,
/// starting with 0 when `events` is not empty.
///
/// # Panics
/// If `steps_per_bar` is zero.
pub fn bar_starts(events: &[ChordEvent], steps_per_bar: u32) -> Vec<usize> {
    assert!(steps_per_bar > 0, "a bar holds at least one step");
    let mut starts = Vec::new();
    let mut step = 0u64;
    let mut step_starts = true;
    for (index, &event) in events.iter().enumerate() {
        if step_starts && step.is_multiple_of(u64::from(steps_per_bar)) {
            starts.push(index);
        }
        step_starts = event == ChordEvent::StepEnd;
        step += u64::from(step_starts);
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::families::chords::pitch::ChordPitch;
    use crate::families::chords::read::read_chords_file;
    use crate::families::chords::read::tests::chorale_fixtures;

    #[test]
    fn events_count_their_steps_and_bars_start_on_step_multiples() {
        let note = ChordEvent::NewNote(ChordPitch::new(60).unwrap());
        let held = ChordEvent::ContinuedNote(ChordPitch::new(60).unwrap());
        let end = ChordEvent::StepEnd;
        // Bars of two steps: [note end held end] [end end] [note].
        let events = [note, end, held, end, end, end, note];
        assert_eq!(step_of_each_event(&events), [0, 0, 1, 1, 2, 3, 4]);
        assert_eq!(bar_starts(&events, 2), [0, 4, 6]);
        assert_eq!(bar_starts(&events, 3), [0, 5]);
        assert!(bar_starts(&[], 4).is_empty());
        assert!(step_of_each_event(&[]).is_empty());
    }

    #[test]
    fn chorale_bars_start_where_their_steps_do() {
        for path in chorale_fixtures() {
            let sequence = read_chords_file(&path).unwrap().sequence;
            let events: Vec<ChordEvent> = sequence.events().collect();
            let steps = step_of_each_event(&events);
            let spb = sequence.steps_per_bar;
            let starts = bar_starts(&events, spb);
            assert_eq!(starts.len(), sequence.steps.len().div_ceil(spb as usize));
            for (bar, &start) in starts.iter().enumerate() {
                assert_eq!(steps[start], bar as u32 * spb);
                assert!(start == 0 || steps[start - 1] < steps[start]);
            }
        }
    }
}
