//! Naming the member a decoding error is about (`cases[3].status`), for the
//! component's error messages.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::format;
use core::fmt;

use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_path_to_error::Segment;

/// How much of a path an error message quotes.
const MAX_PATH_CHARS: usize = 64;

/// The path (`cases[3].status`) of the member of the JSON `text` at `line` and `column` (serde_json's
/// position of an error: 1-based, the column counting bytes), `None` for the whole
/// answer.
///
/// The answer is read again as JSON of any shape, with `serde_path_to_error`
/// tracking the path, but cut just before that position and ended with a NUL byte,
/// which no JSON value may hold: the reading fails inside the member the error is
/// about. Tracking the path while decoding (`serde_path_to_error` around every
/// wire type) would cost every answer; this way only an answer that fails is read
/// again.
pub fn path_at(text: &str, line: usize, column: usize) -> Option<String> {
    let bytes = text.as_bytes();
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
    // Read as text, as the answer itself was (serde_json's reader for text is
    // compiled here once, for both); a cut through a character becomes U+FFFD.
    let mut probe = String::from_utf8_lossy(bytes.get(..end)?).into_owned();
    probe.push('\0');
    let mut reader = serde_json::Deserializer::from_str(&probe);
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
