//! The node's contract ([`contract`]) and the node manifest made from it and the WIT
//! ([`build`]): one JSON document, `elastic-security.node.json`, from which a workflow
//! platform renders the node's form and calls the component. For each operation it
//! gives the resource, the contract's display name, the WIT function and how each
//! input fills its parameters, every input (label, type, required, default, allowed
//! values, limits, help, where to find values to offer), every output field with the
//! WIT value it is written from, and JSON Schemas (draft 2020-12) of the input and
//! the output.
//!
//! [`build`] fails when the contract and the WIT disagree: an input naming a field
//! the WIT lacks, a WIT field no input fills, a required input the WIT makes optional
//! or the other way round, a contract spelling of an enum value the WIT lacks.

pub mod contract;
mod schema;
mod wit;

use anyhow::{anyhow, bail, Result};
use serde::Serialize;
use serde_json::Value;
use wit_parser::Type;

use contract::{outputs, Input, Operation, Target};
use wit::{first_paragraph, paragraphs, Shape, Wit};

/// The file name platforms look for.
pub const FILE_NAME: &str = "elastic-security.node.json";

/// The manifest's own format; a change that breaks a reader raises it.
pub const MANIFEST_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub manifest_version: u32,
    pub name: &'static str,
    pub display_name: &'static str,
    /// The WIT package's version, which is the component's.
    pub version: String,
    pub description: String,
    pub wit: WitPackage,
    pub resources: Vec<ResourceEntry>,
    pub operations: Vec<OperationEntry>,
    /// The fields of a failed operation's output.
    pub error_outputs: Vec<OutputField>,
    pub error_schema: Value,
}

#[derive(Debug, Serialize)]
pub struct WitPackage {
    pub package: String,
    pub world: String,
}

#[derive(Debug, Serialize)]
pub struct ResourceEntry {
    pub value: &'static str,
    pub label: &'static str,
    pub interface: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationEntry {
    pub name: &'static str,
    pub resource: &'static str,
    pub label: &'static str,
    /// The WIT function's documentation: its requests, behaviour and errors.
    pub description: String,
    pub route: &'static str,
    pub wit: WitFunction,
    /// The StatusCode of a success.
    pub success_status: u16,
    pub example: Value,
    pub inputs: Vec<InputField>,
    pub outputs: Vec<OutputField>,
    /// delete-case: a success in which some items failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial_failure: Option<PartialFailure>,
    pub input_schema: Value,
    pub output_schema: Value,
}

#[derive(Debug, Serialize)]
pub struct WitFunction {
    pub interface: &'static str,
    pub function: &'static str,
    /// The parameters after the connection, in order.
    pub params: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct PartialFailure {
    /// The output field counting the failed items.
    pub count: &'static str,
    /// The ErrorMessage when it is above 0; `{}` stands for the count.
    pub message: &'static str,
}

/// The kinds of value an input or output takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    String,
    Integer,
    Boolean,
    Enum,
    /// Inputs: comma-separated text or a list.
    List,
    /// Outputs: a list.
    Array,
    Object,
    /// Inputs: a JSON object or a string holding one. Outputs: any JSON.
    Json,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumOption {
    /// The contract's spelling.
    pub value: String,
    /// The WIT's.
    pub wit: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InputField {
    pub name: &'static str,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub required: bool,
    pub help: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<EnumOption>>,
    /// A list's items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Items>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggest: Option<SuggestEntry>,
    pub wit: InputWit,
}

#[derive(Debug, Serialize)]
pub struct Items {
    #[serde(rename = "type")]
    pub kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<EnumOption>>,
}

#[derive(Debug, Serialize)]
pub struct SuggestEntry {
    pub operation: &'static str,
    pub output: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<&'static str>,
}

/// Where an input goes: `param` alone (a parameter of the function), `param` and
/// `field` (a field of that record parameter), or `connection` (a field of the
/// connection); `type` is the WIT type there.
#[derive(Debug, Serialize)]
pub struct InputWit {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection: Option<&'static str>,
    #[serde(rename = "type")]
    pub ty: String,
}

/// One field of an output. `wit` is its path in the WIT value of the object it is
/// in (kebab-case names; empty: that value itself); a field without `wit` has the
/// value `const`, or, for ErrorMessage, the one its operation's rules give.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputField {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wit: Option<Vec<String>>,
    #[serde(rename = "const", skip_serializing_if = "Option::is_none")]
    pub constant: Option<Value>,
    /// May be null (a WIT `option`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
    /// Left out when it is an empty list.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub omit_empty: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<EnumOption>>,
    /// An object's fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<OutputField>>,
    /// An array's items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<OutputField>>,
}

impl OutputField {
    fn new(name: impl Into<String>, kind: Kind, wit: Option<Vec<String>>) -> Self {
        Self {
            name: name.into(),
            kind,
            wit,
            constant: None,
            nullable: false,
            omit_empty: false,
            options: None,
            fields: None,
            items: None,
        }
    }

