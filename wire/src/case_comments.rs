//! Kibana's JSON for case comments (attachments): the comment it answers, the
//! case-with-comments it answers to a write, the bodies of `POST` and
//! `PATCH /api/cases/{id}/comments`, and the attachment types.

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::{nullable, Text, User};

// ---------------------------------------------------------------- answers

/// A comment (attachment) of a case.
#[derive(Debug, Deserialize)]
pub struct Comment {
    pub id: String,
    #[serde(default, deserialize_with = "nullable")]
    pub version: String,
    #[serde(rename = "type", default, deserialize_with = "nullable")]
    pub kind: AttachmentType,
    /// The text of a `user` comment. Other attachment types may put other shapes
    /// here, which are not text.
    #[serde(default)]
    pub comment: Text,
    #[serde(rename = "alertId")]
    pub alert_id: Option<AlertIds>,
    pub created_at: Option<String>,
    pub created_by: Option<User>,
    pub updated_at: Option<String>,
    pub updated_by: Option<User>,
}

/// An alert attachment's `alertId`: one id or several.
#[derive(Debug, PartialEq, Eq)]
pub struct AlertIds(pub Vec<String>);

impl<'de> Deserialize<'de> for AlertIds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdOrIds;

        impl<'de> Visitor<'de> for IdOrIds {
            type Value = AlertIds;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id or a list of ids")
            }

            fn visit_str<E: de::Error>(self, id: &str) -> Result<AlertIds, E> {
                Ok(AlertIds(vec![id.to_owned()]))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AlertIds, A::Error> {
                let mut ids = Vec::new();
                while let Some(id) = seq.next_element::<String>()? {
                    ids.push(id);
                }
                Ok(AlertIds(ids))
            }
        }

        deserializer.deserialize_any(IdOrIds)
    }
}

/// `GET /api/cases/{id}/comments/_find`: a page of comments. `comments` is
/// required: without it the answer is not a page of them.
#[derive(Debug, Deserialize)]
pub struct CommentsPage {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
    #[serde(default, deserialize_with = "nullable")]
    pub total: u64,
    pub comments: Vec<Comment>,
}

/// Kibana's answer to a comment written: the whole case, of which only the
/// comments are read.
#[derive(Debug, Deserialize)]
pub struct CaseComments {
    #[serde(default, deserialize_with = "nullable")]
    pub comments: Vec<Comment>,
}

// ---------------------------------------------------------------- requests

/// `POST /api/cases/{id}/comments` for a text comment.
#[derive(Debug, Serialize)]
pub struct NewUserComment<'a> {
    #[serde(rename = "type")]
    pub kind: AttachmentType,
    pub comment: &'a str,
    pub owner: &'a str,
}

/// The rule of an alert attachment: Kibana requires the object, `null`s allowed.
#[derive(Debug, Serialize)]
pub struct Rule<'a> {
    pub id: Option<&'a str>,
    pub name: Option<&'a str>,
}

/// `POST /api/cases/{id}/comments` for an alert.
#[derive(Debug, Serialize)]
pub struct NewAlertComment<'a> {
    #[serde(rename = "type")]
    pub kind: AttachmentType,
    #[serde(rename = "alertId")]
    pub alert_id: &'a str,
    pub index: &'a str,
    pub rule: Rule<'a>,
    pub owner: &'a str,
}

/// `PATCH /api/cases/{id}/comments`.
#[derive(Debug, Serialize)]
pub struct CommentPatch<'a> {
    pub id: &'a str,
    pub version: &'a str,
    #[serde(rename = "type")]
    pub kind: AttachmentType,
    pub comment: &'a str,
    pub owner: &'a str,
}

// ---------------------------------------------------------------- enums

/// Kibana's comment (attachment) `type`; types this component does not know are
/// `other`, as are a missing or `null` type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AttachmentType {
    User,
    Alert,
    Actions,
    ExternalReference,
    PersistableState,
    #[default]
    #[serde(other)]
    Other,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::read;

    #[test]
    fn comment_alert_ids_one_or_many() {
        let one: Comment = read(r#"{"id":"c","type":"alert","alertId":"a1"}"#).unwrap();
        assert_eq!(one.alert_id, Some(AlertIds(vec!["a1".into()])));
        let many: Comment = read(r#"{"id":"c","type":"alert","alertId":["a1","a2"]}"#).unwrap();
        assert_eq!(
            many.alert_id,
            Some(AlertIds(vec!["a1".into(), "a2".into()]))
        );
        let none: Comment = read(r#"{"id":"c","type":"alert","alertId":null}"#).unwrap();
        assert_eq!(none.alert_id, None);
        assert_eq!(
            read::<Comment>(r#"{"id":"c","alertId":5}"#).unwrap_err(),
            "invalid type: integer `5`, expected an id or a list of ids at line 1 column 21"
        );
    }

    #[test]
    fn comment_of_any_shape_is_no_text() {
        let object: Comment =
            read(r#"{"id":"c","type":"lens","comment":{"attributes":[1,{"a":null}]}}"#).unwrap();
        assert_eq!(object.comment, Text(None));
        let text: Comment = read(r#"{"id":"c","comment":"hello \"you\""}"#).unwrap();
        assert_eq!(text.comment, Text(Some("hello \"you\"".into())));
    }

    #[test]
    fn attachment_types() {
        for (name, kind) in [
            ("externalReference", AttachmentType::ExternalReference),
            ("persistableState", AttachmentType::PersistableState),
            ("event", AttachmentType::Other),
        ] {
            let comment: Comment = read(&format!(r#"{{"id":"c","type":"{name}"}}"#)).unwrap();
            assert_eq!(comment.kind, kind);
        }
        let untyped: Comment = read(r#"{"id":"c","type":null}"#).unwrap();
        assert_eq!(untyped.kind, AttachmentType::Other);
    }
}
