//! The form build.rs embeds each built-in rule in for `check`: its TOML table (without
//! docs and tests) as static Rust data, which serde reads with no decoding at all: no
//! lexer, no headers, no UTF-8 to validate, keys matched where they lie. It was a third
//! of the cost of CBOR (ciborium), itself several times cheaper than TOML.
//!
//! Like CBOR it is not a human-readable format: `Spanned` values read from it get an
//! empty range (see `schema::Spanned`).

use serde::de::value::{BorrowedStrDeserializer, Error, MapDeserializer, SeqDeserializer};
use serde::de::{IntoDeserializer, Visitor};
use serde::{forward_to_deserialize_any, Deserializer};

/// A TOML value, as build.rs writes it out. (No floats or dates: no rule field takes
/// one, so a rule that has one is read from its text, to report it.)
#[derive(Debug)]
pub enum Value {
    Str(&'static str),
    Int(i64),
    Bool(bool),
    Array(&'static [Value]),
    Table(&'static [(&'static str, Value)]),
}

impl<'de> Deserializer<'de> for &'static Value {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match *self {
            Value::Str(s) => visitor.visit_borrowed_str(s),
            Value::Int(i) => visitor.visit_i64(i),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Array(items) => visitor.visit_seq(SeqDeserializer::new(items.iter())),
            Value::Table(entries) => visitor.visit_map(MapDeserializer::new(
                entries.iter().map(|(key, value)| (BorrowedStr(key), value)),
            )),
        }
    }

    /// A key that is present has a value: TOML has no null.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    /// Enums in rules are unit variants named by a string (`severity = "warning"`).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match *self {
            Value::Str(s) => {
                BorrowedStrDeserializer::new(s).deserialize_enum(name, variants, visitor)
            }
            _ => self.deserialize_any(visitor),
        }
    }

    fn is_human_readable(&self) -> bool {
        false
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf unit unit_struct newtype_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

impl<'de> IntoDeserializer<'de, Error> for &'static Value {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

/// A table key: borrowed, so a field name is matched without a copy.
struct BorrowedStr(&'static str);

impl<'de> IntoDeserializer<'de, Error> for BorrowedStr {
    type Deserializer = BorrowedStrDeserializer<'de, Error>;
    fn into_deserializer(self) -> Self::Deserializer {
        BorrowedStrDeserializer::new(self.0)
    }
}
