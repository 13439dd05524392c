//! An instance without the control API, as the desktop app runs it: the capture listener's state
//! when its port is taken, moving it to the offered port, and the operations over the store.

use std::time::Duration;

use hookscope::config::Config;
use hookscope::server::{Instance, InstanceSetup};
use hookscope::store::ListParams;

async fn open(dir: &tempfile::TempDir) -> Instance {
    Instance::open(InstanceSetup {
        config: Config::default(),
        db: dir.path().join("hookscope.db"),
        data_dir: dir.path().to_owned(),
        config_path: dir.path().join("hookscope.toml"),
    })
    .await
    .expect("instance opens")
}

#[tokio::test]
async fn a_taken_port_is_reported_with_a_free_one_to_use_instead() {
    let dir = tempfile::tempdir().unwrap();
    let instance = open(&dir).await;
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = taken.local_addr().unwrap();

    let err = instance
        .listen_capture(addr)
        .await
        .err()
        .expect("the port is taken");
    assert!(err.to_string().contains("already in use"), "{err}");
    let status = instance.control.capture().status();
    assert!(!status.listening);
    assert_eq!(status.addr, addr.to_string());
    assert!(
        status.error.as_deref().unwrap().contains("already in use"),
        "{status:?}"
    );
    let info = instance.control.info().await.unwrap();
    assert_eq!(info.capture_url, "", "no capture URL while not listening");

    let offered: std::net::SocketAddr = status.suggestion.expect("a free port").parse().unwrap();
    assert_ne!(offered, addr);
    let listener = instance
        .listen_capture(offered)
        .await
        .expect("offered port binds");
    let status = instance.control.capture().status();
    assert!(status.listening && status.error.is_none(), "{status:?}");
    assert_eq!(
        status.url.as_deref(),
        Some(format!("http://{offered}/").as_str())
    );

    // A delivery to the new port is stored and announced to subscribers.
    let mut events = instance.control.subscribe();
    let answer = reqwest::Client::new()
        .post(format!("http://{offered}/hooks/moved"))
        .body(r#"{"hello":"desktop"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let event = tokio::time::timeout(Duration::from_secs(10), events.next())
        .await
        .expect("an event")
        .unwrap();
    assert!(
        matches!(event, hookscope::events::StreamEvent::Delivery { .. }),
        "{event:?}"
    );
    let page = instance
        .control
        .list(ListParams::from_query("path=/hooks").unwrap())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].path, "/hooks/moved");

    listener.stop().await;
    let status = instance.control.capture().status();
    assert!(!status.listening && status.url.is_none(), "{status:?}");
    instance.shutdown().await;
}

#[tokio::test]
async fn operations_report_what_is_wrong_with_a_status() {
    let dir = tempfile::tempdir().unwrap();
    let instance = open(&dir).await;
    let missing = instance.control.get_delivery(42).await.err().unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(
        serde_json::to_value(&missing).unwrap(),
        serde_json::json!({"status": 404, "message": "no delivery with id 42"})
    );
    let bad = ListParams::from_query("signature=maybe").err().unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.to_string().contains("signature"), "{bad}");
    let unknown = ListParams::from_query("colour=red").err().unwrap();
    assert!(unknown.to_string().contains("colour"), "{unknown}");

    // No capture listener: a sample has nowhere to go, and says so.
    let sample = instance
        .control
        .send_sample(Default::default())
        .await
        .err()
        .unwrap();
    assert_eq!(sample.status(), 502);
    assert!(sample.to_string().contains("not running"), "{sample}");
    instance.shutdown().await;
}
