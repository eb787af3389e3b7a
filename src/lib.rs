//! The Elastic Security component: the 20 operations of an Elastic Security node
//! (Kibana Cases, case comments, case tags and connectors) exported as the WIT world
//! `automation:elastic-security/elastic-security`, calling Kibana through
//! `wasi:http`.
//!
//! Where things are (one module per WIT interface, one place for HTTP):
//! - `cases`, `case_comments`, `case_tags`, `connectors`: each interface's
//!   operations (check the input, build Kibana's request, convert its answer), with
//!   Kibana's JSON for it in its `wire` module (serde);
//! - `kibana`: the connection, the client that sends and maps every failure to the
//!   WIT `error`, the routes and their percent-encoding, the `wasi:http` transport;
//! - `validate`: the input rules every operation shares;
//! - `retry`: whether a failure may be retried (`permanent` or `retryable`), by
//!   the kind of failure and whether the call is safe to repeat (marked `Safe` or
//!   `Unsafe` on each export below; `create-case` and `add-comment` ask `retry`,
//!   which decides by their input);
//! - `rt`: the `no_std` runtime of the component (allocator, panic handler,
//!   `memcmp`, `cabi_realloc`).
//!
//! No function panics on any input: every failure comes back as the WIT `error`.
//! Inside, a failure is an `ErrorInfo` (status code, kind, message); it becomes the
//! WIT `error` (`permanent` or `retryable`) only here, at the export.
//!
//! In the component the crate is `no_std` (with `alloc`; serde and serde_json
//! without `std`): no std runtime, panic hook or stderr writer is linked in, and the
//! component imports only `wasi:http` and what it needs (`wasi:io`,
//! `wasi:clocks`, and `wasi:cli/environment` for `auth::api-key-env`). Natively (tests, host-test's native client) it is an ordinary
//! std crate.
#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

mod rt;

/// Generated from `wit/`. Hidden: the public face is the WIT itself.
#[doc(hidden)]
#[allow(
    missing_docs,
    unsafe_code,
    clippy::all,
    clippy::pedantic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod bindings {
    wit_bindgen::generate!({
        path: "wit",
        world: "elastic-security",
        // Lets the unit tests compare whole WIT records.
        additional_derives: [PartialEq],
    });
}

/// The WIT `types` interface (connection, records, error). Public (but hidden) so
/// that a native program can run the same operations over its own
/// `kibana::Transport` (host-test's benchmark compares the component with exactly
/// this code, native).
#[doc(hidden)]
pub use bindings::automation::elastic_security::types;
/// The exported interfaces' own records (inputs and outputs).
#[doc(hidden)]
pub use bindings::exports::automation::elastic_security as api;

pub mod case_comments;
pub mod case_tags;
pub mod cases;
pub mod connectors;
pub mod kibana;
pub mod pages;
pub mod retry;
pub mod validate;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod test_support;

#[allow(unused_imports)]
use rt::prelude::*;

use api::case_comments::{
    AddCommentInput, CommentPage, GetManyCommentsInput, RemoveCommentOutput, UpdateCommentInput,
};
use api::case_tags::TagsOutput;
use api::cases::{
    ActivityPage, CaseAlert, CasePage, CaseStatusInfo, CreateCaseInput, CreatedCase,
    DeleteCaseInput, DeleteCaseOutput, GetCaseActivityInput, GetCaseInput, GetCasesByAlertInput,
    GetManyCasesInput, PushedCase, RelatedCase, UpdateCaseInput,
};
use api::connectors::{Connector, ConnectorSummary, CreateConnectorInput};
use kibana::Client;
use retry::Repeat::{self, Safe, Unsafe};
use types::{CaseComment, Connection, Error, ErrorInfo, KibanaCase, Owner};

/// The transport of the real component: `wasi:http` in wasm, and natively a stub
/// (the native build exists for unit tests, which use a fake).
#[cfg(target_arch = "wasm32")]
type RealTransport = kibana::wasi::WasiTransport;
#[cfg(not(target_arch = "wasm32"))]
type RealTransport = kibana::transport::Unsupported;

/// Checks the connection, runs one operation with the real transport, and tells
/// a failure's host whether the call may be made again (see [`retry`]).
fn with_client<T>(
    conn: &Connection,
    repeat: Repeat,
    operation: impl FnOnce(&Client) -> Result<T, ErrorInfo>,
) -> Result<T, Error> {
    let transport = RealTransport {};
    Client::new(conn, &transport)
        .and_then(|client| operation(&client))
        .map_err(|info| retry::classify(info, repeat))
}

/// The component: stateless; every call gets its own connection.
pub struct Component;

