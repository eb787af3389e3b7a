//! A case answer (`GET /api/cases/{id}`, `POST /api/cases`) and the `PATCH
//! /api/cases` list, decoded and converted exactly as the component does: any
//! bytes give a case or an error, never a panic.
#![no_main]

use elastic_security::cases;
use elastic_security::kibana::decode::decode;
use elastic_security_wire::{cases::Case, Owned};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match decode::<Case>(data) {
        Ok(case) => {
            let _ = cases::to_kibana_case(case);
        }
        // The message names the member: its path is bounded.
        Err(message) => assert!(message.chars().count() <= 1024, "message too long"),
    }
    if let Ok(list) = decode::<Vec<Case>>(data) {
        for case in list {
            let _ = cases::to_kibana_case(case);
        }
    }
    // The owner-only read of add-comment / update-comment.
    let _ = decode::<Owned>(data);
});
