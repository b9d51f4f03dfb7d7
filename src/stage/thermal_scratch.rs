//! A scratch copy of the calibrated thermal band for the later passes of a streamed detection.
//!
//! The streamed detection reads its strips three or four times (the scene histogram, the pixel
//! test with halos, the cold pixel test when the budget needs it, the raster writes). Read from
//! the input, every pass decodes the compressed band (and its QA) and calibrates it again: about
//! 0.9 s per pass on a full Landsat scene, a third of the command. The first pass therefore
//! stores each strip's temperatures and validity (5 bytes per pixel, uncompressed) in a scratch
//! file, and the later passes read them back from there: the same values, bit for bit.
//!
//! The file lives in the output's staging directory and is unlinked as soon as it is open, so
//! nothing is left behind, whatever ends the run; memory is the kernel's page cache, not the
//! process's. When the file cannot be created or written (a full disk), the passes read the
//! input as before and the run goes on.

use std::borrow::Cow;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use ndarray::Array2;

use super::calibrate_plan::InputCounts;
use crate::detect::streamed::ThermalWindow;
use crate::error::Result;
use crate::raster::PixelWindow;

/// A window's temperatures and validity with its non-fill input counts (main band, red, NIR).
pub type CountedWindow = (ThermalWindow, InputCounts);

/// Calibrated temperatures and validity of a raster of `shape`, filled strip by strip.
#[derive(Debug)]
pub struct ThermalScratch {
    file: File,
    shape: (usize, usize),
    /// Rows written.
    filled: Vec<AtomicBool>,
    /// Input pixels that were not fill (main band, red, NIR), attributed to the first row of
    /// the window they were read with: their sum over all rows is the raster's.
    inputs: Mutex<Vec<InputCounts>>,
    /// A write failed: every later read goes to the input.
    broken: AtomicBool,
}

/// Bytes per pixel of the scratch file: the temperature (`f32`) and the validity (one byte).
const SCRATCH_BYTES_PER_PX: u64 = 5;

/// Bytes per pixel left free beside the scratch file for the run's own products: the tiled
/// intermediates of `bt.tif` and `anomaly.tif` (5, uncompressed) alive while their COGs with
/// overviews are written (at most as much again, and a third more for the overviews), rounded up.
const PRODUCTS_BYTES_PER_PX: u64 = 12;

/// Whether a scratch file for a `shape` raster fits in `free_bytes` of disk and leaves the
/// products their room. A scratch file is an optimisation: it must never be the reason a run
/// fills the disk and fails. Unknown free space (`None`) does not stop it (a failed write
/// falls back to the input).
pub fn room_for_scratch(free_bytes: Option<u64>, shape: (usize, usize)) -> bool {
    free_bytes.is_none_or(|free| free >= bytes(shape, SCRATCH_BYTES_PER_PX + PRODUCTS_BYTES_PER_PX))
}

/// `per_px` bytes for every pixel of a `shape` raster (saturating).
fn bytes(shape: (usize, usize), per_px: u64) -> u64 {
    (shape.0 as u64)
        .saturating_mul(shape.1 as u64)
        .saturating_mul(per_px)
}

