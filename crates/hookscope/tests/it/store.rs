//! The store against a real SQLite file: group commit, retention, events.

use bytesize::ByteSize;
use hookscope::config::{Durability, RetentionConfig};
use hookscope::events::StreamEvent;
use hookscope::model::NewDelivery;
use hookscope::store::{Filter, ListParams, Store};

fn delivery(path: &str, body: &[u8]) -> NewDelivery {
    NewDelivery {
        received_at_us: hookscope::model::now_us(),
        method: "POST".into(),
        path: path.into(),
        query: None,
        http_version: "HTTP/1.1".into(),
        remote_addr: "127.0.0.1:1".into(),
        endpoint: None,
        head: format!("POST {path} HTTP/1.1\r\nHost: h\r\n\r\n").into_bytes(),
        head_exact: true,
        content_type: None,
        body: body.to_vec().into(),
        body_size: body.len() as u64,
        truncated: false,
        response_status: 200,
        note: None,
        decoded: None,
        imported: false,
        forwarded: None,
    }
}

fn ids(store: &Store) -> Vec<i64> {
    let filter = Filter {
        limit: 1000,
        ..Filter::default()
    };
    store
        .list(&filter)
        .unwrap()
        .items
        .iter()
        .map(|d| d.id)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_inserts_commit_together_and_all_get_ids() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("h.db")).unwrap();
    let (writer, thread) = store
        .start_writer(Durability::Full, &RetentionConfig::default())
        .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..500 {
        let writer = writer.clone();
        tasks.spawn(async move { writer.insert(delivery(&format!("/{i}"), b"{}")).await });
    }
    let mut got = Vec::new();
    while let Some(r) = tasks.join_next().await {
        got.push(r.unwrap().unwrap());
    }
    got.sort_unstable();
    got.dedup();
    assert_eq!(got.len(), 500);
    assert_eq!(store.count().unwrap(), 500);
    writer.close().await;
    thread.join();
    assert!(
        writer.insert(delivery("/late", b"")).await.is_err(),
        "closed writer refuses"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn retention_prunes_oldest_first_by_count_and_by_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("h.db")).unwrap();
    let retention = RetentionConfig {
        max_deliveries: 5,
        max_bytes: ByteSize::kib(10),
    };
    let (writer, _thread) = store.start_writer(Durability::Normal, &retention).unwrap();
    let mut events = writer.bus().subscribe();
    let mut inserted = Vec::new();
    for i in 0..8 {
        inserted.push(
            writer
                .insert(delivery(&format!("/c{i}"), b"small"))
                .await
                .unwrap(),
        );
    }
    let mut kept = inserted[3..].to_vec();
    kept.reverse();
    assert_eq!(ids(&store), kept);

    // Each 3 KiB body: only three fit in 10 KiB with their heads.
    for i in 0..4 {
        inserted.push(
            writer
                .insert(delivery(&format!("/b{i}"), &[b'x'; 3072]))
                .await
                .unwrap(),
        );
    }
    let mut kept = inserted[9..].to_vec();
    kept.reverse();
    assert_eq!(ids(&store), kept);

    let mut pruned = 0;
    while let Some(event) = events.try_next() {
        if let StreamEvent::Pruned { count, .. } = event {
            pruned += count;
        }
    }
    assert_eq!(pruned, 9);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delivery_larger_than_the_byte_budget_is_still_kept_until_the_next_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("h.db")).unwrap();
    let retention = RetentionConfig {
        max_deliveries: 100,
        max_bytes: ByteSize::b(100),
    };
    let (writer, _thread) = store.start_writer(Durability::Full, &retention).unwrap();
    let big = writer.insert(delivery("/big", &[0u8; 1000])).await.unwrap();
    // Acknowledged, so it must be there.
    assert!(store.get(big).unwrap().is_some());
    let next = writer.insert(delivery("/next", b"")).await.unwrap();
    assert_eq!(ids(&store), [next]);
}

#[test]
fn list_params_reject_what_they_cannot_mean() {
    let err = ListParams {
        limit: Some(5000),
        ..ListParams::default()
    }
    .parse()
    .unwrap_err();
    assert!(err.to_string().contains("limit"));
}

#[tokio::test(flavor = "multi_thread")]
async fn ids_are_never_reused_after_deletes_even_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let store = Store::open(&db).unwrap();
    let retention = RetentionConfig::default();
    let (writer, thread) = store.start_writer(Durability::Full, &retention).unwrap();
    let a = writer.insert(delivery("/a", b"")).await.unwrap();
    let b = writer.insert(delivery("/b", b"")).await.unwrap();
    assert_eq!(b, a + 1);
    assert!(writer.delete(b).await.unwrap());
    let c = writer.insert(delivery("/c", b"")).await.unwrap();
    assert_eq!(c, b + 1, "the newest id is not handed out again");
    assert_eq!(writer.delete_all().await.unwrap(), 2);
    writer.close().await;
    thread.join();
    drop(store);

    let store = Store::open(&db).unwrap();
    let (writer, _thread) = store.start_writer(Durability::Full, &retention).unwrap();
    let d = writer.insert(delivery("/d", b"")).await.unwrap();
    assert_eq!(d, c + 1, "an emptied store keeps counting after a restart");
    let e = writer.insert(delivery("/e", b"")).await.unwrap();
    assert_eq!(e, d + 1);
    assert_eq!(ids(&store), [e, d]);
}
