//! The vector layers of a detection written into its output directory: `hotspots.geojson`,
//! `hotspots.csv`, `fire_zones.geojson`, `known_zones.geojson` (with an inventory) and
//! `seamfire.gpkg`. Every layer is streamed to its staging file feature by feature (values and
//! geometry made for one feature at a time), so memory does not grow with the number of
//! hotspots beyond their records (`docs/outputs.md`).

use std::path::Path;

use geo::{Geometry, Point};

use crate::error::Result;
use crate::io::{self, LayerGeometry, OutLayer};
use crate::raster::Georef;
use crate::vector::{HOTSPOT_FIELDS, KNOWN_ZONE_FIELDS, VectorProducts, ZONE_FIELDS};

/// Stages the vector layers of `v` in `dir`, to be committed with the other products.
pub(super) fn stage_vectors(
    dir: &Path,
    georef: &Georef,
    v: &VectorProducts,
) -> Result<Vec<io::Staged>> {
    let mut staged = vec![
        io::stage_geojson(
            &dir.join("hotspots.geojson"),
            HOTSPOT_FIELDS,
            v.hotspots
                .iter()
                .map(|h| (Geometry::Point(Point::new(h.lon, h.lat)), h.values())),
        )?,
        io::stage_csv(
            &dir.join("hotspots.csv"),
            HOTSPOT_FIELDS,
            v.hotspots.iter().map(|h| h.values()),
        )?,
        io::stage_geojson(
            &dir.join("fire_zones.geojson"),
            ZONE_FIELDS,
            v.zone_lonlat
                .iter()
                .cloned()
                .zip(v.zones.iter().map(|z| z.values())),
        )?,
    ];
    if let Some(known) = &v.known_zones {
        staged.push(io::stage_geojson(
            &dir.join("known_zones.geojson"),
            KNOWN_ZONE_FIELDS,
            v.known_lonlat
                .iter()
                .cloned()
                .zip(known.iter().map(|k| k.values())),
        )?);
    }
    let mut layers = vec![
        OutLayer {
            name: "hotspots",
            geometry: LayerGeometry::Point,
            fields: HOTSPOT_FIELDS,
            features: Box::new(
                v.hotspots
                    .iter()
                    .map(|h| (Geometry::Point(Point::new(h.x, h.y)), h.values())),
            ),
        },
        OutLayer {
            name: "fire_zones",
            geometry: LayerGeometry::MultiPolygon,
            fields: ZONE_FIELDS,
            features: Box::new(
                v.zones
                    .iter()
                    .map(|z| (Geometry::MultiPolygon(z.geometry.clone()), z.values())),
            ),
        },
    ];
    if let Some(known) = &v.known_zones {
        layers.push(OutLayer {
            name: "known_zones",
            geometry: LayerGeometry::MultiPolygon,
            fields: KNOWN_ZONE_FIELDS,
            features: Box::new(
                known
                    .iter()
                    .map(|k| (Geometry::MultiPolygon(k.geometry.clone()), k.values())),
            ),
        });
    }
    staged.push(io::stage_gpkg(&dir.join("seamfire.gpkg"), georef, layers)?);
    Ok(staged)
}