    fn constant(name: &str, value: Value) -> Self {
        let kind = if value.is_string() {
            Kind::String
        } else {
            Kind::Integer
        };
        Self {
            constant: Some(value),
            ..Self::new(name, kind, None)
        }
    }
}

/// The manifest, made from the contract and the WIT.
pub fn build() -> Result<Manifest> {
    let wit = Wit::load()?;
    let (world, world_docs) = wit.world()?;
    let error_kinds = enum_options(&wit, "error-kind")?;
    let error_outputs = vec![
        OutputField::new("StatusCode", Kind::Integer, None),
        OutputField {
            options: Some(error_kinds),
            ..OutputField::new("ErrorKind", Kind::Enum, None)
        },
        OutputField::new("ErrorMessage", Kind::String, None),
        OutputField::new("Retryable", Kind::Boolean, None),
    ];
    let error_schema = schema::output(&error_outputs);
    let operations = contract::OPERATIONS
        .iter()
        .map(|op| operation(&wit, op).map_err(|e| anyhow!("{}: {e:#}", op.name)))
        .collect::<Result<Vec<_>>>()?;
    Ok(Manifest {
        manifest_version: MANIFEST_VERSION,
        name: "elastic-security",
        display_name: "Elastic Security",
        version: wit.version(),
        description: first_paragraph(world_docs),
        wit: WitPackage {
            package: wit.package_name(),
            world: world.to_string(),
        },
        resources: contract::Resource::ALL
            .iter()
            .map(|r| ResourceEntry {
                value: r.value(),
                label: r.label(),
                interface: r.interface(),
            })
            .collect(),
        operations,
        error_outputs,
        error_schema,
    })
}

/// The manifest as the file holds it: pretty JSON and a final newline.
pub fn to_json(manifest: &Manifest) -> Result<String> {
    Ok(serde_json::to_string_pretty(manifest)? + "\n")
}

fn operation(wit: &Wit, op: &'static Operation) -> Result<OperationEntry> {
    let interface = op.resource.interface();
    let function = wit.function(interface, op.name)?;
    // The first parameter is the connection.
    let params: Vec<(String, Type)> = function
        .params
        .iter()
        .skip(1)
        .map(|p| (p.name.clone(), p.ty))
        .collect();
    let inputs = op
        .inputs
        .iter()
        .map(|input| {
            input_field(wit, &params, input).map_err(|e| anyhow!("input {}: {e:#}", input.key))
        })
        .collect::<Result<Vec<_>>>()?;
    check_covered(wit, op, &params)?;
    let ok = wit.ok_type(function)?;
    let mut outputs = match wit.shape(&ok) {
        Shape::Record(record, fields) => record_fields(wit, record, &fields, &[])?,
        Shape::List(_) => {
            let key = op.list_output.ok_or_else(|| {
                anyhow!("its result is a list: the contract names no output key for it")
            })?;
            vec![output_field(wit, "", "", key, &ok, vec![])?]
        }
        _ => bail!("its result is neither a record nor a list"),
    };
    let partial_failure = outputs::PARTIAL_FAILURES
        .iter()
        .find(|(name, _, _)| *name == op.name)
        .map(|(_, count, message)| PartialFailure { count, message });
    if !outputs.iter().any(|f| f.name == "StatusCode") {
        outputs.push(OutputField::constant(
            "StatusCode",
            Value::from(op.success_status),
        ));
    }
    outputs.push(match partial_failure {
        Some(_) => OutputField::new("ErrorMessage", Kind::String, None),
        None => OutputField::constant("ErrorMessage", Value::from("")),
    });
    let example: Value =
        serde_json::from_str(op.example).map_err(|e| anyhow!("its example is not JSON: {e}"))?;
    Ok(OperationEntry {
        name: op.name,
        resource: op.resource.value(),
        label: op.title,
        description: paragraphs(&function.docs),
        route: op.route,
        wit: WitFunction {
            interface,
            function: op.name,
            params: params.iter().map(|(name, _)| name.clone()).collect(),
        },
        success_status: op.success_status,
        example,
        input_schema: schema::input(&inputs),
        output_schema: schema::output(&outputs),
        inputs,
        outputs,
        partial_failure,
    })
}

/// Every field of a record parameter, and every plain parameter, is filled by an input.
fn check_covered(wit: &Wit, op: &Operation, params: &[(String, Type)]) -> Result<()> {
    for (name, ty) in params {
        match wit.shape(ty) {
            Shape::Record(_, fields) => {
                for (field, _) in fields {
                    if !op
                        .inputs
                        .iter()
                        .any(|i| matches!(i.wit, Target::Field(f) if f == field))
                    {
                        bail!("the WIT field `{name}.{field}` has no input");
                    }
                }
            }
            _ => {
                if !op
                    .inputs
                    .iter()
                    .any(|i| matches!(i.wit, Target::Param(p) if p == name))
                {
                    bail!("the WIT parameter `{name}` has no input");
                }
            }
        }
    }
    Ok(())
}

fn input_field(wit: &Wit, params: &[(String, Type)], input: &Input) -> Result<InputField> {
    let (target, ty) = match input.wit {
        Target::Param(name) => {
            let (_, ty) = params
                .iter()
                .find(|(p, _)| p == name)
                .ok_or_else(|| anyhow!("the function has no parameter `{name}`"))?;
            (
                InputWit {
                    param: Some(name.into()),
                    field: None,
                    connection: None,
                    ty: String::new(),
                },
                *ty,
            )
        }
        Target::Field(field) => {
            let found = params.iter().find_map(|(p, ty)| match wit.shape(ty) {
                Shape::Record(_, fields) => fields
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, t)| (p, *t)),
                _ => None,
            });
            let (param, ty) =
                found.ok_or_else(|| anyhow!("the function's record has no field `{field}`"))?;
            (
                InputWit {
                    param: Some(param.clone()),
                    field: Some(field),
                    connection: None,
                    ty: String::new(),
                },
                ty,
            )
        }
        Target::Space => {
            let wit_parser::TypeDefKind::Record(connection) = &wit.named("connection")?.kind else {
                bail!("`connection` is not a record");
            };
            let ty = connection
                .fields
                .iter()
                .find(|f| f.name == "space-id")
                .map(|f| f.ty)
                .ok_or_else(|| anyhow!("`connection` has no `space-id`"))?;
            (
                InputWit {
                    param: None,
                    field: None,
                    connection: Some("space-id"),
                    ty: String::new(),
                },
                ty,
            )
        }
    };
    let target = InputWit {
        ty: wit.type_text(&ty),
        ..target
    };
    let shape = wit.shape(&ty);
    // What the WIT makes optional: an option, a bool (false), a list (empty).
    let (optional, inner) = match shape {
        Shape::Option(inner) => (true, wit.shape(&inner)),
        Shape::Bool => (true, Shape::Bool),
        other => (false, other),
    };
    if optional && input.required {
        bail!(
            "the contract requires it but the WIT's `{}` is optional",
            target.ty
        );
    }
    let is_list = matches!(inner, Shape::List(_));
    if !optional && !is_list && !input.required {
        bail!(
            "the contract makes it optional but the WIT's `{}` is required",
            target.ty
        );
    }
    let mut field = InputField {
        name: input.key,
        label: input.label_text(),
        kind: Kind::String,
        required: input.required,
        help: input.help,
        default: None,
        options: None,
        items: None,
        minimum: input.range.map(|(min, _)| min),
        maximum: input.range.map(|(_, max)| max),
        max_length: None,
        max_items: None,
        suggest: input.suggest.map(|s| SuggestEntry {
            operation: s.operation,
            output: s.output,
            value: s.value,
            label: s.label,
        }),
        wit: target,
    };
    match inner {
        Shape::String if input.json => field.kind = Kind::Json,
        Shape::String => field.max_length = input.max_len,
        Shape::Integer => {
            field.kind = Kind::Integer;
            field.minimum = field.minimum.or(Some(0));
            field.maximum = field.maximum.or(Some(u32::MAX));
        }
        Shape::Bool => field.kind = Kind::Boolean,
        Shape::Enum(name, cases) => {
            field.kind = Kind::Enum;
            field.options = Some(options(name, &cases));
        }
        Shape::List(item) => {
            field.kind = Kind::List;
            field.max_items = input.max_len;
            field.items = Some(match wit.shape(&item) {
                Shape::String => Items {
                    kind: Kind::String,
                    options: None,
                },
                Shape::Enum(name, cases) => Items {
                    kind: Kind::Enum,
                    options: Some(options(name, &cases)),
                },
                _ => bail!("a list of `{}` is not an input type", field.wit.ty),
            });
        }
        _ => bail!("`{}` is not an input type", field.wit.ty),
    }
    if input.json && field.kind != Kind::Json {
        bail!(
            "the contract takes JSON but the WIT's `{}` is not a string",
            field.wit.ty
        );
    }
    if let Some(default) = input.default {
        field.default = Some(typed_default(&field, default)?);
    }
    if let Some(s) = &field.suggest {
        contract::find(s.operation)
            .ok_or_else(|| anyhow!("it suggests from `{}`, no operation", s.operation))?;
    }
    Ok(field)
}

