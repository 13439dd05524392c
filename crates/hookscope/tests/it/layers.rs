//! The core's layers (docs/architecture.md) kept real: every `crate::…` (and top-level
//! `super::…`) path in the library's non-test code names a module of a lower layer, never one of
//! its own layer or above, so the module graph stays acyclic.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Bottom first. A module may use the modules of the layers below its own, and no other.
const LAYERS: &[&[&str]] = &[
    &["error"],
    &[
        "head",
        "learn",
        "log",
        "content_coding",
        "packed",
        "signature",
        "target",
        "visible",
    ],
    &["config", "net"],
    &["profile", "ack", "rules"],
    &["model"],
    &["events"],
    &["store", "sample"],
    &["capture"],
    &["replay"],
    &["export", "reverify", "fuzz", "check", "diff"],
    &["control"],
    &["contract"],
    &["mcp"],
    &["api"],
    &["server"],
];

/// Files that are not part of the layered library: the crate root, the CLI binary, and the
/// test-only bindings writer.
fn skipped(rel: &str) -> bool {
    rel == "lib.rs" || rel == "bindings.rs" || rel.starts_with("bin/") || rel.ends_with("tests.rs")
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The text without comments, string literals' contents and `#[cfg(test)]` modules.
pub(crate) fn code_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let code = match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        };
        out.push_str(code);
        out.push('\n');
    }
    // Drop `#[cfg(test)] mod name { … }` blocks by brace matching.
    let mut result = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(at) = rest.find("#[cfg(test)]") {
        result.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        let trimmed = after.trim_start();
        if trimmed.starts_with("mod ")
            && let Some(open) = trimmed.find('{')
            && !trimmed[..open].contains(';')
        {
            let mut depth = 0usize;
            let mut end = trimmed.len();
            for (i, c) in trimmed.char_indices().skip(open) {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            rest = &trimmed[end..];
        } else {
            rest = after;
        }
    }
    result.push_str(rest);
    result
}

/// The top-level modules a piece of code names through `crate::` (and, for a file at the top,
/// `super::`), `use crate::{a, b::C}` groups included.
fn named_modules(code: &str, top_level_file: bool) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut prefixes = vec!["crate::"];
    if top_level_file {
        prefixes.push("super::");
    }
    for prefix in prefixes {
        for (at, _) in code.match_indices(prefix) {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let rest = &code[at + prefix.len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // Top-level names of the group: after `{` or a `,` at depth 0.
                let mut depth = 0usize;
                let mut start = true;
                for (i, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => start = true,
                        c if start && (c.is_alphanumeric() || c == '_') => {
                            let name: String = group[i..]
                                .chars()
                                .take_while(|c| c.is_alphanumeric() || *c == '_')
                                .collect();
                            names.insert(name);
                            start = false;
                        }
                        _ => {}
                    }
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    names.insert(name);
                }
            }
        }
    }
    // `crate::Error` and `crate::Result` are re-exports of `error`.
    for reexport in ["Error", "Result"] {
        if names.remove(reexport) {
            names.insert("error".to_owned());
        }
    }
    names
}

pub(crate) fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Module → the modules its code names (other than itself).
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if skipped(&rel) {
            continue;
        }
        let module = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_owned();
        let code = code_of(&std::fs::read_to_string(&file).unwrap());
        let names = named_modules(&code, !rel.contains('/'));
        let edges = graph.entry(module.clone()).or_default();
        edges.extend(names.into_iter().filter(|n| *n != module));
    }
    graph
}

#[test]
fn every_module_is_in_a_layer() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    let declared: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';'))
        .collect();
    assert!(declared.len() > 10, "lib.rs declares {declared:?}");
    let missing: Vec<&&str> = declared.iter().filter(|m| layer_of(m).is_none()).collect();
    assert!(
        missing.is_empty(),
        "modules in no layer: {missing:?}; add each to LAYERS here and to docs/architecture.md"
    );
}

#[test]
fn modules_only_use_lower_layers() {
    let graph = module_graph();
    assert!(graph.len() > 10, "found only {graph:?}");
    let mut wrong = Vec::new();
    for (module, uses) in &graph {
        let Some(own) = layer_of(module) else {
            wrong.push(format!("{module} is in no layer"));
            continue;
        };
        for used in uses {
            match layer_of(used) {
                Some(layer) if layer < own => {}
                Some(_) => wrong.push(format!(
                    "{module} (layer {own}) uses {used} (layer {})",
                    layer_of(used).unwrap_or(0)
                )),
                None => wrong.push(format!("{module} uses {used}, which is in no layer")),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the core's layers are broken (see docs/architecture.md):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_reader_sees_groups_paths_and_skips_tests() {
    let code = code_of(
        "use crate::{config::{A, B}, model::C};\nuse crate::store::X; // crate::api\nfn f() { crate::head::parse(b\"\"); }\n#[cfg(test)]\nmod tests { use crate::server; }\n",
    );
    let names = named_modules(&code, false);
    let expected: BTreeSet<String> = ["config", "model", "store", "head"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(names, expected);
    assert!(named_modules("use super::model::X;", true).contains("model"));
    assert!(named_modules("use super::model::X;", false).is_empty());
}
