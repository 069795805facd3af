//! The model's answers played through the family's renderer at exact sample offsets, drum hits
//! played ahead of their line, and the notes that end when their sample comes.

use super::{Model, Performer, Settings};
use crate::live::feed::PlayEvent;
use crate::live::grid::BlockGrid;
use crate::live::render::Sounding;
use crate::live::schedule::{Cue, Delivered};

impl Performer {
    /// At the close before `step` (at `offset`), decides `step`'s drum hits when the sounding
    /// window goes on into it and the model has delivered it: a hit played early then sounds
    /// before `step`'s line, each hit when its sample comes. Otherwise `step` is played at its
    /// line.
    pub(super) fn play_ahead(
        &mut self,
        step: i64,
        offset: u32,
        grid: &BlockGrid,
        settings: &Settings,
    ) {
        let Model::Ready(family) = self.model else {
            return;
        };
        if !family.plays_feel() {
            return;
        }
        let mut cue = self.schedule.cue_ahead(step);
        if cue == Cue::Pending && self.offline {
            cue = self.wait_for(offset, |schedule| schedule.cue_ahead(step));
        }
        if let Cue::Play(delivered) = cue {
            let line = self.out.at(0).saturating_add_signed(grid.line_offset(step));
            self.play(step, delivered, line, self.out.at(offset), grid, settings);
            self.played_ahead = Some(step);
        }
    }

    /// Plays `delivered` as step `step`, whose line lies at absolute sample `line`, starting
    /// nothing before `earliest` (now): what starts now is sent now, later hits wait in the
    /// voices.
    pub(super) fn play(
        &mut self,
        step: i64,
        delivered: Delivered,
        line: u64,
        earliest: u64,
        grid: &BlockGrid,
        settings: &Settings,
    ) {
        let Model::Ready(family) = self.model else {
            return;
        };
        let voicing = self.schedule.voicing();
        let Delivered { events, groove } = delivered;
        let sounding = Sounding {
            at: line,
            earliest,
            step_samples: grid.samples_per_step(),
            channel: settings.out_channel,
            velocity: settings.velocity.unwrap_or(voicing.velocity),
            groove: groove.map(|values| (values, settings.groove)),
            transpose_semitones: voicing.transpose_semitones,
        };
        let feel = family.render(events, sounding, &mut self.voices, &mut |at, event| {
            self.out.voice(at, event)
        });
        self.feed.send(PlayEvent::Played {
            step,
            events,
            voicing,
            feel,
        });
        self.release_due(earliest + 1);
    }

    pub(super) fn release_due(&mut self, until: u64) {
        self.voices
            .release_due(until, |at, event| self.out.voice(at, event));
    }
}
