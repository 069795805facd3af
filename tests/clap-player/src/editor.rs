//! The plugin's editor, embedded in a window of the player's own, as a DAW shows it (Windows).
//!
//! Under Wine the window is an X11 window on the display Wine was given, so a test reads the
//! editor back from the X server (`tests/tests/windows.rs`): what a user of a Windows DAW sees,
//! drawn through Wine's OpenGL.

use std::ffi::c_void;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clack_extensions::gui::{GuiApiType, GuiConfiguration, GuiSize, PluginGui, Window};
use windows_sys::Win32::Foundation::{GetLastError, HWND, LPARAM, LRESULT, WPARAM};
use windows_sys::Win32::System::LibraryLoader::GetModuleHandleW;
use windows_sys::Win32::UI::WindowsAndMessaging::{
    CreateWindowExW, DefWindowProcW, DestroyWindow, DispatchMessageW, MSG, PM_REMOVE, PeekMessageW,
    RegisterClassW, TranslateMessage, WNDCLASSW, WS_POPUP, WS_VISIBLE,
};

use crate::host::LoadedPlugin;

/// How long the editor stays up when nobody closes the player's stdin.
const LONGEST_SHOW: Duration = Duration::from_secs(300);

/// The editor, open in a borderless window at the screen's top left.
pub struct Editor {
    window: HWND,
    size: GuiSize,
}

impl Editor {
    /// Creates the plugin's editor and embeds it in a new window of its size.
    pub fn open(plugin: &mut LoadedPlugin) -> Result<Editor, String> {
        let handle = plugin.handle();
        let gui: PluginGui = handle
            .get_extension()
            .ok_or("the plugin has no editor (gui extension)")?;
        let configuration = GuiConfiguration {
            api_type: GuiApiType::WIN32,
            is_floating: false,
        };
        if !gui.is_api_supported(&handle, configuration) {
            return Err("the plugin's editor does not embed in a Win32 window".to_owned());
        }
        gui.create(&handle, configuration)
            .map_err(|e| format!("creating the editor: {e}"))?;
        let embedded = gui
            .get_size(&handle)
            .ok_or_else(|| "the editor does not say its size".to_owned())
            .and_then(|size| Ok((size, host_window(size)?)))
            .and_then(|(size, window)| {
                // SAFETY: the window lives until `close`, after the editor is destroyed.
                let parent = unsafe { Window::from_win32_hwnd(window.cast::<c_void>()) };
                let shown = unsafe { gui.set_parent(&handle, parent) }
                    .map_err(|e| format!("embedding the editor: {e}"))
                    .and_then(|()| {
                        gui.show(&handle)
                            .map_err(|e| format!("showing the editor: {e}"))
                    });
                if shown.is_err() {
                    // SAFETY: created by this thread, and nothing shows in it.
                    unsafe { DestroyWindow(window) };
                }
                shown.map(|()| (size, window))
            });
        let (size, window) = embedded.inspect_err(|_| gui.destroy(&handle))?;
        Ok(Editor { window, size })
    }

    /// The editor's size, in pixels.
    pub fn size(&self) -> GuiSize {
        self.size
    }

    /// Runs this thread's window messages (the editor's frames, the plugin's GUI tasks) until
    /// the player's stdin closes: the reader of the screen says when it is done.
    pub fn show_until_stdin_closes(&self) {
        let closed = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&closed);
        std::thread::spawn(move || {
            let _ = std::io::stdin().lock().read_to_end(&mut Vec::new());
            flag.store(true, Ordering::Release);
        });
        let started = Instant::now();
        while !closed.load(Ordering::Acquire) && started.elapsed() < LONGEST_SHOW {
            // SAFETY: MSG is plain data that PeekMessageW fills.
            let mut message: MSG = unsafe { std::mem::zeroed() };
            // SAFETY: `message` outlives the calls; a null window takes every message of this
            // thread.
            while unsafe { PeekMessageW(&mut message, std::ptr::null_mut(), 0, 0, PM_REMOVE) } != 0
            {
                unsafe {
                    TranslateMessage(&message);
                    DispatchMessageW(&message);
                }
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Destroys the editor, then its window.
    pub fn close(self, plugin: &mut LoadedPlugin) {
        let handle = plugin.handle();
        if let Some(gui) = handle.get_extension::<PluginGui>() {
            gui.destroy(&handle);
        }
        // SAFETY: the window was created by this thread, and nothing is embedded in it now.
        unsafe { DestroyWindow(self.window) };
    }
}

/// A visible borderless top-level window of `size` at the screen's top left.
fn host_window(size: GuiSize) -> Result<HWND, String> {
    let class_name = wide("AntiphonClapPlayerWindow");
    let title = wide("antiphon-clap-player");
    // SAFETY: a null name asks for this executable's module.
    let instance = unsafe { GetModuleHandleW(std::ptr::null()) };
    let class = WNDCLASSW {
        lpfnWndProc: Some(window_procedure),
        hInstance: instance,
        lpszClassName: class_name.as_ptr(),
        // SAFETY: every other field of the class may be zero.
        ..unsafe { std::mem::zeroed() }
    };
    // SAFETY: `class` and the name it points to outlive the call, which copies them.
    if unsafe { RegisterClassW(&class) } == 0 {
        return Err(format!(
            "registering the window class: error {}",
            last_error()
        ));
    }
    let (width, height) = (
        i32::try_from(size.width).map_err(|_| "the editor is too wide")?,
        i32::try_from(size.height).map_err(|_| "the editor is too tall")?,
    );
    // SAFETY: the class was registered above; the strings outlive the call.
    let window = unsafe {
        CreateWindowExW(
            0,
            class_name.as_ptr(),
            title.as_ptr(),
            WS_POPUP | WS_VISIBLE,
            0,
            0,
            width,
            height,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            instance,
            std::ptr::null(),
        )
    };
    if window.is_null() {
        return Err(format!("creating the window: error {}", last_error()));
    }
    Ok(window)
}

unsafe extern "system" fn window_procedure(
    window: HWND,
    message: u32,
    wparam: WPARAM,
    lparam: LPARAM,
) -> LRESULT {
    // SAFETY: the arguments are the ones Windows passed in.
    unsafe { DefWindowProcW(window, message, wparam, lparam) }
}

fn last_error() -> u32 {
    // SAFETY: reads this thread's last error code.
    unsafe { GetLastError() }
}

/// `text` as a NUL-terminated UTF-16 string.
fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain([0]).collect()
}
