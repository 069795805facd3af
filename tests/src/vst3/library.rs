//! The plugin's module: the shared library inside a `.vst3` bundle, entered as a Linux VST3 host
//! enters it (`ModuleEntry`, then `GetPluginFactory`), and the factory that creates components.

use std::ffi::c_void;
use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};

use libloading::os::unix::Library;
use vst3::Steinberg::Vst::IComponent;
use vst3::Steinberg::{IPluginFactory, IPluginFactoryTrait, PClassInfo, kResultOk};
use vst3::{ComPtr, Interface};

use super::strings::from_c_chars;

/// The category of an audio processor component in a factory's class list.
const AUDIO_MODULE_CLASS: &str = "Audio Module Class";

/// `ModuleEntry(handle)`: the module's set-up (nice-plug starts its logger here).
type ModuleEntry = unsafe extern "C" fn(*mut c_void) -> bool;
/// `GetPluginFactory()`: the factory, with one reference for the caller.
type GetPluginFactory = unsafe extern "C" fn() -> *mut c_void;

/// A loaded VST3 module and its factory.
pub(crate) struct Module {
    factory: ComPtr<IPluginFactory>,
    /// Never unloaded (nor exited): nice-plug leaves threads and thread-local destructors of its
    /// own behind that still point into the library at process exit.
    _library: ManuallyDrop<Library>,
}

impl Module {
    /// Loads the module of `bundle` (an `X.vst3` directory) and enters it.
    pub(crate) fn load(bundle: &Path) -> Module {
        let path = binary_path(bundle);
        // SAFETY: the library is our own plugin, built from this workspace; loading it runs only
        // Rust's static initialisers.
        let library = unsafe { Library::new(&path) }
            .unwrap_or_else(|e| panic!("loading {}: {e}", path.display()));
        // A host hands `ModuleEntry` the module's own handle.
        let handle = library.into_raw();
        // SAFETY: `handle` came from `into_raw` just above and is not used by anything else.
        let library = unsafe { Library::from_raw(handle) };
        // SAFETY: the symbols have the signatures the VST3 SDK's Linux module entry declares.
        let (entry, get_factory) = unsafe {
            let entry = *library
                .get::<ModuleEntry>(b"ModuleEntry\0")
                .unwrap_or_else(|e| panic!("{}: no ModuleEntry: {e}", path.display()));
            let get_factory = *library
                .get::<GetPluginFactory>(b"GetPluginFactory\0")
                .unwrap_or_else(|e| panic!("{}: no GetPluginFactory: {e}", path.display()));
            (entry, get_factory)
        };
        // SAFETY: called once, with the module's handle, before anything else in the module.
        assert!(unsafe { entry(handle) }, "ModuleEntry failed");
        // SAFETY: the module is entered; the pointer returned carries one reference, which the
        // `ComPtr` takes over.
        let factory = unsafe { ComPtr::from_raw(get_factory().cast::<IPluginFactory>()) }
            .unwrap_or_else(|| panic!("{}: GetPluginFactory returned null", path.display()));
        Module {
            factory,
            _library: ManuallyDrop::new(library),
        }
    }

    /// Creates the audio processor component named `name`.
    pub(crate) fn create_component(&self, name: &str) -> ComPtr<IComponent> {
        // SAFETY: plain calls on a live factory; `PClassInfo` is plain C data, all zeros a valid
        // value, and filled by the factory.
        let classes: Vec<PClassInfo> = unsafe {
            (0..self.factory.countClasses())
                .map(|index| {
                    let mut info: PClassInfo = std::mem::zeroed();
                    assert_eq!(self.factory.getClassInfo(index, &mut info), kResultOk);
                    info
                })
                .collect()
        };
        let class = classes
            .iter()
            .find(|c| {
                from_c_chars(&c.category) == AUDIO_MODULE_CLASS && from_c_chars(&c.name) == name
            })
            .unwrap_or_else(|| {
                let names: Vec<String> = classes.iter().map(|c| from_c_chars(&c.name)).collect();
                panic!("the factory has no audio module named {name:?}, only {names:?}")
            });
        let iid = IComponent::IID;
        let mut object: *mut c_void = std::ptr::null_mut();
        // SAFETY: `cid` and the interface id are 16-byte ids that outlive the call; `object`
        // receives an `IComponent` with one reference, which the `ComPtr` takes over.
        unsafe {
            let result =
                self.factory
                    .createInstance(class.cid.as_ptr(), iid.as_ptr().cast(), &mut object);
            assert_eq!(result, kResultOk, "creating {name:?}");
            ComPtr::from_raw(object.cast::<IComponent>()).expect("a created component")
        }
    }
}

/// The module's binary inside the bundle: `Contents/<arch>-linux/<name>.so`.
fn binary_path(bundle: &Path) -> PathBuf {
    let name = bundle
        .file_stem()
        .unwrap_or_else(|| panic!("{} is not a .vst3 bundle", bundle.display()));
    let path = bundle
        .join("Contents")
        .join(format!("{}-linux", std::env::consts::ARCH))
        .join(name)
        .with_extension("so");
    assert!(path.is_file(), "{} is missing", path.display());
    path
}
