//! The live performer: the audio thread's side (grid, turn-taking, scheduling) and the model
//! thread that listens and answers.

pub mod grid;
