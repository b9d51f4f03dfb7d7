//! Masks that LST products ship beside the temperature file, found by name as a Landsat
//! product's QA band is: ECOSTRESS from AppEEARS (`ECO_L2_LSTE.002_LST_doy…_aid0001.tif` beside
//! `…_cloud_mask_doy…` and `…_water_mask_doy…`) and ECOSTRESS Collection-2 tiles
//! (`ECOv002_L2T_LSTE_…_LST.tif` beside `…_cloud.tif` and `…_water.tif`). In both, 0 is clear
//! land and 1 is cloud (water); their nodata is fill.

/// Band id of a sibling cloud mask in a [`super::Scene`].
pub const CLOUD_MASK: &str = "CLOUD_MASK";
/// Band id of a sibling water mask.
pub const WATER_MASK: &str = "WATER_MASK";

/// The file names the masks of the temperature file `name` would have, with their band ids
/// (whether they exist is the caller's question).
pub fn sibling_mask_names(name: &str) -> Vec<(&'static str, String)> {
    if let Some((head, tail)) = name.split_once("_LST_") {
        return [(CLOUD_MASK, "cloud_mask"), (WATER_MASK, "water_mask")]
            .into_iter()
            .map(|(id, layer)| (id, format!("{head}_{layer}_{tail}")))
            .collect();
    }
    let lower = name.to_ascii_lowercase();
    for ext in [".tif", ".tiff"] {
        if lower.ends_with(&format!("_lst{ext}")) {
            let head = &name[..name.len() - "_LST".len() - ext.len()];
            let ext = &name[name.len() - ext.len()..];
            return [(CLOUD_MASK, "cloud"), (WATER_MASK, "water")]
                .into_iter()
                .map(|(id, layer)| (id, format!("{head}_{layer}{ext}")))
                .collect();
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecostress_names() {
        assert_eq!(
            sibling_mask_names("ECO_L2_LSTE.002_LST_doy2023183080644_aid0001.tif"),
            vec![
                (
                    CLOUD_MASK,
                    "ECO_L2_LSTE.002_cloud_mask_doy2023183080644_aid0001.tif".to_string()
                ),
                (
                    WATER_MASK,
                    "ECO_L2_LSTE.002_water_mask_doy2023183080644_aid0001.tif".to_string()
                ),
            ]
        );
        assert_eq!(
            sibling_mask_names("ECOv002_L2T_LSTE_34412_001_11SKA_20240731T195056_0712_01_LST.tif"),
            vec![
                (
                    CLOUD_MASK,
                    "ECOv002_L2T_LSTE_34412_001_11SKA_20240731T195056_0712_01_cloud.tif"
                        .to_string()
                ),
                (
                    WATER_MASK,
                    "ECOv002_L2T_LSTE_34412_001_11SKA_20240731T195056_0712_01_water.tif"
                        .to_string()
                ),
            ]
        );
        assert!(sibling_mask_names("ortho_thermal.tif").is_empty());
        assert!(sibling_mask_names("l8_B10.tif").is_empty());
    }
}
