//! The node manifest: made from the contract and the WIT, its JSON Schemas valid
//! draft 2020-12 that take the contract's own examples and refuse bad inputs.

use elastic_security_manifest::{build, contract, to_json, Kind, Manifest, OperationEntry};
use serde_json::{json, Value};

fn manifest() -> Manifest {
    build().expect("the contract and the WIT agree")
}

fn op<'a>(m: &'a Manifest, name: &str) -> &'a OperationEntry {
    m.operations.iter().find(|o| o.name == name).expect(name)
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::new(schema).expect("a schema that compiles")
}

#[test]
fn every_operation_of_the_contract_and_every_function_of_the_wit() {
    let m = manifest();
    let names: Vec<&str> = m.operations.iter().map(|o| o.name).collect();
    let contract: Vec<&str> = contract::OPERATIONS.iter().map(|o| o.name).collect();
    assert_eq!(names, contract);
    assert_eq!(names.len(), 20);
    // The WIT's functions, read straight from wit/: each is an operation.
    let mut wit_functions = Vec::new();
    for file in ["cases", "case-comments", "case-tags", "connectors"] {
        let path = format!("{}/../wit/{file}.wit", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        for line in text.lines() {
            if let Some((name, _)) = line.trim().split_once(": func(") {
                wit_functions.push(name.to_string());
            }
        }
    }
    wit_functions.sort();
    let mut sorted: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    sorted.sort();
    assert_eq!(sorted, wit_functions);
    assert_eq!(m.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(
        m.wit.package,
        format!("automation:elastic-security@{}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn inputs_carry_the_contract_and_the_wit() {
    let m = manifest();
    let create = op(&m, "create-case");
    assert_eq!(create.label, "Create a Case");
    assert_eq!(create.resource, "case");
    assert_eq!(create.wit.params, ["input"]);
    let severity = create.inputs.iter().find(|i| i.name == "Severity").unwrap();
    assert_eq!(severity.kind, Kind::Enum);
    assert!(!severity.required);
    assert_eq!(severity.default, Some(json!("low")));
    let values: Vec<&str> = severity
        .options
        .as_ref()
        .unwrap()
        .iter()
        .map(|o| o.value.as_str())
        .collect();
    assert_eq!(values, ["low", "medium", "high", "critical"]);
    let owner = create.inputs.iter().find(|i| i.name == "Owner").unwrap();
    let security = owner
        .options
        .as_ref()
        .unwrap()
        .iter()
        .find(|o| o.wit == "security-solution")
        .unwrap();
    assert_eq!(security.value, "securitySolution");
    assert_eq!(
        serde_json::to_value(&owner.wit).unwrap(),
        json!({"param": "input", "field": "owner", "type": "owner"})
    );
    let tags = create.inputs.iter().find(|i| i.name == "Tags").unwrap();
    assert_eq!(tags.kind, Kind::List);
    assert_eq!(tags.suggest.as_ref().unwrap().operation, "get-case-tags");

    let status = op(&m, "get-case-status");
    assert_eq!(status.wit.params, ["case-id"]);
    let case_id = &status.inputs[0];
    assert!(case_id.required);
    assert_eq!(
        serde_json::to_value(&case_id.wit).unwrap(),
        json!({"param": "case-id", "type": "string"})
    );

    let many = op(&m, "get-many-cases");
    let per_page = many.inputs.iter().find(|i| i.name == "PerPage").unwrap();
    assert_eq!(
        (per_page.minimum, per_page.maximum, per_page.default.clone()),
        (Some(1), Some(100), Some(json!(20)))
    );
    let owners = many.inputs.iter().find(|i| i.name == "Owner").unwrap();
    assert_eq!(owners.kind, Kind::List);
    assert_eq!(owners.items.as_ref().unwrap().kind, Kind::Enum);

    let connector = op(&m, "create-connector");
    let config = connector
        .inputs
        .iter()
        .find(|i| i.name == "Config")
        .unwrap();
    assert_eq!(config.kind, Kind::Json);

    // Every operation takes SpaceId, into the connection.
    for o in &m.operations {
        let space = o
            .inputs
            .iter()
            .find(|i| i.name == "SpaceId")
            .unwrap_or_else(|| panic!("{}", o.name));
        assert_eq!(space.label, "Space");
        assert_eq!(space.wit.connection, Some("space-id"));
    }
}

#[test]
fn outputs_follow_the_wit_with_the_contract_keys() {
    let m = manifest();
    let keys = |o: &OperationEntry| o.outputs.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
    let create = op(&m, "create-case");
    assert_eq!(
        keys(create),
        [
            "CaseId",
            "Title",
            "Description",
            "Status",
            "Severity",
            "Owner",
            "CreatedAt",
            "CreatedBy",
            "UpdatedAt",
            "UpdatedBy",
            "Tags",
            "Assignees",
            "TotalAlerts",
            "TotalComments",
            "Version",
            "Comments",
            "Created",
            "StatusCode",
            "ErrorMessage"
        ]
    );
    let case_id = &create.outputs[0];
    assert_eq!(
        case_id.wit.as_deref(),
        Some(&["kibana-case".to_string(), "case-id".to_string()][..])
    );
    let delete = op(&m, "delete-case");
    assert_eq!(
        keys(delete),
        [
            "StatusCode",
            "DeletedCount",
            "FailedCount",
            "FailedItems",
            "ErrorMessage"
        ]
    );
    assert_eq!(
        delete.partial_failure.as_ref().unwrap().count,
        "FailedCount"
    );
    assert_eq!(
        keys(op(&m, "get-case-tags")),
        ["Tags", "StatusCode", "ErrorMessage"]
    );
    let removed = op(&m, "remove-comment");
    let status = removed
        .outputs
        .iter()
        .find(|f| f.name == "StatusCode")
        .unwrap();
    assert_eq!(status.constant, Some(json!(204)));
    let errors: Vec<&str> = m.error_outputs.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        errors,
        ["StatusCode", "ErrorKind", "ErrorMessage", "Retryable"]
    );
}

#[test]
fn schemas_are_draft_2020_12() {
    let m = manifest();
    jsonschema::draft202012::meta::validate(&m.error_schema).unwrap();
    for o in &m.operations {
        for schema in [&o.input_schema, &o.output_schema] {
            jsonschema::draft202012::meta::validate(schema)
                .unwrap_or_else(|e| panic!("{}: {e}", o.name));
        }
    }
}

#[test]
fn input_schemas_take_the_examples() {
    let m = manifest();
    for o in &m.operations {
        let v = validator(&o.input_schema);
        let errors: Vec<String> = v.iter_errors(&o.example).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {} {errors:?}", o.name, o.example);
        // The CLI's example is the one the manifest carries.
        let cli: Value = serde_json::from_str(contract::find(o.name).unwrap().example).unwrap();
        assert_eq!(cli, o.example);
    }
}

#[test]
fn input_schemas_refuse_bad_inputs() {
    let m = manifest();
    let bad = [
        (
            "create-case",
            json!({"Owner": "securitySolution"}),
            "no Title",
        ),
        (
            "create-case",
            json!({"Title": "  ", "Owner": "cases"}),
            "a blank Title",
        ),
        (
            "create-case",
            json!({"Title": "t", "Owner": "cases", "Severity": "urgent"}),
            "an unknown Severity",
        ),
        (
            "create-case",
            json!({"Title": "t", "Owner": "cases", "Titel": "typo"}),
            "an unknown key",
        ),
        (
            "create-case",
            json!({"Title": "x".repeat(161), "Owner": "cases"}),
            "a Title over 160",
        ),
        (
            "get-many-cases",
            json!({"PerPage": 101}),
            "PerPage over 100",
        ),
        ("get-many-cases", json!({"Page": 0}), "Page 0"),
        (
            "get-many-cases",
            json!({"Owner": ["cases", "nobody"]}),
            "an unknown owner in a list",
        ),
        (
            "get-case",
            json!({"CaseId": "c", "IncludeComments": "yes"}),
            "a text for a boolean",
        ),
        ("get-case", json!({"IncludeComments": true}), "no CaseId"),
        ("delete-case", json!({"CaseIds": []}), "no case id"),
        (
            "create-connector",
            json!({"Name": "n", "ConnectorTypeId": ".index", "Config": 42}),
            "a number for Config",
        ),
    ];
    for (name, input, why) in bad {
        let v = validator(&op(&m, name).input_schema);
        assert!(!v.is_valid(&input), "{name} took {why}: {input}");
    }
}

#[test]
fn the_file_is_pretty_json_that_reads_back() {
    let m = manifest();
    let text = to_json(&m).unwrap();
    assert!(text.ends_with("}\n"));
    let back: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back["manifestVersion"], 1);
    assert_eq!(back["operations"].as_array().unwrap().len(), 20);
    // The same file every time (the release's bytes depend on the commit alone).
    assert_eq!(to_json(&build().unwrap()).unwrap(), text);
}
