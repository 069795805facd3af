//! Every note the performer has started and not yet ended, so that each note-on leaves with
//! its note-off: generated notes (a drum hit ends after a fixed length, a melody's or a chord's
//! note is held until the answer ends it) and the player's notes passed through (ended when the player
//! releases them, or cut when the performer must close all). Drum hits played with a feel are
//! decided ahead of their sample and wait here until it comes; a wait cut short sends nothing.

use midly::num::{u4, u7};

/// A note to send, at an absolute sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum VoiceEvent {
    /// A generated note starts.
    On { channel: u4, key: u7, velocity: f32 },
    /// A note ends (generated, or a player's note cut short).
    Off { channel: u4, key: u7 },
}

/// How long a generated note sounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteLength {
    /// This many samples (a drum hit).
    Samples(u64),
    /// Until [`Voices::end_held`] or [`Voices::end_key`] (a melody's note, ended by the next
    /// event of its line; a chord's, by a step that does not continue it).
    Held,
}

/// When a sounding generated note ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    At(u64),
    Held,
}

/// Most hits waiting to start: every drum class of the step ahead, with room to spare.
const MAX_WAITING: usize = 32;

/// A drum hit decided before its sample.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Waiting {
    at: u64,
    channel: u4,
    key: u7,
    velocity: f32,
    samples: u64,
}

/// The sounding notes. Fixed size: nothing here allocates after construction.
#[derive(Debug, Clone)]
pub struct Voices {
    /// Channel the generated notes sound on.
    generated_channel: u4,
    /// When each sounding generated note ends, by key.
    generated: [Option<End>; 128],
    /// Hits to start later, in no order.
    waiting: [Option<Waiting>; MAX_WAITING],
    /// Player notes passed through and still sounding: bit `key` of `player[channel]`.
    player: [u128; 16],
}

impl Default for Voices {
    fn default() -> Self {
        Voices {
            generated_channel: u4::new(9),
            generated: [None; 128],
            waiting: [None; MAX_WAITING],
            player: [0; 16],
        }
    }
}

impl Voices {
    fn player_sounding(&self, channel: u4, key: u7) -> bool {
        self.player[usize::from(channel.as_int())] & (1 << key.as_int()) != 0
    }

    fn set_player(&mut self, channel: u4, key: u7, sounding: bool) {
        let bits = &mut self.player[usize::from(channel.as_int())];
        if sounding {
            *bits |= 1 << key.as_int();
        } else {
            *bits &= !(1 << key.as_int());
        }
    }

    /// Starts a generated note at `at` lasting `length`, ending first whatever sounds on the
    /// same channel and key.
    pub fn start_generated(
        &mut self,
        at: u64,
        channel: u4,
        key: u7,
        velocity: f32,
        length: NoteLength,
        mut emit: impl FnMut(u64, VoiceEvent),
    ) {
        if channel != self.generated_channel {
            self.close_sounding(at, &mut emit);
            self.generated_channel = channel;
        }
        let slot = usize::from(key.as_int());
        if self.generated[slot].take().is_some() || self.player_sounding(channel, key) {
            self.set_player(channel, key, false);
            emit(at, VoiceEvent::Off { channel, key });
        }
        emit(
            at,
            VoiceEvent::On {
                channel,
                key,
                velocity,
            },
        );
        self.generated[slot] = Some(match length {
            NoteLength::Samples(samples) => End::At(at + samples.max(1)),
            NoteLength::Held => End::Held,
        });
    }

    /// Strikes a drum hit of `samples` at `at`, which may lie in a later block: it starts (as
    /// [`start_generated`](Voices::start_generated) would) when [`release_due`](Voices::release_due)
    /// reaches it. Returns `false`, and sends nothing, when too many hits already wait.
    pub fn strike_later(
        &mut self,
        at: u64,
        channel: u4,
        key: u7,
        velocity: f32,
        samples: u64,
    ) -> bool {
        let Some(free) = self.waiting.iter_mut().find(|slot| slot.is_none()) else {
            return false;
        };
        *free = Some(Waiting {
            at,
            channel,
            key,
            velocity,
            samples,
        });
        true
    }

