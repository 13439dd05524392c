//! The capture listener over real HTTP: bytes, heads, limits and responses as a sender sees them.

use std::time::{Duration, Instant};

use crate::common::DeliveryId as _;
use crate::common::{body_bytes, header_pairs, raw_exchange, start};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test(flavor = "multi_thread")]
async fn binary_and_invalid_utf8_bodies_round_trip_byte_exact() {
    let t = start("").await;
    let mut body: Vec<u8> = (0..=255u8).collect();
    body.extend_from_slice(b"\xff\xfe\x00\xc3\x28 not utf-8 \x80");
    let id = t.post("/hooks/bin", body.clone()).await;

    let d = t.delivery(id).await;
    assert_eq!(body_bytes(&d), body);
    assert!(d["body"].is_null(), "non-UTF-8 body has no text form");
    assert_eq!(d["body_size"], body.len());

    let raw = t
        .http
        .get(t.api_url(&format!("/api/deliveries/{id}/raw")))
        .bearer_auth(&t.token)
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 200);
    assert_eq!(raw.bytes().await.unwrap().as_ref(), &body[..]);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn headers_keep_arrival_order_case_and_duplicates() {
    let t = start("").await;
    let resp = raw_exchange(
        t.capture,
        b"POST /hooks/h HTTP/1.1\r\nHost: example.test\r\nX-Mixed-Case: 1\r\nx-second: a\r\nX-SECOND: b\r\nx-weird-VALUE: caf\xe9 \"q\"\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    )
    .await;
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    let id = t.acked_ids(&resp)[0];
    let d = t.delivery(id).await;
    let pairs = header_pairs(&d);
    let expected = [
        ("Host", "example.test"),
        ("X-Mixed-Case", "1"),
        ("x-second", "a"),
        ("X-SECOND", "b"),
        ("x-weird-VALUE", "caf\u{e9} \"q\""),
        ("Content-Length", "2"),
        ("Connection", "close"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(pairs, expected);
    assert_eq!(d["head_exact"], true);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn raw_path_and_query_are_kept() {
    let t = start("").await;
    let resp = raw_exchange(
        t.capture,
        b"PATCH /a%20b//c?x=1&x=2&y&e=%F0%9F HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    )
    .await;
    let id = t.acked_ids(&resp)[0];
    let d = t.delivery(id).await;
    assert_eq!(d["method"], "PATCH");
    assert_eq!(d["path"], "/a%20b//c");
    assert_eq!(d["query"], "x=1&x=2&y&e=%F0%9F");
    assert_eq!(d["http_version"], "HTTP/1.1");
    assert!(d["remote_addr"].as_str().unwrap().starts_with("127.0.0.1:"));
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn empty_bodies_and_every_method() {
    let t = start("").await;
    for method in [
        "GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "PROPFIND",
    ] {
        let req = format!("{method} /m HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        let resp = raw_exchange(t.capture, req.as_bytes()).await;
        assert!(resp.starts_with("HTTP/1.1 200"), "{method}: {resp}");
    }
    let (_, page) = t.api_get("/api/deliveries?limit=10").await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 7);
    assert_eq!(items[0]["method"], "PROPFIND");
    for item in items {
        assert_eq!(item["body_size"], 0);
        assert_eq!(item["truncated"], false);
    }
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn chunked_bodies_are_reassembled_and_the_next_request_keeps_its_head() {
    let t = start("").await;
    let resp = raw_exchange(
        t.capture,
        b"POST /chunked HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;ext=x\r\n,\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\nPOST /after HTTP/1.1\r\nHost: h\r\nX-After-Case: Yes\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",
    )
    .await;
    let ids = t.acked_ids(&resp);
    assert_eq!(ids.len(), 2, "{resp}");
    let first = t.delivery(ids[0]).await;
    assert_eq!(first["body"], "hello, world");
    assert_eq!(first["path"], "/chunked");
    assert!(header_pairs(&first).contains(&("Transfer-Encoding".into(), "chunked".into())));
    let second = t.delivery(ids[1]).await;
    assert_eq!(second["path"], "/after");
    assert_eq!(second["body"], "abc");
    assert_eq!(second["head_exact"], true);
    assert!(header_pairs(&second).contains(&("X-After-Case".into(), "Yes".into())));
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pipelined_requests_each_keep_their_own_head_and_body() {
    let t = start("").await;
    let mut wire = Vec::new();
    for i in 0..5 {
        let body = format!("{{\"n\":{i}}}");
        let close = if i == 4 { "Connection: close\r\n" } else { "" };
        wire.extend_from_slice(
            format!(
                "POST /p/{i} HTTP/1.1\r\nHost: h\r\nX-Req-{i}: v{i}\r\nContent-Length: {}\r\n{close}\r\n{body}",
                body.len()
            )
            .as_bytes(),
        );
    }
    let resp = raw_exchange(t.capture, &wire).await;
    let ids = t.acked_ids(&resp);
    assert_eq!(ids.len(), 5, "{resp}");
    for (i, id) in ids.iter().enumerate() {
        let d = t.delivery(*id).await;
        assert_eq!(d["path"], format!("/p/{i}"));
        assert_eq!(d["body"], format!("{{\"n\":{i}}}"));
        assert_eq!(header_pairs(&d)[1], (format!("X-Req-{i}"), format!("v{i}")));
    }
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_bodies_get_413_and_are_kept_truncated() {
    let t = start("[capture]\nmax_body = \"1 KiB\"\nkeep_truncated = \"100 B\"").await;

    // Declared length over the limit.
    let body = vec![b'x'; 5000];
    let resp = t
        .http
        .post(t.capture_url("/big"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    let ack: serde_json::Value = resp.json().await.unwrap();
    let id = t.ack_id(&ack["id"]);
    assert!(
        ack["error"].as_str().unwrap().contains("1.0 KiB limit"),
        "{ack}"
    );
    let d = t.delivery(id).await;
    assert_eq!(d["truncated"], true);
    assert_eq!(d["body_size"], 5000);
    assert_eq!(d["stored_size"], 100);
    assert_eq!(d["response_status"], 413);
    assert_eq!(body_bytes(&d), vec![b'x'; 100]);
    assert!(d["note"].as_str().unwrap().contains("capture.max_body"));

    // Chunked, so the size is only known by reading.
    let chunk = format!("{:x}\r\n{}\r\n", 600, "y".repeat(600));
    let req = format!(
        "POST /big-chunked HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n{chunk}{chunk}{chunk}0\r\n\r\n"
    );
    let resp = raw_exchange(t.capture, req.as_bytes()).await;
    assert!(resp.starts_with("HTTP/1.1 413"), "{resp}");
    let d = t.delivery(t.acked_ids(&resp)[0]).await;
    assert_eq!(d["truncated"], true);
    assert_eq!(d["stored_size"], 100);
    assert!(d["body_size"].as_u64().unwrap() > 1024);

    // A body at the limit is stored whole.
    let id = t.post("/exact", vec![b'z'; 1024]).await;
    assert_eq!(t.delivery(id).await["truncated"], false);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn expect_continue_over_the_limit_is_refused_before_the_body() {
    let t = start("[capture]\nmax_body = \"1 KiB\"").await;
    let mut stream = tokio::net::TcpStream::connect(t.capture).await.unwrap();
    stream
        .write_all(b"POST /e HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    let resp = String::from_utf8_lossy(&buf[..n]);
    assert!(resp.starts_with("HTTP/1.1 413"), "{resp}");
    let d = t.delivery(t.acked_ids(&resp)[0]).await;
    assert_eq!(d["body_size"], 100000);
    assert_eq!(d["stored_size"], 0);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn slow_bodies_time_out_with_408_and_keep_what_arrived() {
    let t = start("[capture]\nbody_read_timeout = \"300ms\"").await;
    let mut stream = tokio::net::TcpStream::connect(t.capture).await.unwrap();
    stream
        .write_all(b"POST /slow HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n0123456789")
        .await
        .unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut out))
        .await
        .unwrap()
        .unwrap();
    let resp = String::from_utf8_lossy(&out);
    assert!(resp.starts_with("HTTP/1.1 408"), "{resp}");
    let d = t.delivery(t.acked_ids(&resp)[0]).await;
    assert_eq!(d["body"], "0123456789");
    assert_eq!(d["truncated"], true);
    assert!(d["note"].as_str().unwrap().contains("body_read_timeout"));
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sender_that_hangs_up_mid_body_is_still_recorded() {
    let t = start("").await;
    {
        let mut stream = tokio::net::TcpStream::connect(t.capture).await.unwrap();
        stream
            .write_all(b"POST /cut HTTP/1.1\r\nHost: h\r\nContent-Length: 50\r\n\r\npartial")
            .await
            .unwrap();
    }
    let mut items = serde_json::Value::Null;
    for _ in 0..100 {
        let (_, page) = t.api_get("/api/deliveries").await;
        if !page["items"].as_array().unwrap().is_empty() {
            items = page["items"].clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let d = t.delivery(items[0]["id"].delivery_id(&t)).await;
    assert_eq!(d["body"], "partial");
    assert_eq!(d["truncated"], true);
    assert!(
        d["note"]
            .as_str()
            .unwrap()
            .contains("before the body was complete"),
        "{d}"
    );
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn endpoints_answer_with_their_configured_response_after_a_delay() {
    let t = start(
        r#"
        [[endpoints]]
        path = "/hooks/flaky"
        response = { status = 503, body = "try later", delay = "400ms", headers = { "Retry-After" = "7", "X-Custom" = "yes" } }
        "#,
    )
    .await;
    let started = Instant::now();
    let resp = t
        .http
        .post(t.capture_url("/hooks/flaky/evt?x=1"))
        .body("{}")
        .send()
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(resp.status(), 503);
    assert!(elapsed >= Duration::from_millis(400), "{elapsed:?}");
    assert_eq!(resp.headers()["retry-after"], "7");
    assert_eq!(resp.headers()["x-custom"], "yes");
    assert_eq!(resp.text().await.unwrap(), "try later");

    let (_, page) = t.api_get("/api/deliveries").await;
    let item = &page["items"][0];
    assert_eq!(item["endpoint"], "/hooks/flaky");
    assert_eq!(item["response_status"], 503);
    // Another path gets the default acknowledgement, at once.
    let id = t.post("/hooks/other", "{}").await;
    assert!(id > item["id"].delivery_id(&t));
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_capture_port_never_reveals_stored_data() {
    let t = start("").await;
    let secret = "s3cret-payload-value";
    let id = t.post("/hooks/a", secret).await;
    for path in [
        "/api/deliveries",
        &format!("/api/deliveries/{id}"),
        &format!("/api/deliveries/{id}/raw"),
        "/api/stream",
        "/",
    ] {
        let resp = t
            .http
            .get(t.capture_url(path))
            .bearer_auth(&t.token)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        let text = resp.text().await.unwrap();
        assert!(!text.contains(secret), "{path} leaked: {text}");
        assert_eq!(t.acked_ids(&text).len(), 1, "{path}: {text}");
    }
    t.stop().await;
}

/// Waits for the newest stored delivery (for requests whose sender gets no acknowledgement).
async fn newest(t: &crate::common::TestServer) -> serde_json::Value {
    for _ in 0..200 {
        let (_, page) = t.api_get("/api/deliveries").await;
        if let Some(item) = page["items"].get(0) {
            return t.delivery(item["id"].delivery_id(t)).await;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("nothing was stored");
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_hyper_refuses_are_recorded_with_the_reason() {
    let t = start("").await;
    let resp = raw_exchange(
        t.capture,
        b"POST /bad HTTP/1.1\r\nHost: h\r\nBad Header Name: x\r\nContent-Length: 2\r\n\r\n{}",
    )
    .await;
    assert!(resp.starts_with("HTTP/1.1 400"), "{resp}");
    let d = newest(&t).await;
    assert_eq!(d["method"], "POST");
    assert_eq!(d["path"], "/bad");
    assert_eq!(d["response_status"], 400);
    assert!(
        d["note"].as_str().unwrap().contains("not valid HTTP/1"),
        "{d}"
    );
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_head_that_never_completes_is_recorded_after_the_header_timeout() {
    let t = start("[capture]\nheader_read_timeout = \"300ms\"").await;
    let mut stream = tokio::net::TcpStream::connect(t.capture).await.unwrap();
    stream
        .write_all(b"POST /slowloris HTTP/1.1\r\nHost: h\r\nX-Partial")
        .await
        .unwrap();
    let d = newest(&t).await;
    assert_eq!(d["path"], "/slowloris");
    assert_eq!(d["response_status"], 408);
    assert!(
        d["note"].as_str().unwrap().contains("header_read_timeout"),
        "{d}"
    );
    // An idle connection that sends nothing leaves nothing behind.
    let _idle = tokio::net::TcpStream::connect(t.capture).await.unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    let (_, page) = t.api_get("/api/deliveries").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    t.stop().await;
}

/// A keep-alive connection left idle after its request, and one that never sends anything, are
/// closed once `header_read_timeout` passes: idle connections hold no descriptor for long.
#[tokio::test(flavor = "multi_thread")]
async fn idle_keep_alive_connections_are_closed_after_the_header_timeout() {
    use tokio::io::AsyncReadExt;
    let t = start("[capture]\nheader_read_timeout = \"400ms\"").await;
    let mut kept = tokio::net::TcpStream::connect(t.capture).await.unwrap();
    kept.write_all(b"POST /kept HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}")
        .await
        .unwrap();
    let mut silent = tokio::net::TcpStream::connect(t.capture).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let n = kept.read(&mut answer).await.unwrap();
    assert!(answer[..n].starts_with(b"HTTP/1.1 200"));
    let started = Instant::now();
    for conn in [&mut kept, &mut silent] {
        let mut rest = Vec::new();
        tokio::time::timeout(Duration::from_secs(5), conn.read_to_end(&mut rest))
            .await
            .expect("the server closes an idle connection")
            .unwrap();
        assert!(rest.is_empty() || rest.starts_with(b"HTTP/1.1 408"));
    }
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "not before the timeout"
    );
    t.stop().await;
}

/// A sender that writes a whole request and then shuts its write side (`nc -N`, some proxies,
/// HTTP/1.0 clients) is answered, and its delivery stored, whatever the body's size or framing.
#[tokio::test(flavor = "multi_thread")]
async fn a_sender_that_half_closes_after_its_request_is_answered_and_stored() {
    let t = start("").await;
    let big: Vec<u8> = (0..300 * 1024).map(|i| b'a' + (i % 26) as u8).collect();
    let chunked = b"POST /half/chunked HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n".to_vec();
    let mut sized = format!(
        "POST /half/big HTTP/1.1\r\nHost: h\r\nContent-Length: {}\r\n\r\n",
        big.len()
    )
    .into_bytes();
    sized.extend_from_slice(&big);
    let old = b"POST /half/old HTTP/1.0\r\nContent-Length: 2\r\n\r\nok".to_vec();
    for (request, body) in [
        (sized, big.clone()),
        (chunked, b"hello".to_vec()),
        (old, b"ok".to_vec()),
    ] {
        let mut stream = tokio::net::TcpStream::connect(t.capture).await.unwrap();
        stream.write_all(&request).await.unwrap();
        stream.shutdown().await.unwrap();
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut answer))
            .await
            .expect("answered before the server closes")
            .unwrap();
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1."), "no answer: {answer:?}");
        assert!(answer.contains(" 200 "), "{answer}");
        let ids = t.acked_ids(&answer);
        assert_eq!(ids.len(), 1, "{answer}");
        let stored = t.delivery(ids[0]).await;
        assert_eq!(body_bytes(&stored), body);
    }
    t.stop().await;
}

/// A target with bytes that are not UTF-8 is kept losslessly (the head byte-exact, the path
/// with those bytes percent-escaped, never replaced by U+FFFD), and a path prefix with
/// non-ASCII characters finds what it names.
#[tokio::test(flavor = "multi_thread")]
async fn non_utf8_and_non_ascii_paths_are_kept_and_filtered_on() {
    let t = start("").await;
    let raw = b"POST /caf\xe9/x?q=\xff HTTP/1.1\r\nHost: h\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}";
    let answer = raw_exchange(t.capture, raw).await;
    assert!(answer.starts_with("HTTP/1.1 "), "{answer}");
    let d = newest(&t).await;
    assert_eq!(d["path"], "/caf%E9/x", "{d}");
    assert_eq!(d["query"], "q=%FF");
    let id = d["id"].delivery_id(&t);
    let head = t
        .http
        .get(t.api_url(&format!("/api/export?format=jsonl&ids={id}")))
        .bearer_auth(&t.token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let record: serde_json::Value = serde_json::from_str(head.lines().next().unwrap()).unwrap();
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(record["head_base64"].as_str().unwrap())
        .unwrap();
    assert!(
        bytes.starts_with(b"POST /caf\xe9/x?q=\xff HTTP/1.1\r\n"),
        "the head keeps the bytes as sent"
    );

    let cafe = raw_exchange(
        t.capture,
        "POST /café/menu HTTP/1.1\r\nHost: h\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"
            .as_bytes(),
    )
    .await;
    assert!(cafe.starts_with("HTTP/1.1 "), "{cafe}");
    let mut found = Vec::new();
    for _ in 0..100 {
        let (status, page) = t.api_get("/api/deliveries?path=%2Fcaf%C3%A9").await;
        assert_eq!(status, 200, "{page}");
        found = crate::common::page_ids(&page);
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(found.len(), 1, "the non-ASCII prefix finds its delivery");
    let d = t.delivery(found[0]).await;
    assert_eq!(d["path"], "/café/menu");
    t.stop().await;
}

/// Connections past `capture.max_connections` are answered 503 and closed at once, the control
/// API answers all the while, and capture takes deliveries again once the holders let go.
#[tokio::test(flavor = "multi_thread")]
async fn a_connection_flood_is_refused_at_the_cap_and_the_api_still_answers() {
    let t = start("[capture]\nmax_connections = 8").await;
    let mut holders = Vec::new();
    for _ in 0..8 {
        holders.push(tokio::net::TcpStream::connect(t.capture).await.unwrap());
    }
    // Let the listener take them all before the next one.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let answer = raw_exchange(
        t.capture,
        b"POST /over HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("Retry-After: 1"), "{answer}");
    assert!(answer.contains("capture.max_connections"), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "refused at once"
    );
    let (status, _) = t.api_get("/api").await;
    assert_eq!(status, 200, "the API answers while capture is full");
    drop(holders);
    let mut stored = None;
    for _ in 0..100 {
        let resp = t.http.post(t.capture_url("/after")).body("{}").send().await;
        if let Ok(r) = resp
            && r.status() == 200
        {
            stored = Some(r);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(stored.is_some(), "capture takes deliveries again");
    t.stop().await;
}

/// Bodies arriving at once share `capture.max_in_flight`: one that would pass it is answered
/// 503 with `Retry-After` (what arrived is kept, with the reason), the others go on, and the room
/// comes back once they are stored.
#[tokio::test(flavor = "multi_thread")]
async fn bodies_in_flight_share_a_budget_and_the_one_past_it_is_refused() {
    let t = start("[capture]\nmax_body = \"1 MiB\"\nmax_in_flight = \"1 MiB\"").await;
    let part = vec![b'a'; 600 * 1024];
    let head = format!(
        "POST /slow/one HTTP/1.1\r\nHost: h\r\nContent-Length: {}\r\n\r\n",
        part.len() + 10
    );
    let mut first = tokio::net::TcpStream::connect(t.capture).await.unwrap();
    first.write_all(head.as_bytes()).await.unwrap();
    first.write_all(&part).await.unwrap();
    // The first body is arriving (600 KiB of its 600 KiB + 10 held); a second of the same size
    // does not fit beside it.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut second = head.replace("/slow/one", "/slow/two").into_bytes();
    second.extend_from_slice(&part);
    second.extend_from_slice(b"0123456789");
    let refused = raw_exchange(t.capture, &second).await;
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(
        refused.to_ascii_lowercase().contains("retry-after: 1"),
        "{refused}"
    );
    let d = newest(&t).await;
    assert_eq!(d["path"], "/slow/two");
    assert!(
        d["note"]
            .as_str()
            .unwrap()
            .contains("capture.max_in_flight"),
        "{d}"
    );
    // The first finishes and is stored; then there is room again.
    first.write_all(b"0123456789").await.unwrap();
    let mut answer = vec![0u8; 256];
    let n = tokio::time::timeout(Duration::from_secs(10), first.read(&mut answer))
        .await
        .unwrap()
        .unwrap();
    assert!(
        answer[..n].starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer[..n])
    );
    let again = t
        .http
        .post(t.capture_url("/slow/three"))
        .body(part.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    t.stop().await;
}

/// A sender's acknowledgement names its delivery by an opaque id: consecutive deliveries give
/// nothing away of the store's numbering, the API takes the id where it takes a number, and an id
/// this instance did not make names nothing.
#[tokio::test(flavor = "multi_thread")]
async fn acknowledgements_carry_an_opaque_id_the_api_resolves() {
    let t = start("").await;
    let mut acks = Vec::new();
    for i in 0..3 {
        let resp = t
            .http
            .post(t.capture_url("/opaque"))
            .body(format!("{i}"))
            .send()
            .await
            .unwrap();
        let ack: serde_json::Value = resp.json().await.unwrap();
        let id = ack["id"].as_str().expect("the id is a string").to_owned();
        assert!(
            id.len() == 34
                && id.starts_with("d_")
                && id[2..].bytes().all(|b| b.is_ascii_hexdigit()),
            "{id}"
        );
        acks.push(id);
    }
    let (_, page) = t.api_get("/api/deliveries").await;
    let numbers = crate::common::page_ids(&page);
    for (ack, number) in acks.iter().zip(numbers.iter().rev()) {
        let (status, d) = t.api_get(&format!("/api/deliveries/{ack}")).await;
        assert_eq!(status, 200, "{d}");
        assert_eq!(d["id"], *number);
        let (status, _) = t.api_get(&format!("/api/deliveries/{ack}/attempts")).await;
        assert_eq!(status, 200);
    }
    // Neighbours share no visible order.
    assert_ne!(acks[0][..8], acks[1][..8]);
    let mut forged = acks[0].clone();
    forged.replace_range(10..11, if &forged[10..11] == "0" { "1" } else { "0" });
    let (status, answer) = t.api_get(&format!("/api/deliveries/{forged}")).await;
    assert_eq!(status, 404, "{answer}");
    assert!(
        answer["error"].as_str().unwrap().contains("no delivery"),
        "{answer}"
    );
    t.stop().await;
}
