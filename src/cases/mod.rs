//! The `cases` interface: create, read, list, update, delete and push Kibana cases,
//! and the conversion of Kibana's case JSON into the WIT `kibana-case`; the alerts
//! of cases (`alerts`) and a case's activity (`activity`).

#[allow(unused_imports)]
use crate::rt::prelude::*;

pub mod activity;
pub mod alerts;
pub mod idempotency;
#[cfg(test)]
mod tests;

use crate::api::cases::{
    CasePage, CaseStatusInfo, CreateCaseInput, CreatedCase, DeleteCaseInput, DeleteCaseOutput,
    DeleteFailure, ExternalService, GetCaseInput, GetManyCasesInput, PushedCase, UpdateCaseInput,
};
use crate::case_comments;
use crate::kibana::client::to_json;
use crate::kibana::count;
use crate::kibana::enums::names_once;
use crate::kibana::routes::{self, case_path, A_CASE};
use crate::kibana::{Client, Method, Request};
use crate::pages;
use crate::types::{CaseConnectorType, ErrorInfo, KibanaCase, Severity, SortField, SortOrder};
use crate::validate::{self, invalid};
use elastic_security_wire::cases as wire;
use elastic_security_wire::{name_of, username};

/// `GET /api/cases/{id}` as Kibana's JSON (for the operations that need the tags or
/// version).
pub fn read_case(client: &Client, case_id: &str) -> Result<wire::Case, ErrorInfo> {
    client.get_json(case_path(case_id), A_CASE)
}

/// `POST /api/cases`; with an idempotency key, the case that carries its marker
/// when there is one (see [`idempotency`]).
pub fn create_case(client: &Client, input: CreateCaseInput) -> Result<CreatedCase, ErrorInfo> {
    let title = validate::text("title", &input.title, validate::MAX_TITLE)?;
    let description = match validate::optional(input.description.as_deref()) {
        Some(description) => {
            validate::max_length("description", description, validate::MAX_DESCRIPTION)?;
            description
        }
        // Kibana refuses a blank description; the title is the natural stand-in.
        None => title,
    };
    let connector_type = input.connector_type.unwrap_or(CaseConnectorType::None);
    let connector_id = validate::optional(input.connector_id.as_deref());
    if connector_type != CaseConnectorType::None && connector_id.is_none() {
        return Err(invalid(
            "connector-id",
            format!(
                "is required with connector-type {}",
                name_of(&wire::ConnectorType::from(connector_type))
            ),
        ));
    }
    let connector_name = validate::optional(input.connector_name.as_deref()).unwrap_or("none");
    let marker = match input.idempotency_key.as_deref() {
        Some(key) => Some(idempotency::marker(key)?),
        None => None,
    };
    let mut tags = validate::tags("tags", &input.tags)?;
    if let Some(marker) = &marker {
        tags = idempotency::mark(tags, marker.clone())?;
    }
    let assignees = validate::assignees("assignees", &input.assignees)?;
    let owner = input.owner.into();
    if let Some(marker) = &marker {
        if let Some(found) = idempotency::find(client, marker, owner)? {
            return Ok(CreatedCase {
                kibana_case: found,
                created: false,
            });
        }
    }

    let body = wire::NewCase {
        title,
        description,
        tags: &tags,
        connector: wire::CaseConnector {
            id: connector_id.unwrap_or("none"),
            name: connector_name,
            kind: connector_type.into(),
            fields: (),
        },
        settings: wire::Settings { sync_alerts: true },
        owner,
        severity: input.severity.unwrap_or(Severity::Low).into(),
        assignees: assignee_refs(&assignees),
    };
    let request = Request::json(Method::Post, "/api/cases".into(), &body)?;
    client.call(&request, A_CASE, |case| {
        Ok(CreatedCase {
            kibana_case: to_kibana_case(case),
            created: true,
        })
    })
}

