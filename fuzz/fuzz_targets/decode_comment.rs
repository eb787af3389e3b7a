//! A comment, a connector, and a non-2xx answer (the first two bytes are the
//! status, the rest the body), decoded as the component does: never a panic, and
//! an error message of bounded length.
#![no_main]

use elastic_security::kibana::decode::decode;
use elastic_security::kibana::errors::{quote_body, status_error};
use elastic_security::{case_comments, connectors};
use elastic_security_wire::case_comments::{CaseComments, Comment};
use elastic_security_wire::connectors::Connector;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(comment) = decode::<Comment>(data) {
        let _ = case_comments::to_case_comment(comment, "case-1");
    }
    if let Ok(case) = decode::<CaseComments>(data) {
        let _ = case_comments::newest_comment(case.comments);
    }
    if let Ok(connector) = decode::<Connector>(data) {
        let _ = connectors::to_connector(connector, None);
    }
    if let [high, low, body @ ..] = data {
        let status = u16::from_be_bytes([*high, *low]);
        let err = status_error(status, body);
        assert!(err.message.chars().count() <= 4096, "message too long");
        assert!(quote_body(body).chars().count() <= 512, "quote too long");
    }
});
