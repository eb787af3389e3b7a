//! The Elastic Security component: the 14 operations of an Elastic Security node
//! (Kibana Cases, case comments, case tags and connectors) exported as the WIT world
//! `automation:elastic-security/elastic-security`, calling Kibana through
//! `wasi:http`.
//!
//! Layout (one module per WIT interface, one place for HTTP):
//! - `cases`, `case_comments`, `case_tags`, `connectors`: validate the input, build
//!   Kibana requests, convert Kibana's JSON to the WIT records;
//! - `http`: the connection, headers, error mapping and JSON decoding, over a
//!   `Transport`; `wasi_http`: that transport over `wasi:http` (wasm32 only);
//! - `validate`, `encode`, `wire`: input rules, percent-encoding, Kibana's JSON.
//!
//! No function panics on any input: every failure comes back as the WIT `error`.
//!
//! In the component the crate is `no_std` (with `alloc`): no std runtime, panic hook
//! or stderr writer is linked in, and the component imports only `wasi:http` and
//! what it needs (`wasi:io`, `wasi:clocks`). Natively (tests, host-test's native
//! client) it is an ordinary std crate.
#![cfg_attr(target_arch = "wasm32", no_std)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

extern crate alloc;

#[cfg(target_arch = "wasm32")]
mod allocator;

/// The component's allocator: dlmalloc over the initial memory first (see
/// `allocator.rs`).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: allocator::Allocator = allocator::Allocator::new();

/// Unreachable by design (no function panics, see above; clippy denies the ways to
/// panic). Were one reached, the call traps instead of formatting a message nobody
/// could read.
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// `memcmp` for the `no_std` component: core's slice and string comparisons call it,
/// and without std no C library supplies it (memcpy and memset become bulk-memory
/// instructions).
///
/// # Safety
/// `a` and `b` must be valid for reads of `n` bytes (as for C's `memcmp`).
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    for i in 0..n {
        // SAFETY: `i < n`, and the caller guarantees `n` readable bytes at each.
        let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
        if x != y {
            return i32::from(x) - i32::from(y);
        }
    }
    0
}

/// The canonical ABI's allocator export, through which the host writes a call's
/// arguments into the component's memory. With std, wasi-libc supplies it; without,
/// the component does (the same logic as wit-bindgen's for targets without libc).
/// A layout the allocator cannot serve, or memory that cannot grow, traps.
///
/// # Safety
/// Called by the host as the canonical ABI says: `old` is null with `old_len` 0, or
/// a block this allocator returned with that length and `align`.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub unsafe extern "C" fn cabi_realloc(
    old: *mut u8,
    old_len: usize,
    align: usize,
    new_len: usize,
) -> *mut u8 {
    use alloc::alloc::{alloc, dealloc, realloc, Layout};
    let Ok(layout) = Layout::from_size_align(if old_len == 0 { new_len } else { old_len }, align)
    else {
        core::arch::wasm32::unreachable()
    };
    let block = if old_len == 0 {
        if new_len == 0 {
            // A zero-sized block: any well-aligned non-null address.
            return align as *mut u8;
        }
        // SAFETY: `layout` has a non-zero size.
        unsafe { alloc(layout) }
    } else if new_len == 0 {
        // Shrinking to nothing (the canonical ABI never asks, but `realloc` may not
        // be given a zero size): free the block.
        // SAFETY: the caller passes a block of this allocator with this layout.
        unsafe { dealloc(old, layout) };
        return align as *mut u8;
    } else {
        // SAFETY: the caller passes a block of this allocator with this layout.
        unsafe { realloc(old, layout, new_len) }
    };
    if block.is_null() {
        core::arch::wasm32::unreachable()
    }
    block
}

/// What std's prelude brings that `no_std` lacks: each module imports this.
#[cfg(target_arch = "wasm32")]
mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::format;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}
#[cfg(not(target_arch = "wasm32"))]
mod prelude {}

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
/// that a native program can run the same operations over its own `http::Transport`
/// (host-test's benchmark compares the component with exactly this code, native).
#[doc(hidden)]
pub use bindings::automation::elastic_security::types;
/// The exported interfaces' own records (inputs and outputs).
#[doc(hidden)]
pub use bindings::exports::automation::elastic_security as api;

pub mod case_comments;
pub mod case_tags;
pub mod cases;
pub mod connectors;
pub mod encode;
pub mod http;
pub mod json;
pub mod validate;
#[cfg(target_arch = "wasm32")]
pub mod wasi_http;
pub mod wire;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod test_support;

