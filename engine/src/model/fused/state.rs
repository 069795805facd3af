//! The recurrent state the fused step advances, owned by its caller, with every buffer a step
//! needs allocated up front: stepping never allocates, so it could run anywhere.

use crate::model::fused::weights::StepWeights;
use crate::model::mixed::MixedRows;
use crate::model::repeats::{BarMemory, Lookbacks};

/// The LSTM state of one performance between steps, and the scratch its steps use. Made by
/// [`Model::initial_state`](crate::model::Model::initial_state); cloning it is a snapshot to go
/// back to.
#[derive(Debug, Clone)]
pub struct FusedState {
    pub(crate) rows: StateRows,
}

impl FusedState {
    /// What the bars before step `position` held, where this state heard them, and how well
    /// each lookback has foretold the steps it was fed.
    pub fn lookbacks(&self, position: usize) -> Lookbacks {
        self.rows.memory.lookbacks(0, position)
    }
}

/// The states of several performances stepped together (the beams of a beam search): one pass
/// over the weights serves up to eight of them.
#[derive(Debug, Clone)]
pub struct BeamStates {
    pub(crate) rows: StateRows,
    /// Where [`BeamStates::reorder`] assembles the new states.
    spare: StateRows,
}

impl BeamStates {
    /// `beams` copies of `state` (at least one).
    pub fn new(state: &FusedState, beams: usize) -> BeamStates {
        let beams = beams.max(1);
        let one = &state.rows;
        let mut rows = StateRows::zeros(one.shape, beams, one.memory.steps_per_bar());
        rows.mixed = one.mixed.as_ref().map(|mixed| Box::new(mixed.zeros(beams)));
        for beam in 0..beams {
            rows.copy_row(beam, one, 0);
        }
        BeamStates {
            spare: rows.clone(),
            rows,
        }
    }

    /// How many beams.
    pub fn len(&self) -> usize {
        self.rows.count
    }

    /// Never: there is always at least one beam.
    pub fn is_empty(&self) -> bool {
        self.rows.count == 0
    }

    /// Beam `b` continues from the state beam `parents[b]` had (a beam search keeping its best
    /// continuations). Parents out of range are an error, and change nothing.
    pub fn reorder(&mut self, parents: &[usize]) -> Result<(), StepError> {
        if parents.len() != self.rows.count {
            return Err(StepError::Count {
                given: parents.len(),
                beams: self.rows.count,
            });
        }
        if let Some(&parent) = parents.iter().find(|&&p| p >= self.rows.count) {
            return Err(StepError::Parent {
                parent,
                beams: self.rows.count,
            });
        }
        for (beam, &parent) in parents.iter().enumerate() {
            self.spare.copy_row(beam, &self.rows, parent);
        }
        std::mem::swap(&mut self.rows, &mut self.spare);
        Ok(())
    }
}

/// A step or a beam operation given inputs that do not fit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    /// An event index beyond the model's vocabulary.
    #[error("event {index} is not one of this model's {vocab_size} events")]
    Event {
        /// The index given.
        index: usize,
        /// The model's vocabulary size.
        vocab_size: usize,
    },
    /// The state was made for a model of another shape; start a new one from this model.
    #[error("the state belongs to a model of another shape; start a new state from this model")]
    Shape,
    /// One entry per beam was expected.
    #[error("{given} entries for {beams} beams; give one per beam")]
    Count {
        /// Entries given.
        given: usize,
        /// Beams there are.
        beams: usize,
    },
    /// A beam named as parent does not exist.
    #[error("beam {parent} does not exist (there are {beams})")]
    Parent {
        /// The parent named.
        parent: usize,
        /// Beams there are.
        beams: usize,
    },
}

/// The shape of the network a state belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StateShape {
    pub(crate) layers: usize,
    pub(crate) hidden_size: usize,
    pub(crate) vocab_size: usize,
    pub(crate) gates_stride: usize,
    pub(crate) logits_stride: usize,
    /// The groove head's hidden units; 0 without one.
    pub(crate) groove_units: usize,
}

impl StateShape {
    pub(crate) fn of(weights: &StepWeights) -> StateShape {
        StateShape {
            layers: weights.num_layers(),
            hidden_size: weights.hidden_size(),
            vocab_size: weights.vocab_size(),
            gates_stride: weights.gates_stride(),
            logits_stride: weights.logits_stride(),
            groove_units: weights.groove().map_or(0, |groove| groove.units()),
        }
    }
}

/// `count` states of one network and their scratch, row-major per state.
#[derive(Debug, Clone)]
pub(crate) struct StateRows {
    pub(crate) shape: StateShape,
    pub(crate) count: usize,
    /// `[layers, count, H]`.
    pub(crate) hidden: Vec<f32>,
    /// `[layers, count, H]`.
    pub(crate) cell: Vec<f32>,
    /// `[count, gates_stride]`.
    pub(crate) gates: Vec<f32>,
    /// `[count, 2H]`: an upper layer's input and its own previous output, side by side.
    pub(crate) input: Vec<f32>,
    /// `[count, logits_stride]`.
    pub(crate) logits: Vec<f32>,
    /// `[count, vocab]`.
    pub(crate) log_probs: Vec<f32>,
    /// `[count, groove units]`: the groove head's hidden layer.
    pub(crate) groove_hidden: Vec<f32>,
    /// The events each state was fed, for looking bars back.
    pub(crate) memory: BarMemory,
    /// For a model adapted to the player: the loaded model's side, which it is mixed with.
    pub(crate) mixed: Option<Box<MixedRows>>,
}

impl StateRows {
    /// `count` all-zero states of a performance in bars of `steps_per_bar`: where it starts.
    pub(crate) fn zeros(shape: StateShape, count: usize, steps_per_bar: usize) -> StateRows {
        let h = shape.hidden_size;
        StateRows {
            shape,
            count,
            hidden: vec![0.0; shape.layers * count * h],
            cell: vec![0.0; shape.layers * count * h],
            gates: vec![0.0; count * shape.gates_stride],
            input: vec![0.0; count * 2 * h],
            logits: vec![0.0; count * shape.logits_stride],
            log_probs: vec![0.0; count * shape.vocab_size],
            groove_hidden: vec![0.0; count * shape.groove_units],
            memory: BarMemory::new(steps_per_bar, count),
            mixed: None,
        }
    }

    /// Sets state `row` to state `from_row` of `from` (same shape).
    pub(crate) fn copy_row(&mut self, row: usize, from: &StateRows, from_row: usize) {
        let h = self.shape.hidden_size;
        for layer in 0..self.shape.layers {
            let to = (layer * self.count + row) * h;
            let at = (layer * from.count + from_row) * h;
            self.hidden[to..to + h].copy_from_slice(&from.hidden[at..at + h]);
            self.cell[to..to + h].copy_from_slice(&from.cell[at..at + h]);
        }
        self.memory.copy_row(row, &from.memory, from_row);
        if let (Some(mixed), Some(from)) = (&mut self.mixed, &from.mixed) {
            mixed.copy_row(row, from, from_row);
        }
    }
}
