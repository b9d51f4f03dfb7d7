//! Map products: colour-mapped thermal maps, orthophotos, quicklooks (pure rendering; files are
//! written through `io`). See `docs/products.md`.

mod image;
pub mod ortho;
pub mod palette;
pub mod quicklook;
pub mod stretch;
pub mod thermal;

pub use image::Rgba8Image;
pub use ortho::{Composite, DEFAULT_ORTHO_STRETCH, OrthoStretch, brovey, pan_band, render_rgb};
pub use palette::{Palette, palette_index};
pub use quicklook::{QUICKLOOK_MAX_PX, downsample, quicklook_factor, reduced_georef};
pub use stretch::{Range, Sampler, Stretch, band_stretches, percentiles, robust_range};
pub use thermal::{RangeChoice, render_thermal, thermal_range};
