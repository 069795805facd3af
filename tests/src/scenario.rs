//! A scenario: a transport script, what is played into the plugin and when, and how the host
//! cuts time into blocks.

use std::time::Duration;

use crate::events::{Input, TimedInput};
use crate::timeline::Timeline;

/// How the host drives the plugin's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Render {
    /// Realtime mode, blocks back to back as fast as the plugin returns: the model keeps up only
    /// where the host pauses (see [`Scenario::pauses`]).
    #[default]
    Realtime,
    /// Realtime mode, each block handed over when its time comes on the wall clock, as a live
    /// host does.
    Paced,
    /// Offline render (a bounce): the plugin may wait for its model.
    Offline,
}

/// Everything a host does to the plugin over one run.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The transport script.
    pub timeline: Timeline,
    /// Host block size, in samples: the largest block (the last block before a transport change
    /// may be shorter).
    pub block_samples: u32,
    /// Block sizes the host cycles through, each at most `block_samples`; empty: every block is
    /// `block_samples` long.
    pub block_lengths: Vec<u32>,
    /// How long to run, in samples.
    pub total_samples: u64,
    /// What is played in, at absolute samples.
    pub inputs: Vec<TimedInput>,
    /// How the host clocks the plugin.
    pub render: Render,
    /// Where a realtime host stalls, and for how long: before the block holding the sample, on
    /// the wall clock (a host busy elsewhere; the model thread runs on meanwhile).
    pub pauses: Vec<(u64, Duration)>,
}

impl Scenario {
    /// A run of `total_samples` over `timeline`, with nothing played yet.
    pub fn new(timeline: Timeline, block_samples: u32, total_samples: u64) -> Scenario {
        Scenario {
            timeline,
            block_samples,
            block_lengths: Vec::new(),
            total_samples,
            inputs: Vec::new(),
            render: Render::Realtime,
            pauses: Vec::new(),
        }
    }

    /// The same scenario clocked another way.
    pub fn rendered(mut self, render: Render) -> Scenario {
        self.render = render;
        self
    }

    /// Adds an input at `sample`.
    pub fn at(mut self, sample: u64, input: Input) -> Scenario {
        self.inputs.push(TimedInput { sample, input });
        self
    }

    /// Adds a note of `length_samples` at `sample`.
    pub fn note(
        self,
        sample: u64,
        channel: u8,
        key: u8,
        velocity: f64,
        length_samples: u64,
    ) -> Scenario {
        self.at(
            sample,
            Input::NoteOn {
                channel,
                key,
                velocity,
            },
        )
        .at(sample + length_samples, Input::NoteOff { channel, key })
    }

    /// The same scenario cut into blocks of another size.
    pub fn with_block_samples(mut self, block_samples: u32) -> Scenario {
        self.block_samples = block_samples;
        self.block_lengths.clear();
        self
    }

    /// The same scenario cut into blocks whose sizes cycle through `lengths` (each at least 1),
    /// as a host whose buffer size varies from call to call.
    pub fn with_block_lengths(mut self, lengths: Vec<u32>) -> Scenario {
        assert!(lengths.iter().all(|&len| len > 0), "blocks hold samples");
        self.block_samples = lengths.iter().copied().max().unwrap_or(self.block_samples);
        self.block_lengths = lengths;
        self
    }

    /// The length of block number `index` (before cutting at transport changes).
    pub fn block_length(&self, index: usize) -> u32 {
        match self.block_lengths.len() {
            0 => self.block_samples,
            n => self.block_lengths[index % n],
        }
    }
}
