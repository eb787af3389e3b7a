//! The WIT package (`wit/`, embedded at build time) read with wit-parser: each
//! operation's function, the types of its parameters and result, and their docs.

use anyhow::{anyhow, bail, Context, Result};
use wit_parser::{
    Docs, Function, InterfaceId, PackageId, Resolve, Type, TypeDef, TypeDefKind, TypeId,
};

/// The files of `wit/`, as `(name, text)`.
const SOURCES: &[(&str, &str)] = &[
    ("types.wit", include_str!("../../wit/types.wit")),
    ("cases.wit", include_str!("../../wit/cases.wit")),
    (
        "case-comments.wit",
        include_str!("../../wit/case-comments.wit"),
    ),
    ("case-tags.wit", include_str!("../../wit/case-tags.wit")),
    ("connectors.wit", include_str!("../../wit/connectors.wit")),
    ("world.wit", include_str!("../../wit/world.wit")),
];

/// The resolved package.
pub struct Wit {
    pub resolve: Resolve,
    pub package: PackageId,
}

/// A WIT type as the manifest sees it: aliases (`use types.{owner}`) followed to the
/// type they name.
pub enum Shape<'a> {
    String,
    Bool,
    Integer,
    Enum(&'a str, Vec<&'a str>),
    /// The type inside.
    Option(Type),
    /// The items' type.
    List(Type),
    Record(&'a str, Vec<(&'a str, Type)>),
    Other(String),
}

impl Wit {
    pub fn load() -> Result<Self> {
        let mut map = wit_parser::SourceMap::default();
        for (name, text) in SOURCES {
            map.push_str(name, *text);
        }
        let mut resolve = Resolve::default();
        let group = map.parse().map_err(|(_, e)| anyhow!("parsing wit/: {e}"))?;
        let package = resolve.push_group(group).context("resolving wit/")?;
        Ok(Self { resolve, package })
    }

    /// `automation:elastic-security@0.2.0`.
    pub fn package_name(&self) -> String {
        self.resolve.packages[self.package].name.to_string()
    }

    pub fn version(&self) -> String {
        self.resolve.packages[self.package]
            .name
            .version
            .as_ref()
            .map(|v| v.to_string())
            .unwrap_or_default()
    }

    /// The world's name and docs.
    pub fn world(&self) -> Result<(&str, &Docs)> {
        let (_, world) = self.resolve.packages[self.package]
            .worlds
            .iter()
            .next()
            .ok_or_else(|| anyhow!("wit/ has no world"))?;
        let world = &self.resolve.worlds[*world];
        Ok((&world.name, &world.docs))
    }

    fn interface(&self, name: &str) -> Result<InterfaceId> {
        self.resolve.packages[self.package]
            .interfaces
            .get(name)
            .copied()
            .ok_or_else(|| anyhow!("wit/ has no interface `{name}`"))
    }

    pub fn function(&self, interface: &str, name: &str) -> Result<&Function> {
        let id = self.interface(interface)?;
        self.resolve.interfaces[id]
            .functions
            .get(name)
            .ok_or_else(|| anyhow!("wit/ has no function `{interface}.{name}`"))
    }

    /// A type definition of the package by name (`error-kind`), in any interface.
    pub fn named(&self, name: &str) -> Result<&TypeDef> {
        self.resolve
            .types
            .iter()
            .map(|(_, def)| def)
            .find(|def| {
                def.name.as_deref() == Some(name) && !matches!(def.kind, TypeDefKind::Type(_))
            })
            .ok_or_else(|| anyhow!("wit/ has no type `{name}`"))
    }

    /// The definition behind `id`, aliases followed.
    fn def(&self, mut id: TypeId) -> &TypeDef {
        loop {
            let def = &self.resolve.types[id];
            match def.kind {
                TypeDefKind::Type(Type::Id(next)) => id = next,
                _ => return def,
            }
        }
    }

    pub fn shape(&self, ty: &Type) -> Shape<'_> {
        match ty {
            Type::String => Shape::String,
            Type::Bool => Shape::Bool,
            Type::U8
            | Type::U16
            | Type::U32
            | Type::U64
            | Type::S8
            | Type::S16
            | Type::S32
            | Type::S64 => Shape::Integer,
            Type::Id(id) => {
                let def = self.def(*id);
                let name = def.name.as_deref().unwrap_or("");
                match &def.kind {
                    TypeDefKind::Enum(e) => {
                        Shape::Enum(name, e.cases.iter().map(|c| c.name.as_str()).collect())
                    }
                    TypeDefKind::Option(inner) => Shape::Option(*inner),
                    TypeDefKind::List(inner) => Shape::List(*inner),
                    TypeDefKind::Record(r) => Shape::Record(
                        name,
                        r.fields.iter().map(|f| (f.name.as_str(), f.ty)).collect(),
                    ),
                    other => Shape::Other(format!("{name} ({})", other.as_str())),
                }
            }
            other => Shape::Other(format!("{other:?}")),
        }
    }

    /// The type as the WIT writes it (`option<list<string>>`, `owner`).
    pub fn type_text(&self, ty: &Type) -> String {
        match self.shape(ty) {
            Shape::String => "string".into(),
            Shape::Bool => "bool".into(),
            Shape::Integer => match ty {
                Type::S32 => "s32".into(),
                _ => "u32".into(),
            },
            Shape::Enum(name, _) | Shape::Record(name, _) => name.into(),
            Shape::Option(inner) => format!("option<{}>", self.type_text(&inner)),
            Shape::List(item) => format!("list<{}>", self.type_text(&item)),
            Shape::Other(text) => text,
        }
    }

    /// The `ok` type of a function returning `result<T, error>`.
    pub fn ok_type(&self, f: &Function) -> Result<Type> {
        let Some(Type::Id(id)) = f.result else {
            bail!("`{}` does not return a result", f.name);
        };
        match &self.resolve.types[id].kind {
            TypeDefKind::Result(r) => r.ok.ok_or_else(|| anyhow!("`{}` returns no value", f.name)),
            _ => bail!("`{}` does not return a result", f.name),
        }
    }
}

/// The first paragraph of a WIT doc comment, on one line.
pub fn first_paragraph(docs: &Docs) -> String {
    docs.contents
        .as_deref()
        .unwrap_or("")
        .split("\n\n")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A WIT doc comment with its lines joined: paragraphs apart by a blank line.
pub fn paragraphs(docs: &Docs) -> String {
    docs.contents
        .as_deref()
        .unwrap_or("")
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}
