//! Vector files through GDAL/OGR: reading known-fire inventories, asset layers and AOI polygons
//! (any format and CRS GDAL reads, reprojected to the raster's native CRS), and writing the
//! GeoPackage of a detection run in the native CRS.

use std::path::Path;

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform};
use gdal::vector::{
    Feature, FieldDefn, FieldValue, Geometry as OgrGeometry, LayerAccess, LayerOptions, ToGdal,
};
use gdal::{Dataset, DatasetOptions, DriverManager, GdalOpenFlags};
use gdal_sys::{OGRFieldSubType, OGRFieldType, OGRwkbGeometryType};
use geo::{BooleanOps, Geometry, MultiPolygon, Polygon};

use super::atomic::{Staged, staging_path};
use super::geo::srs_of;
use crate::error::{Error, Result};
use crate::raster::Georef;
use crate::vector::exclude::{ExcludedSite, Exclusions};
use crate::vector::ground::Ground;
use crate::vector::hazard::{AssetKind, AssetLayer};
use crate::vector::inventory::{Inventory, KnownZone};
use crate::vector::table::{Field, FieldType, Value};

/// One feature read from a vector file.
#[derive(Debug, Clone)]
pub struct VectorFeature {
    /// GDAL feature id.
    pub fid: Option<u64>,
    /// Geometry in the native CRS of the raster.
    pub geometry: Geometry<f64>,
    /// Attribute name → value as text (`None` for null).
    pub fields: Vec<(String, Option<String>)>,
}

impl VectorFeature {
    /// The first non-empty attribute among `names` (case-insensitive).
    pub fn attr(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|n| {
            self.fields
                .iter()
                .find(|(k, v)| {
                    k.eq_ignore_ascii_case(n) && v.as_deref().is_some_and(|s| !s.is_empty())
                })
                .and_then(|(_, v)| v.as_deref())
        })
    }
}

fn field_text(v: FieldValue) -> String {
    fn real(x: f64) -> String {
        if x.fract() == 0.0 && x.abs() < 1e15 {
            format!("{}", x as i64)
        } else {
            format!("{x}")
        }
    }
    match v {
        FieldValue::IntegerValue(i) => i.to_string(),
        FieldValue::Integer64Value(i) => i.to_string(),
        FieldValue::StringValue(s) => s,
        FieldValue::RealValue(x) => real(x),
        FieldValue::DateValue(d) => d.to_string(),
        FieldValue::DateTimeValue(d) => d.to_string(),
        FieldValue::IntegerListValue(l) => join(l.iter()),
        FieldValue::Integer64ListValue(l) => join(l.iter()),
        FieldValue::StringListValue(l) => l.join(","),
        FieldValue::RealListValue(l) => l.iter().map(|x| real(*x)).collect::<Vec<_>>().join(","),
    }
}

/// GDAL distinguishes unset from null fields and reports unset integers as 0 (a GeoJSON
/// feature without a property another feature has): unset counts as null here.
fn is_set(feature: &Feature, i: usize) -> bool {
    let Ok(i) = i32::try_from(i) else {
        return false;
    };
    // SAFETY: the feature handle is alive for the borrow and `i` is one of its field indices.
    unsafe { gdal_sys::OGR_F_IsFieldSet(feature.c_feature(), i) != 0 }
}

fn join<T: ToString>(it: impl Iterator<Item = T>) -> String {
    it.map(|x| x.to_string()).collect::<Vec<_>>().join(",")
}

/// OGR geometry → `geo` (2D). Curves and other types `to_geo` does not know go through
/// GeoJSON, which linearises them.
fn to_geo(g: &OgrGeometry, path: &Path) -> Result<Geometry<f64>> {
    let mut g = g.clone();
    g.flatten_to_2d();
    let direct = matches!(
        g.geometry_type(),
        OGRwkbGeometryType::wkbPoint
            | OGRwkbGeometryType::wkbMultiPoint
            | OGRwkbGeometryType::wkbLineString
            | OGRwkbGeometryType::wkbMultiLineString
            | OGRwkbGeometryType::wkbPolygon
            | OGRwkbGeometryType::wkbMultiPolygon
    );
    if direct && let Ok(geo) = g.to_geo() {
        return Ok(geo);
    }
    let json = g
        .json()
        .map_err(|e| Error::gdal(path, format!("geometry not readable: {e}")))?;
    let gj: geojson::Geometry = json
        .parse()
        .map_err(|e| Error::gdal(path, format!("geometry not readable: {e}")))?;
    Geometry::try_from(gj).map_err(|e| Error::gdal(path, format!("geometry not readable: {e}")))
}

