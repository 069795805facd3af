//! Binary-counter metric inputs: where in the bar a step lies, as Magenta's drum models see it.

/// Number of counter bits fed to the model beside each event (Magenta's `binary_counter_bits`).
pub const NUM_COUNTER_BITS: usize = 6;

/// The metric input for the step at `position_steps` (counted from the start of the sequence,
/// which always starts on a bar line): bit `i` is `+1.0` when `((position + 1) >> i) & 1` is set,
/// `-1.0` otherwise.
pub fn binary_counters(position_steps: usize) -> [f32; NUM_COUNTER_BITS] {
    let counted = position_steps + 1;
    std::array::from_fn(|bit| if (counted >> bit) & 1 == 1 { 1.0 } else { -1.0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_count_position_plus_one_in_binary() {
        assert_eq!(binary_counters(0), [1.0, -1.0, -1.0, -1.0, -1.0, -1.0]);
        assert_eq!(binary_counters(1), [-1.0, 1.0, -1.0, -1.0, -1.0, -1.0]);
        assert_eq!(binary_counters(4), [1.0, -1.0, 1.0, -1.0, -1.0, -1.0]);
        assert_eq!(binary_counters(62), [1.0; NUM_COUNTER_BITS]);
        // The counter wraps every 64 steps (four bars of 4/4).
        assert_eq!(binary_counters(63), binary_counters(127));
    }
}
