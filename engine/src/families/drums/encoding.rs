//! Magenta's `drum_kit` encoding: nine drum classes, and a step's event as the set of classes
//! struck on it (512 possible events).

use midly::num::u7;

use crate::encoding::EventId;

/// Number of drum classes.
pub const NUM_CLASSES: usize = 9;
/// Number of distinct step events: every subset of the nine classes.
pub const NUM_EVENTS: usize = 1 << NUM_CLASSES;

/// A drum class. The order is Magenta's: class `i` is bit `i` of a [`DrumEvent`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DrumClass {
    Kick,
    Snare,
    ClosedHat,
    OpenHat,
    LowTom,
    MidTom,
    HighTom,
    Crash,
    Ride,
}

impl DrumClass {
    /// Every class, in bit order.
    pub const ALL: [DrumClass; NUM_CLASSES] = [
        DrumClass::Kick,
        DrumClass::Snare,
        DrumClass::ClosedHat,
        DrumClass::OpenHat,
        DrumClass::LowTom,
        DrumClass::MidTom,
        DrumClass::HighTom,
        DrumClass::Crash,
        DrumClass::Ride,
    ];

    /// The class's bit position in a [`DrumEvent`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Short display name, as the editor's rows show it.
    pub const fn name(self) -> &'static str {
        match self {
            DrumClass::Kick => "kick",
            DrumClass::Snare => "snare",
            DrumClass::ClosedHat => "closed hat",
            DrumClass::OpenHat => "open hat",
            DrumClass::LowTom => "low tom",
            DrumClass::MidTom => "mid tom",
            DrumClass::HighTom => "high tom",
            DrumClass::Crash => "crash",
            DrumClass::Ride => "ride",
        }
    }

    /// The General MIDI pitches that map onto this class; the first is written on output.
    pub const fn pitches(self) -> &'static [u8] {
        match self {
            DrumClass::Kick => &[36, 35],
            DrumClass::Snare => &[38, 27, 28, 31, 32, 33, 34, 37, 39, 40, 56, 65, 66, 75, 85],
            DrumClass::ClosedHat => &[42, 44, 54, 68, 69, 70, 71, 73, 78, 80, 22],
            DrumClass::OpenHat => &[46, 67, 72, 74, 79, 81, 26],
            DrumClass::LowTom => &[45, 29, 41, 43, 61, 64, 84],
            DrumClass::MidTom => &[48, 47, 60, 63, 77, 86, 87],
            DrumClass::HighTom => &[50, 30, 62, 76, 83],
            DrumClass::Crash => &[49, 52, 55, 57, 58],
            DrumClass::Ride => &[51, 53, 59, 82],
        }
    }

    /// The pitch this class is played with.
    pub fn output_pitch(self) -> u7 {
        u7::new(self.pitches()[0])
    }

    /// The class a General MIDI drum pitch belongs to, or `None` for pitches outside the kit.
    pub fn from_pitch(pitch: u7) -> Option<DrumClass> {
        CLASS_OF_PITCH[pitch.as_int() as usize]
    }
}

/// Pitch → class lookup, built at compile time from [`DrumClass::pitches`].
const CLASS_OF_PITCH: [Option<DrumClass>; 128] = {
    let mut table = [None; 128];
    let mut class = 0;
    while class < NUM_CLASSES {
        let pitches = DrumClass::ALL[class].pitches();
        let mut i = 0;
        while i < pitches.len() {
            table[pitches[i] as usize] = Some(DrumClass::ALL[class]);
            i += 1;
        }
        class += 1;
    }
    table
};

/// The set of drum classes struck on one 16th step: one of [`NUM_EVENTS`] events, the model's
/// vocabulary. The empty set is a rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct DrumEvent(u16);

impl DrumEvent {
    /// No drum struck.
    pub const REST: DrumEvent = DrumEvent(0);

