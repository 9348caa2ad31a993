//! The layers of `src/` and what each may import (docs/architecture.md):
//! fails when a forbidden import appears or when modules import each other
//! in a circle. Reads the source: every `crate::…` and `super::…` path,
//! in `use` statements and inline, and the external crates a layer names.

#![allow(clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path, e.g. `["store", "articles"]`; the crate root is `[]`.
type Module = Vec<String>;

struct Source {
    module: Module,
    text: String,
    /// A `mod.rs` (or the crate root): a facade that declares and
    /// re-exports its children.
    facade: bool,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(&root).expect("under src").with_extension("");
            let mut module: Module = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            let facade = module.last().is_some_and(|m| m == "mod" || m == "lib" || m == "main");
            if facade {
                module.pop();
            }
            let text = std::fs::read_to_string(&path).expect("read source");
            Source { module, text: without_comments(&text), facade }
        })
        .collect()
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The text without `//` comments (doc comments name modules freely).
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|line| {
            let code = match line.find("//") {
                // `"http://…"` in a string is not a comment.
                Some(i) if line[..i].matches('"').count() % 2 == 0 => &line[..i],
                _ => line,
            };
            format!("{code}\n")
        })
        .collect()
}

/// Every absolute module path a source refers to (`crate::a::b`, `super::c`,
/// and each path inside `{…}` groups).
fn references(source: &Source) -> Vec<Module> {
    let mut found = Vec::new();
    let text = source.text.as_str();
    for (start, prefix) in
        text.match_indices("crate::").chain(text.match_indices("super::")).map(|(i, p)| (i, p.to_owned()))
    {
        if text[..start].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let base: Module = if prefix == "crate::" {
            Vec::new()
        } else {
            let mut parent = source.module.clone();
            parent.pop();
            parent
        };
        let mut rest = &text[start + prefix.len()..];
        // `super::super::x`
        let mut base = base;
        while let Some(after) = rest.strip_prefix("super::") {
            base.pop();
            rest = after;
        }
        paths_at(rest, base, &mut found);
    }
    found
}

/// Reads a path (or a `{…}` group of paths) starting at `text`, under
/// `base`; returns how many bytes it read.
fn paths_at(text: &str, base: Module, found: &mut Vec<Module>) -> usize {
    let bytes = text.as_bytes();
    let mut path = base;
    let mut i = 0;
    loop {
        if bytes.get(i) == Some(&b'{') {
            i += 1;
            loop {
                while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b',') {
                    i += 1;
                }
                if i >= bytes.len() || bytes[i] == b'}' {
                    return i + 1;
                }
                i += paths_at(&text[i..], path.clone(), found);
                // `self as store`: skip to the next item.
                while i < bytes.len() && bytes[i] != b',' && bytes[i] != b'}' {
                    i += 1;
                }
            }
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        if i > start {
            path.push(text[start..i].to_owned());
        }
        if i > start && text[i..].starts_with("::") {
            i += 2;
            continue;
        }
        found.push(path);
        return i.max(1);
    }
}

/// The longest prefix of `path` that is a module of the crate.
fn module_of(path: &[String], modules: &BTreeSet<Module>) -> Module {
    (0..=path.len()).rev().map(|n| path[..n].to_vec()).find(|m| modules.contains(m)).unwrap_or_default()
}

fn name(module: &[String]) -> String {
    if module.is_empty() {
        "crate".into()
    } else {
        module.join("::")
    }
}

/// Module → modules it refers to (itself and its own descendants aside).
fn graph(sources: &[Source]) -> BTreeMap<Module, BTreeSet<Module>> {
    let modules: BTreeSet<Module> = sources.iter().map(|s| s.module.clone()).collect();
    sources
        .iter()
        .map(|source| {
            let targets = references(source)
                .iter()
                .map(|path| module_of(path, &modules))
                .filter(|target| !target.starts_with(&source.module))
                .collect();
            (source.module.clone(), targets)
        })
        .collect()
}

/// One circle in a directed graph, if there is any.
fn find_cycle<N: Ord + Clone>(edges: &BTreeMap<N, BTreeSet<N>>) -> Option<Vec<N>> {
    fn visit<N: Ord + Clone>(
        node: &N,
        edges: &BTreeMap<N, BTreeSet<N>>,
        done: &mut BTreeSet<N>,
        stack: &mut Vec<N>,
    ) -> Option<Vec<N>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.clone());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.clone());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, done, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.clone());
        None
    }
    let mut done = BTreeSet::new();
    edges.keys().find_map(|node| visit(node, edges, &mut done, &mut Vec::new()))
}

