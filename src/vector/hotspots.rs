//! Hotspot records: one per flagged pixel, at its centre, with NASA FIRMS field names where they
//! mean the same thing and seamfire fields with units in their names (`docs/outputs.md`).

use std::sync::Arc;

use super::table::{Field, FieldType, Value, field, widen};
use crate::calibrate::Quantity;
use crate::detect::{Flagged, Method, confidence};
use crate::mtl::{Mission, SceneMetadata, Sensor};

/// What a hotspot says about the acquisition it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct SceneInfo {
    /// Landsat product id, else the input's file name.
    pub scene_id: String,
    /// `YYYY-MM-DD`.
    pub acq_date: Option<String>,
    /// UTC `HHMM`.
    pub acq_time: Option<String>,
    /// FIRMS-style platform code: `L4`…`L9`, `Terra`.
    pub satellite: Option<String>,
    pub sensor: Sensor,
}

impl SceneInfo {
    /// From scene metadata; `fallback_id` names the scene when it has no product id.
    pub fn from_metadata(m: &SceneMetadata, fallback_id: &str) -> SceneInfo {
        let satellite = match m.mission {
            Mission::Landsat1 => Some("L1"),
            Mission::Landsat2 => Some("L2"),
            Mission::Landsat3 => Some("L3"),
            Mission::Landsat4 => Some("L4"),
            Mission::Landsat5 => Some("L5"),
            Mission::Landsat7 => Some("L7"),
            Mission::Landsat8 => Some("L8"),
            Mission::Landsat9 => Some("L9"),
            Mission::Terra => Some("Terra"),
            Mission::Generic => None,
        };
        SceneInfo {
            scene_id: m
                .product_id
                .clone()
                .unwrap_or_else(|| fallback_id.to_string()),
            acq_date: m.acquisition_date.clone(),
            acq_time: m.scene_center_time.as_deref().and_then(hhmm),
            satellite: satellite.map(str::to_string),
            sensor: m.sensor,
        }
    }

    /// FIRMS `instrument` for a detection by thermal and/or SWIR methods on this sensor.
    fn instrument(&self, thermal: bool, swir: bool) -> Option<&'static str> {
        match self.sensor {
            Sensor::OliTirs => match (thermal, swir) {
                (true, true) => Some("OLI/TIRS"),
                (true, false) => Some("TIRS"),
                _ => Some("OLI"),
            },
            Sensor::Tm => Some("TM"),
            Sensor::EtmPlus => Some("ETM+"),
            Sensor::Mss => Some("MSS"),
            Sensor::Aster => Some("ASTER"),
            Sensor::Generic => None,
        }
    }
}

/// `HH:MM:SS.fffZ` → `HHMM`.
pub fn hhmm(time: &str) -> Option<String> {
    let t = time.trim().trim_matches('"');
    let mut parts = t.split(':');
    let (h, m) = (parts.next()?, parts.next()?);
    let ok = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    (ok(h) && ok(m)).then(|| format!("{h}{m}"))
}

