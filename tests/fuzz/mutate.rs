//! Mutations of test files: truncation, byte flips, TIFF tag and IFD edits, MTL line edits.
//! Deterministic for a given [`Rng`] state.

/// SplitMix64: small, fast, reproducible; enough to pick mutations.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What was done to a file, for the report.
pub type Applied = String;

/// Mutates `bytes` (the content of `name`) with a mutation suited to its kind.
pub fn mutate(name: &str, bytes: &mut Vec<u8>, rng: &mut Rng) -> Applied {
    let lower = name.to_ascii_lowercase();
    let is_tiff = lower.ends_with(".tif") || lower.ends_with(".tiff");
    let is_mtl = lower.contains("mtl") || lower.ends_with(".geojson");
    match (rng.below(10), is_tiff, is_mtl) {
        (0, ..) => truncate(bytes, rng),
        (1 | 2, ..) => flip(bytes, rng),
        (_, true, _) => tiff_edit(bytes, rng).unwrap_or_else(|| flip(bytes, rng)),
        (_, _, true) => mtl_edit(bytes, rng),
        _ => flip(bytes, rng),
    }
}

fn truncate(bytes: &mut Vec<u8>, rng: &mut Rng) -> Applied {
    let at = rng.below(bytes.len().max(1));
    bytes.truncate(at);
    format!("truncate to {at} bytes")
}

fn flip(bytes: &mut [u8], rng: &mut Rng) -> Applied {
    if bytes.is_empty() {
        return "flip (empty file)".into();
    }
    let n = 1 + rng.below(8);
    let mut at = Vec::new();
    for _ in 0..n {
        let i = rng.below(bytes.len());
        bytes[i] ^= 1 << rng.below(8);
        at.push(i);
    }
    format!("flip bits at {at:?}")
}

/// Byte order of a classic TIFF.
#[derive(Clone, Copy)]
struct Order(bool);

impl Order {
    fn u16(self, b: &[u8], at: usize) -> Option<u16> {
        let s: [u8; 2] = b.get(at..at + 2)?.try_into().ok()?;
        Some(if self.0 {
            u16::from_le_bytes(s)
        } else {
            u16::from_be_bytes(s)
        })
    }
    fn u32(self, b: &[u8], at: usize) -> Option<u32> {
        let s: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
        Some(if self.0 {
            u32::from_le_bytes(s)
        } else {
            u32::from_be_bytes(s)
        })
    }
    fn put16(self, b: &mut [u8], at: usize, v: u16) {
        let s = if self.0 {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        };
        b[at..at + 2].copy_from_slice(&s);
    }
    fn put32(self, b: &mut [u8], at: usize, v: u32) {
        let s = if self.0 {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        };
        b[at..at + 4].copy_from_slice(&s);
    }
}

/// Tags worth breaking: size, sample layout, compression, strips and tiles, GeoTIFF keys.
const TAGS: &[u16] = &[
    256, 257, 258, 259, 262, 273, 277, 278, 279, 284, 317, 322, 323, 324, 325, 338, 339, 33550,
    33922, 34735, 42113,
];

