//! The WIT package of `wit/`: its version, its binary form (the package encoded as
//! a component, as `wasm-tools component wit --wasm` makes it), and the names an
//! OCI config lists.

use std::path::Path;

use anyhow::{Context, Result};
use wit_parser::decoding::{decode, DecodedWasm};
use wit_parser::{PackageId, Resolve};

pub struct WitPackage {
    pub resolve: Resolve,
    pub id: PackageId,
}

impl WitPackage {
    pub fn load(dir: &Path) -> Result<Self> {
        let mut resolve = Resolve::default();
        let (id, _) = resolve
            .push_dir(dir)
            .with_context(|| format!("reading the WIT package in {}", dir.display()))?;
        Ok(Self { resolve, id })
    }

    /// `automation:elastic-security@0.2.0`.
    pub fn name(&self) -> String {
        self.resolve.packages[self.id].name.to_string()
    }

    pub fn version(&self) -> Option<String> {
        self.resolve.packages[self.id]
            .name
            .version
            .as_ref()
            .map(ToString::to_string)
    }

    /// The package in binary form: what other components build against.
    pub fn encode(&self) -> Result<Vec<u8>> {
        wit_component::encode(&self.resolve, self.id, false).context("encoding the WIT package")
    }

    /// What a WIT package offers, for its OCI config: its worlds and interfaces,
    /// sorted (`automation:elastic-security/cases@0.2.0`, ...).
    pub fn exports(&self) -> Vec<String> {
        let pkg = &self.resolve.packages[self.id];
        let mut names: Vec<String> = pkg
            .interfaces
            .values()
            .filter_map(|id| self.resolve.id_of(*id))
            .chain(pkg.worlds.values().map(|id| {
                let world = &self.resolve.worlds[*id];
                let mut name = format!("{}:{}/{}", pkg.name.namespace, pkg.name.name, world.name);
                if let Some(version) = &pkg.name.version {
                    name = format!("{name}@{version}");
                }
                name
            }))
            .collect();
        names.sort();
        names
    }
}

/// A component's imports and exports, as its OCI config lists them (sorted).
pub fn component_world(component: &[u8]) -> Result<(Vec<String>, Vec<String>)> {
    let DecodedWasm::Component(resolve, world) =
        decode(component).context("decoding the component's WIT")?
    else {
        anyhow::bail!("the component is a WIT package, not a component");
    };
    let world = &resolve.worlds[world];
    let mut imports: Vec<String> = world
        .imports
        .keys()
        .map(|key| resolve.name_world_key(key))
        .collect();
    let mut exports: Vec<String> = world
        .exports
        .keys()
        .map(|key| resolve.name_world_key(key))
        .collect();
    imports.sort();
    exports.sort();
    Ok((imports, exports))
}
