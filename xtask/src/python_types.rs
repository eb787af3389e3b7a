//! The Python wheel's typed API, generated from the WIT: every record a frozen
//! dataclass, every enum a `str` enum, every variant one dataclass per case and a
//! `Union` of them, and every interface a class with one method per function
//! (snake_case names). The wheel's hand-written runtime (`_runtime.py`) turns these
//! values into wasmtime-py's and back, reading the dataclasses' annotations.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use anyhow::{bail, Context, Result};
use wit_parser::{Docs, Function, PackageId, Resolve, Type, TypeDefKind, TypeId};

/// Python's keywords: a WIT name that is one gets a trailing `_`.
const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// `create-case-input` -> `CreateCaseInput`.
fn class_name(wit: &str) -> String {
    wit.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect()
}

/// `case-id` -> `case_id` (`from` -> `from_`).
pub fn snake_name(wit: &str) -> String {
    let name = wit.replace('-', "_");
    if KEYWORDS.contains(&name.as_str()) {
        name + "_"
    } else {
        name
    }
}

/// `security-solution` -> `SECURITY_SOLUTION`.
fn constant_name(wit: &str) -> String {
    let name = wit.replace('-', "_").to_uppercase();
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else {
        name
    }
}

/// A docstring at `indent`, or nothing when the WIT item has no docs.
fn docstring(out: &mut String, docs: &Docs, indent: &str) {
    let Some(text) = docs.contents.as_deref() else {
        return;
    };
    let text = text
        .trim()
        .replace('\\', "\\\\")
        .replace("\"\"\"", "\\\"\\\"\\\"");
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let rest: Vec<&str> = lines.collect();
    if rest.is_empty() {
        let _ = writeln!(out, "{indent}\"\"\"{first}\"\"\"");
        return;
    }
    let _ = writeln!(out, "{indent}\"\"\"{first}");
    for line in rest {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{indent}{line}");
        }
    }
    let _ = writeln!(out, "{indent}\"\"\"");
}

struct Generator<'a> {
    resolve: &'a Resolve,
    out: String,
    /// Class names already written, to refuse two WIT types of one name.
    classes: BTreeSet<String>,
}

