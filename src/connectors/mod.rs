//! The `connectors` interface: create and list Kibana connectors (actions), keeping
//! their secrets out of every output and error message.

#[allow(unused_imports)]
use crate::rt::prelude::*;

#[cfg(test)]
mod tests;

use elastic_security_wire::connectors as wire;
use serde_json::value::RawValue;

use crate::api::connectors::{Connector, ConnectorSummary, CreateConnectorInput};
use crate::kibana::errors::redact;
use crate::kibana::{count, Client, Method, Request};
use crate::types::ErrorInfo;
use crate::validate::{self, invalid};

/// A connector type id: non-blank, starting with `.`.
fn type_id(type_id: &str) -> Result<&str, ErrorInfo> {
    let type_id = type_id.trim();
    if type_id.is_empty() {
        return Err(invalid("connector-type-id", "must not be blank"));
    }
    if !type_id.starts_with('.') {
        return Err(invalid(
            "connector-type-id",
            "must start with `.` (e.g. .jira, .webhook, .index)",
        ));
    }
    Ok(type_id)
}

/// `GET /api/actions/connectors`, keeping those of `connector_type_id` when given
/// (Kibana's route has no filter). Kibana never lists secrets.
pub fn get_many_connectors(
    client: &Client,
    connector_type_id: Option<&str>,
) -> Result<Vec<ConnectorSummary>, ErrorInfo> {
    let wanted = match validate::optional(connector_type_id) {
        Some(wanted) => Some(type_id(wanted)?),
        None => None,
    };
    client.call(
        &Request::get("/api/actions/connectors".into()),
        "a valid list of connectors",
        |all: Vec<wire::Connector>| {
            let listed = all
                .into_iter()
                .map(summary)
                .filter(|summary| wanted.is_none_or(|wanted| summary.connector_type_id == wanted));
            Ok(listed.collect())
        },
    )
}

/// An element of Kibana's list of connectors → the WIT record.
fn summary(c: wire::Connector) -> ConnectorSummary {
    ConnectorSummary {
        config: config_text(c.config),
        connector_id: c.id,
        name: c.name.unwrap_or_default(),
        connector_type_id: c.connector_type_id.unwrap_or_default(),
        is_preconfigured: c.is_preconfigured.unwrap_or_default(),
        is_deprecated: c.is_deprecated.unwrap_or_default(),
        is_missing_secrets: c.is_missing_secrets.unwrap_or_default(),
        referenced_by_count: count(c.referenced_by_count.unwrap_or_default()),
    }
}

/// Kibana's `config` as JSON text, `{}` when it gives none.
fn config_text(config: Option<Box<RawValue>>) -> String {
    config.map_or_else(|| "{}".to_owned(), |config| config.get().to_owned())
}

/// `POST /api/actions/connector` with `{name, connector_type_id, config, secrets}`.
pub fn create_connector(
    client: &Client,
    input: CreateConnectorInput,
) -> Result<Connector, ErrorInfo> {
    let name = validate::required("name", &input.name)?;
    let type_id = type_id(&input.connector_type_id)?;
    let config = json_object(input.config.as_deref())
        .map_err(|detail| invalid("config", format!("must be a JSON object ({detail})")))?;
    // Never say more about the secrets than that they are not an object: even a
    // parser message could point into them.
    let secrets = json_object(input.secrets.as_deref())
        .map_err(|_| invalid("secrets", "must be a JSON object"))?;

    let mut hidden = wire::secret_strings(secrets.get());
    if let (false, Some(text)) = (hidden.is_empty(), input.secrets.as_deref()) {
        hidden.push(text.trim().to_owned());
    }
    let hidden: Vec<&str> = hidden.iter().map(String::as_str).collect();

    let body = wire::NewConnector {
        name,
        connector_type_id: type_id,
        config: &config,
        secrets: &secrets,
    };
    let result =
        Request::json(Method::Post, "/api/actions/connector".into(), &body).and_then(|request| {
            client.call(&request, "a valid connector", |connector| {
                Ok(to_connector(connector, input.description.clone()))
            })
        });
    // Kibana's validation messages name fields, not values; a proxy might echo the
    // body though, so every secret value is blanked out of the message.
    result.map_err(|err| redact(err, &hidden))
}

/// `none` or blank → `{}`; else the text must be a JSON object, kept as written.
fn json_object(text: Option<&str>) -> Result<Box<RawValue>, String> {
    let text = validate::optional(text).unwrap_or("{}");
    let raw = elastic_security_wire::raw_json(text).map_err(|err| err.to_string())?;
    if raw.get().starts_with('{') {
        Ok(raw)
    } else {
        Err("got another JSON value".into())
    }
}

/// Kibana's connector → the WIT record, with the caller's description echoed.
pub fn to_connector(connector: wire::Connector, description: Option<String>) -> Connector {
    Connector {
        config: config_text(connector.config),
        connector_id: connector.id,
        name: connector.name.unwrap_or_default(),
        connector_type_id: connector.connector_type_id.unwrap_or_default(),
        description,
        is_preconfigured: connector.is_preconfigured.unwrap_or_default(),
        is_deprecated: connector.is_deprecated.unwrap_or_default(),
        is_missing_secrets: connector.is_missing_secrets.unwrap_or_default(),
        created_at: connector.created_at.0,
        created_by: connector.created_by.0,
        updated_at: connector.updated_at.0,
        updated_by: connector.updated_by.0,
    }
}
