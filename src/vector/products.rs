//! Everything the vector outputs hold, built from one detection run: hotspots, fire-zone
//! footprints, known-zone reports, and the counts for `detection.json`. Pure apart from the
//! lon/lat transform, which the caller passes in (`io::to_lonlat`).

use geo::{Coord, Geometry, LineString, MultiPolygon, Point, Polygon};
use serde::Serialize;

use super::ground::Ground;
use super::hazard::{AssetKind, Assets};
use super::hotspots::{Hotspot, Sources, TemperatureAt, hotspots};
use super::inventory::{AnomalyClasses, Inventory, KnownZoneReport, report};
use super::polygonize::zone_polygon_by;
use super::risk::{RiskClass, RiskInput, RiskParams};
use super::zones::ZoneFeature;
use crate::detect::cluster::FireZone;
use crate::detect::{Flagged, Method};
use crate::error::Result;
use crate::raster::Georef;
use crate::stage::SceneDetection;

/// Transforms native map coordinates to `(lon, lat)` WGS84 degrees.
pub type LonLat<'f> = &'f dyn Fn(&[(f64, f64)]) -> Result<Vec<(f64, f64)>>;

/// What the vector layers are built from besides the detection.
#[derive(Debug, Clone, Copy)]
pub struct VectorInputs<'a> {
    pub sources: &'a Sources,
    pub inventory: Option<&'a Inventory>,
    /// Known non-fire heat sources (`--exclude`).
    pub exclusions: Option<&'a super::Exclusions>,
    pub assets: &'a Assets,
    pub risk: &'a RiskParams,
    /// The AOI in the native CRS (known zones are clipped to it for reporting).
    pub aoi: Option<&'a MultiPolygon<f64>>,
}

/// Counts of known and new anomalies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    pub total: usize,
    pub known: usize,
    pub new: usize,
    /// Near a known non-fire heat source (`--exclude`).
    pub excluded: usize,
}

impl StatusCounts {
    fn of<'a>(statuses: impl Iterator<Item = &'a str>) -> StatusCounts {
        let mut c = StatusCounts::default();
        for s in statuses {
            c.total += 1;
            match s {
                "known" => c.known += 1,
                "excluded" => c.excluded += 1,
                _ => c.new += 1,
            }
        }
        c
    }
}

/// The exclusion layer part of the run summary (`--exclude`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExclusionSummary {
    pub file: String,
    pub buffer_m: f64,
    /// Sites in the file.
    pub sites: usize,
}

/// The inventory part of the run summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InventorySummary {
    pub file: String,
    pub buffer_m: f64,
    /// Known zones in the inventory (after merging features with the same id).
    pub zones_in_file: usize,
    /// Known zones reported in `known_zones.geojson` (those meeting the AOI, if any).
    pub zones_reported: usize,
    pub detected: usize,
    /// Reported zones with at least one processed pixel.
    pub observed: usize,
    /// Observed but with no anomaly.
    pub observed_not_detected: usize,
}

/// One asset layer in the run summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssetSummary {
    pub kind: AssetKind,
    pub file: String,
    pub features: usize,
}

/// Fire zones per risk class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RiskCounts {
    pub low: usize,
    pub moderate: usize,
    pub high: usize,
    pub extreme: usize,
}

/// The risk rule in force and the zones per class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskSummary {
    pub rule: String,
    pub params: RiskParams,
    pub zones_per_class: RiskCounts,
}

/// Fields added to `detection.json` by the vector outputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VectorSummary {
    /// Hotspots (one per flagged pixel): known and new.
    pub hotspot_status: StatusCounts,
    /// Fire zones: known and new.
    pub zone_status: StatusCounts,
    /// `null` without `--known-fires` (then every anomaly is `new` or `excluded`).
    pub known_fires: Option<InventorySummary>,
    /// `null` without `--exclude`.
    pub exclude: Option<ExclusionSummary>,
    pub assets: Vec<AssetSummary>,
    pub risk: RiskSummary,
}

/// The vector products of one run, in native and lon/lat geometry.
#[derive(Debug, Clone)]
pub struct VectorProducts {
    /// One per flagged pixel (`lon`, `lat` give its lon/lat point).
    pub hotspots: Vec<Hotspot>,
    pub zones: Vec<ZoneFeature>,
    /// Zone footprints in lon/lat, parallel to `zones`.
    pub zone_lonlat: Vec<Geometry<f64>>,
    /// `None` without an inventory.
    pub known_zones: Option<Vec<KnownZoneReport>>,
    pub known_lonlat: Vec<Geometry<f64>>,
    pub summary: VectorSummary,
}

