//! An n-gram model over any family's events with Witten-Bell interpolation: the count-based
//! baseline the LSTM is compared against, scored on exactly the steps the LSTM is scored on.

use std::collections::HashMap;

use crate::encoding::EventId;

/// Bits of a context key, which packs the context's events.
const KEY_BITS: u32 = u64::BITS;

/// The longest n-gram a vocabulary of `vocab_size` events supports: its context (order − 1
/// events) packs into one `u64` key. Order 8 for the 512 drum events (9 bits each), 11 for the 38
/// melody events (6 bits each).
pub fn max_order(vocab_size: usize) -> usize {
    (KEY_BITS / event_bits(vocab_size)) as usize + 1
}

/// Bits one event takes in a context key.
fn event_bits(vocab_size: usize) -> u32 {
    usize::BITS - vocab_size.saturating_sub(1).leading_zeros()
}

/// Mean negative log-likelihood over the steps scored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NllPerStep {
    /// Mean negative log-likelihood of a scored step, in nats (NaN when `steps` is zero).
    pub nats: f64,
    /// How many steps were scored.
    pub steps: usize,
}

/// What followed one context in training.
#[derive(Debug, Default, Clone)]
struct Continuations {
    /// How often the context was followed by anything.
    total: u32,
    /// How often it was followed by each event.
    counts: HashMap<u16, u32>,
}

/// A Witten-Bell interpolated n-gram model over a vocabulary of events.
///
/// The probability of event `w` after context `h` (the last `n - 1` events) is
/// `P(w | h) = (c(h, w) + T(h) · P(w | h')) / (c(h) + T(h))`, where `h'` drops the oldest event,
/// `c` counts training occurrences and `T(h)` is the number of distinct events seen after `h`.
/// Unseen contexts fall straight through to `h'`; the recursion ends in a uniform distribution
/// over the whole vocabulary, so every event keeps some probability and each distribution sums
/// to one.
#[derive(Debug, Clone)]
pub struct NgramModel {
    order: usize,
    vocab_size: usize,
    /// `levels[k]`: continuations of every context of `k` events, keyed by [`context_key`].
    levels: Vec<HashMap<u64, Continuations>>,
}

impl NgramModel {
    /// Counts the n-grams of order `order` (and every lower order) in `train` windows of events
    /// of a vocabulary of `vocab_size`.
    ///
    /// Every step of a window is counted after the context the window gives it: the first step
    /// after no context, the second after one event, and so on up to `order - 1` events.
    ///
    /// # Panics
    /// If `order` is zero or above [`max_order`] for the vocabulary.
    pub fn fit(order: usize, vocab_size: usize, train: &[&[EventId]]) -> NgramModel {
        let max = max_order(vocab_size);
        assert!(
            (1..=max).contains(&order),
            "n-gram order must be 1..={max} for {vocab_size} events, got {order}"
        );
        let bits = event_bits(vocab_size);
        let mut levels = vec![HashMap::<u64, Continuations>::new(); order];
        for events in train {
            for (t, &event) in events.iter().enumerate() {
                for (k, level) in levels.iter_mut().enumerate().take(t + 1) {
                    let continuations = level
                        .entry(context_key(&events[t - k..t], bits))
                        .or_default();
                    continuations.total += 1;
                    *continuations
                        .counts
                        .entry(event.index() as u16)
                        .or_insert(0) += 1;
                }
            }
        }
        NgramModel {
            order,
            vocab_size,
            levels,
        }
    }

    /// The model's order: it conditions on the last `order - 1` events.
    pub fn order(&self) -> usize {
        self.order
    }

    /// The probability of `next` after `history` (only its last `order - 1` events matter).
    pub fn probability(&self, history: &[EventId], next: EventId) -> f64 {
        let context_len = history.len().min(self.order - 1);
        let mut probability = 1.0 / self.vocab_size as f64;
        for (k, level) in self.levels.iter().enumerate().take(context_len + 1) {
            let context = &history[history.len() - k..];
            if let Some(seen) = level.get(&context_key(context, event_bits(self.vocab_size))) {
                let distinct = seen.counts.len() as f64;
                let count = seen
                    .counts
                    .get(&(next.index() as u16))
                    .copied()
                    .unwrap_or(0);
                probability = (f64::from(count) + distinct * probability)
                    / (f64::from(seen.total) + distinct);
            }
        }
        probability
    }

    /// The distribution over the vocabulary after `history`, indexed by [`EventId::index`].
    pub fn distribution(&self, history: &[EventId]) -> Vec<f64> {
        (0..self.vocab_size)
            .map(|index| self.probability(history, EventId::new(index)))
            .collect()
    }

    /// Mean negative log-likelihood of steps `1..len` of each window, each given the events
    /// before it in its window (the first step is context only, as for the LSTM).
    pub fn nll_per_step(&self, eval: &[&[EventId]]) -> NllPerStep {
        let mut total_nats = 0.0;
        let mut steps = 0;
        for events in eval {
            for t in 1..events.len() {
                total_nats -= self.probability(&events[..t], events[t]).ln();
                steps += 1;
            }
        }
        NllPerStep {
            nats: total_nats / steps as f64,
            steps,
        }
    }
}