/// One hotspot: a flagged pixel with the evidence of the strongest detection on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Hotspot {
    pub row: usize,
    pub col: usize,
    /// Pixel centre in the native CRS.
    pub x: f64,
    pub y: f64,
    /// Pixel centre, WGS84 degrees.
    pub lon: f64,
    pub lat: f64,
    /// Brightness temperature (K) of `bt.tif` at the pixel, when `bt.tif` holds BT.
    pub bt_k: Option<f64>,
    /// Land-surface or Level-2 surface temperature (K), when `bt.tif` holds one.
    pub lst_k: Option<f64>,
    /// Background mean and standard deviation (K) and `T − bg_mean` (K) of the thermal
    /// evidence; `None` when only SWIR flagged the pixel (its statistics are reflectances).
    pub bg_mean_k: Option<f64>,
    pub bg_std_k: Option<f64>,
    pub delta_k: Option<f64>,
    /// z of the evidence (NaN when the method has none).
    pub z: f64,
    pub window_px: u32,
    pub n_background: u32,
    /// Highest class over the methods that flagged the pixel.
    pub confidence: u8,
    /// Methods that flagged the pixel, the evidence's method first.
    pub methods: Vec<Method>,
    /// Fire zone id (0 = none).
    pub zone_id: u32,
    /// Shared by every hotspot of the acquisition (one record per flagged pixel: millions on a
    /// large drone mosaic, so nothing per hotspot is allocated that need not be).
    pub scene: Arc<SceneInfo>,
    /// `D`, `N` or unknown.
    pub daynight: Option<char>,
    /// Known-fire status: `Some((id, name))` of the known zone it lies in or near (boxed:
    /// most hotspots have none).
    pub known: Option<Box<Label>>,
    /// `Some((id, name))` of the known non-fire heat source (`--exclude`) it lies in or near.
    pub excluded: Option<Box<Label>>,
}

/// `(id, name)` of a known zone or an excluded site.
pub type Label = (String, Option<String>);

/// Acquisitions behind the detections: the thermal scene and the OLI scene used by `swir`
/// (the same one for a Landsat 8/9 Level-1 product).
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub thermal: Option<SceneInfo>,
    pub swir: Option<SceneInfo>,
}

/// Orders flags of one pixel: thermal evidence before SWIR (its numbers are in kelvin), then
/// higher confidence, then higher z.
fn stronger(a: &Flagged, b: &Flagged) -> std::cmp::Ordering {
    let thermal = |f: &Flagged| f.method != Method::Swir;
    thermal(a)
        .cmp(&thermal(b))
        .then(a.confidence.cmp(&b.confidence))
        .then(
            a.z.partial_cmp(&b.z)
                .unwrap_or_else(|| a.z.is_nan().cmp(&b.z.is_nan()).reverse()),
        )
}

/// The temperature raster's value at a pixel `(row, col)`, and what it holds.
pub type TemperatureAt<'a> = (&'a dyn Fn(usize, usize) -> f32, Quantity);

/// `(x, y, lon, lat)` of the centre of a pixel `(row, col)`; `None` for a pixel without one.
pub type CentreAt<'a> = &'a dyn Fn(usize, usize) -> Option<(f64, f64, f64, f64)>;