/// Every feature with a geometry of every layer of the vector file at `path`, reprojected to
/// `georef`'s CRS. A layer without a CRS is taken to be in the raster's CRS (with a warning).
/// Returns the features and warnings.
pub fn read_features(path: &Path, georef: &Georef) -> Result<(Vec<VectorFeature>, Vec<String>)> {
    super::ensure_gdal_config();
    let _log = super::gdal_log::scope(path);
    if !path.exists() {
        return Err(super::not_found(path));
    }
    let opts = DatasetOptions {
        open_flags: GdalOpenFlags::GDAL_OF_VECTOR,
        ..Default::default()
    };
    let ds = Dataset::open_ex(path, opts)
        .map_err(|e| Error::gdal(path, format!("cannot open as vector data: {e}")))?;
    let target = srs_of(georef)?;
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for mut layer in ds.layers() {
        let ct = match layer.spatial_ref() {
            Some(mut src) => {
                src.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
                Some(
                    CoordTransform::new(&src, &target)
                        .map_err(|e| Error::gdal(path, format!("CRS transform: {e}")))?,
                )
            }
            None => {
                warnings.push(format!(
                    "{}: layer {} has no CRS; taken to be in the raster's CRS",
                    path.display(),
                    layer.name()
                ));
                None
            }
        };
        for feature in layer.features() {
            let Some(g) = feature.geometry() else {
                continue;
            };
            if g.is_empty() {
                continue;
            }
            let g = match &ct {
                Some(ct) => g
                    .transform(ct)
                    .map_err(|e| Error::gdal(path, format!("reprojecting: {e}")))?,
                None => g.clone(),
            };
            let fields = feature
                .fields()
                .enumerate()
                .map(|(i, (name, v))| (name, v.filter(|_| is_set(&feature, i)).map(field_text)))
                .collect();
            out.push(VectorFeature {
                fid: feature.fid(),
                geometry: to_geo(&g, path)?,
                fields,
            });
        }
    }
    Ok((out, warnings))
}

/// The polygonal parts of a geometry.
pub fn polygons_of(g: &Geometry<f64>) -> Vec<Polygon<f64>> {
    match g {
        Geometry::Polygon(p) => vec![p.clone()],
        Geometry::MultiPolygon(mp) => mp.0.clone(),
        Geometry::Rect(r) => vec![r.to_polygon()],
        Geometry::Triangle(t) => vec![t.to_polygon()],
        Geometry::GeometryCollection(gc) => gc.0.iter().flat_map(polygons_of).collect(),
        _ => Vec::new(),
    }
}

/// Attribute names accepted for a known zone's id, in order of preference (case-insensitive).
pub const KNOWN_ID_FIELDS: &[&str] = &["id", "zone_id", "known_zone_id", "fire_id", "known_id"];
/// Attribute names accepted for a known zone's name (case-insensitive).
pub const KNOWN_NAME_FIELDS: &[&str] = &["name", "zone_name", "known_zone_name", "fire_name"];

