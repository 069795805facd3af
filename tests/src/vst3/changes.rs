//! The host's `IParameterChanges` and `IParamValueQueue`: one block's parameter changes, a queue
//! of (sample offset, normalized value) points per parameter.

use std::cell::{Cell, RefCell};

use vst3::Steinberg::Vst::{
    IParamValueQueue, IParamValueQueueTrait, IParameterChanges, IParameterChangesTrait, ParamID,
    ParamValue,
};
use vst3::Steinberg::{int32, kInvalidArgument, kResultOk, tresult};
use vst3::{Class, ComWrapper};

/// A block's parameter changes. Queues are kept from block to block (as hosts do) and handed out
/// again after [`clear`](Self::clear).
pub(crate) struct ParameterChanges {
    queues: RefCell<Vec<ComWrapper<ParamValueQueue>>>,
    /// How many of `queues` this block uses.
    used: Cell<usize>,
}

impl Class for ParameterChanges {
    type Interfaces = (IParameterChanges,);
}

impl ParameterChanges {
    /// Room for changes to `params` parameters in one block before a queue is made.
    pub(crate) fn with_capacity(params: usize) -> ParameterChanges {
        ParameterChanges {
            queues: RefCell::new(
                (0..params)
                    .map(|_| ComWrapper::new(ParamValueQueue::default()))
                    .collect(),
            ),
            used: Cell::new(0),
        }
    }

    /// Empties every queue for the next block.
    pub(crate) fn clear(&self) {
        for queue in &self.queues.borrow()[..self.used.get()] {
            queue.points.borrow_mut().clear();
        }
        self.used.set(0);
    }

    /// Adds a change of parameter `id` to `value` at `offset` samples into the block.
    pub(crate) fn add_point(&self, id: ParamID, offset: i32, value: ParamValue) {
        let index = self.queue_index(id);
        self.queues.borrow()[index].add(offset, value);
    }

    /// The index of `id`'s queue, taking a fresh one if this block has none yet.
    fn queue_index(&self, id: ParamID) -> usize {
        let used = self.used.get();
        let mut queues = self.queues.borrow_mut();
        if let Some(index) = queues[..used].iter().position(|q| q.id.get() == id) {
            return index;
        }
        if used == queues.len() {
            queues.push(ComWrapper::new(ParamValueQueue::default()));
        }
        queues[used].id.set(id);
        self.used.set(used + 1);
        used
    }

    fn queue_ptr(&self, index: usize) -> *mut IParamValueQueue {
        self.queues.borrow()[index]
            .as_com_ref::<IParamValueQueue>()
            .expect("a queue is an IParamValueQueue")
            .as_ptr()
    }
}

impl IParameterChangesTrait for ParameterChanges {
    unsafe fn getParameterCount(&self) -> int32 {
        self.used.get() as int32
    }

    unsafe fn getParameterData(&self, index: int32) -> *mut IParamValueQueue {
        // As in the SDK, the queue is lent for the block, without a reference for the caller.
        match usize::try_from(index) {
            Ok(index) if index < self.used.get() => self.queue_ptr(index),
            _ => std::ptr::null_mut(),
        }
    }

    unsafe fn addParameterData(
        &self,
        id: *const ParamID,
        index: *mut int32,
    ) -> *mut IParamValueQueue {
        if id.is_null() || index.is_null() {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller passes the id to add and a place for the queue's index.
        let queue = self.queue_index(unsafe { *id });
        // SAFETY: as above.
        unsafe { *index = queue as int32 };
        self.queue_ptr(queue)
    }
}

/// One parameter's changes in a block, in order of their sample offsets.
#[derive(Default)]
pub(crate) struct ParamValueQueue {
    id: Cell<ParamID>,
    points: RefCell<Vec<(int32, ParamValue)>>,
}

impl Class for ParamValueQueue {
    type Interfaces = (IParamValueQueue,);
}

impl ParamValueQueue {
    /// Adds a point in offset order (replacing one at the same offset) and returns its index.
    fn add(&self, offset: int32, value: ParamValue) -> usize {
        let mut points = self.points.borrow_mut();
        let index = points.partition_point(|&(o, _)| o < offset);
        if points.get(index).is_some_and(|&(o, _)| o == offset) {
            points[index].1 = value;
        } else {
            points.insert(index, (offset, value));
        }
        index
    }
}

impl IParamValueQueueTrait for ParamValueQueue {
    unsafe fn getParameterId(&self) -> ParamID {
        self.id.get()
    }

    unsafe fn getPointCount(&self) -> int32 {
        self.points.borrow().len() as int32
    }

    unsafe fn getPoint(
        &self,
        index: int32,
        sample_offset: *mut int32,
        value: *mut ParamValue,
    ) -> tresult {
        let points = self.points.borrow();
        let point = usize::try_from(index).ok().and_then(|i| points.get(i));
        match point {
            Some(&(offset, point_value)) if !sample_offset.is_null() && !value.is_null() => {
                // SAFETY: the caller passes places for the point's offset and value.
                unsafe {
                    *sample_offset = offset;
                    *value = point_value;
                }
                kResultOk
            }
            _ => kInvalidArgument,
        }
    }

    unsafe fn addPoint(
        &self,
        sample_offset: int32,
        value: ParamValue,
        index: *mut int32,
    ) -> tresult {
        let added = self.add(sample_offset, value);
        if !index.is_null() {
            // SAFETY: the caller passes a place for the point's index.
            unsafe { *index = added as int32 };
        }
        kResultOk
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_per_parameter_with_its_points_in_order() {
        let changes = ParameterChanges::with_capacity(1);
        changes.add_point(7, 100, 0.5);
        changes.add_point(9, 0, 1.0);
        changes.add_point(7, 10, 0.25);
        // SAFETY: the queues are read while `changes` lives.
        unsafe {
            assert_eq!(changes.getParameterCount(), 2);
            let queue = vst3::ComRef::from_raw(changes.getParameterData(0)).unwrap();
            assert_eq!(queue.getParameterId(), 7);
            assert_eq!(queue.getPointCount(), 2);
            let (mut offset, mut value) = (0, 0.0);
            assert_eq!(queue.getPoint(0, &mut offset, &mut value), kResultOk);
            assert_eq!((offset, value), (10, 0.25));
        }
        changes.clear();
        // SAFETY: as above.
        assert_eq!(unsafe { changes.getParameterCount() }, 0);
    }
}
