//! Kibana's JSON for connectors, in Kibana's names: the connector it answers
//! (never with secrets) and the body of `POST /api/actions/connector`.

#[allow(unused_imports)]
use crate::rt::prelude::*;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::kibana::wire::{nullable, Text};

/// `POST /api/actions/connector`'s answer.
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
