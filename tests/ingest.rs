//! `seamfire info` on every kind of input: product directory, tar and tar.gz packages read in
//! place, a band file next to its MTL, `--mtl` with arbitrary names, ASTER and generic rasters.

mod common;

use std::path::Path;

use common::{fixture, seamfire};
use ndarray::Array2;
use seamfire::raster::Unit;

fn info(args: &[&str]) -> serde_json::Value {
    let out = seamfire()
        .arg("info")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn s(v: &serde_json::Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

#[test]
fn product_directory() {
    let r = info(&[fixture("landsat8-l1t-pensacola-2015").to_str().unwrap()]);
    assert_eq!(s(&r["input_kind"]), "Directory");
    assert_eq!(s(&r["mission"]), "LANDSAT_8");
    assert_eq!(s(&r["sensor"]), "OLI_TIRS");
    assert_eq!(s(&r["collection"]), "PreCollection");
    assert_eq!(s(&r["level"]), "L1");
    assert_eq!(s(&r["acquisition_date"]), "2015-08-04");
    assert_eq!(s(&r["day_night"]), "day");
    assert_eq!(s(&r["thermal_band"]), "B10");
    // gdalinfo testdata/landsat8-l1t-pensacola-2015/l8_B10.tif: 627x603, EPSG:32616.
    assert_eq!(r["grid"]["width"], 627);
    assert_eq!(r["grid"]["height"], 603);
    assert_eq!(r["grid"]["epsg"], 32616);
    let bands: Vec<&str> = r["bands"].as_array().unwrap().iter().map(s).collect();
    for b in ["B10", "B11", "B4", "B5", "BQA"] {
        assert!(bands.contains(&b), "{bands:?}");
    }
}

#[test]
fn tar_and_tar_gz_packages_are_read_in_place() {
    // Widths from `gdalinfo /vsitar/<package>/<thermal band>`.
    let cases = [
        (
            "LC09_L1TP_112081_20220209_20220209_02_T1.tar",
            "LANDSAT_9",
            "OLI_TIRS",
            "C2",
            "B10",
            60,
        ),
        (
            "LE07_L1TP_107068_20220310_20220405_02_T1.tar",
            "LANDSAT_7",
            "ETM",
            "C2",
            "B6_VCID_1",
            20,
        ),
        (
            "LE07_L1TP_104078_20130429_20161124_01_T1.tar",
            "LANDSAT_7",
            "ETM",
            "C1",
            "B6_VCID_1",
            60,
        ),
        (
            "LT05_L1TP_090085_19970406_20161231_01_T1.tar.gz",
            "LANDSAT_5",
            "TM",
            "C1",
            "B6",
            60,
        ),
        (
            "LC08_L1TP_090084_20160121_20170405_01_T1.tar.gz",
            "LANDSAT_8",
            "OLI_TIRS",
            "C1",
            "B10",
            60,
        ),
        (
            "LE07_L1GT_104078_20131209_20161119_01_T2.tar.gz",
            "LANDSAT_7",
            "ETM",
            "C1",
            "B6_VCID_1",
            60,
        ),
    ];
    for (pkg, mission, sensor, collection, thermal, width) in cases {
        let path = fixture(&format!("landsat-tiny-formats/{pkg}"));
        let before = std::fs::metadata(&path).unwrap().modified().unwrap();
        let dir_before = common::listing(path.parent().unwrap());
        let r = info(&[path.to_str().unwrap()]);
        assert_eq!(s(&r["input_kind"]), "Archive", "{pkg}");
        assert_eq!(s(&r["mission"]), mission, "{pkg}");
        assert_eq!(s(&r["sensor"]), sensor, "{pkg}");
        assert_eq!(s(&r["collection"]), collection, "{pkg}");
        assert_eq!(s(&r["thermal_band"]), thermal, "{pkg}");
        assert!(s(&r["source"]).starts_with("/vsitar/"), "{pkg}");
        assert_eq!(r["grid"]["width"], width, "{pkg}");
        // Read in place: the package is untouched and nothing was extracted beside it.
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            before
        );
        let dir_after = common::listing(path.parent().unwrap());
        assert_eq!(
            dir_after, dir_before,
            "side-car files written next to {pkg}"
        );
    }
}

#[test]
fn calibrate_from_a_tar_package() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bt.tif");
    let pkg = fixture("landsat-tiny-formats/LC09_L1TP_112081_20220209_20220209_02_T1.tar");
    seamfire()
        .args(["calibrate", pkg.to_str().unwrap(), "--out"])
        .arg(&out)
        .assert()
        .success();
    // Same band read from the unpacked copy of the product, calibrated the same way.
    let out2 = dir.path().join("bt2.tif");
    let unpacked = fixture("landsat-tiny-formats/LC09_L1TP_112081_20220209_20220209_02_T1");
    seamfire()
        .args(["calibrate", unpacked.to_str().unwrap(), "--out"])
        .arg(&out2)
        .assert()
        .success();
    common::assert_close(&out, &out2, 0.0, &[]);
}

