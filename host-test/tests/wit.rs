//! The WIT published in `wit/` is the WIT of the built component: same exported
//! interfaces, same functions, same types down to every field and case. And the
//! component imports only what the README's "Deploy" section says.

use std::collections::BTreeMap;
use std::path::Path;

use host_test::harness::BUILT_COMPONENT;
use wit_parser::decoding::{decode, DecodedWasm};
use wit_parser::{Resolve, Type, TypeDefKind, WorldId, WorldItem};

/// A type spelled out in full, with names: equal strings mean equal types.
fn ty(resolve: &Resolve, t: &Type) -> String {
    match t {
        Type::Bool => "bool".into(),
        Type::U8 => "u8".into(),
        Type::U16 => "u16".into(),
        Type::U32 => "u32".into(),
        Type::U64 => "u64".into(),
        Type::S8 => "s8".into(),
        Type::S16 => "s16".into(),
        Type::S32 => "s32".into(),
        Type::S64 => "s64".into(),
        Type::F32 => "f32".into(),
        Type::F64 => "f64".into(),
        Type::Char => "char".into(),
        Type::String => "string".into(),
        Type::ErrorContext => "error-context".into(),
        Type::Id(id) => {
            let def = &resolve.types[*id];
            let opt = |t: &Option<Type>| t.as_ref().map_or("_".into(), |t| ty(resolve, t));
            let body = match &def.kind {
                TypeDefKind::Record(r) => format!(
                    "record {{ {} }}",
                    r.fields
                        .iter()
                        .map(|f| format!("{}: {}", f.name, ty(resolve, &f.ty)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                TypeDefKind::Variant(v) => format!(
                    "variant {{ {} }}",
                    v.cases
                        .iter()
                        .map(|c| format!("{}({})", c.name, opt(&c.ty)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                TypeDefKind::Enum(e) => format!(
                    "enum {{ {} }}",
                    e.cases
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                TypeDefKind::Flags(f) => format!(
                    "flags {{ {} }}",
                    f.flags
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                TypeDefKind::Tuple(t) => format!(
                    "tuple<{}>",
                    t.types
                        .iter()
                        .map(|t| ty(resolve, t))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                TypeDefKind::Option(t) => format!("option<{}>", ty(resolve, t)),
                TypeDefKind::List(t) => format!("list<{}>", ty(resolve, t)),
                TypeDefKind::Result(r) => format!("result<{}, {}>", opt(&r.ok), opt(&r.err)),
                TypeDefKind::Type(t) => ty(resolve, t),
                other => other.as_str().to_string(),
            };
            match &def.name {
                Some(name) => format!("{name}={body}"),
                None => body,
            }
        }
    }
}

/// Every export of `world`: interface name → function name → signature.
fn exports(resolve: &Resolve, world: WorldId) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (key, item) in &resolve.worlds[world].exports {
        let name = resolve.name_world_key(key);
        let WorldItem::Interface { id, .. } = item else {
            panic!("unexpected non-interface export {name}");
        };
        let functions = resolve.interfaces[*id]
            .functions
            .iter()
            .map(|(fname, f)| {
                let params: Vec<String> = f
                    .params
                    .iter()
                    .map(|p| format!("{}: {}", p.name, ty(resolve, &p.ty)))
                    .collect();
                let result = f.result.as_ref().map_or("()".into(), |t| ty(resolve, t));
                (
                    fname.clone(),
                    format!("({}) -> {result}", params.join(", ")),
                )
            })
            .collect();
        out.insert(name, functions);
    }
    out
}

fn published() -> (Resolve, WorldId) {
    let mut resolve = Resolve::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../wit");
    let (pkg, _) = resolve.push_dir(&dir).expect("wit/ parses");
    let world = resolve
        .select_world(&[pkg], Some("elastic-security"))
        .expect("wit/ has the world elastic-security");
    (resolve, world)
}

fn built() -> (Resolve, WorldId) {
    match decode(BUILT_COMPONENT).expect("the built component decodes") {
        DecodedWasm::Component(resolve, world) => (resolve, world),
        DecodedWasm::WitPackage(..) => panic!("the built file is a WIT package, not a component"),
    }
}

#[test]
fn the_built_component_exports_exactly_what_wit_declares() {
    let (wit_resolve, wit_world) = published();
    let (bin_resolve, bin_world) = built();
    let want = exports(&wit_resolve, wit_world);
    let got = exports(&bin_resolve, bin_world);

    assert_eq!(
        want.keys().collect::<Vec<_>>(),
        got.keys().collect::<Vec<_>>(),
        "exported interfaces differ"
    );
    let mut count = 0;
    for (iface, functions) in &want {
        let built = &got[iface];
        assert_eq!(
            functions.keys().collect::<Vec<_>>(),
            built.keys().collect::<Vec<_>>(),
            "functions of {iface} differ"
        );
        for (name, sig) in functions {
            assert_eq!(
                sig, &built[name],
                "{iface}#{name}: wit/ vs the built component"
            );
            count += 1;
        }
    }
    assert_eq!(count, 20, "the node has 20 operations: {want:#?}");
    // The comparison sees inside types: a field of the case record is in the text.
    let create = &want["automation:elastic-security/cases@0.2.0"]["create-case"];
    assert!(
        create.contains("kibana-case=record { case-id: string"),
        "{create}"
    );
}

#[test]
fn the_component_imports_http_io_the_monotonic_clock_and_the_environment_only() {
    let (resolve, world) = built();
    let mut imports = Vec::new();
    for (key, item) in &resolve.worlds[world].imports {
        let WorldItem::Interface { id, .. } = item else {
            continue;
        };
        let name = resolve.name_world_key(key);
        // The package's own `types` interface is imported for its types only: the
        // host provides nothing for it.
        if name.starts_with("automation:elastic-security/types@") {
            assert!(resolve.interfaces[*id].functions.is_empty(), "{name}");
            continue;
        }
        // Versions follow the `wasi` crate; the interfaces are what a host must give.
        let unversioned = name.split('@').next().unwrap_or(&name).to_owned();
        imports.push(unversioned);
    }
    imports.sort();
    assert_eq!(
        imports,
        [
            "wasi:cli/environment",
            "wasi:clocks/monotonic-clock",
            "wasi:http/outgoing-handler",
            "wasi:http/types",
            "wasi:io/error",
            "wasi:io/poll",
            "wasi:io/streams",
        ],
        "the component's imports changed: update the README's Deploy section"
    );
}

/// The built component names no directory of the machine that built it: the source
/// paths of its panic locations are remapped (`host-test/build.rs`).
#[test]
fn the_component_names_no_directory_of_the_build_machine() {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host-test lives in the repository")
        .to_string_lossy()
        .into_owned();
    let cargo_home = std::env::var("CARGO_HOME")
        .unwrap_or_else(|_| format!("{}/.cargo", std::env::var("HOME").unwrap_or_default()));
    for directory in [repository.as_str(), cargo_home.as_str(), "registry/src/"] {
        let found = BUILT_COMPONENT
            .windows(directory.len())
            .any(|window| window == directory.as_bytes());
        assert!(!found, "the component contains {directory:?}");
    }
}
