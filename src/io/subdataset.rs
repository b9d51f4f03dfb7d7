//! GDAL subdataset names (`NETCDF:"lst.nc":LST`, `HDF5:"f.h5"://SDS/LST`,
//! `HDF4_EOS:EOS_GRID:"MOD11A1.hdf":MODIS_Grid_Daily_1km_LST:LST_Day_1km`, `GPKG:f.gpkg:table`):
//! the raster of a container file, named as `gdalinfo` lists it. GDAL opens them as they are;
//! seamfire needs the file inside (to resolve it against a pipeline's folder) and a short name
//! for ids and output folders.

use std::path::Path;

/// A subdataset name cut around its file: `head` (driver and options, up to the file), the
/// file, and `tail` (what follows it: the variable or table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubdatasetName<'a> {
    pub head: &'a str,
    pub file: &'a str,
    pub tail: &'a str,
}

/// Cuts a subdataset name: a driver name of at least two upper-case letters, digits or `_`
/// (so not a drive letter), a colon, then the file, in double quotes (anywhere after the
/// driver, as HDF4_EOS and NetCDF write it) or up to the next colon (GeoPackage).
pub fn parse(s: &str) -> Option<SubdatasetName<'_>> {
    let (driver, rest) = s.split_once(':')?;
    let is_driver = driver.len() >= 2
        && driver
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if !is_driver || rest.is_empty() {
        return None;
    }
    if let Some(open) = s.find('"') {
        let close = open + 1 + s[open + 1..].find('"')?;
        return Some(SubdatasetName {
            head: &s[..=open],
            file: &s[open + 1..close],
            tail: &s[close..],
        });
    }
    let start = driver.len() + 1;
    let end = rest.find(':').map_or(s.len(), |i| start + i);
    Some(SubdatasetName {
        head: &s[..start],
        file: &s[start..end],
        tail: &s[end..],
    })
}

/// A short name for ids and folders: the file's stem and the last part of the variable,
/// `lst_LST` for `NETCDF:"data/lst.nc":LST`, with anything but letters, digits, `.`, `-` and
/// `_` made `_`.
pub fn short_name(s: &str) -> Option<String> {
    let name = parse(s)?;
    let stem = Path::new(name.file)
        .file_stem()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let var = name
        .tail
        .trim_start_matches('"')
        .rsplit([':', '/'])
        .find(|p| !p.is_empty())
        .unwrap_or("");
    let joined = if var.is_empty() {
        stem
    } else {
        format!("{stem}_{var}")
    };
    Some(
        joined
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect(),
    )
}

/// The name with its file resolved against `base` when it is relative (a pipeline file names
/// it relative to itself).
pub fn with_base(s: &str, base: &Path) -> Option<String> {
    let name = parse(s)?;
    let file = Path::new(name.file);
    if file.is_absolute() || name.file.starts_with("/vsi") {
        return Some(s.to_string());
    }
    Some(format!(
        "{}{}{}",
        name.head,
        base.join(file).display(),
        name.tail
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_gdalinfo_lists_them() {
        let nc = parse("NETCDF:\"data/lst.nc\":LST").unwrap();
        assert_eq!(
            (nc.head, nc.file, nc.tail),
            ("NETCDF:\"", "data/lst.nc", "\":LST")
        );
        let hdf = "HDF4_EOS:EOS_GRID:\"MOD11A1.hdf\":MODIS_Grid_Daily_1km_LST:LST_Day_1km";
        assert_eq!(parse(hdf).unwrap().file, "MOD11A1.hdf");
        let gpkg = parse("GPKG:two.gpkg:a").unwrap();
        assert_eq!(
            (gpkg.head, gpkg.file, gpkg.tail),
            ("GPKG:", "two.gpkg", ":a")
        );
        for not in ["C:\\data\\x.tif", "data/x.tif", "Scene:1.tif", "NETCDF:"] {
            assert!(parse(not).is_none(), "{not}");
        }
    }

    #[test]
    fn short_names_and_bases() {
        assert_eq!(short_name("NETCDF:\"data/lst.nc\":LST").unwrap(), "lst_LST");
        assert_eq!(
            short_name("HDF5:\"f.h5\"://SDS/LST").unwrap(),
            "f_LST",
            "the variable's last part"
        );
        assert_eq!(
            short_name("HDF4_EOS:EOS_GRID:\"MOD11A1.hdf\":MODIS_Grid_Daily_1km_LST:LST_Day_1km")
                .unwrap(),
            "MOD11A1_LST_Day_1km"
        );
        assert_eq!(short_name("GPKG:two.gpkg:a").unwrap(), "two_a");
        let base = Path::new("/survey");
        assert_eq!(
            with_base("NETCDF:\"lst.nc\":LST", base).unwrap(),
            "NETCDF:\"/survey/lst.nc\":LST"
        );
        assert_eq!(
            with_base("NETCDF:\"/abs/lst.nc\":LST", base).unwrap(),
            "NETCDF:\"/abs/lst.nc\":LST"
        );
        assert_eq!(
            with_base("GPKG:two.gpkg:a", base).unwrap(),
            "GPKG:/survey/two.gpkg:a"
        );
    }
}
