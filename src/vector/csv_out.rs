//! FIRMS-style CSV: a header of field names, one row per record, empty cells for nulls, RFC 4180
//! quoting only where needed.

use std::io::Write;

use super::table::{Field, Value};

fn cell(v: &Value) -> String {
    let s = v.text().unwrap_or_default();
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn header(fields: &[Field]) -> String {
    let mut out = fields.iter().map(|f| f.name).collect::<Vec<_>>().join(",");
    out.push('\n');
    out
}

fn row(out: &mut String, values: &[Value]) {
    out.push_str(&values.iter().map(cell).collect::<Vec<_>>().join(","));
    out.push('\n');
}

/// CSV text of `rows` (values in `fields` order), `\n` line ends.
pub fn csv<'a>(fields: &[Field], rows: impl IntoIterator<Item = &'a [Value]>) -> String {
    let mut out = header(fields);
    for values in rows {
        row(&mut out, values);
    }
    out
}

/// Writes CSV row by row to `W` (a staging file): the same bytes as [`csv`] without holding
/// more than one row's text.
pub struct CsvWriter<W: Write> {
    out: W,
    buf: String,
}

impl<W: Write> CsvWriter<W> {
    /// Writes the header line to `out`.
    pub fn new(mut out: W, fields: &[Field]) -> std::io::Result<Self> {
        out.write_all(header(fields).as_bytes())?;
        Ok(Self {
            out,
            buf: String::new(),
        })
    }

    /// Appends one row.
    pub fn row(&mut self, values: &[Value]) -> std::io::Result<()> {
        self.buf.clear();
        row(&mut self.buf, values);
        self.out.write_all(self.buf.as_bytes())
    }

    /// The sink (not flushed).
    pub fn finish(self) -> W {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vector::table::{FieldType, field};

    #[test]
    fn header_rows_nulls_and_quoting() {
        let fields = [
            field("latitude", FieldType::Real),
            field("method", FieldType::String),
            field("zone_id", FieldType::Integer),
        ];
        let rows = [
            vec![Value::Real(-19.5), Value::Str("swir".into()), Value::Int(3)],
            vec![Value::Null, Value::Str("a,\"b\"".into()), Value::Int(0)],
        ];
        let text = csv(&fields, rows.iter().map(Vec::as_slice));
        assert_eq!(
            text,
            "latitude,method,zone_id\n-19.5,swir,3\n,\"a,\"\"b\"\"\",0\n"
        );
    }
}
