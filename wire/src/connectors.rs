//! Kibana's JSON for connectors: the connector it answers (created, or an element
//! of the list; never with secrets), the body of `POST /api/actions/connector`, and
//! the strings of a connector's secrets (to keep them out of messages).

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt;

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

use crate::Text;

/// A connector as Kibana answers it: created (`POST /api/actions/connector`) or
/// listed (`GET /api/actions/connectors`). Its `config` is kept as the JSON Kibana
/// gives; the timestamps and their users, which not every Kibana sends, are read
/// when they are strings.
#[derive(Debug, Deserialize)]
pub struct Connector {
    pub id: String,
    pub name: Option<String>,
    pub connector_type_id: Option<String>,
    pub config: Option<Box<RawValue>>,
    pub is_preconfigured: Option<bool>,
    pub is_deprecated: Option<bool>,
    pub is_missing_secrets: Option<bool>,
    pub referenced_by_count: Option<u64>,
    #[serde(default)]
    pub created_at: Text,
    #[serde(default)]
    pub created_by: Text,
    #[serde(default)]
    pub updated_at: Text,
    #[serde(default)]
    pub updated_by: Text,
}

/// `POST /api/actions/connector`. No `description`: Kibana rejects unknown keys.
/// `config` and `secrets` are the caller's JSON objects, sent as given. (No
/// `Debug`: the secrets.)
#[derive(Serialize)]
pub struct NewConnector<'a> {
    pub name: &'a str,
    pub connector_type_id: &'a str,
    pub config: &'a RawValue,
    pub secrets: &'a RawValue,
}

/// Every string and number inside a connector's `secrets` (JSON text), to be
/// blanked out of any message (numbers as written); none when the text is not
/// JSON.
pub fn secret_strings(secrets: &str) -> Vec<String> {
    let mut leaves = Vec::new();
    leaves_of(secrets, &mut leaves);
    leaves
}

/// Adds the strings and numbers of the JSON `text` to `leaves`. (Nesting is
/// bounded: serde_json read the whole text first, and refuses more than 128 levels.)
fn leaves_of(text: &str, leaves: &mut Vec<String>) {
    match text.as_bytes().first() {
        Some(b'{') => {
            if let Ok(Members(values)) = serde_json::from_str(text) {
                values
                    .iter()
                    .for_each(|value| leaves_of(value.get(), leaves));
            }
        }
        Some(b'[') => {
            if let Ok(items) = serde_json::from_str::<Vec<Box<RawValue>>>(text) {
                items.iter().for_each(|item| leaves_of(item.get(), leaves));
            }
        }
        Some(b'"') => leaves.extend(serde_json::from_str::<String>(text)),
        Some(b'-' | b'0'..=b'9') => leaves.push(text.to_owned()),
        _ => {}
    }
}

/// The values of a JSON object's members as written, in order, every one kept:
/// a map would keep only the last of two members of the same name, and the
/// other's secret would then go unredacted.
struct Members(Vec<Box<RawValue>>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;

        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut values = Vec::new();
                while let Some((_, value)) = map.next_entry::<IgnoredAny, Box<RawValue>>()? {
                    values.push(value);
                }
                Ok(Members(values))
            }
        }

        deserializer.deserialize_map(MembersVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_strings_are_every_string_and_number_as_written() {
        assert_eq!(
            secret_strings(
                r#"{"user":"bob","pass":"p\"w","n":[1.50,-2,{"deep":["x"]}],"ok":true,"z":null}"#
            ),
            ["bob", "p\"w", "1.50", "-2", "x"]
        );
        assert!(secret_strings("not json").is_empty());
        assert_eq!(
            secret_strings(r#"{"k":"one","k":"two","k\\u0041":"three"}"#),
            ["one", "two", "three"]
        );
    }
}
