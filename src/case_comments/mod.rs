//! The `case-comments` interface: add, read, list, update and remove the comments
//! (attachments) of a case, and the conversion of Kibana's comment JSON into the
//! WIT `case-comment`.

#[allow(unused_imports)]
use crate::rt::prelude::*;

pub mod attached;
#[cfg(test)]
mod tests;

use crate::api::case_comments::{
    AddCommentInput, CommentPage, GetManyCommentsInput, RemoveCommentOutput, UpdateCommentInput,
};
use crate::kibana::count;
use crate::kibana::routes::{self, comment_path, comments_path, A_COMMENT};
use crate::kibana::{Client, Method, Request, Response};
use crate::pages;
use crate::types::{CaseComment, CommentType, ErrorInfo};
use crate::validate::{self, invalid};
use elastic_security_wire::case_comments as wire;
use elastic_security_wire::username;

/// `GET /api/cases/{id}/comments/_find`, oldest first.
fn find_comments(case_id: &str, page: u32, per_page: u32) -> Request {
    Request::get(format!(
        "{}/_find?page={page}&perPage={per_page}&sortOrder=asc",
        comments_path(case_id)
    ))
}

/// A page of comments as Kibana answered `find_comments(case_id, page, per_page)`.
fn read_comments(
    client: &Client,
    case_id: &str,
    page: u32,
    per_page: u32,
    response: Response,
) -> Result<CommentPage, ErrorInfo> {
    client.read(
        response,
        "a valid page of comments",
        |found: wire::CommentsPage| {
            Ok(CommentPage {
                comments: to_case_comments(found.comments, case_id),
                page: found.page.map_or(page, count),
                per_page: found.per_page.map_or(per_page, count),
                total: count(found.total.unwrap_or_default()),
            })
        },
    )
}

/// Every comment of a case, oldest first, through `_find` page by page (Kibana 9
/// no longer returns comments with the case), up to `max_in_flight` pages
/// together, at most `limit`; and Kibana's total.
pub fn read_all_comments(
    client: &Client,
    case_id: &str,
    limit: u32,
    max_in_flight: u32,
) -> Result<(Vec<CaseComment>, u32), ErrorInfo> {
    pages::read_all(
        client,
        limit,
        max_in_flight,
        |page| find_comments(case_id, page, pages::PER_PAGE),
        |page, response| {
            read_comments(client, case_id, page, pages::PER_PAGE, response)
                .map(|found| (found.comments, found.total))
        },
    )
}

/// `GET` the case for its owner; for an alert, whether the case holds it already
/// (then the attachment that holds it is the answer, see [`attached`]); then
/// `POST /api/cases/{id}/comments`.
pub fn add_comment(client: &Client, input: AddCommentInput) -> Result<CaseComment, ErrorInfo> {
    let case_id = validate::id("case-id", &input.case_id)?;
    let comment_type = input.comment_type.unwrap_or(CommentType::User);
    // Validate everything before the first request.
    let body = match comment_type {
        CommentType::User => {
            let text = input
                .comment
                .as_deref()
                .ok_or_else(|| invalid("comment", "is required for a user comment"))?;
            let text = validate::text("comment", text, validate::MAX_COMMENT)?;
            NewComment::User(text)
        }
        CommentType::Alert => {
            let alert_id = validate::optional(input.alert_id.as_deref())
                .ok_or_else(|| invalid("alert-id", "is required for an alert comment"))?;
            let alert_id = validate::id("alert-id", alert_id)?;
            let index = match validate::optional(input.alert_index.as_deref()) {
                Some(index) => {
                    let index = index.trim();
                    validate::max_bytes("alert-index", index, validate::MAX_INDEX_BYTES)?;
                    index.to_owned()
                }
                None => format!(".alerts-security.alerts-{}", client.space()),
            };
            NewComment::Alert {
                alert_id,
                index,
                rule_id: validate::optional(input.rule_id.as_deref()),
                rule_name: validate::optional(input.rule_name.as_deref()),
            }
        }
    };
    // Kibana requires the comment's owner to be the case's owner.
    let owner = routes::case_owner(client, case_id)?;
    if let NewComment::Alert { alert_id, .. } = &body {
        if attached::holds(client, case_id, alert_id)? {
            return attached::attachment(client, case_id, alert_id);
        }
    }
    let path = comments_path(case_id);
    let request = match &body {
        NewComment::User(text) => Request::json(
            Method::Post,
            path,
            &wire::NewUserComment {
                kind: wire::AttachmentType::User,
                comment: text,
                owner: &owner,
            },
        )?,
        NewComment::Alert {
            alert_id,
            index,
            rule_id,
            rule_name,
        } => Request::json(
            Method::Post,
            path,
            &wire::NewAlertComment {
                kind: wire::AttachmentType::Alert,
                alert_id,
                index,
                rule: wire::Rule {
                    id: *rule_id,
                    name: *rule_name,
                },
                owner: &owner,
            },
        )?,
    };
    client.call(
        &request,
        "a valid case with its comments",
        |case: wire::CaseComments| {
            let mut comments = to_case_comments(case.comments.unwrap_or_default(), case_id);
            let mut none = "it has no comments";
            if let NewComment::Alert { alert_id, .. } = &body {
                // The new attachment holds the alert (and if Kibana found the alert
                // in the case after all and added nothing, the one that does is the
                // answer).
                comments.retain(|comment| comment.alert_ids.iter().any(|id| id == alert_id));
                none = "none of its comments holds the alert";
            }
            Ok(newest_comment(comments).ok_or(none)?)
        },
    )
}

