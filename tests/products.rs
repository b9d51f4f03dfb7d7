//! Map products (`docs/products.md`): thermal map and orthophoto COGs, PNG quicklooks with
//! world file and CRS side-car, JSON side-cars, QGIS styles and project; written by
//! `seamfire detect --products …` and `seamfire render DIR`.

mod common;

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};

use common::{fixture, listing, read_json, seamfire};
use gdal::Dataset;
use gdal::Metadata;
use gdal::raster::{ColorInterpretation, GdalDataType};
use gdal::spatial_ref::SpatialRef;
use ndarray::Array2;
use seamfire::raster::{GeoTransform, Georef, Raster, Unit};

const PENSACOLA: &str = "landsat8-l1t-pensacola-2015";
const CORUMBA: &str = "LC08_L1TP_227074_20190825_20200826_02_T1";

fn run_ok(args: &[&str]) -> String {
    let res = seamfire().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&res.stderr).into_owned();
    assert!(res.status.success(), "seamfire {args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn detect(input: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "detect",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run_ok(&args);
}

fn open(path: &Path) -> Dataset {
    Dataset::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn epsg_of(ds: &Dataset) -> Option<i32> {
    ds.spatial_ref().ok().and_then(|s| s.auth_code().ok())
}

/// Reads all bands of an 8-bit image as `[band][row * width + col]`.
fn bytes_of(ds: &Dataset) -> Vec<Vec<u8>> {
    let (w, h) = ds.raster_size();
    (1..=ds.raster_count())
        .map(|i| {
            ds.rasterband(i)
                .unwrap()
                .read_as::<u8>((0, 0), (w, h), (w, h), None)
                .unwrap()
                .into_shape_and_vec()
                .1
        })
        .collect()
}

/// An RGBA COG as the products are written: 4 Byte bands R/G/B/Alpha, GDAL says
/// `LAYOUT=COG`, and the `tiff` crate sees 256x256 tiles and, for an image larger than one
/// tile, overviews after it (GDAL's `OVERVIEWS=AUTO` stops when one tile holds the image).
fn assert_rgba_cog(path: &Path) {
    let ds = open(path);
    assert_eq!(ds.raster_count(), 4, "{}", path.display());
    let interp = [
        ColorInterpretation::RedBand,
        ColorInterpretation::GreenBand,
        ColorInterpretation::BlueBand,
        ColorInterpretation::AlphaBand,
    ];
    for (i, ci) in interp.iter().enumerate() {
        let b = ds.rasterband(i + 1).unwrap();
        assert_eq!(b.band_type(), GdalDataType::UInt8);
        assert_eq!(
            b.color_interpretation(),
            *ci,
            "band {} of {}",
            i + 1,
            path.display()
        );
        assert_eq!(b.no_data_value(), None, "transparency is the alpha band's");
    }
    assert!(ds.rasterband(1).unwrap().mask_flags().unwrap().is_alpha());
    assert_eq!(
        ds.metadata_item("LAYOUT", "IMAGE_STRUCTURE").as_deref(),
        Some("COG"),
        "{}",
        path.display()
    );
    let mut dec = tiff::decoder::Decoder::new(File::open(path).unwrap()).unwrap();
    assert_eq!(
        dec.chunk_dimensions(),
        (256, 256),
        "tiles of {}",
        path.display()
    );
    let (w, h) = dec.dimensions().unwrap();
    if w.max(h) <= 256 {
        assert!(
            !dec.more_images(),
            "{}: one tile, no overview",
            path.display()
        );
        return;
    }
    assert!(dec.more_images(), "{} has overviews", path.display());
    dec.next_image().unwrap();
    let (ow, oh) = dec.dimensions().unwrap();
    assert!(ow < w && oh < h, "overview {ow}x{oh} of {w}x{h}");
}

/// `(gt, epsg, size)` of a raster.
fn grid_of(path: &Path) -> ([f64; 6], Option<i32>, (usize, usize)) {
    let ds = open(path);
    (ds.geo_transform().unwrap(), epsg_of(&ds), ds.raster_size())
}

/// The six numbers of a world file.
fn world_file(path: &Path) -> Vec<f64> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| l.trim().parse::<f64>().unwrap())
        .collect()
}

