//! The response windows the audio thread plays: the one sounding now and the one queued to start
//! at a bar line, filled step by step as the model thread delivers.

use crate::encoding::StepEvents;
use crate::encoding::groove::GrooveValues;
use crate::live::voicing::Voicing;
use crate::phrase::StepSpan;
use crate::phrase::WindowId;
use crate::phrase::state::MAX_RESPONSE_STEPS;

/// One window's steps.
#[derive(Debug, Clone)]
struct Slot {
    id: Option<WindowId>,
    span: StepSpan,
    /// How the window sounds, from the call it answers.
    voicing: Voicing,
    steps: [Option<Delivered>; MAX_RESPONSE_STEPS],
    /// The model has sent every step (or never will).
    finished: bool,
}

impl Slot {
    fn empty() -> Slot {
        Slot {
            id: None,
            span: StepSpan::new(0, 0),
            voicing: Voicing::default(),
            steps: [None; MAX_RESPONSE_STEPS],
            finished: false,
        }
    }

    fn prepare(&mut self, id: WindowId, span: StepSpan, voicing: Voicing) {
        self.id = Some(id);
        self.span = span;
        self.voicing = voicing;
        self.steps.fill(None);
        self.finished = false;
    }

    fn index(&self, step: i64) -> Option<usize> {
        self.span
            .contains(step)
            .then(|| (step - self.span.start) as usize)
            .filter(|&i| i < MAX_RESPONSE_STEPS)
    }
}

/// A step the model delivered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Delivered {
    pub events: StepEvents,
    /// How a groove model plays it (`None`: on the grid).
    pub groove: Option<GrooveValues>,
}

/// What the audio thread knows about a step of the sounding window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cue {
    /// No window sounds at this step.
    Silent,
    /// Play this step.
    Play(Delivered),
    /// The window covers this step but the model has not delivered it yet.
    Pending,
}

/// The sounding window and the queued one. Both are allocated once, with the performer.
#[derive(Debug, Clone)]
pub struct Schedule {
    current: Slot,
    next: Slot,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            current: Slot::empty(),
            next: Slot::empty(),
        }
    }
}

impl Schedule {
    /// Forgets both windows.
    pub fn clear(&mut self) {
        self.current.id = None;
        self.next.id = None;
    }

    /// Queues window `id` over `span`, voiced as `voicing`, to be filled by the model (replacing
    /// any queued one).
    pub fn queue(&mut self, id: WindowId, span: StepSpan, voicing: Voicing) {
        self.next.prepare(id, span, voicing);
    }

    /// The voicing of window `id`, while it is queued or sounding.
    pub fn voicing_of(&self, id: WindowId) -> Option<Voicing> {
        [&self.current, &self.next]
            .into_iter()
            .find(|slot| slot.id == Some(id))
            .map(|slot| slot.voicing)
    }

    /// The voicing of the sounding window.
    pub fn voicing(&self) -> Voicing {
        self.current.voicing
    }

    /// Queues window `id` over `span` with the steps of window `source_id` (loop).
    pub fn queue_repeat(&mut self, id: WindowId, source_id: WindowId, span: StepSpan) {
        let source = if self.current.id == Some(source_id) {
            &self.current
        } else if self.next.id == Some(source_id) {
            &self.next
        } else {
            self.next.prepare(id, span, Voicing::default());
            self.next.finished = true;
            return;
        };
        let (steps, voicing) = (source.steps, source.voicing);
        self.next.prepare(id, span, voicing);
        self.next.steps = steps;
        self.next.finished = true;
    }

    /// The queued window `id` starts sounding.
    pub fn start(&mut self, id: WindowId) {
        if self.next.id == Some(id) {
            std::mem::swap(&mut self.current, &mut self.next);
        }
        self.next.id = None;
    }

    /// Window `id` stops sounding.
    pub fn end(&mut self, id: WindowId) {
        if self.current.id == Some(id) {
            self.current.id = None;
        }
    }

