//! The layering of docs/architecture.md#layers, checked on the source: adapters reach data
//! only through the use cases and the access layer, the use cases know nothing of the
//! adapters, and the crate's top-level modules depend on each other without cycles.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The code of a file without its comments and its unit tests, so prose and test setup do not
/// count as dependencies.
fn code(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap();
    let text = text.split("\n#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .filter(|line| {
            let line = line.trim_start();
            !line.starts_with("//")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `(file, offending text)` for every file under `dir` whose code contains one of `patterns`.
fn offenders(dir: &Path, patterns: &[&str]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for file in rust_files(dir) {
        let code = code(&file);
        for pattern in patterns {
            if code.contains(pattern) {
                found.push((file.strip_prefix(src()).unwrap().display().to_string(), (*pattern).to_owned()));
            }
        }
    }
    found
}

#[test]
fn adapters_reach_data_only_through_use_cases() {
    let forbidden = ["state.db", ".db()", "Access::new", ".audit("];
    for adapter in ["api", "portal"] {
        let found = offenders(&src().join(adapter), &forbidden);
        assert!(found.is_empty(), "{adapter}/ reaches data around the use cases: {found:?}");
    }
}

#[test]
fn the_portal_does_not_call_the_api() {
    let found = offenders(&src().join("portal"), &["crate::api::", "use crate::api"]);
    assert!(found.is_empty(), "the portal calls the API's handlers: {found:?}");
}

#[test]
fn the_cli_does_not_call_the_api() {
    let cli = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ztd/src/cmd");
    // `ztd upload` is an HTTP client of a running service: it may name the API's response types.
    for file in ["admin.rs", "demo.rs", "serve.rs"] {
        let code = code(&cli.join(file));
        assert!(!code.contains("ztd_server::api"), "ztd {file} calls the API's handlers");
        assert!(!code.contains("services::"), "ztd {file} bypasses the use cases");
    }
}

#[test]
fn use_cases_know_nothing_of_the_adapters() {
    let adapters = [
        "crate::api",
        "crate::portal",
        "crate::error",
        "crate::http_auth",
        "crate::router",
        "crate::state",
        "axum::",
    ];
    let found = offenders(&src().join("app"), &adapters);
    assert!(found.is_empty(), "app/ depends on an adapter: {found:?}");
}

/// Top-level module → the top-level modules its code names (`crate::x`, `super::x` from a
/// direct child).
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = src();
    let mut modules = BTreeSet::new();
    for entry in fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name != "lib" && name != "main" {
            modules.insert(name);
        }
    }
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(&root) {
        let relative = file.strip_prefix(&root).unwrap();
        let owner = relative.components().next().unwrap().as_os_str().to_string_lossy();
        let owner = owner.trim_end_matches(".rs").to_owned();
        if !modules.contains(&owner) {
            continue;
        }
        let code = code(&file);
        let edges = graph.entry(owner.clone()).or_default();
        for module in &modules {
            let named = code.contains(&format!("crate::{module}::"))
                || code.contains(&format!("crate::{module};"))
                || code.contains(&format!("crate::{module}}}"))
                || code.contains(&format!("crate::{{{module}"))
                || code.contains(&format!(", {module}}}"))
                    && code.contains("use crate::{")
                    && code.split("use crate::{").skip(1).any(|rest| {
                        rest.split('}')
                            .next()
                            .is_some_and(|list| list.split(',').any(|item| item.trim() == module))
                    });
            if named && *module != owner {
                edges.insert(module.clone());
            }
        }
    }
    graph
}

#[test]
fn top_level_modules_have_no_cycles() {
    let graph = module_graph();
    // The scan sees the edges it must see, or a cycle could hide behind a blind spot.
    for (from, to) in
        [("api", "app"), ("router", "api"), ("portal", "app"), ("http_auth", "app"), ("error", "app")]
    {
        assert!(
            graph.get(from).is_some_and(|edges| edges.contains(to)),
            "no edge {from} → {to} in {graph:#?}"
        );
    }
    // Depth-first search; a back edge is a cycle.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|seen| seen == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, &graph, &mut Vec::new(), &mut done) {
            panic!("module cycle: {}\n(graph: {graph:#?})", cycle.join(" → "));
        }
    }
}