impl Generator<'_> {
    /// The Python annotation of a WIT type.
    fn annotation(&self, ty: &Type) -> Result<String> {
        Ok(match ty {
            Type::Bool => "bool".into(),
            Type::U8 | Type::U16 | Type::U32 | Type::U64 => "int".into(),
            Type::S8 | Type::S16 | Type::S32 | Type::S64 => "int".into(),
            Type::F32 | Type::F64 => "float".into(),
            Type::Char | Type::String => "str".into(),
            Type::Id(id) => self.annotation_of(*id)?,
            other => bail!("the WIT type {other:?} has no Python form here"),
        })
    }

    fn annotation_of(&self, id: TypeId) -> Result<String> {
        let def = &self.resolve.types[id];
        Ok(match &def.kind {
            TypeDefKind::Record(_) | TypeDefKind::Enum(_) | TypeDefKind::Variant(_) => class_name(
                def.name
                    .as_deref()
                    .context("an anonymous record, enum or variant")?,
            ),
            TypeDefKind::Option(inner) => format!("Optional[{}]", self.annotation(inner)?),
            TypeDefKind::List(inner) => format!("list[{}]", self.annotation(inner)?),
            TypeDefKind::Type(inner) => self.annotation(inner)?,
            other => bail!("the WIT type {other:?} has no Python form here"),
        })
    }

    /// A field's default: `None` for an option, an empty list for a list, `False`
    /// for a bool (the node's default for its switches: `include-comments`,
    /// `return-all`); none for any other field, which must be given.
    fn default(&self, ty: &Type) -> Option<&'static str> {
        let id = match ty {
            Type::Bool => return Some(" = False"),
            Type::Id(id) => id,
            _ => return None,
        };
        match &self.resolve.types[*id].kind {
            TypeDefKind::Option(_) => Some(" = None"),
            TypeDefKind::List(_) => Some(" = dataclasses.field(default_factory=list)"),
            TypeDefKind::Type(inner) => self.default(inner),
            _ => None,
        }
    }

    fn class(&mut self, name: &str) -> Result<String> {
        let class = class_name(name);
        if !self.classes.insert(class.clone()) {
            bail!("two WIT types are named `{name}`: the Python module needs one per name");
        }
        Ok(class)
    }

    fn type_def(&mut self, id: TypeId) -> Result<()> {
        let def = &self.resolve.types[id];
        let Some(name) = def.name.as_deref() else {
            return Ok(());
        };
        match &def.kind {
            TypeDefKind::Record(record) => {
                let class = self.class(name)?;
                let mut body = String::new();
                let _ = writeln!(
                    body,
                    "\n\n@dataclasses.dataclass(frozen=True, kw_only=True)"
                );
                let _ = writeln!(body, "class {class}:");
                docstring(&mut body, &def.docs, "    ");
                for field in &record.fields {
                    let annotation = self.annotation(&field.ty)?;
                    let default = self.default(&field.ty).unwrap_or("");
                    let _ = writeln!(
                        body,
                        "    {}: {annotation}{default}",
                        snake_name(&field.name)
                    );
                    docstring(&mut body, &field.docs, "    ");
                }
                self.out.push_str(&body);
            }
            TypeDefKind::Enum(cases) => {
                let class = self.class(name)?;
                let _ = writeln!(self.out, "\n\nclass {class}(str, enum.Enum):");
                docstring(&mut self.out, &def.docs, "    ");
                for case in &cases.cases {
                    let _ = writeln!(
                        self.out,
                        "    {} = \"{}\"",
                        constant_name(&case.name),
                        case.name
                    );
                    docstring(&mut self.out, &case.docs, "    ");
                }
            }
            TypeDefKind::Variant(variant) => {
                let union = self.class(name)?;
                let mut members = Vec::new();
                let mut body = String::new();
                for case in &variant.cases {
                    let class = self.class(&format!("{name}-{}", case.name))?;
                    let _ = writeln!(body, "\n\n@dataclasses.dataclass(frozen=True)");
                    let _ = writeln!(body, "class {class}:");
                    let mut docs = case.docs.clone();
                    if docs.contents.is_none() {
                        docs.contents = Some(format!("`{name}::{}`.", case.name));
                    }
                    docstring(&mut body, &docs, "    ");
                    let _ = writeln!(body, "    WIT_CASE: ClassVar[str] = \"{}\"", case.name);
                    if let Some(payload) = &case.ty {
                        let _ = writeln!(body, "    value: {}", self.annotation(payload)?);
                    }
                    members.push(class);
                }
                let _ = writeln!(body, "\n\n{union} = Union[{}]", members.join(", "));
                docstring(&mut body, &def.docs, "");
                self.out.push_str(&body);
            }
            TypeDefKind::Type(_) => {} // a `use`: defined where it comes from
            other => bail!("`{name}`: the WIT type {other:?} has no Python form here"),
        }
        Ok(())
    }

    /// The type a function's `ok` side lifts to (its `result<T, error>`'s `T`).
    fn ok_annotation(&self, function: &Function) -> Result<String> {
        let Some(Type::Id(id)) = &function.result else {
            bail!("{}: every function returns result<T, error>", function.name);
        };
        match &self.resolve.types[*id].kind {
            TypeDefKind::Result(result) => match &result.ok {
                Some(ok) => self.annotation(ok),
                None => Ok("None".into()),
            },
            _ => bail!("{}: every function returns result<T, error>", function.name),
        }
    }

    fn interface_class(&mut self, iface: &wit_parser::Interface) -> Result<()> {
        let name = iface.name.as_deref().context("an anonymous interface")?;
        let class = self.class(name)?;
        let _ = writeln!(self.out, "\n\nclass {class}:");
        docstring(&mut self.out, &iface.docs, "    ");
        let _ = writeln!(self.out, "\n    def __init__(self, call: Caller) -> None:");
        let _ = writeln!(self.out, "        self._call = call");
        for function in iface.functions.values() {
            let ok = self.ok_annotation(function)?;
            let mut params = vec!["self".to_owned()];
            let mut args = Vec::new();
            for param in &function.params {
                let param_name = snake_name(&param.name);
                params.push(format!("{param_name}: {}", self.annotation(&param.ty)?));
                args.push(param_name);
            }
            let _ = writeln!(
                self.out,
                "\n    def {}({}) -> {ok}:",
                snake_name(&function.name),
                params.join(", ")
            );
            docstring(&mut self.out, &function.docs, "        ");
            let _ = writeln!(
                self.out,
                "        return cast({ok:?}, self._call(\"{name}\", \"{}\", {ok}, {}))",
                function.name,
                args.join(", ")
            );
        }
        Ok(())
    }
}