/// A quicklook PNG: same pixels as the COG (the test scenes are below the 4096 px quicklook
/// limit), world file = geotransform shifted to the centre of pixel (0, 0), CRS from the
/// `.aux.xml` side-car, all as GDAL reads them.
fn assert_quicklook(png: &Path, cog: &Path) {
    let (gt, epsg, (w, h)) = grid_of(cog);
    let img = image::open(png).unwrap().to_rgba8();
    assert_eq!((img.width() as usize, img.height() as usize), (w, h));
    let cog_bytes = bytes_of(&open(cog));
    for (i, px) in img.pixels().enumerate() {
        let expected = [
            cog_bytes[0][i],
            cog_bytes[1][i],
            cog_bytes[2][i],
            cog_bytes[3][i],
        ];
        assert_eq!(px.0, expected, "pixel {i} of {}", png.display());
    }
    let wld = world_file(&png.with_extension("pgw"));
    let expected = [
        gt[1],
        gt[4],
        gt[2],
        gt[5],
        gt[0] + gt[1] / 2.0 + gt[2] / 2.0,
        gt[3] + gt[4] / 2.0 + gt[5] / 2.0,
    ];
    assert_eq!(wld, expected, "world file of {}", png.display());
    // GDAL reads the world file and the .aux.xml (PAM must be on for this thread: the library
    // turns it off to never write side-cars next to inputs).
    gdal::config::set_thread_local_config_option("GDAL_PAM_ENABLED", "YES").unwrap();
    let ds = open(png);
    gdal::config::set_thread_local_config_option("GDAL_PAM_ENABLED", "").unwrap();
    assert_eq!(ds.geo_transform().unwrap(), gt, "{}", png.display());
    assert_eq!(
        epsg_of(&ds),
        epsg,
        "CRS of {} from its .aux.xml",
        png.display()
    );
}

/// Every element name of an XML document (quick-xml checks nesting and end names, so a
/// document that parses to the end is well-formed); also the
/// `<datasource>` texts and the `source` attributes of `<layer-tree-layer>`.
struct Xml {
    names: Vec<String>,
    datasources: Vec<String>,
    tree_sources: Vec<String>,
    groups: Vec<String>,
}

fn parse_xml(path: &Path) -> Xml {
    use quick_xml::events::Event;
    let text = std::fs::read_to_string(path).unwrap();
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut out = Xml {
        names: vec![],
        datasources: vec![],
        tree_sources: vec![],
        groups: vec![],
    };
    let mut in_datasource = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                in_datasource = name == "datasource";
                for a in e.attributes() {
                    let a = a.unwrap();
                    let v = a.unescape_value().unwrap().into_owned();
                    match (name.as_str(), a.key.as_ref()) {
                        ("layer-tree-layer", b"source") => out.tree_sources.push(v),
                        ("layer-tree-group", b"name") => out.groups.push(v),
                        _ => {}
                    }
                }
                out.names.push(name);
            }
            Ok(Event::Text(t)) if in_datasource => {
                out.datasources.push(t.unescape().unwrap().into_owned());
                in_datasource = false;
            }
            Ok(Event::End(_)) => in_datasource = false,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{} not well-formed: {e}", path.display()),
        }
    }
    out
}

