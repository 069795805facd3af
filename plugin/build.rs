//! Builds the shipped model's training card into the plugin when its folder has one
//! (`models/drums/card.json`), so the editor can show its validation numbers.

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let model = manifest.join("../models/drums");
    println!("cargo::rerun-if-changed={}", model.display());
    let card = model.join("card.json");
    let value = match card.canonicalize() {
        Ok(card) if card.is_file() => format!("Some(include_bytes!({:?}))", card),
        _ => "None".to_owned(),
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    std::fs::write(
        out.join("shipped_card.rs"),
        format!(
            "/// The shipped model's `card.json`, when its folder had one at build time.\n\
             pub const SHIPPED_CARD: Option<&[u8]> = {value};\n"
        ),
    )
    .expect("OUT_DIR is writable");
}
