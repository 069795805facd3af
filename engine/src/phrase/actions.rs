//! What one call into the turn-taking machine decided, in order, in a fixed buffer: the machine
//! returns its actions instead of calling back into its owner, so the owner is whole while it
//! acts on them.

use super::request::AnswerRequest;
use super::span::StepSpan;
use super::window_id::WindowId;

/// What the audio thread must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A call started at bar line `start`, in bars of `steps_per_bar`: its steps from here on go
    /// to the model.
    CallStarted { start: i64, steps_per_bar: u32 },
    /// The call was shorter than the minimum and is forgotten.
    CallDiscarded,
    /// Ask the model for an answer.
    Respond(AnswerRequest),
    /// Play window `source_id`'s steps again over `response`.
    Repeat {
        id: WindowId,
        source_id: WindowId,
        response: StepSpan,
    },
    /// A response window starts sounding now.
    WindowStarted { id: WindowId, span: StepSpan },
    /// A response window ended or was cut short.
    WindowEnded { id: WindowId },
}

/// The most actions one call into the machine can return: a bar line may end a window, repeat
/// it, start the next and ask for the one after.
pub const MAX_ACTIONS: usize = 4;

/// Up to [`MAX_ACTIONS`] actions, in the order they were decided. `Copy`, never allocates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Actions {
    items: [Option<Action>; MAX_ACTIONS],
    len: usize,
}

impl Actions {
    /// Appends an action.
    ///
    /// # Panics
    /// When full: the machine never decides more than [`MAX_ACTIONS`] at once.
    pub(super) fn push(&mut self, action: Action) {
        self.items[self.len] = Some(action);
        self.len += 1;
    }

    /// Whether nothing was decided.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl IntoIterator for Actions {
    type Item = Action;
    type IntoIter = std::iter::Flatten<std::array::IntoIter<Option<Action>, MAX_ACTIONS>>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter().flatten()
    }
}