/// The validated body of `add-comment`.
enum NewComment<'a> {
    User(&'a str),
    Alert {
        alert_id: &'a str,
        index: String,
        rule_id: Option<&'a str>,
        rule_name: Option<&'a str>,
    },
}

/// The comment just added: Kibana answers with the case and its comments, not the
/// new id, so it is the one created last (ISO 8601 strings compare in time order;
/// on a tie, the later in Kibana's list).
pub fn newest_comment(comments: Vec<CaseComment>) -> Option<CaseComment> {
    let mut newest: Option<CaseComment> = None;
    for comment in comments {
        let replace = match &newest {
            None => true,
            Some(best) => comment.created_at >= best.created_at,
        };
        if replace {
            newest = Some(comment);
        }
    }
    newest
}

/// `GET /api/cases/{id}/comments/{comment-id}`.
pub fn get_comment(
    client: &Client,
    case_id: &str,
    comment_id: &str,
) -> Result<CaseComment, ErrorInfo> {
    let case_id = validate::id("case-id", case_id)?;
    let comment_id = validate::id("comment-id", comment_id)?;
    client.call(
        &Request::get(comment_path(case_id, comment_id)),
        A_COMMENT,
        |comment| Ok(to_case_comment(comment, case_id)),
    )
}

/// `GET /api/cases/{id}/comments/_find?page=&perPage=&sortOrder=asc`; with
/// `return-all`, page after page.
pub fn get_many_comments(
    client: &Client,
    input: GetManyCommentsInput,
) -> Result<CommentPage, ErrorInfo> {
    let case_id = validate::id("case-id", &input.case_id)?;
    let max_in_flight = validate::max_in_flight(input.max_in_flight)?;
    if !input.return_all {
        let (page, per_page) = validate::paging(input.page, input.per_page)?;
        let response = client.send(&find_comments(case_id, page, per_page))?;
        return read_comments(client, case_id, page, per_page, response);
    }
    // Page and per-page are ignored then, even when they are out of range.
    let limit = validate::limit(input.limit)?;
    let (comments, total) = read_all_comments(client, case_id, limit, max_in_flight)?;
    Ok(CommentPage {
        page: 1,
        per_page: count(comments.len() as u64),
        comments,
        total,
    })
}

/// `DELETE /api/cases/{id}/comments/{comment-id}`.
pub fn remove_comment(
    client: &Client,
    case_id: &str,
    comment_id: &str,
) -> Result<RemoveCommentOutput, ErrorInfo> {
    let case_id = validate::id("case-id", case_id)?;
    let comment_id = validate::id("comment-id", comment_id)?;
    let response = client.send(&Request::delete(comment_path(case_id, comment_id)))?;
    Ok(RemoveCommentOutput {
        // `send` only returns 2xx; Kibana's is 204.
        deleted: (200..300).contains(&response.status),
        case_id: case_id.to_owned(),
        comment_id: comment_id.to_owned(),
    })
}

/// `GET` the comment for its owner, then `PATCH /api/cases/{id}/comments`.
pub fn update_comment(
    client: &Client,
    input: UpdateCommentInput,
) -> Result<CaseComment, ErrorInfo> {
    let case_id = validate::id("case-id", &input.case_id)?;
    let comment_id = validate::id("comment-id", &input.comment_id)?;
    let text = validate::text("comment", &input.comment, validate::MAX_COMMENT)?;
    let version = validate::required("version", &input.version)?;
    let owner = routes::comment_owner(client, case_id, comment_id)?;
    let body = wire::CommentPatch {
        id: comment_id,
        version,
        kind: wire::AttachmentType::User,
        comment: text,
        owner: &owner,
    };
    let request = Request::json(Method::Patch, comments_path(case_id), &body)?;
    client.call(
        &request,
        "a valid case with its comments",
        |case: wire::CaseComments| {
            let updated = case
                .comments
                .unwrap_or_default()
                .into_iter()
                .find(|comment| comment.id == comment_id)
                .ok_or("the updated comment is missing")?;
            Ok(to_case_comment(updated, case_id))
        },
    )
}

/// Kibana's comments → the WIT records.
fn to_case_comments(comments: Vec<wire::Comment>, case_id: &str) -> Vec<CaseComment> {
    comments
        .into_iter()
        .map(|comment| to_case_comment(comment, case_id))
        .collect()
}

/// Kibana's comment → the WIT record. Text only for string `comment`s, alert ids
/// only from `alertId`; unknown (or no) types are `other`.
pub fn to_case_comment(comment: wire::Comment, case_id: &str) -> CaseComment {
    CaseComment {
        comment_id: comment.id,
        case_id: case_id.to_owned(),
        comment_type: comment.kind.unwrap_or_default().into(),
        comment: comment.comment.0.unwrap_or_default(),
        alert_ids: comment.alert_id.unwrap_or_default().0,
        created_at: comment.created_at.unwrap_or_default(),
        created_by: username(comment.created_by).unwrap_or_default(),
        updated_at: comment.updated_at,
        updated_by: username(comment.updated_by),
        version: comment.version.unwrap_or_default(),
    }
}
