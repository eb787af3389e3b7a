//! The alerts of cases: the cases an alert is attached to, and the alerts attached
//! to a case.

#[allow(unused_imports)]
use crate::rt::prelude::*;

use crate::api::cases::{CaseAlert, GetCasesByAlertInput, RelatedCase};
use crate::kibana::count;
use crate::kibana::routes::{self, case_path};
use crate::kibana::{Client, Request};
use crate::types::ErrorInfo;
use crate::validate;
use elastic_security_wire::cases as wire;

/// `GET /api/cases/alerts/{alert-id}`, with `owner` repeated when given.
pub fn get_cases_by_alert(
    client: &Client,
    input: GetCasesByAlertInput,
) -> Result<Vec<RelatedCase>, ErrorInfo> {
    let alert_id = validate::id("alert-id", &input.alert_id)?;
    let path = routes::with_owners(
        format!("/api/cases/alerts/{}", routes::path_segment(alert_id)),
        &input.owners,
    );
    client.call(
        &Request::get(path),
        "a valid list of cases",
        |cases: Vec<wire::RelatedCase>| Ok(cases.into_iter().map(to_related_case).collect()),
    )
}

/// Kibana's case of an alert → the WIT record.
fn to_related_case(case: wire::RelatedCase) -> RelatedCase {
    let totals = case.totals.unwrap_or_default();
    RelatedCase {
        case_id: case.id,
        title: case.title.unwrap_or_default(),
        description: case.description.unwrap_or_default(),
        status: case.status.into(),
        created_at: case.created_at.unwrap_or_default(),
        total_alerts: count(totals.alerts.unwrap_or_default()),
        total_comments: count(totals.user_comments.unwrap_or_default()),
    }
}

/// `GET /api/cases/{id}/alerts`.
pub fn get_case_alerts(client: &Client, case_id: &str) -> Result<Vec<CaseAlert>, ErrorInfo> {
    let case_id = validate::id("case-id", case_id)?;
    client.call(
        &Request::get(format!("{}/alerts", case_path(case_id))),
        "a valid list of alerts",
        |alerts: Vec<wire::CaseAlert>| {
            let alerts = alerts.into_iter().map(|alert| CaseAlert {
                alert_id: alert.id,
                index: alert.index.unwrap_or_default(),
                attached_at: alert.attached_at.unwrap_or_default(),
            });
            Ok(alerts.collect())
        },
    )
}
