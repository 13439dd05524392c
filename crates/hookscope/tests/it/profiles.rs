//! Vendors are data: adding one is a profile file in `profiles/` and its examples in
//! `fixtures/<id>/` (docs/architecture.md, "Add a vendor"). build.rs embeds both; these tests
//! keep the convention it relies on, and keep vendor ids out of the library's code.

use std::path::Path;

use hookscope::profile::Registry;

use crate::layers::{code_of, rust_files};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The built-in profiles' ids, from their files.
fn profile_ids() -> Vec<String> {
    let mut ids = Vec::new();
    for entry in std::fs::read_dir(root().join("profiles")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let profile: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let id = profile["id"].as_str().unwrap().to_owned();
            let stem = path.file_stem().unwrap().to_string_lossy();
            assert_eq!(
                stem,
                id,
                "{}: a profile's file is named after its id",
                path.display()
            );
            ids.push(id);
        }
    }
    ids.sort();
    ids
}

#[test]
fn every_profile_file_is_loaded_and_every_vendor_with_examples_is_offered() {
    let ids = profile_ids();
    assert!(ids.len() >= 10, "{ids:?}");
    let registry = Registry::builtin();
    let mut loaded: Vec<String> = registry.profiles().map(|p| p.id.clone()).collect();
    loaded.sort();
    assert_eq!(loaded, ids);
    assert_eq!(
        registry.profiles().last().map(|p| p.id.as_str()),
        Some("generic"),
        "the fallback is detected last"
    );
    let offered = hookscope::sample::vendors(&registry);
    for id in &ids {
        let dir = root().join("../../fixtures").join(id);
        let has_examples = std::fs::read_dir(&dir).is_ok_and(|mut d| {
            d.any(|e| e.unwrap().path().extension().is_some_and(|x| x == "json"))
        });
        assert_eq!(
            offered.contains(id),
            has_examples,
            "{id}: offered as a sample exactly when fixtures/{id}/ has examples"
        );
    }
}

#[test]
fn no_vendor_is_named_in_the_library_code() {
    let ids = profile_ids();
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut named = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        // The command line's help may name vendors as examples; tests may use any.
        if rel.starts_with("bin/") || rel.ends_with("tests.rs") || rel == "bindings.rs" {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(&file).unwrap());
        for id in &ids {
            if code.contains(&format!("\"{id}\"")) {
                named.push(format!("{rel} names \"{id}\""));
            }
        }
    }
    assert!(
        named.is_empty(),
        "vendors are data: put what the code needs in the profile instead:\n{}",
        named.join("\n")
    );
}
