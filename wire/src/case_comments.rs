//! Kibana's JSON for case comments (attachments): the comment it answers, a page
//! of them, the case-with-comments it answers to a write, the bodies of `POST` and
//! `PATCH /api/cases/{id}/comments`, and the attachment types.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::vec;
use core::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::{Text, User};

// ---------------------------------------------------------------- answers

/// A comment (attachment) of a case.
#[derive(Debug, Deserialize)]
pub struct Comment {
    pub id: String,
    pub version: Option<String>,
    /// Unknown, missing and `null` types are `other`.
    #[serde(rename = "type", default)]
    pub kind: Option<AttachmentType>,
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

/// The `payload` of a user action on an attachment (a case's activity):
/// `{"comment": {"alertId": ...}}` for an alert. Any other shape reads as no alert.
#[derive(Debug, Default, Deserialize)]
pub struct AttachmentPayload {
    #[serde(default)]
    pub comment: Option<AttachmentAlerts>,
}

/// The alert ids an attachment's user action names.
#[derive(Debug, Default, Deserialize)]
pub struct AttachmentAlerts {
    #[serde(rename = "alertId", default)]
    pub alert_id: Option<AlertIds>,
}

/// An alert attachment's `alertId`: one id or several.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct AlertIds(pub Vec<String>);

impl<'de> Deserialize<'de> for AlertIds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdOrIds;

        impl<'de> Visitor<'de> for IdOrIds {
            type Value = AlertIds;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }

            fn visit_str<E: de::Error>(self, id: &str) -> Result<AlertIds, E> {
                Ok(AlertIds(vec![id.to_owned()]))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<AlertIds, A::Error> {
                Vec::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(AlertIds)
            }
        }

        deserializer.deserialize_any(IdOrIds)
    }
}

/// `GET /api/cases/{id}/comments/_find`: a page of comments. `comments` is
/// required: without it the answer is not a page of them.
#[derive(Debug, Deserialize)]
pub struct CommentsPage {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    pub total: Option<u64>,
    pub comments: Vec<Comment>,
}

/// Kibana's answer to a comment written: the whole case, of which only the
/// comments are read.
#[derive(Debug, Deserialize)]
pub struct CaseComments {
    pub comments: Option<Vec<Comment>>,
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
