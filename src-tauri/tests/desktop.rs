//! The shell's state behind its commands, against a real store in a temporary data directory
//! and real listeners on loopback: moving the capture listener, the desktop settings, the API
//! switch, and instance ids per data directory.

use hookscope::config::{Config, DesktopConfig};
use hookscope_desktop::{Boot, Desktop};

fn boot(dir: &tempfile::TempDir, capture: &str) -> Boot {
    let mut config = Config::default();
    config.capture.addr = capture.parse().unwrap();
    config.api.addr = "127.0.0.1:0".parse().unwrap();
    Boot {
        data_dir: dir.path().to_owned(),
        config_path: dir.path().join("hookscope.toml"),
        config,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn moving_the_capture_listener_is_remembered_in_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let desktop = Desktop::start(boot(&dir, &taken.local_addr().unwrap().to_string()))
        .await
        .expect("starts although the port is taken");
    let status = desktop.control.capture().status();
    assert!(!status.listening, "{status:?}");
    let offered: std::net::SocketAddr = status.suggestion.unwrap().parse().unwrap();

    let status = desktop.move_capture(offered).await.unwrap();
    assert!(status.listening);
    let answer = reqwest::Client::new()
        .post(format!("http://{offered}/hooks/a"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(desktop.control.info().await.unwrap().deliveries, 1);

    let written = Config::load(&dir.path().join("hookscope.toml"), true).unwrap();
    assert_eq!(
        written.capture.addr, offered,
        "the next start listens there"
    );

    // Moving to a taken port fails and keeps the current listener.
    let err = desktop
        .move_capture(taken.local_addr().unwrap())
        .await
        .expect_err("taken");
    assert!(err.to_string().contains("already in use"), "{err}");
    let answer = reqwest::Client::new()
        .post(format!("http://{offered}/hooks/b"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200, "the old listener still serves");
    desktop.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_control_api_runs_only_when_turned_on_and_needs_its_token() {
    let dir = tempfile::tempdir().unwrap();
    let desktop = Desktop::start(boot(&dir, "127.0.0.1:0")).await.unwrap();
    let off = desktop.describe().await;
    assert!(!off.api && off.api_url.is_none());

    let on = desktop
        .save_settings(DesktopConfig {
            tray: false,
            api: true,
        })
        .await
        .unwrap();
    let url = on.api_url.expect("the API runs");
    let (base, token) = url.split_once("?token=").unwrap();
    let http = reqwest::Client::new();
    assert_eq!(http.get(base).send().await.unwrap().status(), 401);
    let answer = http.get(&url).send().await.unwrap();
    assert_eq!(answer.status(), 200, "the address shown works as it is");
    let answer = http.get(base).bearer_auth(token).send().await.unwrap();
    assert_eq!(answer.status(), 200);

    let off = desktop
        .save_settings(DesktopConfig {
            tray: false,
            api: false,
        })
        .await
        .unwrap();
    assert!(off.api_url.is_none());
    assert!(http.get(base).send().await.is_err(), "the listener is gone");
    let written = Config::load(&dir.path().join("hookscope.toml"), true).unwrap();
    assert_eq!(
        written.desktop,
        DesktopConfig {
            tray: false,
            api: false
        }
    );
    desktop.shutdown().await;
}

#[test]
fn instance_ids_differ_per_data_directory_and_are_valid_dbus_names() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let id_a = hookscope_desktop::instance_id("dev.hookscope.app", a.path());
    let id_b = hookscope_desktop::instance_id("dev.hookscope.app", b.path());
    assert_ne!(id_a, id_b);
    assert_eq!(
        id_a,
        hookscope_desktop::instance_id("dev.hookscope.app", a.path())
    );
    for element in id_a.split('.') {
        assert!(!element.is_empty() && !element.starts_with(|c: char| c.is_ascii_digit()));
        assert!(
            element
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        );
    }
}

/// `commands.txt` is the one list of the window's commands: build.rs registers each handler and
/// permission from it; the capability must grant exactly those, and `src/commands.rs` must
/// define exactly those (the UI's side is checked by `ui/src/api/commands.test.ts`).
#[test]
fn the_capability_and_the_command_definitions_match_the_command_list() {
    use std::collections::BTreeSet;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let listed: BTreeSet<&str> = hookscope_desktop::COMMANDS.iter().copied().collect();
    assert!(listed.len() > 20, "{listed:?}");

    let capability: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("capabilities/main.json")).unwrap(),
    )
    .unwrap();
    let granted: BTreeSet<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(str::to_owned))
        .collect();
    let wanted: BTreeSet<String> = listed.iter().map(|c| c.replace('_', "-")).collect();
    assert_eq!(
        granted, wanted,
        "capabilities/main.json must grant `allow-<name>` for each command in commands.txt, and nothing else"
    );

    let source = std::fs::read_to_string(root.join("src/commands.rs")).unwrap();
    let mut defined = BTreeSet::new();
    let mut lines = source.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "#[tauri::command]" {
            let signature = lines.next().unwrap_or_default();
            let name = signature
                .trim()
                .trim_start_matches("pub ")
                .trim_start_matches("async ")
                .trim_start_matches("fn ")
                .split(['(', '<'])
                .next()
                .unwrap_or_default()
                .to_owned();
            defined.insert(name);
        }
    }
    let defined: BTreeSet<&str> = defined.iter().map(String::as_str).collect();
    assert_eq!(
        defined, listed,
        "src/commands.rs must define a #[tauri::command] for each name in commands.txt, and no others"
    );
}
