//! Parser for the ODL (Object Description Language) text of `_MTL.txt` files.
//!
//! ```text
//! GROUP = LANDSAT_METADATA_FILE
//!   GROUP = IMAGE_ATTRIBUTES
//!     SPACECRAFT_ID = "LANDSAT_8"
//!     SUN_ELEVATION = 33.83332706
//!   END_GROUP = IMAGE_ATTRIBUTES
//! END_GROUP = LANDSAT_METADATA_FILE
//! END
//! ```
//!
//! `OBJECT`/`END_OBJECT` are read like groups, `/* … */` comments are skipped, a quoted string
//! or a `( … )` list may span lines. The closing `END` is optional; everything after it is
//! ignored. Malformed structure is an error naming the line.

use std::path::Path;

use super::text::snippet;
use super::tree::{MAX_DEPTH, MtlGroup, MtlTree};
use crate::error::{Error, Result};

/// A group being filled, with the line that opened it (for error messages).
struct Open {
    group: MtlGroup,
    line: usize,
}

/// Parses ODL text into a tree. `source` only names the file in errors.
pub(crate) fn parse(text: &str, source: &Path) -> Result<MtlTree> {
    let err = |line: usize, msg: String| Error::metadata(source, format!("line {line}: {msg}"));
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<MtlGroup> = None;
    let mut last_line = 0;

    while let Some((n, raw)) = lines.next() {
        last_line = n;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with("/*") {
            if !line.contains("*/") {
                skip_comment(&mut lines, &mut last_line)
                    .ok_or_else(|| err(n, "comment opened with /* is never closed".to_string()))?;
            }
            continue;
        }
        if line.eq_ignore_ascii_case("END") {
            break;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(err(
                n,
                format!("expected `KEY = value`, found `{}`", snippet(line, 40)),
            ));
        };
        let key = key.trim();
        let value = value.trim();
        if !is_key(key) {
            return Err(err(n, format!("`{}` is not a key name", snippet(key, 40))));
        }
        match key.to_ascii_uppercase().as_str() {
            "GROUP" | "OBJECT" => {
                let name = unquote(value);
                if !is_key(name) {
                    return Err(err(n, format!("GROUP without a valid name: `{value}`")));
                }
                if stack.is_empty() && root.is_some() {
                    return Err(err(
                        n,
                        format!("second top-level GROUP = {name} after the root group ended"),
                    ));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(err(n, format!("groups nested deeper than {MAX_DEPTH}")));
                }
                stack.push(Open {
                    group: MtlGroup::new(name),
                    line: n,
                });
            }
            "END_GROUP" | "END_OBJECT" => {
                let name = unquote(value);
                let Some(open) = stack.pop() else {
                    return Err(err(
                        n,
                        format!("END_GROUP = {name} without a matching GROUP"),
                    ));
                };
                if !name.is_empty() && name != open.group.name() {
                    return Err(err(
                        n,
                        format!(
                            "END_GROUP = {name} does not close GROUP = {} (opened at line {})",
                            open.group.name(),
                            open.line
                        ),
                    ));
                }
                match stack.last_mut() {
                    Some(parent) => parent.group.push_group(open.group),
                    None => root = Some(open.group),
                }
            }
            _ => {
                let Some(current) = stack.last_mut() else {
                    return Err(err(n, format!("{key} = … outside any GROUP")));
                };
                let value = continued_value(value, &mut lines, &mut last_line)
                    .ok_or_else(|| err(n, format!("value of {key} is never closed")))?;
                current.group.push_entry(key, unquote(&value));
            }
        }
    }

    if let Some(open) = stack.last() {
        return Err(err(
            last_line,
            format!(
                "unterminated GROUP = {} (opened at line {}): the file is truncated or \
                 lacks END_GROUP",
                open.group.name(),
                open.line
            ),
        ));
    }
    root.map(MtlTree::new).ok_or_else(|| {
        Error::metadata(
            source,
            "no GROUP found: not an MTL file (expected `GROUP = LANDSAT_METADATA_FILE`)",
        )
    })
}

/// ODL names: letters, digits, `_` and `:` (namespaced keys).
fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// Removes one pair of surrounding double quotes.
pub(crate) fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(s)
}