/// Reads a known-fire inventory: polygons with an id (first of [`KNOWN_ID_FIELDS`], else the
/// feature id) and a name (first of [`KNOWN_NAME_FIELDS`]). Features with the same id are one
/// known zone (their union). Non-polygon features are skipped with a warning; a file with
/// features but no polygon is an error; an empty file (no feature) is a valid, empty inventory
/// (a new survey area: every zone is `new`), with a warning. `buffer_m` is in ground metres,
/// also on a geographic grid ([`Ground::of`] `georef`).
pub fn read_known_fires(
    path: &Path,
    georef: &Georef,
    buffer_m: f64,
) -> Result<(Inventory, Vec<String>)> {
    let (features, mut warnings) = read_features(path, georef)?;
    let mut zones: Vec<KnownZone> = Vec::new();
    let mut skipped = 0usize;
    for (n, f) in features.iter().enumerate() {
        let polys = polygons_of(&f.geometry);
        if polys.is_empty() {
            skipped += 1;
            continue;
        }
        let id = f
            .attr(KNOWN_ID_FIELDS)
            .map(str::to_string)
            .or_else(|| f.fid.map(|i| i.to_string()))
            .unwrap_or_else(|| (n + 1).to_string());
        let name = f.attr(KNOWN_NAME_FIELDS).map(str::to_string);
        let mp = MultiPolygon(polys);
        match zones.iter_mut().find(|z| z.id == id) {
            Some(z) => {
                z.geometry = z.geometry.union(&mp);
                if z.name.is_none() {
                    z.name = name;
                }
            }
            None => zones.push(KnownZone {
                id,
                name,
                geometry: mp,
            }),
        }
    }
    if zones.is_empty() && skipped > 0 {
        return Err(Error::input(
            path,
            "no polygon in the known-fires file (--known-fires needs polygons of known burning zones)",
        ));
    }
    if zones.is_empty() {
        // A new survey area: nothing is known yet, so every zone and hotspot is `new`.
        warnings.push(format!(
            "{}: the known-fires inventory is empty; every zone is new",
            path.display()
        ));
    }
    if skipped > 0 {
        warnings.push(format!(
            "{}: {skipped} non-polygon feature(s) ignored",
            path.display()
        ));
    }
    Ok((
        Inventory::new(zones, buffer_m, path.display().to_string()).with_ground(Ground::of(georef)),
        warnings,
    ))
}

/// Reads the known non-fire heat sources of `--exclude` (points, lines or polygons) with an id
/// (first of [`KNOWN_ID_FIELDS`], else the feature id) and a name ([`KNOWN_NAME_FIELDS`]). An
/// empty file is valid (nothing is excluded) and gives a warning. `buffer_m` is in ground
/// metres, also on a geographic grid ([`Ground::of`] `georef`).
pub fn read_exclusions(
    path: &Path,
    georef: &Georef,
    buffer_m: f64,
) -> Result<(Exclusions, Vec<String>)> {
    let (features, mut warnings) = read_features(path, georef)?;
    if features.is_empty() {
        warnings.push(format!(
            "{}: the exclusion layer is empty; nothing is excluded",
            path.display()
        ));
    }
    let sites = features
        .into_iter()
        .enumerate()
        .map(|(n, f)| ExcludedSite {
            id: f
                .attr(KNOWN_ID_FIELDS)
                .map(str::to_string)
                .or_else(|| f.fid.map(|i| i.to_string()))
                .unwrap_or_else(|| (n + 1).to_string()),
            name: f.attr(KNOWN_NAME_FIELDS).map(str::to_string),
            geometry: f.geometry,
        })
        .collect();
    Ok((
        Exclusions::new(sites, buffer_m, path.display().to_string())
            .with_ground(Ground::of(georef)),
        warnings,
    ))
}

/// Reads an asset layer (lines, polygons or points). An empty file gives an empty layer and a
/// warning (distances are then null). Distances to it are in ground metres, also on a
/// geographic grid ([`Ground::of`] `georef`).
pub fn read_assets(
    path: &Path,
    kind: AssetKind,
    georef: &Georef,
) -> Result<(AssetLayer, Vec<String>)> {
    let (features, mut warnings) = read_features(path, georef)?;
    if features.is_empty() {
        warnings.push(format!(
            "{}: no {} geometry; dist_{}_m is null",
            path.display(),
            kind.name(),
            kind.name()
        ));
    }
    let layer = AssetLayer::new(
        kind,
        path.display().to_string(),
        features.into_iter().map(|f| f.geometry).collect(),
    )
    .with_ground(Ground::of(georef));
    Ok((layer, warnings))
}