/// The generated module (`_types.py`) for the package's interfaces, in the WIT's order.
pub fn generate(resolve: &Resolve, package: PackageId) -> Result<String> {
    let pkg = &resolve.packages[package];
    let mut generator = Generator {
        resolve,
        out: String::new(),
        classes: BTreeSet::new(),
    };
    let _ = writeln!(
        generator.out,
        "# Generated by `cargo xtask release` from the WIT package {} (wit/): do not edit.",
        pkg.name
    );
    generator.out.push_str(concat!(
        "\"\"\"The component's WIT as Python: records are frozen dataclasses (keyword\n",
        "arguments; `option` fields default to `None`, `list` fields to `[]`), enums are\n",
        "`str` enums, variants a `Union` of one dataclass per case, and each interface a\n",
        "class with one method per function.\"\"\"\n\n",
        "from __future__ import annotations\n\n",
        "import dataclasses\n",
        "import enum\n",
        "from typing import ClassVar, Optional, Union, cast\n\n",
        "from ._runtime import Caller\n",
    ));
    let _ = writeln!(
        generator.out,
        "\nPACKAGE = \"{}:{}\"\n\"\"\"The WIT package's namespace and name.\"\"\"",
        pkg.name.namespace, pkg.name.name
    );
    let version = pkg
        .name
        .version
        .as_ref()
        .context("the WIT package has no version")?;
    let _ = writeln!(
        generator.out,
        "VERSION = \"{version}\"\n\"\"\"The WIT package's version.\"\"\""
    );
    let interfaces: Vec<_> = pkg.interfaces.values().copied().collect();
    for id in &interfaces {
        let iface = &resolve.interfaces[*id];
        for ty in iface.types.values() {
            generator.type_def(*ty)?;
        }
    }
    for id in &interfaces {
        let iface = &resolve.interfaces[*id];
        if !iface.functions.is_empty() {
            generator.interface_class(iface)?;
        }
    }
    let mut names: Vec<&str> = vec!["PACKAGE", "VERSION"];
    names.extend(generator.classes.iter().map(String::as_str));
    let _ = writeln!(generator.out, "\n\n__all__ = [");
    for name in names {
        let _ = writeln!(generator.out, "    \"{name}\",");
    }
    generator.out.push_str("]\n");
    Ok(generator.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(class_name("create-case-input"), "CreateCaseInput");
        assert_eq!(class_name("auth-api-key-env"), "AuthApiKeyEnv");
        assert_eq!(snake_name("case-id"), "case_id");
        assert_eq!(snake_name("from"), "from_");
        assert_eq!(constant_name("security-solution"), "SECURITY_SOLUTION");
        assert_eq!(constant_name("2xx"), "_2XX");
    }

    #[test]
    fn the_wit_generates_every_interface_and_type() {
        let mut resolve = Resolve::default();
        let (package, _) = resolve
            .push_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../wit"))
            .unwrap();
        let module = generate(&resolve, package).unwrap();
        for expected in [
            "class CreateCaseInput:",
            "class Severity(str, enum.Enum):",
            "    SECURITY_SOLUTION = \"security-solution\"",
            "class AuthApiKey:",
            "    WIT_CASE: ClassVar[str] = \"api-key\"",
            "Auth = Union[AuthApiKey, AuthBasic, AuthApiKeyEnv]",
            "class Cases:",
            "    def create_case(self, conn: Connection, input: CreateCaseInput) -> CreatedCase:",
            "class CaseTags:",
            "    def add_tag(self, conn: Connection, case_id: str, tags: list[str]) -> TagsOutput:",
        ] {
            assert!(module.contains(expected), "{expected}\n---\n{module}");
        }
    }
}
