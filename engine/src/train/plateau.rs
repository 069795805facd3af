//! When training halves its learning rate: after a number of epochs in a row that did not improve
//! the validation NLL. A deep LSTM's first epochs can sit on the "predict silence" plateau for a
//! while; halving the rate after every such epoch starved the rest of its run.

/// Counts epochs without validation gain and says when the rate halves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plateau {
    /// Epochs in a row without gain that halve the rate (at least one).
    patience: usize,
    /// Epochs in a row without gain so far.
    stalled: usize,
}

impl Plateau {
    /// Halves after `patience` epochs in a row without gain (0 counts as 1).
    pub fn new(patience: usize) -> Plateau {
        Plateau {
            patience: patience.max(1),
            stalled: 0,
        }
    }

    /// An epoch ended, `improved` or not: whether the rate halves now (the count then starts
    /// again).
    pub fn halves_after(&mut self, improved: bool) -> bool {
        if improved {
            self.stalled = 0;
            return false;
        }
        self.stalled += 1;
        if self.stalled >= self.patience {
            self.stalled = 0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn halvings(patience: usize, improved: &[bool]) -> Vec<bool> {
        let mut plateau = Plateau::new(patience);
        improved.iter().map(|&i| plateau.halves_after(i)).collect()
    }

    #[test]
    fn one_epoch_of_patience_halves_after_every_epoch_without_gain() {
        assert_eq!(
            halvings(1, &[true, false, false, true, false]),
            [false, true, true, false, true]
        );
        assert_eq!(halvings(0, &[false]), [true], "0 counts as 1");
    }

    #[test]
    fn more_patience_waits_for_that_many_epochs_in_a_row() {
        assert_eq!(
            halvings(
                3,
                &[false, false, true, false, false, false, false, false, false]
            ),
            [false, false, false, false, false, true, false, false, true]
        );
    }
}
