//! The generic metadata tree that every MTL format (ODL text, JSON, XML) is read into.
//!
//! A tree is one root group holding, in file order, `KEY = value` entries and nested groups.
//! Values are kept as text with ODL quotes removed; turning them into numbers is the caller's job.

/// Deepest group nesting accepted from any format. Real MTLs nest two levels (ESPA XML four);
/// the limit keeps hostile input from exhausting the stack.
pub(crate) const MAX_DEPTH: usize = 64;

/// One group of an MTL: a name, its `KEY = value` entries and nested groups, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MtlGroup {
    name: String,
    entries: Vec<(String, String)>,
    groups: Vec<MtlGroup>,
}

impl MtlGroup {
    /// An empty group called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        MtlGroup {
            name: name.into(),
            entries: Vec::new(),
            groups: Vec::new(),
        }
    }

    /// The group's name (`PRODUCT_CONTENTS`, `LEVEL1_THERMAL_CONSTANTS`, …).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The entries of this group (not of nested groups) in file order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The first value stored under `key` directly in this group.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The nested groups in file order (names may repeat, e.g. ESPA `band`).
    pub fn groups(&self) -> &[MtlGroup] {
        &self.groups
    }

    /// The first nested group called `name` (direct children only).
    pub fn group(&self, name: &str) -> Option<&MtlGroup> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// Appends an entry (keeps duplicates; [`MtlGroup::get`] returns the first).
    pub fn push_entry(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.entries.push((key.into(), value.into()));
    }

    /// Appends a nested group.
    pub fn push_group(&mut self, group: MtlGroup) {
        self.groups.push(group);
    }
}

/// A parsed MTL: the root group (`LANDSAT_METADATA_FILE`, `L1_METADATA_FILE`, `espa_metadata`)
/// with everything below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MtlTree {
    root: MtlGroup,
}

impl MtlTree {
    /// Wraps a root group.
    pub fn new(root: MtlGroup) -> Self {
        MtlTree { root }
    }

    /// Name of the root group.
    pub fn root_name(&self) -> &str {
        self.root.name()
    }

    /// The root group itself.
    pub fn root(&self) -> &MtlGroup {
        &self.root
    }

    /// The group at `path` below the root, path segments separated by `/`
    /// (`"LEVEL1_THERMAL_CONSTANTS"`, `"global_metadata/solar_angles"`); `""` is the root.
    /// With repeated names the first group wins.
    pub fn group(&self, path: &str) -> Option<&MtlGroup> {
        path.split('/')
            .filter(|s| !s.is_empty())
            .try_fold(&self.root, |g, name| g.group(name))
    }

    /// The value of `key` in the group at `path` (see [`MtlTree::group`]), quotes already removed.
    pub fn get(&self, path: &str, key: &str) -> Option<&str> {
        self.group(path)?.get(key)
    }

    /// The value of `key` in the first of `paths` that has it.
    pub fn get_any(&self, paths: &[&str], key: &str) -> Option<&str> {
        paths.iter().find_map(|p| self.get(p, key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> MtlTree {
        let mut inner = MtlGroup::new("B");
        inner.push_entry("K", "inner");
        let mut a = MtlGroup::new("A");
        a.push_entry("K", "first");
        a.push_entry("K", "second");
        a.push_group(inner);
        let mut root = MtlGroup::new("ROOT");
        root.push_entry("TOP", "1");
        root.push_group(a);
        MtlTree::new(root)
    }

    #[test]
    fn paths_resolve_from_the_root() {
        let t = sample();
        assert_eq!(t.root_name(), "ROOT");
        assert_eq!(t.get("", "TOP"), Some("1"));
        assert_eq!(t.get("A", "K"), Some("first"));
        assert_eq!(t.get("A/B", "K"), Some("inner"));
        assert_eq!(t.get("A/C", "K"), None);
        assert_eq!(t.get("B", "K"), None, "only direct children are searched");
        assert_eq!(t.get_any(&["X", "A/B", "A"], "K"), Some("inner"));
    }

    #[test]
    fn entries_keep_file_order() {
        let t = sample();
        let keys: Vec<_> = t.group("A").unwrap().entries().collect();
        assert_eq!(keys, vec![("K", "first"), ("K", "second")]);
    }
}
