//! One version for everything that ships: the crates (`[workspace.package]`), the WIT
//! package, the npm package, the wheel, the examples' dependency and the Obelisk
//! workflow's imports; and `CHANGELOG.md` says what it changed.

use std::path::{Path, PathBuf};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative))
        .unwrap_or_else(|e| panic!("reading {relative}: {e}"))
}

fn json(relative: &str) -> serde_json::Value {
    serde_json::from_str(&read(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

#[test]
fn the_wit_package_is_the_crates_version() {
    let wanted = format!("package automation:elastic-security@{VERSION};");
    let mut files = 0;
    for entry in std::fs::read_dir(root().join("wit")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "wit") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert_eq!(
                text.lines().next(),
                Some(wanted.as_str()),
                "{}",
                path.display()
            );
            files += 1;
        }
    }
    assert_eq!(files, 6, "the six WIT files");
}

#[test]
fn the_npm_package_and_its_example_are_the_crates_version() {
    let package = json("packages/npm/package.json");
    assert_eq!(package["name"], "@elastic-security-wasm/component");
    assert_eq!(package["version"], VERSION);
    let lock = json("packages/npm/package-lock.json");
    assert_eq!(lock["version"], VERSION);
    assert_eq!(lock["packages"][""]["version"], VERSION);
    let example = json("examples/js/package.json");
    assert_eq!(
        example["dependencies"]["@elastic-security-wasm/component"],
        VERSION
    );
}

#[test]
fn the_n8n_node_is_the_crates_version_on_this_component() {
    let package = json("packages/n8n/package.json");
    assert_eq!(package["name"], "n8n-nodes-elastic-security-wasm");
    assert_eq!(package["version"], VERSION);
    // By version, not by a path: it installs from a registry (or the release's tarball).
    assert_eq!(
        package["dependencies"]["@elastic-security-wasm/component"],
        VERSION
    );
    let lock = json("packages/n8n/package-lock.json");
    assert_eq!(lock["packages"][""]["version"], VERSION);
}

#[test]
fn the_wheel_is_the_crates_version() {
    let pyproject = read("packages/python/pyproject.toml");
    let version = pyproject
        .lines()
        .find_map(|line| line.strip_prefix("version = "))
        .expect("pyproject.toml has a version");
    assert_eq!(version, format!("\"{VERSION}\""));
}

#[test]
fn the_obelisk_workflow_imports_this_version() {
    let wit = read("deploy/obelisk/workflow/wit/workflow.wit");
    let imports: Vec<&str> = wit
        .lines()
        .filter(|line| line.contains("automation:elastic-security/"))
        .collect();
    assert!(imports.len() >= 4, "{imports:?}");
    for line in imports {
        assert!(line.contains(&format!("@{VERSION}")), "{line}");
    }
}

#[test]
fn the_changelog_has_this_version() {
    let changelog = read("CHANGELOG.md");
    assert!(
        changelog
            .lines()
            .any(|line| line.starts_with(&format!("## [{VERSION}] - "))),
        "CHANGELOG.md has no `## [{VERSION}] - <date>` entry"
    );
}
