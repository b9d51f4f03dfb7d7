//! Which map sheets to draw (pure): the fire zones that matter, every known zone, and the
//! merging of neighbours into one sheet.

use std::collections::HashSet;

/// A rectangle in the native CRS (metres for UTM): `xmin <= xmax`, `ymin <= ymax`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extent {
    pub xmin: f64,
    pub ymin: f64,
    pub xmax: f64,
    pub ymax: f64,
}

impl Extent {
    /// The extent of two corners given in any order.
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Self {
        Self {
            xmin: x0.min(x1),
            ymin: y0.min(y1),
            xmax: x0.max(x1),
            ymax: y0.max(y1),
        }
    }

    /// The bounding box of points; `None` without a finite point.
    pub fn of_points(points: impl IntoIterator<Item = (f64, f64)>) -> Option<Self> {
        let mut e: Option<Extent> = None;
        for (x, y) in points {
            if !(x.is_finite() && y.is_finite()) {
                continue;
            }
            let p = Extent::new(x, y, x, y);
            e = Some(e.map_or(p, |e| e.union(&p)));
        }
        e
    }

    pub fn width(&self) -> f64 {
        self.xmax - self.xmin
    }

    pub fn height(&self) -> f64 {
        self.ymax - self.ymin
    }

    pub fn centre(&self) -> (f64, f64) {
        (0.5 * (self.xmin + self.xmax), 0.5 * (self.ymin + self.ymax))
    }

    /// The smallest extent holding both.
    pub fn union(&self, o: &Extent) -> Extent {
        Extent {
            xmin: self.xmin.min(o.xmin),
            ymin: self.ymin.min(o.ymin),
            xmax: self.xmax.max(o.xmax),
            ymax: self.ymax.max(o.ymax),
        }
    }

    /// Grown by `d` on every side.
    pub fn grow(&self, d: f64) -> Extent {
        Extent {
            xmin: self.xmin - d,
            ymin: self.ymin - d,
            xmax: self.xmax + d,
            ymax: self.ymax + d,
        }
    }

    /// Euclidean distance between the two rectangles (0 when they touch or overlap).
    pub fn gap(&self, o: &Extent) -> f64 {
        let dx = (o.xmin - self.xmax).max(self.xmin - o.xmax).max(0.0);
        let dy = (o.ymin - self.ymax).max(self.ymin - o.ymax).max(0.0);
        dx.hypot(dy)
    }

    /// True when the rectangles share at least a point.
    pub fn intersects(&self, o: &Extent) -> bool {
        self.xmin <= o.xmax && o.xmin <= self.xmax && self.ymin <= o.ymax && o.ymin <= self.ymax
    }

    pub fn contains(&self, x: f64, y: f64) -> bool {
        (self.xmin..=self.xmax).contains(&x) && (self.ymin..=self.ymax).contains(&y)
    }
}

/// Risk class of a fire zone (`docs/outputs.md`, risk rule), ordered `Low < … < Extreme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RiskClass {
    Low,
    Moderate,
    High,
    Extreme,
}

impl RiskClass {
    /// `low`, `moderate`, `high`, `extreme` (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "low" => Some(Self::Low),
            "moderate" => Some(Self::Moderate),
            "high" => Some(Self::High),
            "extreme" => Some(Self::Extreme),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Moderate => "moderate",
            Self::High => "high",
            Self::Extreme => "extreme",
        }
    }
}

/// How many fire zones get a sheet of their own (known zones always do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetCount {
    /// The `n` zones that rank first (risk class, then max delta, then area, then id).
    Top(usize),
    /// Every fire zone.
    All,
}

impl Default for SheetCount {
    fn default() -> Self {
        SheetCount::Top(20)
    }
}

impl std::str::FromStr for SheetCount {
    type Err = String;

    /// `all` or a count (`20`), as `--sheets` takes it.
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("all") {
            return Ok(SheetCount::All);
        }
        s.parse::<usize>()
            .map(SheetCount::Top)
            .map_err(|_| format!("sheet count must be a number or `all`, not `{s}`"))
    }
}

