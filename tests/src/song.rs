//! A song's saved Antiphon state, written by hand as a host would restore it.

/// `json` (nice-plug's state: parameters and persisted fields) as the plugin's state stream:
/// its length, then the JSON.
pub fn state_bytes(json: &str) -> Vec<u8> {
    let mut bytes = (json.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(json.as_bytes());
    bytes
}