#[test]
fn band_file_next_to_its_mtl_and_explicit_mtl() {
    let r = info(&[
        fixture("landsat5-tm-para-1988/LT52240631988227CUB02_B6.TIF")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(s(&r["input_kind"]), "BandWithMtl");
    assert_eq!(s(&r["mission"]), "LANDSAT_5");
    assert_eq!(s(&r["thermal_band"]), "B6");

    // --mtl names the metadata whatever it is called.
    let dir = tempfile::tempdir().unwrap();
    let src = fixture("landsat8-l1t-pensacola-2015");
    std::fs::copy(src.join("l8_B10.tif"), dir.path().join("l8_B10.tif")).unwrap();
    std::fs::copy(src.join("l8_MTL.txt"), dir.path().join("metadata.odl")).unwrap();
    let band = dir.path().join("l8_B10.tif");
    let mtl = dir.path().join("metadata.odl");
    let r = info(&[band.to_str().unwrap(), "--mtl", mtl.to_str().unwrap()]);
    assert_eq!(s(&r["mission"]), "LANDSAT_8");
    assert_eq!(s(&r["thermal_band"]), "B10");
}

fn write_raster<T: gdal::raster::GdalType + seamfire::raster::pyramid::PyramidValue>(
    path: &Path,
    data: Array2<T>,
    unit: Unit,
) {
    common::write_utm_raster(path, data, 90.0, unit, None);
}

#[test]
fn aster_tir_band_uses_handbook_constants() {
    let dir = tempfile::tempdir().unwrap();
    let band = dir
        .path()
        .join("AST_L1T_00308142015044017_20150815_TIR_B13.tif");
    let mut dn = Array2::<u16>::from_elem((4, 4), 1000);
    dn[[0, 0]] = 0;
    dn[[1, 1]] = 3000;
    write_raster(&band, dn, Unit::Dn);
    let r = info(&[band.to_str().unwrap()]);
    assert_eq!(s(&r["sensor"]), "ASTER");
    assert_eq!(s(&r["acquisition_date"]), "2015-08-14");
    let out = dir.path().join("bt.tif");
    let res = seamfire()
        .args(["calibrate", band.to_str().unwrap(), "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(res.status.success());
    assert!(String::from_utf8_lossy(&res.stderr).contains("K1=866.468575"));
    let bt = common::read_f32(&out);
    assert!(bt.data[[0, 0]].is_nan(), "DN 0 is fill");
    // python3: L=(1000-1)*0.005693; 1350.069147/math.log(866.468575/L+1) = 268.2577
    assert!(
        (f64::from(bt.data[[0, 1]]) - 268.2577).abs() < 1e-3,
        "{}",
        bt.data[[0, 1]]
    );
    // DN 3000 → 342.0995 K
    assert!((f64::from(bt.data[[1, 1]]) - 342.0995).abs() < 1e-3);
}

#[test]
fn a_single_file_ignores_what_lies_beside_it_but_its_own_product() {
    // A drone mosaic in a working folder that also holds an earlier run's output directory
    // named like a GeoTIFF and a stale link: neither is the mosaic's business.
    let dir = tempfile::tempdir().unwrap();
    let mosaic = dir.path().join("ortho_thermal.tif");
    write_raster(
        &mosaic,
        Array2::<f32>::from_elem((5, 5), 25.3),
        Unit::Celsius,
    );
    std::fs::create_dir(dir.path().join("run1.tif")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("moved.tif"), dir.path().join("old.tif")).unwrap();
    let r = info(&[mosaic.to_str().unwrap()]);
    assert_eq!(s(&r["mission"]), "GENERIC");
    let out = dir.path().join("bt.tif");
    seamfire()
        .args(["calibrate", mosaic.to_str().unwrap(), "--out"])
        .arg(&out)
        .assert()
        .success();
    assert!((common::read_f32(&out).data[[0, 0]] - 298.45).abs() < 1e-4);

    // A Landsat band file whose own product's MTL is a dangling link: that is an error naming
    // the link, as in a product directory.
    let band_name = "LT05_L1TP_224063_19880814_20200917_02_T1_B6.TIF";
    let src = fixture("landsat5-tm-para-1988/LT52240631988227CUB02_B6.TIF");
    let band = dir.path().join(band_name);
    std::fs::copy(&src, &band).unwrap();
    let mtl = dir
        .path()
        .join("LT05_L1TP_224063_19880814_20200917_02_T1_MTL.txt");
    std::os::unix::fs::symlink(dir.path().join("nowhere.txt"), &mtl).unwrap();
    let out = seamfire()
        .args(["info", band.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("_MTL.txt") && err.contains("symbolic link whose target does not exist"),
        "{err}"
    );
}

#[test]
fn generic_drone_mosaic_in_celsius_and_scaled_dn() {
    let dir = tempfile::tempdir().unwrap();
    let mosaic = dir.path().join("ortho_thermal.tif");
    let mut t = Array2::<f32>::from_elem((5, 5), 25.3);
    t[[2, 2]] = 412.0; // a burning vent: never capped
    write_raster(&mosaic, t, Unit::Celsius);
    let r = info(&[mosaic.to_str().unwrap()]);
    assert_eq!(s(&r["mission"]), "GENERIC");
    let out = dir.path().join("bt.tif");
    // The unit tag ("deg C") is enough.
    seamfire()
        .args(["calibrate", mosaic.to_str().unwrap(), "--out"])
        .arg(&out)
        .assert()
        .success();
    let bt = common::read_f32(&out);
    assert!((bt.data[[0, 0]] - 298.45).abs() < 1e-4);
    assert!((bt.data[[2, 2]] - 685.15).abs() < 1e-3);

    // Radiometric DN with a scale: K = 0.04 * DN.
    let dnfile = dir.path().join("radiometric.tif");
    write_raster(&dnfile, Array2::<u16>::from_elem((3, 3), 7500), Unit::Dn);
    let out2 = dir.path().join("bt2.tif");
    seamfire()
        .args([
            "calibrate",
            dnfile.to_str().unwrap(),
            "--input-unit",
            "kelvin",
            "--scale",
            "0.04",
            "--out",
        ])
        .arg(&out2)
        .assert()
        .success();
    assert!((common::read_f32(&out2).data[[1, 1]] - 300.0).abs() < 1e-4);

    // Temperatures from a floating-point raster are continuous and compress with the
    // floating-point predictor; from integer counts, without one (io::Predictor).
    let predictor = |path: &Path| {
        use gdal::Metadata;
        gdal::Dataset::open(path)
            .unwrap()
            .metadata_item("PREDICTOR", "IMAGE_STRUCTURE")
    };
    assert_eq!(predictor(&out).as_deref(), Some("3"), "from Float32");
    assert_eq!(predictor(&out2), None, "from UInt16 counts");
}

#[test]
fn a_generic_stack_says_which_band_it_reads() {
    let dir = tempfile::tempdir().unwrap();
    let single = dir.path().join("t.tif");
    write_raster(
        &single,
        Array2::<f32>::from_elem((4, 4), 301.5),
        Unit::Kelvin,
    );
    // The same band twice, then a band of 250 K: band 1 is the one read.
    let stack = dir.path().join("stack.tif");
    {
        let src = gdal::Dataset::open(&single).unwrap();
        let drv = gdal::DriverManager::get_driver_by_name("GTiff").unwrap();
        let mut ds = drv
            .create_with_band_type::<f32, _>(&stack, 4, 4, 2)
            .unwrap();
        ds.set_geo_transform(&src.geo_transform().unwrap()).unwrap();
        ds.set_projection(&src.projection()).unwrap();
        for (b, v) in [(1, 301.5f32), (2, 250.0)] {
            let mut buf = gdal::raster::Buffer::new((4, 4), vec![v; 16]);
            ds.rasterband(b)
                .unwrap()
                .write((0, 0), (4, 4), &mut buf)
                .unwrap();
        }
    }
    let out = dir.path().join("bt.tif");
    let run = common::run_ok(
        seamfire()
            .args([
                "calibrate",
                stack.to_str().unwrap(),
                "--input-unit",
                "kelvin",
                "--out",
            ])
            .arg(&out),
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("holds 2 bands") && stderr.contains("band 1"),
        "{stderr}"
    );
    assert_eq!(common::read_f32(&out).data[[3, 3]], 301.5);
    // A single band says nothing of the kind.
    let run = common::run_ok(
        seamfire()
            .args(["calibrate", single.to_str().unwrap(), "--out"])
            .arg(dir.path().join("bt1.tif")),
    );
    assert!(!String::from_utf8_lossy(&run.stderr).contains("bands;"));
}

#[test]
fn windowed_read_matches_whole_band() {
    let path = fixture("landsat8-l1t-pensacola-2015/l8_B10.tif");
    let whole = seamfire::io::read_band::<u16>(&path, 1).unwrap();
    let win = seamfire::io::read_window::<u16>(&path, 1, (100, 200), (50, 70)).unwrap();
    assert_eq!(win.data, whole.data.slice(ndarray::s![100..150, 200..270]));
    // Window origin = pixel (100, 200) corner: x 452475 + 200*30, y 3408645 - 100*30.
    assert_eq!(win.georef.transform.0[0], 458_475.0);
    assert_eq!(win.georef.transform.0[3], 3_405_645.0);
    let err = seamfire::io::read_window::<u16>(&path, 1, (600, 0), (10, 10)).unwrap_err();
    assert!(err.to_string().contains("l8_B10.tif") && err.to_string().contains("outside"));
}

/// 120 x 120 kelvin values: 290 K with a ±0.3 K checkerboard and a 3 x 3 block at 304 K at
/// rows and columns 59–61 (across the corner of four 60 x 60 tiles).
fn block_scene() -> Array2<f32> {
    Array2::<f32>::from_shape_fn((120, 120), |(r, c)| {
        if (59..=61).contains(&r) && (59..=61).contains(&c) {
            304.0
        } else {
            290.0 + if (r + c).is_multiple_of(2) { 0.3 } else { -0.3 }
        }
    })
}

#[test]
fn tiles_are_read_through_a_vrt_and_a_folder_of_them_says_so() {
    // A 120 x 120 kelvin scene (290 K, ±0.3 K checkerboard, a 3 x 3 block at 304 K across the
    // tiles' corner, rows and columns 59–61) written whole and as four 60 x 60 tiles, with a
    // VRT mosaic of the tiles as `gdalbuildvrt` writes it.
    let dir = tempfile::tempdir().unwrap();
    let t = block_scene();
    let whole = dir.path().join("whole.tif");
    common::write_utm_raster(&whole, t.clone(), 30.0, Unit::Kelvin, None);
    let tiles = dir.path().join("tiles");
    std::fs::create_dir(&tiles).unwrap();
    let mut sources = String::new();
    for (i, j) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
        let name = format!("t{i}{j}.tif");
        let part = t.slice(ndarray::s![i * 60..(i + 1) * 60, j * 60..(j + 1) * 60]);
        let path = tiles.join(&name);
        common::write_utm_raster(&path, part.to_owned(), 30.0, Unit::Kelvin, None);
        // The tile's own origin: shift its geotransform to its place in the mosaic.
        let mut ds = gdal::Dataset::open_ex(
            &path,
            gdal::DatasetOptions {
                open_flags: gdal::GdalOpenFlags::GDAL_OF_UPDATE,
                ..Default::default()
            },
        )
        .unwrap();
        let (x0, y0) = (
            500_000.0 + 1800.0 * j as f64,
            4_400_000.0 - 1800.0 * i as f64,
        );
        ds.set_geo_transform(&[x0, 30.0, 0.0, y0, 0.0, -30.0])
            .unwrap();
        ds.close().unwrap();
        sources.push_str(&format!(
            "<SimpleSource><SourceFilename relativeToVRT=\"1\">tiles/{name}</SourceFilename>\
             <SourceBand>1</SourceBand><SrcRect xOff=\"0\" yOff=\"0\" xSize=\"60\" ySize=\"60\"/>\
             <DstRect xOff=\"{}\" yOff=\"{}\" xSize=\"60\" ySize=\"60\"/></SimpleSource>",
            60 * j,
            60 * i
        ));
    }
    let wkt = gdal::spatial_ref::SpatialRef::from_epsg(32649)
        .unwrap()
        .to_wkt()
        .unwrap()
        .replace('"', "&quot;");
    let vrt = dir.path().join("mosaic.vrt");
    std::fs::write(
        &vrt,
        format!(
            "<VRTDataset rasterXSize=\"120\" rasterYSize=\"120\"><SRS>{wkt}</SRS>\
             <GeoTransform>500000, 30, 0, 4400000, 0, -30</GeoTransform>\
             <VRTRasterBand dataType=\"Float32\" band=\"1\"><UnitType>K</UnitType>{sources}\
             </VRTRasterBand></VRTDataset>"
        ),
    )
    .unwrap();
    let detect = |input: &Path, out: &Path| {
        seamfire()
            .arg("detect")
            .arg(input)
            .args(["--products", "none", "--out"])
            .arg(out)
            .output()
            .unwrap()
    };
    let zones = |out: &Path| {
        let rec: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("detection.json")).unwrap()).unwrap();
        (rec["methods"][0]["valid"].clone(), rec["zones"].clone())
    };
    let (o_whole, o_vrt) = (dir.path().join("o_whole"), dir.path().join("o_vrt"));
    assert!(detect(&whole, &o_whole).status.success());
    let res = detect(&vrt, &o_vrt);
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let (valid, z) = zones(&o_vrt);
    assert_eq!(valid, 14_400);
    assert_eq!(z.as_array().unwrap().len(), 1, "{z}");
    assert_eq!((valid, z), zones(&o_whole), "the mosaic is the whole scene");

    // The folder itself is not a Landsat product: the message says how to give the tiles.
    let o_dir = dir.path().join("o_dir");
    let res = detect(&tiles, &o_dir);
    assert!(!res.status.success());
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(
        err.contains("4 GeoTIFF(s)") && err.contains("gdalbuildvrt mosaic.vrt"),
        "{err}"
    );
    assert!(!o_dir.exists());
}

#[test]
fn a_product_with_lower_case_file_names_is_the_same_product() {
    // Some download tools and file systems lower-case names. The product's three MTL
    // encodings (`…_mtl.txt`, `.json`, `.xml`) were then taken for three products.
    let src = fixture("landsat-tiny-formats/LC08_L1GT_089074_20220506_20220512_02_T2");
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().to_lowercase();
        std::fs::copy(e.path(), dir.path().join(name)).unwrap();
    }
    let lower = info(&[dir.path().to_str().unwrap()]);
    let upper = info(&[src.to_str().unwrap()]);
    assert!(s(&lower["source"]).ends_with("_mtl.txt"), "{lower}");
    for key in ["product_id", "mission", "level", "thermal_band", "bands"] {
        assert_eq!(lower[key], upper[key], "{key}");
    }
}

#[test]
fn a_subdataset_is_read_by_its_gdal_name_and_a_container_says_which_there_are() {
    // The 120 x 120 scene of `tiles_are_read_through_a_vrt…` (290 K ± 0.3 K, a 304 K block) as
    // a GeoTIFF, as the one variable of a NetCDF file, and as two tables of a GeoPackage.
    let dir = tempfile::tempdir().unwrap();
    let t = block_scene();
    let tif = dir.path().join("scene.tif");
    common::write_utm_raster(&tif, t, 30.0, Unit::Kelvin, None);
    let src = gdal::Dataset::open(&tif).unwrap();
    let copy = |driver: &str, file: &str, options: &[(&str, &str)]| {
        let mut co = gdal::raster::RasterCreationOptions::new();
        for (k, v) in options {
            co.set_name_value(k, v).unwrap();
        }
        let d = gdal::DriverManager::get_driver_by_name(driver).unwrap();
        src.create_copy(&d, dir.path().join(file), &co)
            .unwrap()
            .close()
            .unwrap();
    };
    copy("netCDF", "scene.nc", &[]);
    copy(
        "GPKG",
        "two.gpkg",
        &[("RASTER_TABLE", "a"), ("TILE_FORMAT", "TIFF")],
    );
    copy(
        "GPKG",
        "two.gpkg",
        &[
            ("RASTER_TABLE", "b"),
            ("TILE_FORMAT", "TIFF"),
            ("APPEND_SUBDATASET", "YES"),
        ],
    );
    let detect = |input: &str, out: &str| {
        let out = dir.path().join(out);
        let res = seamfire()
            .current_dir(dir.path())
            .args([
                "detect",
                input,
                "--input-unit",
                "kelvin",
                "--products",
                "none",
            ])
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        (res, out)
    };
    let (res, o_tif) = detect("scene.tif", "o_tif");
    assert!(res.status.success());
    // Relative to the working directory, as GDAL reads it.
    let (res, o_nc) = detect("NETCDF:\"scene.nc\":Band1", "o_nc");
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let record = |o: &Path| {
        let rec: serde_json::Value =
            serde_json::from_slice(&std::fs::read(o.join("detection.json")).unwrap()).unwrap();
        (
            rec["methods"][0]["valid"].clone(),
            rec["zones"].as_array().unwrap().len(),
        )
    };
    assert_eq!(record(&o_nc), record(&o_tif));
    assert_eq!(record(&o_nc).1, 1);
    // The hotspots name the scene by its file and variable, not by the raw GDAL name.
    let csv = std::fs::read_to_string(o_nc.join("hotspots.csv")).unwrap();
    assert!(csv.contains(",scene_Band1,"), "{csv}");

    let (res, o_gpkg) = detect("two.gpkg", "o_gpkg");
    assert!(!res.status.success());
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(
        err.contains("holds 2 subdatasets") && err.contains("'GPKG:two.gpkg:a'"),
        "{err}"
    );
    assert!(!o_gpkg.exists());
}

#[test]
fn info_gives_a_geographic_grid_s_pixel_in_degrees_and_ground_metres() {
    // The held-out ECOSTRESS crop is on EPSG:4326: its pixel is 0.000631°, which `info` printed
    // as "0.000631 m". Expected ground size at the middle row's latitude φ on WGS84, by the
    // radii of curvature: width = N cos φ · Δλ, height = M · Δφ (Δ in radians).
    let path = fixture("ecostress-la/ECO_L2_LSTE.002_LST_doy2023207063732_aid0001_crop.tif");
    let r = info(&[path.to_str().unwrap()]);
    let g = &r["grid"];
    assert_eq!(g["geographic"], true);
    let gt: Vec<f64> = g["geotransform"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let rows = g["height"].as_f64().unwrap();
    let phi = (gt[3] + gt[5] * rows / 2.0).to_radians();
    let (a, f) = (6_378_137.0f64, 1.0 / 298.257_223_563);
    let e2 = f * (2.0 - f);
    let w = 1.0 - e2 * phi.sin().powi(2);
    let n = a / w.sqrt();
    let m = a * (1.0 - e2) / w.powf(1.5);
    let want = [
        n * phi.cos() * gt[1].to_radians(),
        m * gt[5].abs().to_radians(),
    ];
    for (i, want) in want.into_iter().enumerate() {
        let got = g["ground_pixel_m"][i].as_f64().unwrap();
        assert!((got - want).abs() < 0.05, "{i}: {got} vs {want}");
    }
    let text = seamfire().arg("info").arg(&path).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("° x -") && text.contains("m on the ground"),
        "{text}"
    );
}

#[test]
fn a_pipeline_scene_named_by_subdataset_is_redone_when_its_container_changes() {
    // The block scene as the variable of a NetCDF file, named in a pipeline relative to it:
    // the run resolves the file against the pipeline's folder, skips the scene when nothing
    // changed, and redoes it when the container file is rewritten.
    let dir = tempfile::tempdir().unwrap();
    let tif = dir.path().join("scene.tif");
    let nc = dir.path().join("scene.nc");
    let write_nc = |offset_k: f32| {
        common::write_utm_raster(&tif, block_scene() + offset_k, 30.0, Unit::Kelvin, None);
        let d = gdal::DriverManager::get_driver_by_name("netCDF").unwrap();
        let co = gdal::raster::RasterCreationOptions::new();
        gdal::Dataset::open(&tif)
            .unwrap()
            .create_copy(&d, &nc, &co)
            .unwrap()
            .close()
            .unwrap();
    };
    write_nc(0.0);
    let pipeline = dir.path().join("survey.toml");
    std::fs::write(
        &pipeline,
        "name = \"t\"\noutput = \"out\"\nproducts = [\"rasters\"]\n[[scene]]\n\
         path = 'NETCDF:\"scene.nc\":Band1'\ninput_unit = \"kelvin\"\n",
    )
    .unwrap();
    let outcome = || {
        let mut all = common::outcome_of(&dir.path().join("out"));
        all.pop_first().unwrap()
    };
    // Run from elsewhere: the file is found through the pipeline's folder.
    let run = || {
        common::run_ok(
            seamfire()
                .current_dir(std::env::temp_dir())
                .arg("run")
                .arg(&pipeline),
        )
    };
    run();
    assert_eq!(outcome(), ("scene_Band1".into(), "done".into()));
    run();
    assert_eq!(outcome().1, "skipped");
    write_nc(0.5);
    run();
    assert_eq!(outcome().1, "done", "the container changed");
}
