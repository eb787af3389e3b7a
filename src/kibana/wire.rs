//! What every interface's wire types share: reading an answer with serde_json (the
//! error naming the member that was wrong), writing a request body, and the JSON
//! shapes Kibana uses across its APIs.
//!
//! Answers are read tolerantly: unknown members are ignored, and `null` reads like
//! a missing member wherever a default means something ([`nullable`]). Only what
//! the outputs cannot do without (an id, a status, an owner) is required.

#[allow(unused_imports)]
use crate::rt::prelude::*;

use core::fmt;

use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use serde_path_to_error::Segment;

use crate::types::Error;
use crate::validate::invalid;

/// Reads `bytes` as a `T`. The error is serde_json's, prefixed with the path of the
/// member it is about when that is not the whole answer, as in
/// `cases[3].status: invalid type: integer 7, expected a string at line 1 column 912`.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    // NOTE: checked as UTF-8 once, then read as text: serde_json then checks no
    // string again (from bytes it checks each one), which made a page of 100 cases
    // 2 % faster in the component.
    let text = core::str::from_utf8(bytes).map_err(|err| not_utf8(&err))?;
    serde_json::from_str(text).map_err(|err| describe(bytes, &err))
}

/// The error of an answer that is not UTF-8 (JSON must be).
#[cold]
fn not_utf8(err: &core::str::Utf8Error) -> String {
    format!(
        "the answer is not UTF-8 text (at byte {})",
        err.valid_up_to()
    )
}

/// A decoding error with the path of the member at its position.
#[cold]
#[inline(never)]
fn describe(bytes: &[u8], err: &serde_json::Error) -> String {
    match path_at(bytes, err.line(), err.column()) {
        Some(path) => format!("{path}: {err}"),
        None => err.to_string(),
    }
}

/// How much of a path an error message quotes.
const MAX_PATH_CHARS: usize = 64;

/// The path (`cases[3].status`) of the member at `line` and `column` (serde_json's
/// position of an error: 1-based, the column counting bytes), `None` for the whole
/// answer.
///
/// The answer is read again as JSON of any shape, with `serde_path_to_error`
/// tracking the path, but cut just before that position and ended with a NUL byte,
/// which no JSON value may hold: the reading fails inside the member the error is
/// about. This needs no second decoder for each wire type (which made the component
/// 70 KB larger), and the answers that decode pay nothing for it.
fn path_at(bytes: &[u8], line: usize, column: usize) -> Option<String> {
    let line_start = match line.checked_sub(2) {
        None => 0,
        Some(newlines_before) => {
            let (newline, _) = bytes
                .iter()
                .enumerate()
                .filter(|(_, &byte)| byte == b'\n')
                .nth(newlines_before)?;
            newline + 1
        }
    };
    let end = line_start.saturating_add(column.saturating_sub(1));
    let mut probe = bytes.get(..end)?.to_vec();
    probe.push(0);
    let mut reader = serde_json::Deserializer::from_slice(&probe);
    let err = serde_path_to_error::deserialize::<_, AnyJson>(&mut reader).err()?;
    let mut segments: Vec<&Segment> = err.path().iter().collect();
    // Failing where a key was due (a missing field is found at the object's end)
    // adds an unknown key: the error is about the object itself.
    while let Some(Segment::Unknown) = segments.last() {
        segments.pop();
    }
    let mut path = String::new();
    for segment in segments {
        match segment {
            Segment::Seq { index } => path.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Segment::Unknown => path.push_str(".?"),
        }
    }
    if path.is_empty() {
        return None;
    }
    // A deeply nested answer has a long path: its start says where.
    Some(match path.char_indices().nth(MAX_PATH_CHARS) {
        Some((end, _)) => format!("{}...", path.get(..end).unwrap_or_default()),
        None => path,
    })
}

/// Any JSON, walked to the end (unlike `IgnoredAny`, whose members serde_json skips
/// without visiting them) and kept nowhere.
struct AnyJson;

impl<'de> Deserialize<'de> for AnyJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AnyJson)
    }
}