/// Every `.qml` and the project parse; every raster and GeoJSON product has a `.qml` of the
/// same base name; the project's layer sources are relative paths of existing files and cover
/// every product. Returns the project.
fn assert_qgis(dir: &Path) -> Xml {
    let files = listing(dir);
    let products: BTreeSet<String> = files
        .iter()
        .filter(|f| f.ends_with(".tif") || f.ends_with(".geojson"))
        .cloned()
        .collect();
    for p in &products {
        let stem = p.rsplit_once('.').unwrap().0;
        let qml = dir.join(format!("{stem}.qml"));
        assert!(qml.exists(), "{} has no style", p);
        let x = parse_xml(&qml);
        assert_eq!(x.names[0], "qgis", "{}", qml.display());
        let text = std::fs::read_to_string(&qml).unwrap();
        assert!(text.contains("version=\"3.22"), "{}", qml.display());
    }
    let qgs = dir.join("seamfire.qgs");
    let x = parse_xml(&qgs);
    assert_eq!(x.names[0], "qgis");
    assert_eq!(x.groups, ["Detections", "Context", "Thermal", "Optical"]);
    let mut listed = BTreeSet::new();
    for src in x.datasources.iter().chain(x.tree_sources.iter()) {
        let rel = src
            .strip_prefix("./")
            .unwrap_or_else(|| panic!("source {src} is not a relative ./ path"));
        assert!(!Path::new(rel).is_absolute());
        assert!(dir.join(rel).exists(), "{src} does not exist");
        listed.insert(rel.to_string());
    }
    assert_eq!(listed, products, "the project lists every product");
    assert_eq!(x.datasources.len(), products.len());
    x
}

