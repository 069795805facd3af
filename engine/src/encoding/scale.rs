//! Keys and scales an answer can be held to: a tonic pitch class and a scale built on it.

use std::fmt;

/// Semitones in an octave: the number of pitch classes.
const PITCH_CLASSES: u8 = 12;

/// The tonic of a key: a pitch class, 0 (C) to 11 (B).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tonic(u8);

impl Tonic {
    /// Every tonic, C to B.
    pub const ALL: [Tonic; 12] = {
        let mut all = [Tonic(0); 12];
        let mut class = 0;
        while class < PITCH_CLASSES {
            all[class as usize] = Tonic(class);
            class += 1;
        }
        all
    };

    /// The names shown for each pitch class, sharps written with ♯ as the Key parameter shows
    /// them.
    const NAMES: [&'static str; 12] = [
        "C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B",
    ];

    /// The tonic of pitch class `class` (0 is C), when it is one.
    pub const fn new(class: u8) -> Option<Tonic> {
        if class < PITCH_CLASSES {
            Some(Tonic(class))
        } else {
            None
        }
    }

    /// The pitch class, 0 (C) to 11 (B).
    pub const fn class(self) -> u8 {
        self.0
    }

    /// The name shown for it: "C", "C♯", "D", … "B".
    pub const fn name(self) -> &'static str {
        Tonic::NAMES[self.0 as usize]
    }

    /// The tonic named by `text`: a letter A–G in either case, then optionally one sharp
    /// (`#`, `♯`) or flat (`b`, `♭`), so "C#", "c♯", "Db" and "D♭" all name pitch class 1.
    /// Surrounding spaces are ignored.
    pub fn parse(text: &str) -> Option<Tonic> {
        let mut chars = text.trim().chars();
        let natural: u8 = match chars.next()?.to_ascii_uppercase() {
            'C' => 0,
            'D' => 2,
            'E' => 4,
            'F' => 5,
            'G' => 7,
            'A' => 9,
            'B' => 11,
            _ => return None,
        };
        let class = match (chars.next(), chars.next()) {
            (None, _) => natural,
            (Some('#' | '♯'), None) => natural + 1,
            (Some('b' | 'B' | '♭'), None) => natural + PITCH_CLASSES - 1,
            _ => return None,
        };
        Some(Tonic(class % PITCH_CLASSES))
    }
}

impl fmt::Display for Tonic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A scale an answer's pitches can be held to, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Scale {
    /// No scale: every pitch allowed.
    #[default]
    Off,
    /// Ionian: 2 2 1 2 2 2 1.
    Major,
    /// Aeolian: 2 1 2 2 1 2 2.
    NaturalMinor,
    /// Minor with a major sixth: 2 1 2 2 2 1 2.
    Dorian,
    /// Major with a minor seventh: 2 2 1 2 2 1 2.
    Mixolydian,
    /// Natural minor with a major seventh: 2 1 2 2 1 3 1.
    HarmonicMinor,
    /// Major without its fourth and seventh: 1, 2, 3, 5, 6.
    MajorPentatonic,
    /// Natural minor without its second and sixth: 1, ♭3, 4, 5, ♭7.
    MinorPentatonic,
    /// Minor pentatonic with the flat fifth: 1, ♭3, 4, ♭5, 5, ♭7.
    Blues,
}

impl Scale {
    /// Every choice, in the order the Scale parameter lists them.
    pub const ALL: [Scale; 9] = [
        Scale::Off,
        Scale::Major,
        Scale::NaturalMinor,
        Scale::Dorian,
        Scale::Mixolydian,
        Scale::HarmonicMinor,
        Scale::MajorPentatonic,
        Scale::MinorPentatonic,
        Scale::Blues,
    ];