/// `DELETE /api/cases?ids=[...]`; when Kibana refuses the batch, one call per id
/// (up to `max-in-flight` of them in flight together).
pub fn delete_case(client: &Client, input: DeleteCaseInput) -> Result<DeleteCaseOutput, ErrorInfo> {
    let ids = validate::case_ids("case-ids", &input.case_ids)?;
    let max_in_flight = validate::max_in_flight(input.max_in_flight)?;
    let bulk_request = delete_request(&ids)?;
    if bulk_request.path_and_query.len() > validate::MAX_QUERY_BYTES {
        return Err(invalid(
            "case-ids",
            format!(
                "together too long for one request (at most {} bytes once encoded in the URL)",
                validate::MAX_QUERY_BYTES
            ),
        ));
    }
    let bulk = match client.send(&bulk_request) {
        Ok(_) => {
            return Ok(DeleteCaseOutput {
                status_code: 204,
                deleted_count: count(ids.len() as u64),
                failed_count: 0,
                failed_items: Vec::new(),
            })
        }
        Err(err) => err,
    };
    // Bad credentials, missing privileges or no Kibana at all: retrying per id
    // would fail the same way, so nothing could be tried.
    if matches!(bulk.status_code, 0 | 401 | 403) {
        return Err(bulk);
    }
    // Kibana's bulk delete is all-or-nothing (one unknown id refuses all): find out
    // id by id which can be deleted.
    let requests = ids
        .iter()
        .map(|id| delete_request(core::slice::from_ref(id)))
        .collect::<Result<Vec<_>, _>>()?;
    let answers = client.send_all(&requests, max_in_flight);
    let mut output = DeleteCaseOutput {
        status_code: 204,
        deleted_count: 0,
        failed_count: 0,
        failed_items: Vec::new(),
    };
    for (id, answer) in ids.into_iter().zip(answers) {
        match answer {
            Ok(_) => output.deleted_count += 1,
            Err(err) => {
                if output.failed_items.is_empty() {
                    output.status_code = err.status_code;
                }
                output.failed_count += 1;
                output.failed_items.push(DeleteFailure {
                    case_id: id,
                    status_code: err.status_code,
                    error_message: err.message,
                });
            }
        }
    }
    Ok(output)
}

/// `DELETE /api/cases?ids=<the ids as a percent-encoded JSON array>`.
fn delete_request(ids: &[String]) -> Result<Request, ErrorInfo> {
    Ok(Request::delete(format!(
        "/api/cases?ids={}",
        routes::query_value(&to_json(&ids)?)
    )))
}

/// `GET /api/cases/{id}`, plus every comment through `comments/_find` when asked.
pub fn get_case(client: &Client, input: GetCaseInput) -> Result<KibanaCase, ErrorInfo> {
    let case_id = validate::id("case-id", &input.case_id)?;
    let max_in_flight = validate::max_in_flight(input.max_in_flight)?;
    let mut case = client.call(&Request::get(case_path(case_id)), A_CASE, |case| {
        Ok(to_kibana_case(case))
    })?;
    if input.include_comments {
        // Every comment Kibana serves: its window is 10000 items.
        let limit = validate::MAX_PAGE_WINDOW as u32;
        case.comments = case_comments::read_all_comments(client, case_id, limit, max_in_flight)?.0;
    }
    Ok(case)
}