    /// The event with vocabulary index `index`, or `None` when `index >= NUM_EVENTS`.
    pub fn from_index(index: usize) -> Option<DrumEvent> {
        (index < NUM_EVENTS).then_some(DrumEvent(index as u16))
    }

    /// The event's id in the pipeline.
    pub fn id(self) -> EventId {
        EventId::new(self.index())
    }

    /// The drum event of `id`, or `None` outside the vocabulary.
    pub fn from_id(id: EventId) -> Option<DrumEvent> {
        DrumEvent::from_index(id.index())
    }

    /// The event's vocabulary index, in `0..NUM_EVENTS`.
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// Whether nothing is struck.
    pub const fn is_rest(self) -> bool {
        self.0 == 0
    }

    /// Whether `class` is struck.
    pub const fn contains(self, class: DrumClass) -> bool {
        self.0 & (1 << class.index()) != 0
    }

    /// This event with `class` struck as well.
    #[must_use]
    pub const fn with(self, class: DrumClass) -> DrumEvent {
        DrumEvent(self.0 | (1 << class.index()))
    }

    /// The classes struck, in bit order.
    pub fn classes(self) -> impl Iterator<Item = DrumClass> {
        DrumClass::ALL
            .into_iter()
            .filter(move |&c| self.contains(c))
    }
}

impl FromIterator<DrumClass> for DrumEvent {
    fn from_iter<I: IntoIterator<Item = DrumClass>>(classes: I) -> Self {
        classes.into_iter().fold(DrumEvent::REST, DrumEvent::with)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_pitch_maps_back_to_its_class() {
        let mut mapped = 0;
        for class in DrumClass::ALL {
            for &pitch in class.pitches() {
                assert_eq!(
                    DrumClass::from_pitch(u7::new(pitch)),
                    Some(class),
                    "pitch {pitch}"
                );
                mapped += 1;
            }
        }
        // No pitch is listed under two classes.
        assert_eq!(CLASS_OF_PITCH.iter().flatten().count(), mapped);
    }

    #[test]
    fn gm_pitches_map_as_magenta_does() {
        let class = |p: u8| DrumClass::from_pitch(u7::new(p));
        assert_eq!(class(36), Some(DrumClass::Kick));
        assert_eq!(class(40), Some(DrumClass::Snare));
        assert_eq!(class(44), Some(DrumClass::ClosedHat));
        assert_eq!(class(26), Some(DrumClass::OpenHat));
        assert_eq!(class(43), Some(DrumClass::LowTom));
        assert_eq!(class(47), Some(DrumClass::MidTom));
        assert_eq!(class(50), Some(DrumClass::HighTom));
        assert_eq!(class(55), Some(DrumClass::Crash));
        assert_eq!(class(59), Some(DrumClass::Ride));
        assert_eq!(class(60 + 40), None);
        assert_eq!(class(21), None);
    }

    #[test]
    fn output_pitch_is_the_first_listed() {
        assert_eq!(DrumClass::Kick.output_pitch(), u7::new(36));
        assert_eq!(DrumClass::Snare.output_pitch(), u7::new(38));
        assert_eq!(DrumClass::Ride.output_pitch(), u7::new(51));
    }

    #[test]
    fn events_are_class_bitsets() {
        let event: DrumEvent = [DrumClass::Kick, DrumClass::ClosedHat]
            .into_iter()
            .collect();
        assert_eq!(event.index(), 0b101);
        assert!(event.contains(DrumClass::Kick) && !event.contains(DrumClass::Snare));
        assert_eq!(
            event.classes().collect::<Vec<_>>(),
            [DrumClass::Kick, DrumClass::ClosedHat]
        );
        assert_eq!(
            DrumEvent::from_index(NUM_EVENTS - 1)
                .unwrap()
                .classes()
                .count(),
            9
        );
        assert_eq!(DrumEvent::from_index(NUM_EVENTS), None);
        assert!(DrumEvent::REST.is_rest());
    }
}
