//! Key finding: the Krumhansl–Schmuckler algorithm, which correlates how long each pitch class
//! sounds (in a melody, or in any family's notes) with the Krumhansl–Kessler key profiles of all
//! 24 major and minor keys.

use crate::encoding::scale::{Scale, Tonic};
use crate::families::melody::encoding::{MelodyEvent, note_spans};

/// Krumhansl & Kessler (1982): how well each pitch class, from the tonic up, fits a major key
/// (probe-tone ratings).
const MAJOR_PROFILE: [f64; 12] = [
    6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88,
];
/// Krumhansl & Kessler (1982): the same for a minor key.
const MINOR_PROFILE: [f64; 12] = [
    6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17,
];

/// A key estimated from how long pitch classes sound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyEstimate {
    /// The key's tonic.
    pub tonic: Tonic,
    /// Minor rather than major.
    pub minor: bool,
}

/// How many steps each pitch class (0 is C) sounds in `events`: a note lasts from its note-on
/// until the next note-on or note-off, or the end.
pub fn pitch_class_durations(events: &[MelodyEvent]) -> [f64; 12] {
    let mut durations = [0.0; 12];
    for note in note_spans(events.iter().copied()) {
        durations[usize::from(note.pitch.class())] += note.len_steps as f64;
    }
    durations
}

/// The major or minor key whose Krumhansl–Kessler profile correlates best (Pearson) with
/// `durations` (per pitch class, 0 is C). `None` when nothing sounds, or when every pitch class
/// sounds equally long, which fits every key alike. Of keys that correlate equally, the first
/// from C major, C minor, C♯ major… is taken.
pub fn estimate_key(durations: &[f64; 12]) -> Option<KeyEstimate> {
    let mut best: Option<(f64, KeyEstimate)> = None;
    for tonic in Tonic::ALL {
        for (minor, profile) in [(false, &MAJOR_PROFILE), (true, &MINOR_PROFILE)] {
            // The profile of this key, indexed by pitch class.
            let rotated: [f64; 12] = std::array::from_fn(|class| {
                profile[(class + 12 - usize::from(tonic.class())) % 12]
            });
            let correlation = pearson(durations, &rotated)?;
            if best.is_none_or(|(best, _)| correlation > best) {
                best = Some((correlation, KeyEstimate { tonic, minor }));
            }
        }
    }
    best.map(|(_, key)| key)
}

/// The key an answer is held to: found from what the model heard, or given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum KeyChoice {
    /// Found from the call (Krumhansl–Schmuckler).
    #[default]
    Auto,
    /// This tonic.
    Tonic(Tonic),
}

impl KeyChoice {
    /// The tonic `scale` is built on for an answer to a call whose pitch classes sounded
    /// `heard` steps each (0 is C). Auto takes the estimated key's tonic, or that of its
    /// relative key when the scale's mode is the other one (a call in A minor answered in a
    /// major scale keeps its notes: C major); C when nothing was heard.
    pub fn tonic(self, scale: Scale, heard: &[f64; 12]) -> Tonic {
        match self {
            KeyChoice::Tonic(tonic) => tonic,
            KeyChoice::Auto => match estimate_key(heard) {
                Some(KeyEstimate { tonic, minor }) if minor == scale.minor() => tonic,
                Some(KeyEstimate { tonic, minor }) => {
                    // Relative major: a minor third up; relative minor: a minor third down.
                    let step = if minor { 3 } else { 9 };
                    Tonic::new((tonic.class() + step) % 12).unwrap_or(tonic)
                }
                None => Tonic::ALL[0],
            },
        }
    }
}

/// Pearson's correlation of `x` and `y`, or `None` when either does not vary.
fn pearson(x: &[f64; 12], y: &[f64; 12]) -> Option<f64> {
    let mean = |v: &[f64; 12]| v.iter().sum::<f64>() / 12.0;
    let (mean_x, mean_y) = (mean(x), mean(y));
    let (mut covariance, mut var_x, mut var_y) = (0.0, 0.0, 0.0);
    for (&x, &y) in x.iter().zip(y) {
        let (dx, dy) = (x - mean_x, y - mean_y);
        covariance += dx * dy;
        var_x += dx * dx;
        var_y += dy * dy;
    }
    let norm = (var_x * var_y).sqrt();
    (norm > 0.0).then(|| covariance / norm)
}

#[cfg(test)]
mod tests {
    use midly::{MetaMessage, Smf, TrackEventKind};

    use super::*;
    use crate::encoding::scale::Scale;
    use crate::families::melody::encoding::Pitch;
    use crate::families::melody::read::read_melody;

    fn key(tonic: &str, minor: bool) -> Option<KeyEstimate> {
        Some(KeyEstimate {
            tonic: Tonic::parse(tonic).unwrap(),
            minor,
        })
    }

    /// One-step notes of `pitches`, the first held `tonic_steps` steps, each released.
    fn melody(pitches: &[u8], tonic_steps: usize) -> Vec<MelodyEvent> {
        let mut events = Vec::new();
        for (i, &pitch) in pitches.iter().enumerate() {
            events.push(MelodyEvent::NoteOn(Pitch::new(pitch).unwrap()));
            let hold = if i == 0 { tonic_steps - 1 } else { 0 };
            events.extend(std::iter::repeat_n(MelodyEvent::NoEvent, hold));
            events.push(MelodyEvent::NoteOff);
        }
        events
    }

    /// `scale` on `tonic` as MIDI pitches from `low` up an octave, tonic first.
    fn scale_pitches(scale: Scale, tonic: Tonic, low: u8) -> Vec<u8> {
        (low..low + 12)
            .filter(|&pitch| scale.contains(tonic, pitch % 12))
            .collect()
    }

