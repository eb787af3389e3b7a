//! The 20 operations as typed methods of both harnesses, from one list: the
//! synchronous [`Harness`](super::Harness) and the async
//! [`AsyncHarness`](super::async_harness::AsyncHarness) each expand
//! [`with_operations!`] with their own way of making a call.

use super::bindings::{Error, ErrorInfo, ErrorKind};

/// What an operation's method returns: a host failure or trap outside, the
/// operation's own result inside.
pub type Op<T> = anyhow::Result<std::result::Result<T, Failure>>;

/// An operation's failure as a host reads it: the WIT `error`'s `error-info`, and
/// whether the component marked it `retryable` (otherwise `permanent`).
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub status_code: i32,
    pub kind: ErrorKind,
    pub message: String,
    pub retryable: bool,
}

impl Failure {
    /// A failure the host finds itself (the CLI's own input checks): `permanent`.
    pub fn permanent(info: ErrorInfo) -> Self {
        Self::from_info(info, false)
    }

    fn from_info(info: ErrorInfo, retryable: bool) -> Self {
        let ErrorInfo {
            status_code,
            kind,
            message,
        } = info;
        Self {
            status_code,
            kind,
            message,
            retryable,
        }
    }
}

/// The operation's result with its error as a [`Failure`]. `execution-failed` is
/// the case a workflow engine keeps for its own failures: the component never
/// returns it, so here it is a host failure.
pub fn settle<T>(result: std::result::Result<T, Error>) -> Op<T> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(Error::Permanent(info)) => Ok(Err(Failure::from_info(info, false))),
        Err(Error::Retryable(info)) => Ok(Err(Failure::from_info(info, true))),
        Err(Error::ExecutionFailed) => {
            anyhow::bail!("the component returned `execution-failed`, which only a host may")
        }
    }
}

/// Hands the list of operations to `$expand!`: for each, the method's name, the
/// exported interface, the generated `call_*` function, the arguments after the
/// connection, and what the operation returns. The paths (`cases::...`) are resolved
/// where `$expand!` is expanded, so that each harness gets its own bindings' types.
macro_rules! with_operations {
    ($expand:ident) => {
        $expand! {
            create_case: cases.call_create_case(input: &cases::CreateCaseInput) -> cases::CreatedCase;
            delete_case: cases.call_delete_case(input: &cases::DeleteCaseInput) -> cases::DeleteCaseOutput;
            get_case: cases.call_get_case(input: &cases::GetCaseInput) -> KibanaCase;
            get_many_cases: cases.call_get_many_cases(input: &cases::GetManyCasesInput) -> cases::CasePage;
            get_case_status: cases.call_get_case_status(case_id: &str) -> cases::CaseStatusInfo;
            update_case: cases.call_update_case(input: &cases::UpdateCaseInput) -> KibanaCase;
            get_cases_by_alert: cases.call_get_cases_by_alert(input: &cases::GetCasesByAlertInput) -> Vec<cases::RelatedCase>;
            get_case_alerts: cases.call_get_case_alerts(case_id: &str) -> Vec<cases::CaseAlert>;
            push_case: cases.call_push_case(case_id: &str, connector_id: &str) -> cases::PushedCase;
            get_case_activity: cases.call_get_case_activity(input: &cases::GetCaseActivityInput) -> cases::ActivityPage;
            add_comment: case_comments.call_add_comment(input: &case_comments::AddCommentInput) -> CaseComment;
            get_comment: case_comments.call_get_comment(case_id: &str, comment_id: &str) -> CaseComment;
            get_many_comments: case_comments.call_get_many_comments(input: &case_comments::GetManyCommentsInput) -> case_comments::CommentPage;
            remove_comment: case_comments.call_remove_comment(case_id: &str, comment_id: &str) -> case_comments::RemoveCommentOutput;
            update_comment: case_comments.call_update_comment(input: &case_comments::UpdateCommentInput) -> CaseComment;
            add_tag: case_tags.call_add_tag(case_id: &str, tags: &[String]) -> case_tags::TagsOutput;
            remove_tag: case_tags.call_remove_tag(case_id: &str, tags: &[String]) -> case_tags::TagsOutput;
            get_case_tags: case_tags.call_get_case_tags(owners: &[Owner]) -> Vec<String>;
            create_connector: connectors.call_create_connector(input: &connectors::CreateConnectorInput) -> connectors::Connector;
            get_many_connectors: connectors.call_get_many_connectors(connector_type_id: Option<&str>) -> Vec<connectors::ConnectorSummary>;
        }
    };
}
pub(crate) use with_operations;