/// `GET /api/cases/_find` with the filters, in a fixed order; with `return-all`,
/// page after page.
pub fn get_many_cases(client: &Client, input: GetManyCasesInput) -> Result<CasePage, ErrorInfo> {
    let (page, per_page) = match input.return_all {
        // Page and per-page are ignored then, even when they are out of range.
        true => (1, pages::PER_PAGE),
        false => validate::paging(input.page, input.per_page)?,
    };
    let limit = match input.return_all {
        true => Some(validate::limit(input.limit)?),
        false => None,
    };
    let max_in_flight = validate::max_in_flight(input.max_in_flight)?;
    let mut filters: Vec<(&str, String)> = vec![
        (
            "sortField",
            name_of(&wire::SortField::from(
                input.sort_field.unwrap_or(SortField::CreatedAt),
            )),
        ),
        (
            "sortOrder",
            name_of(&wire::SortOrder::from(
                input.sort_order.unwrap_or(SortOrder::Desc),
            )),
        ),
    ];
    let search = validate::optional(input.search.as_deref());
    if let Some(search) = search {
        validate::max_bytes("search", search, validate::MAX_SEARCH_BYTES)?;
    }
    let search_fields = validate::search_fields("search-fields", &input.search_fields)?;
    let assignees = validate::assignee_filter("assignees", &input.assignees)?;
    if let Some(search) = search {
        filters.push(("search", search.to_owned()));
    }
    // Kibana reads a repeated key as an array and a comma-joined value as one value.
    for field in search_fields {
        filters.push(("searchFields", field));
    }
    if let Some(status) = input.status {
        filters.push(("status", name_of(&wire::Status::from(status))));
    }
    for owner in names_once::<wire::Owner, _>(&input.owners) {
        filters.push(("owner", owner));
    }
    for uid in assignees {
        filters.push(("assignees", uid));
    }
    let encoded = routes::query(&filters);
    if encoded.len() > validate::MAX_QUERY_BYTES {
        return Err(invalid(
            "search, assignees",
            format!(
                "together too long for one request (at most {} bytes once encoded in the URL)",
                validate::MAX_QUERY_BYTES
            ),
        ));
    }
    let find = |page: u32, per_page: u32| {
        Request::get(format!(
            "/api/cases/_find?page={page}&perPage={per_page}&{encoded}"
        ))
    };
    let read = |page: u32, per_page: u32, response| {
        client.read(
            response,
            "a valid page of cases",
            |found: wire::CasesPage| {
                Ok(CasePage {
                    cases: found.cases.into_iter().map(to_kibana_case).collect(),
                    page: found.page.map_or(page, count),
                    per_page: found.per_page.map_or(per_page, count),
                    total: count(found.total),
                })
            },
        )
    };
    let Some(limit) = limit else {
        return read(page, per_page, client.send(&find(page, per_page))?);
    };
    let (cases, total) = pages::read_all(
        client,
        limit,
        max_in_flight,
        |page| find(page, pages::PER_PAGE),
        |page, response| {
            read(page, pages::PER_PAGE, response).map(|found| (found.cases, found.total))
        },
    )?;
    Ok(CasePage {
        page: 1,
        per_page: count(cases.len() as u64),
        cases,
        total,
    })
}

/// `GET /api/cases/{id}`, reduced to its status fields.
pub fn get_case_status(client: &Client, case_id: &str) -> Result<CaseStatusInfo, ErrorInfo> {
    let case_id = validate::id("case-id", case_id)?;
    client.call(&Request::get(case_path(case_id)), A_CASE, |case| {
        let case = to_kibana_case(case);
        Ok(CaseStatusInfo {
            case_id: case.case_id,
            title: case.title,
            status: case.status,
            severity: case.severity,
            owner: case.owner,
            updated_at: case.updated_at,
            updated_by: case.updated_by,
            total_alerts: case.total_alerts,
            total_comments: case.total_comments,
        })
    })
}

/// `PATCH /api/cases` with the caller's version and only the given fields.
pub fn update_case(client: &Client, input: UpdateCaseInput) -> Result<KibanaCase, ErrorInfo> {
    let case_id = validate::id("case-id", &input.case_id)?;
    let version = validate::required("version", &input.version)?;
    if input.title.is_none()
        && input.description.is_none()
        && input.status.is_none()
        && input.severity.is_none()
        && input.tags.is_none()
        && input.assignees.is_none()
    {
        return Err(invalid(
            "update-case",
            "give at least one field to change (title, description, status, severity, tags, assignees)",
        ));
    }
    let title = match &input.title {
        Some(title) => Some(validate::text("title", title, validate::MAX_TITLE)?),
        None => None,
    };
    let description = match &input.description {
        Some(text) => Some(validate::text(
            "description",
            text,
            validate::MAX_DESCRIPTION,
        )?),
        None => None,
    };
    let tags = match &input.tags {
        Some(tags) => Some(validate::tags("tags", tags)?),
        None => None,
    };
    let assignees = match &input.assignees {
        Some(uids) => Some(validate::assignees("assignees", uids)?),
        None => None,
    };
    let patch = wire::CasePatch {
        title,
        description,
        status: input.status.map(Into::into),
        severity: input.severity.map(Into::into),
        tags: tags.as_deref(),
        assignees: assignees.as_deref().map(assignee_refs),
        ..wire::CasePatch::new(case_id, version)
    };
    patch_case(client, patch, |case| Ok(to_kibana_case(case)))
}