/// The union of the polygons of an AOI file, in the native CRS.
pub fn read_aoi_polygons(path: &Path, georef: &Georef) -> Result<MultiPolygon<f64>> {
    let (features, _) = read_features(path, georef)?;
    let polys: Vec<Polygon<f64>> = features
        .iter()
        .flat_map(|f| polygons_of(&f.geometry))
        .collect();
    if polys.is_empty() {
        return Err(Error::input(path, "the AOI file holds no polygon"));
    }
    Ok(polys.into_iter().fold(MultiPolygon(vec![]), |acc, p| {
        acc.union(&MultiPolygon(vec![p]))
    }))
}

/// Geometry type of a GeoPackage layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerGeometry {
    Point,
    /// Polygons are written as one-part multipolygons.
    MultiPolygon,
}

/// One layer to write: features are native-CRS geometries with values in `fields` order, made
/// one at a time as the layer is written (none is kept after it is written).
pub struct OutLayer<'a> {
    pub name: &'a str,
    pub geometry: LayerGeometry,
    pub fields: &'a [Field],
    pub features: Box<dyn Iterator<Item = (Geometry<f64>, Vec<Value>)> + 'a>,
}

/// Adds an integer field with the boolean subtype (the safe `FieldDefn` cannot set subtypes).
fn add_boolean_field(layer: &impl LayerAccess, name: &str) -> std::result::Result<(), String> {
    let c_name = std::ffi::CString::new(name).map_err(|e| e.to_string())?;
    // SAFETY: the field definition is created, used and destroyed here; `OGR_L_CreateField`
    // copies it, and the layer handle is alive for the duration of the borrow.
    unsafe {
        let fld = gdal_sys::OGR_Fld_Create(c_name.as_ptr(), OGRFieldType::OFTInteger);
        if fld.is_null() {
            return Err(format!("cannot create field {name}"));
        }
        gdal_sys::OGR_Fld_SetSubType(fld, OGRFieldSubType::OFSTBoolean);
        let rv = gdal_sys::OGR_L_CreateField(layer.c_layer(), fld, 1);
        gdal_sys::OGR_Fld_Destroy(fld);
        if rv != gdal_sys::OGRErr::OGRERR_NONE {
            return Err(format!("cannot create field {name} (OGR error {rv})"));
        }
    }
    Ok(())
}

fn gdal_err(dest: &Path) -> impl Fn(gdal::errors::GdalError) -> Error + '_ {
    move |e| Error::gdal(dest, e)
}

