//! The control API over real HTTP: token and Host checks, paging, filters, deletes, the stream.

use std::time::Duration;

use crate::common::DeliveryId as _;
use crate::common::start;
use futures_util::StreamExt;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread")]
async fn the_token_is_required_from_header_or_query() {
    let t = start("").await;
    let url = t.api_url("/api/deliveries");
    let status = |r: reqwest::Response| r.status().as_u16();

    let none = t.http.get(&url).send().await.unwrap();
    assert_eq!(none.status(), 401);
    // Refusals are JSON that is never sniffed or framed, like every answer.
    assert_eq!(none.headers()["x-content-type-options"], "nosniff");
    assert!(
        none.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    let body: Value = none.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("Authorization: Bearer")
    );
    assert_eq!(
        status(t.http.get(&url).bearer_auth("wrong").send().await.unwrap()),
        401
    );
    let ok = t.http.get(&url).bearer_auth(&t.token).send().await.unwrap();
    assert_eq!(ok.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        ok.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
    assert_eq!(status(ok), 200);
    // The scheme is case-insensitive (RFC 9110).
    for scheme in ["bearer", "BEARER", "bEaReR"] {
        let r = t
            .http
            .get(&url)
            .header("Authorization", format!("{scheme} {}", t.token))
            .send()
            .await
            .unwrap();
        assert_eq!(status(r), 200, "{scheme}");
    }
    let with_query = format!("{url}?token={}&limit=5", t.token);
    assert_eq!(status(t.http.get(&with_query).send().await.unwrap()), 200);
    assert_eq!(
        status(
            t.http
                .get(format!("{url}?token=nope"))
                .send()
                .await
                .unwrap()
        ),
        401
    );
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn foreign_host_and_origin_are_refused() {
    let t = start("").await;
    let url = t.api_url("/api/deliveries");
    let get = |host: Option<&str>, origin: Option<&str>| {
        let mut req = t.http.get(&url).bearer_auth(&t.token);
        if let Some(h) = host {
            req = req.header("Host", h);
        }
        if let Some(o) = origin {
            req = req.header("Origin", o);
        }
        req.send()
    };
    let port = t.api.port();
    let rebinding = get(Some(&format!("attacker.example:{port}")), None)
        .await
        .unwrap();
    assert_eq!(rebinding.status(), 403);
    let body: Value = rebinding.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("attacker.example"));
    assert_eq!(
        get(Some(&format!("localhost:{port}")), None)
            .await
            .unwrap()
            .status(),
        200
    );
    let page = format!("http://localhost:{port}");
    assert_eq!(get(None, Some(&page)).await.unwrap().status(), 200);
    assert_eq!(
        get(None, Some("https://evil.example"))
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(get(None, Some("null")).await.unwrap().status(), 403);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_walk_newest_first_by_cursor_without_gaps() {
    let t = start("").await;
    let mut ids = Vec::new();
    for i in 0..7 {
        ids.push(t.post(&format!("/p/{i}"), format!("{i}")).await);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<i64> = None;
    let mut pages = 0;
    loop {
        let path = match cursor {
            Some(c) => format!("/api/deliveries?limit=3&before={c}"),
            None => "/api/deliveries?limit=3".to_owned(),
        };
        let (status, page) = t.api_get(&path).await;
        assert_eq!(status, 200);
        pages += 1;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["id"].delivery_id(&t)),
        );
        match page["next_cursor"].as_i64() {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    ids.reverse();
    assert_eq!(seen, ids);
    assert_eq!(pages, 3);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn windows_by_offset_count_totals_and_read_what_came_after() {
    let t = start("").await;
    let mut ids = Vec::new();
    for i in 0..9 {
        let method = if i % 3 == 0 { "PUT" } else { "POST" };
        let id = t
            .http
            .request(method.parse().unwrap(), t.capture_url(&format!("/w/{i}")))
            .body(format!("{i}"))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()["id"]
            .delivery_id(&t);
        ids.push(id);
    }
    let ids_of = |page: &Value| -> Vec<i64> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].delivery_id(&t))
            .collect()
    };
    // Anchored at the row below the newest, a window four rows down.
    let anchor = ids[7];
    let (status, page) = t
        .api_get(&format!(
            "/api/deliveries?through={anchor}&offset=4&limit=2&total=true"
        ))
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(ids_of(&page), vec![ids[3], ids[2]]);
    assert_eq!(page["total"], 8);
    let (_, page) = t
        .api_get(&format!("/api/deliveries?before={anchor}&limit=2"))
        .await;
    assert_eq!(ids_of(&page), vec![ids[6], ids[5]]);
    // A cursor naming no stored delivery is refused, saying why.
    let (status, page) = t.api_get("/api/deliveries?before=999999").await;
    assert_eq!(status, 400, "{page}");
    assert!(
        page.to_string().contains("delivery 999999 is not stored"),
        "{page}"
    );
    // Past the end: empty, total still given.
    let (_, page) = t.api_get("/api/deliveries?offset=40&total=true").await;
    assert_eq!(ids_of(&page), Vec::<i64>::new());
    assert_eq!(page["total"], 9);
    // Totals with a facet filter (kept counts) and with a path filter (counted).
    let (_, page) = t
        .api_get("/api/deliveries?method=put&total=true&limit=1")
        .await;
    assert_eq!(page["total"], 3);
    assert_eq!(ids_of(&page), vec![ids[6]]);
    let (_, page) = t
        .api_get("/api/deliveries?method=post&path=/w/&offset=1&limit=1&total=true")
        .await;
    assert_eq!(page["total"], 6);
    assert_eq!(ids_of(&page), vec![ids[7]]);
    // What arrived since the anchor.
    let (_, page) = t
        .api_get(&format!("/api/deliveries?after={}&total=true", ids[6]))
        .await;
    assert_eq!(ids_of(&page), vec![ids[8], ids[7]]);
    assert_eq!(page["total"], 2);
    // Without the flag, no total.
    let (_, page) = t.api_get("/api/deliveries?limit=1").await;
    assert!(page.get("total").is_none(), "{page}");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_by_method_path_endpoint_and_time() {
    let t = start("[[endpoints]]\npath = \"/hooks/stripe\"").await;
    let a = t.post("/hooks/stripe/1", "a").await;
    let b = t.post("/hooks/github", "b").await;
    let c = t
        .http
        .put(t.capture_url("/hooks/stripe/2"))
        .body("c")
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["id"]
        .delivery_id(&t);
    let ids = crate::common::page_ids;

    let (_, p) = t.api_get("/api/deliveries?method=put").await;
    assert_eq!(ids(&p), [c]);
    let (_, p) = t.api_get("/api/deliveries?path=/hooks/stripe").await;
    assert_eq!(ids(&p), [c, a]);
    let (_, p) = t.api_get("/api/deliveries?endpoint=/hooks/stripe").await;
    assert_eq!(ids(&p), [c, a]);
    let (_, p) = t.api_get("/api/deliveries?path=/hooks/git").await;
    assert_eq!(ids(&p), [b]);

    let first = t.delivery(a).await;
    let since = first["received_at"].as_str().unwrap();
    let (_, p) = t.api_get(&format!("/api/deliveries?until={since}")).await;
    assert!(ids(&p).is_empty());
    let (_, p) = t.api_get(&format!("/api/deliveries?since={since}")).await;
    assert_eq!(ids(&p), [c, b, a]);
    let (_, p) = t.api_get("/api/deliveries?since=1h").await;
    assert_eq!(ids(&p).len(), 3);
    // Any RFC 3339 form: an offset instead of Z, with or without fractions; and plain dates
    // (since a day: from its local midnight; until a day: through its end).
    let us = first["received_at_us"].as_i64().unwrap();
    let later = jiff::Timestamp::from_microsecond(us + 1).unwrap();
    let plus_one = format!(
        "{}+01:00",
        later
            .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(1)))
            .datetime()
    );
    let (status, p) = t
        .api_get(&format!(
            "/api/deliveries?until={}",
            plus_one.replace('+', "%2B")
        ))
        .await;
    assert_eq!(status, 200, "{plus_one}: {p}");
    assert_eq!(ids(&p), [a], "{plus_one}");
    let today = jiff::Zoned::now().date().to_string();
    let (status, p) = t
        .api_get(&format!("/api/deliveries?since={today}&until={today}"))
        .await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(ids(&p), [c, b, a]);

    let (status, err) = t.api_get("/api/deliveries?since=yesterday").await;
    assert_eq!(status, 400);
    assert!(
        err["error"]
            .as_str()
            .unwrap()
            .contains("a date (2026-11-30)"),
        "{err}"
    );
    let (status, err) = t.api_get("/api/deliveries?colour=red").await;
    assert_eq!(status, 400);
    assert!(err["error"].as_str().unwrap().contains("colour"), "{err}");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_one_then_all() {
    let t = start("").await;
    let a = t.post("/a", "a").await;
    let b = t.post("/b", "b").await;
    let delete = |path: String| t.http.delete(t.api_url(&path)).bearer_auth(&t.token).send();

    assert_eq!(
        delete(format!("/api/deliveries/{a}"))
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        delete(format!("/api/deliveries/{a}"))
            .await
            .unwrap()
            .status(),
        404
    );
    let (status, _) = t.api_get(&format!("/api/deliveries/{a}")).await;
    assert_eq!(status, 404);
    t.delivery(b).await;

    let all: Value = delete("/api/deliveries".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all["deleted"], 1);
    let (_, page) = t.api_get("/api/deliveries").await;
    assert!(page["items"].as_array().unwrap().is_empty());
    // Ids are not reused after a delete.
    assert!(t.post("/c", "c").await > b);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn raw_bodies_download_sandboxed_with_their_content_type() {
    let t = start("").await;
    let html = "<script>alert(1)</script>";
    let resp = t
        .http
        .post(t.capture_url("/x"))
        .header("Content-Type", "text/html")
        .body(html)
        .send()
        .await
        .unwrap();
    let id = t.ack_id(&resp.json::<Value>().await.unwrap()["id"]);
    let raw = t
        .http
        .get(t.api_url(&format!("/api/deliveries/{id}/raw")))
        .bearer_auth(&t.token)
        .send()
        .await
        .unwrap();
    let h = raw.headers().clone();
    assert_eq!(h["content-type"], "text/html");
    assert!(
        h["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(raw.text().await.unwrap(), html);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_stream_announces_each_delivery_as_it_commits() {
    let t = start("").await;
    let resp = t
        .http
        .get(t.api_url("/api/stream"))
        .bearer_auth(&t.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let mut stream = resp.bytes_stream();
    let mut text = String::new();
    // The stream says it is ready before anything is posted, so no event can be missed.
    while !text.contains(r#"data: {"type":"ready"}"#) {
        text.push_str(&String::from_utf8_lossy(
            &stream.next().await.unwrap().unwrap(),
        ));
    }
    let id = t.post("/hooks/live", "{\"live\":true}").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !text.contains(r#"data: {"type":"delivery""#) {
        let chunk = tokio::time::timeout_at(deadline, stream.next())
            .await
            .expect("a delivery event arrives")
            .unwrap()
            .unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    // One shape on both transports: unnamed messages whose JSON carries the type.
    assert!(!text.contains("event:"), "{text}");
    let data = text
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .find(|d| d.starts_with(r#"{"type":"delivery""#))
        .unwrap();
    let event: Value = serde_json::from_str(data).unwrap();
    assert_eq!(event["type"], "delivery");
    assert_eq!(event["delivery"]["id"], id);
    assert_eq!(event["delivery"]["path"], "/hooks/live");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_ids_and_routes_are_json_errors() {
    let t = start("").await;
    let (status, body) = t.api_get("/api/deliveries/999").await;
    assert_eq!(status, 404);
    assert!(body["error"].as_str().unwrap().contains("999"));
    let (status, body) = t.api_get("/api/nothing-here").await;
    assert_eq!(status, 404);
    assert!(body["error"].as_str().unwrap().contains("docs/api.md"));
    let (status, body) = t.api_get("/api").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["name"], "hookscope");
    assert_eq!(body["capture_url"], format!("http://{}/", t.capture));
    assert_eq!(body["capture"]["listening"], true);
    assert_eq!(
        body["capture"]["forward"],
        Value::Null,
        "no forward unless asked"
    );
    t.stop().await;
}

/// The count of `value` in one facet list of `/api/facets`.
fn facet(facets: &Value, list: &str, value: Option<&str>) -> u64 {
    facets[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["value"].as_str() == value)
        .map_or(0, |f| f["count"].as_u64().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn facets_count_what_the_filters_would_select_and_follow_deletes() {
    let t =
        start("[[endpoints]]\npath = \"/hooks/stripe\"\nvendor = \"stripe\"\nsecrets = [\"s\"]\n")
            .await;
    let stripe = |n: u32| {
        format!(
            r#"{{"id":"evt_{n}","object":"event","type":"invoice.paid","created":1800000000,"data":{{"object":{{}}}}}}"#
        )
    };
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(t.post("/hooks/stripe", stripe(n)).await);
    }
    t.post("/hooks/stripe", stripe(0)).await; // a retry
    t.post("/elsewhere", "plain text").await;

    let (status, all) = t.api_get("/api/facets").await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(all["total"], 5);
    assert_eq!(facet(&all, "vendors", Some("stripe")), 4);
    assert_eq!(facet(&all, "vendors", None), 1);
    assert_eq!(facet(&all, "signatures", Some("missing")), 4);
    assert_eq!(facet(&all, "duplicates", Some("retry")), 1);
    assert_eq!(facet(&all, "methods", Some("POST")), 5);
    let types = all["event_types"].as_array().unwrap();
    assert!(
        types
            .iter()
            .any(|f| f["value"] == "invoice.paid" && f["vendor"] == "stripe" && f["count"] == 4),
        "{types:?}"
    );

    // The same filters as the list narrow the counts.
    let (_, filtered) = t.api_get("/api/facets?duplicate=first&vendor=stripe").await;
    assert_eq!(filtered["total"], 3);
    // Each facet counts under the *other* filters: the duplicate facet still offers the
    // retry among stripe's deliveries, and the vendor facet counts only first arrivals.
    assert_eq!(facet(&filtered, "duplicates", Some("first")), 3);
    assert_eq!(facet(&filtered, "duplicates", Some("retry")), 1);
    assert_eq!(facet(&filtered, "duplicates", None), 0, "not stripe's");
    assert_eq!(facet(&filtered, "vendors", Some("stripe")), 3);
    assert_eq!(facet(&filtered, "vendors", None), 0, "no duplicate kind");
    assert_eq!(facet(&filtered, "signatures", Some("missing")), 3);
    // A count is what clicking it lists: its own choice replaced, the others kept.
    for (list, query) in [
        ("duplicates", "vendor=stripe&duplicate="),
        ("vendors", "duplicate=first&vendor="),
        ("signatures", "duplicate=first&vendor=stripe&signature="),
    ] {
        for f in filtered[list].as_array().unwrap() {
            let value = f["value"].as_str().unwrap();
            let (_, page) = t
                .api_get(&format!("/api/deliveries?total=true&{query}{value}"))
                .await;
            assert_eq!(page["total"], f["count"], "{list} {value}: {page}");
        }
    }
    let (_, by_vendor) = t.api_get("/api/facets?vendor=stripe").await;
    assert_eq!(
        facet(&by_vendor, "vendors", None),
        1,
        "its own choice ignored"
    );
    assert_eq!(facet(&by_vendor, "signatures", Some("missing")), 4);
    assert_eq!(
        facet(&by_vendor, "signatures", None),
        0,
        "the other vendor's"
    );
    // Other filters count the matching rows themselves, and agree.
    let (_, counted) = t
        .api_get("/api/facets?duplicate=first&vendor=stripe&since=1h")
        .await;
    assert_eq!(counted, filtered);
    let (_, by_path) = t.api_get("/api/facets?path=/elsewhere").await;
    assert_eq!(by_path["total"], 1);
    assert_eq!(facet(&by_path, "vendors", None), 1);
    let (_, any) = t.api_get("/api/facets?duplicate=any").await;
    assert_eq!(any["total"], 1);

    // Deletes are counted out.
    let del = t
        .http
        .delete(t.api_url(&format!("/api/deliveries/{}", ids[1])))
        .bearer_auth(&t.token)
        .send()
        .await
        .unwrap();
    assert!(del.status().is_success());
    let (_, after) = t.api_get("/api/facets").await;
    assert_eq!(after["total"], 4);
    assert_eq!(facet(&after, "vendors", Some("stripe")), 3);

    let (status, bad) = t.api_get("/api/facets?signature=purple").await;
    assert_eq!(status, 400, "{bad}");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pins_are_kept_listed_and_announced() {
    let t = start("").await;
    let a = t.post("/p/a", "a").await;
    let b = t.post("/p/b", "b").await;
    let mut stream = t
        .http
        .get(t.api_url("/api/stream"))
        .bearer_auth(&t.token)
        .send()
        .await
        .unwrap()
        .bytes_stream();
    let pin = |id: i64, pinned: bool| {
        t.http
            .put(t.api_url(&format!("/api/deliveries/{id}/pin")))
            .bearer_auth(&t.token)
            .json(&serde_json::json!({ "pinned": pinned }))
            .send()
    };
    assert_eq!(pin(a, true).await.unwrap().status(), 204);
    assert_eq!(pin(9999, true).await.unwrap().status(), 404);
    let bad = t
        .http
        .put(t.api_url(&format!("/api/deliveries/{a}/pin")))
        .bearer_auth(&t.token)
        .json(&serde_json::json!({ "pin": "yes" }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    let (_, page) = t.api_get("/api/deliveries?pinned=true").await;
    assert_eq!(crate::common::page_ids(&page), vec![a]);
    assert_eq!(page["items"][0]["pinned"], true);
    let (_, page) = t.api_get("/api/deliveries?pinned=false").await;
    assert_eq!(crate::common::page_ids(&page), vec![b]);
    assert_eq!(t.delivery(a).await["pinned"], true);

    let mut seen = String::new();
    tokio::time::timeout(Duration::from_secs(5), async {
        while !seen.contains(r#"{"type":"pinned""#) {
            let chunk = stream.next().await.unwrap().unwrap();
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .expect("a pinned event on the stream");
    assert!(
        seen.contains(&format!("\"id\":{a},\"pinned\":true")),
        "{seen}"
    );
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn retention_spares_pinned_deliveries() {
    let t = start("[retention]\nmax_deliveries = 3").await;
    let first = t.post("/r/0", "0").await;
    let status = t
        .http
        .put(t.api_url(&format!("/api/deliveries/{first}/pin")))
        .bearer_auth(&t.token)
        .json(&serde_json::json!({ "pinned": true }))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 204);
    let mut ids = vec![first];
    for i in 1..6 {
        ids.push(t.post(&format!("/r/{i}"), format!("{i}")).await);
    }
    let (_, page) = t.api_get("/api/deliveries").await;
    let kept = crate::common::page_ids(&page);
    assert!(kept.contains(&first), "the pinned one is kept: {kept:?}");
    assert!(
        !kept.contains(&ids[1]),
        "the oldest unpinned one is pruned: {kept:?}"
    );
    assert_eq!(crate::common::body_bytes(&t.delivery(first).await), b"0");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sample_goes_through_the_capture_port_signed_with_the_endpoint_secret() {
    let t = start(
        "[[endpoints]]\npath = \"/hooks/cooledge\"\nvendor = \"cooledge\"\nsecrets = [\"s3cret\"]",
    )
    .await;
    let send = |body: Value| {
        t.http
            .post(t.api_url("/api/samples"))
            .bearer_auth(&t.token)
            .json(&body)
            .send()
    };
    let sent: Value = send(serde_json::json!({ "vendor": "cooledge" }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sent["path"], "/hooks/cooledge");
    assert_eq!(sent["status"], 200);
    let d = t.delivery(sent["id"].delivery_id(&t)).await;
    assert_eq!(d["vendor"], "cooledge");
    assert_eq!(d["signature"]["status"], "valid", "{d}");
    assert_eq!(d["endpoint"], "/hooks/cooledge");

    // Without an endpoint for the vendor: a sample endpoint is added with a test secret, so the
    // sample arrives verified, and it is kept in the config like any endpoint.
    let sent: Value = send(serde_json::json!({ "vendor": "github" }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sent["path"], "/sample/github");
    let d = t.delivery(sent["id"].delivery_id(&t)).await;
    assert_eq!(d["vendor"], "github");
    assert_eq!(d["signature"]["status"], "valid", "{d}");
    let (_, endpoints) = t.api_get("/api/endpoints").await;
    assert!(
        endpoints["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"] == "/sample/github" && e["vendor"] == "github"),
        "{endpoints}"
    );
    let config = std::fs::read_to_string(t.dir.path().join("hookscope.toml")).unwrap();
    assert!(config.contains("/sample/github"), "{config}");
    // The next sample of that vendor goes to the same endpoint; no second one is added.
    let again: Value = send(serde_json::json!({ "vendor": "github" }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["path"], "/sample/github");
    let (_, endpoints) = t.api_get("/api/endpoints").await;
    assert_eq!(
        endpoints["items"].as_array().unwrap().len(),
        2,
        "{endpoints}"
    );

    let refused = send(serde_json::json!({ "vendor": "nobody" }))
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let err: Value = refused.json().await.unwrap();
    assert!(err["error"].as_str().unwrap().contains("cooledge"), "{err}");
    let (_, info) = t.api_get("/api").await;
    assert_eq!(info["samples"][0], "cooledge");
    t.stop().await;
}

/// Test events: a chosen event sent twice (the second a retry of the first), one altered after
/// signing (refused by the real check), one to a handler that is down, and the catalog.
#[tokio::test(flavor = "multi_thread")]
async fn test_events_exercise_dedupe_and_signature_checks() {
    let t = start(
        "[[endpoints]]\npath = \"/hooks/cooledge\"\nvendor = \"cooledge\"\nsecrets = [\"s3cret\"]",
    )
    .await;
    let send = |body: Value| {
        let req = t
            .http
            .post(t.api_url("/api/samples"))
            .bearer_auth(&t.token)
            .json(&body);
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let sent = send(json!({ "vendor": "cooledge", "event": "job.completed", "dup": true })).await;
    assert_eq!(sent["event"], "job.completed", "{sent}");
    assert_eq!(
        sent["signed_with"],
        "the secret of endpoint /hooks/cooledge"
    );
    let answers = sent["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 2, "{sent}");
    let ids: Vec<i64> = answers
        .iter()
        .map(|a| {
            assert_eq!(a["status"], 200, "{a}");
            serde_json::from_str::<Value>(a["body"].as_str().unwrap()).unwrap()["id"]
                .delivery_id(&t)
        })
        .collect();
    let second = t.delivery(ids[1]).await;
    assert_eq!(second["event"]["type"], "job.completed");
    assert_eq!(second["signature"]["status"], "valid", "{second}");
    assert_eq!(second["duplicate"]["kind"], "retry", "{second}");
    assert_eq!(second["duplicate"]["first_id"], ids[0]);

    // To a URL (here the capture port itself), altered after signing.
    let sent = send(json!({
        "vendor": "cooledge",
        "tamper": true,
        "to": t.capture_url("/hooks/cooledge"),
    }))
    .await;
    assert_eq!(sent["tampered"], true);
    assert_eq!(sent["id"], Value::Null, "sent to a URL: no id of ours");
    let id =
        serde_json::from_str::<Value>(sent["answers"][0]["body"].as_str().unwrap()).unwrap()["id"]
            .delivery_id(&t);
    let d = t.delivery(id).await;
    assert_eq!(d["signature"]["status"], "invalid", "{d}");
    assert!(crate::common::body_bytes(&d).starts_with(br#"{"tampered":true,"#));

    // A handler that is down: the reason, not an API error.
    let sent = send(json!({ "vendor": "leadron", "to": "http://127.0.0.1:9/hooks" })).await;
    assert_eq!(sent["status"], 0);
    assert!(
        sent["answers"][0]["error"]
            .as_str()
            .unwrap()
            .contains("connection refused"),
        "{sent}"
    );

    let (status, catalog) = t.api_get("/api/samples").await;
    assert_eq!(status, 200);
    let items = catalog["items"].as_array().unwrap();
    assert_eq!(items[0]["vendor"], "cooledge");
    assert!(
        items
            .contains(&json!({ "vendor": "event-timestamp-payload", "event": "payment.received" }))
    );
    assert!(items.contains(&json!({ "vendor": "shopify", "event": "orders/create" })));
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn compressed_bodies_are_stored_as_sent_and_shown_decoded() {
    use std::io::Write;
    let t = start("").await;
    let json = br#"{"event":"lead.won","payload":{"id":1}}"#;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(json).unwrap();
    let compressed = gz.finish().unwrap();
    let id = t
        .http
        .post(t.capture_url("/gz"))
        .header("Content-Encoding", "gzip")
        .header("Content-Type", "application/json")
        .body(compressed.clone())
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["id"]
        .delivery_id(&t);
    let d = t.delivery(id).await;
    assert_eq!(crate::common::body_bytes(&d), compressed);
    assert_eq!(d["decoded"]["encoding"], "gzip");
    assert_eq!(
        d["decoded"]["text"].as_str().unwrap().as_bytes(),
        json.as_slice()
    );
    let plain = t.post("/plain", "x").await;
    assert!(t.delivery(plain).await["decoded"].is_null());
    t.stop().await;
}

/// A compression bomb (200 MB of zeros in 200 KB of gzip) read by four readers at once: each
/// gets the body decoded up to the cap and told where it stopped, one decoding serves them all,
/// and the capture port answers meanwhile.
#[tokio::test(flavor = "multi_thread")]
async fn a_compression_bomb_read_in_parallel_costs_one_capped_decoding() {
    use std::io::Write;
    let t = std::sync::Arc::new(start("[capture]\nmax_body = \"16 MiB\"").await);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![b'0'; 1 << 20];
    for _ in 0..200 {
        gz.write_all(&zeros).unwrap();
    }
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 1 << 20, "a bomb: {} bytes", bomb.len());
    let id = t
        .http
        .post(t.capture_url("/bomb"))
        .header("Content-Encoding", "gzip")
        .body(bomb.clone())
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["id"]
        .delivery_id(&t);
    let mut readers = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let t = t.clone();
        readers.spawn(async move { t.delivery(id).await });
    }
    let during = t.post("/meanwhile", "{}").await;
    assert!(during > id);
    while let Some(d) = readers.join_next().await {
        let d = d.unwrap();
        let decoded = &d["decoded"];
        assert_eq!(decoded["size"], 4 * 1024 * 1024, "cut at the cap");
        assert!(
            decoded["error"].as_str().unwrap().contains("4 MiB"),
            "{}",
            decoded["error"]
        );
        assert!(decoded["base64"].is_null(), "text is not sent twice");
        assert_eq!(decoded["text"].as_str().unwrap().len(), 4 * 1024 * 1024);
        assert_eq!(crate::common::body_bytes(&d), bomb, "stored as sent");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn retention_changes_are_saved_and_applied_at_once() {
    let t = start("[retention]\nmax_deliveries = 100").await;
    for i in 0..6 {
        t.post(&format!("/s/{i}"), format!("{i}")).await;
    }
    let (status, settings) = t.api_get("/api/settings").await;
    assert_eq!(status, 200);
    assert_eq!(settings["retention"]["max_deliveries"], 100);
    assert_eq!(settings["retention"]["max_bytes"], 2u64 << 30);

    let put = |body: Value| {
        t.http
            .put(t.api_url("/api/settings"))
            .bearer_auth(&t.token)
            .json(&body)
            .send()
    };
    let refused =
        put(serde_json::json!({"retention": {"max_deliveries": 0, "max_bytes": 1 << 30}}))
            .await
            .unwrap();
    assert_eq!(refused.status(), 400);
    let ok = put(serde_json::json!({"retention": {"max_deliveries": 3, "max_bytes": 5 << 20}}))
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    // The next commit prunes to the new limit.
    let newest = t.post("/s/new", "new").await;
    let (_, page) = t.api_get("/api/deliveries?total=true").await;
    assert_eq!(page["total"], 3, "{page}");
    assert_eq!(crate::common::page_ids(&page)[0], newest);
    let (_, settings) = t.api_get("/api/settings").await;
    assert_eq!(settings["retention"]["max_deliveries"], 3);
    // Written to the config file with its other settings kept.
    let text = std::fs::read_to_string(t.dir.path().join("hookscope.toml")).unwrap();
    let config: hookscope::config::Config = toml::from_str(&text).unwrap();
    assert_eq!(config.retention.max_deliveries, 3);
    assert_eq!(config.retention.max_bytes.as_u64(), 5 << 20);
    t.stop().await;
}

/// What the UI's Settings saves goes into the user's commented `hookscope.toml` without losing a
/// comment (the file is merged with toml_edit, not rewritten).
#[tokio::test(flavor = "multi_thread")]
async fn saving_settings_and_endpoints_keeps_the_config_files_comments() {
    const COMMENTED: &str = "# My Hookscope.\n\n\
        # Keep a day of testing.\n[retention]\nmax_deliveries = 100 # plenty\n\n\
        # Stripe, through stripe listen.\n[[endpoints]]\npath = \"/hooks/stripe\"\n\
        vendor = \"stripe\"\n# the CLI's secret\nsecrets = [\"whsec_a\"]\n";
    let t = start(COMMENTED).await;
    let file = t.dir.path().join("hookscope.toml");
    std::fs::write(&file, COMMENTED).unwrap();
    let put = |path: &'static str, body: Value| {
        t.http
            .put(t.api_url(path))
            .bearer_auth(&t.token)
            .json(&body)
            .send()
    };
    let saved = put(
        "/api/settings",
        json!({"retention": {"max_deliveries": 42, "max_bytes": 8 << 20}}),
    )
    .await
    .unwrap();
    assert_eq!(saved.status(), 200);
    let saved = put(
        "/api/endpoints",
        json!({"items": [
            {"path": "/hooks/stripe", "vendor": "stripe", "secrets": ["whsec_b"]},
            {"path": "/hooks/gh", "vendor": "github", "secrets": ["gh"]}
        ]}),
    )
    .await
    .unwrap();
    assert_eq!(saved.status(), 200);

    let text = std::fs::read_to_string(&file).unwrap();
    for comment in [
        "# My Hookscope.",
        "# Keep a day of testing.",
        "max_deliveries = 42 # plenty",
        "# Stripe, through stripe listen.",
        "# the CLI's secret",
    ] {
        assert!(text.contains(comment), "{comment:?} lost:\n{text}");
    }
    let config: hookscope::config::Config = toml::from_str(&text).unwrap();
    assert_eq!(config.retention.max_deliveries, 42);
    assert_eq!(config.endpoints.len(), 2);
    assert_eq!(config.endpoints[0].secrets, ["whsec_b"]);
    assert_eq!(config.endpoints[0].retired_secrets, ["whsec_a"]);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn support_finds_a_tenants_deliveries_and_where_they_really_came_from() {
    let t = start("[[endpoints]]\npath = \"/hooks/cooledge\"\nvendor = \"cooledge\"\n").await;
    let cooledge = |business: &str, n: u32| {
        format!(
            r#"{{"version":"v1","event_type":"lead.won","event_id":"evt-{business}-{n}","business_id":"{business}","occurred_at":"2026-06-23T05:18:42.733Z"}}"#
        )
    };
    for n in 0..3 {
        t.post("/hooks/cooledge", cooledge("biz-a", n)).await;
    }
    t.post("/hooks/cooledge", cooledge("biz-b", 0)).await;
    // Through a tunnel: the proxy's headers name the client and the public URL.
    let resp = t
        .http
        .post(t.capture_url("/hooks/cooledge?via=tunnel"))
        .header("X-Forwarded-For", "203.0.113.7, 10.0.0.2")
        .header("X-Forwarded-Proto", "https")
        .header("X-Forwarded-Host", "a1b2.ngrok.app")
        .body(cooledge("biz-b", 1))
        .send()
        .await
        .unwrap();
    let tunnelled = t.ack_id(&resp.json::<Value>().await.unwrap()["id"]);
    t.post("/elsewhere", "no tenant").await;

    let (_, all) = t.api_get("/api/facets").await;
    assert_eq!(facet(&all, "tenants", Some("biz-a")), 3);
    assert_eq!(facet(&all, "tenants", Some("biz-b")), 2);
    assert_eq!(all["tenants"][0]["vendor"], "cooledge");
    // Under a tenant filter the other facets count that tenant's deliveries, and the tenant
    // facet still offers the others; a scan (with a time filter) agrees with the kept counts.
    let (_, a) = t.api_get("/api/facets?tenant=biz-a").await;
    assert_eq!(a["total"], 3);
    assert_eq!(facet(&a, "vendors", Some("cooledge")), 3);
    assert_eq!(facet(&a, "vendors", None), 0);
    assert_eq!(facet(&a, "tenants", Some("biz-b")), 2);
    let (_, scanned) = t.api_get("/api/facets?tenant=biz-a&since=1h").await;
    assert_eq!(scanned, a);
    let (_, page) = t.api_get("/api/deliveries?tenant=biz-b&total=true").await;
    assert_eq!(page["total"], 2);
    // A vendor by its name or id in any case; what matches nothing known says so.
    for name in ["Cooledge", "COOLEDGE", "cool"] {
        let (status, page) = t
            .api_get(&format!("/api/deliveries?vendor={name}&total=true"))
            .await;
        assert_eq!(
            (status, page["total"].clone()),
            (200, 5.into()),
            "{name}: {page}"
        );
    }
    let (status, crm) = t.api_get("/api/facets?vendor=crm").await;
    assert_eq!(status, 200, "a unique start of the CRM's name: {crm}");
    let (status, err) = t.api_get("/api/deliveries?vendor=acme").await;
    assert_eq!(status, 400);
    let err = err["error"].as_str().unwrap();
    assert!(
        err.contains("no vendor is called \"acme\"") && err.contains("cooledge (Cooledge)"),
        "{err}"
    );
    let (status, err) = t
        .api_get("/api/deliveries?event_type=lead.lost.forever")
        .await;
    assert_eq!(status, 400);
    assert!(
        err["error"]
            .as_str()
            .unwrap()
            .contains("no delivery has the event type"),
        "{err}"
    );
    let (status, _) = t.api_get("/api/deliveries?event_type=lead.won").await;
    assert_eq!(status, 200);
    assert_eq!(page["items"][0]["event"]["tenant"], "biz-b");

    let d = t.delivery(tunnelled).await;
    assert_eq!(d["client_addr"], "203.0.113.7");
    assert_eq!(
        d["public_url"],
        "https://a1b2.ngrok.app/hooks/cooledge?via=tunnel"
    );
    assert!(
        crate::common::header_pairs(&d)
            .iter()
            .any(|(n, v)| n == "X-Forwarded-For" || n == "x-forwarded-for" && v.starts_with("203")),
        "the raw headers stay as they came"
    );
    // Shared as HAR or cURL, it names the URL the sender used.
    let har = t
        .http
        .get(t.api_url(&format!("/api/export?format=har&ids={tunnelled}")))
        .bearer_auth(&t.token)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let entries = har["log"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0]["request"]["url"],
        "https://a1b2.ngrok.app/hooks/cooledge?via=tunnel"
    );
    let (_, curl) = t
        .api_get(&format!("/api/deliveries/{tunnelled}/curl"))
        .await;
    assert!(
        curl["command"]
            .as_str()
            .unwrap()
            .contains("'https://a1b2.ngrok.app/hooks/cooledge?via=tunnel'"),
        "{curl}"
    );
    t.stop().await;
}

/// Whatever a filter value holds (NUL, FTS5 and SQL syntax, quotes, wildcards, bidi overrides,
/// 10,000 characters), the list, the counts and the export answer it, or refuse it with a 400
/// that says why: never a 5xx, never a database error.
#[tokio::test(flavor = "multi_thread")]
async fn no_filter_value_reaches_the_user_as_a_database_error() {
    let t = start("").await;
    t.post("/inject", r#"{"type":"a.b","id":"evt_1"}"#).await;
    let long = "x".repeat(10_000);
    let values = [
        "\0",
        "a\0b",
        "\"",
        "\"\"\"",
        "'",
        "'); DROP TABLE deliveries;--",
        "*",
        "a*",
        "NEAR(a b)",
        "a OR b",
        "a AND NOT b",
        "-x",
        "^a",
        "head:x",
        "body : \"y\"",
        "{head body}: x",
        "%",
        "_",
        "\\",
        "(",
        ")",
        "\u{202e}evil",
        "\u{1b}[2J",
        "café",
        "🦀",
        long.as_str(),
    ];
    let params = [
        "q",
        "vendor",
        "event_type",
        "event_id",
        "tenant",
        "endpoint",
        "path",
        "method",
        "signature",
        "duplicate",
        "validation",
        "handler",
        "since",
        "until",
        "before",
        "limit",
    ];
    let routes = ["/api/deliveries", "/api/facets", "/api/export"];
    let mut refused = 0;
    for param in params {
        for value in values {
            let query = serde_urlencoded::to_string([(param, value)]).unwrap();
            for route in routes {
                let resp = t
                    .http
                    .get(t.api_url(&format!("{route}?{query}")))
                    .bearer_auth(&t.token)
                    .send()
                    .await
                    .unwrap();
                let status = resp.status().as_u16();
                let text = resp.text().await.unwrap();
                assert!(
                    status == 200 || status == 400,
                    "{route}?{param}={value:?}: {status} {text}"
                );
                if status == 400 {
                    refused += 1;
                    let body: Value = serde_json::from_str(&text).unwrap();
                    let error = body["error"].as_str().unwrap();
                    assert!(
                        !error.to_lowercase().contains("database"),
                        "{route}?{param}={value:?}: {error}"
                    );
                }
            }
        }
    }
    assert!(refused > 0, "some values are refused");
    // A NUL says what is wrong with it.
    let (status, body) = t.api_get("/api/deliveries?q=a%00b").await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("NUL"), "{body}");
    t.stop().await;
}

/// The UI's one-time link signs a browser in by an `HttpOnly`, `SameSite=Strict` cookie that the
/// API then takes instead of the token; the link works once, and the cookie is not the token.
#[tokio::test]
async fn a_one_time_link_signs_a_browser_in_by_cookie() {
    let t = start("").await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let link = t.server.ui_url();
    assert!(link.contains("/?code="), "{link}");
    assert!(!link.contains(&t.token), "the token stays out of the link");
    let resp = http.get(&link).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/");
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let set = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    for part in [
        "hookscope_session=",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/",
    ] {
        assert!(set.contains(part), "{set}");
    }
    let cookie = set.split(';').next().unwrap().to_owned();
    assert!(!cookie.contains(&t.token), "{cookie}");

    // The cookie opens the API; a wrong one does not.
    let api = |cookie: &str| {
        http.get(t.api_url("/api"))
            .header("Cookie", cookie.to_owned())
            .send()
    };
    assert_eq!(api(&cookie).await.unwrap().status(), 200);
    assert_eq!(api("hookscope_session=00").await.unwrap().status(), 401);
    assert_eq!(
        api(&format!("hookscope_session={}", t.token))
            .await
            .unwrap()
            .status(),
        401,
        "the token is not a session"
    );

    // Spent: no cookie, and the page is told why.
    let again = http.get(&link).send().await.unwrap();
    assert_eq!(again.status(), 303);
    assert_eq!(again.headers()["location"], "/?signin=expired");
    assert!(again.headers().get("set-cookie").is_none());

    // A signed-in caller gets a new link.
    let fresh: Value = http
        .post(t.api_url("/api/ui-link"))
        .header("Cookie", cookie.clone())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = fresh["url"].as_str().unwrap();
    assert!(url.contains("/?code=") && url != link, "{url}");
    let resp = http.get(url).send().await.unwrap();
    assert!(resp.headers().get("set-cookie").is_some());
    t.stop().await;
}
