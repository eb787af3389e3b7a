//! The 20 operations as typed methods of both harnesses, from one list: the
//! synchronous [`Harness`](super::Harness) and the async
//! [`AsyncHarness`](super::async_harness::AsyncHarness) each expand
//! [`with_operations!`] with their own way of making a call.

use super::bindings::Error;

/// What an operation's method returns: a host failure or trap outside, the
/// operation's own result inside.
pub type Op<T> = anyhow::Result<std::result::Result<T, Error>>;

/// Hands the list of operations to `$expand!`: for each, the method's name, the
/// exported interface, the generated `call_*` function, the arguments after the
/// connection, and what the operation returns. The paths (`cases::...`) are resolved
/// where `$expand!` is expanded, so that each harness gets its own bindings' types.
macro_rules! with_operations {
    ($expand:ident) => {
        $expand! {
            create_case: cases.call_create_case(input: &cases::CreateCaseInput) -> KibanaCase;
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
