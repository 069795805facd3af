//! The scenario file: what the host sets up and plays, one item a line.
//!
//! ```text
//! # A comment; blank lines are ignored.
//! sample-rate 48000        # Hz
//! block 512                # samples per process call
//! tempo 120                # quarter notes per minute, 4/4, playing from song position 0
//! length 576000            # samples to play
//! render offline           # or realtime
//! param Max Call Bars=2    # a parameter by its display name, set as typed, before activation
//! on 96000 0 36 0.5        # note on: sample, channel (0-15), key, velocity (0-1)
//! off 97440 0 36           # note off: sample, channel, key
//! ```
//!
//! Notes may come in any order; those at the same sample are played in the file's order.

use std::fmt;

/// How the plugin is told to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Render {
    /// A live host: the plugin must keep up with every block.
    Realtime,
    /// A bounce: the plugin may take its time (Antiphon waits for its model).
    Offline,
}

/// A note event played into the plugin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Note {
    /// A key pressed, `velocity` in `0.0..=1.0`.
    On { channel: u8, key: u8, velocity: f64 },
    /// A key released.
    Off { channel: u8, key: u8 },
}

/// A note event at an absolute sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimedNote {
    /// Absolute sample from the start of playback.
    pub sample: u64,
    /// What is played.
    pub note: Note,
}

/// Everything the host does over one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Sample rate the plugin is activated at.
    pub sample_rate_hz: f64,
    /// Samples per process call (the last may be shorter).
    pub block_samples: u32,
    /// Steady tempo of the 4/4 transport, which plays from song position 0.
    pub tempo_bpm: f64,
    /// How many samples are played.
    pub length_samples: u64,
    /// How the plugin is told to render.
    pub render: Render,
    /// `(display name, text)`, set in order before activation.
    pub params: Vec<(String, String)>,
    /// Sorted by sample, stable.
    pub notes: Vec<TimedNote>,
}

/// A line the parser did not accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number; 0 for what the whole file lacks.
    pub line: usize,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            0 => f.write_str(&self.message),
            line => write!(f, "line {line}: {}", self.message),
        }
    }
}

impl std::error::Error for ParseError {}

impl Scenario {
    /// Parses a scenario file's text.
    pub fn parse(text: &str) -> Result<Scenario, ParseError> {
        let mut sample_rate_hz = None;
        let mut block_samples = None;
        let mut tempo_bpm = None;
        let mut length_samples = None;
        let mut render = Render::Realtime;
        let mut params = Vec::new();
        let mut notes = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let fail = |message: String| ParseError {
                line: index + 1,
                message,
            };
            let line = raw.split('#').next().unwrap_or_default().trim();
            let (keyword, rest) = line.split_once(' ').unwrap_or((line, ""));
            let rest = rest.trim();
            match keyword {
                "" => {}
                "sample-rate" => sample_rate_hz = Some(number(rest).map_err(fail)?),
                "block" => block_samples = Some(number(rest).map_err(fail)?),
                "tempo" => tempo_bpm = Some(number(rest).map_err(fail)?),
                "length" => length_samples = Some(number(rest).map_err(fail)?),
                "render" => {
                    render = match rest {
                        "offline" => Render::Offline,
                        "realtime" => Render::Realtime,
                        other => {
                            return Err(fail(format!(
                                "render is offline or realtime, not {other:?}"
                            )));
                        }
                    }
                }
                "param" => {
                    let (name, value) = rest
                        .split_once('=')
                        .ok_or_else(|| fail(format!("expected `param NAME=TEXT`, got {rest:?}")))?;
                    params.push((name.trim().to_owned(), value.trim().to_owned()));
                }
                "on" | "off" => notes.push(parse_note(keyword, rest).map_err(fail)?),
                other => return Err(fail(format!("unknown keyword {other:?}"))),
            }
        }
        // Stable: notes at the same sample keep the file's order.
        notes.sort_by_key(|n: &TimedNote| n.sample);
        let missing = |what: &str| ParseError {
            line: 0,
            message: format!("the scenario sets no `{what}`"),
        };
        let scenario = Scenario {
            sample_rate_hz: sample_rate_hz.ok_or_else(|| missing("sample-rate"))?,
            block_samples: block_samples.ok_or_else(|| missing("block"))?,
            tempo_bpm: tempo_bpm.ok_or_else(|| missing("tempo"))?,
            length_samples: length_samples.ok_or_else(|| missing("length"))?,
            render,
            params,
            notes,
        };
        if scenario.sample_rate_hz <= 0.0
            || scenario.tempo_bpm <= 0.0
            || scenario.block_samples == 0
        {
            return Err(ParseError {
                line: 0,
                message: "sample-rate, tempo and block must be positive".to_owned(),
            });
        }
        Ok(scenario)
    }

    /// Song position at `sample`, in quarter notes.
    pub fn ppq_at(&self, sample: u64) -> f64 {
        sample as f64 / self.sample_rate_hz * self.tempo_bpm / 60.0
    }
}

/// The fields of an `on` or `off` line after its keyword.
fn parse_note(keyword: &str, fields: &str) -> Result<TimedNote, String> {
    let fields: Vec<&str> = fields.split_whitespace().collect();
    let expected = if keyword == "on" { 4 } else { 3 };
    if fields.len() != expected {
        return Err(format!(
            "`{keyword}` takes {expected} fields, got {}",
            fields.len()
        ));
    }
    let sample = number(fields[0])?;
    let channel: u8 = number(fields[1])?;
    let key: u8 = number(fields[2])?;
    if channel > 15 || key > 127 {
        return Err(format!("channel {channel} or key {key} out of range"));
    }
    let note = if keyword == "on" {
        let velocity: f64 = number(fields[3])?;
        if !(0.0..=1.0).contains(&velocity) {
            return Err(format!("velocity {velocity} is not in 0..=1"));
        }
        Note::On {
            channel,
            key,
            velocity,
        }
    } else {
        Note::Off { channel, key }
    };
    Ok(TimedNote { sample, note })
}

fn number<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{text:?} is not a number of the expected kind"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_item() {
        let text = "# a call\nsample-rate 48000\nblock 512\ntempo 120 # bpm\nlength 1000\n\
                    render offline\nparam Max Call Bars = 2\noff 20 9 36\non 10 9 36 0.5\n\n";
        let scenario = Scenario::parse(text).unwrap();
        assert_eq!(scenario.sample_rate_hz, 48_000.0);
        assert_eq!(scenario.block_samples, 512);
        assert_eq!(scenario.length_samples, 1000);
        assert_eq!(scenario.render, Render::Offline);
        assert_eq!(
            scenario.params,
            [("Max Call Bars".to_owned(), "2".to_owned())]
        );
        assert_eq!(
            scenario.notes,
            [
                TimedNote {
                    sample: 10,
                    note: Note::On {
                        channel: 9,
                        key: 36,
                        velocity: 0.5
                    }
                },
                TimedNote {
                    sample: 20,
                    note: Note::Off {
                        channel: 9,
                        key: 36
                    }
                },
            ]
        );
        assert_eq!(scenario.ppq_at(24_000), 1.0);
    }

    #[test]
    fn reports_the_line_that_is_wrong() {
        let error = Scenario::parse("block 512\non 1 16 36 0.5\n").unwrap_err();
        assert_eq!(error.line, 2);
        let error = Scenario::parse("block 512\n").unwrap_err();
        assert!(error.message.contains("sample-rate"), "{error}");
    }
}
