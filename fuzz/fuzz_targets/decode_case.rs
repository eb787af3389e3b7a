//! A case answer (`GET /api/cases/{id}`, `POST /api/cases`) and the `PATCH
//! /api/cases` list, decoded and converted exactly as the component does: any
//! bytes give a case or an error, never a panic.
#![no_main]

use elastic_security::{cases, wire};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(case) = serde_json::from_slice::<wire::Case>(data) {
        let _ = cases::to_kibana_case(case, true);
    }
    if let Ok(list) = serde_json::from_slice::<Vec<wire::Case>>(data) {
        for case in list {
            let _ = cases::to_kibana_case(case, false);
        }
    }
    // The owner-only read of add-comment / update-comment.
    let _ = serde_json::from_slice::<wire::Owned>(data);
});
