//! Vector outputs of a detection run (`docs/outputs.md`): hotspot points, exact fire-zone
//! polygons, the known-fire inventory, hazard distances and risk classes, and their GeoJSON
//! (RFC 7946) and CSV text. Pure computations; GeoPackage writing and reading of vector files
//! live in `io`.

pub mod csv_out;
pub mod exclude;
pub mod geojson_out;
pub mod ground;
pub mod hazard;
pub mod hotspots;
pub mod inventory;
pub mod polygonize;
pub mod products;
pub mod risk;
pub mod table;
pub mod zones;

pub use exclude::{ExcludedSite, Exclusions};
pub use ground::Ground;
pub use hazard::{AssetKind, AssetLayer, Assets};
pub use hotspots::{HOTSPOT_FIELDS, Hotspot, Label, SceneInfo, Sources};
pub use inventory::{AnomalyClasses, Inventory, KNOWN_ZONE_FIELDS, KnownZone, KnownZoneReport};
pub use products::{DetectionView, VectorInputs, VectorProducts, VectorSummary, build};
pub use risk::{RiskClass, RiskParams};
pub use table::{Field, FieldType, Value};
pub use zones::{ZONE_FIELDS, ZoneFeature};