/// `POST /api/cases/{id}/connector/{connector-id}/_push`, with no body.
pub fn push_case(
    client: &Client,
    case_id: &str,
    connector_id: &str,
) -> Result<PushedCase, ErrorInfo> {
    let case_id = validate::id("case-id", case_id)?;
    let connector_id = validate::id("connector-id", connector_id)?;
    let request = Request {
        method: Method::Post,
        path_and_query: format!(
            "{}/connector/{}/_push",
            case_path(case_id),
            routes::path_segment(connector_id)
        ),
        body: None,
    };
    let what = "a valid pushed case";
    client.call(
        &request,
        what,
        |(case, pushed): (wire::Case, wire::Pushed)| {
            let pushed = pushed.external_service.ok_or("external_service is null")?;
            Ok(PushedCase {
                kibana_case: to_kibana_case(case),
                external_service: ExternalService {
                    connector_id: pushed.connector_id.unwrap_or_default(),
                    connector_name: pushed.connector_name.unwrap_or_default(),
                    external_id: pushed.external_id.unwrap_or_default(),
                    external_title: pushed.external_title.unwrap_or_default(),
                    external_url: pushed.external_url.unwrap_or_default(),
                    pushed_at: pushed.pushed_at.unwrap_or_default(),
                },
            })
        },
    )
}

/// `PATCH /api/cases` with one case; converts the answer's element for that case.
pub fn patch_case<T>(
    client: &Client,
    patch: wire::CasePatch<'_>,
    convert: impl FnOnce(wire::Case) -> Result<T, String>,
) -> Result<T, ErrorInfo> {
    let case_id = patch.id.to_owned();
    let body = wire::CasesPatch { cases: vec![patch] };
    let request = Request::json(Method::Patch, "/api/cases".into(), &body)?;
    client.call(
        &request,
        "a valid list of updated cases",
        |cases: Vec<wire::Case>| {
            let case = pick_updated(cases, &case_id).ok_or("the list is empty")?;
            convert(case)
        },
    )
}

/// The element of a `PATCH /api/cases` answer for `case_id` (the first if none
/// matches: Kibana answers exactly the cases it updated).
fn pick_updated(cases: Vec<wire::Case>, case_id: &str) -> Option<wire::Case> {
    let position = cases
        .iter()
        .position(|case| case.id == case_id)
        .unwrap_or(0);
    cases.into_iter().nth(position)
}

fn assignee_refs(uids: &[String]) -> Vec<wire::AssigneeRef<'_>> {
    uids.iter().map(|uid| wire::AssigneeRef { uid }).collect()
}

/// Kibana's case → the WIT record. Comments are not part of it: `get-case` reads
/// them through `comments/_find`.
pub fn to_kibana_case(case: wire::Case) -> KibanaCase {
    KibanaCase {
        title: case.title,
        description: case.description,
        status: case.status.into(),
        severity: case.severity.into(),
        owner: case.owner.into(),
        created_at: case.created_at,
        created_by: case.created_by.username.unwrap_or_default(),
        updated_at: case.updated_at,
        updated_by: username(case.updated_by),
        tags: case.tags,
        assignees: case.assignees.into_iter().map(|a| a.uid).collect(),
        total_alerts: count(case.total_alerts),
        total_comments: count(case.total_comment),
        version: case.version,
        comments: Vec::new(),
        case_id: case.id,
    }
}
