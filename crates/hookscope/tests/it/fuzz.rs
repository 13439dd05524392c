//! The fuzzers' corpus (`fuzz/corpus/<target>/`, seeds and whatever the fuzzers found worth
//! keeping) replayed through the same properties `cargo fuzz` checks, on the stable toolchain, so
//! an input that once broke one keeps proving it fixed. The fuzzers themselves run briefly in
//! `cargo xtask test` and longer in `cargo xtask fuzz`.

use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

#[test]
fn every_corpus_input_holds_its_targets_property() {
    for (name, property) in hookscope::fuzz::TARGETS {
        let dir = fuzz_dir().join("corpus").join(name);
        let mut inputs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .collect();
        inputs.sort();
        assert!(inputs.len() >= 5, "{name}: a corpus of {}", inputs.len());
        for input in &inputs {
            let data = std::fs::read(input).unwrap();
            let run = std::panic::catch_unwind(|| property(&data));
            assert!(run.is_ok(), "{name} fails on {}", input.display());
        }
    }
}

/// Each property is a fuzz target: a file in `fuzz/fuzz_targets/` that calls it, and a binary of
/// the fuzz crate; and each target is a property.
#[test]
fn the_fuzz_targets_are_the_properties() {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap();
    let mut files: Vec<String> = std::fs::read_dir(fuzz_dir().join("fuzz_targets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut names: Vec<String> = hookscope::fuzz::TARGETS
        .iter()
        .map(|(name, _)| format!("{name}.rs"))
        .collect();
    names.sort();
    assert_eq!(files, names);
    for (name, _) in hookscope::fuzz::TARGETS {
        let text =
            std::fs::read_to_string(fuzz_dir().join(format!("fuzz_targets/{name}.rs"))).unwrap();
        assert!(
            text.contains(&format!("hookscope::fuzz::{name}(data)")),
            "{name}.rs runs another property"
        );
        assert!(
            manifest.contains(&format!(
                "name = \"{name}\"\npath = \"fuzz_targets/{name}.rs\""
            )),
            "fuzz/Cargo.toml has no binary {name}"
        );
    }
}
