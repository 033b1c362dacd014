//! Printing answers as a table (`comfy-table`), JSON or CSV.

use comfy_table::{CellAlignment, Table, presets};
use serde_json::Value;

use crate::cli::OutputFormat;

/// A column's values line up to the right (numbers) or the left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// Rows of named columns, printed in the chosen format.
#[derive(Debug)]
pub(crate) struct Rows {
    columns: Vec<(String, Align)>,
    rows: Vec<Vec<Value>>,
}

impl Rows {
    pub(crate) fn new(columns: &[(&str, Align)]) -> Rows {
        Rows {
            columns: columns.iter().map(|(n, a)| ((*n).to_owned(), *a)).collect(),
            rows: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    /// The rows in `format`, ending in a newline.
    pub(crate) fn render(&self, format: OutputFormat) -> String {
        match format {
            OutputFormat::Table => self.table(),
            OutputFormat::Json => {
                // Written by hand to keep the columns' order (serde_json's map sorts keys).
                let mut out = String::from("[");
                for (i, row) in self.rows.iter().enumerate() {
                    out.push_str(if i == 0 { "\n  {" } else { ",\n  {" });
                    for (j, ((name, _), value)) in self.columns.iter().zip(row).enumerate() {
                        out.push_str(if j == 0 { "\n    " } else { ",\n    " });
                        out.push_str(&Value::from(name.as_str()).to_string());
                        out.push_str(": ");
                        out.push_str(&value.to_string());
                    }
                    out.push_str("\n  }");
                }
                out.push_str(if self.rows.is_empty() { "]\n" } else { "\n]\n" });
                out
            }
            OutputFormat::Csv => {
                let mut out = String::new();
                let header: Vec<String> = self.columns.iter().map(|(n, _)| csv_cell(n)).collect();
                out.push_str(&header.join(","));
                out.push('\n');
                for row in &self.rows {
                    let cells: Vec<String> = row.iter().map(|v| csv_cell(&text(v))).collect();
                    out.push_str(&cells.join(","));
                    out.push('\n');
                }
                out
            }
        }
    }

    fn table(&self) -> String {
        let mut table = Table::new();
        table.load_preset(presets::NOTHING);
        table.set_header(self.columns.iter().map(|(name, _)| name.as_str()));
        for row in &self.rows {
            table.add_row(row.iter().map(text));
        }
        for (i, (_, align)) in self.columns.iter().enumerate() {
            if let Some(column) = table.column_mut(i) {
                column.set_cell_alignment(match align {
                    Align::Left => CellAlignment::Left,
                    Align::Right => CellAlignment::Right,
                });
            }
        }
        let lines: Vec<String> = table
            .to_string()
            .lines()
            .map(|l| l.trim_end().to_owned())
            .collect();
        let mut out = lines.join("\n");
        out.push('\n');
        out
    }
}

/// A value as a table or CSV cell: strings bare, whole numbers without `.0`, null empty.
pub(crate) fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9e15 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// A number for a row: a whole number as an integer.
pub(crate) fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        Value::from(n as i64)
    } else {
        Value::from(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rows() -> Rows {
        let mut rows = Rows::new(&[("name", Align::Left), ("count", Align::Right)]);
        rows.push(vec![json!("/a, b"), json!(12)]);
        rows.push(vec![json!("/"), json!(3)]);
        rows
    }

    #[test]
    fn the_three_formats() {
        assert_eq!(
            rows().render(OutputFormat::Table),
            " name   count\n /a, b     12\n /          3\n"
        );
        assert_eq!(
            rows().render(OutputFormat::Csv),
            "name,count\n\"/a, b\",12\n/,3\n"
        );
        assert_eq!(
            rows().render(OutputFormat::Json),
            "[\n  {\n    \"name\": \"/a, b\",\n    \"count\": 12\n  },\n  {\n    \"name\": \"/\",\n    \"count\": 3\n  }\n]\n"
        );
    }
}
