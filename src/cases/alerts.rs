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
use elastic_security_wire::loose::{each, Object};

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
        |cases: Vec<Object>| {
            let related = each(cases, |case| {
                let totals = case.object("totals")?.unwrap_or_default();
                let total = |name| totals.count(name).map_err(|bad| bad.inside("totals"));
                Ok(RelatedCase {
                    case_id: case.id("id")?,
                    title: case.text("title")?,
                    description: case.text("description")?,
                    status: case.name::<wire::Status>("status")?.into(),
                    created_at: case.text("createdAt")?,
                    total_alerts: count(total("alerts")?),
                    total_comments: count(total("userComments")?),
                })
            })?;
            Ok(related)
        },
    )
}

/// `GET /api/cases/{id}/alerts`.
pub fn get_case_alerts(client: &Client, case_id: &str) -> Result<Vec<CaseAlert>, ErrorInfo> {
    let case_id = validate::id("case-id", case_id)?;
    client.call(
        &Request::get(format!("{}/alerts", case_path(case_id))),
        "a valid list of alerts",
        |alerts: Vec<Object>| {
            let alerts = each(alerts, |alert| {
                Ok(CaseAlert {
                    alert_id: alert.id("id")?,
                    index: alert.text("index")?,
                    attached_at: alert.text("attached_at")?,
                })
            })?;
            Ok(alerts)
        },
    )
}
