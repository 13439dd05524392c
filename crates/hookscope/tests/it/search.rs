//! Full-text search over heads and bodies, indexed in the writer's idle time.

use std::time::Duration;

use crate::common::DeliveryId as _;
use crate::common::{page_ids, start};

async fn wait_indexed(t: &crate::common::TestServer) {
    for _ in 0..400 {
        let (_, info) = t.api_get("/api").await;
        let s = &info["search"];
        if s["indexed_through"] == s["newest"] {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the search index did not catch up");
}

#[tokio::test(flavor = "multi_thread")]
async fn search_finds_words_in_bodies_and_headers() {
    let t = start("").await;
    let a = t.post("/a", "{\"note\": \"alpha bravo\"}").await;
    let b = t.post("/b", "{\"note\": \"Bravo charlie\"}").await;
    let binary = t.post("/bin", b"alpha \xff\xfe bravo".to_vec()).await;
    let resp = t
        .http
        .post(t.capture_url("/h"))
        .header("X-Trace", "zulu-7")
        .body("nothing here")
        .send()
        .await
        .unwrap();
    let h = resp.json::<serde_json::Value>().await.unwrap()["id"].delivery_id(&t);
    wait_indexed(&t).await;

    let t = &t;
    let found = |q: &str| {
        let q = q.to_owned();
        async move {
            let url =
                reqwest::Url::parse_with_params("http://x/api/deliveries", [("q", &q)]).unwrap();
            let path = format!("{}?{}", url.path(), url.query().unwrap());
            let (status, page) = t.api_get(&path).await;
            assert_eq!(status, 200, "{q}: {page}");
            page_ids(&page)
        }
    };
    assert_eq!(
        found("bravo").await,
        [b, a],
        "case-insensitive, binary bodies not indexed"
    );
    assert_eq!(found("alpha bravo").await, [a], "every word must appear");
    assert_eq!(found("zulu").await, [h], "headers are searched too");
    assert!(found("missing").await.is_empty());
    assert!(!found("alpha").await.contains(&binary));
    // FTS5 syntax in the text is taken literally, never an error.
    for q in ["\"", "AND OR NOT", "(bravo", "note:", "*", "bravo\""] {
        found(q).await;
    }

    let deleted = t
        .http
        .delete(t.api_url(&format!("/api/deliveries/{a}")))
        .bearer_auth(&t.token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(found("bravo").await, [b]);
}

/// Under captures that never pause long enough for the writer to idle, search still keeps up:
/// indexing takes its share of the writer's time between commits, so a support person
/// searching during the load finds what came in seconds ago.
#[tokio::test(flavor = "multi_thread")]
async fn search_keeps_up_while_captures_never_pause() {
    let t = start("[store]\ndurability = \"normal\"").await;
    let t = std::sync::Arc::new(t);
    let until = std::time::Instant::now() + Duration::from_secs(4);
    let mut senders = tokio::task::JoinSet::new();
    for s in 0..4 {
        let t = t.clone();
        senders.spawn(async move {
            let mut n = 0u64;
            while std::time::Instant::now() < until {
                t.post(
                    "/load",
                    format!("{{\"sender\":{s},\"n\":{n},\"word\":\"steady\"}}"),
                )
                .await;
                n += 1;
            }
            n
        });
    }
    let mut lags = Vec::new();
    while std::time::Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (_, info) = t.api_get("/api").await;
        let s = &info["search"];
        lags.push((
            s["newest"].as_i64().unwrap(),
            s["indexed_through"].as_i64().unwrap(),
        ));
    }
    let mut sent = 0;
    while let Some(n) = senders.join_next().await {
        sent += n.unwrap();
    }
    // While the load lasted, the index followed it: in the last second, it covered at least
    // half of what had arrived (with indexing only in idle time it stays near zero).
    let (newest, indexed) = *lags.last().unwrap();
    assert!(sent > 500, "the load was real: {sent} deliveries");
    assert!(
        indexed * 2 >= newest,
        "search fell behind under load: indexed through {indexed} of {newest} ({lags:?})"
    );
}

/// An empty body (SQLite's substr of an empty blob is NULL) is indexed like any other, and the
/// deliveries after it are searchable.
#[tokio::test(flavor = "multi_thread")]
async fn an_empty_body_does_not_stop_the_index() {
    let t = start("").await;
    t.post("/empty", "").await;
    let after = t.post("/after", "{\"note\": \"xylophone\"}").await;
    wait_indexed(&t).await;
    let (_, page) = t.api_get("/api/deliveries?q=xylophone").await;
    assert_eq!(page_ids(&page), [after]);
}

/// The index's segments are merged by the writer in steps of their own, never by FTS5 inside an
/// indexing transaction (a capture would wait for the whole merge): automatic merging is off,
/// and once the writer has caught up, nothing is left to merge.
#[tokio::test(flavor = "multi_thread")]
async fn the_writer_merges_the_index_itself() {
    let t = start("").await;
    // Sent one at a time, so that the writer indexes between them in many small batches: a
    // segment each, four to a level before a merge is due.
    for i in 0..400 {
        t.post("/m", format!("{{\"n\": {i}, \"word\": \"w{}\"}}", i % 7))
            .await;
        if i % 50 == 0 {
            wait_indexed(&t).await;
        }
    }
    wait_indexed(&t).await;
    let conn = rusqlite::Connection::open(t.dir.path().join("hookscope.db")).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    let automerge: i64 = conn
        .query_row(
            "SELECT v FROM search_config WHERE k = 'automerge'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(automerge, 0, "FTS5's own merging is off");
    // FTS5's test for work left: a merge step that changes fewer than two rows found none. It
    // runs in a transaction rolled back, so the store is left as the writer made it.
    let mut left = 0;
    for _ in 0..200 {
        let tx = conn.unchecked_transaction().unwrap();
        let before = tx.total_changes();
        tx.execute(
            "INSERT INTO search (search, rank) VALUES ('merge', 1000)",
            [],
        )
        .unwrap();
        left = tx.total_changes() - before;
        tx.rollback().unwrap();
        if left < 2 {
            break;
        }
        // The writer may still be merging after the last batch: give it a moment.
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(left < 2, "segments were left unmerged ({left} changes)");
    let (_, page) = t.api_get("/api/deliveries?q=w3").await;
    assert_eq!(
        page_ids(&page).len(),
        50,
        "the merged index still finds them"
    );
}
