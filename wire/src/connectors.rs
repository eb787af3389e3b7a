//! Kibana's JSON for connectors: the body of `POST /api/actions/connector`, and the
//! strings of a connector's secrets (to keep them out of messages). The connectors
//! Kibana answers (never with secrets) are read loosely ([`crate::loose`]).

#[allow(unused_imports)]
use crate::prelude::*;

use serde::Serialize;
use serde_json::value::RawValue;

use crate::loose::{self, Object};
use crate::Answer;

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
            if let Ok(object) = Object::read(text) {
                object.values().for_each(|value| leaves_of(value, leaves));
            }
        }
        Some(b'[') => {
            if let Ok(items) = loose::items(text) {
                items.iter().for_each(|item| leaves_of(item.get(), leaves));
            }
        }
        Some(b'"') => leaves.extend(loose::string(text)),
        Some(b'-' | b'0'..=b'9') => leaves.push(text.to_owned()),
        _ => {}
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
    }
}
