//! A case answer (`GET /api/cases/{id}`, `POST /api/cases`) and the `PATCH
//! /api/cases` list, decoded and converted exactly as the component does: any
//! bytes give a case or an error, never a panic.
#![no_main]

use elastic_security::{cases, wire};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(case) = wire::decode::<wire::Case>(data) {
        let _ = cases::to_kibana_case(case, true);
    }
    if let Ok(list) = wire::decode::<Vec<wire::Case>>(data) {
        for case in list {
            let _ = cases::to_kibana_case(case, false);
        }
    }
    // The owner-only read of add-comment / update-comment.
    let _ = wire::decode::<wire::Owned>(data);
    // The JSON reader itself: what it reads, it writes back as JSON it reads again
    // to the same value.
    if let Ok(value) = elastic_security::json::parse(data) {
        let text = value.to_json();
        assert_eq!(elastic_security::json::parse(text.as_bytes()).as_ref(), Ok(&value));
    }
});
