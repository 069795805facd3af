//! The Groove MIDI Dataset's `info.csv`: which split each file belongs to.

use std::collections::HashMap;
use std::path::Path;

use super::{DatasetError, Split};

/// The file name that marks a folder as laid out like the Groove MIDI Dataset.
pub const INFO_CSV: &str = "info.csv";

/// Reads the `midi_filename` → `split` table of the `info.csv` at `path`. Paths are as the
/// file writes them: relative to its folder, with `/` separators.
pub(super) fn read_info_csv(path: &Path) -> Result<HashMap<String, Split>, DatasetError> {
    let problem = |problem: String| DatasetError::InfoCsv {
        path: path.to_path_buf(),
        problem,
    };
    let text =
        std::fs::read_to_string(path).map_err(|e| problem(format!("cannot read it ({e})")))?;
    parse_info_csv(&text).map_err(problem)
}

fn parse_info_csv(text: &str) -> Result<HashMap<String, Split>, String> {
    let mut lines = text.lines().filter(|line| !line.trim().is_empty());
    let header = csv_fields(lines.next().ok_or("it is empty")?);
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| format!("it has no `{name}` column"))
    };
    let (file_column, split_column) = (column("midi_filename")?, column("split")?);
    let mut splits = HashMap::new();
    for (index, line) in lines.enumerate() {
        let fields = csv_fields(line);
        let (Some(file), Some(split)) = (fields.get(file_column), fields.get(split_column)) else {
            // The header is line 1.
            return Err(format!("line {} has too few fields", index + 2));
        };
        let split = match split.trim() {
            "train" => Split::Train,
            "validation" => Split::Validation,
            "test" => Split::Test,
            _ => Split::Unassigned,
        };
        splits.insert(file.trim().to_owned(), split);
    }
    Ok(splits)
}

/// The fields of one CSV line; double-quoted fields may hold commas and `""` for a quote.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let field = fields.last_mut().expect("fields start non-empty");
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            _ => field.push(c),
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_are_read_by_column_name() {
        let text = "split,style,midi_filename\r\n\
                    train,rock,a/1.mid\r\n\
                    validation,\"jazz, swing\",a/2.mid\n\
                    test,funk,b/3.mid\n\
                    holdout,funk,b/4.mid\n";
        let splits = parse_info_csv(text).unwrap();
        assert_eq!(splits["a/1.mid"], Split::Train);
        assert_eq!(splits["a/2.mid"], Split::Validation);
        assert_eq!(splits["b/3.mid"], Split::Test);
        assert_eq!(splits["b/4.mid"], Split::Unassigned);
        assert_eq!(splits.len(), 4);
    }

    #[test]
    fn quoted_fields_keep_commas_and_quotes() {
        assert_eq!(
            csv_fields(r#"a,"b,c","say ""hi""",,"#),
            ["a", "b,c", r#"say "hi""#, "", ""]
        );
    }

    #[test]
    fn missing_columns_and_short_lines_are_reported() {
        assert_eq!(
            parse_info_csv("a,b\n1,2\n").unwrap_err(),
            "it has no `midi_filename` column"
        );
        assert_eq!(
            parse_info_csv("midi_filename,split\nx.mid\n").unwrap_err(),
            "line 2 has too few fields"
        );
        assert_eq!(parse_info_csv("").unwrap_err(), "it is empty");
    }
}