impl ThermalScratch {
    /// Creates the (already unlinked) scratch file in `dir`; `None`, logged, when it cannot or
    /// when the disk has no room for it beside the products ([`room_for_scratch`]).
    pub fn create(dir: &Path, shape: (usize, usize)) -> Option<Self> {
        let free = crate::io::disk_free_bytes(dir);
        if !room_for_scratch(free, shape) {
            tracing::warn!(
                dir = %dir.display(),
                free_bytes = free,
                scratch_bytes = bytes(shape, SCRATCH_BYTES_PER_PX),
                "not enough free disk for a scratch file beside the products: every pass reads the input"
            );
            return None;
        }
        // Unique per process and call: a pipeline may run several detections at once.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let path = dir.join(format!(
            ".seamfire-scratch.{}.{}.partial",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let file = match File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "no scratch file: every pass reads the input");
                return None;
            }
        };
        // Unlinked while open: the data stay reachable through `file` only.
        let _ = std::fs::remove_file(&path);
        Some(Self::with_file(file, shape))
    }

    fn with_file(file: File, shape: (usize, usize)) -> Self {
        Self {
            file,
            shape,
            filled: (0..shape.0).map(|_| AtomicBool::new(false)).collect(),
            inputs: Mutex::new(vec![[0; 4]; shape.0]),
            broken: AtomicBool::new(false),
        }
    }

    fn full_width(&self, w: PixelWindow) -> bool {
        w.col0 == 0 && w.cols == self.shape.1 && w.row0 + w.rows <= self.shape.0
    }

    fn rows_filled(&self, w: PixelWindow) -> bool {
        self.filled[w.row0..w.row0 + w.rows]
            .iter()
            .all(|f| f.load(Ordering::Acquire))
    }

    fn t_offset(&self, row: usize) -> u64 {
        (row * self.shape.1 * 4) as u64
    }

    fn valid_offset(&self, row: usize) -> u64 {
        (self.shape.0 * self.shape.1 * 4 + row * self.shape.1) as u64
    }

    /// The window `w`, from the scratch file when every row of it was stored, else from
    /// `source` (which also gives the window's non-fill input counts), storing full-width
    /// windows none of whose rows were stored yet. Returns the window and its input counts.
    pub fn read(
        &self,
        w: PixelWindow,
        source: impl FnOnce() -> Result<CountedWindow>,
    ) -> Result<CountedWindow> {
        let usable = self.full_width(w) && !self.broken.load(Ordering::Acquire);
        if usable
            && w.rows > 0
            && self.rows_filled(w)
            && let Some(out) = self.load(w)
        {
            return Ok(out);
        }
        let (win, inputs) = source()?;
        let none_filled = usable
            && self.filled[w.row0..w.row0 + w.rows]
                .iter()
                .all(|f| !f.load(Ordering::Acquire));
        if none_filled && w.rows > 0 {
            self.store(w, &win, inputs);
        }
        Ok((win, inputs))
    }

    fn store(&self, w: PixelWindow, win: &ThermalWindow, inputs: InputCounts) {
        // The arrays' own bytes when they are contiguous (always, for windows read by this
        // crate); a copy otherwise.
        let t: Cow<'_, [u8]> = match win.t.as_slice() {
            Some(s) => Cow::Borrowed(bytemuck::cast_slice(s)),
            None => Cow::Owned(win.t.iter().flat_map(|v| v.to_ne_bytes()).collect()),
        };
        // Bit 0: valid; bit 1: masked water (for `detect::shore`).
        let valid: Cow<'_, [u8]> = match (win.valid.as_slice(), &win.water) {
            (Some(s), None) => Cow::Borrowed(bytemuck::cast_slice(s)),
            (_, Some(water)) => Cow::Owned(
                win.valid
                    .iter()
                    .zip(water)
                    .map(|(&v, &w)| u8::from(v) | u8::from(w) << 1)
                    .collect(),
            ),
            (None, None) => Cow::Owned(win.valid.iter().map(|&v| u8::from(v)).collect()),
        };
        let written = self
            .file
            .write_all_at(&t, self.t_offset(w.row0))
            .and_then(|()| self.file.write_all_at(&valid, self.valid_offset(w.row0)));
        match written {
            Ok(()) => {
                if let Ok(mut counts) = self.inputs.lock() {
                    counts[w.row0] = inputs;
                }
                for f in &self.filled[w.row0..w.row0 + w.rows] {
                    f.store(true, Ordering::Release);
                }
            }
            Err(e) => {
                if !self.broken.swap(true, Ordering::AcqRel) {
                    tracing::warn!(error = %e, "scratch file not writable: every later pass reads the input");
                }
            }
        }
    }

    fn load(&self, w: PixelWindow) -> Option<CountedWindow> {
        let n = w.rows * w.cols;
        // Read straight into the temperatures' buffer (native-endian f32, as stored): one
        // allocation of the window instead of a byte buffer and its converted copy.
        let mut t = vec![0f32; n];
        let mut valid = vec![0u8; n];
        let read = self
            .file
            .read_exact_at(bytemuck::cast_slice_mut(&mut t), self.t_offset(w.row0))
            .and_then(|()| {
                self.file
                    .read_exact_at(&mut valid, self.valid_offset(w.row0))
            });
        if let Err(e) = read {
            if !self.broken.swap(true, Ordering::AcqRel) {
                tracing::warn!(error = %e, "scratch file not readable: every later pass reads the input");
            }
            return None;
        }
        // One pass over the bytes; the water array only when a pixel has the bit.
        let (valid, water) = decode_flags(valid);
        let inputs = self.inputs.lock().ok().map_or([0; 4], |counts| {
            counts[w.row0..w.row0 + w.rows]
                .iter()
                .fold([0; 4], |a, c| std::array::from_fn(|i| a[i] + c[i]))
        });
        Some((
            ThermalWindow {
                t: Array2::from_shape_vec((w.rows, w.cols), t).ok()?,
                valid: Array2::from_shape_vec((w.rows, w.cols), valid).ok()?,
                water: match water {
                    Some(w_) => Some(Array2::from_shape_vec((w.rows, w.cols), w_).ok()?),
                    None => None,
                },
            },
            inputs,
        ))
    }
}

