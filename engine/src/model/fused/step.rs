//! The fused live step: one pass per layer over its weights for all four gates and every state
//! stepped together, the cell update with the nonlinearities in one loop, then the output
//! projection and log-softmax. No allocation: every buffer is in the caller's state.

use crate::encoding::EventId;
use crate::encoding::groove::GrooveValues;
use crate::families::drums::encoding::DrumEvent;
use crate::model::fused::activation::{sigmoid, tanh};
use crate::model::fused::product::product;
use crate::model::fused::softmax::log_softmax_in_place;
use crate::model::fused::state::{BeamStates, FusedState, StateRows, StateShape, StepError};
use crate::model::fused::weights::StepWeights;

impl StepWeights {
    /// The all-zero state a performance in bars of `steps_per_bar` starts from.
    pub fn initial_state(&self, steps_per_bar: u32) -> FusedState {
        FusedState {
            rows: StateRows::zeros(StateShape::of(self), 1, steps_per_bar as usize),
        }
    }

    /// Feeds event `prev` at `position_steps` (whose counters are the input) and returns the
    /// log-probabilities of the next event, borrowed from `state`. A groove model hears `prev`
    /// with no groove (as a rest sounds); see [`StepWeights::step_played`].
    pub fn step<'s>(
        &self,
        state: &'s mut FusedState,
        prev: EventId,
        position_steps: usize,
    ) -> Result<&'s [f32], StepError> {
        self.step_rows(&mut state.rows, &[prev], None, position_steps)?;
        Ok(&state.rows.log_probs)
    }

    /// [`StepWeights::step`] with `prev` played as `groove` says, which a groove model hears
    /// (others ignore it).
    pub fn step_played<'s>(
        &self,
        state: &'s mut FusedState,
        prev: EventId,
        groove: &GrooveValues,
        position_steps: usize,
    ) -> Result<&'s [f32], StepError> {
        let grooves = std::slice::from_ref(groove);
        self.step_rows(&mut state.rows, &[prev], Some(grooves), position_steps)?;
        Ok(&state.rows.log_probs)
    }

    /// Feeds each beam its own previous event (`prev[b]` to beam `b`), all at `position_steps`,
    /// and returns every beam's log-probabilities, beam `b`'s at `b · vocab_size ..`.
    pub fn step_beams<'s>(
        &self,
        beams: &'s mut BeamStates,
        prev: &[EventId],
        position_steps: usize,
    ) -> Result<&'s [f32], StepError> {
        self.step_rows(&mut beams.rows, prev, None, position_steps)?;
        Ok(&beams.rows.log_probs)
    }

    /// [`StepWeights::step_beams`] with beam `b`'s event played as `grooves[b]` says.
    pub fn step_beams_played<'s>(
        &self,
        beams: &'s mut BeamStates,
        prev: &[EventId],
        grooves: &[GrooveValues],
        position_steps: usize,
    ) -> Result<&'s [f32], StepError> {
        self.step_rows(&mut beams.rows, prev, Some(grooves), position_steps)?;
        Ok(&beams.rows.log_probs)
    }

    /// How a groove model plays `event` as state `beam`'s next step (after the step that gave
    /// its probabilities); `None` for a model without a groove head.
    pub(crate) fn predict_groove(
        &self,
        rows: &mut StateRows,
        beam: usize,
        event: EventId,
    ) -> Option<GrooveValues> {
        let groove = self.groove()?;
        let event = DrumEvent::from_id(event)?;
        let h = self.hidden_size();
        let top = &rows.hidden[((self.num_layers() - 1) * rows.count + beam) * h..][..h];
        let hidden = &mut rows.groove_hidden[beam * groove.units()..][..groove.units()];
        Some(groove.predict(top, event, hidden))
    }

    pub(crate) fn step_rows(
        &self,
        rows: &mut StateRows,
        prev: &[EventId],
        grooves: Option<&[GrooveValues]>,
        position_steps: usize,
    ) -> Result<(), StepError> {
        if rows.shape != StateShape::of(self) {
            return Err(StepError::Shape);
        }
        if prev.len() != rows.count {
            return Err(StepError::Count {
                given: prev.len(),
                beams: rows.count,
            });
        }
        if let Some(event) = prev.iter().find(|p| p.index() >= self.vocab_size()) {
            return Err(StepError::Event {
                index: event.index(),
                vocab_size: self.vocab_size(),
            });
        }
        let count = rows.count;
        let h = self.hidden_size();
        let gates_stride = self.gates_stride();
        let layer_size = count * h;

        if grooves.is_some_and(|g| g.len() != count) {
            return Err(StepError::Count {
                given: grooves.map_or(0, <[GrooveValues]>::len),
                beams: count,
            });
        }
        // What each state was fed, for the bar repeats to look back on.
        if let Some(fed) = position_steps.checked_sub(1) {
            for (row, &event) in prev.iter().enumerate() {
                rows.memory.record(row, fed, event);
            }
        }
        for (row, (gates, &event)) in rows
            .gates
            .chunks_exact_mut(gates_stride)
            .zip(prev)
            .enumerate()
        {
            let inputs = self.first_input(event.index(), position_steps);
            for (gate, input) in gates.iter_mut().zip(inputs) {
                *gate = input;
            }
            if let (Some(weights), Some(grooves)) = (self.groove(), grooves) {
                weights.add_input(gates, &grooves[row]);
            }
        }
        product(
            self.first_recurrent(),
            &rows.hidden[..layer_size],
            h,
            count,
            &mut rows.gates,
            gates_stride,
        );
        cell_update(
            &rows.gates,
            gates_stride,
            &mut rows.hidden[..layer_size],
            &mut rows.cell[..layer_size],
            h,
        );

        for layer in 1..self.num_layers() {
            let (stacked, bias) = self.upper(layer);
            let (below, own) = rows.hidden.split_at_mut(layer * layer_size);
            let below = &below[(layer - 1) * layer_size..];
            let own = &mut own[..layer_size];
            for (v, input) in rows.input.chunks_exact_mut(2 * h).enumerate() {
                input[..h].copy_from_slice(&below[v * h..][..h]);
                input[h..].copy_from_slice(&own[v * h..][..h]);
            }
            for gates in rows.gates.chunks_exact_mut(gates_stride) {
                gates.copy_from_slice(bias);
            }
            product(
                stacked,
                &rows.input,
                2 * h,
                count,
                &mut rows.gates,
                gates_stride,
            );
            let cell = &mut rows.cell[layer * layer_size..][..layer_size];
            cell_update(&rows.gates, gates_stride, own, cell, h);
        }

        let (output, bias) = self.output();
        let logits_stride = self.logits_stride();
        for logits in rows.logits.chunks_exact_mut(logits_stride) {
            logits.copy_from_slice(bias);
        }
        let top = &rows.hidden[(self.num_layers() - 1) * layer_size..][..layer_size];
        product(output, top, h, count, &mut rows.logits, logits_stride);
        let vocab = self.vocab_size();
        for (log_probs, logits) in rows
            .log_probs
            .chunks_exact_mut(vocab)
            .zip(rows.logits.chunks_exact(logits_stride))
        {
            log_probs.copy_from_slice(&logits[..vocab]);
            log_softmax_in_place(log_probs);
        }
        Ok(())
    }
}

