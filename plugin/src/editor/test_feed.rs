//! What the performer's feed reports for a melodic call and its answer, for the tests of the
//! session, the roll and the export: events applied to a [`Session`] as the editor drains them.

use antiphon_engine::encoding::StepEvents;
use antiphon_engine::families::Family;
use antiphon_engine::families::drums::encoding::DrumEvent;
use antiphon_engine::families::drums::sequence::DrumStep;
use antiphon_engine::families::melody::encoding::{MelodyEvent, Pitch};
use antiphon_engine::hit::Hit;
use antiphon_engine::live::feed::{Answered, PlayEvent};
use antiphon_engine::live::feel::StepFeel;
use antiphon_engine::live::voicing::Voicing;
use antiphon_engine::midly::num::u7;
use antiphon_engine::phrase::{StepSpan, TurnState};

use super::session::Session;

/// How the melodic call and answer are voiced: played an octave above the model's register.
pub const VOICING: Voicing = Voicing {
    transpose_semitones: 12,
    velocity: u7::new(70),
};

/// A note-on of the model's pitch `midi`.
pub fn on(midi: u8) -> MelodyEvent {
    MelodyEvent::NoteOn(Pitch::new(midi).expect("a pitch of the melody range"))
}

/// The model heard `event` on `step` of the call, played on the grid at the call's velocity.
pub fn heard(session: &mut Session, step: i64, event: MelodyEvent) {
    let note = matches!(event, MelodyEvent::NoteOn(_)).then_some(Hit {
        velocity: VOICING.velocity,
        offset_steps: 0.0,
    });
    session.play_event(PlayEvent::Heard {
        step,
        events: StepEvents::one(event.id()),
        feel: StepFeel::Struck(note),
        voicing: VOICING,
    });
}

/// The model heard drums `event` on `step` of the call, played on the grid at the default
/// voicing's velocity.
pub fn heard_drums(session: &mut Session, step: i64, event: DrumEvent) {
    session.play_event(PlayEvent::Heard {
        step,
        events: StepEvents::one(event.id()),
        feel: StepFeel::Hits(DrumStep::from_event(event, Voicing::default().velocity)),
        voicing: Voicing::default(),
    });
}

/// The performer played `event` on `step` of an answer.
pub fn played(session: &mut Session, step: i64, event: MelodyEvent) {
    session.play_event(PlayEvent::Played {
        step,
        events: StepEvents::one(event.id()),
        voicing: VOICING,
        feel: None,
    });
}

/// A one-bar melodic call with a melody model loaded — C5 for a quarter, E5 for an eighth, an
/// eighth's rest, G5 for five 16ths — answered in bar 2 (D5 a quarter, F5 an eighth, a rest, A5
/// from step 24), which has played up to step 27.
pub fn melodic_call_and_answer(session: &mut Session) {
    session.set_family(Family::MELODY);
    session.play_event(PlayEvent::Turn(TurnState::Listening { start: 0 }));
    heard(session, 0, on(60));
    heard(session, 4, on(64));
    heard(session, 6, MelodyEvent::NoteOff);
    heard(session, 8, on(67));
    heard(session, 13, MelodyEvent::NoteOff);
    session.play_event(PlayEvent::Turn(TurnState::Idle));
    session.answered(Answered {
        id: 1,
        call: Some(StepSpan::new(0, 16)),
        call_log_likelihood: -12.0,
        response: StepSpan::new(16, 32),
        log_likelihood: -20.0,
    });
    session.play_event(PlayEvent::Turn(TurnState::Responding {
        span: StepSpan::new(16, 32),
    }));
    // The performer reports every step it plays, held ones too.
    for step in 16..28 {
        let event = match step {
            16 => on(62),
            20 => on(65),
            22 => MelodyEvent::NoteOff,
            24 => on(69),
            _ => MelodyEvent::NoEvent,
        };
        played(session, step, event);
    }
}