    /// Ends every held generated note at `at`.
    pub fn end_held(&mut self, at: u64, mut emit: impl FnMut(u64, VoiceEvent)) {
        let channel = self.generated_channel;
        for (key, end) in self.generated.iter_mut().enumerate() {
            if *end == Some(End::Held) {
                *end = None;
                emit(
                    at,
                    VoiceEvent::Off {
                        channel,
                        key: u7::new(key as u8),
                    },
                );
            }
        }
    }

    /// Ends the held generated note of `key` at `at`, if one sounds (a chord's pitch that is
    /// not continued).
    pub fn end_key(&mut self, at: u64, key: u7, mut emit: impl FnMut(u64, VoiceEvent)) {
        let end = &mut self.generated[usize::from(key.as_int())];
        if *end == Some(End::Held) {
            *end = None;
            let channel = self.generated_channel;
            emit(at, VoiceEvent::Off { channel, key });
        }
    }

    /// The keys of the held generated notes, bit `key` each: what a chord's next step may
    /// continue.
    pub fn held_keys(&self) -> u128 {
        self.generated
            .iter()
            .enumerate()
            .filter(|&(_, &end)| end == Some(End::Held))
            .fold(0, |keys, (key, _)| keys | 1 << key)
    }

    /// The player pressed a key that will be passed through at `at`: ends first whatever sounds
    /// on the same channel and key.
    pub fn player_on(
        &mut self,
        at: u64,
        channel: u4,
        key: u7,
        mut emit: impl FnMut(u64, VoiceEvent),
    ) {
        let generated_here = channel == self.generated_channel
            && self.generated[usize::from(key.as_int())].is_some();
        if generated_here || self.player_sounding(channel, key) {
            if generated_here {
                self.generated[usize::from(key.as_int())] = None;
            }
            emit(at, VoiceEvent::Off { channel, key });
        }
        self.set_player(channel, key, true);
    }

    /// The player released a key; `true` when its note-off must be passed through (its note-on
    /// was, and has not been cut since).
    pub fn player_off(&mut self, channel: u4, key: u7) -> bool {
        let sounding = self.player_sounding(channel, key);
        self.set_player(channel, key, false);
        sounding
    }

    /// Ends every generated note whose end lies before `until` and starts every waiting hit
    /// whose sample does, in sample order (on one sample an end before a start, lower keys
    /// first).
    pub fn release_due(&mut self, until: u64, mut emit: impl FnMut(u64, VoiceEvent)) {
        loop {
            let end = self.first_end().filter(|&(at, _)| at < until);
            let start = self.first_waiting().filter(|&(at, _)| at < until);
            match (end, start) {
                (Some((at, key)), start) if start.is_none_or(|(start_at, _)| at <= start_at) => {
                    self.generated[usize::from(key.as_int())] = None;
                    let channel = self.generated_channel;
                    emit(at, VoiceEvent::Off { channel, key });
                }
                (_, Some((_, index))) => {
                    let hit = self.waiting[index].take().expect("found waiting");
                    let length = NoteLength::Samples(hit.samples);
                    let (at, channel, key, velocity) = (hit.at, hit.channel, hit.key, hit.velocity);
                    self.start_generated(at, channel, key, velocity, length, &mut emit);
                }
                _ => return,
            }
        }
    }

    /// The earliest timed end of a sounding generated note, and its key.
    fn first_end(&self) -> Option<(u64, u7)> {
        let mut first: Option<(u64, u7)> = None;
        for (key, end) in self.generated.iter().enumerate() {
            if let Some(End::At(at)) = *end
                && first.is_none_or(|(first_at, _)| at < first_at)
            {
                first = Some((at, u7::new(key as u8)));
            }
        }
        first
    }

    /// The earliest waiting hit's sample (the lowest key on a tie), and its slot.
    fn first_waiting(&self) -> Option<(u64, usize)> {
        let mut first: Option<(u64, u7, usize)> = None;
        for (index, hit) in self.waiting.iter().enumerate() {
            if let Some(hit) = hit
                && first.is_none_or(|(at, key, _)| (hit.at, hit.key) < (at, key))
            {
                first = Some((hit.at, hit.key, index));
            }
        }
        first.map(|(at, _, index)| (at, index))
    }

