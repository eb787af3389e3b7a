//! The npm package (`packages/npm`): the component transpiled by jco into an ES
//! module with its TypeScript declarations, the component itself, the node manifest,
//! and `npm pack`'s tarball of them. npm gives every entry of the tarball the same fixed time, so
//! the tarball depends on the files alone.

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::{output, run};

pub fn pack(
    package: &Path,
    root: &Path,
    component: &[u8],
    manifest: &str,
    out: &Path,
    env: &[(&str, String)],
) -> Result<()> {
    let node = output(
        package,
        "node",
        &["-p", "process.versions.node.split('.')[0]"],
    )
    .context("Node.js is needed for the npm package")?;
    if node.parse::<u32>().unwrap_or(0) < 20 {
        bail!("Node.js 20 or newer is needed for the npm package (found {node})");
    }
    // Build inputs the package ships, kept out of git (packages/npm/.gitignore).
    std::fs::write(package.join("elastic_security.wasm"), component)?;
    std::fs::write(package.join(elastic_security_manifest::FILE_NAME), manifest)?;
    std::fs::copy(root.join("LICENSE"), package.join("LICENSE"))?;
    let generated = package.join("generated");
    if generated.exists() {
        std::fs::remove_dir_all(&generated)?;
    }
    run(
        package,
        "npm",
        &["ci", "--no-audit", "--no-fund", "--loglevel=error"],
        env,
    )?;
    run(package, "npm", &["run", "--silent", "build"], env)?;
    let destination = out.to_string_lossy();
    run(
        package,
        "npm",
        &[
            "pack",
            "--loglevel=error",
            "--pack-destination",
            &destination,
        ],
        env,
    )
}