/// Consumes lines up to the one closing a multi-line `/* … */` comment; `None` at end of text.
fn skip_comment<'a>(
    lines: &mut impl Iterator<Item = (usize, &'a str)>,
    last_line: &mut usize,
) -> Option<()> {
    for (n, l) in lines.by_ref() {
        *last_line = n;
        if l.contains("*/") {
            return Some(());
        }
    }
    None
}

/// The full value starting with `first`: a quoted string or `( … )` list that is not closed on
/// its line continues on the following lines. `None` when the text ends first.
fn continued_value<'a>(
    first: &str,
    lines: &mut impl Iterator<Item = (usize, &'a str)>,
    last_line: &mut usize,
) -> Option<String> {
    let closer = if first.starts_with('"') && (first.len() == 1 || !first.ends_with('"')) {
        '"'
    } else if first.starts_with('(') && !first.ends_with(')') {
        ')'
    } else {
        return Some(first.to_string());
    };
    let mut value = first.to_string();
    for (n, l) in lines.by_ref() {
        *last_line = n;
        let l = l.trim();
        value.push(' ');
        value.push_str(l);
        if l.ends_with(closer) {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<MtlTree> {
        parse(s, Path::new("t_MTL.txt"))
    }

    fn msg(s: &str) -> String {
        parse_str(s).unwrap_err().to_string()
    }

    #[test]
    fn nested_groups_and_quotes() {
        let t = parse_str(
            "GROUP = L1_METADATA_FILE\r\n  GROUP = A\r\n    K = \"v w\"\r\n    N = 02\r\n  \
             END_GROUP = A\r\nEND_GROUP = L1_METADATA_FILE\r\nEND\r\n",
        )
        .unwrap();
        assert_eq!(t.root_name(), "L1_METADATA_FILE");
        assert_eq!(t.get("A", "K"), Some("v w"));
        assert_eq!(t.get("A", "N"), Some("02"));
    }

    #[test]
    fn end_is_optional_and_text_after_it_is_ignored() {
        let t = parse_str("GROUP = R\nX = 1\nEND_GROUP = R\n").unwrap();
        assert_eq!(t.get("", "X"), Some("1"));
        let t = parse_str("GROUP = R\nEND_GROUP = R\nEND\ngarbage here").unwrap();
        assert_eq!(t.root_name(), "R");
    }

    #[test]
    fn multi_line_values_and_comments() {
        let t = parse_str(
            "/* header\n comment */\nGROUP = R\n/* one-line */\nL = (1,\n 2)\nS = \"a\nb\"\n\
             END_GROUP = R\nEND",
        )
        .unwrap();
        assert_eq!(t.get("", "L"), Some("(1, 2)"));
        assert_eq!(t.get("", "S"), Some("a b"));
    }

    #[test]
    fn structural_errors_name_the_line() {
        assert!(
            msg("GROUP = R\n  GROUP = A\n  X = 1\n").contains("line 3: unterminated GROUP = A")
        );
        assert!(msg("GROUP = R\nEND_GROUP = Q\n").contains("line 2: END_GROUP = Q does not close"));
        assert!(msg("END_GROUP = R\n").contains("line 1: END_GROUP = R without"));
        assert!(msg("X = 1\n").contains("outside any GROUP"));
        assert!(msg("GROUP = R\nno equals sign\n").contains("line 2: expected `KEY = value`"));
        assert!(msg("GROUP = R\nEND_GROUP = R\nGROUP = S\n").contains("second top-level"));
        assert!(msg("GROUP = R\nS = \"open\n").contains("never closed"));
        assert!(msg("GROUP = R\nBAD KEY = 1\n").contains("not a key name"));
        assert!(msg("GROUP = \nEND_GROUP =\n").contains("GROUP without a valid name"));
        assert!(msg("\n\n").contains("no GROUP found"));
    }

    #[test]
    fn nesting_is_bounded() {
        let deep: String = (0..200).map(|i| format!("GROUP = G{i}\n")).collect();
        assert!(msg(&deep).contains("nested deeper"));
    }
}