fn map_ring(ls: &LineString<f64>, f: &mut impl FnMut(Coord<f64>) -> Coord<f64>) -> LineString<f64> {
    LineString(ls.0.iter().map(|&c| f(c)).collect())
}

fn map_multipolygon(
    mp: &MultiPolygon<f64>,
    f: &mut impl FnMut(Coord<f64>) -> Coord<f64>,
) -> MultiPolygon<f64> {
    MultiPolygon(
        mp.0.iter()
            .map(|p| {
                let ext = map_ring(p.exterior(), f);
                let holes = p.interiors().iter().map(|h| map_ring(h, f)).collect();
                Polygon::new(ext, holes)
            })
            .collect(),
    )
}

/// Multipolygons from the native CRS to lon/lat, in one transform call.
fn multipolygons_to_lonlat(
    geoms: &[&MultiPolygon<f64>],
    lonlat: LonLat,
) -> Result<Vec<Geometry<f64>>> {
    let mut xy = Vec::new();
    for g in geoms {
        map_multipolygon(g, &mut |c| {
            xy.push((c.x, c.y));
            c
        });
    }
    let ll = lonlat(&xy)?;
    let mut it = ll.into_iter();
    Ok(geoms
        .iter()
        .map(|g| {
            Geometry::MultiPolygon(map_multipolygon(g, &mut |c| {
                let (x, y) = it.next().unwrap_or((c.x, c.y));
                Coord { x, y }
            }))
        })
        .collect())
}

/// What the vector products read of a detection: its flagged pixels and zones, and its rasters
/// through lookups (whole arrays in memory, or sparse maps and window reads of a detection run
/// in strips), so that both give the same layers.
pub struct DetectionView<'a> {
    pub georef: &'a Georef,
    pub flagged: &'a [Flagged],
    pub zones: &'a [FireZone],
    pub day: Option<bool>,
    /// Fire zone id of a pixel, 0 for none.
    pub zone_at: &'a dyn Fn(usize, usize) -> u32,
    /// The temperature raster at a flagged pixel, and its quantity; `None` without one.
    pub temperature: Option<TemperatureAt<'a>>,
    pub anomaly: &'a dyn AnomalyClasses,
}

impl SceneDetection {
    /// Calls `f` with the [`DetectionView`] of this whole-raster detection.
    pub fn with_view<T>(&self, f: impl FnOnce(&DetectionView) -> T) -> T {
        let zone_at = |r: usize, c: usize| self.zone_labels[[r, c]];
        let t_at = |r: usize, c: usize| {
            self.temperature
                .as_ref()
                .map_or(f32::NAN, |t| t.raster.data[[r, c]])
        };
        f(&DetectionView {
            georef: &self.georef,
            flagged: &self.flagged,
            zones: &self.zones,
            day: self.day,
            zone_at: &zone_at,
            temperature: self
                .temperature
                .as_ref()
                .map(|t| (&t_at as &dyn Fn(usize, usize) -> f32, t.quantity)),
            anomaly: &self.anomaly,
        })
    }
}

