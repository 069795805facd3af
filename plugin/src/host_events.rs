//! nice-plug note events ↔ the engine's block inputs and outputs.

use antiphon_engine::live::io::{Input, InputKind, OutputKind};
use antiphon_engine::midly::num::{u4, u7};
use nice_plug::midi::{Channel, Key, VoiceID};
use nice_plug::prelude::*;

/// The engine's view of a host event.
pub fn to_input(event: &NoteEvent<()>) -> Input {
    let kind = match *event {
        NoteEvent::NoteOn {
            channel: Channel::Number(channel),
            key: Key::Number(key),
            velocity,
            ..
        } if channel < 16 && key < 128 => InputKind::NoteOn {
            channel: u4::new(channel),
            key: u7::new(key),
            velocity,
        },
        NoteEvent::NoteOff {
            channel: Channel::Number(channel),
            key: Key::Number(key),
            ..
        } if channel < 16 && key < 128 => InputKind::NoteOff {
            channel: u4::new(channel),
            key: u7::new(key),
        },
        NoteEvent::MidiCC {
            channel, cc, value, ..
        } if channel < 16 && cc < 128 => InputKind::Cc {
            channel: u4::new(channel),
            cc: u7::new(cc),
            value: u7::new((value * 127.0).round().clamp(0.0, 127.0) as u8),
        },
        _ => InputKind::Other,
    };
    Input {
        offset: event.timing(),
        kind,
    }
}

/// The host event for an engine output at `offset`; `Forward` re-sends `inputs[index]`.
pub fn to_host(offset: u32, kind: OutputKind, inputs: &[NoteEvent<()>]) -> NoteEvent<()> {
    match kind {
        OutputKind::NoteOn {
            channel,
            key,
            velocity,
        } => NoteEvent::NoteOn {
            timing: offset,
            voice_id: VoiceID::Wildcard,
            channel: Channel::Number(channel.as_int()),
            key: Key::Number(key.as_int()),
            velocity,
        },
        OutputKind::NoteOff { channel, key } => NoteEvent::NoteOff {
            timing: offset,
            voice_id: VoiceID::Wildcard,
            channel: Channel::Number(channel.as_int()),
            key: Key::Number(key.as_int()),
            velocity: 0.0,
        },
        OutputKind::Forward(index) => inputs[index],
    }
}
