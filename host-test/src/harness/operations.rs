//! The 20 operations as typed methods of both harnesses, from one list: the
//! synchronous [`Harness`](super::Harness) and the async
//! [`AsyncHarness`](super::async_harness::AsyncHarness) each expand
//! [`with_operations!`] with their own way of making a call, and [`Exports`] says
//! where each operation's function is in the component.

use anyhow::{Context, Result};
use wasmtime::component::{Component, ComponentExportIndex};

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
/// exported interface and the function's name in it, the arguments after the
/// connection, and what the operation returns. The paths (`cases::...`) are resolved
/// where `$expand!` is expanded, so that each harness gets its own bindings' types.
macro_rules! with_operations {
    ($expand:ident) => {
        $expand! {
            create_case: cases "create-case" (input: &cases::CreateCaseInput) -> cases::CreatedCase;
            delete_case: cases "delete-case" (input: &cases::DeleteCaseInput) -> cases::DeleteCaseOutput;
            get_case: cases "get-case" (input: &cases::GetCaseInput) -> KibanaCase;
            get_many_cases: cases "get-many-cases" (input: &cases::GetManyCasesInput) -> cases::CasePage;
            get_case_status: cases "get-case-status" (case_id: &str) -> cases::CaseStatusInfo;
            update_case: cases "update-case" (input: &cases::UpdateCaseInput) -> KibanaCase;
            get_cases_by_alert: cases "get-cases-by-alert" (input: &cases::GetCasesByAlertInput) -> Vec<cases::RelatedCase>;
            get_case_alerts: cases "get-case-alerts" (case_id: &str) -> Vec<cases::CaseAlert>;
            push_case: cases "push-case" (case_id: &str, connector_id: &str) -> cases::PushedCase;
            get_case_activity: cases "get-case-activity" (input: &cases::GetCaseActivityInput) -> cases::ActivityPage;
            add_comment: case_comments "add-comment" (input: &case_comments::AddCommentInput) -> CaseComment;
            get_comment: case_comments "get-comment" (case_id: &str, comment_id: &str) -> CaseComment;
            get_many_comments: case_comments "get-many-comments" (input: &case_comments::GetManyCommentsInput) -> case_comments::CommentPage;
            remove_comment: case_comments "remove-comment" (case_id: &str, comment_id: &str) -> case_comments::RemoveCommentOutput;
            update_comment: case_comments "update-comment" (input: &case_comments::UpdateCommentInput) -> CaseComment;
            add_tag: case_tags "add-tag" (case_id: &str, tags: &[String]) -> case_tags::TagsOutput;
            remove_tag: case_tags "remove-tag" (case_id: &str, tags: &[String]) -> case_tags::TagsOutput;
            get_case_tags: case_tags "get-case-tags" (owners: &[Owner]) -> Vec<String>;
            create_connector: connectors "create-connector" (input: &connectors::CreateConnectorInput) -> connectors::Connector;
            get_many_connectors: connectors "get-many-connectors" (connector_type_id: Option<&str>) -> Vec<connectors::ConnectorSummary>;
        }
    };
}
pub(crate) use with_operations;

/// Declares [`Exports`] from the list of operations.
macro_rules! exports {
    ($($name:ident: $iface:ident $func:literal ($($arg:ident: $ty:ty),*) -> $out:ty;)*) => {
        /// Where each operation's function is in the component, found once when a
        /// harness is made. A call then instantiates the component and looks up and
        /// type-checks only the function it makes: the generated bindings'
        /// `instantiate` type-checks all 20 exports at every instantiation (about an
        /// eighth of a small call's instructions).
        #[derive(Clone)]
        pub(crate) struct Exports {
            $(pub(crate) $name: ComponentExportIndex,)*
        }

        impl Exports {
            pub(crate) fn find(component: &Component) -> Result<Self> {
                Ok(Self {
                    $($name: function(component, stringify!($iface), $func)?,)*
                })
            }
        }
    };
}
with_operations!(exports);

/// The index of function `func` of the exported interface `iface` (`cases`,
/// `case_comments`) of the package `automation:elastic-security`, whatever its
/// version.
fn function(component: &Component, iface: &str, func: &str) -> Result<ComponentExportIndex> {
    let prefix = format!("automation:elastic-security/{}@", iface.replace('_', "-"));
    let ty = component.component_type();
    let name = ty
        .exports(component.engine())
        .map(|(name, _)| name)
        .find(|name| name.starts_with(&prefix))
        .with_context(|| format!("the component exports no interface {prefix}..."))?;
    let interface = component
        .get_export_index(None, name)
        .with_context(|| format!("the component exports no interface {name}"))?;
    component
        .get_export_index(Some(&interface), func)
        .with_context(|| format!("the component's {name} has no function {func}"))
}
