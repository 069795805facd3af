//! The events a state was fed, by position, and how well each lookback has foretold them: what
//! the repeats look back on, kept without allocating as the state steps.

use crate::encoding::EventId;

/// How many bars back each lookback reaches: the bar before and the one before it (a drummer's
/// groove), and four and eight (a tune's second phrase copying its first).
pub const LOOKBACK_BARS: [usize; LOOKBACKS] = [1, 2, 4, 8];
/// The lookbacks a step has.
pub const LOOKBACKS: usize = 4;
/// The longest lookback, in bars: how much a memory holds.
const RECALL_BARS: usize = LOOKBACK_BARS[LOOKBACKS - 1];
/// How fast each running hit rate forgets: the last step or two, about the last ten, and
/// about the last fifty.
const RECORD_DECAY: [f32; RECORD_RATES] = [0.5, 0.9, 0.98];
/// Running hit rates per lookback.
pub(crate) const RECORD_RATES: usize = 3;
/// Bars of a phrase: its last bar is where a drummer fills rather than repeats.
const PHRASE_BARS: usize = 4;

/// What the bars before a step hold, and how often each lookback has held the event played.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Lookbacks {
    /// The event played 1, 2, 4 and 8 bars before the step; `None` where the state never heard
    /// that step.
    pub events: [Option<EventId>; LOOKBACKS],
    /// Per lookback, running means (fast to slow) of whether the step it pointed at repeated
    /// the event it held, over the steps it could point at.
    pub record: [[f32; RECORD_RATES]; LOOKBACKS],
    /// The step opens a bar.
    pub downbeat: bool,
    /// The step lies in the last bar of a four-bar phrase (counted from the first bar line the
    /// state heard from).
    pub phrase_end: bool,
}

/// Rows of fed events, each a ring over the longest lookback, with each row's hit record.
#[derive(Debug, Clone)]
pub(crate) struct BarMemory {
    steps_per_bar: usize,
    /// Steps a row's ring holds.
    ring: usize,
    /// `[count, ring]`: (position, event); a slot whose position is another holds nothing for
    /// this one.
    slots: Vec<(usize, EventId)>,
    /// `[count]`: each row's [`Lookbacks::record`].
    records: Vec<[[f32; RECORD_RATES]; LOOKBACKS]>,
}

impl BarMemory {
    /// `count` empty memories of performances in bars of `steps_per_bar` steps.
    pub(crate) fn new(steps_per_bar: usize, count: usize) -> BarMemory {
        let steps_per_bar = steps_per_bar.max(1);
        let ring = RECALL_BARS * steps_per_bar;
        BarMemory {
            steps_per_bar,
            ring,
            slots: vec![(usize::MAX, EventId::QUIET); count * ring],
            records: vec![[[0.0; RECORD_RATES]; LOOKBACKS]; count],
        }
    }

    /// Steps per bar of the performance remembered.
    pub(crate) fn steps_per_bar(&self) -> usize {
        self.steps_per_bar
    }

    /// Row `row` was fed `event` as the event of step `position`: each lookback that reached
    /// a step heard is scored on it.
    pub(crate) fn record(&mut self, row: usize, position: usize, event: EventId) {
        let held = self.events_before(row, position);
        let record = &mut self.records[row];
        for (rates, held) in record.iter_mut().zip(held) {
            if let Some(held) = held {
                let hit = f32::from(u8::from(held == event));
                for (rate, decay) in rates.iter_mut().zip(RECORD_DECAY) {
                    *rate = decay * *rate + (1.0 - decay) * hit;
                }
            }
        }
        self.slots[row * self.ring + position % self.ring] = (position, event);
    }

    /// What row `row` holds for a step at `position`.
    pub(crate) fn lookbacks(&self, row: usize, position: usize) -> Lookbacks {
        Lookbacks {
            events: self.events_before(row, position),
            record: self.records[row],
            downbeat: position.is_multiple_of(self.steps_per_bar),
            phrase_end: (position / self.steps_per_bar) % PHRASE_BARS == PHRASE_BARS - 1,
        }
    }

    fn events_before(&self, row: usize, position: usize) -> [Option<EventId>; LOOKBACKS] {
        LOOKBACK_BARS.map(|bars| {
            let at = position.checked_sub(bars * self.steps_per_bar)?;
            let (recorded, event) = self.slots[row * self.ring + at % self.ring];
            (recorded == at).then_some(event)
        })
    }

    /// Sets row `row` to row `from_row` of `from` (a memory of the same bar length).
    pub(crate) fn copy_row(&mut self, row: usize, from: &BarMemory, from_row: usize) {
        debug_assert_eq!(self.ring, from.ring, "rows of one performance");
        self.slots[row * self.ring..][..self.ring]
            .copy_from_slice(&from.slots[from_row * from.ring..][..from.ring]);
        self.records[row] = from.records[from_row];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(index: usize) -> EventId {
        EventId::new(index)
    }

    #[test]
    fn memory_looks_back_whole_bars_and_forgets_what_it_never_heard() {
        let mut memory = BarMemory::new(4, 2);
        for position in 0..40 {
            memory.record(0, position, event(position));
        }
        assert_eq!(
            memory.lookbacks(0, 40).events,
            [
                Some(event(36)),
                Some(event(32)),
                Some(event(24)),
                Some(event(8))
            ]
        );
        let mut young = BarMemory::new(4, 1);
        for position in 0..12 {
            young.record(0, position, event(position));
        }
        assert_eq!(
            young.lookbacks(0, 12).events,
            [Some(event(8)), Some(event(4)), None, None]
        );
        assert_eq!(memory.lookbacks(1, 40).events, [None; LOOKBACKS]);
        // A state fed from step 10 on (a call heard from there) has no step 3.
        let mut late = BarMemory::new(4, 1);
        for position in 10..16 {
            late.record(0, position, event(position));
        }
        assert_eq!(
            late.lookbacks(0, 15).events,
            [Some(event(11)), None, None, None]
        );
        let mut copied = BarMemory::new(4, 1);
        copied.copy_row(0, &memory, 0);
        assert_eq!(copied.lookbacks(0, 40), memory.lookbacks(0, 40));
    }

    #[test]
    fn each_lookback_keeps_how_often_it_held_the_event_played() {
        // Bars of two steps: a, b, a, b, ... repeats every bar; the one-bar lookback always
        // misses, the two-bar one always hits.
        let mut memory = BarMemory::new(2, 1);
        for position in 0..400 {
            memory.record(0, position, event([1, 1, 2, 2][position % 4]));
        }
        let [one, two, four, eight] = memory.lookbacks(0, 400).record;
        assert!(one.iter().all(|&rate| rate < 0.01), "{one:?}");
        assert!(two.iter().all(|&rate| rate > 0.95), "{two:?}");
        assert!(four[0] > 0.99 && eight[0] > 0.99, "{four:?} {eight:?}");
        // A lookback that never reached a step heard has no record.
        let mut short = BarMemory::new(16, 1);
        for position in 0..20 {
            short.record(0, position, EventId::QUIET);
        }
        let record = short.lookbacks(0, 20).record;
        assert!(
            record[0][0] > 0.9 && record[1] == [0.0; RECORD_RATES],
            "{record:?}"
        );
        let lookbacks = short.lookbacks(0, 48);
        assert!(lookbacks.downbeat && lookbacks.phrase_end);
        assert!(!short.lookbacks(0, 47).downbeat && !short.lookbacks(0, 64).phrase_end);
    }
}
