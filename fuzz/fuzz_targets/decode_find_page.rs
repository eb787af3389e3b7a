//! `_find` pages of cases and of comments, decoded and converted as the component
//! does: any bytes give a page or an error, never a panic.
#![no_main]

use elastic_security::kibana::count;
use elastic_security::kibana::decode::decode;
use elastic_security::{case_comments, cases};
use elastic_security_wire::case_comments::CommentsPage;
use elastic_security_wire::cases::CasesPage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(page) = decode::<CasesPage>(data) {
        let _ = count(page.total);
        for case in page.cases {
            let _ = cases::to_kibana_case(case);
        }
    }
    if let Ok(page) = decode::<CommentsPage>(data) {
        let _ = count(page.total);
        for comment in page.comments {
            let _ = case_comments::to_case_comment(comment, "case-1");
        }
    }
});
