//! A COG written by seamfire, decoded by the pure-Rust `tiff` crate as a second, independent
//! decoder: same values, georeferencing tags and nodata, tiled 256x256 with overviews.

mod common;

use std::fs::File;

use common::{fixture, read_f32, seamfire};
use tiff::decoder::{Decoder, DecodingResult, Limits};
use tiff::tags::Tag;

#[test]
fn cog_round_trips_through_the_tiff_crate() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bt.tif");
    seamfire()
        .args([
            "calibrate",
            fixture("landsat8-l1t-pensacola-2015").to_str().unwrap(),
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();

    let mut dec = Decoder::new(File::open(&out).unwrap())
        .unwrap()
        .with_limits(Limits::unlimited());
    assert_eq!(dec.dimensions().unwrap(), (627, 603));
    assert_eq!(dec.chunk_dimensions(), (256, 256), "COG tiles");

    // Georeferencing, values from `gdalinfo testdata/landsat8-l1t-pensacola-2015/l8_B10.tif`:
    // origin (452475, 3408645), pixel 30 m, EPSG:32616.
    let scale = dec.get_tag_f64_vec(Tag::ModelPixelScaleTag).unwrap();
    assert_eq!(&scale[..2], &[30.0, 30.0]);
    let tie = dec.get_tag_f64_vec(Tag::ModelTiepointTag).unwrap();
    assert_eq!(&tie[..5], &[0.0, 0.0, 0.0, 452_475.0, 3_408_645.0]);
    let keys = dec.get_tag_u16_vec(Tag::GeoKeyDirectoryTag).unwrap();
    // GeoKey 3072 (ProjectedCSTypeGeoKey) = 32616, stored as (key, location 0, count 1, value).
    let projected = keys[4..]
        .chunks(4)
        .find(|k| k[0] == 3072)
        .expect("ProjectedCSTypeGeoKey");
    assert_eq!(projected[3], 32616);
    let nodata = dec.get_tag_ascii_string(Tag::GdalNodata).unwrap();
    assert_eq!(nodata.trim_end_matches('\0').to_ascii_lowercase(), "nan");

    // Pixel values: the tiff crate's decode equals GDAL's read of the same file, bit for bit.
    let DecodingResult::F32(values) = dec.read_image().unwrap() else {
        panic!("expected Float32");
    };
    let gdal = read_f32(&out);
    assert_eq!(values.len(), gdal.data.len());
    for (a, b) in values.iter().zip(gdal.data.iter()) {
        assert!(a.to_bits() == b.to_bits(), "tiff {a} vs gdal {b}");
    }
    // And the first pixel equals the oracle sample (oracles.json pensacola_b10_bt, row 0 col 0).
    assert!((f64::from(values[0]) - 291.6526739830024).abs() < 0.01);

    // Overviews (reduced-resolution IFDs) follow the full-resolution image.
    assert!(dec.more_images(), "COG has overviews");
    dec.next_image().unwrap();
    // A factor-2 overview: GDAL 3.6 rounds the halved size down (313 x 301), newer GDAL up.
    let (w, h) = dec.dimensions().unwrap();
    assert!(
        (313..=314).contains(&w) && (301..=302).contains(&h),
        "overview {w}x{h}"
    );
}