    /// Stores a step the model delivered (ignored when its window is gone).
    pub fn deliver(&mut self, id: WindowId, step: i64, delivered: Delivered) {
        let slot = [&mut self.current, &mut self.next]
            .into_iter()
            .find(|slot| slot.id == Some(id));
        if let Some(slot) = slot
            && let Some(index) = slot.index(step)
        {
            slot.steps[index] = Some(delivered);
        }
    }

    /// The model will send nothing more for window `id`.
    pub fn finish(&mut self, id: WindowId) {
        for slot in [&mut self.current, &mut self.next] {
            if slot.id == Some(id) {
                slot.finished = true;
            }
        }
    }

    /// What to play at `step`.
    pub fn cue(&self, step: i64) -> Cue {
        let slot = &self.current;
        let Some(index) = slot.id.and(slot.index(step)) else {
            return Cue::Silent;
        };
        match slot.steps[index] {
            Some(delivered) => Cue::Play(delivered),
            None if slot.finished => Cue::Silent,
            None => Cue::Pending,
        }
    }

    /// What to play at `step` while the step before it sounds: silent unless the sounding
    /// window goes on into `step` (a window's first step waits for its bar line to begin).
    pub fn cue_ahead(&self, step: i64) -> Cue {
        if self.current.id.is_none() || step <= self.current.span.start {
            return Cue::Silent;
        }
        self.cue(step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::EventId;

    fn kick() -> EventId {
        EventId::new(1)
    }

    fn on_grid(event: EventId) -> Delivered {
        Delivered {
            events: StepEvents::one(event),
            groove: None,
        }
    }

    #[test]
    fn a_queued_window_fills_then_sounds() {
        let mut schedule = Schedule::default();
        schedule.queue(1, StepSpan::new(32, 48), Voicing::default());
        schedule.deliver(1, 32, on_grid(kick()));
        schedule.deliver(1, 33, on_grid(EventId::QUIET));
        assert_eq!(schedule.cue(32), Cue::Silent, "not started yet");
        schedule.start(1);
        assert_eq!(schedule.cue(32), Cue::Play(on_grid(kick())));
        assert_eq!(
            schedule.cue_ahead(32),
            Cue::Silent,
            "the first step waits for its line"
        );
        assert_eq!(schedule.cue_ahead(33), Cue::Play(on_grid(EventId::QUIET)));
        assert_eq!(schedule.cue(34), Cue::Pending);
        schedule.finish(1);
        assert_eq!(schedule.cue(34), Cue::Silent);
        schedule.end(1);
        assert_eq!(schedule.cue(32), Cue::Silent);
    }

    #[test]
    fn stale_windows_are_ignored() {
        let mut schedule = Schedule::default();
        schedule.queue(1, StepSpan::new(0, 16), Voicing::default());
        schedule.queue(2, StepSpan::new(0, 16), Voicing::default());
        schedule.deliver(1, 0, on_grid(kick()));
        schedule.start(2);
        assert_eq!(schedule.cue(0), Cue::Pending);
    }

    #[test]
    fn a_repeat_copies_the_source_steps_their_feel_and_voicing() {
        let low = Voicing {
            transpose_semitones: -12,
            velocity: midly::num::u7::new(70),
        };
        let mut schedule = Schedule::default();
        schedule.queue(1, StepSpan::new(0, 16), low);
        let mut groove = GrooveValues::default();
        groove.0[0] = 0.5;
        let played = Delivered {
            events: StepEvents::one(kick()),
            groove: Some(groove),
        };
        schedule.deliver(1, 3, played);
        schedule.start(1);
        schedule.queue_repeat(2, 1, StepSpan::new(16, 32));
        schedule.end(1);
        schedule.start(2);
        assert_eq!(schedule.cue(19), Cue::Play(played));
        assert_eq!(schedule.cue(20), Cue::Silent);
        assert_eq!(schedule.voicing(), low);
    }
}