/// Builds one hotspot per flagged pixel, in row-major order. `centre` gives `(x, y, lon, lat)`
/// of each flagged pixel's centre; `zone_at` the fire zone of a pixel (0: none); `temperature`
/// the value of `bt.tif` at a flagged pixel, and its quantity.
pub fn hotspots(
    flagged: &[Flagged],
    zone_at: &dyn Fn(usize, usize) -> u32,
    temperature: Option<TemperatureAt<'_>>,
    centre: CentreAt<'_>,
    sources: &Sources,
    day: Option<bool>,
) -> Vec<Hotspot> {
    // The flags of each pixel, pixels in row-major order, each pixel's flags in input order
    // (a stable sort: no per-pixel allocation).
    let mut by_pixel: Vec<&Flagged> = flagged.iter().collect();
    by_pixel.sort_by_key(|f| (f.row, f.col));
    let unknown = || {
        Arc::new(SceneInfo {
            scene_id: String::new(),
            acq_date: None,
            acq_time: None,
            satellite: None,
            sensor: Sensor::Generic,
        })
    };
    let thermal_scene = sources
        .thermal
        .as_ref()
        .or(sources.swir.as_ref())
        .map_or_else(unknown, |s| Arc::new(s.clone()));
    let swir_scene = sources
        .swir
        .as_ref()
        .or(sources.thermal.as_ref())
        .map_or_else(unknown, |s| Arc::new(s.clone()));
    by_pixel
        .chunk_by(|a, b| (a.row, a.col) == (b.row, b.col))
        .filter_map(|flags| {
            let best = *flags.iter().max_by(|a, b| stronger(a, b))?;
            let (row, col) = (best.row, best.col);
            let (x, y, lon, lat) = centre(row, col)?;
            let thermal_evidence = best.method != Method::Swir;
            let mut methods = vec![best.method];
            let mut others: Vec<Method> = flags.iter().map(|f| f.method).collect();
            others.sort_unstable();
            others.dedup();
            methods.extend(others.into_iter().filter(|m| *m != best.method));
            let scene = Arc::clone(if thermal_evidence {
                &thermal_scene
            } else {
                &swir_scene
            });
            let t = temperature.and_then(|(t, q)| {
                let v = t(row, col);
                (!v.is_nan()).then_some((widen(v), q))
            });
            let (bt_k, lst_k) = match t {
                Some((v, Quantity::BrightnessTemperature)) => (Some(v), None),
                Some((v, Quantity::LandSurfaceTemperature | Quantity::SurfaceTemperature)) => {
                    (None, Some(v))
                }
                _ => (None, None),
            };
            let k = |v: f32| (thermal_evidence && v.is_finite()).then(|| widen(v));
            Some(Hotspot {
                row,
                col,
                x,
                y,
                lon,
                lat,
                bt_k,
                lst_k,
                bg_mean_k: k(best.bg_mean),
                bg_std_k: k(best.bg_std),
                delta_k: k(best.delta()),
                z: if best.z.is_finite() {
                    widen(best.z)
                } else {
                    f64::NAN
                },
                window_px: best.window_px,
                n_background: best.n_background,
                confidence: flags.iter().map(|f| f.confidence).max().unwrap_or(0),
                methods,
                zone_id: zone_at(row, col),
                scene,
                daynight: day.map(|d| if d { 'D' } else { 'N' }),
                known: None,
                excluded: None,
            })
        })
        .collect()
}

/// Columns of `hotspots.geojson`, `hotspots.csv` and the `hotspots` GeoPackage layer, in order.
pub const HOTSPOT_FIELDS: &[Field] = &[
    field("latitude", FieldType::Real),
    field("longitude", FieldType::Real),
    field("brightness", FieldType::Real),
    field("acq_date", FieldType::String),
    field("acq_time", FieldType::String),
    field("satellite", FieldType::String),
    field("instrument", FieldType::String),
    field("confidence", FieldType::String),
    field("version", FieldType::String),
    field("daynight", FieldType::String),
    field("bt_k", FieldType::Real),
    field("lst_k", FieldType::Real),
    field("bg_mean_k", FieldType::Real),
    field("bg_std_k", FieldType::Real),
    field("delta_k", FieldType::Real),
    field("z", FieldType::Real),
    field("window_px", FieldType::Integer),
    field("n_background", FieldType::Integer),
    field("method", FieldType::String),
    field("zone_id", FieldType::Integer),
    field("scene_id", FieldType::String),
    field("row", FieldType::Integer),
    field("col", FieldType::Integer),
    field("status", FieldType::String),
    field("known_zone_id", FieldType::String),
    field("known_zone_name", FieldType::String),
    field("excluded_site_id", FieldType::String),
    field("excluded_site_name", FieldType::String),
];

/// The `version` column: the seamfire release that produced the detection.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

