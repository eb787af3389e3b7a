//! The OCI artifacts' config and annotations, written beside the layers in
//! `dist/oci/<name>/` for the push (`packages/oci/publish.py`, with ORAS).
//!
//! The layout is the CNCF "Wasm OCI artifact" one that wkg, wasmCloud, Spin and
//! Obelisk read: an OCI image manifest with exactly one `application/wasm` layer and a
//! config of type `application/vnd.wasm.config.v0+json`, whose `component` entry lists
//! the component's imports and exports. The fields are those of the `oci-wasm` crate's
//! `WasmConfig` (what Obelisk parses). Nothing depends on the time of the build:
//! `created` is the commit's time (SOURCE_DATE_EPOCH), so the config's and the
//! manifest's digests are the same on every build of one commit.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use anyhow::{Context, Result};
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WasmConfig {
    created: String,
    author: Option<String>,
    architecture: &'static str,
    os: &'static str,
    layer_digests: Vec<String>,
    component: Component,
}

#[derive(Serialize)]
struct Component {
    exports: Vec<String>,
    imports: Vec<String>,
    target: Option<String>,
}

/// What the annotations say: where the source is, which commit, which version,
/// under which licence.
pub struct Provenance<'a> {
    pub source_url: Option<&'a str>,
    pub revision: &'a str,
    pub version: &'a str,
    pub licenses: &'a str,
    pub source_date_epoch: u64,
}

/// Writes `<dir>/config.json` and `<dir>/annotations.json` (ORAS's annotation-file
/// form: `$manifest` for the manifest's own).
pub fn write(
    dir: &Path,
    layer: &[u8],
    title: &str,
    description: &str,
    imports: Vec<String>,
    exports: Vec<String>,
    provenance: &Provenance<'_>,
) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let created = humantime::format_rfc3339_seconds(
        UNIX_EPOCH + Duration::from_secs(provenance.source_date_epoch),
    )
    .to_string();
    let config = WasmConfig {
        created,
        author: None,
        architecture: "wasm",
        os: "wasip2",
        layer_digests: vec![format!("sha256:{}", crate::dist::sha256_hex(layer))],
        component: Component {
            exports,
            imports,
            target: None,
        },
    };
    let mut manifest = BTreeMap::new();
    let mut annotate = |key: &str, value: &str| {
        manifest.insert(format!("org.opencontainers.image.{key}"), value.to_owned());
    };
    annotate("title", title);
    annotate("description", description);
    annotate("version", provenance.version);
    annotate("revision", provenance.revision);
    annotate("licenses", provenance.licenses);
    if let Some(url) = provenance.source_url {
        annotate("source", url);
    }
    let annotations = BTreeMap::from([("$manifest", manifest)]);
    write_json(&dir.join("config.json"), &config)?;
    write_json(&dir.join("annotations.json"), &annotations)
}

fn write_json(path: &Path, value: &impl Serialize) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}
