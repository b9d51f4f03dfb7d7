//! Georeferenced 8-bit images: the thermal map (RGBA) and the orthophoto (RGB + alpha), the
//! currency between the raster renderers, the writers and the map sheets. No I/O here.

use crate::raster::Georef;

/// An 8-bit RGBA image on a georeferenced grid: `data` is row-major, 4 bytes per pixel
/// (`[r, g, b, a]`), `a = 0` where there is no data.
#[derive(Debug, Clone, PartialEq)]
pub struct Rgba8Image {
    pub width: usize,
    pub height: usize,
    pub data: Vec<u8>,
    pub georef: Georef,
}

impl Rgba8Image {
    /// A fully transparent image.
    pub fn transparent(width: usize, height: usize, georef: Georef) -> Self {
        Self {
            width,
            height,
            data: vec![0; width * height * 4],
            georef,
        }
    }

    /// The pixel at `(row, col)`.
    pub fn pixel(&self, row: usize, col: usize) -> [u8; 4] {
        let i = (row * self.width + col) * 4;
        [
            self.data[i],
            self.data[i + 1],
            self.data[i + 2],
            self.data[i + 3],
        ]
    }

    /// Sets the pixel at `(row, col)`.
    pub fn set(&mut self, row: usize, col: usize, rgba: [u8; 4]) {
        let i = (row * self.width + col) * 4;
        self.data[i..i + 4].copy_from_slice(&rgba);
    }
}