/// Packs a context of up to `max_order - 1` events into one key, `bits` per event (contexts of
/// different lengths live in different levels, so they cannot collide).
fn context_key(context: &[EventId], bits: u32) -> u64 {
    context
        .iter()
        .fold(0, |key, event| (key << bits) | event.index() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::families::drums::encoding::{DrumClass, DrumEvent, NUM_EVENTS};

    /// The drum events as the pipeline carries them.
    fn steps(events: &[EventId]) -> Vec<EventId> {
        events.to_vec()
    }

    fn event(classes: &[DrumClass]) -> EventId {
        classes.iter().copied().collect::<DrumEvent>().id()
    }

    /// A rock beat: kick+hat, hat, snare+hat, hat, ... repeated for `bars` bars of 8 events.
    fn rock_beat(bars: usize) -> Vec<EventId> {
        let kick = event(&[DrumClass::Kick, DrumClass::ClosedHat]);
        let hat = event(&[DrumClass::ClosedHat]);
        let snare = event(&[DrumClass::Snare, DrumClass::ClosedHat]);
        let bar = [kick, hat, snare, hat, kick, kick, snare, hat];
        bar.iter().copied().cycle().take(bars * bar.len()).collect()
    }

    #[test]
    fn distributions_sum_to_one() {
        let train = steps(&rock_beat(8));
        let model = NgramModel::fit(4, NUM_EVENTS, &[&train]);
        let beat = rock_beat(1);
        let odd = EventId::new(300);
        for history in [
            &[][..],
            &beat[..1],
            &beat[..3],
            &beat[..],
            &[odd, odd, odd][..],
            &[beat[0], odd][..],
        ] {
            let distribution = model.distribution(history);
            let sum: f64 = distribution.iter().sum();
            assert!((sum - 1.0).abs() < 1e-9, "sums to {sum} after {history:?}");
            assert!(distribution.iter().all(|&p| p > 0.0));
        }
    }

    #[test]
    fn repetitive_data_is_predicted_far_below_uniform() {
        let train = steps(&rock_beat(16));
        let model = NgramModel::fit(4, NUM_EVENTS, &[&train]);
        let eval = steps(&rock_beat(4));
        let nll = model.nll_per_step(&[&eval]);
        assert_eq!(nll.steps, eval.len() - 1);
        let uniform = (NUM_EVENTS as f64).ln();
        assert!(nll.nats < 0.2 * uniform, "{} nats vs {uniform}", nll.nats);
        // Three events of context pin the bar down; one event cannot (a hat precedes both a
        // snare and a kick), so the bigram model does worse.
        let bigram = NgramModel::fit(2, NUM_EVENTS, &[&train]).nll_per_step(&[&eval]);
        assert!(
            bigram.nats > nll.nats + 0.1,
            "{} vs {}",
            bigram.nats,
            nll.nats
        );
    }

    #[test]
    fn witten_bell_matches_a_hand_computation() {
        // Bigram counts after A: A→B twice, A→C once. T(A) = 2, c(A) = 3.
        let a = event(&[DrumClass::Kick]);
        let b = event(&[DrumClass::Snare]);
        let c = event(&[DrumClass::Ride]);
        let train = steps(&[a, b, a, b, a, c]);
        let model = NgramModel::fit(2, NUM_EVENTS, &[&train]);
        // Unigram: 6 tokens, 3 distinct; P(B) = (2 + 3/512) / (6 + 3).
        let unigram_b = (2.0 + 3.0 / 512.0) / 9.0;
        assert!((model.probability(&[], b) - unigram_b).abs() < 1e-12);
        let bigram_b = (2.0 + 2.0 * unigram_b) / (3.0 + 2.0);
        assert!((model.probability(&[a], b) - bigram_b).abs() < 1e-12);
        // An unseen context backs off to the unigram.
        assert!((model.probability(&[c], b) - unigram_b).abs() < 1e-12);
    }

    #[test]
    fn the_first_step_of_a_window_is_not_scored() {
        let model = NgramModel::fit(3, NUM_EVENTS, &[&steps(&rock_beat(2))]);
        let one = steps(&rock_beat(1)[..1]);
        let nll = model.nll_per_step(&[&one, &one]);
        assert_eq!(nll.steps, 0);
        assert!(nll.nats.is_nan());
    }

    #[test]
    fn smaller_vocabularies_fit_longer_contexts() {
        assert_eq!(max_order(512), 8);
        assert_eq!(max_order(38), 11);
        assert_eq!(max_order(2), 65);
        let melody: Vec<EventId> = (0..200).map(|i| EventId::new(i % 38)).collect();
        let model = NgramModel::fit(11, 38, &[&melody]);
        assert!(model.nll_per_step(&[&melody]).nats < 0.1);
    }
}
