//! JSON Schemas (draft 2020-12) of an operation's input and output, made from the
//! manifest's fields.

use serde_json::{json, Map, Value};

use crate::{InputField, Kind, OutputField};

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The input: an object of the contract's keys, no others.
pub fn input(fields: &[InputField]) -> Value {
    let mut properties = Map::new();
    for field in fields {
        let mut p = match field.kind {
            Kind::String => {
                let mut s = json!({"type": "string"});
                if let Some(max) = field.max_length {
                    s["maxLength"] = json!(max);
                }
                if field.required {
                    // A blank required string is refused before anything is sent.
                    s["pattern"] = json!("\\S");
                }
                s
            }
            Kind::Integer => {
                json!({"type": "integer", "minimum": field.minimum, "maximum": field.maximum})
            }
            Kind::Boolean => json!({"type": "boolean"}),
            Kind::Enum => json!({"enum": values(field.options.as_deref())}),
            Kind::Json => json!({"anyOf": [{"type": "object"}, {"type": "string"}]}),
            Kind::List => {
                let item = match &field.items {
                    Some(items) if items.kind == Kind::Enum => {
                        json!({"enum": values(items.options.as_deref())})
                    }
                    _ => json!({"type": "string"}),
                };
                let mut array = json!({"type": "array", "items": item});
                if let Some(max) = field.max_items {
                    array["maxItems"] = json!(max);
                }
                if field.required {
                    array["minItems"] = json!(1);
                }
                // Or the items comma-separated in one string.
                json!({"anyOf": [{"type": "string"}, array]})
            }
            Kind::Array | Kind::Object => json!({}),
        };
        p["title"] = json!(field.label);
        p["description"] = json!(field.help);
        if let Some(default) = &field.default {
            p["default"] = default.clone();
        }
        properties.insert(field.name.to_string(), p);
    }
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    json!({
        "$schema": DRAFT,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// An output: an object with exactly the fields given (those left out when empty
/// may be missing).
pub fn output(fields: &[OutputField]) -> Value {
    let mut schema = object(fields);
    schema["$schema"] = json!(DRAFT);
    schema
}

fn object(fields: &[OutputField]) -> Value {
    let properties: Map<String, Value> =
        fields.iter().map(|f| (f.name.clone(), field(f))).collect();
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| !f.omit_empty)
        .map(|f| f.name.as_str())
        .collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn field(f: &OutputField) -> Value {
    if let Some(value) = &f.constant {
        return json!({"const": value});
    }
    let schema = match f.kind {
        Kind::String => json!({"type": "string"}),
        Kind::Integer => json!({"type": "integer"}),
        Kind::Boolean => json!({"type": "boolean"}),
        Kind::Enum => json!({"enum": values(f.options.as_deref())}),
        Kind::Json => json!({}),
        Kind::Object => object(f.fields.as_deref().unwrap_or(&[])),
        Kind::Array => match &f.items {
            Some(item) => json!({"type": "array", "items": field(item)}),
            None => json!({"type": "array"}),
        },
        Kind::List => json!({"type": "array"}),
    };
    if f.nullable {
        json!({"anyOf": [schema, {"type": "null"}]})
    } else {
        schema
    }
}

fn values(options: Option<&[crate::EnumOption]>) -> Vec<&str> {
    options
        .unwrap_or(&[])
        .iter()
        .map(|o| o.value.as_str())
        .collect()
}
