//! The built UI served on the API's listener: no token needed for the files, the Host check and
//! a strict Content-Security-Policy on every answer, and a clear message when the UI is not built.

use crate::common::start;

#[tokio::test(flavor = "multi_thread")]
async fn the_ui_is_served_without_the_token_with_a_strict_policy() {
    let ui = tempfile::tempdir().unwrap();
    std::fs::write(
        ui.path().join("index.html"),
        "<!doctype html><p>hookscope ui</p>",
    )
    .unwrap();
    std::fs::create_dir(ui.path().join("assets")).unwrap();
    std::fs::write(ui.path().join("assets/app.js"), "console.log(1)").unwrap();
    let t = start(&format!("[api]\nui = {:?}", ui.path())).await;

    let index = t.http.get(t.api_url("/")).send().await.unwrap();
    assert_eq!(index.status(), 200);
    let csp = index.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    for directive in [
        "default-src 'none'",
        "script-src 'self';",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert!(!csp.contains("script-src 'self' 'unsafe"), "{csp}");
    assert_eq!(index.headers()["referrer-policy"], "no-referrer");
    assert_eq!(index.headers()["x-content-type-options"], "nosniff");
    assert!(index.text().await.unwrap().contains("hookscope ui"));

    let script = t
        .http
        .get(t.api_url("/assets/app.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), 200);
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    // A view's URL (filters in the query) is the same page.
    let view = t
        .http
        .get(t.api_url("/?vendor=stripe&id=3"))
        .send()
        .await
        .unwrap();
    assert_eq!(view.status(), 200);

    // A page of another site reaching this port through DNS rebinding gets nothing.
    let rebound = t
        .http
        .get(t.api_url("/"))
        .header("Host", format!("attacker.example:{}", t.api.port()))
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 403);
    // The data stays behind the token.
    let api = t
        .http
        .get(t.api_url("/api/deliveries"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 401);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_built_ui_the_page_says_how_to_build_it() {
    let empty = tempfile::tempdir().unwrap();
    let t = start(&format!("[api]\nui = {:?}", empty.path())).await;
    let page = t.http.get(t.api_url("/")).send().await.unwrap();
    assert_eq!(page.status(), 404);
    assert!(page.text().await.unwrap().contains("npm run build"));
    t.stop().await;
}
