//! Reading an answer of Kibana's: checked as UTF-8 once, then read by its decoder in
//! the wire crate (`elastic_security_wire::Answer`); a failure says what was wrong
//! and names the member it is about.

#[allow(unused_imports)]
use crate::rt::prelude::*;

use core::fmt;

use elastic_security_wire::Answer;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_path_to_error::Segment;

/// Reads `bytes` as a `W`. The error is serde_json's, prefixed with the path of the
/// member it is about when that is not the whole answer, as in
/// `cases[3].status: invalid type: integer 7, expected a string at line 1 column 912`.
pub fn decode<W: Answer>(bytes: &[u8]) -> Result<W, String> {
    // NOTE: checked as UTF-8 once, then read as text: serde_json then checks no
    // string again (from bytes it checks each one), which made a page of 100 cases
    // 2 % faster in the component.
    let text = core::str::from_utf8(bytes).map_err(|err| not_utf8(&err))?;
    W::read(text).map_err(|err| describe(bytes, &err))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)] // Only read, for the errors.
    struct Item {
        id: String,
        #[serde(default)]
        total: u64,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Page {
        items: Vec<Item>,
    }

    impl Answer for Page {
        fn read(text: &str) -> Result<Self, serde_json::Error> {
            serde_json::from_str(text)
        }
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
            decode::<Page>(br#"{"items":[{"total":1}]}"#).unwrap_err(),
            "items[0]: missing field `id` at line 1 column 21"
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
    fn decode_error_path_is_cut_short() {
        let key = "k".repeat(100);
        let body = format!(r#"{{"items":[{{"id":"a","{key}":{{"x":[}}]}}"#);
        let err = decode::<Page>(body.as_bytes()).unwrap_err();
        assert!(
            err.starts_with(&format!("items[0].{}...: ", &key[..55])),
            "{err}"
        );
    }

    #[test]
    fn decode_errors_name_the_member_of_kibanas_answers() {
        use elastic_security_wire::case_comments::Comment;
        use elastic_security_wire::cases::{Case, CasesPage};
        assert_eq!(
            decode::<Case>(br#"{"id":"x","owner":"cases"}"#).unwrap_err(),
            "missing field `status` at line 1 column 26"
        );
        assert_eq!(
            decode::<Case>(br#"{"id":"x","owner":"cases","status":"open","title":7}"#).unwrap_err(),
            "title: invalid type: integer `7`, expected a string at line 1 column 51"
        );
        assert_eq!(
            decode::<Case>(br#"{"id":"x","owner":"cases","status":"open","totalAlerts":-1}"#)
                .unwrap_err(),
            "totalAlerts: invalid value: integer `-1`, expected u64 at line 1 column 58"
        );
        assert_eq!(
            decode::<Case>(br#"{"id":"x","status":"open","owner":"cases","tags":null}"#)
                .unwrap_err(),
            "tags: invalid type: null, expected a sequence at line 1 column 53"
        );
        assert_eq!(
            decode::<CasesPage>(
                br#"{"cases":[{"id":"a","status":"open","owner":"cases"},{"id":"b"}]}"#
            )
            .unwrap_err(),
            "cases[1]: missing field `status` at line 1 column 63"
        );
        assert_eq!(
            decode::<Comment>(br#"{"id":"c","alertId":["a",5]}"#).unwrap_err(),
            "alertId[1]: invalid type: integer `5`, expected a string at line 1 column 26"
        );
        assert_eq!(
            decode::<Case>(b"\xff\xfe").unwrap_err(),
            "the answer is not UTF-8 text (at byte 0)"
        );
    }

    #[test]
    fn decode_deep_nesting_is_cut_short() {
        use elastic_security_wire::case_comments::Comment;
        use elastic_security_wire::cases::Case;
        // A member that is only skipped is skipped without recursion, however deeply
        // it nests; its path is cut short.
        for (answer, member) in [
            (r#"{"id":"x","extra":"#, "extra"),
            (r#"{"id":"c","comment":"#, "comment"),
        ] {
            let deep = format!("{answer}{}", "[".repeat(100_000));
            let err = decode::<Case>(deep.as_bytes())
                .err()
                .or_else(|| decode::<Comment>(deep.as_bytes()).err())
                .unwrap();
            assert!(
                err.starts_with(&format!("{member}[0][0]"))
                    && err.contains("...: EOF while parsing a list"),
                "{err}"
            );
        }
    }
}
