//! `--memory-limit`: sizes like `512M`, `2G`, `1.5GiB`, `800MB`, or plain bytes; the default is
//! the smaller of 1 GiB and half the memory the system reports available when the command
//! starts (`MemAvailable` in `/proc/meminfo`), so a run fits beside what already runs on the
//! machine and its memory does not grow with the raster: a full Landsat scene is detected in
//! strips (byte-identical to the whole-raster run, which a larger limit allows for speed).

/// Default ceiling: 1 GiB (docs/performance.md, "Streamed detect").
pub const DEFAULT_CAP_BYTES: u64 = 1 << 30;

/// Fallback when the available memory cannot be read: the ceiling.
const FALLBACK_BYTES: u64 = DEFAULT_CAP_BYTES;

/// Smallest limit accepted: below this, GDAL's drivers alone would not fit.
pub const MIN_BYTES: u64 = 128 << 20;

/// Parses a size: a number (decimals allowed) with an optional binary suffix `K`, `M`, `G`,
/// `T` (also `KB`/`KiB`…, case-insensitive; all powers of 1024, as `GDAL_CACHEMAX` and `free`
/// count them). Used by clap as a `value_parser`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size (examples: 512M, 2G, 1073741824)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        other => {
            return Err(format!(
                "unknown size unit `{other}` in `{s}` (use K, M, G or T)"
            ));
        }
    };
    let bytes = value * (1u64 << shift) as f64;
    if !bytes.is_finite() || bytes < MIN_BYTES as f64 {
        return Err(format!(
            "memory limit `{s}` is below the {} MiB seamfire needs",
            MIN_BYTES >> 20
        ));
    }
    Ok(bytes as u64)
}

/// Half of `MemAvailable` from a `/proc/meminfo` text (kB lines), at least [`MIN_BYTES`].
pub fn default_from_meminfo(meminfo: &str) -> Option<u64> {
    let kb: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some((kb * 1024 / 2).max(MIN_BYTES))
}

/// The default limit for a `/proc/meminfo` text (`None`: unreadable): half the available
/// memory, at most [`DEFAULT_CAP_BYTES`].
pub fn default_limit(meminfo: Option<&str>) -> u64 {
    meminfo
        .and_then(default_from_meminfo)
        .map_or(FALLBACK_BYTES, |b| b.min(DEFAULT_CAP_BYTES))
}

/// The limit to use: the one given, else [`default_limit`].
pub fn resolve(given: Option<u64>) -> u64 {
    given.unwrap_or_else(|| default_limit(std::fs::read_to_string("/proc/meminfo").ok().as_deref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert_eq!(parse_size("1.5GiB"), Ok(3 << 29));
        assert_eq!(parse_size("800MB"), Ok(800 << 20));
        assert_eq!(parse_size(" 1073741824 "), Ok(1 << 30));
        assert!(parse_size("12X").unwrap_err().contains("unknown size unit"));
        assert!(parse_size("G").unwrap_err().contains("not a size"));
        assert!(parse_size("64M").unwrap_err().contains("below"));
    }

    #[test]
    fn default_is_half_of_available() {
        let meminfo =
            "MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   20000000 kB\n";
        assert_eq!(default_from_meminfo(meminfo), Some(20_000_000 * 1024 / 2));
        assert_eq!(default_from_meminfo("MemTotal: 5 kB\n"), None);
        assert_eq!(
            default_from_meminfo("MemAvailable: 1000 kB\n"),
            Some(MIN_BYTES)
        );
        // The default: at most 1 GiB on a large machine, half the available on a small one.
        assert_eq!(default_limit(Some(meminfo)), 1 << 30);
        let small = "MemAvailable:   1048576 kB\n"; // 1 GiB available: half is 512 MiB
        assert_eq!(default_limit(Some(small)), 512 << 20);
        assert_eq!(default_limit(None), 1 << 30);
    }
}
