//! QGIS styling and projects as XML text (no I/O): a `.qml` style for every raster and vector
//! product, and a `seamfire.qgs` project per output directory. Written for QGIS 3.22 (LTR);
//! newer versions read them too. See `docs/products.md`.

pub mod project;
pub mod style;
pub mod xml;

pub use project::{Group, LayerKind, Project, ProjectLayer, project_xml};
pub use style::qml_document;

use xml::El;

/// The QGIS version written into styles and projects.
pub const QGIS_VERSION: &str = "3.22.16-Białowieża";

/// A coordinate reference system as QGIS stores it (`<spatialrefsys>`): QGIS builds it from the
/// WKT (its `srsid` is left out, so the WKT is what counts).
#[derive(Debug, Clone, PartialEq)]
pub struct Crs {
    /// OGC WKT (GDAL's WKT1 is fine).
    pub wkt: String,
    /// EPSG code, when known.
    pub epsg: Option<u32>,
    /// A geographic (degrees) CRS.
    pub geographic: bool,
    /// Short description (e.g. `WGS 84 / UTM zone 16N`).
    pub description: String,
}

/// WGS 84 (EPSG:4326), the CRS of every GeoJSON product (RFC 7946).
pub const WGS84_WKT: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#;

impl Crs {
    /// EPSG:4326.
    pub fn wgs84() -> Self {
        Self {
            wkt: WGS84_WKT.to_string(),
            epsg: Some(4326),
            geographic: true,
            description: "WGS 84".into(),
        }
    }

    /// A projected or geographic CRS from GDAL's WKT; the description is the WKT's first name.
    pub fn from_wkt(wkt: &str, epsg: Option<u32>) -> Self {
        let description = wkt
            .split_once('"')
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(name, _)| name.to_string())
            .unwrap_or_default();
        let head = wkt.trim_start().to_ascii_uppercase();
        let geographic = head.starts_with("GEOGCS") || head.starts_with("GEOGCRS");
        Self {
            wkt: wkt.to_string(),
            epsg,
            geographic,
            description,
        }
    }

    fn spatialrefsys(&self) -> El {
        let mut el = El::new("spatialrefsys")
            .attr("nativeFormat", "Wkt")
            .child(El::with_text("wkt", &self.wkt))
            .child(El::with_text("proj4", ""));
        if let Some(code) = self.epsg {
            el = el
                .child(El::with_text("srid", code))
                .child(El::with_text("authid", format!("EPSG:{code}")));
        }
        el.child(El::with_text("description", &self.description))
            .child(El::with_text(
                "geographicflag",
                if self.geographic { "true" } else { "false" },
            ))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::render::{Palette, Range};

    /// Parses `doc` completely (quick-xml checks nesting and end names); returns the element
    /// names in document order.
    pub(crate) fn parse_all(doc: &str) -> Vec<String> {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(doc);
        let mut names = Vec::new();
        let mut depth = 0i64;
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) => {
                    depth += 1;
                    names.push(String::from_utf8_lossy(e.name().as_ref()).into_owned());
                }
                Ok(Event::Empty(e)) => {
                    names.push(String::from_utf8_lossy(e.name().as_ref()).into_owned());
                }
                Ok(Event::End(_)) => depth -= 1,
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("not well-formed at {}: {e}", reader.buffer_position()),
            }
        }
        assert_eq!(depth, 0, "unclosed elements");
        names
    }

    #[test]
    fn project_is_well_formed_and_grouped() {
        let crs = Crs::from_wkt(
            "PROJCS[\"WGS 84 / UTM zone 16N\",GEOGCS[\"WGS 84\"]]",
            Some(32616),
        );
        assert_eq!(crs.description, "WGS 84 / UTM zone 16N");
        assert!(!crs.geographic);
        let range = Range::new(280.0, 300.0).unwrap();
        let layers = vec![
            ProjectLayer {
                id: "hotspots_geojson".into(),
                name: "hotspots".into(),
                file: "hotspots.geojson".into(),
                kind: LayerKind::Vector { geometry: "Point" },
                crs: Some(Crs::wgs84()),
                style: style::hotspots(),
                group: Group::Detections,
                visible: true,
            },
            ProjectLayer {
                id: "bt_tif".into(),
                name: "bt".into(),
                file: "bt.tif".into(),
                kind: LayerKind::Raster,
                crs: Some(crs.clone()),
                style: style::pseudocolor(range, Palette::Inferno, "K"),
                group: Group::Thermal,
                visible: false,
            },
        ];
        let doc = project_xml(&Project {
            title: "seamfire test".into(),
            crs: Some(crs),
            extent: [452475.0, 3390555.0, 471285.0, 3408645.0],
            layers,
        });
        let names = parse_all(&doc);
        assert_eq!(names[0], "qgis");
        assert!(doc.contains("version=\"3.22.16-Białowieża\""));
        assert_eq!(names.iter().filter(|n| *n == "maplayer").count(), 2);
        assert!(doc.contains("<datasource>./bt.tif</datasource>"));
        assert!(doc.contains("<layer-tree-group name=\"Detections\""));
        assert!(doc.contains("<layer-tree-group name=\"Thermal\""));
        assert!(
            doc.contains("<layer-tree-group name=\"Optical\""),
            "empty groups are kept"
        );
        assert!(doc.contains("<authid>EPSG:32616</authid>"));
        assert!(doc.contains("<xmin>452475</xmin>"));
        assert!(doc.contains("<Absolute type=\"bool\">false</Absolute>"));
    }
}
