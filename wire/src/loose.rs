//! Answers read loosely: a JSON object as its members' names and their values as
//! JSON text, each value read when it is asked for. For the answers that are read
//! once per call (the cases of an alert, a case's alerts and activity, a push):
//! one decoder for all of them, where a derived decoder per answer type cost 3 to
//! 6 KB of the component each (see BENCHMARKS.md). JSON is read by serde_json
//! throughout; only the members' conversions are written here.
//!
//! A member that is missing or `null` reads as its default (`""`, 0) unless it is
//! required ([`Object::id`], [`Object::objects`]); a member of the wrong type is an
//! error naming it (`[3].status: invalid type: integer `7`, expected a string`).

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::format;
use core::fmt;

use serde::de::value::{Error as ValueError, StrDeserializer};
use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

/// A JSON object: each member's name and value (as JSON text), in order.
#[derive(Debug, Default)]
pub struct Object(Vec<(String, Box<RawValue>)>);

/// What is wrong with a loosely read answer, and where.
#[derive(Debug, PartialEq, Eq)]
pub struct Bad {
    /// The member's path from the answer (`[3].status`), empty for the answer.
    pub path: String,
    pub message: String,
}

impl Bad {
    fn new(path: &str, message: String) -> Bad {
        Bad {
            path: path.to_owned(),
            message,
        }
    }

    /// The same error inside element `index` of a list.
    pub fn at(self, index: usize) -> Bad {
        let dot = if self.path.is_empty() || self.path.starts_with('[') {
            ""
        } else {
            "."
        };
        Bad {
            path: format!("[{index}]{dot}{}", self.path),
            message: self.message,
        }
    }

    /// The same error inside member `name` (of an object read with
    /// [`Object::object`]).
    pub fn inside(self, name: &str) -> Bad {
        let dot = if self.path.is_empty() || self.path.starts_with('[') {
            ""
        } else {
            "."
        };
        Bad {
            path: format!("{name}{dot}{}", self.path),
            message: self.message,
        }
    }
}

impl fmt::Display for Bad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path.is_empty() {
            true => f.write_str(&self.message),
            false => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

impl From<Bad> for String {
    fn from(bad: Bad) -> String {
        bad.to_string()
    }
}

/// Converts each element of a list, naming the element an error is about.
pub fn each<T>(
    items: Vec<Object>,
    mut convert: impl FnMut(Object) -> Result<T, Bad>,
) -> Result<Vec<T>, Bad> {
    // A plain loop: `collect` into a `Result` was 300 to 600 bytes more per caller.
    let mut converted = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        converted.push(convert(item).map_err(|bad| bad.at(index))?);
    }
    Ok(converted)
}

