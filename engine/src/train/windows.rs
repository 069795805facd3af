//! What training reads: windows of events and, for a model with a groove head, each event's
//! groove beside it.

use crate::encoding::EventId;
use crate::encoding::groove::GrooveValues;

/// Windows of events, each starting on a bar line, with their grooves when the model predicts
/// them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrainWindows {
    events: Vec<Vec<EventId>>,
    grooves: Option<Vec<Vec<GrooveValues>>>,
}

impl TrainWindows {
    /// Windows of events only.
    pub fn events(events: Vec<Vec<EventId>>) -> TrainWindows {
        TrainWindows {
            events,
            grooves: None,
        }
    }

    /// Windows of events with each event's groove.
    ///
    /// # Panics
    /// If a window's grooves are not one per event.
    pub fn with_grooves(events: Vec<Vec<EventId>>, grooves: Vec<Vec<GrooveValues>>) -> Self {
        assert_eq!(events.len(), grooves.len(), "one groove window per window");
        for (window, groove) in events.iter().zip(&grooves) {
            assert_eq!(window.len(), groove.len(), "one groove per event");
        }
        TrainWindows {
            events,
            grooves: Some(grooves),
        }
    }

    /// Whether the windows carry grooves.
    pub fn has_grooves(&self) -> bool {
        self.grooves.is_some()
    }

    /// The windows of two events or more, as slices.
    pub(crate) fn usable(&self) -> (Vec<&[EventId]>, Option<Vec<&[GrooveValues]>>) {
        let keep = |window: &&Vec<EventId>| window.len() >= 2;
        let events = self.events.iter().filter(keep).map(Vec::as_slice).collect();
        let grooves = self.grooves.as_ref().map(|grooves| {
            self.events
                .iter()
                .zip(grooves)
                .filter(|(window, _)| keep(window))
                .map(|(_, groove)| groove.as_slice())
                .collect()
        });
        (events, grooves)
    }
}
