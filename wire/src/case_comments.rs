//! Kibana's JSON for case comments (attachments): the bodies of `POST` and
//! `PATCH /api/cases/{id}/comments`, and the attachment types. The comments Kibana
//! answers are read loosely ([`crate::loose`]).

#[allow(unused_imports)]
use crate::prelude::*;

use serde::{Deserialize, Serialize};

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
