//! VST3's strings: UTF-16, NUL-terminated, in fixed arrays.

use std::ffi::c_char;

use vst3::Steinberg::Vst::TChar;

/// `text` as a NUL-terminated UTF-16 string, to pass by pointer.
pub(crate) fn to_utf16(text: &str) -> Vec<TChar> {
    text.encode_utf16().chain([0]).collect()
}

/// The text of a UTF-16 array up to its NUL (or its end).
pub(crate) fn from_utf16(chars: &[TChar]) -> String {
    let len = chars.iter().position(|&c| c == 0).unwrap_or(chars.len());
    String::from_utf16_lossy(&chars[..len])
}

/// The text of a C string array (the factory's class infos) up to its NUL (or its end).
pub(crate) fn from_c_chars(chars: &[c_char]) -> String {
    let bytes: Vec<u8> = chars
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Copies `text` into a fixed UTF-16 array, cut to fit and NUL-terminated.
pub(crate) fn copy_utf16(text: &str, dest: &mut [TChar]) {
    let Some(room) = dest.len().checked_sub(1) else {
        return;
    };
    let mut len = 0;
    for (slot, c) in dest[..room].iter_mut().zip(text.encode_utf16()) {
        *slot = c;
        len += 1;
    }
    dest[len] = 0;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_cuts_to_fit() {
        let mut dest = [0; 6];
        copy_utf16("Antiphon", &mut dest);
        assert_eq!(from_utf16(&dest), "Antip");
        assert_eq!(from_utf16(&to_utf16("Seed")), "Seed");
    }
}
