//! Parser for `_MTL.xml` (`<LANDSAT_METADATA_FILE><GROUP><KEY>value</KEY>…`) and ESPA
//! `<espa_metadata>` XML.
//!
//! Mapping to the tree: an element with child elements or attributes becomes a group (its
//! attributes are its first entries, `xmlns` declarations dropped); an element with only text
//! becomes a `KEY = text` entry. Text of an attribute-carrying leaf (`<bit num="0">fill</bit>`)
//! is stored under the key `value`. Namespace prefixes are dropped from names.

use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::text::line_of;
use super::tree::{MAX_DEPTH, MtlGroup, MtlTree};
use crate::error::{Error, Result};

/// An element being read.
struct Open {
    group: MtlGroup,
    has_attrs: bool,
    has_children: bool,
    text: String,
}

/// Parses XML text into a tree whose root is the document element.
pub(crate) fn parse(text: &str, source: &Path) -> Result<MtlTree> {
    let mut reader = Reader::from_str(text);
    let err_at = |pos: u64, msg: String| {
        let line = line_of(text, usize::try_from(pos).unwrap_or(usize::MAX));
        Error::metadata(source, format!("line {line}: {msg}"))
    };
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<MtlGroup> = None;

    loop {
        let event = reader
            .read_event()
            .map_err(|e| err_at(reader.error_position(), format!("malformed XML: {e}")))?;
        let pos = reader.buffer_position();
        match event {
            Event::Start(e) | Event::Empty(e) if root.is_some() => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                return Err(err_at(
                    pos,
                    format!("element <{name}> after the root element"),
                ));
            }
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err_at(
                        pos,
                        format!("elements nested deeper than {MAX_DEPTH}"),
                    ));
                }
                stack.push(open(&e).map_err(|m| err_at(pos, m))?);
            }
            Event::Empty(e) => {
                let node = open(&e).map_err(|m| err_at(pos, m))?;
                close(node, &mut stack, &mut root);
            }
            Event::End(_) => {
                // quick-xml has already checked that the end tag matches the start tag.
                if let Some(node) = stack.pop() {
                    close(node, &mut stack, &mut root);
                }
            }
            Event::Text(t) => {
                let s = t
                    .unescape()
                    .map_err(|e| err_at(pos, format!("bad text: {e}")))?;
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&s),
                    None if s.trim().is_empty() => {}
                    None => {
                        return Err(err_at(pos, "text outside the root element".to_string()));
                    }
                }
            }
            Event::CData(c) => {
                let s = c
                    .decode()
                    .map_err(|e| err_at(pos, format!("bad CDATA: {e}")))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }

    if let Some(top) = stack.last() {
        return Err(Error::metadata(
            source,
            format!("truncated XML: <{}> is never closed", top.group.name()),
        ));
    }
    root.map(MtlTree::new)
        .ok_or_else(|| Error::metadata(source, "XML has no root element"))
}

/// Starts a node for element `e`, attributes first.
fn open(e: &BytesStart) -> std::result::Result<Open, String> {
    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
    let mut group = MtlGroup::new(name);
    let mut has_attrs = false;
    for attr in e.attributes() {
        let attr = attr.map_err(|err| format!("bad attribute in <{}>: {err}", group.name()))?;
        let full = attr.key.as_ref();
        if full == b"xmlns" || full.starts_with(b"xmlns:") {
            continue;
        }
        let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).into_owned();
        let value = attr
            .unescape_value()
            .map_err(|err| format!("bad attribute value in <{}>: {err}", group.name()))?;
        group.push_entry(key, value.trim());
        has_attrs = true;
    }
    Ok(Open {
        group,
        has_attrs,
        has_children: false,
        text: String::new(),
    })
}

/// Finishes `node` and hands it to its parent (or makes it the root).
fn close(node: Open, stack: &mut [Open], root: &mut Option<MtlGroup>) {
    let Open {
        mut group,
        has_attrs,
        has_children,
        text,
    } = node;
    let text = text.trim();
    let Some(parent) = stack.last_mut() else {
        if !has_children && !has_attrs && !text.is_empty() {
            group.push_entry("value", text);
        }
        *root = Some(group);
        return;
    };
    parent.has_children = true;
    if has_children {
        parent.group.push_group(group);
    } else if has_attrs {
        if !text.is_empty() {
            group.push_entry("value", text);
        }
        parent.group.push_group(group);
    } else {
        parent.group.push_entry(group.name().to_string(), text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<MtlTree> {
        parse(s, Path::new("t_MTL.xml"))
    }

    #[test]
    fn elements_map_to_groups_and_entries() {
        let t = parse_str(
            "<?xml version=\"1.0\"?>\n<R xmlns=\"http://x\" xmlns:xsi=\"http://y\" v=\"2\">\n\
             <A><K> x &amp; y </K><E/></A>\n<s zenith=\"30.5\" azimuth=\"10\"/>\n\
             <bit num=\"0\">fill</bit><!-- c --><C><![CDATA[raw<>]]></C></R>",
        )
        .unwrap();
        assert_eq!(t.root_name(), "R");
        assert_eq!(t.get("", "v"), Some("2"));
        assert_eq!(
            t.root().entries().count(),
            2,
            "xmlns dropped; v and C remain"
        );
        assert_eq!(t.get("A", "K"), Some("x & y"));
        assert_eq!(t.get("A", "E"), Some(""));
        assert_eq!(t.get("s", "zenith"), Some("30.5"));
        assert_eq!(t.get("bit", "value"), Some("fill"));
        assert_eq!(t.get("", "C"), Some("raw<>"));
    }

    #[test]
    fn malformed_xml_is_an_error() {
        for s in [
            "<R><A>1</B></R>",
            "<R><A>1</A>",
            "<R/><S/>",
            "text <R/>",
            "<R a=\"1></R>",
            "<",
        ] {
            assert!(parse_str(s).is_err(), "{s}");
        }
        let deep = "<a>".repeat(100);
        assert!(parse_str(&deep).unwrap_err().to_string().contains("deeper"));
    }
}
