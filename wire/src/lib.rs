//! Kibana's JSON as the elastic-security component reads and writes it, in
//! Kibana's names: one module per interface of the component (`cases`,
//! `case_comments`, `connectors`) with the answers it reads and the request bodies
//! it sends, each a type with derived serde code, and here what they share:
//! reading an answer, the shapes Kibana uses across its APIs. [`path_at`] names
//! the member a decoding error is about.
//!
//! NOTE: a crate of its own so that Cargo can build it for speed
//! (`[profile.guest.package.elastic-security-wire]` in the workspace's Cargo.toml).
//! Reading an answer is the component's one hot loop, and serde's decoders are
//! compiled in the crate that names the type they read: at the opt-level `z` the
//! component was once built at, nothing of serde_json's reader was inlined (each
//! byte of whitespace, each key compared is a call), and a page of 100 cases read
//! no faster than with the component's earlier hand-written reader; at opt-level 2
//! it reads 14-15 % faster (see BENCHMARKS.md).
//!
//! Answers are read as Kibana's schema says: unknown members are ignored, members
//! it marks nullable are `Option`s, and required members may be missing (older
//! Kibanas predate some) and then read as their default. Only what the outputs
//! cannot do without (an id, a status, an owner) must be there. The answers read
//! once per call (an alert's cases, a case's alerts and activity, comments,
//! connectors) take any member but the ids as optional: a member missing or
//! `null` reads as its default.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod case_comments;
pub mod cases;
pub mod connectors;
mod path;

pub use path::path_at;

/// What std's prelude brings that `no_std` lacks: each module imports this.
mod prelude {
    pub use alloc::{borrow::ToOwned, boxed::Box, string::String, vec::Vec};
}

#[allow(unused_imports)]
use prelude::*;

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer, Serialize};

/// An answer of Kibana's, read here: its decoder is compiled in this crate, with
/// this crate's settings (see the crate's documentation). The component reads every
/// answer through this, after checking that it is UTF-8.
pub trait Answer: Sized {
    /// Reads the JSON `text`.
    fn read(text: &str) -> Result<Self, serde_json::Error>;
}

/// Implements [`Answer`] for each type, with serde_json.
macro_rules! answers {
    ($($answer:ty),+ $(,)?) => {
        $(
            impl Answer for $answer {
                fn read(text: &str) -> Result<Self, serde_json::Error> {
                    serde_json::from_str(text)
                }
            }
        )+
    };
}

answers!(
    cases::Case,
    Vec<cases::Case>,
    cases::CasesPage,
    cases::Pushed,
    Vec<cases::RelatedCase>,
    Vec<cases::CaseAlert>,
    cases::UserActionsPage,
    case_comments::Comment,
    case_comments::CommentsPage,
    case_comments::CaseComments,
    case_comments::AttachmentPayload,
    connectors::Connector,
    Vec<connectors::Connector>,
    KibanaError,
    Owned,
    Vec<String>,
);

/// One answer read as two types (e.g. a case, and what a push added to it).
impl<A: Answer, B: Answer> Answer for (A, B) {
    fn read(text: &str) -> Result<Self, serde_json::Error> {
        Ok((A::read(text)?, B::read(text)?))
    }
}

/// Whether `bytes` are JSON text, of any shape. (Read here, as text, by the reader
/// every answer is read by: see the crate's documentation.)
pub fn is_json(bytes: &[u8]) -> bool {
    core::str::from_utf8(bytes).is_ok_and(|text| serde_json::from_str::<IgnoredAny>(text).is_ok())
}

/// `text` as one JSON value, kept as written (a connector's `config` and
/// `secrets`), read here for the same reason as [`is_json`].
pub fn raw_json(text: &str) -> Result<Box<serde_json::value::RawValue>, serde_json::Error> {
    serde_json::from_str(text)
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

/// Kibana's `created_by` / `updated_by`.
#[derive(Debug, Default, Deserialize)]
pub struct User {
    pub username: Option<String>,
}

/// `username` of an optional user.
pub fn username(user: Option<User>) -> Option<String> {
    user.and_then(|u| u.username)
}

/// A member Kibana documents as a string but whose shape may vary (a comment's
/// `comment` is an object for some attachment types): its text when it is a
/// string, else nothing. Missing reads as nothing too (with `#[serde(default)]`).
#[derive(Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "TextOrOther")]
pub struct Text(pub Option<String>);

#[derive(Deserialize)]
#[serde(untagged)]
enum TextOrOther {
    Text(String),
    Other(IgnoredAny),
}

impl From<TextOrOther> for Text {
    fn from(value: TextOrOther) -> Text {
        match value {
            TextOrOther::Text(text) => Text(Some(text)),
            TextOrOther::Other(_) => Text(None),
        }
    }
}

/// Kibana's error body (`{"statusCode": 404, "error": "Not Found", "message":
/// "..."}`): its message and error, when they are strings.
#[derive(Debug, Default, Deserialize)]
pub struct KibanaError {
    #[serde(default)]
    pub message: Text,
    #[serde(default)]
    pub error: Text,
}

/// An answer of which only the `owner` is read (a case, or a comment, whose
/// owner a write must repeat).
#[derive(Debug, Deserialize)]
pub struct Owned {
    pub owner: String,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Reads `text` as an answer, serde_json's error as text.
    pub fn read<T: Answer>(text: &str) -> Result<T, String> {
        T::read(text).map_err(|err| err.to_string())
    }

    #[test]
    fn text_is_a_string_or_nothing() {
        #[derive(Deserialize)]
        struct Item {
            #[serde(default)]
            t: Text,
        }
        let items: Vec<Item> =
            serde_json::from_str(r#"[{"t":"a \"b\""},{"t":null},{},{"t":{"x":[1]}},{"t":7}]"#)
                .unwrap();
        let texts: Vec<Option<&str>> = items.iter().map(|i| i.t.0.as_deref()).collect();
        assert_eq!(texts, [Some("a \"b\""), None, None, None, None]);
    }

    #[test]
    fn nullable_reads_null_and_missing_as_default() {
        #[derive(Deserialize)]
        struct Item {
            #[serde(default, deserialize_with = "nullable")]
            total: u64,
        }
        let items: Vec<Item> = serde_json::from_str(r#"[{"total":null},{},{"total":3}]"#).unwrap();
        assert_eq!(items.iter().map(|i| i.total).collect::<Vec<_>>(), [0, 0, 3]);
    }
}
