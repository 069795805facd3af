//! The host's `IEventList` (a block's note events, in or out) and the translation between VST3
//! events and the harness's [`Input`] and [`Output`].

use std::cell::{Ref, RefCell};

use vst3::Class;
use vst3::Steinberg::Vst::Event_::EventTypes_::{
    kLegacyMIDICCOutEvent, kNoteOffEvent, kNoteOnEvent,
};
use vst3::Steinberg::Vst::{Event, IEventList, IEventListTrait, NoteOffEvent, NoteOnEvent};
use vst3::Steinberg::{int32, kInvalidArgument, kResultOk, tresult};

use crate::events::{Input, Output};

/// `Event::type` values.
const NOTE_ON: u16 = kNoteOnEvent as u16;
const NOTE_OFF: u16 = kNoteOffEvent as u16;
const LEGACY_MIDI_CC_OUT: u16 = kLegacyMIDICCOutEvent as u16;

/// `noteId` of a note the host does not track by id.
const NO_NOTE_ID: i32 = -1;

/// A block's events: the host fills the input list and the plugin reads it; the plugin adds to
/// the output list and the host reads it after `process()`.
pub(crate) struct EventList {
    events: RefCell<Vec<Event>>,
}

impl Class for EventList {
    type Interfaces = (IEventList,);
}

impl EventList {
    /// An empty list with room for `capacity` events.
    pub(crate) fn with_capacity(capacity: usize) -> EventList {
        EventList {
            events: RefCell::new(Vec::with_capacity(capacity)),
        }
    }

    /// Empties the list for the next block.
    pub(crate) fn clear(&self) {
        self.events.borrow_mut().clear();
    }

    /// Adds an event (the host's side of `addEvent`).
    pub(crate) fn push(&self, event: Event) {
        self.events.borrow_mut().push(event);
    }

    /// The events, in the order they were added.
    pub(crate) fn events(&self) -> Ref<'_, [Event]> {
        Ref::map(self.events.borrow(), Vec::as_slice)
    }
}

impl IEventListTrait for EventList {
    unsafe fn getEventCount(&self) -> int32 {
        self.events.borrow().len() as int32
    }

    unsafe fn getEvent(&self, index: int32, e: *mut Event) -> tresult {
        let events = self.events.borrow();
        match usize::try_from(index).ok().and_then(|i| events.get(i)) {
            Some(event) if !e.is_null() => {
                // SAFETY: the caller passes a place for the event.
                unsafe { *e = *event };
                kResultOk
            }
            _ => kInvalidArgument,
        }
    }

    unsafe fn addEvent(&self, e: *mut Event) -> tresult {
        if e.is_null() {
            return kInvalidArgument;
        }
        // SAFETY: the caller passes the event to add.
        self.push(unsafe { *e });
        kResultOk
    }
}

/// The VST3 event for a note played in at `offset` samples into the block, at song position
/// `pos_ppq`; `None` for inputs that are not notes.
pub(crate) fn note_event(input: Input, offset: i32, pos_ppq: f64) -> Option<Event> {
    // SAFETY: `Event` is plain C data (integers, floats and a union of such); all zeros is a
    // valid value, and the fields that matter are set below.
    let mut event: Event = unsafe { std::mem::zeroed() };
    event.busIndex = 0;
    event.sampleOffset = offset;
    event.ppqPosition = pos_ppq;
    match input {
        Input::NoteOn {
            channel,
            key,
            velocity,
        } => {
            event.r#type = NOTE_ON;
            event.__field0.noteOn = NoteOnEvent {
                channel: i16::from(channel),
                pitch: i16::from(key),
                tuning: 0.0,
                velocity: velocity as f32,
                length: 0,
                noteId: NO_NOTE_ID,
            };
        }
        Input::NoteOff { channel, key } => {
            event.r#type = NOTE_OFF;
            event.__field0.noteOff = NoteOffEvent {
                channel: i16::from(channel),
                pitch: i16::from(key),
                velocity: 0.0,
                noteId: NO_NOTE_ID,
                tuning: 0.0,
            };
        }
        Input::Cc { .. } | Input::Param { .. } | Input::ParamFraction { .. } => return None,
    }
    Some(event)
}

/// What the plugin sent, or `None` for event types the harness does not collect.
pub(crate) fn decode_output(event: &Event) -> Option<Output> {
    let byte = |value: i16| u8::try_from(value).expect("a concrete channel/key");
    match event.r#type {
        NOTE_ON => {
            // SAFETY: the type says which member of the union is set.
            let e = unsafe { event.__field0.noteOn };
            Some(Output::NoteOn {
                channel: byte(e.channel),
                key: byte(e.pitch),
                velocity: f64::from(e.velocity),
            })
        }
        NOTE_OFF => {
            // SAFETY: as above.
            let e = unsafe { event.__field0.noteOff };
            Some(Output::NoteOff {
                channel: byte(e.channel),
                key: byte(e.pitch),
            })
        }
        LEGACY_MIDI_CC_OUT => {
            // SAFETY: as above.
            let e = unsafe { event.__field0.midiCCOut };
            let channel = e.channel as u8 & 0x0F;
            let (value, value2) = (e.value as u8 & 0x7F, e.value2 as u8 & 0x7F);
            // Control numbers past 127 are VST3's stand-ins for the other channel messages.
            let bytes = match e.controlNumber {
                cc @ 0..=127 => [0xB0 | channel, cc, value],
                128 => [0xD0 | channel, value, 0],
                129 => [0xE0 | channel, value, value2],
                130 => [0xC0 | channel, value, 0],
                _ => return None,
            };
            Some(Output::Midi(bytes))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_go_in_and_come_back_out() {
        let on = Input::NoteOn {
            channel: 9,
            key: 36,
            velocity: 0.5,
        };
        let event = note_event(on, 17, 4.0).unwrap();
        assert_eq!(event.sampleOffset, 17);
        assert_eq!(
            decode_output(&event),
            Some(Output::NoteOn {
                channel: 9,
                key: 36,
                velocity: 0.5
            })
        );
        let off = note_event(
            Input::NoteOff {
                channel: 9,
                key: 36,
            },
            0,
            4.0,
        )
        .unwrap();
        assert_eq!(
            decode_output(&off),
            Some(Output::NoteOff {
                channel: 9,
                key: 36
            })
        );
    }
}