fn no_partials(dir: &Path) {
    let left: Vec<String> = listing(dir)
        .into_iter()
        .filter(|f| f.ends_with(".partial"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn pensacola_thermal_map_orthophoto_and_project() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    detect(
        &fixture(PENSACOLA),
        &out,
        &["--products", "thermal,ortho,qgis"],
    );
    no_partials(&out);
    for f in [
        "thermal_map.tif",
        "thermal_map.png",
        "thermal_map.pgw",
        "thermal_map.png.aux.xml",
        "thermal_map.json",
        "orthophoto.tif",
        "orthophoto.png",
        "orthophoto.pgw",
        "orthophoto.png.aux.xml",
        "orthophoto.json",
        "seamfire.qgs",
    ] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    // No B7 in this crop: no SWIR composite; no sheets asked for.
    assert!(!out.join("orthophoto_swir.tif").exists());
    assert!(!out.join("maps").exists());

    // Same grid and CRS as bt.tif (the scene's native grid, EPSG:32616, 30 m).
    let (bt_gt, bt_epsg, bt_size) = grid_of(&out.join("bt.tif"));
    assert_eq!(bt_gt, [452_475.0, 30.0, 0.0, 3_408_645.0, 0.0, -30.0]);
    assert_eq!(bt_epsg, Some(32616));
    for f in ["thermal_map.tif", "orthophoto.tif"] {
        assert_eq!(grid_of(&out.join(f)), (bt_gt, bt_epsg, bt_size), "{f}");
        assert_rgba_cog(&out.join(f));
    }

    // The legend side-car: exactly these keys.
    let info = read_json(&out.join("thermal_map.json"));
    let keys: BTreeSet<&str> = info
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from(["max_k", "min_k", "palette", "quantity", "source"])
    );
    assert_eq!(info["palette"], "inferno");
    assert_eq!(info["source"], "bt.tif");
    assert_eq!(info["quantity"], "brightness temperature (K)");
    let (min_k, max_k) = (
        info["min_k"].as_f64().unwrap(),
        info["max_k"].as_f64().unwrap(),
    );
    // Robust range of B10 (oracle pensacola_b10_bt: 253.78–303.00 K over the scene).
    assert!(
        min_k > 253.7 && max_k < 303.1 && min_k < max_k,
        "{min_k} {max_k}"
    );
    assert!(
        ((min_k * 10.0).round() - min_k * 10.0).abs() < 1e-9,
        "0.1 K steps"
    );

    // Pixels of known BT get the palette colour they should.
    let bt = seamfire::io::read_band::<f32>(&out.join("bt.tif"), 1).unwrap();
    let tm = bytes_of(&open(&out.join("thermal_map.tif")));
    let width = bt.shape().1;
    let mut checked = 0;
    let mut hottest = (0usize, f32::MIN);
    for ((r, c), &v) in bt.data.indexed_iter() {
        if v > hottest.1 {
            hottest = ((r * width + c), v);
        }
    }
    // The hottest pixel (303.0 K, above max_k) takes the last inferno entry, published as
    // (0.988362, 0.998364, 0.644924) → (252, 255, 164).
    let i = hottest.0;
    assert_eq!(
        [tm[0][i], tm[1][i], tm[2][i], tm[3][i]],
        [252, 255, 164, 255]
    );
    for ((r, c), &v) in bt.data.indexed_iter().step_by(997) {
        let i = r * width + c;
        let t = ((f64::from(v) - min_k) / (max_k - min_k) * 255.0)
            .round()
            .clamp(0.0, 255.0) as u8;
        let [er, eg, eb] = seamfire::render::Palette::Inferno.rgb8(t);
        assert_eq!(
            [tm[0][i], tm[1][i], tm[2][i], tm[3][i]],
            [er, eg, eb, 255],
            "{v} K at ({r}, {c})"
        );
        checked += 1;
    }
    assert!(checked > 300);
    // Entry 0 (published (0.001462, 0.000466, 0.013866) → (0, 0, 4)) for the coldest pixel.
    let coldest = bt
        .data
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .unwrap()
        .0;
    assert_eq!(
        [
            tm[0][coldest],
            tm[1][coldest],
            tm[2][coldest],
            tm[3][coldest]
        ],
        [0, 0, 4, 255]
    );

    // Orthophoto: every pixel has B2–B4 here, so alpha is 255 everywhere.
    let ortho = bytes_of(&open(&out.join("orthophoto.tif")));
    assert!(ortho[3].iter().all(|&a| a == 255));
    let oj = read_json(&out.join("orthophoto.json"));
    assert_eq!(oj["bands"], serde_json::json!(["B4", "B3", "B2"]));
    assert_eq!(oj["grid_factor"], 1);
    assert_eq!(oj["pansharpened"], false);

    assert_quicklook(&out.join("thermal_map.png"), &out.join("thermal_map.tif"));
    assert_quicklook(&out.join("orthophoto.png"), &out.join("orthophoto.tif"));

    let project = assert_qgis(&out);
    assert!(project.names.iter().filter(|n| *n == "maplayer").count() >= 6);
    let qgs = std::fs::read_to_string(out.join("seamfire.qgs")).unwrap();
    assert!(qgs.contains("<authid>EPSG:32616</authid>"));
    // QGIS only reads <projectCrs> with this property set.
    assert!(qgs.contains("<ProjectionsEnabled type=\"int\">1</ProjectionsEnabled>"));
    // Map extent on the scene: the grid's corners.
    for v in ["452475", "3390555", "471285", "3408645"] {
        assert!(qgs.contains(&format!(">{v}<")), "extent {v}");
    }
    // bt.qml spreads the same palette over the same range.
    let bt_qml = std::fs::read_to_string(out.join("bt.qml")).unwrap();
    assert!(bt_qml.contains("type=\"singlebandpseudocolor\""));
    assert!(bt_qml.contains(&format!(
        "classificationMin=\"{min_k}\" classificationMax=\"{max_k}\""
    )));
    assert!(bt_qml.contains("color=\"#fcffa4\""));
    let anomaly_qml = std::fs::read_to_string(out.join("anomaly.qml")).unwrap();
    assert!(anomaly_qml.contains("type=\"paletted\""));
}

#[test]
fn corumba_orthophotos_show_the_fire_in_swir_false_colour() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c");
    let stderr = {
        let input = fixture(CORUMBA);
        let res = seamfire()
            .args([
                "detect",
                input.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ])
            .args(["--products", "thermal,ortho,qgis"])
            .output()
            .unwrap();
        assert!(
            res.status.success(),
            "{}",
            String::from_utf8_lossy(&res.stderr)
        );
        String::from_utf8_lossy(&res.stderr).into_owned()
    };
    // No thermal band: no thermal map, said once.
    assert!(stderr.contains("no thermal map"), "{stderr}");
    assert!(!out.join("thermal_map.tif").exists());
    let anomaly = out.join("anomaly.tif");
    let (gt, epsg, size) = grid_of(&anomaly);
    assert_eq!(epsg, Some(32621));
    assert_eq!(gt, [440_985.0, 30.0, 0.0, -2_188_005.0, 0.0, -30.0]);
    for f in ["orthophoto.tif", "orthophoto_swir.tif"] {
        assert_eq!(grid_of(&out.join(f)), (gt, epsg, size), "{f}");
        assert_rgba_cog(&out.join(f));
    }
    assert_quicklook(
        &out.join("orthophoto_swir.png"),
        &out.join("orthophoto_swir.tif"),
    );
    let sj = read_json(&out.join("orthophoto_swir.json"));
    assert_eq!(sj["composite"], "swir_false_colour");
    assert_eq!(sj["bands"], serde_json::json!(["B7", "B5", "B4"]));
    assert_eq!(sj["quantity"], "TOA reflectance");

    // Flaming pixels (SWIR detections) are far redder than the scene in B7/B5/B4.
    let classes = seamfire::io::read_band::<u8>(&anomaly, 1).unwrap();
    let swir = bytes_of(&open(&out.join("orthophoto_swir.tif")));
    let (mut fire, mut rest) = ((0f64, 0usize), (0f64, 0usize));
    for (i, &k) in classes.data.iter().enumerate() {
        let redness = f64::from(swir[0][i]) - f64::from(swir[1][i]);
        if (1..=3).contains(&k) {
            fire = (fire.0 + redness, fire.1 + 1);
        } else {
            rest = (rest.0 + redness, rest.1 + 1);
        }
    }
    let (fire_mean, rest_mean) = (fire.0 / fire.1 as f64, rest.0 / rest.1 as f64);
    assert!(fire.1 >= 550);
    assert!(
        fire_mean > rest_mean + 80.0,
        "R−G at fire pixels {fire_mean}, elsewhere {rest_mean}"
    );

    let project = assert_qgis(&out);
    assert!(
        project
            .datasources
            .contains(&"./orthophoto_swir.tif".to_string())
    );
}

