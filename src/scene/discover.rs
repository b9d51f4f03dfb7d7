//! Finds the MTL and the band files of an input. Reads directory listings, archive listings and
//! the MTL; no pixels.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::bandname::{band_id_from_name, product_prefix};
use super::generic::{aster_metadata, generic_metadata, is_aster_name};
use super::{InputKind, Scene};
use crate::error::{Error, Result};
use crate::io;
use crate::mtl::parse_mtl;

/// Opens `input` as a scene. `mtl` names the metadata file explicitly, whatever the file names.
pub fn open_scene(input: &Path, mtl: Option<&Path>) -> Result<Scene> {
    if !io::is_virtual(input) && !input.exists() {
        let link = std::fs::symlink_metadata(input).is_ok_and(|m| m.file_type().is_symlink());
        if link {
            // A dangling link or a loop: say which.
            io::regular_file(input)?;
        }
        return Err(Error::input(input, "file or directory not found"));
    }
    if let Some(m) = mtl.filter(|m| !io::is_virtual(m)) {
        io::regular_file(m)?;
    }
    if !io::is_virtual(input) && !input.is_dir() {
        io::regular_file(input)?;
    }
    if input.is_dir() {
        let files = list_dir(input, looks_like_input)?;
        let mtl_path = match mtl {
            Some(m) => m.to_path_buf(),
            None => pick_mtl(input, &files, None)?,
        };
        let paths = files.iter().map(|f| input.join(f)).collect();
        return with_mtl(input, InputKind::Directory, &mtl_path, paths, None);
    }
    if is_archive(input) {
        let members = io::list_archive(input)?;
        let mtl_path = match mtl {
            Some(m) => m.to_path_buf(),
            None => io::vsi_path_in_archive(input, &pick_mtl_member(input, &members)?),
        };
        let paths = members
            .iter()
            .map(|m| io::vsi_path_in_archive(input, m))
            .collect();
        return with_mtl(input, InputKind::Archive, &mtl_path, paths, None);
    }
    open_single_file(input, mtl)
}

fn open_single_file(input: &Path, mtl: Option<&Path>) -> Result<Scene> {
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let given = band_id_from_name(&name);
    let dir = input
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mtl_path = match mtl {
        Some(m) => Some(m.to_path_buf()),
        None if is_aster_name(&name) => None,
        // A virtual file (`/vsicurl/`, `/vsis3/`) has no folder to search: name its MTL with --mtl.
        None if io::is_virtual(input) => None,
        None => {
            let files = list_dir(dir, |n| belongs_to(n, &name))?;
            pick_mtl(dir, &files, product_prefix(&name).as_deref()).ok()
        }
    };
    match mtl_path {
        Some(m) => {
            let band = given.ok_or_else(|| {
                Error::input(input, "cannot tell which band this file is from its name (expected …_B10.TIF style); pass a product directory instead")
            })?;
            let mut paths: Vec<PathBuf> = if io::is_virtual(input) {
                Vec::new()
            } else {
                list_dir(dir, |n| belongs_to(n, &name))?
                    .iter()
                    .map(|f| dir.join(f))
                    .collect()
            };
            paths.retain(|p| p != input);
            paths.insert(0, input.to_path_buf());
            with_mtl(input, InputKind::BandWithMtl, &m, paths, Some(band))
        }
        None => {
            let aster = is_aster_name(&name);
            let metadata = if aster {
                aster_metadata(input)
            } else {
                generic_metadata(input)
            };
            let band = if aster {
                given.unwrap_or_else(|| "B13".into())
            } else {
                "1".into()
            };
            let mut bands = BTreeMap::from([(band.clone(), input.to_path_buf())]);
            // An LST product's cloud and water masks beside it, as a Landsat QA band is.
            if !aster && !io::is_virtual(input) {
                for (id, sibling) in super::sibling_mask_names(&name) {
                    let path = dir.join(sibling);
                    if path.is_file() {
                        bands.insert(id.to_string(), path);
                    }
                }
            }
            Ok(Scene {
                input: input.to_path_buf(),
                kind: InputKind::Raster,
                mtl_path: None,
                metadata,
                bands,
                given_band: Some(band),
            })
        }
    }
}

/// Largest MTL read, bytes: real ones are 10–70 kB (old LPGS files padded to 64 kB).
const MAX_MTL_BYTES: u64 = 16 * 1024 * 1024;