#[allow(unused_imports)]
use prelude::*;

use api::case_comments::{
    AddCommentInput, CommentPage, GetManyCommentsInput, RemoveCommentOutput, UpdateCommentInput,
};
use api::case_tags::TagsOutput;
use api::cases::{
    CasePage, CaseStatusInfo, CreateCaseInput, DeleteCaseInput, DeleteCaseOutput, GetCaseInput,
    GetManyCasesInput, UpdateCaseInput,
};
use api::connectors::{Connector, CreateConnectorInput};
use http::Client;
use types::{CaseComment, Connection, Error, KibanaCase};

/// The transport of the real component: `wasi:http` in wasm, and natively a stub
/// (the native build exists for unit tests, which use a fake).
#[cfg(target_arch = "wasm32")]
type RealTransport = wasi_http::WasiTransport;
#[cfg(not(target_arch = "wasm32"))]
type RealTransport = http::Unsupported;

/// Validates the connection, then runs one operation with the real transport.
fn with_client<T>(
    conn: &Connection,
    operation: impl FnOnce(&Client) -> Result<T, Error>,
) -> Result<T, Error> {
    let transport = RealTransport {};
    let client = Client::new(conn, &transport)?;
    operation(&client)
}

/// The component: stateless; every call gets its own connection.
pub struct Component;

impl api::cases::Guest for Component {
    fn create_case(conn: Connection, input: CreateCaseInput) -> Result<KibanaCase, Error> {
        with_client(&conn, |client| cases::create_case(client, input))
    }

    fn delete_case(conn: Connection, input: DeleteCaseInput) -> Result<DeleteCaseOutput, Error> {
        with_client(&conn, |client| cases::delete_case(client, input))
    }

    fn get_case(conn: Connection, input: GetCaseInput) -> Result<KibanaCase, Error> {
        with_client(&conn, |client| cases::get_case(client, input))
    }

    fn get_many_cases(conn: Connection, input: GetManyCasesInput) -> Result<CasePage, Error> {
        with_client(&conn, |client| cases::get_many_cases(client, input))
    }

    fn get_case_status(conn: Connection, case_id: String) -> Result<CaseStatusInfo, Error> {
        with_client(&conn, |client| cases::get_case_status(client, &case_id))
    }

    fn update_case(conn: Connection, input: UpdateCaseInput) -> Result<KibanaCase, Error> {
        with_client(&conn, |client| cases::update_case(client, input))
    }
}

impl api::case_comments::Guest for Component {
    fn add_comment(conn: Connection, input: AddCommentInput) -> Result<CaseComment, Error> {
        with_client(&conn, |client| case_comments::add_comment(client, input))
    }

    fn get_comment(
        conn: Connection,
        case_id: String,
        comment_id: String,
    ) -> Result<CaseComment, Error> {
        with_client(&conn, |client| {
            case_comments::get_comment(client, &case_id, &comment_id)
        })
    }

    fn get_many_comments(
        conn: Connection,
        input: GetManyCommentsInput,
    ) -> Result<CommentPage, Error> {
        with_client(&conn, |client| {
            case_comments::get_many_comments(client, input)
        })
    }

    fn remove_comment(
        conn: Connection,
        case_id: String,
        comment_id: String,
    ) -> Result<RemoveCommentOutput, Error> {
        with_client(&conn, |client| {
            case_comments::remove_comment(client, &case_id, &comment_id)
        })
    }

    fn update_comment(conn: Connection, input: UpdateCommentInput) -> Result<CaseComment, Error> {
        with_client(&conn, |client| case_comments::update_comment(client, input))
    }
}

impl api::case_tags::Guest for Component {
    fn add_tag(conn: Connection, case_id: String, tags: Vec<String>) -> Result<TagsOutput, Error> {
        with_client(&conn, |client| case_tags::add_tag(client, &case_id, &tags))
    }

    fn remove_tag(
        conn: Connection,
        case_id: String,
        tags: Vec<String>,
    ) -> Result<TagsOutput, Error> {
        with_client(&conn, |client| {
            case_tags::remove_tag(client, &case_id, &tags)
        })
    }
}

impl api::connectors::Guest for Component {
    fn create_connector(conn: Connection, input: CreateConnectorInput) -> Result<Connector, Error> {
        with_client(&conn, |client| connectors::create_connector(client, input))
    }
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
        let err = <Component as api::cases::Guest>::get_case_status(conn, "x".into()).unwrap_err();
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
        assert_eq!((err.status_code, err.kind), (0, ErrorKind::Unreachable));
    }
}