impl<'de> Visitor<'de> for AnyJson {
    type Value = AnyJson;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON")
    }

    fn visit_bool<E>(self, _: bool) -> Result<AnyJson, E> {
        Ok(AnyJson)
    }

    fn visit_i64<E>(self, _: i64) -> Result<AnyJson, E> {
        Ok(AnyJson)
    }

    fn visit_u64<E>(self, _: u64) -> Result<AnyJson, E> {
        Ok(AnyJson)
    }

    fn visit_f64<E>(self, _: f64) -> Result<AnyJson, E> {
        Ok(AnyJson)
    }

    fn visit_str<E>(self, _: &str) -> Result<AnyJson, E> {
        Ok(AnyJson)
    }

    fn visit_unit<E>(self) -> Result<AnyJson, E> {
        Ok(AnyJson)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AnyJson, A::Error> {
        while seq.next_element::<AnyJson>()?.is_some() {}
        Ok(AnyJson)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnyJson, A::Error> {
        while map.next_key::<IgnoredAny>()?.is_some() {
            map.next_value::<AnyJson>()?;
        }
        Ok(AnyJson)
    }
}

/// `value` as compact JSON text, for a request body or a query value.
pub fn to_json(value: &impl Serialize) -> Result<String, Error> {
    // The bodies are plain structs, strings and lists: writing them cannot fail.
    // Were it to, nothing is sent.
    serde_json::to_string(value).map_err(|err| invalid("request", err))
}

/// Reads a member whose `null` means the same as its absence: the type's default.
/// (With `#[serde(default, deserialize_with = "nullable")]`.)
pub fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// The JSON name of an enum's unit variant (`in-progress`), for a query parameter.
pub fn name_of(variant: &impl Serialize) -> String {
    // A unit variant is written as a JSON string without escapes: its name quoted.
    let quoted = serde_json::to_string(variant).unwrap_or_default();
    quoted.trim_matches('"').to_owned()
}

/// Converts between a wire enum (Kibana's names, by serde) and the WIT enum of the
/// same variants, both ways. A variant missing on either side does not compile.
macro_rules! same_variants {
    ($wire:ident <=> $wit:ty { $($variant:ident),+ $(,)? }) => {
        impl From<$wit> for $wire {
            fn from(value: $wit) -> Self {
                match value {
                    $(<$wit>::$variant => $wire::$variant,)+
                }
            }
        }

        impl From<$wire> for $wit {
            fn from(value: $wire) -> Self {
                match value {
                    $($wire::$variant => <$wit>::$variant,)+
                }
            }
        }
    };
}
pub(crate) use same_variants;

/// A member that Kibana documents as a string but whose shape may vary: read as
/// its text when it is a JSON string, and as nothing whatever else it is (an
/// object, a number, `null`, a missing member with `#[serde(default)]`).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Text(pub Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON")
    }

    fn visit_str<E>(self, text: &str) -> Result<Text, E> {
        Ok(Text(Some(text.to_owned())))
    }

    fn visit_string<E>(self, text: String) -> Result<Text, E> {
        Ok(Text(Some(text)))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Text, E> {
        Ok(Text(None))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Text, E> {
        Ok(Text(None))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Text, E> {
        Ok(Text(None))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Text, E> {
        Ok(Text(None))
    }

    fn visit_unit<E>(self) -> Result<Text, E> {
        Ok(Text(None))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Text, A::Error> {
        IgnoredAny.visit_seq(seq).map(|_| Text(None))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Text, A::Error> {
        IgnoredAny.visit_map(map).map(|_| Text(None))
    }
}

/// Kibana's `created_by` / `updated_by`.
#[derive(Debug, Default, Deserialize)]
pub struct User {
    pub username: Option<String>,
}

/// `username` of an optional user.
pub fn username(user: Option<User>) -> Option<String> {
    user.and_then(|u| u.username)
}

/// Only the owner of a case or comment, which Kibana wants repeated on writes.
#[derive(Debug, Deserialize)]
pub struct Owned {
    pub owner: String,
}

/// A count from Kibana as a WIT `u32` (saturating; Kibana's counts are far lower).
pub fn count(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Item {
        #[allow(dead_code)]
        id: String,
        #[serde(default, deserialize_with = "nullable")]
        total: u64,
    }

    #[derive(Debug, Deserialize)]
    struct Page {
        items: Vec<Item>,
    }

    #[test]
    fn decode_error_names_the_member_on_any_line() {
        let pretty = "{\n  \"items\": [\n    {\"id\": \"a\"},\n    {\"id\": \"b\", \"total\": \"7\"}\n  ]\n}";
        assert_eq!(
            decode::<Page>(pretty.as_bytes()).unwrap_err(),
            "items[1].total: invalid type: string \"7\", expected u64 at line 4 column 28"
        );
        let escaped_key = br#"{"items":[{"id":"a","total":1}],"x\"y":1,"items":5}"#;
        assert_eq!(
            decode::<Page>(escaped_key).unwrap_err(),
            "duplicate field `items` at line 1 column 48"
        );
        assert_eq!(
            decode::<Page>(br#"{"items":[{"total":null}]}"#).unwrap_err(),
            "items[0]: missing field `id` at line 1 column 24"
        );
        assert_eq!(
            decode::<Page>(br#"{"items":[{"id":"a"}] oops"#).unwrap_err(),
            "expected `,` or `}` at line 1 column 23"
        );
        assert_eq!(
            decode::<Page>(br#"{"items":[]} trailing"#).unwrap_err(),
            "trailing characters at line 1 column 14"
        );
    }

    #[test]
    fn decode_nullable_reads_null_and_missing_as_default() {
        let page: Page = decode(br#"{"items":[{"id":"a","total":null},{"id":"b"}]}"#).unwrap();
        assert_eq!(
            page.items.iter().map(|i| i.total).collect::<Vec<_>>(),
            [0, 0]
        );
    }

    #[test]
    fn decode_error_path_is_cut_short() {
        let key = "k".repeat(100);
        let body = format!(r#"{{"items":[{{"id":"a","{key}":{{"x":[}}]}}"#);
        let err = decode::<Page>(body.as_bytes()).unwrap_err();
        assert!(
            err.starts_with(&format!("items[0].{}...: ", &key[..55])),
            "{err}"
        );
    }
}
