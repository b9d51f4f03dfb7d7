//! GeoJSON and CSV layers streamed to their staging files feature by feature
//! (`vector::geojson_out`, `vector::csv_out`): memory is one feature's text and the write
//! buffer, whatever the number of features; the bytes are those of the whole-text functions.

use std::path::Path;

use geo::Geometry;

use super::atomic::{Staged, stage_writer};
use crate::error::{Error, Result};
use crate::vector::csv_out::CsvWriter;
use crate::vector::geojson_out::FeatureCollectionWriter;
use crate::vector::{Field, Value};

/// Stages `dest` as a GeoJSON FeatureCollection of `features` (lon/lat geometry, values in
/// `fields` order), each serialised and written as the iterator makes it.
pub fn stage_geojson(
    dest: &Path,
    fields: &[Field],
    features: impl IntoIterator<Item = (Geometry<f64>, Vec<Value>)>,
) -> Result<Staged> {
    let err = |e| Error::io(dest, e);
    stage_writer(dest, |w| {
        let mut out = FeatureCollectionWriter::new(w, fields).map_err(err)?;
        for (g, values) in features {
            out.feature(&g, &values).map_err(err)?;
        }
        out.finish().map_err(err)?;
        Ok(())
    })
}

/// Stages `dest` as CSV: a header of `fields`, then `rows` written as the iterator makes them.
pub fn stage_csv(
    dest: &Path,
    fields: &[Field],
    rows: impl IntoIterator<Item = Vec<Value>>,
) -> Result<Staged> {
    let err = |e| Error::io(dest, e);
    stage_writer(dest, |w| {
        let mut out = CsvWriter::new(w, fields).map_err(err)?;
        for values in rows {
            out.row(&values).map_err(err)?;
        }
        out.finish();
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vector::csv_out::csv;
    use crate::vector::geojson_out::feature_collection;
    use crate::vector::table::{FieldType, field};
    use geo::Point;

    const FIELDS: &[Field] = &[
        field("id", FieldType::Integer),
        field("t_k", FieldType::Real),
        field("name", FieldType::String),
    ];

    /// 3000 features: more than the 1 MiB write buffer holds, with nulls, quotes, commas and
    /// non-ASCII text.
    fn features() -> Vec<(Geometry<f64>, Vec<Value>)> {
        (0..3000)
            .map(|i| {
                let g = Geometry::Point(Point::new(
                    -57.0 - f64::from(i) * 1.3e-6,
                    -19.0 + f64::from(i) * 7.1e-7,
                ));
                let t = if i % 7 == 0 {
                    Value::Null
                } else {
                    Value::real32(300.0 + i as f32 * 0.013)
                };
                let name = match i % 3 {
                    0 => Value::Str(format!("zone \"{i}\", 煤火")),
                    1 => Value::Null,
                    _ => Value::Str(format!("z{i}")),
                };
                (g, vec![Value::Int(i64::from(i)), t, name])
            })
            .collect()
    }

    #[test]
    fn streamed_layers_equal_the_whole_text() {
        let dir = tempfile::tempdir().unwrap();
        let feats = features();
        let whole = feature_collection(FIELDS, feats.iter().map(|(g, v)| (g, v.as_slice())));
        let dest = dir.path().join("h.geojson");
        let staged = stage_geojson(&dest, FIELDS, feats.clone()).unwrap();
        assert_eq!(
            std::fs::read_to_string(staged.staged_path()).unwrap(),
            whole
        );
        assert!(whole.len() > 200_000, "{}", whole.len());
        super::super::commit_all(vec![staged]).unwrap();
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), whole);
        let parsed: serde_json::Value = serde_json::from_str(&whole).unwrap();
        assert_eq!(parsed["features"].as_array().unwrap().len(), 3000);

        let whole = csv(FIELDS, feats.iter().map(|(_, v)| v.as_slice()));
        let dest = dir.path().join("h.csv");
        let staged = stage_csv(&dest, FIELDS, feats.into_iter().map(|(_, v)| v)).unwrap();
        super::super::commit_all(vec![staged]).unwrap();
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), whole);
        assert_eq!(whole.lines().count(), 3001);

        // No features: the empty collection and the header alone.
        let dest = dir.path().join("e.geojson");
        let staged = stage_geojson(&dest, FIELDS, std::iter::empty()).unwrap();
        assert_eq!(
            std::fs::read_to_string(staged.staged_path()).unwrap(),
            feature_collection(FIELDS, std::iter::empty())
        );
        let staged = stage_csv(&dir.path().join("e.csv"), FIELDS, std::iter::empty()).unwrap();
        assert_eq!(
            std::fs::read_to_string(staged.staged_path()).unwrap(),
            "id,t_k,name\n"
        );
    }
}
