//! The player's notes passed through, with the transport stopped.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use midly::num::{u4, u7};

use super::{RATE, settings, shelf};
use crate::live::io::{Input, InputKind, Output, OutputKind, Trigger};
use crate::live::performer::{Performer, Settings};
use crate::transport::Transport;

/// Plays `inputs` (all in the first block) through a stopped-transport performer.
fn pass_through(inputs: &[Input], settings: &Settings) -> Vec<Output> {
    let (mut performer, _) = Performer::start(
        shelf(),
        Arc::default(),
        0,
        RATE,
        true,
        Arc::new(AtomicBool::new(false)),
    )
    .unwrap();
    let mut outputs = Vec::new();
    performer.process(Transport::Stopped, 512, inputs, settings, |out| {
        outputs.push(out)
    });
    outputs
}

fn key_input(offset: u32, on: bool) -> Input {
    let (channel, key) = (u4::new(4), u7::new(48));
    let kind = if on {
        InputKind::NoteOn {
            channel,
            key,
            velocity: 0.5,
        }
    } else {
        InputKind::NoteOff { channel, key }
    };
    Input { offset, kind }
}

#[test]
fn a_key_struck_twice_on_one_sample_is_closed_between_the_two() {
    let passing = Settings {
        passthrough: true,
        ..settings()
    };
    let inputs = [
        key_input(10, true),
        key_input(10, true),
        key_input(90, false),
        key_input(95, false),
    ];
    let kinds: Vec<(u32, OutputKind)> = pass_through(&inputs, &passing)
        .into_iter()
        .map(|out| (out.offset, out.kind))
        .collect();
    let off = OutputKind::NoteOff {
        channel: u4::new(4),
        key: u7::new(48),
    };
    assert_eq!(
        kinds,
        [
            (10, OutputKind::Forward(0)),
            (10, off),
            (10, OutputKind::Forward(1)),
            (90, OutputKind::Forward(2)),
        ]
    );
}

#[test]
fn a_release_is_passed_on_when_its_press_was_whatever_the_trigger_became() {
    let passing = Settings {
        passthrough: true,
        ..settings()
    };
    let triggering = Settings {
        trigger: Some(Trigger::Note(u7::new(48))),
        ..passing
    };
    let (mut performer, _) = Performer::start(
        shelf(),
        Arc::default(),
        0,
        RATE,
        true,
        Arc::new(AtomicBool::new(false)),
    )
    .unwrap();
    let mut outputs = Vec::new();
    performer.process(
        Transport::Stopped,
        64,
        &[key_input(0, true)],
        &passing,
        |out| outputs.push(out.kind),
    );
    performer.process(
        Transport::Stopped,
        64,
        &[key_input(0, false)],
        &triggering,
        |out| outputs.push(out.kind),
    );
    assert_eq!(outputs, [OutputKind::Forward(0), OutputKind::Forward(0)]);
}