/// Edits one entry of the first IFD (tag, type, count or value) or the next-IFD pointer.
/// `None` when the file is not a classic TIFF with a readable first IFD.
fn tiff_edit(b: &mut [u8], rng: &mut Rng) -> Option<Applied> {
    let order = match b.get(0..2)? {
        b"II" => Order(true),
        b"MM" => Order(false),
        _ => return None,
    };
    if order.u16(b, 2)? != 42 {
        return None;
    }
    let ifd = order.u32(b, 4)? as usize;
    let n = order.u16(b, ifd)? as usize;
    let next_at = ifd + 2 + 12 * n;
    if n == 0 || b.len() < next_at + 4 {
        return None;
    }
    let len = b.len() as u32;
    let values = [
        0,
        1,
        2,
        3,
        0xFFFF,
        0xFFFF_FFFF,
        0x7FFF_FFFF,
        len,
        len.saturating_add(4096),
        ifd as u32,
        (rng.next_u64() & 0xFFFF_FFFF) as u32,
    ];
    if rng.below(8) == 0 {
        // Declare an image far larger than the file (width, height and rows per strip together;
        // one tag at a time rarely gets past the driver's consistency checks).
        // Sizes no machine holds (8 TB and more): a size that fits could make GDAL fill a sparse
        // file of many GB, which a shared test machine should not do.
        let side = *rng.pick(&[2_000_000u32, 0x7FFF_FFFF]);
        for i in 0..n {
            let e = ifd + 2 + 12 * i;
            let t = order.u16(b, e)?;
            if matches!(t, 256 | 257 | 278) {
                order.put16(b, e + 2, 4);
                order.put32(b, e + 8, if t == 278 { 1 } else { side });
            }
        }
        return Some(format!("declared size {side} x {side} px"));
    }
    let entry = ifd + 2 + 12 * rng.below(n);
    let tag = order.u16(b, entry)?;
    Some(match rng.below(6) {
        0 => {
            let t = *rng.pick(TAGS);
            order.put16(b, entry, t);
            format!("IFD entry tag {tag} → tag {t}")
        }
        1 => {
            let t = rng.below(20) as u16;
            order.put16(b, entry + 2, t);
            format!("tag {tag}: type → {t}")
        }
        2 => {
            let v = *rng.pick(&values);
            order.put32(b, entry + 4, v);
            format!("tag {tag}: count → {v}")
        }
        3 | 4 => {
            let v = *rng.pick(&values);
            order.put32(b, entry + 8, v);
            format!("tag {tag}: value/offset → {v}")
        }
        _ => {
            let v = if rng.below(2) == 0 {
                ifd as u32
            } else {
                *rng.pick(&values)
            };
            order.put32(b, next_at, v);
            format!("next-IFD offset → {v} (first IFD at {ifd})")
        }
    })
}

/// Values an MTL line can be given.
const MTL_VALUES: &[&str] = &[
    "0",
    "-1",
    "-774.8853",
    "NaN",
    "inf",
    "1e309",
    "\"\"",
    "\"text\"",
    "{",
    "}",
    "[",
    "null",
    "true",
    "999999999999999999999999",
    "0x10",
    "\"LANDSAT_42\"",
    "\"LC08_L1TP_000000_20000101_20000101_02_T1\"",
];

/// Line edits (MTL text, JSON, XML, GeoJSON): delete, duplicate, swap, give a key another
/// value, insert a stray GROUP/END.
fn mtl_edit(bytes: &mut Vec<u8>, rng: &mut Rng) -> Applied {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        return flip(bytes, rng);
    }
    let i = rng.below(lines.len());
    let applied = match rng.below(6) {
        0 => {
            lines.remove(i);
            format!("delete line {}", i + 1)
        }
        1 => {
            lines.insert(i, lines[i].clone());
            format!("duplicate line {}", i + 1)
        }
        2 => {
            let j = rng.below(lines.len());
            lines.swap(i, j);
            format!("swap lines {} and {}", i + 1, j + 1)
        }
        3 => {
            let stray = *rng.pick(&[
                "GROUP = STRAY",
                "END_GROUP = STRAY",
                "END_GROUP = LANDSAT_METADATA_FILE",
                "END",
                "<stray>",
                "\"stray\": {",
            ]);
            lines.insert(i, stray.to_string());
            format!("insert `{stray}` at line {}", i + 1)
        }
        _ => {
            // Replace the value after `=` (ODL), `:` (JSON) or between tags (XML).
            let v = *rng.pick(MTL_VALUES);
            let line = &lines[i];
            let new = if let Some(eq) = line.find(" = ") {
                format!("{} = {v}", &line[..eq])
            } else if let Some(colon) = line.find("\": ") {
                let comma = if line.trim_end().ends_with(',') {
                    ","
                } else {
                    ""
                };
                format!("{}\": {v}{comma}", &line[..colon])
            } else if let (Some(a), Some(b)) = (line.find('>'), line.rfind("</")) {
                if a < b {
                    format!("{}{v}{}", &line[..=a], &line[b..])
                } else {
                    line.clone()
                }
            } else {
                v.to_string()
            };
            lines[i] = new;
            format!("line {} value → `{v}`", i + 1)
        }
    };
    let mut out = lines.join("\n");
    out.push('\n');
    *bytes = out.into_bytes();
    applied
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_mutation() {
        let base = b"GROUP = A\n  K = 1\nEND_GROUP = A\nEND\n".to_vec();
        let run = |seed| {
            let mut b = base.clone();
            let what = mutate("x_MTL.txt", &mut b, &mut Rng::new(seed));
            (b, what)
        };
        assert_eq!(run(7), run(7));
        assert!((0..20).any(|s| run(s).0 != base));
    }
}