impl Hotspot {
    /// Values in [`HOTSPOT_FIELDS`] order.
    pub fn values(&self) -> Vec<Value> {
        let thermal = self.methods.iter().any(|m| *m != Method::Swir);
        let swir = self.methods.contains(&Method::Swir);
        let names: Vec<&str> = self.methods.iter().map(|m| m.name()).collect();
        let letter = confidence::letter(self.confidence);
        vec![
            Value::degrees(Some(self.lat)),
            Value::degrees(Some(self.lon)),
            Value::opt_real(self.bt_k),
            Value::opt_str(self.scene.acq_date.as_deref()),
            Value::opt_str(self.scene.acq_time.as_deref()),
            Value::opt_str(self.scene.satellite.as_deref()),
            Value::opt_str(self.scene.instrument(thermal, swir)),
            Value::opt_str((!letter.is_empty()).then_some(letter)),
            Value::Str(VERSION.to_string()),
            Value::opt_str(self.daynight.map(|c| if c == 'D' { "D" } else { "N" })),
            Value::opt_real(self.bt_k),
            Value::opt_real(self.lst_k),
            Value::opt_real(self.bg_mean_k),
            Value::opt_real(self.bg_std_k),
            Value::opt_real(self.delta_k),
            Value::real(self.z),
            Value::Int(i64::from(self.window_px)),
            Value::Int(i64::from(self.n_background)),
            Value::Str(names.join("+")),
            Value::Int(i64::from(self.zone_id)),
            Value::Str(self.scene.scene_id.clone()),
            Value::Int(self.row as i64),
            Value::Int(self.col as i64),
            Value::Str(status(self.known.is_some(), self.excluded.is_some()).into()),
            Value::opt_str(self.known.as_ref().map(|k| k.0.as_str())),
            Value::opt_str(self.known.as_ref().and_then(|k| k.1.as_deref())),
            Value::opt_str(self.excluded.as_ref().map(|k| k.0.as_str())),
            Value::opt_str(self.excluded.as_ref().and_then(|k| k.1.as_deref())),
        ]
    }
}

