//! `_find` pages of cases and of comments, decoded and converted as the component
//! does: any bytes give a page or an error, never a panic.
#![no_main]

use elastic_security::{case_comments, cases, wire};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(page) = wire::decode::<wire::CasesPage>(data) {
        let _ = wire::count(page.total);
        for case in page.items {
            let _ = cases::to_kibana_case(case, false);
        }
    }
    if let Ok(page) = wire::decode::<wire::CommentsPage>(data) {
        let _ = wire::count(page.total);
        for comment in page.items {
            let _ = case_comments::to_case_comment(comment, "case-1");
        }
    }
});