#[rustfmt::skip] // One line per operation: the map from the WIT to the code.
impl api::cases::Guest for Component {
    fn create_case(conn: Connection, input: CreateCaseInput) -> Result<CreatedCase, Error> { with_client(&conn, Repeat::create_case(input.idempotency_key.as_deref()), |c| cases::create_case(c, input)) }
    fn delete_case(conn: Connection, input: DeleteCaseInput) -> Result<DeleteCaseOutput, Error> { with_client(&conn, Safe, |c| cases::delete_case(c, input)) }
    fn get_case(conn: Connection, input: GetCaseInput) -> Result<KibanaCase, Error> { with_client(&conn, Safe, |c| cases::get_case(c, input)) }
    fn get_many_cases(conn: Connection, input: GetManyCasesInput) -> Result<CasePage, Error> { with_client(&conn, Safe, |c| cases::get_many_cases(c, input)) }
    fn get_case_status(conn: Connection, case_id: String) -> Result<CaseStatusInfo, Error> { with_client(&conn, Safe, |c| cases::get_case_status(c, &case_id)) }
    fn update_case(conn: Connection, input: UpdateCaseInput) -> Result<KibanaCase, Error> { with_client(&conn, Safe, |c| cases::update_case(c, input)) }
    fn get_cases_by_alert(conn: Connection, input: GetCasesByAlertInput) -> Result<Vec<RelatedCase>, Error> { with_client(&conn, Safe, |c| cases::alerts::get_cases_by_alert(c, input)) }
    fn get_case_alerts(conn: Connection, case_id: String) -> Result<Vec<CaseAlert>, Error> { with_client(&conn, Safe, |c| cases::alerts::get_case_alerts(c, &case_id)) }
    fn push_case(conn: Connection, case_id: String, connector_id: String) -> Result<PushedCase, Error> { with_client(&conn, Unsafe, |c| cases::push_case(c, &case_id, &connector_id)) }
    fn get_case_activity(conn: Connection, input: GetCaseActivityInput) -> Result<ActivityPage, Error> { with_client(&conn, Safe, |c| cases::activity::get_case_activity(c, input)) }
}

#[rustfmt::skip]
impl api::case_comments::Guest for Component {
    fn add_comment(conn: Connection, input: AddCommentInput) -> Result<CaseComment, Error> { with_client(&conn, Repeat::add_comment(input.comment_type), |c| case_comments::add_comment(c, input)) }
    fn get_comment(conn: Connection, case_id: String, comment_id: String) -> Result<CaseComment, Error> { with_client(&conn, Safe, |c| case_comments::get_comment(c, &case_id, &comment_id)) }
    fn get_many_comments(conn: Connection, input: GetManyCommentsInput) -> Result<CommentPage, Error> { with_client(&conn, Safe, |c| case_comments::get_many_comments(c, input)) }
    fn remove_comment(conn: Connection, case_id: String, comment_id: String) -> Result<RemoveCommentOutput, Error> { with_client(&conn, Safe, |c| case_comments::remove_comment(c, &case_id, &comment_id)) }
    fn update_comment(conn: Connection, input: UpdateCommentInput) -> Result<CaseComment, Error> { with_client(&conn, Safe, |c| case_comments::update_comment(c, input)) }
}

#[rustfmt::skip]
impl api::case_tags::Guest for Component {
    fn add_tag(conn: Connection, case_id: String, tags: Vec<String>) -> Result<TagsOutput, Error> { with_client(&conn, Safe, |c| case_tags::add_tag(c, &case_id, &tags)) }
    fn remove_tag(conn: Connection, case_id: String, tags: Vec<String>) -> Result<TagsOutput, Error> { with_client(&conn, Safe, |c| case_tags::remove_tag(c, &case_id, &tags)) }
    fn get_case_tags(conn: Connection, owners: Vec<Owner>) -> Result<Vec<String>, Error> { with_client(&conn, Safe, |c| case_tags::get_case_tags(c, &owners)) }
}

#[rustfmt::skip]
impl api::connectors::Guest for Component {
    fn create_connector(conn: Connection, input: CreateConnectorInput) -> Result<Connector, Error> { with_client(&conn, Unsafe, |c| connectors::create_connector(c, input)) }
    fn get_many_connectors(conn: Connection, connector_type_id: Option<String>) -> Result<Vec<ConnectorSummary>, Error> { with_client(&conn, Safe, |c| connectors::get_many_connectors(c, connector_type_id.as_deref())) }
}

// Only the wasm build exports: natively the cdylib would not link the imports.
#[cfg(target_arch = "wasm32")]
bindings::export!(Component with_types_in bindings);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ErrorKind;

    #[test]
    fn component_invalid_connection_is_rejected_before_sending() {
        let conn = Connection {
            base_url: "kibana.example".into(),
            auth: None,
            space_id: None,
            timeout_ms: None,
        };
        let Error::Permanent(err) =
            <Component as api::cases::Guest>::get_case_status(conn, "x".into()).unwrap_err()
        else {
            panic!("invalid input is permanent");
        };
        assert_eq!(err.status_code, -1);
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert_eq!(
            err.message,
            "connection.base-url: must start with http:// or https://"
        );
    }

    #[test]
    fn component_native_build_has_no_transport() {
        let conn = test_support::conn();
        let err = <Component as api::case_tags::Guest>::add_tag(conn, "c".into(), vec!["t".into()])
            .unwrap_err();
        let Error::Retryable(err) = err else {
            panic!("nothing was sent: retryable, got {err:?}");
        };
        assert_eq!((err.status_code, err.kind), (0, ErrorKind::Unreachable));
    }
}
