//! `--encoding`: which model family a new model (or a baseline) is for.

use antiphon_engine::families::Family;

/// Reads an `--encoding` value: a family's config.json name.
pub fn family(text: &str) -> Result<Family, String> {
    Family::from_encoding(text).ok_or_else(|| {
        let names: Vec<&str> = Family::all().iter().map(|f| f.encoding()).collect();
        format!("expected one of {}", names.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_read_by_name() {
        assert_eq!(family("melody"), Ok(Family::MELODY));
        assert_eq!(family("drum_kit"), Ok(Family::DRUMS));
        assert_eq!(
            family("drums").unwrap_err(),
            "expected one of drum_kit, melody"
        );
    }
}