#[test]
fn render_an_existing_directory_with_a_fixed_range() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    detect(&fixture(PENSACOLA), &out, &["--products", "none"]);
    assert_eq!(
        listing(&out),
        [
            "anomaly.tif",
            "bt.tif",
            "detection.json",
            "fire_zones.geojson",
            "hotspots.csv",
            "hotspots.geojson",
            "seamfire.gpkg"
        ]
    );
    run_ok(&[
        "render",
        out.to_str().unwrap(),
        "--products",
        "thermal",
        "--range-k",
        "270:340",
    ]);
    let info = read_json(&out.join("thermal_map.json"));
    assert_eq!(
        (info["min_k"].as_f64(), info["max_k"].as_f64()),
        (Some(270.0), Some(340.0))
    );
    assert!(!out.join("seamfire.qgs").exists());
    // A BT of 305 K would be entry round(127.5) = 128; check real pixels against the range.
    let bt = seamfire::io::read_band::<f32>(&out.join("bt.tif"), 1).unwrap();
    let tm = bytes_of(&open(&out.join("thermal_map.tif")));
    for (i, &v) in bt.data.iter().enumerate().step_by(1009) {
        let t = ((f64::from(v) - 270.0) / 70.0 * 255.0).round() as u8;
        let [r, g, b] = seamfire::render::Palette::Inferno.rgb8(t);
        assert_eq!([tm[0][i], tm[1][i], tm[2][i]], [r, g, b]);
    }
    // QGIS styles later: bt.qml takes the range of thermal_map.json.
    run_ok(&["render", out.to_str().unwrap(), "--products", "qgis"]);
    let bt_qml = std::fs::read_to_string(out.join("bt.qml")).unwrap();
    assert!(bt_qml.contains("classificationMin=\"270\" classificationMax=\"340\""));
    assert_qgis(&out);

    // Usage errors: exit code 2, nothing written.
    for bad in [["--products", "thermal,maps"], ["--range-k", "340:270"]] {
        let res = seamfire()
            .args(["render", out.to_str().unwrap()])
            .args(bad)
            .output()
            .unwrap();
        assert_eq!(res.status.code(), Some(2), "{bad:?}");
    }
    // Not a detect directory: exit 1 naming detection.json.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let res = seamfire()
        .args(["render", empty.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&res.stderr).contains("detection.json"));
    no_partials(&out);
}

fn utm16() -> String {
    SpatialRef::from_epsg(32616).unwrap().to_wkt().unwrap()
}