impl Object {
    /// The value of member `name` as JSON text; `None` when it is missing or `null`.
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.get())
            .filter(|text| *text != "null")
    }

    /// The members' values as JSON text, in order.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(_, value)| value.get())
    }

    /// A string member; `""` when missing or `null`.
    pub fn text(&self, name: &str) -> Result<String, Bad> {
        Ok(self.opt_text(name)?.unwrap_or_default())
    }

    /// A string member that may be missing or `null`.
    pub fn opt_text(&self, name: &str) -> Result<Option<String>, Bad> {
        match self.scalar(name)? {
            None => Ok(None),
            Some(Scalar::Str(text)) => Ok(Some(text)),
            Some(other) => Err(Bad::new(name, other.invalid("a string"))),
        }
    }

    /// A member that Kibana documents as a string but whose shape may vary: its
    /// text when it is a string, else nothing.
    pub fn loose_text(&self, name: &str) -> Option<String> {
        match self.scalar(name) {
            Ok(Some(Scalar::Str(text))) => Some(text),
            _ => None,
        }
    }

    /// A boolean member; `false` when missing or `null`.
    pub fn flag(&self, name: &str) -> Result<bool, Bad> {
        match self.scalar(name)? {
            None => Ok(false),
            Some(Scalar::Bool(value)) => Ok(value),
            Some(other) => Err(Bad::new(name, other.invalid("a boolean"))),
        }
    }

    /// A string member that must be there (an id).
    pub fn id(&self, name: &str) -> Result<String, Bad> {
        self.opt_text(name)?
            .ok_or_else(|| Bad::new("", format!("missing field `{name}`")))
    }

    /// A count; 0 when missing or `null`.
    pub fn count(&self, name: &str) -> Result<u64, Bad> {
        Ok(self.opt_count(name)?.unwrap_or_default())
    }

    /// A count that may be missing or `null`.
    pub fn opt_count(&self, name: &str) -> Result<Option<u64>, Bad> {
        match self.scalar(name)? {
            None => Ok(None),
            Some(Scalar::Count(count)) => Ok(Some(count)),
            Some(other) => Err(Bad::new(name, other.invalid("u64"))),
        }
    }

    /// A member that is one of the names of enum `E` (`"in-progress"`).
    pub fn name<E: DeserializeOwned>(&self, name: &str) -> Result<E, Bad> {
        let text = self
            .opt_text(name)?
            .ok_or_else(|| Bad::new("", format!("missing field `{name}`")))?;
        E::deserialize(StrDeserializer::<ValueError>::new(&text))
            .map_err(|err| Bad::new(name, err.to_string()))
    }

    /// A member that, when there, is one of the names of enum `E`.
    pub fn opt_name<E: DeserializeOwned>(&self, name: &str) -> Result<Option<E>, Bad> {
        match self.raw(name) {
            None => Ok(None),
            Some(_) => self.name(name).map(Some),
        }
    }

    /// One string or a list of strings (an alert attachment's `alertId`); none when
    /// missing or `null`.
    pub fn texts(&self, name: &str) -> Result<Vec<String>, Bad> {
        match self.raw(name) {
            None => Ok(Vec::new()),
            // The list's reader is the one of a list of tags.
            Some(text) if text.starts_with('[') => read(text).map_err(|bad| bad.inside(name)),
            Some(_) => Ok(Vec::from_iter(self.opt_text(name)?)),
        }
    }

    /// The `username` of a user member (`created_by`); `None` without one.
    pub fn username(&self, name: &str) -> Result<Option<String>, Bad> {
        let user = self.object(name)?.unwrap_or_default();
        user.opt_text("username").map_err(|bad| bad.inside(name))
    }

    /// An object member; `None` when missing or `null`.
    pub fn object(&self, name: &str) -> Result<Option<Object>, Bad> {
        self.raw(name)
            .map(|text| read(text).map_err(|bad| bad.inside(name)))
            .transpose()
    }

    /// A list of objects; none when missing or `null`.
    pub fn optional_objects(&self, name: &str) -> Result<Vec<Object>, Bad> {
        match self.raw(name) {
            None => Ok(Vec::new()),
            Some(_) => self.objects(name),
        }
    }

    /// A member that must be a list of objects.
    pub fn objects(&self, name: &str) -> Result<Vec<Object>, Bad> {
        let text = self
            .raw(name)
            .ok_or_else(|| Bad::new("", format!("missing field `{name}`")))?;
        read(text).map_err(|bad| bad.inside(name))
    }

    fn scalar(&self, name: &str) -> Result<Option<Scalar>, Bad> {
        self.raw(name)
            .map(|text| read(text).map_err(|bad| bad.inside(name)))
            .transpose()
    }
}

/// The elements of the JSON list `text`, each as JSON text.
pub fn items(text: &str) -> Result<Vec<Box<RawValue>>, Bad> {
    read(text)
}

/// The value of the JSON string `text`; `None` when it is not a string.
pub fn string(text: &str) -> Option<String> {
    match read(text) {
        Ok(Scalar::Str(text)) => Some(text),
        _ => None,
    }
}

/// Reads JSON `text` (a member's value, already read once as JSON).
fn read<T: DeserializeOwned>(text: &str) -> Result<T, Bad> {
    serde_json::from_str(text).map_err(|err| Bad::new("", without_position(&err)))
}

/// serde_json's message without its position (which would be the member's own).
fn without_position(err: &serde_json::Error) -> String {
    let message = err.to_string();
    let position = format!(" at line {} column {}", err.line(), err.column());
    match message.strip_suffix(&position) {
        Some(message) => message.to_owned(),
        None => message,
    }
}

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjectVisitor)
    }
}

struct ObjectVisitor;

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = Object;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object, A::Error> {
        let mut members = Vec::new();
        while let Some(member) = map.next_entry::<String, Box<RawValue>>()? {
            members.push(member);
        }
        Ok(Object(members))
    }
}

/// A member's value, as far as the conversions need it.
enum Scalar {
    Str(String),
    Count(u64),
    Bool(bool),
    /// Anything else, as serde names it.
    Other(OtherKind),
}

enum OtherKind {
    Signed(i64),
    Float(f64),
    Seq,
    Map,
}