/// Validity (bit 0) and masked water (bit 1, `None` when no pixel has it) of stored bytes.
fn decode_flags(bytes: Vec<u8>) -> (Vec<bool>, Option<Vec<bool>>) {
    if !bytes.iter().any(|&b| b & 2 != 0) {
        // The common case: reuse the buffer, as `bool` is a byte of 0 or 1.
        return (bytes.into_iter().map(|b| b & 1 != 0).collect(), None);
    }
    let mut water = Vec::with_capacity(bytes.len());
    let valid = bytes
        .into_iter()
        .map(|b| {
            water.push(b & 2 != 0);
            b & 1 != 0
        })
        .collect();
    (valid, Some(water))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(row0: usize, rows: usize, cols: usize) -> PixelWindow {
        PixelWindow {
            row0,
            col0: 0,
            rows,
            cols,
        }
    }

    /// A raster whose every value and validity is a function of its position.
    fn source(w: PixelWindow) -> (ThermalWindow, InputCounts) {
        let t = Array2::from_shape_fn((w.rows, w.cols), |(r, c)| {
            let (r, c) = (r + w.row0, c + w.col0);
            if (r + c) % 7 == 0 {
                f32::NAN
            } else {
                280.0 + r as f32 * 0.37 + c as f32 * 1e-3
            }
        });
        let valid = Array2::from_shape_fn((w.rows, w.cols), |(r, c)| {
            !t[[r, c]].is_nan() && (r + w.row0) % 5 != 1
        });
        let n = valid.iter().filter(|&&v| v).count();
        // Water on every 11th column, so the scratch's water bit is tested too.
        let water = Some(Array2::from_shape_fn((w.rows, w.cols), |(_, c)| {
            (c + w.col0) % 11 == 3
        }));
        (ThermalWindow { t, valid, water }, [n, 0, 0, 0])
    }

    /// `s.read(w)` with [`source`] as the input, counting the input reads in `reads`.
    fn read_counting(s: &ThermalScratch, w: PixelWindow, reads: &mut usize) -> CountedWindow {
        s.read(w, || {
            *reads += 1;
            Ok(source(w))
        })
        .unwrap()
    }

    fn same(a: &ThermalWindow, b: &ThermalWindow) -> bool {
        a.valid == b.valid
            && a.t
                .iter()
                .zip(&b.t)
                .all(|(x, y)| x.to_bits() == y.to_bits())
            && a.t.dim() == b.t.dim()
    }

    #[test]
    fn later_passes_read_back_the_first_pass_bit_for_bit() {
        let dir = tempfile::tempdir().unwrap();
        let shape = (23, 9);
        let s = ThermalScratch::create(dir.path(), shape).unwrap();
        let other = ThermalScratch::create(dir.path(), shape);
        assert!(
            other.is_some(),
            "two scratch files in one directory at once"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "the scratch file is unlinked at once"
        );
        // First pass: cores of 5 rows (the last one 3), each read from the source once.
        let mut source_reads = 0;
        let mut total = 0;
        for row0 in (0..23).step_by(5) {
            let w = window(row0, 5.min(23 - row0), 9);
            let (got, n) = read_counting(&s, w, &mut source_reads);
            assert!(same(&got, &source(w).0));
            total += n[0];
        }
        assert_eq!(source_reads, 5);
        // Later passes: windows with halos, unaligned with the cores; none reads the source.
        let mut later_total = 0;
        for (row0, rows) in [(0, 8), (3, 11), (15, 8), (7, 5), (19, 4)] {
            let w = window(row0, rows, 9);
            let (got, _) = s
                .read(w, || panic!("read the input again for rows {row0}+{rows}"))
                .unwrap();
            assert!(same(&got, &source(w).0), "rows {row0}+{rows}");
        }
        for row0 in (0..23).step_by(4) {
            let w = window(row0, 4.min(23 - row0), 9);
            later_total += s.read(w, || panic!("input read")).unwrap().1[0];
        }
        let want: usize = source(window(0, 23, 9))
            .0
            .valid
            .iter()
            .filter(|&&v| v)
            .count();
        assert_eq!(total, want);
        assert_eq!(later_total, want, "the input counts add up over any tiling");
    }

    #[test]
    fn a_scratch_that_cannot_be_written_falls_back_to_the_input() {
        // A file open read-only stands for a full disk: every write fails.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ro");
        std::fs::write(&path, b"").unwrap();
        let s = ThermalScratch::with_file(File::open(&path).unwrap(), (12, 5));
        let mut reads = 0;
        for _ in 0..2 {
            for row0 in [0, 6] {
                let w = window(row0, 6, 5);
                let (got, n) = read_counting(&s, w, &mut reads);
                assert!(same(&got, &source(w).0));
                assert_eq!(n, source(w).1);
            }
        }
        assert_eq!(
            reads, 4,
            "every pass reads the input, and the results are the same"
        );
        // The source's own error still reaches the caller.
        let err = s.read(window(0, 6, 5), || {
            Err(crate::error::Error::input("band.tif", "truncated"))
        });
        assert!(err.is_err());
    }

    #[test]
    fn the_scratch_is_used_only_with_room_left_for_the_products() {
        // 16000 x 16000 px: 1.28 GB of scratch (5 B/px) and 3.07 GB kept for the products
        // (12 B/px): 4.352 GB in all (numbers by hand from the two constants).
        let shape = (16000, 16000);
        assert!(room_for_scratch(Some(4_352_000_000), shape));
        assert!(!room_for_scratch(Some(4_351_999_999), shape));
        assert!(
            !room_for_scratch(Some(2_000_000_000), shape),
            "the scratch alone would fit"
        );
        assert!(
            room_for_scratch(None, shape),
            "unknown free space: try, fall back on failure"
        );
        assert!(!room_for_scratch(
            Some(u64::MAX - 1),
            (usize::MAX, usize::MAX)
        ));

        // On this machine's disk: a small raster gets its scratch file, a raster larger than any
        // disk does not, and nothing is left in the directory either way.
        let dir = tempfile::tempdir().unwrap();
        assert!(ThermalScratch::create(dir.path(), (10, 6)).is_some());
        assert!(ThermalScratch::create(dir.path(), (1 << 28, 1 << 28)).is_none());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn windows_not_full_width_or_not_yet_stored_come_from_the_input() {
        let dir = tempfile::tempdir().unwrap();
        let s = ThermalScratch::create(dir.path(), (10, 6)).unwrap();
        let part = PixelWindow {
            row0: 0,
            col0: 2,
            rows: 4,
            cols: 3,
        };
        let mut reads = 0;
        for _ in 0..2 {
            read_counting(&s, part, &mut reads);
        }
        assert_eq!(reads, 2, "a partial-width window is never stored");
        let w = window(2, 4, 6);
        let mut reads = 0;
        read_counting(&s, w, &mut reads);
        // Rows 0–5 are half stored: read from the input, and not stored again.
        read_counting(&s, window(0, 6, 6), &mut reads);
        assert_eq!(reads, 2);
        let (got, _) = s.read(w, || panic!("stored rows")).unwrap();
        assert!(same(&got, &source(w).0));
    }
}
