//! Raw bytes → text, and which MTL format the text is in.
//!
//! USGS ODL files are plain ASCII, but real ones arrive with a UTF-8 byte-order mark, CRLF line
//! ends, or NUL padding up to a block size (old LPGS files are padded to 65 535 bytes).

use std::borrow::Cow;
use std::path::Path;

use crate::error::{Error, Result};

/// The three encodings USGS ships an MTL in, plus ESPA XML (read as XML).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// `GROUP = …` / `END_GROUP = …` text (`_MTL.txt`).
    Odl,
    /// `_MTL.json`: nested objects, all values strings.
    Json,
    /// `_MTL.xml` or ESPA `.xml`.
    Xml,
}

/// Decodes `bytes` to text: drops a UTF-8 BOM and trailing NUL padding, refuses UTF-16 and
/// NUL bytes in the middle of the text. Invalid UTF-8 sequences become U+FFFD (MTL content is
/// ASCII; a stray Latin-1 byte in a free-text field should not lose the whole file).
pub(crate) fn decode<'a>(bytes: &'a [u8], source: &Path) -> Result<Cow<'a, str>> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::metadata(
            source,
            "UTF-16 text is not supported; convert the MTL to UTF-8",
        ));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let bytes = match bytes.iter().position(|&b| b == 0) {
        Some(nul) => {
            let tail = &bytes[nul..];
            if let Some(pos) = tail
                .iter()
                .position(|&b| b != 0 && !b.is_ascii_whitespace())
            {
                return Err(Error::metadata(
                    source,
                    format!(
                        "NUL byte at offset {nul} followed by more text at offset {}: \
                         not NUL padding, the file looks corrupt",
                        nul + pos
                    ),
                ));
            }
            &bytes[..nul]
        }
        None => bytes,
    };
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::metadata(source, "empty metadata file"));
    }
    Ok(String::from_utf8_lossy(bytes))
}

/// Guesses the format from the first non-blank character: `{` or `[` JSON, `<` XML, anything
/// else ODL.
pub(crate) fn sniff(text: &str) -> Format {
    match text.trim_start().chars().next() {
        Some('{' | '[') => Format::Json,
        Some('<') => Format::Xml,
        _ => Format::Odl,
    }
}

/// 1-based line number of byte offset `pos` in `text` (clamped to the text).
pub(crate) fn line_of(text: &str, pos: usize) -> usize {
    let end = pos.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// `s` cut to at most `max` characters for an error message, with `…` when cut.
pub(crate) fn snippet(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("x_MTL.txt")
    }

    #[test]
    fn bom_and_nul_padding_are_dropped() {
        let mut b = b"\xEF\xBB\xBFGROUP = A\nEND_GROUP = A\nEND\n".to_vec();
        b.extend(std::iter::repeat_n(0u8, 100));
        let t = decode(&b, p()).unwrap();
        assert!(t.starts_with("GROUP = A"));
        assert!(t.ends_with("END\n"));
    }

    #[test]
    fn nul_inside_text_and_utf16_and_empty_are_errors() {
        assert!(decode(b"GROUP = A\0\0X = 1\n", p()).is_err());
        assert!(decode(b"\xFF\xFEG\0R\0", p()).is_err());
        assert!(decode(b"", p()).is_err());
        assert!(decode(b" \n\t\0\0\0", p()).is_err());
    }

    #[test]
    fn sniffs_by_first_character() {
        assert_eq!(sniff("  {\"A\": {}}"), Format::Json);
        assert_eq!(sniff("[1, 2]"), Format::Json);
        assert_eq!(sniff("\n<?xml version=\"1.0\"?>"), Format::Xml);
        assert_eq!(sniff("GROUP = L1_METADATA_FILE"), Format::Odl);
    }

    #[test]
    fn line_numbers_and_snippets() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 4), 3);
        assert_eq!(line_of("a\nb", 99), 2);
        assert_eq!(snippet("abcdef", 3), "abc…");
        assert_eq!(snippet("ab", 3), "ab");
    }
}