/// A 40x40 Float32 kelvin raster at 30 m (EPSG:32616): 290 K, a 3x3 hot block of 320 K at
/// rows/cols 18–20, NaN in row 0, cols 0–4.
fn thermal_raster(path: &Path) -> Georef {
    let mut t = Array2::from_elem((40, 40), 290.0f32);
    for r in 18..21 {
        for c in 18..21 {
            t[[r, c]] = 320.0;
        }
    }
    for c in 0..5 {
        t[[0, c]] = f32::NAN;
    }
    let georef = Georef {
        transform: GeoTransform([460_000.0, 30.0, 0.0, 3_400_000.0, 0.0, -30.0]),
        crs_wkt: utm16(),
        epsg: Some(32616),
        ground_m_per_unit: None,
    };
    let raster = Raster {
        data: t,
        georef: georef.clone(),
        nodata: Some(f64::NAN),
        unit: Unit::Kelvin,
    };
    seamfire::io::write_cog(&raster, path, &Default::default()).unwrap();
    georef
}

/// Writes an RGB orthophoto GeoTIFF with `f(row, col) -> Option<[v; 3]>` (None = nodata), as
/// Byte with an alpha band or UInt16 with nodata 0.
fn rgb_geotiff<T: gdal::raster::GdalType + Copy + Default + From<u8>>(
    path: &Path,
    gt: [f64; 6],
    shape: (usize, usize),
    alpha: bool,
    f: impl Fn(usize, usize) -> Option<[T; 3]>,
) {
    let driver = gdal::DriverManager::get_driver_by_name("GTiff").unwrap();
    let bands = if alpha { 4 } else { 3 };
    let mut ds = driver
        .create_with_band_type::<T, _>(path, shape.1, shape.0, bands)
        .unwrap();
    ds.set_geo_transform(&gt).unwrap();
    ds.set_projection(&utm16()).unwrap();
    for b in 0..3 {
        let values: Vec<T> = (0..shape.0 * shape.1)
            .map(|i| f(i / shape.1, i % shape.1).map_or(T::default(), |v| v[b]))
            .collect();
        let mut band = ds.rasterband(b + 1).unwrap();
        let mut buf = gdal::raster::Buffer::new((shape.1, shape.0), values);
        band.write((0, 0), (shape.1, shape.0), &mut buf).unwrap();
        if !alpha {
            band.set_no_data_value(Some(0.0)).unwrap();
        }
    }
    if alpha {
        let values: Vec<T> = (0..shape.0 * shape.1)
            .map(|i| {
                if f(i / shape.1, i % shape.1).is_some() {
                    T::from(255)
                } else {
                    T::default()
                }
            })
            .collect();
        let mut band = ds.rasterband(4).unwrap();
        band.set_color_interpretation(ColorInterpretation::AlphaBand)
            .unwrap();
        let mut buf = gdal::raster::Buffer::new((shape.1, shape.0), values);
        band.write((0, 0), (shape.1, shape.0), &mut buf).unwrap();
    }
    ds.close().unwrap();
}