/// `excluded` (near a known non-fire heat source, `--exclude`), else `known` (near a known
/// burning zone) or `new`. Exclusion wins: the user listed the site as not a fire.
pub fn status(known: bool, excluded: bool) -> &'static str {
    match (known, excluded) {
        (_, true) => "excluded",
        (true, false) => "known",
        (false, false) => "new",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vector::table::index_of;
    use ndarray::Array2;
    use std::collections::BTreeMap;

    fn flag(row: usize, col: usize, method: Method, conf: u8, value: f32, z: f32) -> Flagged {
        Flagged {
            row,
            col,
            value,
            bg_mean: if method == Method::Swir { 0.1 } else { 300.0 },
            bg_std: 0.5,
            z,
            window_px: if method == Method::Swir { 61 } else { 11 },
            n_background: 90,
            confidence: conf,
            method,
        }
    }

    fn info(sensor: Sensor) -> SceneInfo {
        SceneInfo {
            scene_id: "LC08_X".into(),
            acq_date: Some("2019-08-25".into()),
            acq_time: Some("1352".into()),
            satellite: Some("L8".into()),
            sensor,
        }
    }

    #[test]
    fn one_hotspot_per_pixel_with_thermal_evidence_and_all_methods() {
        let flagged = vec![
            flag(1, 2, Method::Swir, confidence::HIGH, 0.9, 40.0),
            flag(1, 2, Method::Contextual, confidence::NOMINAL, 305.5, 7.0),
            flag(0, 0, Method::Swir, confidence::NOMINAL, 0.6, 12.0),
        ];
        let mut labels = Array2::<u32>::zeros((3, 3));
        labels[[1, 2]] = 2;
        labels[[0, 0]] = 1;
        let t = Array2::from_elem((3, 3), 305.5f32);
        let centres: BTreeMap<_, _> = [
            ((0, 0), (15.0, -15.0, -57.1, -19.1)),
            ((1, 2), (75.0, -45.0, -57.2, -19.2)),
        ]
        .into();
        let sources = Sources {
            thermal: Some(info(Sensor::OliTirs)),
            swir: Some(info(Sensor::OliTirs)),
        };
        let h = hotspots(
            &flagged,
            &|r, c| labels[[r, c]],
            Some((&|r, c| t[[r, c]], Quantity::BrightnessTemperature)),
            &|r, c| centres.get(&(r, c)).copied(),
            &sources,
            Some(true),
        );
        assert_eq!(h.len(), 2);
        assert_eq!((h[0].row, h[0].col), (0, 0), "row-major order");
        // SWIR only: no kelvin statistics.
        assert_eq!(h[0].delta_k, None);
        assert_eq!(h[0].z, 12.0);
        assert_eq!(h[0].window_px, 61);
        // Both methods: thermal evidence, highest confidence of both, both names.
        assert_eq!(h[1].methods, vec![Method::Contextual, Method::Swir]);
        assert_eq!(h[1].confidence, confidence::HIGH);
        assert_eq!(h[1].delta_k, Some(5.5));
        assert_eq!(h[1].z, 7.0);
        assert_eq!(h[1].zone_id, 2);
        let v = h[1].values();
        let get = |name: &str| v[index_of(HOTSPOT_FIELDS, name).unwrap()].clone();
        assert_eq!(get("method"), Value::Str("contextual+swir".into()));
        assert_eq!(get("instrument"), Value::Str("OLI/TIRS".into()));
        assert_eq!(get("confidence"), Value::Str("h".into()));
        assert_eq!(get("brightness"), Value::Real(305.5));
        assert_eq!(get("daynight"), Value::Str("D".into()));
        assert_eq!(get("status"), Value::Str("new".into()));
        assert_eq!(get("known_zone_id"), Value::Null);
        assert_eq!(get("latitude"), Value::Real(-19.2));
        assert_eq!(v.len(), HOTSPOT_FIELDS.len());
        let v0 = h[0].values();
        assert_eq!(
            v0[index_of(HOTSPOT_FIELDS, "instrument").unwrap()],
            Value::Str("OLI".into())
        );
    }

    #[test]
    fn lst_goes_to_lst_k_not_brightness() {
        let flagged = vec![flag(0, 0, Method::Contextual, confidence::LOW, 301.0, 3.0)];
        let labels = Array2::<u32>::ones((1, 1));
        let t = Array2::from_elem((1, 1), 301.0f32);
        let centres: BTreeMap<_, _> = [((0, 0), (0.0, 0.0, 0.0, 0.0))].into();
        let h = hotspots(
            &flagged,
            &|r, c| labels[[r, c]],
            Some((&|r, c| t[[r, c]], Quantity::LandSurfaceTemperature)),
            &|r, c| centres.get(&(r, c)).copied(),
            &Sources::default(),
            None,
        );
        assert_eq!((h[0].bt_k, h[0].lst_k), (None, Some(301.0)));
        assert_eq!(h[0].daynight, None);
    }

    #[test]
    fn hotspot_records_are_small_and_share_their_scene() {
        // One record per flagged pixel: 1.8 M on a 40000 x 40000 drone mosaic.
        // 64-bit targets: 208 bytes and one small allocation (`methods`); it was 384 bytes and
        // up to five allocations with the scene record's strings copied into each.
        #[cfg(target_pointer_width = "64")]
        assert!(std::mem::size_of::<Hotspot>() <= 208);
        let flagged: Vec<Flagged> = (0..3)
            .map(|i| flag(0, i, Method::Contextual, confidence::LOW, 301.0, 3.0))
            .collect();
        let sources = Sources {
            thermal: Some(info(Sensor::OliTirs)),
            swir: None,
        };
        let h = hotspots(
            &flagged,
            &|_, _| 0,
            None,
            &|_, _| Some((0.0, 0.0, 0.0, 0.0)),
            &sources,
            None,
        );
        assert_eq!(h.len(), 3);
        assert!(Arc::ptr_eq(&h[0].scene, &h[2].scene));
        assert_eq!(*h[1].scene, info(Sensor::OliTirs));
    }

    #[test]
    fn scene_center_time_becomes_hhmm() {
        assert_eq!(hhmm("13:52:07.1234Z").as_deref(), Some("1352"));
        assert_eq!(hhmm("\"03:05:00Z\"").as_deref(), Some("0305"));
        assert_eq!(hhmm("garbage"), None);
    }
}
