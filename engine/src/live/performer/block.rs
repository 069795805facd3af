//! One playing block walked in sample order: the grid's moments between the player's inputs,
//! and what a step's start and close do.

use std::time::Instant;

use super::{Model, Performer, Settings};
use crate::live::feed::PlayEvent;
use crate::live::grid::{BlockGrid, GridPoint};
use crate::live::io::{Input, InputKind};
use crate::live::messages::Phrase;
use crate::live::monitor::Monitor;
use crate::live::quantize::HeardStep;
use crate::live::schedule::Cue;
use crate::transport::Position;

impl Performer {
    pub(super) fn play_block(
        &mut self,
        position: &Position,
        len_samples: u32,
        inputs: &[Input],
        settings: &Settings,
    ) {
        let grid = BlockGrid::new(position, self.sample_rate_hz, len_samples);
        self.block = Some((grid, Instant::now()));
        self.turns.set_rules(settings.rules);
        let mut points = grid.points().peekable();
        let mut inputs_left = inputs.iter().enumerate().peekable();
        loop {
            // On one sample a release goes first (a note released on a grid line no longer
            // sounds there), then the grid moment, then a press (a note on a step's close
            // belongs to the next step).
            let take_point = match (points.peek(), inputs_left.peek()) {
                (Some((point_offset, _)), Some((_, input))) => match input.kind {
                    InputKind::NoteOff { .. } => *point_offset < input.offset,
                    _ => *point_offset <= input.offset,
                },
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if take_point {
                let (offset, point) = points.next().expect("peeked");
                self.release_due(self.out.at(offset));
                match point {
                    GridPoint::Start(step) => self.step_started(step, offset, &grid, settings),
                    GridPoint::Close(step) => {
                        self.step_closed(step, offset, settings);
                        self.play_ahead(step + 1, offset, &grid, settings);
                    }
                }
            } else {
                let (index, input) = inputs_left.next().expect("peeked");
                self.release_due(self.out.at(input.offset));
                self.hear(index, input, &grid, settings);
            }
        }
        self.expected_ppq = Some(grid.end_ppq());
    }

    fn step_started(&mut self, step: i64, offset: u32, grid: &BlockGrid, settings: &Settings) {
        let sustaining = match self.model {
            Model::Ready(family) => self.quantizers.of(family).sustaining(),
            Model::Loading | Model::Missing => false,
        };
        let actions = self.turns.step_started(step, sustaining);
        self.act(actions, offset, settings);

        if self.played_ahead == Some(step) {
            return;
        }
        let mut cue = self.schedule.cue(step);
        if cue == Cue::Pending && self.offline {
            cue = self.wait_for(offset, |schedule| schedule.cue(step));
        }
        match cue {
            Cue::Play(delivered) => {
                let at = self.out.at(offset);
                self.play(step, delivered, at, at, grid, settings);
            }
            Cue::Pending => {
                Monitor::count(&self.monitor.late_steps);
                self.feed.send(PlayEvent::Late { step });
            }
            Cue::Silent => {}
        }
    }

    fn step_closed(&mut self, step: i64, offset: u32, settings: &Settings) {
        let Model::Ready(family) = self.model else {
            return;
        };
        let quantizer = self.quantizers.of_mut(family);
        let HeardStep { events, feel } = quantizer.close(step);
        let voicing = quantizer.voicing();
        if !events.is_quiet() {
            self.feed.send(PlayEvent::Heard {
                step,
                events,
                feel,
                voicing,
            });
        }
        if self.turns.call_start().is_some_and(|start| step >= start) {
            let groove = feel.groove();
            self.send_phrase(Phrase::CallStep {
                step,
                events,
                groove,
            });
        }
        let actions = self.turns.step_closed(step);
        self.act(actions, offset, settings);
    }
}