/// The LSTM cell for every state: gate pre-activations (rows of `gates_stride`, PyTorch's order
/// i, f, g, o) to the new cell and hidden vectors, in place.
fn cell_update(gates: &[f32], gates_stride: usize, hidden: &mut [f32], cell: &mut [f32], h: usize) {
    #[cfg(target_arch = "x86_64")]
    if super::vector::has_avx2_fma() {
        // SAFETY: the CPU has just been found to have the features this copy is compiled for.
        unsafe { cell_update_avx2(gates, gates_stride, hidden, cell, h) };
        return;
    }
    cell_rows(gates, gates_stride, hidden, cell, h);
}

/// [`cell_rows`] in eight lanes.
///
/// # Safety
/// The CPU must have AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn cell_update_avx2(
    gates: &[f32],
    gates_stride: usize,
    hidden: &mut [f32],
    cell: &mut [f32],
    h: usize,
) {
    cell_rows(gates, gates_stride, hidden, cell, h);
}

#[inline(always)]
fn cell_rows(gates: &[f32], gates_stride: usize, hidden: &mut [f32], cell: &mut [f32], h: usize) {
    for ((gates, hidden), cell) in gates
        .chunks_exact(gates_stride)
        .zip(hidden.chunks_exact_mut(h))
        .zip(cell.chunks_exact_mut(h))
    {
        let (input_gate, rest) = gates.split_at(h);
        let (forget_gate, rest) = rest.split_at(h);
        let (candidate, rest) = rest.split_at(h);
        let output_gate = &rest[..h];
        for j in 0..h {
            let c = sigmoid(forget_gate[j]) * cell[j] + sigmoid(input_gate[j]) * tanh(candidate[j]);
            cell[j] = c;
            hidden[j] = sigmoid(output_gate[j]) * tanh(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use candle_core::{D, Device};

    use super::*;
    use crate::families::Family;
    use crate::model::batch::WindowBatch;
    use crate::model::config::ModelConfig;
    use crate::model::fused::agreement::relative_error;
    use crate::model::fused::testing::{allocations_during, fixture_windows, random_net};
    use crate::model::loaded::Model;
    use crate::model::net::Net;

    /// candle's log-probabilities for every predicted step of `window`, one row per step.
    fn reference_log_probs(net: &Net, window: &[EventId]) -> Vec<Vec<f32>> {
        let batch = WindowBatch::new(&[window], &Device::Cpu).unwrap();
        let logits = net
            .forward(&batch.prev_events, &batch.counters, None)
            .unwrap();
        let log_probs = candle_nn::ops::log_softmax(&logits, D::Minus1).unwrap();
        log_probs.squeeze(1).unwrap().to_vec2().unwrap()
    }

    /// The largest relative error of the fused step, one performance at a time, over `windows`.
    fn single_step_error(net: &Net, windows: &[Vec<EventId>]) -> f64 {
        let weights = StepWeights::from_net(net).unwrap();
        let mut worst = 0.0f64;
        for window in windows {
            let reference = reference_log_probs(net, window);
            let mut state = weights.initial_state(16);
            for (t, expected) in reference.iter().enumerate() {
                let log_probs = weights.step(&mut state, window[t], t + 1).unwrap();
                worst = worst.max(relative_error(log_probs, expected));
            }
        }
        worst
    }

    #[test]
    fn the_shipped_drum_model_steps_as_candle_does_over_real_grooves() {
        let model =
            Model::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/drums")).unwrap();
        let windows = fixture_windows(Family::DRUMS, 32, 1);
        assert!(windows.len() >= 5);
        let error = single_step_error(model.net(), &windows);
        assert!(error <= 1e-4, "max relative error {error}");
    }

    #[test]
    fn random_drum_and_melody_networks_step_as_candle_does() {
        for (family, layers, hidden) in [
            (Family::DRUMS, 1, 24),
            (Family::DRUMS, 3, 40),
            (Family::MELODY, 2, 70),
        ] {
            let config = ModelConfig::new(family, layers, hidden, 0.0);
            let net = random_net(&config, 0.3, layers as u64);
            let windows = fixture_windows(family, 48, 2);
            let error = single_step_error(&net, &windows);
            assert!(error <= 1e-4, "{family:?} {layers}×{hidden}: {error}");
        }
    }

    #[test]
    fn beams_step_together_as_each_would_alone() {
        let config = ModelConfig::new(Family::DRUMS, 2, 20, 0.0);
        let net = random_net(&config, 0.3, 7);
        let weights = StepWeights::from_net(&net).unwrap();
        let windows = fixture_windows(Family::DRUMS, 24, 2);
        for count in [1, 3, 8, 11] {
            let windows: Vec<&Vec<EventId>> = windows.iter().cycle().take(count).collect();
            let steps = windows.iter().map(|w| w.len()).min().unwrap();
            let mut beams = BeamStates::new(&weights.initial_state(16), count);
            let mut alone: Vec<FusedState> = vec![weights.initial_state(16); count];
            for t in 0..steps - 1 {
                let prev: Vec<EventId> = windows.iter().map(|w| w[t]).collect();
                let together = weights
                    .step_beams(&mut beams, &prev, t + 1)
                    .unwrap()
                    .to_vec();
                for (b, state) in alone.iter_mut().enumerate() {
                    let single = weights.step(state, prev[b], t + 1).unwrap();
                    let beam = &together[b * 512..][..512];
                    assert!(relative_error(beam, single) < 1e-6, "beam {b} of {count}");
                }
            }
        }
    }

    #[test]
    fn reordered_beams_continue_from_their_parents() {
        let config = ModelConfig::new(Family::MELODY, 2, 16, 0.0);
        let net = random_net(&config, 0.5, 3);
        let weights = StepWeights::from_net(&net).unwrap();
        let events = [EventId::new(3), EventId::new(20)];
        let mut beams = BeamStates::new(&weights.initial_state(16), 2);
        weights.step_beams(&mut beams, &events, 1).unwrap();
        beams.reorder(&[1, 1]).unwrap();
        let next = weights
            .step_beams(&mut beams, &[EventId::new(5), EventId::new(5)], 2)
            .unwrap()
            .to_vec();
        let mut alone = weights.initial_state(16);
        weights.step(&mut alone, events[1], 1).unwrap();
        let expected = weights.step(&mut alone, EventId::new(5), 2).unwrap();
        assert_eq!(&next[..38], expected);
        assert_eq!(&next[38..], expected);
        assert_eq!(
            beams.reorder(&[0, 2]),
            Err(StepError::Parent {
                parent: 2,
                beams: 2
            })
        );
        assert_eq!(
            beams.reorder(&[0]),
            Err(StepError::Count { given: 1, beams: 2 })
        );
    }

    #[test]
    fn stepping_allocates_nothing() {
        let config = ModelConfig::new(Family::DRUMS, 2, 24, 0.0);
        let weights = StepWeights::from_net(&random_net(&config, 0.3, 2)).unwrap();
        let mut state = weights.initial_state(16);
        let mut beams = BeamStates::new(&state, 5);
        let prev = [EventId::new(9); 5];
        let allocations = allocations_during(|| {
            for position in 0..40 {
                weights
                    .step(&mut state, EventId::new(position), position)
                    .unwrap();
                weights.step_beams(&mut beams, &prev, position).unwrap();
            }
            beams.reorder(&[4, 3, 2, 1, 0]).unwrap();
        });
        assert_eq!(allocations, 0);
    }

    #[test]
    fn events_and_states_that_do_not_fit_are_refused() {
        let drums = StepWeights::from_net(&random_net(
            &ModelConfig::new(Family::DRUMS, 1, 8, 0.0),
            0.5,
            1,
        ))
        .unwrap();
        let melody = StepWeights::from_net(&random_net(
            &ModelConfig::new(Family::MELODY, 1, 8, 0.0),
            0.5,
            1,
        ))
        .unwrap();
        let mut state = melody.initial_state(16);
        assert_eq!(
            melody.step(&mut state, EventId::new(38), 0).unwrap_err(),
            StepError::Event {
                index: 38,
                vocab_size: 38
            }
        );
        assert_eq!(
            drums.step(&mut state, EventId::new(1), 0).unwrap_err(),
            StepError::Shape
        );
        // Refused steps leave the state as it was.
        let fresh = melody.initial_state(16);
        assert_eq!(state.rows.hidden, fresh.rows.hidden);
    }
}