impl Scalar {
    /// serde's message for a value of the wrong type.
    fn invalid(&self, expected: &str) -> String {
        let unexpected = match self {
            Scalar::Str(text) => Unexpected::Str(text),
            Scalar::Count(count) => Unexpected::Unsigned(*count),
            Scalar::Bool(value) => Unexpected::Bool(*value),
            Scalar::Other(OtherKind::Signed(value)) => Unexpected::Signed(*value),
            Scalar::Other(OtherKind::Float(value)) => Unexpected::Float(*value),
            Scalar::Other(OtherKind::Seq) => Unexpected::Seq,
            Scalar::Other(OtherKind::Map) => Unexpected::Map,
        };
        <serde_json::Error as serde::de::Error>::invalid_type(unexpected, &expected).to_string()
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON")
    }

    fn visit_str<E>(self, text: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(text.to_owned()))
    }

    fn visit_string<E>(self, text: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(text))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Scalar, E> {
        Ok(Scalar::Count(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Scalar, E> {
        Ok(Scalar::Other(OtherKind::Signed(value)))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Scalar, E> {
        Ok(Scalar::Other(OtherKind::Float(value)))
    }

    fn visit_bool<E>(self, value: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Scalar, A::Error> {
        IgnoredAny
            .visit_seq(seq)
            .map(|_| Scalar::Other(OtherKind::Seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Scalar, A::Error> {
        IgnoredAny
            .visit_map(map)
            .map(|_| Scalar::Other(OtherKind::Map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::Status;
    use crate::tests::read as answer;

    #[test]
    fn members_read_by_type_with_defaults() {
        let object: Object =
            answer(r#"{"id":"c","n":3,"s":null,"t":{"a":1},"l":[{"x":"y"}],"st":"in-progress"}"#)
                .unwrap();
        assert_eq!(object.id("id").unwrap(), "c");
        assert_eq!(object.text("missing").unwrap(), "");
        assert_eq!(object.opt_text("s").unwrap(), None);
        assert_eq!(
            (object.count("n").unwrap(), object.count("s").unwrap()),
            (3, 0)
        );
        let inner = object.object("t").unwrap().unwrap();
        assert_eq!(inner.count("a").unwrap(), 1);
        assert_eq!(object.objects("l").unwrap()[0].text("x").unwrap(), "y");
        assert_eq!(object.name::<Status>("st").unwrap(), Status::InProgress);
        assert_eq!(object.raw("t"), Some(r#"{"a":1}"#));
        assert_eq!(object.texts("id").unwrap(), ["c"]);
        assert!(object.texts("s").unwrap().is_empty());
        assert!(object.optional_objects("s").unwrap().is_empty());
        assert_eq!(object.opt_name::<Status>("s").unwrap(), None);
        assert_eq!(object.loose_text("id"), Some("c".into()));
        assert_eq!(
            (object.loose_text("t"), object.loose_text("n")),
            (None, None)
        );
        assert!(!object.flag("s").unwrap());
        assert_eq!(
            object.flag("id").unwrap_err().to_string(),
            "id: invalid type: string \"c\", expected a boolean"
        );
    }

    #[test]
    fn errors_name_the_member() {
        let list: Vec<Object> =
            answer(r#"[{"id":"a"},{"id":7,"n":-1,"t":{"a":"x"},"st":"archived"}]"#).unwrap();
        let bad = |result: Result<(), Bad>| result.map_err(|bad| bad.at(1).to_string());
        assert_eq!(
            bad(list[1].id("id").map(drop)).unwrap_err(),
            "[1].id: invalid type: integer `7`, expected a string"
        );
        assert_eq!(
            bad(list[1].count("n").map(drop)).unwrap_err(),
            "[1].n: invalid type: integer `-1`, expected u64"
        );
        assert_eq!(
            bad(list[1]
                .object("t")
                .and_then(|t| t.unwrap_or_default().count("a").map_err(|b| b.inside("t")))
                .map(drop))
            .unwrap_err(),
            "[1].t.a: invalid type: string \"x\", expected u64"
        );
        assert_eq!(
            bad(list[1].name::<Status>("st").map(drop)).unwrap_err(),
            "[1].st: unknown variant `archived`, expected one of `open`, `in-progress`, `closed`"
        );
        assert_eq!(
            bad(list[0].id("x").map(drop)).unwrap_err(),
            "[1]: missing field `x`"
        );
        assert_eq!(
            each(list, |item| item.id("id")).unwrap_err().to_string(),
            "[1].id: invalid type: integer `7`, expected a string"
        );
        assert!(answer::<Object>("[1]").is_err());
        let ids: Object = answer(r#"{"alertId":["a",5],"by":{"username":3}}"#).unwrap();
        assert_eq!(
            ids.texts("alertId").unwrap_err().to_string(),
            "alertId: invalid type: integer `5`, expected a string"
        );
        assert_eq!(
            ids.username("by").unwrap_err().to_string(),
            "by.username: invalid type: integer `3`, expected a string"
        );
    }
}
