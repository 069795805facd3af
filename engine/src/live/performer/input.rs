//! The player's inputs: notes heard into the family's quantizer and the turn-taking, triggers,
//! and what is passed through.

use midly::num::u7;

use super::{Model, Performer, Settings};
use crate::hit::Hit;
use crate::live::feed::PlayEvent;
use crate::live::grid::BlockGrid;
use crate::live::io::{Input, InputKind, OutputKind, Trigger};

impl Performer {
    pub(super) fn hear(
        &mut self,
        index: usize,
        input: &Input,
        grid: &BlockGrid,
        settings: &Settings,
    ) {
        match (input.kind, self.model) {
            (
                InputKind::NoteOn {
                    channel,
                    key,
                    velocity,
                },
                Model::Ready(family),
            ) if settings.trigger != Some(Trigger::Note(key)) => {
                let step = grid.step_of(input.offset);
                self.feed.send(PlayEvent::Struck { step, channel, key });
                let hit = Hit {
                    velocity: u7::new((velocity * 127.0).round().clamp(1.0, 127.0) as u8),
                    offset_steps: grid.steps_from_line(input.offset, step),
                };
                self.quantizers.of_mut(family).press(step, key, hit);
                let actions = self.turns.note(step);
                self.act(actions, input.offset, settings);
            }
            (InputKind::NoteOff { key, .. }, Model::Ready(family)) => {
                self.quantizers.of_mut(family).release(key);
            }
            _ => {}
        }
        self.hear_passthrough(index, input, settings);
    }

    /// Passes the input through (or swallows it) and keeps the voices.
    pub(super) fn hear_passthrough(&mut self, index: usize, input: &Input, settings: &Settings) {
        let at = self.out.at(input.offset);
        let forward = match input.kind {
            InputKind::NoteOn { key, .. } if settings.trigger == Some(Trigger::Note(key)) => {
                self.turns.trigger();
                false
            }
            InputKind::NoteOn { channel, key, .. } => {
                if settings.passthrough {
                    self.voices
                        .player_on(at, channel, key, |at, event| self.out.voice(at, event));
                }
                settings.passthrough
            }
            // Passed on exactly when its note-on was (whatever the trigger is set to by now).
            InputKind::NoteOff { channel, key } => self.voices.player_off(channel, key),
            InputKind::Cc { cc, value, .. } if settings.trigger == Some(Trigger::Cc(cc)) => {
                if value.as_int() >= 64 {
                    self.turns.trigger();
                }
                false
            }
            InputKind::Cc { .. } | InputKind::Other => settings.passthrough,
        };
        if forward {
            self.out.queue(input.offset, OutputKind::Forward(index));
        }
    }
}