    #[test]
    fn durations_follow_note_lengths_and_fold_octaves() {
        let c4 = MelodyEvent::NoteOn(Pitch::new(60).unwrap());
        let c5 = MelodyEvent::NoteOn(Pitch::new(72).unwrap());
        let g4 = MelodyEvent::NoteOn(Pitch::new(67).unwrap());
        let (hold, off) = (MelodyEvent::NoEvent, MelodyEvent::NoteOff);
        // C4 two steps (cut by C5), C5 one step, a rest, G4 to the end (three steps).
        let durations = pitch_class_durations(&[c4, hold, c5, off, hold, g4, hold, hold]);
        let mut expected = [0.0; 12];
        expected[0] = 3.0;
        expected[7] = 3.0;
        assert_eq!(durations, expected);
        assert_eq!(pitch_class_durations(&[hold, off]), [0.0; 12]);
    }

    #[test]
    fn a_key_profile_is_its_own_key_in_every_transposition() {
        for tonic in Tonic::ALL {
            for (minor, profile) in [(false, &MAJOR_PROFILE), (true, &MINOR_PROFILE)] {
                let durations = std::array::from_fn(|class| {
                    profile[(class + 12 - usize::from(tonic.class())) % 12]
                });
                assert_eq!(
                    estimate_key(&durations),
                    Some(KeyEstimate { tonic, minor }),
                    "{tonic} minor={minor}"
                );
            }
        }
    }

    #[test]
    fn scales_with_a_held_tonic_name_their_key() {
        for tonic in Tonic::ALL {
            let low = 48 + tonic.class();
            let major = scale_pitches(Scale::Major, tonic, low);
            // The tonic held four steps, the other degrees one: a scale run ending home.
            let durations = pitch_class_durations(&melody(&major, 4));
            assert_eq!(
                estimate_key(&durations),
                Some(KeyEstimate {
                    tonic,
                    minor: false
                }),
                "{tonic} major"
            );
            let minor = scale_pitches(Scale::HarmonicMinor, tonic, low);
            let durations = pitch_class_durations(&melody(&minor, 4));
            assert_eq!(
                estimate_key(&durations),
                Some(KeyEstimate { tonic, minor: true }),
                "{tonic} minor"
            );
        }
        // An arpeggio of A minor, A held: A minor, not C major.
        assert_eq!(
            estimate_key(&pitch_class_durations(&melody(&[57, 60, 64, 69], 4))),
            key("A", true)
        );
    }

    #[test]
    fn no_notes_or_no_preference_is_no_key() {
        assert_eq!(estimate_key(&[0.0; 12]), None);
        assert_eq!(estimate_key(&[2.5; 12]), None);
        let chromatic: Vec<u8> = (60..72).collect();
        assert_eq!(
            estimate_key(&pitch_class_durations(&melody(&chromatic, 1))),
            None
        );
    }

    /// The key signature of a MIDI file: the tonic its sharps or flats give, and its mode.
    fn key_signature(bytes: &[u8]) -> KeyEstimate {
        let smf = Smf::parse(bytes).unwrap();
        let (sharps, minor) = smf.tracks[0]
            .iter()
            .find_map(|event| match event.kind {
                TrackEventKind::Meta(MetaMessage::KeySignature(sharps, minor)) => {
                    Some((sharps, minor))
                }
                _ => None,
            })
            .expect("the fixture has a key signature");
        // Each sharp moves the major tonic a fifth up from C; the relative minor is a minor
        // third below.
        let major = (7 * i32::from(sharps)).rem_euclid(12);
        let class = if minor { (major + 9) % 12 } else { major };
        KeyEstimate {
            tonic: Tonic::new(class as u8).unwrap(),
            minor,
        }
    }

    #[test]
    fn folk_tunes_are_in_the_key_of_their_signature() {
        for name in [
            "oneills1850-0101-0200144.mid",
            "oneills1850-0201-0300271.mid",
            "ryansMammoth-EssenceOfOldKentucky.mid",
            "ryansMammoth-HuntingTheHareJig.mid",
            "ryansMammoth-WalkAroundHeyDaddy.mid",
        ] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../tests/fixtures/folk")
                .join(name);
            let bytes = std::fs::read(path).unwrap();
            let events: Vec<MelodyEvent> = read_melody(&bytes).unwrap().sequence.events().collect();
            assert_eq!(
                estimate_key(&pitch_class_durations(&events)),
                Some(key_signature(&bytes)),
                "{name}"
            );
        }
    }

    #[test]
    fn auto_takes_the_relative_key_when_the_scale_asks_for_the_other_mode() {
        use crate::families::melody::encoding::Pitch;
        // A, C, E held long, B and D short: A minor.
        let mut heard = Vec::new();
        for (midi, steps) in [(57, 8), (60, 4), (64, 6), (59, 1), (62, 1), (57, 8)] {
            heard.push(MelodyEvent::NoteOn(Pitch::new(midi).unwrap()));
            heard.extend(std::iter::repeat_n(MelodyEvent::NoEvent, steps - 1));
        }
        let heard = pitch_class_durations(&heard);
        let name = |scale| KeyChoice::Auto.tonic(scale, &heard).name();
        assert_eq!(name(Scale::NaturalMinor), "A");
        assert_eq!(name(Scale::Dorian), "A");
        assert_eq!(name(Scale::Major), "C");
        assert_eq!(name(Scale::MajorPentatonic), "C");
        let g = Tonic::parse("G").unwrap();
        assert_eq!(KeyChoice::Tonic(g).tonic(Scale::Major, &heard), g);
        assert_eq!(KeyChoice::Auto.tonic(Scale::Major, &[0.0; 12]).name(), "C");
    }
}
