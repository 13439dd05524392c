//! Embeds the built-in vendor data: every profile in `profiles/`, the catalogs in
//! `profiles/catalogs/`, and each vendor's documented examples in `fixtures/<vendor id>/`
//! (`<name>.json`, with the headers the vendor sends in `<name>.headers` beside it). Adding a
//! vendor is adding those files; no code names them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let profiles_dir = root.join("profiles");
    let fixtures_dir = root.join("../../fixtures");
    println!("cargo:rerun-if-changed=profiles");
    println!("cargo:rerun-if-changed=../../fixtures");

    let mut out = String::from("// Written by build.rs from profiles/ and fixtures/.\n\n");
    let profiles = json_files(&profiles_dir);
    out.push_str("/// The built-in profiles: (file name without `.json`, its text), by name.\n");
    out.push_str("pub(crate) static PROFILES: &[(&str, &str)] = &[\n");
    for (stem, path) in &profiles {
        writeln!(
            out,
            "    ({stem:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n\n");

    out.push_str("/// Event catalogs a profile imports: (`catalogs/<name>.json`, its text).\n");
    out.push_str("pub(crate) static CATALOGS: &[(&str, &str)] = &[\n");
    for (stem, path) in json_files(&profiles_dir.join("catalogs")) {
        let name = format!("catalogs/{stem}.json");
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n\n");

    out.push_str(
        "/// Documented examples: (vendor id, fixture name, its headers as `Name: value` lines,\n\
         /// its body), by vendor and name.\n",
    );
    out.push_str("pub(crate) static FIXTURES: &[(&str, &str, &str, &str)] = &[\n");
    for (vendor, _) in &profiles {
        for (name, body) in json_files(&fixtures_dir.join(vendor)) {
            let headers = body.with_extension("headers");
            let headers = if headers.exists() {
                format!("include_str!({:?})", headers.display().to_string())
            } else {
                "\"\"".to_owned()
            };
            writeln!(
                out,
                "    ({vendor:?}, {name:?}, {headers}, include_str!({:?})),",
                body.display().to_string()
            )
            .unwrap();
        }
    }
    out.push_str("];\n");

    let dest = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("builtin.rs");
    std::fs::write(dest, out).expect("cannot write builtin.rs");
}

/// The `*.json` files directly in `dir`, by name: (name without `.json`, absolute path).
fn json_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<(String, PathBuf)> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"))
        .filter_map(|p| {
            let stem = p.file_stem()?.to_str()?.to_owned();
            let abs = std::fs::canonicalize(&p).ok()?;
            Some((stem, abs))
        })
        .collect();
    files.sort();
    files
}
