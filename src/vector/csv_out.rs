//! FIRMS-style CSV: a header of field names, one row per record, empty cells for nulls, RFC 4180
//! quoting only where needed.

use super::table::{Field, Value};

fn cell(v: &Value) -> String {
    let s = v.text().unwrap_or_default();
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// CSV text of `rows` (values in `fields` order), `\n` line ends.
pub fn csv<'a>(fields: &[Field], rows: impl IntoIterator<Item = &'a [Value]>) -> String {
    let mut out = fields.iter().map(|f| f.name).collect::<Vec<_>>().join(",");
    out.push('\n');
    for row in rows {
        out.push_str(&row.iter().map(cell).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
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
