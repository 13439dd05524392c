//! The bare window is a fair baseline for the app's: the same size (the webview paints and holds
//! what its size asks), and a page that marks its first paint.

use serde_json::Value;

fn config(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn opens_a_window_the_size_of_the_apps_on_a_page_that_marks_its_paint() {
    let root = env!("CARGO_MANIFEST_DIR");
    let bare = config(&format!("{root}/tauri.conf.json"));
    let app = config(&format!("{root}/../../tauri.conf.json"));
    let window = |c: &Value| {
        let w = &c["app"]["windows"][0];
        (w["width"].as_f64(), w["height"].as_f64())
    };
    assert_eq!(window(&bare), window(&app));
    assert!(window(&bare).0.is_some());

    let script = std::fs::read_to_string(format!("{root}/dist/main.js")).unwrap();
    assert!(script.contains("performance.mark(\"bare:painted\")"));
    assert!(std::path::Path::new(env!("CARGO_BIN_EXE_bare_tauri")).is_file());
}
