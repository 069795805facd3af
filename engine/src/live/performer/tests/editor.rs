//! What the editor is told: the call, the turns and the answer, only while it is open.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use midly::num::{u4, u7};

use super::{BAR, RATE, note_ons, perform_watched, settings, shelf, two_bar_call};
use crate::encoding::EventId;
use crate::families::drums::encoding::{DrumClass, DrumEvent};
use crate::live::io::{Input, InputKind};
use crate::live::performer::Performer;
use crate::transport::{Position, TimeSignature, Transport};

#[test]
fn the_editor_hears_the_call_the_turns_and_the_answer_with_its_likelihood() {
    use crate::live::feed::PlayEvent;
    use crate::phrase::{StepSpan, TurnState};

    let call = two_bar_call();
    let (outputs, mut feed) = perform_watched(512, &call, 6 * BAR, None, settings(), true);
    let mut heard = Vec::new();
    let mut struck = Vec::new();
    let mut played = 0;
    let mut turns = Vec::new();
    while let Ok(event) = feed.play.pop() {
        match event {
            PlayEvent::Heard { step, events, .. } => heard.push((step, events.ids()[0])),
            PlayEvent::Struck { step, key, .. } => struck.push((step, key.as_int())),
            PlayEvent::Played { .. } => played += 1,
            PlayEvent::Turn(turn) => turns.push(turn),
            PlayEvent::Late { .. } | PlayEvent::Reset => {}
        }
    }
    let kick = DrumEvent::REST.with(DrumClass::Kick).id();
    let expected: Vec<(i64, EventId)> = (0..8).map(|beat| (beat * 4, kick)).collect();
    assert_eq!(heard, expected, "every kick of the call, on its step");
    let keys: Vec<(i64, u8)> = (0..8).map(|beat| (beat * 4, 36)).collect();
    assert_eq!(struck, keys, "every key struck, on its step");
    assert_eq!(
        turns,
        [
            TurnState::Listening { start: 0 },
            TurnState::Idle,
            TurnState::Responding {
                span: StepSpan::new(48, 80)
            },
            TurnState::Idle,
        ]
    );
    let steps_with_notes = note_ons(&outputs)
        .iter()
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    assert_eq!(played, steps_with_notes, "one Played per step that sounded");
    let answered = feed.answers.pop().expect("the model reports its answer");
    assert_eq!(answered.call, Some(StepSpan::new(0, 32)));
    assert_eq!(answered.response, StepSpan::new(48, 80));
    assert!(answered.log_likelihood < 0.0 && answered.log_likelihood.is_finite());
    assert!(answered.call_log_likelihood < 0.0);
}

#[test]
fn an_editor_opened_mid_phrase_is_told_the_turn_state_at_once() {
    use crate::live::feed::PlayEvent;
    use crate::phrase::TurnState;

    let open = Arc::new(AtomicBool::new(false));
    let (mut performer, mut feed) =
        Performer::start(shelf(), Arc::default(), 0, RATE, true, open.clone()).unwrap();
    let kick = Input {
        offset: 0,
        kind: InputKind::NoteOn {
            channel: u4::new(9),
            key: u7::new(36),
            velocity: 1.0,
        },
    };
    let block = |performer: &mut Performer, index: u32, inputs: &[Input]| {
        let transport = Transport::Playing(Position {
            tempo_bpm: 120.0,
            pos_ppq: f64::from(index) * 1_000.0 / 24_000.0,
            bar_start_ppq: 0.0,
            time_signature: TimeSignature::FOUR_FOUR,
        });
        performer.process(transport, 1_000, inputs, &settings(), |_| {});
    };
    block(&mut performer, 0, &[kick]);
    block(&mut performer, 1, &[]);
    assert!(feed.play.pop().is_err(), "closed: nothing sent");
    open.store(true, Ordering::Relaxed);
    block(&mut performer, 2, &[]);
    assert_eq!(
        feed.play.pop(),
        Ok(PlayEvent::Turn(TurnState::Listening { start: 0 }))
    );
}

#[test]
fn a_closed_editor_is_told_nothing() {
    let (_, mut feed) = perform_watched(512, &two_bar_call(), 6 * BAR, None, settings(), false);
    assert!(feed.play.pop().is_err());
    assert!(feed.answers.pop().is_err());
}