    /// The name shown for it.
    pub const fn name(self) -> &'static str {
        match self {
            Scale::Off => "Off",
            Scale::Major => "Major",
            Scale::NaturalMinor => "Natural minor",
            Scale::Dorian => "Dorian",
            Scale::Mixolydian => "Mixolydian",
            Scale::HarmonicMinor => "Harmonic minor",
            Scale::MajorPentatonic => "Major pentatonic",
            Scale::MinorPentatonic => "Minor pentatonic",
            Scale::Blues => "Blues",
        }
    }

    /// Whether the scale has a minor third above its tonic (its tonic is a minor key's).
    pub const fn minor(self) -> bool {
        self.degrees() & (1 << 3) != 0 && self.degrees() & (1 << 4) == 0
    }

    /// The scale named `text`, in any case, surrounding spaces ignored.
    pub fn parse(text: &str) -> Option<Scale> {
        let text = text.trim();
        Scale::ALL
            .into_iter()
            .find(|scale| scale.name().eq_ignore_ascii_case(text))
    }

    /// The scale's degrees as semitones above the tonic, one bit each (bit 0 the tonic); every
    /// bit for [`Scale::Off`].
    const fn degrees(self) -> u16 {
        const fn bits(semitones: &[u8]) -> u16 {
            let mut bits = 0;
            let mut i = 0;
            while i < semitones.len() {
                bits |= 1 << semitones[i];
                i += 1;
            }
            bits
        }
        match self {
            Scale::Off => (1 << PITCH_CLASSES) - 1,
            Scale::Major => bits(&[0, 2, 4, 5, 7, 9, 11]),
            Scale::NaturalMinor => bits(&[0, 2, 3, 5, 7, 8, 10]),
            Scale::Dorian => bits(&[0, 2, 3, 5, 7, 9, 10]),
            Scale::Mixolydian => bits(&[0, 2, 4, 5, 7, 9, 10]),
            Scale::HarmonicMinor => bits(&[0, 2, 3, 5, 7, 8, 11]),
            Scale::MajorPentatonic => bits(&[0, 2, 4, 7, 9]),
            Scale::MinorPentatonic => bits(&[0, 3, 5, 7, 10]),
            Scale::Blues => bits(&[0, 3, 5, 6, 7, 10]),
        }
    }

    /// Whether pitch class `class` (0 is C; taken modulo 12) belongs to this scale on `tonic`.
    /// [`Scale::Off`] contains every pitch class.
    pub const fn contains(self, tonic: Tonic, class: u8) -> bool {
        let degree = (class % PITCH_CLASSES + PITCH_CLASSES - tonic.0) % PITCH_CLASSES;
        self.degrees() & (1 << degree) != 0
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pitch classes of `scale` on `tonic`, ascending from C.
    fn classes(scale: Scale, tonic: &str) -> Vec<u8> {
        let tonic = Tonic::parse(tonic).unwrap();
        (0..12)
            .filter(|&class| scale.contains(tonic, class))
            .collect()
    }

    #[test]
    fn tonic_names_round_trip_and_accept_flats_and_ascii_sharps() {
        for tonic in Tonic::ALL {
            assert_eq!(Tonic::parse(tonic.name()), Some(tonic));
            assert_eq!(Tonic::new(tonic.class()), Some(tonic));
        }
        let names: Vec<String> = Tonic::ALL.iter().map(Tonic::to_string).collect();
        assert_eq!(
            names,
            [
                "C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B"
            ]
        );
        let class = |text| Tonic::parse(text).map(Tonic::class);
        for text in ["C#", "c#", "C♯", "c♯", "Db", "db", "DB", "D♭", " d♭ "] {
            assert_eq!(class(text), Some(1), "{text}");
        }
        assert_eq!(class("Bb"), Some(10));
        assert_eq!(class("b"), Some(11));
        assert_eq!(class("bb"), Some(10));
        assert_eq!(class("Cb"), Some(11));
        assert_eq!(class("B#"), Some(0));
        assert_eq!(class("E#"), Some(5));
        for bad in ["", "H", "C##", "Cx", "C#m", "Auto", "♯"] {
            assert_eq!(class(bad), None, "{bad:?}");
        }
        assert_eq!(Tonic::new(12), None);
    }

    #[test]
    fn scale_names_round_trip() {
        let names: Vec<&str> = Scale::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(
            names,
            [
                "Off",
                "Major",
                "Natural minor",
                "Dorian",
                "Mixolydian",
                "Harmonic minor",
                "Major pentatonic",
                "Minor pentatonic",
                "Blues"
            ]
        );
        for scale in Scale::ALL {
            assert_eq!(Scale::parse(scale.name()), Some(scale));
            assert_eq!(Scale::parse(&scale.to_string().to_uppercase()), Some(scale));
        }
        assert_eq!(Scale::parse("minor"), None);
    }

    #[test]
    fn scales_hold_their_textbook_notes() {
        // C D E F G A B; A B C D E F G; D E F G A B C; G A B C D E F (the white keys, four ways).
        let white_keys = [0, 2, 4, 5, 7, 9, 11];
        assert_eq!(classes(Scale::Major, "C"), white_keys);
        assert_eq!(classes(Scale::NaturalMinor, "A"), white_keys);
        assert_eq!(classes(Scale::Dorian, "D"), white_keys);
        assert_eq!(classes(Scale::Mixolydian, "G"), white_keys);
        // A harmonic minor: G♯ instead of G.
        assert_eq!(classes(Scale::HarmonicMinor, "A"), [0, 2, 4, 5, 8, 9, 11]);
        // G major pentatonic G A B D E; E minor pentatonic E G A B D: the same five notes.
        assert_eq!(classes(Scale::MajorPentatonic, "G"), [2, 4, 7, 9, 11]);
        assert_eq!(classes(Scale::MinorPentatonic, "E"), [2, 4, 7, 9, 11]);
        // A blues: A C D E♭ E G.
        assert_eq!(classes(Scale::Blues, "A"), [0, 2, 3, 4, 7, 9]);
        // E♭ major wraps past B: E♭ F G A♭ B♭ C D.
        assert_eq!(classes(Scale::Major, "Eb"), [0, 2, 3, 5, 7, 8, 10]);
        assert_eq!(classes(Scale::Off, "F#"), (0..12).collect::<Vec<u8>>());
        // Pitch classes beyond 11 are taken modulo 12 (MIDI pitch 61 is C♯).
        assert!(Scale::Major.contains(Tonic::parse("D").unwrap(), 61));
        assert!(!Scale::Major.contains(Tonic::parse("C").unwrap(), 61));
    }

    #[test]
    fn minor_scales_are_those_with_a_minor_third() {
        let minor: Vec<Scale> = Scale::ALL.into_iter().filter(|s| s.minor()).collect();
        assert_eq!(
            minor,
            [
                Scale::NaturalMinor,
                Scale::Dorian,
                Scale::HarmonicMinor,
                Scale::MinorPentatonic,
                Scale::Blues
            ]
        );
    }
}