fn with_mtl(
    input: &Path,
    kind: InputKind,
    mtl_path: &Path,
    paths: Vec<PathBuf>,
    given_band: Option<String>,
) -> Result<Scene> {
    if !io::is_virtual(mtl_path)
        && let Ok(m) = std::fs::metadata(mtl_path)
        && m.len() > MAX_MTL_BYTES
    {
        return Err(Error::metadata(
            mtl_path,
            format!(
                "{} bytes: too large for an MTL (they are tens of kB; limit {MAX_MTL_BYTES})",
                m.len()
            ),
        ));
    }
    let bytes = io::read_bytes(mtl_path)?;
    let metadata = parse_mtl(&bytes, mtl_path)?;
    if !metadata.missing_groups.is_empty() {
        tracing::warn!(
            "{}: no {} group: level-1 constants are taken from other groups or published \
             values where possible, else calibration fails",
            mtl_path.display(),
            metadata.missing_groups.join(" or ")
        );
    }
    if let Some(given) = &given_band {
        check_band_matches_mtl(input, given, &metadata)?;
    }
    // A file the MTL lists gets the MTL's band id; a renamed file (`l8_B10.tif`) the id its
    // name ends with.
    let listed: BTreeMap<String, &String> = metadata
        .band_files
        .iter()
        .map(|(id, file)| (file.to_ascii_uppercase(), id))
        .collect();
    let mut bands = BTreeMap::new();
    for p in paths {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let lower = name.to_ascii_lowercase();
        if !(lower.ends_with(".tif") || lower.ends_with(".tiff")) {
            continue;
        }
        let listed_id = listed.get(&name.to_ascii_uppercase());
        if listed_id.is_none()
            && let (Some(prefix), Some(pid)) =
                (product_prefix(&name), metadata.product_id.as_deref())
            // `…_T1_GM_B6_VCID_1.TIF` (Landsat 7 gap mask) is part of product `…_T1`.
            && !prefix
                .to_ascii_uppercase()
                .starts_with(&pid.to_ascii_uppercase())
        {
            if kind == InputKind::BandWithMtl {
                // A neighbour from another product in a shared download folder.
                continue;
            }
            return Err(Error::input(
                &p,
                format!(
                    "band file of product {prefix}, but the MTL {} describes product {pid} \
                     (LANDSAT_PRODUCT_ID): the band files, QA and MTL of a scene must come \
                     from one product",
                    mtl_path.display()
                ),
            ));
        }
        let id = listed_id
            .map(|id| id.to_string())
            .or_else(|| band_id_from_name(&name));
        if let Some(id) = id {
            bands.entry(id).or_insert(p);
        }
    }
    Ok(Scene {
        input: input.to_path_buf(),
        kind,
        mtl_path: Some(mtl_path.to_path_buf()),
        metadata,
        bands,
        given_band,
    })
}

/// A band file named after one product must not be decoded with another product's MTL.
fn check_band_matches_mtl(
    input: &Path,
    band: &str,
    metadata: &crate::mtl::SceneMetadata,
) -> Result<()> {
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let (Some(prefix), Some(pid)) = (product_prefix(&name), metadata.product_id.as_deref())
        && !prefix.eq_ignore_ascii_case(pid)
        && !metadata
            .band_files
            .values()
            .any(|f| f.eq_ignore_ascii_case(&name))
    {
        return Err(Error::input(
            input,
            format!(
                "band file belongs to product {prefix} but the MTL {} describes {pid}",
                metadata.source.display()
            ),
        ));
    }
    if !metadata.band_files.is_empty() && !metadata.band_files.contains_key(band) {
        return Err(Error::input(
            input,
            format!(
                "band {band} is not part of product {} (MTL {})",
                metadata.product_id.as_deref().unwrap_or("?"),
                metadata.source.display()
            ),
        ));
    }
    Ok(())
}

fn is_archive(p: &Path) -> bool {
    let n = p.to_string_lossy().to_ascii_lowercase();
    n.ends_with(".tar") || n.ends_with(".tar.gz") || n.ends_with(".tgz")
}