/// What the selection needs to know about a fire zone.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneRef {
    pub id: u32,
    /// `None` when the vector layers (and so the risk classes) were not written.
    pub risk: Option<RiskClass>,
    /// Largest `T − bg_mean` (K); `None` for SWIR-only zones.
    pub max_delta_k: Option<f64>,
    pub area_m2: f64,
    /// Bounding box of the zone's footprint, native CRS.
    pub extent: Extent,
}

/// What the selection needs to know about a known burning zone.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownRef {
    pub id: String,
    pub extent: Extent,
}

/// One sheet (one pair thermal/orthophoto): the zones on it and the area it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetGroup {
    /// File stem: `known_<id>` after its first known zone, else `zone_<NNN>` after its lowest
    /// fire zone id (three digits at least); unique among the groups.
    pub stem: String,
    /// Known zones of the group, in file order.
    pub known_ids: Vec<String>,
    /// Fire zones of the group (those selected), ascending.
    pub zone_ids: Vec<u32>,
    /// Union of the members' extents grown by the margin, native CRS.
    pub extent: Extent,
}

fn cmp_desc_opt(a: Option<f64>, b: Option<f64>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a.filter(|v| v.is_finite()), b.filter(|v| v.is_finite())) {
        (Some(a), Some(b)) => b.total_cmp(&a),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Indices of `zones`, the zone that matters most first: higher risk class (a zone without
/// one ranks below `low`), then larger `max_delta_k` (none last), then larger area, then lower
/// id.
pub fn rank_zones(zones: &[ZoneRef]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..zones.len()).collect();
    idx.sort_by(|&a, &b| {
        let (za, zb) = (&zones[a], &zones[b]);
        zb.risk
            .cmp(&za.risk)
            .then_with(|| cmp_desc_opt(za.max_delta_k, zb.max_delta_k))
            .then_with(|| zb.area_m2.total_cmp(&za.area_m2))
            .then_with(|| za.id.cmp(&zb.id))
    });
    idx
}

/// Indices of the zones that get a sheet, best first.
pub fn select_zones(zones: &[ZoneRef], count: SheetCount) -> Vec<usize> {
    let mut ranked = rank_zones(zones);
    if let SheetCount::Top(n) = count {
        ranked.truncate(n);
    }
    ranked
}

fn sanitise(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() { "_".into() } else { s }
}

struct Member {
    /// Known zone index (file order) or `None` for a fire zone.
    known: Option<usize>,
    zone: Option<usize>,
    /// Position among the members: known zones first in file order, then zones by rank.
    order: usize,
    extent: Extent,
}

/// The sheets to draw: every known zone and the selected fire zones, where members whose
/// extents (bounding boxes) are closer than `margin` (CRS units) — measured between the groups' merged
/// extents, repeatedly until no two groups are that close — share one sheet. Touching or
/// overlapping extents always share. Groups with a known zone come first (in file order), then
/// the others by the rank of their best zone.
pub fn plan_groups(
    zones: &[ZoneRef],
    known: &[KnownRef],
    count: SheetCount,
    margin: f64,
) -> Vec<SheetGroup> {
    let mut members: Vec<Member> = Vec::new();
    for (i, k) in known.iter().enumerate() {
        members.push(Member {
            known: Some(i),
            zone: None,
            order: members.len(),
            extent: k.extent,
        });
    }
    for z in select_zones(zones, count) {
        members.push(Member {
            known: None,
            zone: Some(z),
            order: members.len(),
            extent: zones[z].extent,
        });
    }
    // Groups as member index lists with their merged extent; merge until stable.
    let mut groups: Vec<(Vec<usize>, Extent)> = members
        .iter()
        .enumerate()
        .map(|(i, m)| (vec![i], m.extent))
        .collect();
    let close = |a: &Extent, b: &Extent| {
        let g = a.gap(b);
        g == 0.0 || g < margin
    };
    loop {
        let mut merged = false;
        let mut i = 0;
        while i < groups.len() {
            let mut j = i + 1;
            while j < groups.len() {
                if close(&groups[i].1, &groups[j].1) {
                    let (mj, ej) = groups.swap_remove(j);
                    groups[i].0.extend(mj);
                    groups[i].1 = groups[i].1.union(&ej);
                    merged = true;
                    // Re-test every group against the grown extent.
                    j = i + 1;
                } else {
                    j += 1;
                }
            }
            i += 1;
        }
        if !merged {
            break;
        }
    }
    for g in &mut groups {
        g.0.sort_by_key(|&m| members[m].order);
    }
    groups.sort_by_key(|g| members[g.0[0]].order);
    let mut used: HashSet<String> = HashSet::new();
    groups
        .into_iter()
        .map(|(ms, extent)| {
            let known_ids: Vec<String> = ms
                .iter()
                .filter_map(|&m| members[m].known.map(|k| known[k].id.clone()))
                .collect();
            let mut zone_ids: Vec<u32> = ms
                .iter()
                .filter_map(|&m| members[m].zone.map(|z| zones[z].id))
                .collect();
            zone_ids.sort_unstable();
            let base = match (known_ids.first(), zone_ids.first()) {
                (Some(k), _) => format!("known_{}", sanitise(k)),
                (None, Some(z)) => format!("zone_{z:03}"),
                (None, None) => "sheet".to_string(),
            };
            let mut stem = base.clone();
            let mut n = 2;
            while !used.insert(stem.clone()) {
                stem = format!("{base}_{n}");
                n += 1;
            }
            SheetGroup {
                stem,
                known_ids,
                zone_ids,
                extent: extent.grow(margin.max(0.0)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn z(id: u32, risk: Option<RiskClass>, delta: Option<f64>, x: f64) -> ZoneRef {
        ZoneRef {
            id,
            risk,
            max_delta_k: delta,
            area_m2: 900.0,
            extent: Extent::new(x, 0.0, x + 30.0, 30.0),
        }
    }

    #[test]
    fn gap_between_rectangles() {
        let a = Extent::new(0.0, 0.0, 10.0, 10.0);
        assert_eq!(a.gap(&Extent::new(13.0, 0.0, 20.0, 5.0)), 3.0);
        assert_eq!(a.gap(&Extent::new(13.0, 14.0, 20.0, 20.0)), 5.0);
        assert_eq!(a.gap(&Extent::new(5.0, 5.0, 20.0, 20.0)), 0.0);
        assert_eq!(a.gap(&Extent::new(10.0, 10.0, 20.0, 20.0)), 0.0);
    }

    #[test]
    fn ranking_is_risk_then_delta_then_area_then_id() {
        use RiskClass::*;
        let mut zones = vec![
            z(1, Some(Moderate), Some(20.0), 0.0),
            z(2, Some(High), Some(3.0), 0.0),
            z(3, Some(High), Some(8.0), 0.0),
            z(4, None, Some(50.0), 0.0),
            z(5, Some(High), None, 0.0),
            z(6, Some(Extreme), Some(1.0), 0.0),
            z(7, Some(High), None, 0.0),
        ];
        zones[6].area_m2 = 1800.0;
        let ids: Vec<u32> = rank_zones(&zones).iter().map(|&i| zones[i].id).collect();
        assert_eq!(ids, [6, 3, 2, 7, 5, 1, 4]);
        assert_eq!(SheetCount::default(), SheetCount::Top(20));
        assert_eq!("all".parse::<SheetCount>(), Ok(SheetCount::All));
        assert_eq!(" 7".parse::<SheetCount>(), Ok(SheetCount::Top(7)));
        assert!("seven".parse::<SheetCount>().is_err());
    }

    #[test]
    fn groups_merge_neighbours_closer_than_the_margin() {
        use RiskClass::*;
        // Zones along x: 1 at 0–30, 2 at 200–230 (gap 170), 3 at 600–630 (gap 370 from 2),
        // 4 at 2000–2030 (far), 5 at 5000–5030 (ranked last, left out by Top(4)).
        let zones = vec![
            z(1, Some(High), Some(5.0), 0.0),
            z(2, Some(Low), Some(2.0), 200.0),
            z(3, Some(Moderate), Some(2.0), 600.0),
            z(4, Some(Extreme), Some(2.0), 2000.0),
            z(5, Some(Low), Some(1.0), 5000.0),
        ];
        let known = vec![KnownRef {
            id: "KZ 01".into(),
            extent: Extent::new(1990.0, -50.0, 2100.0, 100.0),
        }];
        let g = plan_groups(&zones, &known, SheetCount::Top(4), 300.0);
        let summary: Vec<(&str, Vec<u32>, Vec<String>)> = g
            .iter()
            .map(|g| (g.stem.as_str(), g.zone_ids.clone(), g.known_ids.clone()))
            .collect();
        assert_eq!(
            summary,
            [
                ("known_KZ_01", vec![4], vec!["KZ 01".to_string()]),
                ("zone_001", vec![1, 2], vec![]),
                ("zone_003", vec![3], vec![]),
            ]
        );
        assert_eq!(g[1].extent, Extent::new(-300.0, -300.0, 530.0, 330.0));
        assert_eq!(g[0].extent, Extent::new(1690.0, -350.0, 2400.0, 400.0));
        // A margin of 400 m also pulls zone 3 in (370 m from zone 2); All adds zone 5.
        let g = plan_groups(&zones, &known, SheetCount::All, 400.0);
        let ids: Vec<Vec<u32>> = g.iter().map(|g| g.zone_ids.clone()).collect();
        assert_eq!(ids, [vec![4], vec![1, 2, 3], vec![5]]);
        // Top(0): only the known zone.
        let g = plan_groups(&zones, &known, SheetCount::Top(0), 300.0);
        assert_eq!(g.len(), 1);
        assert!(g[0].zone_ids.is_empty());
    }

    #[test]
    fn merging_follows_the_grown_extent() {
        // 1 and 2 are 200 m apart (merged at a 210 m margin); zone 3 lies below the gap between
        // them, 220 m from each zone's own box but 205 m from their merged box.
        let zones = vec![
            ZoneRef {
                extent: Extent::new(0.0, 0.0, 100.0, 100.0),
                ..z(1, None, None, 0.0)
            },
            ZoneRef {
                extent: Extent::new(300.0, 0.0, 400.0, 100.0),
                ..z(2, None, None, 0.0)
            },
            ZoneRef {
                extent: Extent::new(180.0, -305.0, 220.0, -205.0),
                ..z(3, None, None, 0.0)
            },
        ];
        assert!(zones[0].extent.gap(&zones[2].extent) > 210.0);
        assert!(zones[1].extent.gap(&zones[2].extent) > 210.0);
        let g = plan_groups(&zones, &[], SheetCount::All, 210.0);
        assert_eq!(g.len(), 1, "{g:?}");
        assert_eq!(g[0].zone_ids, [1, 2, 3]);
        assert_eq!(plan_groups(&zones, &[], SheetCount::All, 150.0).len(), 3);
    }

    #[test]
    fn stems_are_unique() {
        let known = vec![
            KnownRef {
                id: "a/b".into(),
                extent: Extent::new(0.0, 0.0, 1.0, 1.0),
            },
            KnownRef {
                id: "a:b".into(),
                extent: Extent::new(1e6, 0.0, 1e6 + 1.0, 1.0),
            },
        ];
        let g = plan_groups(&[], &known, SheetCount::All, 10.0);
        let stems: Vec<&str> = g.iter().map(|g| g.stem.as_str()).collect();
        assert_eq!(stems, ["known_a_b", "known_a_b_2"]);
    }
}