/// Builds every vector product of `det`.
pub fn build(det: &DetectionView, inp: &VectorInputs, lonlat: LonLat) -> Result<VectorProducts> {
    let gt = det.georef.transform;
    let ground = Ground::of(det.georef);
    // Hotspots at pixel centres (flagged pixels sorted, centres and lon/lat parallel to them).
    let mut pixels: Vec<(usize, usize)> = det.flagged.iter().map(|f| (f.row, f.col)).collect();
    pixels.sort_unstable();
    pixels.dedup();
    let xy: Vec<(f64, f64)> = pixels.iter().map(|&(r, c)| gt.pixel_centre(r, c)).collect();
    let ll = lonlat(&xy)?;
    let centre = |r: usize, c: usize| {
        let i = pixels.binary_search(&(r, c)).ok()?;
        Some((xy[i].0, xy[i].1, ll.get(i)?.0, ll.get(i)?.1))
    };
    let mut hs = hotspots(
        det.flagged,
        det.zone_at,
        det.temperature,
        &centre,
        inp.sources,
        det.day,
    );
    drop((pixels, xy, ll));
    for h in &mut hs {
        let p = Geometry::Point(Point::new(h.x, h.y));
        if let Some(inv) = inp.inventory {
            h.known = inv.nearest(&p).map(|(i, _)| Box::new(inv.label(i)));
        }
        h.excluded = inp.exclusions.and_then(|e| e.site_near(&p)).map(Box::new);
    }

    // Zones.
    let scene = inp.sources.thermal.as_ref().or(inp.sources.swir.as_ref());
    let exposed = |d: &[(AssetKind, Option<f64>)]| {
        d.iter()
            .filter(|(k, _)| inp.risk.exposed.contains(k))
            .filter_map(|(_, d)| *d)
            .reduce(f64::min)
    };
    let mut zone_known = Vec::with_capacity(det.zones.len());
    let mut zones = Vec::with_capacity(det.zones.len());
    for z in det.zones {
        let geometry = zone_polygon_by(|r, c| (det.zone_at)(r, c) == z.id, z.bbox_px, &gt);
        let g = Geometry::MultiPolygon(geometry.clone());
        let known = inp
            .inventory
            .and_then(|inv| inv.nearest(&g).map(|(i, _)| i));
        zone_known.push(known);
        let dists: Vec<(AssetKind, Option<f64>)> = AssetKind::ALL
            .iter()
            .map(|&k| (k, inp.assets.distance(k, &g)))
            .collect();
        let risk = inp.risk.assess(&RiskInput {
            max_delta_k: z.max_delta_k,
            swir: z.methods.contains(&Method::Swir),
            area_m2: z.area_m2,
            nearest_exposed_m: exposed(&dists),
        });
        zones.push(ZoneFeature {
            zone: z.clone(),
            perimeter_m: ground.perimeter(&geometry),
            geometry,
            known: known.and_then(|i| inp.inventory.map(|inv| inv.label(i))),
            excluded: inp.exclusions.and_then(|e| e.site_near(&g)),
            dist_road_m: dists[0].1,
            dist_water_m: dists[1].1,
            dist_building_m: dists[2].1,
            risk,
            scene_id: scene.map(|s| s.scene_id.clone()).unwrap_or_default(),
            acq_date: scene.and_then(|s| s.acq_date.clone()),
        });
    }
    let zone_lonlat = multipolygons_to_lonlat(
        &zones.iter().map(|z| &z.geometry).collect::<Vec<_>>(),
        lonlat,
    )?;

    // Known zones.
    let known_zones = inp
        .inventory
        .map(|inv| report(inv, &hs, &zone_known, det.anomaly, &gt, inp.aoi))
        .transpose()?;
    let known_lonlat = match &known_zones {
        Some(k) => {
            multipolygons_to_lonlat(&k.iter().map(|z| &z.geometry).collect::<Vec<_>>(), lonlat)?
        }
        None => Vec::new(),
    };

    let mut per_class = RiskCounts::default();
    for z in &zones {
        *match z.risk.class {
            RiskClass::Low => &mut per_class.low,
            RiskClass::Moderate => &mut per_class.moderate,
            RiskClass::High => &mut per_class.high,
            RiskClass::Extreme => &mut per_class.extreme,
        } += 1;
    }
    let summary = VectorSummary {
        hotspot_status: StatusCounts::of(
            hs.iter()
                .map(|h| super::hotspots::status(h.known.is_some(), h.excluded.is_some())),
        ),
        zone_status: StatusCounts::of(zones.iter().map(|z| z.status())),
        exclude: inp.exclusions.map(|e| ExclusionSummary {
            file: e.source.clone(),
            buffer_m: e.buffer_m,
            sites: e.sites.len(),
        }),
        known_fires: match (inp.inventory, &known_zones) {
            (Some(inv), Some(k)) => Some(InventorySummary {
                file: inv.source.clone(),
                buffer_m: inv.buffer_m,
                zones_in_file: inv.zones.len(),
                zones_reported: k.len(),
                detected: k.iter().filter(|z| z.detected).count(),
                observed: k.iter().filter(|z| z.observed()).count(),
                observed_not_detected: k.iter().filter(|z| z.observed() && !z.detected).count(),
            }),
            _ => None,
        },
        assets: inp
            .assets
            .layers
            .iter()
            .map(|l| AssetSummary {
                kind: l.kind,
                file: l.source.clone(),
                features: l.geometries.len(),
            })
            .collect(),
        risk: RiskSummary {
            rule: inp.risk.rule(),
            params: inp.risk.clone(),
            zones_per_class: per_class,
        },
    };
    Ok(VectorProducts {
        hotspots: hs,
        zones,
        zone_lonlat,
        known_zones,
        known_lonlat,
        summary,
    })
}