/// A default as the contract spells it, typed as the field is.
fn typed_default(field: &InputField, text: &str) -> Result<Value> {
    Ok(match field.kind {
        Kind::Integer => Value::from(
            text.parse::<u32>()
                .map_err(|_| anyhow!("its default `{text}` is not a number"))?,
        ),
        Kind::Boolean => Value::from(
            text.parse::<bool>()
                .map_err(|_| anyhow!("its default `{text}` is not a boolean"))?,
        ),
        Kind::Enum => {
            let known = field.options.iter().flatten().any(|o| o.value == text);
            if !known {
                bail!("its default `{text}` is not one of its values");
            }
            Value::from(text)
        }
        _ => Value::from(text),
    })
}

fn options(enum_name: &str, cases: &[&str]) -> Vec<EnumOption> {
    cases
        .iter()
        .map(|case| EnumOption {
            value: contract::enum_value_name(enum_name, case),
            wit: case.to_string(),
        })
        .collect()
}

fn enum_options(wit: &Wit, name: &str) -> Result<Vec<EnumOption>> {
    match &wit.named(name)?.kind {
        wit_parser::TypeDefKind::Enum(e) => {
            let cases: Vec<&str> = e.cases.iter().map(|c| c.name.as_str()).collect();
            Ok(options(name, &cases))
        }
        _ => bail!("`{name}` is not an enum"),
    }
}

