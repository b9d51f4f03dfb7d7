//! The `seamfire.qgs` project: every layer of an output directory by relative path, grouped,
//! styled (the same bodies as the `.qml` files, embedded), project CRS and extent on the scene.

use super::xml::El;
use super::{Crs, QGIS_VERSION};

/// Layer-tree group of a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Hotspots, fire zones, anomaly classes.
    Detections,
    /// Thermal map and the temperature raster.
    Thermal,
    /// Orthophotos.
    Optical,
    /// Known burning zones (inventory).
    Context,
}

impl Group {
    /// Layer-tree order, which is also the drawing order (top first): the detections and the
    /// known-zone outlines above the opaque thermal map and orthophotos.
    pub const ALL: [Group; 4] = [
        Group::Detections,
        Group::Context,
        Group::Thermal,
        Group::Optical,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Group::Detections => "Detections",
            Group::Thermal => "Thermal",
            Group::Optical => "Optical",
            Group::Context => "Context",
        }
    }
}

/// Raster or vector (with its geometry type as QGIS names it: `Point`, `Polygon`, `Line`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerKind {
    Raster,
    Vector { geometry: &'static str },
}

/// One layer of the project.
#[derive(Debug, Clone)]
pub struct ProjectLayer {
    /// Unique id (e.g. `bt_tif`).
    pub id: String,
    /// Name shown in the layer panel.
    pub name: String,
    /// File name relative to the project (e.g. `bt.tif`; written as `./bt.tif`).
    pub file: String,
    pub kind: LayerKind,
    /// CRS of the data.
    pub crs: Option<Crs>,
    /// Style body (see `style`).
    pub style: Vec<El>,
    pub group: Group,
    /// Checked (drawn) when the project opens.
    pub visible: bool,
}

impl ProjectLayer {
    fn source(&self) -> String {
        format!("./{}", self.file)
    }

    fn provider(&self) -> &'static str {
        match self.kind {
            LayerKind::Raster => "gdal",
            LayerKind::Vector { .. } => "ogr",
        }
    }
}

/// A whole project.
#[derive(Debug, Clone)]
pub struct Project {
    pub title: String,
    /// Project CRS: the scene's (none for a grid without CRS).
    pub crs: Option<Crs>,
    /// Initial map extent `[xmin, ymin, xmax, ymax]` in the project CRS.
    pub extent: [f64; 4],
    /// Layers, top of the drawing order first.
    pub layers: Vec<ProjectLayer>,
}

fn checked(v: bool) -> &'static str {
    if v { "Qt::Checked" } else { "Qt::Unchecked" }
}

fn srs(crs: &Option<Crs>) -> El {
    match crs {
        Some(c) => c.spatialrefsys(),
        None => El::new("spatialrefsys").attr("nativeFormat", "Wkt"),
    }
}

fn extent_el(name: &str, e: [f64; 4]) -> El {
    El::new(name)
        .child(El::with_text("xmin", e[0]))
        .child(El::with_text("ymin", e[1]))
        .child(El::with_text("xmax", e[2]))
        .child(El::with_text("ymax", e[3]))
}

fn map_layer(l: &ProjectLayer) -> El {
    let mut el = El::new("maplayer");
    el = match &l.kind {
        LayerKind::Raster => el.attr("type", "raster"),
        LayerKind::Vector { geometry } => el
            .attr("type", "vector")
            .attr("geometry", geometry)
            .attr("readOnly", "0")
            .attr("labelsEnabled", "0"),
    };
    el = el
        .attr("hasScaleBasedVisibilityFlag", "0")
        .attr("styleCategories", "AllStyleCategories")
        .attr("refreshOnNotifyEnabled", "0")
        .attr("autoRefreshEnabled", "0")
        .attr("autoRefreshTime", "0")
        .attr("minScale", "1e+08")
        .attr("maxScale", "0")
        .child(El::with_text("id", &l.id))
        .child(El::with_text("datasource", l.source()))
        .child(El::with_text("layername", &l.name))
        .child(El::new("srs").child(srs(&l.crs)));
    el = match l.kind {
        LayerKind::Raster => el.child(El::with_text("provider", "gdal")),
        LayerKind::Vector { .. } => {
            el.child(El::new("provider").attr("encoding", "UTF-8").text("ogr"))
        }
    };
    el.child(
        El::new("flags")
            .child(El::with_text("Identifiable", "1"))
            .child(El::with_text("Removable", "1"))
            .child(El::with_text("Searchable", "1"))
            .child(El::with_text("Private", "0")),
    )
    .children(l.style.iter().cloned())
}

