//! The Python wheel (`packages/python`): the component, the typed API generated
//! from the WIT (`_types.py`) and the hand-written runtime, built by `python -m
//! build` with the backend pinned in its `pyproject.toml`. The backend takes every
//! timestamp from SOURCE_DATE_EPOCH.

use std::path::Path;

use anyhow::{Context, Result};

use crate::run;

/// The `build` frontend, in a virtual environment of its own under target/.
const BUILD: &str = "build==1.6.1";

pub fn build(
    package: &Path,
    root: &Path,
    target: &Path,
    component: &[u8],
    types_py: &str,
    out: &Path,
    env: &[(&str, String)],
) -> Result<()> {
    // Build inputs the wheel ships, kept out of git (packages/python/.gitignore).
    let module = package.join("src").join("elastic_security_wasm");
    std::fs::write(module.join("elastic_security.wasm"), component)?;
    std::fs::write(module.join("_types.py"), types_py)?;
    std::fs::copy(root.join("LICENSE"), package.join("LICENSE"))?;

    let venv = target.join("release-venv");
    let python = venv.join("bin").join("python");
    if !python.exists() {
        run(
            target,
            "python3",
            &["-m", "venv", &venv.to_string_lossy()],
            &[],
        )
        .context("Python 3 with venv is needed for the wheel")?;
    }
    let python = python.to_string_lossy();
    run(
        target,
        &python,
        &[
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            BUILD,
        ],
        &[],
    )?;
    let destination = out.to_string_lossy();
    run(
        package,
        &python,
        &["-m", "build", "--wheel", "--outdir", &destination, "."],
        env,
    )
}
