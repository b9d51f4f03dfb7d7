//! Parser for `_MTL.json`: `{"LANDSAT_METADATA_FILE": {"GROUP": {"KEY": "value", …}, …}}`.
//!
//! USGS writes every value as a string (`"3.3420E-04"`); numbers and booleans are accepted and
//! kept as their JSON text, `null` becomes an empty value, arrays of objects become repeated groups. Object member order is
//! kept (a visitor builds the tree directly; `serde_json::Value` would sort the keys).

use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};

use super::tree::{MAX_DEPTH, MtlGroup, MtlTree};
use crate::error::{Error, Result};

/// A JSON value with object order preserved.
enum Node {
    Scalar(String),
    Null,
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Node, E> {
        Ok(Node::Scalar(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E: de::Error>(self) -> std::result::Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Node, A::Error> {
        let mut members = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Node>()? {
            members.push((k, v));
        }
        Ok(Node::Object(members))
    }
}

/// Parses MTL JSON text into a tree. The root group is the top-level member whose value is an
/// object (`LANDSAT_METADATA_FILE` or `L1_METADATA_FILE` preferred when there are several).
pub(crate) fn parse(text: &str, source: &Path) -> Result<MtlTree> {
    let node: Node = serde_json::from_str(text)
        .map_err(|e| Error::metadata(source, format!("invalid JSON: {e}")))?;
    let Node::Object(members) = node else {
        return Err(Error::metadata(
            source,
            "JSON metadata must be an object with one root group",
        ));
    };
    let mut objects: Vec<(String, Vec<(String, Node)>)> = members
        .into_iter()
        .filter_map(|(k, v)| match v {
            Node::Object(m) => Some((k, m)),
            _ => None,
        })
        .collect();
    let pick = objects
        .iter()
        .position(|(k, _)| k == "LANDSAT_METADATA_FILE" || k == "L1_METADATA_FILE")
        .unwrap_or(0);
    if objects.is_empty() {
        return Err(Error::metadata(
            source,
            "JSON has no root group object (expected {\"LANDSAT_METADATA_FILE\": {…}})",
        ));
    }
    let (name, members) = objects.swap_remove(pick);
    let mut root = MtlGroup::new(name);
    fill(&mut root, members, 1, source)?;
    Ok(MtlTree::new(root))
}

/// Adds the members of a JSON object to `group`.
fn fill(
    group: &mut MtlGroup,
    members: Vec<(String, Node)>,
    depth: usize,
    source: &Path,
) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(Error::metadata(
            source,
            format!("JSON objects nested deeper than {MAX_DEPTH}"),
        ));
    }
    for (key, value) in members {
        add(group, key, value, depth, source)?;
    }
    Ok(())
}

fn add(group: &mut MtlGroup, key: String, value: Node, depth: usize, source: &Path) -> Result<()> {
    match value {
        Node::Scalar(s) => group.push_entry(key, s),
        // Kept as an empty value: absent for optional keys, "not a number" for a constant.
        Node::Null => group.push_entry(key, ""),
        Node::Object(m) => {
            let mut child = MtlGroup::new(key);
            fill(&mut child, m, depth + 1, source)?;
            group.push_group(child);
        }
        Node::Array(items) => {
            for item in items {
                if !matches!(item, Node::Array(_)) {
                    add(group, key.clone(), item, depth, source)?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<MtlTree> {
        parse(s, Path::new("t_MTL.json"))
    }

    #[test]
    fn keeps_member_order_and_stringifies_scalars() {
        let t = parse_str(
            r#"{"LANDSAT_METADATA_FILE": {"Z": {"B": "2", "A": 1.5, "T": true, "N": null}}}"#,
        )
        .unwrap();
        assert_eq!(t.root_name(), "LANDSAT_METADATA_FILE");
        let g = t.group("Z").unwrap();
        let e: Vec<_> = g.entries().collect();
        assert_eq!(e, vec![("B", "2"), ("A", "1.5"), ("T", "true"), ("N", "")]);
    }

    #[test]
    fn json_numbers_read_back_exactly() {
        // Found by tests/mtl_formats.rs (generated_mtl_in_three_encodings): without
        // serde_json's float_roundtrip this came back as 1222.625071356931.
        let t = parse_str(r#"{"R": {"G": {"K2": 1222.6250713569307}}}"#).unwrap();
        let v: f64 = t.get("G", "K2").unwrap().parse().unwrap();
        assert_eq!(v, 1222.6250713569307);
    }

    #[test]
    fn arrays_become_repeated_groups() {
        let t = parse_str(r#"{"R": {"band": [{"n": "1"}, {"n": "2"}], "v": ["a", "b"]}}"#).unwrap();
        assert_eq!(t.root().groups().len(), 2);
        assert_eq!(t.root().groups()[1].get("n"), Some("2"));
        assert_eq!(t.get("", "v"), Some("a"));
    }

    #[test]
    fn bad_json_is_an_error() {
        for s in [
            "{",
            "[]",
            "\"x\"",
            "{\"A\": \"no group\"}",
            "{\"A\": {\"B\": }",
        ] {
            assert!(parse_str(s).is_err(), "{s}");
        }
        let deep = format!("{}{{}}{}", "{\"a\":".repeat(100), "}".repeat(100));
        assert!(parse_str(&deep).is_err());
    }
}