/// The `.qgs` document.
pub fn project_xml(p: &Project) -> String {
    let mut tree = El::new("layer-tree-group").child(El::new("customproperties"));
    for g in Group::ALL {
        // Every group is written, empty or not, so each project has the same structure.
        let members: Vec<&ProjectLayer> = p.layers.iter().filter(|l| l.group == g).collect();
        let mut group = El::new("layer-tree-group")
            .attr("name", g.name())
            .attr("checked", "Qt::Checked")
            .attr("expanded", "1")
            .child(El::new("customproperties"));
        for l in members {
            group = group.child(
                El::new("layer-tree-layer")
                    .attr("id", &l.id)
                    .attr("name", &l.name)
                    .attr("source", l.source())
                    .attr("providerKey", l.provider())
                    .attr("checked", checked(l.visible))
                    .attr("expanded", "0")
                    .attr("legend_exp", "")
                    .child(El::new("customproperties")),
            );
        }
        tree = tree.child(group);
    }
    tree = tree.child(El::new("custom-order").attr("enabled", "0"));

    let units = match &p.crs {
        Some(c) if c.geographic => "degrees",
        _ => "meters",
    };
    let canvas = El::new("mapcanvas")
        .attr("name", "theMapCanvas")
        .attr("annotationsVisible", "1")
        .child(El::with_text("units", units))
        .child(extent_el("extent", p.extent))
        .child(El::with_text("rotation", "0"))
        .child(El::new("destinationsrs").child(srs(&p.crs)))
        .child(El::with_text("rendermaptile", "0"));
    let view = El::new("ProjectViewSettings")
        .attr("UseProjectScales", "0")
        .attr("rotation", "0")
        .child(El::new("Scales"))
        .child(
            El::new("DefaultViewExtent")
                .attr("xmin", p.extent[0])
                .attr("ymin", p.extent[1])
                .attr("xmax", p.extent[2])
                .attr("ymax", p.extent[3])
                .child(srs(&p.crs)),
        );
    let layer_order =
        El::new("layerorder").children(p.layers.iter().map(|l| El::new("layer").attr("id", &l.id)));
    // QGIS reads `<projectCrs>` only when `SpatialRefSys/ProjectionsEnabled` is 1.
    let mut spatial = El::new("SpatialRefSys").child(
        El::new("ProjectionsEnabled")
            .attr("type", "int")
            .text(if p.crs.is_some() { "1" } else { "0" }),
    );
    if let Some(code) = p.crs.as_ref().and_then(|c| c.epsg) {
        spatial = spatial.child(
            El::new("ProjectCrs")
                .attr("type", "QString")
                .text(format!("EPSG:{code}")),
        );
    }
    let properties = El::new("properties")
        .child(El::new("Paths").child(El::new("Absolute").attr("type", "bool").text("false")))
        .child(spatial);
    let root = El::new("qgis")
        .attr("projectname", &p.title)
        .attr("version", QGIS_VERSION)
        .child(El::new("homePath").attr("path", ""))
        .child(El::with_text("title", &p.title))
        .child(El::new("transaction").attr("mode", "Disabled"))
        .child(El::new("projectFlags").attr("set", ""))
        .child(El::new("projectCrs").child(srs(&p.crs)))
        .child(tree)
        .child(canvas)
        .child(view)
        .child(El::new("projectlayers").children(p.layers.iter().map(map_layer)))
        .child(layer_order)
        .child(properties);
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n{}",
        root.to_xml(0)
    )
}
