//! What the host hands the plugin: its application context (given to `initialize`) and the
//! component handler the edit controller reports edits and restart requests to.

use std::ffi::c_void;

use vst3::Class;
use vst3::Steinberg::Vst::{
    IComponentHandler, IComponentHandlerTrait, IHostApplication, IHostApplicationTrait, ParamID,
    ParamValue, String128,
};
use vst3::Steinberg::{TUID, int32, kInvalidArgument, kNotImplemented, kResultOk, tresult};

use super::strings::copy_utf16;

/// The name the host gives itself.
const HOST_NAME: &str = "antiphon-host-tests";

/// The host's `IHostApplication`.
pub(crate) struct HostApplication;

impl Class for HostApplication {
    type Interfaces = (IHostApplication,);
}

impl IHostApplicationTrait for HostApplication {
    unsafe fn getName(&self, name: *mut String128) -> tresult {
        if name.is_null() {
            return kInvalidArgument;
        }
        // SAFETY: the caller passes a `String128` for the host to fill.
        copy_utf16(HOST_NAME, unsafe { &mut *name });
        kResultOk
    }

    unsafe fn createInstance(
        &self,
        _cid: *mut TUID,
        _iid: *mut TUID,
        obj: *mut *mut c_void,
    ) -> tresult {
        // The host makes no messages or attribute lists: a single-component plugin needs none.
        if !obj.is_null() {
            // SAFETY: the caller passes a pointer for the host to fill.
            unsafe { *obj = std::ptr::null_mut() };
        }
        kNotImplemented
    }
}

/// The host's `IComponentHandler`: the tests make no edits from an editor and the plugin
/// declares no latency, so every report is acknowledged and nothing else happens.
pub(crate) struct ComponentHandler;

impl Class for ComponentHandler {
    type Interfaces = (IComponentHandler,);
}

impl IComponentHandlerTrait for ComponentHandler {
    unsafe fn beginEdit(&self, _id: ParamID) -> tresult {
        kResultOk
    }

    unsafe fn performEdit(&self, _id: ParamID, _value_normalized: ParamValue) -> tresult {
        kResultOk
    }

    unsafe fn endEdit(&self, _id: ParamID) -> tresult {
        kResultOk
    }

    unsafe fn restartComponent(&self, _flags: int32) -> tresult {
        kResultOk
    }
}
