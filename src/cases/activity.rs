//! A case's activity: Kibana's user actions, paged and filtered by type.

#[allow(unused_imports)]
use crate::rt::prelude::*;

use super::wire;
use crate::api::cases::{ActivityPage, CaseActivity, GetCaseActivityInput};
use crate::kibana::count;
use crate::kibana::enums::names_once;
use crate::kibana::routes::{self, case_path};
use crate::kibana::{Client, Request};
use crate::types::{ErrorInfo, SortOrder};
use crate::validate;
use elastic_security_wire::loose::{each, Object};
use elastic_security_wire::name_of;

/// `GET /api/cases/{id}/user_actions/_find?page=&perPage=&sortOrder=` with `types`
/// repeated when given.
pub fn get_case_activity(
    client: &Client,
    input: GetCaseActivityInput,
) -> Result<ActivityPage, ErrorInfo> {
    let case_id = validate::id("case-id", &input.case_id)?;
    let (page, per_page) = validate::paging(input.page, input.per_page)?;
    let mut query: Vec<(&str, String)> = vec![
        ("page", page.to_string()),
        ("perPage", per_page.to_string()),
        (
            "sortOrder",
            name_of(&wire::SortOrder::from(
                input.sort_order.unwrap_or(SortOrder::Desc),
            )),
        ),
    ];
    for kind in names_once::<wire::ActivityType, _>(&input.types) {
        query.push(("types", kind));
    }
    let path = format!(
        "{}/user_actions/_find?{}",
        case_path(case_id),
        routes::query(&query)
    );
    client.call(
        &Request::get(path),
        "a valid page of user actions",
        |found: Object| {
            let activity = each(found.objects("userActions")?, |action| {
                Ok(CaseActivity {
                    action_id: action.id("id")?,
                    action_type: action.text("type")?,
                    action: action.text("action")?,
                    created_at: action.text("created_at")?,
                    created_by: action.username("created_by")?.unwrap_or_default(),
                    comment_id: action.opt_text("comment_id")?,
                    payload: action.raw("payload").unwrap_or("{}").to_owned(),
                })
            })?;
            Ok(ActivityPage {
                activity,
                page: found.opt_count("page")?.map_or(page, count),
                per_page: found.opt_count("perPage")?.map_or(per_page, count),
                total: count(found.count("total")?),
            })
        },
    )
}
