//! The release's output directory: each file's size and sha256, printed and written
//! to `SHA256SUMS` (the `sha256sum -c` format).

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use walkdir::WalkDir;

pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// Writes `SHA256SUMS` for every other file under `dir` and returns the table
/// printed at the end of a release: path, size in bytes, sha256.
pub fn summarize(dir: &Path) -> Result<String> {
    let mut sums = String::new();
    let mut table = String::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        let relative = entry.path().strip_prefix(dir)?;
        if !entry.file_type().is_file() || relative == Path::new("SHA256SUMS") {
            continue;
        }
        let bytes = std::fs::read(entry.path())
            .with_context(|| format!("reading {}", entry.path().display()))?;
        let digest = sha256_hex(&bytes);
        let name = relative.display().to_string();
        let _ = writeln!(sums, "{digest}  {name}");
        let _ = writeln!(
            table,
            "{name:<50} {:>9} bytes  sha256:{digest}",
            bytes.len()
        );
    }
    std::fs::write(dir.join("SHA256SUMS"), sums)?;
    Ok(table)
}