/// Writes `layers` into a GeoPackage under the staging name of `dest` (same directory), in
/// `georef`'s CRS, and returns it staged for [`super::commit_all`]. Each layer is written in
/// one transaction, feature by feature as its iterator makes them. Empty layers are created
/// with their fields and geometry type.
pub fn stage_gpkg(dest: &Path, georef: &Georef, layers: Vec<OutLayer>) -> Result<Staged> {
    let _log = super::gdal_log::scope(dest);
    super::ensure_gdal_config();
    // The staging name keeps a `.gpkg` extension: GDAL warns on any other (GPKG spec).
    let tmp = {
        let t = staging_path(dest);
        let mut name = t.file_name().unwrap_or_default().to_owned();
        name.push(".gpkg");
        t.with_file_name(name)
    };
    let _ = std::fs::remove_file(&tmp);
    let staged = Staged::new(tmp.clone(), dest.to_path_buf());
    let err = gdal_err(dest);
    let driver = DriverManager::get_driver_by_name("GPKG").map_err(&err)?;
    let mut ds = driver.create_vector_only(&tmp).map_err(&err)?;
    let srs = srs_of(georef)?;
    for l in layers {
        let mut txn = ds.start_transaction().map_err(&err)?;
        let layer = txn
            .create_layer(LayerOptions {
                name: l.name,
                srs: Some(&srs),
                ty: match l.geometry {
                    LayerGeometry::Point => OGRwkbGeometryType::wkbPoint,
                    LayerGeometry::MultiPolygon => OGRwkbGeometryType::wkbMultiPolygon,
                },
                options: None,
            })
            .map_err(&err)?;
        for f in l.fields {
            let ty = match f.ty {
                FieldType::Integer => OGRFieldType::OFTInteger64,
                FieldType::Real => OGRFieldType::OFTReal,
                FieldType::String => OGRFieldType::OFTString,
                FieldType::Boolean => OGRFieldType::OFTInteger,
            };
            if f.ty == FieldType::Boolean {
                add_boolean_field(&layer, f.name).map_err(|m| Error::gdal(dest, m))?;
            } else {
                let defn = FieldDefn::new(f.name, ty).map_err(&err)?;
                defn.add_to_layer(&layer).map_err(&err)?;
            }
        }
        for (geometry, values) in l.features {
            let g = match (l.geometry, geometry) {
                (LayerGeometry::MultiPolygon, Geometry::Polygon(p)) => {
                    MultiPolygon(vec![p]).to_gdal()
                }
                (_, g) => g.to_gdal(),
            }
            .map_err(&err)?;
            let mut feature = Feature::new(layer.defn()).map_err(&err)?;
            for (i, v) in values.iter().enumerate() {
                match v {
                    Value::Int(x) => feature.set_field_integer64(i, *x),
                    Value::Real(x) if x.is_finite() => feature.set_field_double(i, *x),
                    Value::Str(s) => feature.set_field_string(i, s),
                    Value::Bool(b) => feature.set_field_integer(i, i32::from(*b)),
                    _ => feature.set_field_null(i),
                }
                .map_err(&err)?;
            }
            feature.set_geometry(g).map_err(&err)?;
            feature.create(&layer).map_err(&err)?;
        }
        txn.commit().map_err(&err)?;
    }
    ds.close().map_err(&err)?;
    Ok(staged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::GeoTransform;
    use crate::vector::table::field;

    fn utm21() -> Georef {
        Georef {
            transform: GeoTransform([400_000.0, 30.0, 0.0, -2_100_000.0, 0.0, -30.0]),
            crs_wkt: String::new(),
            epsg: Some(32621),
            ground_m_per_unit: None,
        }
    }

    #[test]
    fn known_fires_ids_names_and_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("known.geojson");
        // Two features share id "7" (merged), one has only a feature id, one is a point.
        std::fs::write(
            &p,
            r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"ZONE_ID":"7","Name":"Pit 7"},"geometry":{"type":"Polygon","coordinates":[[[-57.60,-19.00],[-57.59,-19.00],[-57.59,-18.99],[-57.60,-18.99],[-57.60,-19.00]]]}},
{"type":"Feature","properties":{"zone_id":"7"},"geometry":{"type":"Polygon","coordinates":[[[-57.58,-19.00],[-57.57,-19.00],[-57.57,-18.99],[-57.58,-18.99],[-57.58,-19.00]]]}},
{"type":"Feature","id":12,"properties":{"label":"x"},"geometry":{"type":"Polygon","coordinates":[[[-57.50,-19.00],[-57.49,-19.00],[-57.49,-18.99],[-57.50,-18.99],[-57.50,-19.00]]]}},
{"type":"Feature","properties":{"id":"p"},"geometry":{"type":"Point","coordinates":[-57.5,-19.0]}}
]}"#,
        )
        .unwrap();
        let (inv, warnings) = read_known_fires(&p, &utm21(), 100.0).unwrap();
        assert_eq!(inv.zones.len(), 2);
        assert_eq!(inv.zones[0].id, "7");
        assert_eq!(inv.zones[0].name.as_deref(), Some("Pit 7"));
        assert_eq!(inv.zones[0].geometry.0.len(), 2);
        assert_eq!(inv.zones[1].id, "12");
        assert_eq!(inv.zones[1].name, None);
        assert!(
            warnings.iter().any(|w| w.contains("non-polygon")),
            "{warnings:?}"
        );
        // Reprojected to UTM 21 (metres, negative northings).
        let c = inv.zones[0].geometry.0[0].exterior().0[0];
        assert!(
            c.x > 100_000.0 && c.x < 900_000.0 && c.y < -2_000_000.0,
            "{c:?}"
        );

        let lines = dir.path().join("lines.geojson");
        std::fs::write(
            &lines,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[-57.5,-19.0],[-57.4,-19.1]]}}]}"#,
        )
        .unwrap();
        let err = read_known_fires(&lines, &utm21(), 100.0)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("lines.geojson") && err.contains("no polygon"),
            "{err}"
        );
        let err = read_known_fires(&dir.path().join("missing.gpkg"), &utm21(), 100.0)
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing.gpkg"), "{err}");
        let junk = dir.path().join("junk.geojson");
        std::fs::write(&junk, "not json").unwrap();
        let err = read_known_fires(&junk, &utm21(), 100.0)
            .unwrap_err()
            .to_string();
        assert!(err.contains("junk.geojson"), "{err}");
        // An empty inventory is valid: no zone, a warning naming the file.
        let empty = dir.path().join("empty.geojson");
        std::fs::write(&empty, r#"{"type":"FeatureCollection","features":[]}"#).unwrap();
        let (inv, warnings) = read_known_fires(&empty, &utm21(), 100.0).unwrap();
        assert!(inv.zones.is_empty());
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("empty.geojson") && w.contains("empty")),
            "{warnings:?}"
        );
        // Lines are fine as assets.
        let (roads, _) = read_assets(&lines, AssetKind::Road, &utm21()).unwrap();
        assert_eq!(roads.geometries.len(), 1);
    }

    #[test]
    fn gpkg_round_trip_with_empty_layer() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.gpkg");
        let fields = [
            field("n", FieldType::Integer),
            field("t_k", FieldType::Real),
            field("s", FieldType::String),
            field("b", FieldType::Boolean),
        ];
        let pts = vec![(
            Geometry::Point(geo::Point::new(400_015.0, -2_100_015.0)),
            vec![
                Value::Int(3),
                Value::Null,
                Value::Str("x".into()),
                Value::Bool(true),
            ],
        )];
        let staged = stage_gpkg(
            &dest,
            &utm21(),
            vec![
                OutLayer {
                    name: "pts",
                    geometry: LayerGeometry::Point,
                    fields: &fields,
                    features: Box::new(pts.into_iter()),
                },
                OutLayer {
                    name: "empty",
                    geometry: LayerGeometry::MultiPolygon,
                    fields: &fields,
                    features: Box::new(std::iter::empty()),
                },
            ],
        )
        .unwrap();
        assert!(!dest.exists());
        super::super::commit_all(vec![staged]).unwrap();
        let ds = Dataset::open(&dest).unwrap();
        assert_eq!(ds.layer_count(), 2);
        let mut l = ds.layer_by_name("pts").unwrap();
        assert_eq!(l.feature_count(), 1);
        let srs = l.spatial_ref().unwrap();
        assert_eq!(srs.auth_code().unwrap(), 32621);
        let f = l.features().next().unwrap();
        assert_eq!(f.field_as_integer64(0).unwrap(), Some(3));
        assert_eq!(f.field_as_double(1).unwrap(), None);
        assert_eq!(f.field_as_string(2).unwrap().as_deref(), Some("x"));
        assert_eq!(f.field_as_integer(3).unwrap(), Some(1));
        drop(f);
        let e = ds.layer_by_name("empty").unwrap();
        assert_eq!(e.feature_count(), 0);
        assert_eq!(
            e.defn().geometry_type(),
            OGRwkbGeometryType::wkbMultiPolygon
        );
    }

    #[test]
    fn failed_gpkg_write_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("seamfire.gpkg");
        let fields = [field("s", FieldType::String)];
        // Feature 2000 of 3000 cannot be written (a NUL in a string field).
        let features = (0..3000).map(|i| {
            let s = if i == 2000 {
                "bad\0".into()
            } else {
                format!("p{i}")
            };
            (
                Geometry::Point(geo::Point::new(400_015.0 + f64::from(i), -2_100_015.0)),
                vec![Value::Str(s)],
            )
        });
        let layers = vec![OutLayer {
            name: "pts",
            geometry: LayerGeometry::Point,
            fields: &fields,
            features: Box::new(features),
        }];
        let err = stage_gpkg(&dest, &utm21(), layers).unwrap_err().to_string();
        assert!(
            err.contains("seamfire.gpkg") && err.contains("Nul"),
            "{err}"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}