    /// Ends every generated note at `at`; hits still waiting never start.
    pub fn close_generated(&mut self, at: u64, emit: impl FnMut(u64, VoiceEvent)) {
        self.waiting.fill(None);
        self.close_sounding(at, emit);
    }

    /// Ends every sounding generated note at `at`.
    fn close_sounding(&mut self, at: u64, mut emit: impl FnMut(u64, VoiceEvent)) {
        let channel = self.generated_channel;
        for (key, end) in self.generated.iter_mut().enumerate() {
            if end.take().is_some() {
                emit(
                    at,
                    VoiceEvent::Off {
                        channel,
                        key: u7::new(key as u8),
                    },
                );
            }
        }
    }

    /// Ends every note, generated or passed through, at `at`.
    pub fn close_all(&mut self, at: u64, mut emit: impl FnMut(u64, VoiceEvent)) {
        self.close_generated(at, &mut emit);
        for (channel, bits) in self.player.iter_mut().enumerate() {
            while *bits != 0 {
                let key = bits.trailing_zeros();
                *bits &= !(1 << key);
                emit(
                    at,
                    VoiceEvent::Off {
                        channel: u4::new(channel as u8),
                        key: u7::new(key as u8),
                    },
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(f: impl FnOnce(&mut Vec<(u64, VoiceEvent)>)) -> Vec<(u64, VoiceEvent)> {
        let mut events = Vec::new();
        f(&mut events);
        events
    }

    const CH: u4 = u4::new(9);
    const KICK: u7 = u7::new(36);

    #[test]
    fn generated_notes_end_after_their_length() {
        let mut voices = Voices::default();
        let events = collect(|out| {
            voices.start_generated(100, CH, KICK, 0.8, NoteLength::Samples(50), |at, e| {
                out.push((at, e))
            });
            voices.release_due(150, |at, e| out.push((at, e)));
            voices.release_due(151, |at, e| out.push((at, e)));
        });
        assert_eq!(
            events,
            [
                (
                    100,
                    VoiceEvent::On {
                        channel: CH,
                        key: KICK,
                        velocity: 0.8
                    }
                ),
                (
                    150,
                    VoiceEvent::Off {
                        channel: CH,
                        key: KICK
                    }
                ),
            ]
        );
        assert!(collect(|out| voices.close_all(0, |at, e| out.push((at, e)))).is_empty());
    }

    #[test]
    fn a_restrike_ends_the_sounding_note_first() {
        let mut voices = Voices::default();
        let events = collect(|out| {
            voices.player_on(10, CH, KICK, |at, e| out.push((at, e)));
            voices.start_generated(20, CH, KICK, 1.0, NoteLength::Samples(5), |at, e| {
                out.push((at, e))
            });
        });
        assert_eq!(
            events[0],
            (
                20,
                VoiceEvent::Off {
                    channel: CH,
                    key: KICK
                }
            )
        );
        // The player's own release no longer passes: its note was already ended.
        assert!(!voices.player_off(CH, KICK));
    }

    #[test]
    fn close_all_ends_everything_once() {
        let mut voices = Voices::default();
        voices.player_on(0, u4::new(0), u7::new(60), |_, _| {});
        voices.player_on(0, u4::new(15), u7::new(127), |_, _| {});
        voices.start_generated(0, CH, KICK, 1.0, NoteLength::Samples(1_000), |_, _| {});
        let events = collect(|out| voices.close_all(7, |at, e| out.push((at, e))));
        assert_eq!(events.len(), 3);
        assert!(
            events
                .iter()
                .all(|(at, e)| *at == 7 && matches!(e, VoiceEvent::Off { .. }))
        );
        assert!(collect(|out| voices.close_all(0, |at, e| out.push((at, e)))).is_empty());
        assert!(!voices.player_off(u4::new(0), u7::new(60)));
    }

    #[test]
    fn changing_the_generated_channel_ends_notes_on_the_old_one() {
        let mut voices = Voices::default();
        voices.start_generated(0, CH, KICK, 1.0, NoteLength::Samples(1_000), |_, _| {});
        let events = collect(|out| {
            voices.start_generated(
                10,
                u4::new(0),
                KICK,
                1.0,
                NoteLength::Samples(1_000),
                |at, e| out.push((at, e)),
            )
        });
        assert_eq!(
            events[0],
            (
                10,
                VoiceEvent::Off {
                    channel: CH,
                    key: KICK
                }
            )
        );
    }

    #[test]
    fn waiting_hits_start_in_sample_order_and_a_close_drops_them() {
        let snare = u7::new(38);
        let on = |key, velocity| VoiceEvent::On {
            channel: CH,
            key,
            velocity,
        };
        let off = |key| VoiceEvent::Off { channel: CH, key };
        let mut voices = Voices::default();
        voices.start_generated(0, CH, KICK, 1.0, NoteLength::Samples(100), |_, _| {});
        // Decided together, due across two "blocks": a late snare, a kick before the first
        // kick's end (a restrike), and one after the block's end.
        assert!(voices.strike_later(60, CH, snare, 0.5, 50));
        assert!(voices.strike_later(80, CH, KICK, 0.7, 30));
        assert!(voices.strike_later(250, CH, KICK, 0.9, 30));
        let first = collect(|out| voices.release_due(200, |at, e| out.push((at, e))));
        assert_eq!(
            first,
            [
                (60, on(snare, 0.5)),
                (80, off(KICK)),
                (80, on(KICK, 0.7)),
                (110, off(KICK)),
                (110, off(snare)),
            ]
        );
        let closed = collect(|out| voices.close_all(220, |at, e| out.push((at, e))));
        assert!(
            closed.is_empty(),
            "the hit at 250 never started: {closed:?}"
        );
        let after = collect(|out| voices.release_due(1_000, |at, e| out.push((at, e))));
        assert!(after.is_empty(), "{after:?}");
    }

    #[test]
    fn a_held_note_sounds_until_it_is_ended() {
        let mut voices = Voices::default();
        let c4 = u7::new(60);
        voices.start_generated(0, CH, c4, 1.0, NoteLength::Held, |_, _| {});
        voices.start_generated(0, CH, KICK, 1.0, NoteLength::Samples(10), |_, _| {});
        let released = collect(|out| voices.release_due(1_000_000, |at, e| out.push((at, e))));
        assert_eq!(
            released,
            [(
                10,
                VoiceEvent::Off {
                    channel: CH,
                    key: KICK
                }
            )],
            "the held note is not released by time"
        );
        let ended = collect(|out| voices.end_held(500, |at, e| out.push((at, e))));
        assert_eq!(
            ended,
            [(
                500,
                VoiceEvent::Off {
                    channel: CH,
                    key: c4
                }
            )]
        );
        assert!(collect(|out| voices.close_all(600, |at, e| out.push((at, e)))).is_empty());
    }

    #[test]
    fn one_held_key_ends_alone_and_the_rest_close_together() {
        let mut voices = Voices::default();
        let (c4, e4) = (u7::new(60), u7::new(64));
        voices.start_generated(0, CH, c4, 1.0, NoteLength::Held, |_, _| {});
        voices.start_generated(0, CH, e4, 1.0, NoteLength::Held, |_, _| {});
        voices.start_generated(0, CH, KICK, 1.0, NoteLength::Samples(10), |_, _| {});
        assert_eq!(voices.held_keys(), 1 << 60 | 1 << 64);
        let ended = collect(|out| {
            voices.end_key(100, e4, |at, e| out.push((at, e)));
            // Not held (a drum hit ends by time), or no longer sounding: nothing.
            voices.end_key(100, KICK, |at, e| out.push((at, e)));
            voices.end_key(100, e4, |at, e| out.push((at, e)));
        });
        let off = |key| VoiceEvent::Off { channel: CH, key };
        assert_eq!(ended, [(100, off(e4))]);
        assert_eq!(voices.held_keys(), 1 << 60);
        let closed = collect(|out| voices.close_generated(200, |at, e| out.push((at, e))));
        assert_eq!(closed, [(200, off(KICK)), (200, off(c4))]);
        assert_eq!(voices.held_keys(), 0);
    }
}
