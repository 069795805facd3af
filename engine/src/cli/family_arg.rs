//! `--encoding`: which model family a new model (or a baseline) is for.

use antiphon_engine::families::Family;

/// Reads an `--encoding` value: a family's name or its config.json encoding name.
pub fn family(text: &str) -> Result<Family, String> {
    Family::from_encoding(text)
        .or_else(|| Family::all().iter().copied().find(|f| f.name() == text))
        .ok_or_else(|| {
            let names: Vec<&str> = Family::all().iter().map(|f| f.name()).collect();
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
        assert_eq!(family("drums"), Ok(Family::DRUMS));
        let error = family("tuba").unwrap_err();
        assert!(
            error.starts_with("expected one of drums, melody"),
            "{error}"
        );
    }
}
