//! COG writing: the whole-raster writer (`io::write_cog`, a MEM dataset copied to COG; the
//! baseline) against the streamed writer (`io::StreamedCog`: strips into a tiled intermediate,
//! then the same COG copy) on the same 2048 x 2048 Float32 field, side by side in one command.
//! The two give byte-identical files (tested in `io::cog_stream`). Run:
//! `cargo bench --bench cog_stream`.

use std::path::Path;

use divan::Bencher;
use ndarray::Array2;
use seamfire::io::{CogOptions, StreamedCog, write_cog};
use seamfire::raster::{GeoTransform, Georef, Raster, Unit, tile};

const SIZE: usize = 2048;

fn main() {
    seamfire::io::init_gdal();
    divan::main();
}

/// A smooth field around 290 K with a little texture and a NaN corner (compresses like a
/// thermal band).
fn field() -> Raster<f32> {
    Raster {
        data: Array2::from_shape_fn((SIZE, SIZE), |(r, c)| {
            if r < 64 && c < 64 {
                f32::NAN
            } else {
                290.0
                    + (r as f32 / 97.0).sin() * 3.0
                    + (c as f32 / 61.0).cos() * 2.0
                    + ((r * 31 + c * 17) % 13) as f32 * 0.01
            }
        }),
        georef: Georef {
            transform: GeoTransform([0.0, 30.0, 0.0, 0.0, 0.0, -30.0]),
            crs_wkt: String::new(),
            epsg: None,
            ground_m_per_unit: None,
        },
        nodata: Some(f64::NAN),
        unit: Unit::Kelvin,
    }
}

fn streamed(r: &Raster<f32>, dest: &Path, rows: usize) {
    let opts = CogOptions::default();
    let mut w =
        StreamedCog::<f32>::create(dest, r.shape(), &r.georef, r.nodata, &r.unit, &opts).unwrap();
    for b in tile(r.shape(), (rows, 0), 0) {
        let c = b.core;
        w.write(c, r.data.slice(ndarray::s![c.row0..c.row_end(), ..]))
            .unwrap();
    }
    w.finish().unwrap().commit().unwrap();
}

#[divan::bench(sample_count = 10)]
fn whole_raster_baseline(b: Bencher) {
    let r = field();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("bt.tif");
    b.bench(|| write_cog(&r, &dest, &CogOptions::default()).unwrap());
}

#[divan::bench(sample_count = 10, args = [256, 1024])]
fn streamed_strips(b: Bencher, rows: usize) {
    let r = field();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("bt.tif");
    b.bench(|| streamed(&r, &dest, rows));
}