/// Names of the files in `dir`, in name order, symbolic links followed (a directory of links is
/// a common way to stage a product on a cluster or a scratch disk). An entry that is not a
/// readable file (a directory, a dangling link, a link loop) is an error naming it when
/// `strict(name)` (a product directory: any GeoTIFF or MTL, [`looks_like_input`]; the folder of
/// a single band file: the files of its own product, [`belongs_to`]); other entries are ignored.
fn list_dir(dir: &Path, strict: impl Fn(&str) -> bool) -> Result<Vec<String>> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut names = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        match io::regular_file(&entry.path()) {
            Ok(()) => names.push(name),
            Err(e) if strict(&name) => return Err(e),
            Err(e) => tracing::debug!("ignored: {e}"),
        }
    }
    names.sort();
    Ok(names)
}

/// In the folder of the single file `input` (a file name), an entry whose failure to read is an
/// error: a GeoTIFF or MTL of the same Landsat product (same name prefix). Anything else beside
/// a file (an output directory named `….tif`, a stale link) is none of its business: a generic
/// raster has no product, so nothing beside it is.
fn belongs_to(name: &str, input: &str) -> bool {
    product_prefix(input).is_some_and(|prefix| {
        looks_like_input(name)
            && name
                .to_ascii_uppercase()
                .starts_with(&prefix.to_ascii_uppercase())
    })
}

/// A GeoTIFF or an MTL by its name.
fn looks_like_input(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".tif") || lower.ends_with(".tiff") || is_mtl_name(name)
}

/// MTL preference: the product's own `<prefix>_MTL.*`, else the only MTL-like file. Among
/// formats of one product, text before JSON before XML (they carry the same content).
fn pick_mtl(dir: &Path, files: &[String], prefix: Option<&str>) -> Result<PathBuf> {
    let mut mtls: Vec<&String> = files.iter().filter(|f| is_mtl_name(f)).collect();
    if let Some(prefix) = prefix {
        let own: Vec<&String> = mtls
            .iter()
            .copied()
            .filter(|f| {
                f.to_ascii_uppercase()
                    .starts_with(&prefix.to_ascii_uppercase())
            })
            .collect();
        if !own.is_empty() {
            mtls = own;
        }
    }
    mtls.sort_by_key(|f| mtl_rank(f));
    let first = mtls.first().ok_or_else(|| no_mtl(dir, files))?;
    let distinct_products: std::collections::BTreeSet<String> = mtls
        .iter()
        .map(|f| {
            let upper = f.to_ascii_uppercase();
            upper.split("_MTL").next().unwrap_or(&upper).to_string()
        })
        .collect();
    if distinct_products.len() > 1 {
        return Err(Error::input(
            dir,
            format!("several MTL files ({}); name one with --mtl", mtls.len()),
        ));
    }
    Ok(dir.join(first))
}

/// The error for a directory without an MTL: a folder of drone tiles or LST rasters is not a
/// Landsat product, and the message says how to give them.
fn no_mtl(dir: &Path, files: &[String]) -> Error {
    let rasters = files.iter().filter(|f| looks_like_input(f)).count();
    if rasters == 0 {
        return Error::input(dir, "no *MTL* metadata file found; name one with --mtl");
    }
    Error::input(
        dir,
        format!(
            "no *MTL* metadata file found: a directory is read as one Landsat product (name its \
             MTL with --mtl). For the {rasters} GeoTIFF(s) here as thermal rasters without MTL \
             (drone tiles, LST), pass one file, or mosaic them first: gdalbuildvrt mosaic.vrt \
             {}/*.tif, then pass mosaic.vrt",
            dir.display()
        ),
    )
}

fn pick_mtl_member(archive: &Path, members: &[String]) -> Result<String> {
    let mut mtls: Vec<&String> = members.iter().filter(|m| is_mtl_name(m)).collect();
    mtls.sort_by_key(|f| mtl_rank(f));
    mtls.first()
        .map(|m| m.to_string())
        .ok_or_else(|| Error::input(archive, "the package holds no *MTL* metadata file"))
}

fn is_mtl_name(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name).to_ascii_uppercase();
    base.contains("MTL")
        && (base.ends_with(".TXT") || base.ends_with(".JSON") || base.ends_with(".XML"))
}

fn mtl_rank(name: &str) -> u8 {
    let n = name.to_ascii_lowercase();
    if n.ends_with(".txt") {
        0
    } else if n.ends_with(".json") {
        1
    } else {
        2
    }
}