#[test]
fn byte_orthophoto_is_warped_onto_the_detection_grid() {
    let dir = tempfile::tempdir().unwrap();
    let thermal = dir.path().join("thermal.tif");
    let georef = thermal_raster(&thermal);
    // A 10 m drone mosaic shifted 5 m east and south of the thermal grid, 100x100 px: colour
    // (200, 50, 10) in its west half, (20, 120, 240) in its east half, nodata (alpha 0) in its
    // first 10 rows.
    let rgb = dir.path().join("drone_rgb.tif");
    let gt = [460_005.0, 10.0, 0.0, 3_399_995.0, 0.0, -10.0];
    rgb_geotiff::<u8>(&rgb, gt, (100, 100), true, |r, c| {
        let colour = if c < 50 {
            [200, 50, 10]
        } else {
            [20, 120, 240]
        };
        (r >= 10).then_some(colour)
    });
    let out = dir.path().join("o");
    detect(&thermal, &out, &["--orthophoto", rgb.to_str().unwrap()]);
    no_partials(&out);

    // Documented grid: the detection grid refined by round(30 m / 10 m) = 3, same origin.
    let (ogt, epsg, size) = grid_of(&out.join("orthophoto.tif"));
    assert_eq!(ogt, [460_000.0, 10.0, 0.0, 3_400_000.0, 0.0, -10.0]);
    assert_eq!(epsg, Some(32616));
    assert_eq!(size, (120, 120));
    assert_rgba_cog(&out.join("orthophoto.tif"));
    let oj = read_json(&out.join("orthophoto.json"));
    assert_eq!(oj["grid_factor"], 3);
    assert_eq!(oj["quantity"], "DN");
    let px = bytes_of(&open(&out.join("orthophoto.tif")));
    let at = |r: usize, c: usize| {
        let i = r * 120 + c;
        [px[0][i], px[1][i], px[2][i], px[3][i]]
    };
    // 8-bit data are shown as stored (no stretch): interior colours exact.
    assert_eq!(at(50, 20), [200, 50, 10, 255]);
    assert_eq!(at(50, 80), [20, 120, 240, 255]);
    // Source nodata rows (y > 3_399_895) and the strip outside the mosaic are transparent.
    assert_eq!(at(5, 20)[3], 0);
    assert_eq!(at(105, 20)[3], 0, "south of the mosaic");
    assert_eq!(at(115, 115)[3], 0, "south-east of the mosaic");
    assert_eq!(at(90, 20)[3], 255);

    // Thermal map of the same run: NaN pixels transparent, the hot block at the top colour.
    let tm = bytes_of(&open(&out.join("thermal_map.tif")));
    assert_eq!(grid_of(&out.join("thermal_map.tif")).0, georef.transform.0);
    assert_eq!(
        tm[3][..6],
        [0, 0, 0, 0, 0, 255],
        "NaN pixels (0, 0..5) transparent"
    );
    let hot = 19 * 40 + 19;
    assert_eq!([tm[0][hot], tm[1][hot], tm[2][hot]], [252, 255, 164]);
    let png = image::open(out.join("thermal_map.png")).unwrap().to_rgba8();
    assert_eq!(png.get_pixel(0, 0).0[3], 0);

    // Default products: the map sheets were written too, and the project lists the products.
    assert!(out.join("maps").is_dir());
    assert_qgis(&out);
}

#[test]
fn sixteen_bit_orthophoto_is_stretched_per_band() {
    let dir = tempfile::tempdir().unwrap();
    let thermal = dir.path().join("thermal.tif");
    thermal_raster(&thermal);
    let rgb = dir.path().join("rgb16.tif");
    // Same 30 m grid; a gradient per band with nodata 0 in the last row.
    let gt = [460_000.0, 30.0, 0.0, 3_400_000.0, 0.0, -30.0];
    rgb_geotiff::<u16>(&rgb, gt, (40, 40), false, |r, c| {
        (r < 39).then(|| {
            let v = (r * 40 + c) as u16 + 1000;
            [v, v * 2, v * 3]
        })
    });
    let out = dir.path().join("o");
    detect(
        &thermal,
        &out,
        &["--orthophoto", rgb.to_str().unwrap(), "--products", "ortho"],
    );
    let oj = read_json(&out.join("orthophoto.json"));
    assert_eq!(oj["grid_factor"], 1);
    // Per band 2nd–98th percentile of the 1560 valid pixels, gamma 1.2.
    let s = &oj["stretch"];
    let lo0 = s[0]["lo"].as_f64().unwrap();
    let hi0 = s[0]["hi"].as_f64().unwrap();
    // numpy.percentile(arange(1000, 2560), [2, 98]) = [1031.18, 2527.82]
    assert!(
        (lo0 - 1031.18).abs() < 1e-6 && (hi0 - 2527.82).abs() < 1e-6,
        "{lo0} {hi0}"
    );
    assert!((s[1]["lo"].as_f64().unwrap() - 2.0 * lo0).abs() < 1e-6);
    assert_eq!(s[2]["gamma"], 1.2);
    let px = bytes_of(&open(&out.join("orthophoto.tif")));
    assert_eq!(px[3][39 * 40], 0, "nodata row transparent");
    assert_eq!([px[0][0], px[1][0], px[2][0], px[3][0]], [0, 0, 0, 255]);
    let last = 38 * 40 + 39;
    assert_eq!([px[0][last], px[1][last], px[2][last]], [255, 255, 255]);
}

