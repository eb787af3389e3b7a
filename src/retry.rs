//! Whether a failed call may be made again: the rule the WIT `error` documents,
//! applied once per call where the component hands its result to the host
//! (`lib.rs`).
//!
//! What decides it is whether the request may have reached Kibana (the error's
//! kind tells: `unreachable` means nothing was sent; `timeout`, `connection-lost`
//! and 5xx mean it may have been carried out) and whether the call is safe to
//! repeat ([`Repeat`]): for most operations that is fixed, for `create-case` and
//! `add-comment` it depends on the input ([`Repeat::create_case`],
//! [`Repeat::add_comment`]).

use crate::types::{CommentType, Error, ErrorInfo, ErrorKind};

/// Whether a call may be repeated after its request may have reached Kibana.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeat {
    /// A repeat changes nothing more: reads, updates that carry a version (a
    /// repeat of an applied one meets a 409), tag changes (they read the case
    /// afresh), deletes (a repeat finds the item gone), a create-case with an
    /// idempotency key (a repeat finds the case the first attempt made), an alert
    /// comment (a repeat finds the alert attached).
    Safe,
    /// A repeat could do it twice: the operations that create something with
    /// nothing to recognise it by (create-case without a key, a user comment,
    /// create-connector), and push-case, which may open an incident in the
    /// external system.
    Unsafe,
}

impl Repeat {
    /// `create-case` with this `idempotency-key`: safe with a key, unsafe
    /// without. (A key that is not valid fails before anything is sent: its error
    /// is permanent anyway.)
    pub fn create_case(idempotency_key: Option<&str>) -> Repeat {
        match idempotency_key {
            Some(_) => Repeat::Safe,
            None => Repeat::Unsafe,
        }
    }

    /// `add-comment` of this `comment-type`: safe for an alert (attached once),
    /// unsafe for a user comment (the default type).
    pub fn add_comment(comment_type: Option<CommentType>) -> Repeat {
        match comment_type {
            Some(CommentType::Alert) => Repeat::Safe,
            Some(CommentType::User) | None => Repeat::Unsafe,
        }
    }
}

/// The WIT `error` for `info`: `retryable` or `permanent` by the rule.
pub fn classify(info: ErrorInfo, repeat: Repeat) -> Error {
    if is_retryable(&info, repeat) {
        Error::Retryable(info)
    } else {
        Error::Permanent(info)
    }
}

fn is_retryable(info: &ErrorInfo, repeat: Repeat) -> bool {
    match info.kind {
        // Nothing was sent: nothing can happen twice.
        ErrorKind::Unreachable => true,
        // Sent, and maybe carried out.
        ErrorKind::Timeout | ErrorKind::ConnectionLost | ErrorKind::ServerError => {
            repeat == Repeat::Safe
        }
        // 408 (Request Timeout) and 429 (Too Many Requests): not taken.
        ErrorKind::ClientError => matches!(info.status_code, 408 | 429),
        // The same input fails the same way; a 2xx that could not be read was
        // carried out, and would be answered the same way again.
        ErrorKind::InvalidInput
        | ErrorKind::BadRequest
        | ErrorKind::Unauthorized
        | ErrorKind::Forbidden
        | ErrorKind::NotFound
        | ErrorKind::NotAcceptable
        | ErrorKind::Conflict
        | ErrorKind::InvalidResponse => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(status_code: i32, kind: ErrorKind) -> ErrorInfo {
        ErrorInfo {
            status_code,
            kind,
            message: "m".into(),
        }
    }

    fn retryable(status_code: i32, kind: ErrorKind, repeat: Repeat) -> bool {
        match classify(info(status_code, kind), repeat) {
            Error::Retryable(i) => {
                assert_eq!(i, info(status_code, kind));
                true
            }
            Error::Permanent(i) => {
                assert_eq!(i, info(status_code, kind));
                false
            }
            Error::ExecutionFailed => unreachable!("never classified as execution-failed"),
        }
    }

    #[test]
    fn nothing_sent_is_retryable_for_every_operation() {
        for repeat in [Repeat::Safe, Repeat::Unsafe] {
            assert!(retryable(0, ErrorKind::Unreachable, repeat));
            assert!(retryable(429, ErrorKind::ClientError, repeat));
            assert!(retryable(408, ErrorKind::ClientError, repeat));
        }
    }

    #[test]
    fn maybe_carried_out_is_retryable_only_when_safe_to_repeat() {
        for (status, kind) in [
            (0, ErrorKind::Timeout),
            (0, ErrorKind::ConnectionLost),
            (500, ErrorKind::ServerError),
            (503, ErrorKind::ServerError),
        ] {
            assert!(retryable(status, kind, Repeat::Safe), "{kind:?}");
            assert!(!retryable(status, kind, Repeat::Unsafe), "{kind:?}");
        }
    }

    #[test]
    fn create_case_and_add_comment_are_safe_to_repeat_by_their_input() {
        assert_eq!(Repeat::create_case(Some("k")), Repeat::Safe);
        assert_eq!(Repeat::create_case(None), Repeat::Unsafe);
        assert_eq!(Repeat::add_comment(Some(CommentType::Alert)), Repeat::Safe);
        assert_eq!(Repeat::add_comment(Some(CommentType::User)), Repeat::Unsafe);
        assert_eq!(Repeat::add_comment(None), Repeat::Unsafe);
    }

    #[test]
    fn input_and_kibana_refusals_are_permanent() {
        for repeat in [Repeat::Safe, Repeat::Unsafe] {
            for (status, kind) in [
                (-1, ErrorKind::InvalidInput),
                (400, ErrorKind::BadRequest),
                (401, ErrorKind::Unauthorized),
                (403, ErrorKind::Forbidden),
                (404, ErrorKind::NotFound),
                (406, ErrorKind::NotAcceptable),
                (409, ErrorKind::Conflict),
                (413, ErrorKind::ClientError),
                (302, ErrorKind::ClientError),
                (502, ErrorKind::InvalidResponse),
            ] {
                assert!(!retryable(status, kind, repeat), "{status} {kind:?}");
            }
        }
    }
}