/// `total-alerts` as `TotalAlerts`.
pub fn pascal(kebab: &str) -> String {
    kebab
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// The output fields of a record, `prefix` being its path (a flattened record's).
fn record_fields(
    wit: &Wit,
    record: &str,
    fields: &[(&str, Type)],
    prefix: &[String],
) -> Result<Vec<OutputField>> {
    let mut out = Vec::new();
    for (field, ty) in fields {
        let mut path = prefix.to_vec();
        path.push(field.to_string());
        if outputs::FLATTENED.contains(&(record, *field)) {
            let Shape::Record(inner, inner_fields) = wit.shape(ty) else {
                bail!("`{record}.{field}` is flattened but not a record");
            };
            out.extend(record_fields(wit, inner, &inner_fields, &path)?);
            continue;
        }
        let key = outputs::RENAMED
            .iter()
            .find(|(r, f, _)| *r == record && f == field)
            .map_or_else(|| pascal(field), |(_, _, key)| key.to_string());
        out.push(output_field(wit, record, field, &key, ty, path)?);
    }
    Ok(out)
}

fn output_field(
    wit: &Wit,
    record: &str,
    field: &str,
    key: &str,
    ty: &Type,
    path: Vec<String>,
) -> Result<OutputField> {
    let mut out = OutputField::new(key, Kind::String, Some(path));
    let mut shape = wit.shape(ty);
    if let Shape::Option(inner) = shape {
        out.nullable = true;
        shape = wit.shape(&inner);
    }
    match shape {
        Shape::String if outputs::JSON_TEXT.contains(&(record, field)) => out.kind = Kind::Json,
        Shape::String => {}
        Shape::Integer => out.kind = Kind::Integer,
        Shape::Bool => out.kind = Kind::Boolean,
        Shape::Enum(name, cases) => {
            out.kind = Kind::Enum;
            out.options = Some(options(name, &cases));
        }
        Shape::Record(name, fields) => {
            out.kind = Kind::Object;
            out.fields = Some(record_fields(wit, name, &fields, &[])?);
        }
        Shape::List(item_ty) => {
            out.kind = Kind::Array;
            out.omit_empty = outputs::OMITTED_WHEN_EMPTY.contains(&(record, field));
            let wrapped = outputs::WRAPPED_ITEMS
                .iter()
                .find(|(r, f, _)| *r == record && *f == field);
            let item = match (wrapped, wit.shape(&item_ty)) {
                (Some((_, _, key)), Shape::String) => OutputField {
                    fields: Some(vec![OutputField::new(*key, Kind::String, Some(vec![]))]),
                    ..OutputField::new("", Kind::Object, Some(vec![]))
                },
                (Some(_), _) => bail!("`{record}.{field}` is wrapped but not a list of strings"),
                (None, _) => output_field(wit, "", "", "", &item_ty, vec![])?,
            };
            out.items = Some(Box::new(item));
        }
        Shape::Option(_) => bail!("`{record}.{field}`: an option of an option"),
        Shape::Other(text) => bail!("`{record}.{field}`: `{text}` is not an output type"),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    //! The contract and the WIT disagreeing: each way is an error naming the input.

    use super::*;
    use contract::{Resource, Target};

    fn with_inputs(inputs: &'static [Input]) -> Operation {
        let base = contract::find("get-case").expect("get-case");
        Operation {
            name: base.name,
            title: base.title,
            resource: Resource::Case,
            inputs,
            route: base.route,
            example: base.example,
            success_status: 200,
            list_output: None,
        }
    }

    fn input(key: &'static str, wit: Target, required: bool) -> Input {
        let mut i = contract::find("get-case").expect("get-case").inputs[0];
        i.key = key;
        i.wit = wit;
        i.required = required;
        i
    }

    fn error(inputs: Vec<Input>) -> String {
        let wit = Wit::load().expect("wit/");
        let op: &'static Operation =
            Box::leak(Box::new(with_inputs(Box::leak(inputs.into_boxed_slice()))));
        format!("{:#}", operation(&wit, op).expect_err("a disagreement"))
    }

    #[test]
    fn a_field_the_wit_lacks() {
        let inputs = contract::find("get-case")
            .expect("get-case")
            .inputs
            .to_vec();
        let mut more = inputs.clone();
        more.push(input("Extra", Target::Field("extra"), false));
        assert!(error(more).contains("no field `extra`"));
    }

    #[test]
    fn a_wit_field_no_input_fills() {
        let inputs: Vec<Input> = contract::find("get-case")
            .expect("get-case")
            .inputs
            .iter()
            .filter(|i| i.key != "IncludeComments")
            .copied()
            .collect();
        assert!(error(inputs).contains("`input.include-comments` has no input"));
    }

    #[test]
    fn required_in_one_and_optional_in_the_other() {
        let mut inputs = contract::find("get-case")
            .expect("get-case")
            .inputs
            .to_vec();
        for i in &mut inputs {
            if i.key == "CaseId" {
                i.required = false;
            }
        }
        assert!(error(inputs).contains("the WIT's `string` is required"));
        let mut inputs = contract::find("get-case")
            .expect("get-case")
            .inputs
            .to_vec();
        for i in &mut inputs {
            if i.key == "MaxInFlight" {
                i.required = true;
            }
        }
        assert!(error(inputs).contains("the WIT's `option<u32>` is optional"));
    }

    #[test]
    fn every_contract_spelling_names_a_wit_enum_value() {
        let wit = Wit::load().expect("wit/");
        for (name, cases) in contract::ENUM_NAMES {
            let def = wit.named(name).expect("an enum of the WIT");
            let wit_parser::TypeDefKind::Enum(e) = &def.kind else {
                panic!("{name} is not an enum");
            };
            for (case, _) in *cases {
                assert!(
                    e.cases.iter().any(|c| c.name == *case),
                    "{name} has no `{case}`"
                );
            }
        }
    }
}
