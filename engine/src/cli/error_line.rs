//! A failed command as the user sees it: one line, the context first, each cause once.

/// The error and its causes joined by `: `, leaving out a cause whose text the line already
/// holds (the engine's messages quote their source, as in `path: No such file…; check…`, and a
/// `#[error(transparent)]` wrapper repeats its inner error).
pub fn error_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

#[cfg(test)]
mod tests {
    use anyhow::Context;

    use super::*;

    #[test]
    fn each_cause_appears_once() {
        let missing = std::fs::read("/no/such/antiphon/model/config.json").unwrap_err();
        let os_text = missing.to_string();
        let model_error = antiphon_engine::model::ModelError::Io {
            path: "/no/such/antiphon/model/config.json".into(),
            source: missing,
        };
        let error = Err::<(), _>(model_error)
            .context("cannot load the model /no/such/antiphon/model")
            .unwrap_err();
        let line = error_line(&error);
        assert!(
            line.starts_with(
                "cannot load the model /no/such/antiphon/model: \
                 /no/such/antiphon/model/config.json: "
            ),
            "{line}"
        );
        assert_eq!(line.matches(&os_text).count(), 1, "{line}");
        assert!(!line.contains('\n'), "{line}");
    }

    #[test]
    fn causes_the_message_does_not_quote_are_kept() {
        let error = anyhow::anyhow!("disk on fire").context("cannot write answer.mid");
        assert_eq!(error_line(&error), "cannot write answer.mid: disk on fire");
    }
}
