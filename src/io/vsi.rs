//! GDAL virtual file systems: USGS `.tar`/`.tar.gz` packages read in place through `/vsitar/`.

use std::ffi::CString;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// True for GDAL virtual paths (`/vsitar/…`, `/vsizip/…`, `/vsicurl/…`, …) and subdataset
/// names: GDAL opens them, but they are not files to list, find beside or fingerprint.
pub fn is_virtual(path: &Path) -> bool {
    let s = path.to_string_lossy();
    s.starts_with("/vsi") || super::subdataset::parse(&s).is_some()
}

/// The GDAL path of `member` inside the archive at `archive`.
pub fn vsi_path_in_archive(archive: &Path, member: &str) -> PathBuf {
    PathBuf::from(format!("/vsitar/{}/{}", archive.display(), member))
}

/// Members (files only, relative paths) of a `.tar`, `.tar.gz` or `.tgz` archive.
pub fn list_archive(archive: &Path) -> Result<Vec<String>> {
    if !archive.exists() {
        return Err(Error::input(archive, "file not found"));
    }
    super::ensure_gdal_config();
    let _log = super::gdal_log::scope(archive);
    let root = format!("/vsitar/{}", archive.display());
    let entries = gdal::vsi::read_dir(&root, true)
        .map_err(|e| Error::gdal(archive, format!("cannot list archive: {e}")))?;
    let mut files: Vec<String> = entries
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| !p.ends_with('/'))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::input(
            archive,
            "archive is empty or not a tar package",
        ));
    }
    Ok(files)
}

/// Reads a whole (small) file, real or virtual.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    if !is_virtual(path) {
        return std::fs::read(path).map_err(|e| Error::io(path, e));
    }
    super::ensure_gdal_config();
    let _log = super::gdal_log::scope(path);
    let c_path = CString::new(path.to_string_lossy().as_bytes())
        .map_err(|_| Error::input(path, "path contains a NUL byte"))?;
    let mode = CString::new("rb").expect("static string");
    // SAFETY: VSIFOpenL/VSIFReadL/VSIFCloseL are used as documented: a null handle is checked,
    // reads go into a live buffer of the stated size, and the handle is closed once.
    unsafe {
        let fp = gdal_sys::VSIFOpenL(c_path.as_ptr(), mode.as_ptr());
        if fp.is_null() {
            return Err(Error::input(path, "cannot open virtual file"));
        }
        let mut out = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = gdal_sys::VSIFReadL(chunk.as_mut_ptr().cast(), 1, chunk.len(), fp);
            if n == 0 {
                break;
            }
            out.extend_from_slice(&chunk[..n]);
        }
        gdal_sys::VSIFCloseL(fp);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdataset_names_are_virtual_and_drive_letters_are_not() {
        for v in [
            "NETCDF:\"lst.nc\":LST",
            "HDF5:\"f.h5\"://SDS/LST",
            "HDF4_EOS:EOS_GRID:\"MOD11A1.hdf\":MODIS_Grid_Daily_1km_LST:LST_Day_1km",
            "GPKG:two.gpkg:a",
            "/vsitar/x.tar/b.tif",
        ] {
            assert!(is_virtual(Path::new(v)), "{v}");
        }
        for p in ["C:\\data\\x.tif", "data/x.tif", "Scene:1.tif", "NETCDF:"] {
            assert!(!is_virtual(Path::new(p)), "{p}");
        }
    }
}
