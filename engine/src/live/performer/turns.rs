//! What the turn-taking decided, carried out: a call's start told to the model thread, answers
//! asked for and queued with their deadlines, windows started and ended.

use std::time::Instant;

use super::{Model, Performer, Settings};
use crate::live::deadline::deadline;
use crate::live::messages::{Phrase, ToWorker};
use crate::phrase::{Action, Actions, Heard};

impl Performer {
    /// Carries out what the turn-taking decided at `offset`.
    pub(super) fn act(&mut self, actions: Actions, offset: u32, settings: &Settings) {
        for action in actions {
            match action {
                Action::CallStarted {
                    start,
                    steps_per_bar,
                } => {
                    if let Model::Ready(family) = self.model {
                        self.quantizers.of_mut(family).start_call();
                    }
                    self.send_phrase(Phrase::CallStarted {
                        start,
                        steps_per_bar,
                    });
                }
                Action::CallDiscarded => self.send(ToWorker::Reset),
                Action::Respond(request) => {
                    let voicing = match (self.model, request.heard) {
                        (Model::Ready(family), Heard::Call { .. }) => {
                            self.quantizers.of(family).voicing()
                        }
                        (_, Heard::Window { source_id, .. }) => {
                            self.schedule.voicing_of(source_id).unwrap_or_default()
                        }
                        _ => Default::default(),
                    };
                    self.schedule.queue(request.id, request.response, voicing);
                    let deadline = self.deadline(request.response.start);
                    self.send_phrase(Phrase::Answer {
                        request,
                        generation: settings.generation,
                        deadline,
                    });
                }
                Action::Repeat {
                    id,
                    source_id,
                    response,
                } => self.schedule.queue_repeat(id, source_id, response),
                Action::WindowStarted { id, .. } => self.schedule.start(id),
                Action::WindowEnded { id } => {
                    // An answer's held note ends with the answer.
                    let at = self.out.at(offset);
                    self.voices
                        .end_held(at, |at, event| self.out.voice(at, event));
                    self.schedule.end(id);
                }
            }
        }
    }

    /// When `step`'s note must be ready.
    fn deadline(&self, step: i64) -> Instant {
        match self.block {
            Some((grid, started)) => deadline(&grid, started, step, self.sample_rate_hz),
            None => Instant::now(),
        }
    }
}