#[test]
fn pansharpened_orthophoto_on_the_15_m_grid() {
    let dir = tempfile::tempdir().unwrap();
    let scene = dir.path().join("scene");
    std::fs::create_dir(&scene).unwrap();
    let src = fixture(PENSACOLA);
    for f in [
        "l8_MTL.txt",
        "l8_B10.tif",
        "l8_B2.tif",
        "l8_B3.tif",
        "l8_B4.tif",
    ] {
        std::fs::copy(src.join(f), scene.join(f)).unwrap();
    }
    // A 15 m B8 from B4's DNs (each 30 m pixel as 2x2), brighter by 10 % in its top half.
    let b4 = seamfire::io::read_band::<u16>(&src.join("l8_B4.tif"), 1).unwrap();
    let (rows, cols) = b4.shape();
    let pan = Array2::from_shape_fn((rows * 2, cols * 2), |(r, c)| {
        let v = f64::from(b4.data[[r / 2, c / 2]]);
        (if r < rows { v * 1.1 } else { v }) as u16
    });
    let g = b4.georef.transform.0;
    let pan = Raster {
        data: pan,
        georef: Georef {
            transform: GeoTransform([g[0], 15.0, 0.0, g[3], 0.0, -15.0]),
            ..b4.georef.clone()
        },
        nodata: None,
        unit: Unit::Dn,
    };
    seamfire::io::write_cog(&pan, &scene.join("l8_B8.tif"), &Default::default()).unwrap();
    let out = dir.path().join("o");
    detect(&scene, &out, &["--products", "none"]);
    run_ok(&[
        "render",
        out.to_str().unwrap(),
        "--products",
        "ortho",
        "--pansharpen",
    ]);
    let (gt, epsg, size) = grid_of(&out.join("orthophoto.tif"));
    assert_eq!(gt, [452_475.0, 15.0, 0.0, 3_408_645.0, 0.0, -15.0]);
    assert_eq!(epsg, Some(32616));
    assert_eq!(size, (cols * 2, rows * 2));
    let oj = read_json(&out.join("orthophoto.json"));
    assert_eq!(oj["pansharpened"], true);
    assert_eq!(oj["grid_factor"], 2);
    assert_rgba_cog(&out.join("orthophoto.tif"));
}

#[test]
fn products_flag_is_checked_before_detection() {
    let dir = tempfile::tempdir().unwrap();
    let out: PathBuf = dir.path().join("x");
    let res = seamfire()
        .args(["detect", fixture(PENSACOLA).to_str().unwrap(), "--out"])
        .arg(&out)
        .args(["--products", "thermal,pdf"])
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&res.stderr).contains("pdf"));
    assert!(!out.exists());
}

#[test]
fn a_thermal_raster_without_optical_bands_is_not_a_warning() {
    // A drone or LST raster never has optical bands: its missing orthophoto is said at INFO,
    // so that a nightly job's log carries no warning for it; a Landsat product without its
    // optical bands still warns (the user may have left them out).
    let dir = tempfile::tempdir().unwrap();
    let thermal = dir.path().join("thermal.tif");
    thermal_raster(&thermal);
    let stderr = run_ok(&[
        "detect",
        thermal.to_str().unwrap(),
        "--products",
        "ortho,thermal",
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    assert!(
        stderr.contains("the inputs are thermal rasters only"),
        "{stderr}"
    );
    assert!(!stderr.contains("WARN"), "{stderr}");
    let stderr = run_ok(&[
        "detect",
        fixture("LC08_L2SP_204023_20200927_20201006_02_T1")
            .to_str()
            .unwrap(),
        "--products",
        "ortho",
        "--out",
        dir.path().join("l").to_str().unwrap(),
    ]);
    assert!(
        stderr.contains("WARN") && stderr.contains("no optical bands among the inputs"),
        "{stderr}"
    );
}
