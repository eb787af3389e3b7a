//! Kibana's JSON for connectors: the connector it answers, alone or listed (never
//! with secrets),
//! the body of `POST /api/actions/connector`, and the strings of a connector's
//! secrets (to keep them out of messages).

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt;

use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

use crate::{nullable, Text};

/// `POST /api/actions/connector`'s answer, and an element of
/// `GET /api/actions/connectors`'.
#[derive(Debug, Deserialize)]
pub struct Connector {
    pub id: String,
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub connector_type_id: String,
    /// Passed on as Kibana wrote it (numbers and all), so kept as raw JSON text.
    pub config: Option<Box<RawValue>>,
    #[serde(default, deserialize_with = "nullable")]
    pub is_preconfigured: bool,
    #[serde(default, deserialize_with = "nullable")]
    pub is_deprecated: bool,
    #[serde(default, deserialize_with = "nullable")]
    pub is_missing_secrets: bool,
    /// Only in the list of connectors.
    #[serde(default, deserialize_with = "nullable")]
    pub referenced_by_count: u64,
    // Not in Kibana's connector API today; read if a version adds them as strings.
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
/// blanked out of any message; none when the text is not JSON.
pub fn secret_strings(secrets: &str) -> Vec<String> {
    serde_json::from_str::<Leaves>(secrets)
        .map(|leaves| leaves.0)
        .unwrap_or_default()
}

/// Every string and number inside some JSON.
#[derive(Default)]
struct Leaves(Vec<String>);

impl<'de> Deserialize<'de> for Leaves {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Leaves::default())
    }
}

impl<'de> Visitor<'de> for Leaves {
    type Value = Leaves;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON")
    }

    fn visit_str<E>(mut self, text: &str) -> Result<Leaves, E> {
        self.0.push(text.to_owned());
        Ok(self)
    }

    fn visit_i64<E>(mut self, number: i64) -> Result<Leaves, E> {
        self.0.push(number.to_string());
        Ok(self)
    }

    fn visit_u64<E>(mut self, number: u64) -> Result<Leaves, E> {
        self.0.push(number.to_string());
        Ok(self)
    }

    fn visit_f64<E>(mut self, number: f64) -> Result<Leaves, E> {
        self.0.push(number.to_string());
        Ok(self)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Leaves, E> {
        Ok(self)
    }

    fn visit_unit<E>(self) -> Result<Leaves, E> {
        Ok(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Leaves, A::Error> {
        while let Some(item) = seq.next_element::<Leaves>()? {
            self.0.extend(item.0);
        }
        Ok(self)
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Leaves, A::Error> {
        while let Some((_, value)) = map.next_entry::<IgnoredAny, Leaves>()? {
            self.0.extend(value.0);
        }
        Ok(self)
    }
}