#[test]
fn layers_import_each_other_one_way() {
    let sources = sources();
    let graph = graph(&sources);
    let layer = |m: &Module| m.first().cloned().unwrap_or_else(|| "crate".into());
    let mut layers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, targets) in &graph {
        for to in targets {
            if layer(from) != layer(to) && !to.is_empty() {
                layers.entry(layer(from)).or_default().insert(layer(to));
            }
        }
    }
    layers.remove("crate");
    let cycle = find_cycle(&layers);
    assert!(cycle.is_none(), "layers in a circle: {}", cycle.unwrap_or_default().join(" → "));
}

#[test]
fn files_within_a_layer_import_each_other_one_way() {
    let sources = sources();
    let facades: BTreeSet<Module> = sources.iter().filter(|s| s.facade).map(|s| s.module.clone()).collect();
    let graph: BTreeMap<Module, BTreeSet<Module>> = graph(&sources)
        .into_iter()
        .filter(|(from, _)| !facades.contains(from))
        .map(|(from, targets)| (from, targets.into_iter().filter(|t| !facades.contains(t)).collect()))
        .collect();
    let cycle = find_cycle(&graph);
    let names: Vec<String> = cycle.unwrap_or_default().iter().map(|m| name(m)).collect();
    assert!(names.is_empty(), "modules in a circle: {}", names.join(" → "));
}

/// Rules: (files under this directory of src/, what they may not name, why).
const FORBIDDEN: &[(&str, &str, &str)] = &[
    ("domain", "crate::error", "domain is pure: its errors are its own"),
    ("domain", "actix", "domain is pure"),
    ("domain", "diesel", "domain is pure"),
    ("domain", "utoipa", "domain is pure"),
    ("store", "actix", "the store names no HTTP type"),
    ("service", "actix", "services are called by HTTP and CLI alike"),
    ("graphql", "crate::rest", "GraphQL and REST share the http layer, not each other"),
    ("rest", "crate::graphql", "GraphQL and REST share the http layer, not each other"),
    ("http", "crate::rest", "the http layer serves both APIs"),
    ("http", "crate::graphql", "the http layer serves both APIs"),
];

/// Layers that reach the store only through the `Db` handle, never its modules.
const ABOVE_THE_STORE: &[&str] = &["rest", "graphql", "ingest", "http"];

#[test]
fn no_layer_imports_what_it_must_not() {
    let sources = sources();
    let store_modules: BTreeSet<String> =
        sources.iter().filter(|s| s.module.len() == 2 && s.module[0] == "store").map(|s| s.module[1].clone()).collect();
    let mut breaches = Vec::new();
    for source in &sources {
        let layer = source.module.first().map(String::as_str).unwrap_or("crate");
        for (under, name, why) in FORBIDDEN {
            if layer == *under && source.text.contains(name) {
                breaches.push(format!("{} names `{name}`: {why}", self::name(&source.module)));
            }
        }
        if ABOVE_THE_STORE.contains(&layer) {
            for path in references(source) {
                if path.len() > 2 && path[0] == "store" && store_modules.contains(&path[1]) {
                    breaches.push(format!(
                        "{} uses {}: only the `Db` handle may pass",
                        name(&source.module),
                        name(&path)
                    ));
                }
            }
        }
    }
    assert!(breaches.is_empty(), "forbidden imports:\n{}", breaches.join("\n"));
}

#[test]
fn no_source_file_is_over_450_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let lines = std::fs::read_to_string(path).ok()?.lines().count();
            (lines > 450).then(|| format!("{} ({lines} lines)", path.display()))
        })
        .collect();
    assert!(long.is_empty(), "files holding more than one concern:\n{}", long.join("\n"));
}

#[test]
fn the_reader_finds_paths_and_groups() {
    let source = Source {
        module: vec!["graphql".into(), "http".into()],
        text: "use crate::{app::AppState, store::{self, articles::find}};\nuse super::guard;\nlet x = crate::domain::text::render(y);".into(),
        facade: false,
    };
    let found: Vec<String> = references(&source).iter().map(|m| name(m)).collect();
    assert_eq!(
        found,
        ["app::AppState", "store::self", "store::articles::find", "domain::text::render", "graphql::guard"]
    );
}

/// Facades are `mod.rs` files (and the crate root), known by their path: a
/// file with a `mod tests` of its own is checked like any other (they were
/// taken for facades, which hid `http::state → http::rate_limit →
/// http::extract → http::state`).
#[test]
fn only_mod_files_are_facades() {
    let sources = sources();
    assert!(sources.iter().any(|s| !s.facade && s.text.contains("mod tests")));
}
