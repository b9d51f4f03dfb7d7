//! Attribute tables shared by every vector writer: one schema (field names and types) and rows
//! of values, so GeoJSON, CSV and GeoPackage carry exactly the same attributes.

/// Storage type of a field (GeoPackage column type; JSON number or string).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// 64-bit integer.
    Integer,
    /// Double precision.
    Real,
    /// UTF-8 text.
    String,
    /// true/false (JSON boolean; GeoPackage integer with the boolean subtype).
    Boolean,
}

/// One attribute column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
}

/// Shorthand for a [`Field`].
pub const fn field(name: &'static str, ty: FieldType) -> Field {
    Field { name, ty }
}

/// One attribute value. `Real` NaN or infinity is written as null.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Real(f64),
    Str(String),
    Bool(bool),
    Null,
}

impl Value {
    /// A real value, null when `v` is not finite.
    pub fn real(v: f64) -> Value {
        if v.is_finite() {
            Value::Real(v)
        } else {
            Value::Null
        }
    }

    /// A single-precision value widened without spurious digits (`305.13f32` → `305.13`, not
    /// `305.1300048828125`); null when not finite.
    pub fn real32(v: f32) -> Value {
        if v.is_finite() {
            Value::Real(widen(v))
        } else {
            Value::Null
        }
    }

    /// An optional real.
    pub fn opt_real(v: Option<f64>) -> Value {
        v.map_or(Value::Null, Value::real)
    }

    /// An optional string.
    pub fn opt_str(v: Option<&str>) -> Value {
        v.map_or(Value::Null, |s| Value::Str(s.to_string()))
    }

    /// A coordinate in degrees rounded to 7 decimals (about 1 cm), as in the GeoJSON geometry.
    pub fn degrees(v: Option<f64>) -> Value {
        v.map_or(Value::Null, |d| Value::real(round7(d)))
    }

    /// True for `Null` and non-finite reals.
    pub fn is_null(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Real(v) => !v.is_finite(),
            _ => false,
        }
    }

    /// The value as text without quotes (`None` for null): integers in decimal, reals in the
    /// shortest form that reads back to the same `f64` (never an exponent), strings as is.
    pub fn text(&self) -> Option<String> {
        match self {
            Value::Int(i) => Some(i.to_string()),
            Value::Real(v) if v.is_finite() => Some(format!("{v}")),
            Value::Str(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// `v` rounded to 7 decimals.
pub fn round7(v: f64) -> f64 {
    let r = (v * 1e7).round() / 1e7;
    if r == 0.0 { 0.0 } else { r }
}

/// `f32` → `f64` through the shortest decimal that reads back to the same `f32`.
pub fn widen(v: f32) -> f64 {
    format!("{v}").parse().unwrap_or(f64::from(v))
}

/// Index of a field by name in a schema.
pub fn index_of(fields: &[Field], name: &str) -> Option<usize> {
    fields.iter().position(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_print_without_noise_or_exponents() {
        assert_eq!(Value::real32(305.13).text().as_deref(), Some("305.13"));
        assert_eq!(Value::real(1e-7).text().as_deref(), Some("0.0000001"));
        assert_eq!(Value::real(f64::NAN), Value::Null);
        assert!(Value::Real(f64::INFINITY).is_null());
        assert_eq!(
            Value::degrees(Some(-57.56326489025)),
            Value::Real(-57.5632649)
        );
        assert_eq!(round7(-0.00000001), 0.0);
        assert_eq!(Value::Int(-3).text().as_deref(), Some("-3"));
        assert_eq!(Value::Null.text(), None);
    }
}
