//! Small byte encodings the sheets need (pure): base64 for the map image embedded in the SVG,
//! and the PNG `pHYs` chunk that records the sheet's DPI.

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 (RFC 4648 §4) with `=` padding.
pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// CRC-32 (ISO-HDLC, the PNG chunk checksum).
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// `png` with a `pHYs` chunk saying `dpi` dots per inch (stored as pixels per metre) inserted
/// right after `IHDR`, so word processors place the sheet at its paper size. Returns `None`
/// when `png` does not start with a PNG signature and an `IHDR` chunk.
pub fn with_dpi(png: &[u8], dpi: f64) -> Option<Vec<u8>> {
    const SIG: &[u8] = b"\x89PNG\r\n\x1a\n";
    // Signature (8) + IHDR length (4) + type (4) + data (13) + CRC (4).
    let ihdr_end = 8 + 4 + 4 + 13 + 4;
    if png.len() < ihdr_end || &png[..8] != SIG || &png[12..16] != b"IHDR" {
        return None;
    }
    let ppm = (dpi / 0.0254).round().clamp(1.0, f64::from(u32::MAX)) as u32;
    let mut chunk = Vec::with_capacity(21);
    chunk.extend_from_slice(&9u32.to_be_bytes());
    let mut body = Vec::with_capacity(13);
    body.extend_from_slice(b"pHYs");
    body.extend_from_slice(&ppm.to_be_bytes());
    body.extend_from_slice(&ppm.to_be_bytes());
    body.push(1); // unit: metre
    chunk.extend_from_slice(&body);
    chunk.extend_from_slice(&crc32(&body).to_be_bytes());
    let mut out = Vec::with_capacity(png.len() + chunk.len());
    out.extend_from_slice(&png[..ihdr_end]);
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&png[ihdr_end..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
        assert_eq!(base64(&[0xFF, 0xFE, 0xFD]), "//79");
    }

    #[test]
    fn crc_of_known_chunks() {
        // The CRC every PNG IEND chunk carries, and the check value of CRC-32.
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn phys_is_inserted_after_ihdr() {
        let mut png = Vec::new();
        image::RgbaImage::new(3, 2)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let out = with_dpi(&png, 150.0).unwrap();
        assert_eq!(out.len(), png.len() + 21);
        // Signature (8) and IHDR (25), then the new chunk.
        assert_eq!(&out[33..37], &9u32.to_be_bytes());
        assert_eq!(&out[37..41], b"pHYs");
        // 150 dpi = 5905.5 px/m → 5906.
        assert_eq!(&out[41..45], &5906u32.to_be_bytes());
        assert_eq!(&out[45..49], &5906u32.to_be_bytes());
        assert_eq!(out[49], 1);
        let img = image::load_from_memory(&out).unwrap();
        assert_eq!((img.width(), img.height()), (3, 2));
        assert!(with_dpi(b"not a png", 150.0).is_none());
    }
}
