//! A small XML element tree that prints indented, escaped XML (QGIS reads it with Qt's DOM
//! parser; whitespace between elements is ignored).

use std::fmt::Write;

/// One element: name, attributes in order, children.
#[derive(Debug, Clone, PartialEq)]
pub struct El {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    El(El),
    Text(String),
}

impl El {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_string(),
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    /// Adds an attribute.
    pub fn attr(mut self, key: &str, value: impl std::fmt::Display) -> Self {
        self.attrs.push((key.to_string(), value.to_string()));
        self
    }

    /// Adds a child element.
    pub fn child(mut self, el: El) -> Self {
        self.children.push(Node::El(el));
        self
    }

    /// Adds child elements.
    pub fn children(mut self, els: impl IntoIterator<Item = El>) -> Self {
        self.children.extend(els.into_iter().map(Node::El));
        self
    }

    /// Adds a text child.
    pub fn text(mut self, text: impl std::fmt::Display) -> Self {
        self.children.push(Node::Text(text.to_string()));
        self
    }

    /// `<name>text</name>`.
    pub fn with_text(name: &str, text: impl std::fmt::Display) -> Self {
        El::new(name).text(text)
    }

    /// The element name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The element printed with `indent` levels of two spaces, ending in a newline.
    pub fn to_xml(&self, indent: usize) -> String {
        let mut out = String::new();
        self.write(&mut out, indent);
        out
    }

    fn write(&self, out: &mut String, indent: usize) {
        let pad = "  ".repeat(indent);
        let _ = write!(out, "{pad}<{}", self.name);
        for (k, v) in &self.attrs {
            let _ = write!(out, " {k}=\"{}\"", escape(v));
        }
        match self.children.as_slice() {
            [] => out.push_str("/>\n"),
            [Node::Text(t)] => {
                let _ = writeln!(out, ">{}</{}>", escape(t), self.name);
            }
            children => {
                out.push_str(">\n");
                for c in children {
                    match c {
                        Node::El(e) => e.write(out, indent + 1),
                        Node::Text(t) => {
                            let _ = writeln!(out, "{pad}  {}", escape(t));
                        }
                    }
                }
                let _ = writeln!(out, "{pad}</{}>", self.name);
            }
        }
    }
}

/// Escapes `& < > " '` for text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
    out
}

/// `<Option type="Map">` with `<Option type="QString" name=… value=…/>` entries, QGIS's
/// property map of symbol layers and colour ramps.
pub fn option_map<'a>(entries: impl IntoIterator<Item = (&'a str, String)>) -> El {
    El::new("Option")
        .attr("type", "Map")
        .children(entries.into_iter().map(|(k, v)| {
            El::new("Option")
                .attr("type", "QString")
                .attr("name", k)
                .attr("value", v)
        }))
}

/// QGIS's empty data-defined property collection.
pub fn data_defined(name: &str) -> El {
    El::new(name).child(
        El::new("Option")
            .attr("type", "Map")
            .child(
                El::new("Option")
                    .attr("type", "QString")
                    .attr("name", "name")
                    .attr("value", ""),
            )
            .child(El::new("Option").attr("name", "properties"))
            .child(
                El::new("Option")
                    .attr("type", "QString")
                    .attr("name", "type")
                    .attr("value", "collection"),
            ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_and_escapes() {
        let e = El::new("a")
            .attr("filter", "\"x\" = 'y' AND z < 3")
            .child(El::with_text("b", "1 & 2"))
            .child(El::new("c"));
        assert_eq!(
            e.to_xml(0),
            "<a filter=\"&quot;x&quot; = &apos;y&apos; AND z &lt; 3\">\n  <b>1 &amp; 2</b>\n  <c/>\n</a>\n"
        );
    }
}
