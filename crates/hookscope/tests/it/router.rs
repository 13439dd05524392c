//! The control API's router without a socket (axum's way: `tower::ServiceExt::oneshot`): the
//! token and Host guards, the error shapes, and the stream's first message.

use axum::body::Body;
use hookscope::api::{AllowedHosts, ApiState, router};
use hookscope::config::Config;
use hookscope::server::{Instance, InstanceSetup};
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

const TOKEN: &str = "router-test-token";

async fn app(dir: &tempfile::TempDir) -> (Instance, axum::Router) {
    let instance = Instance::open(InstanceSetup {
        config: Config::default(),
        db: dir.path().join("hookscope.db"),
        data_dir: dir.path().to_owned(),
        config_path: dir.path().join("hookscope.toml"),
    })
    .await
    .unwrap();
    let state = ApiState {
        control: instance.control.clone(),
        token: TOKEN.into(),
        allowed: AllowedHosts::for_addr("127.0.0.1:8788".parse().unwrap()),
        ui_dir: None,
        sessions: std::sync::Arc::new(hookscope::api::session::Sessions::new(TOKEN)),
        mcp_writes: false,
    };
    (instance, router(state))
}

fn get(path: &str) -> http::request::Builder {
    Request::get(path).header("Host", "127.0.0.1:8788")
}

async fn send(app: &axum::Router, req: Request<Body>) -> (StatusCode, Value) {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn guards_and_errors_answer_json_that_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let (instance, app) = app(&dir).await;
    let bearer = format!("Bearer {TOKEN}");

    let (status, body) = send(&app, get("/api/deliveries").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(body["error"].as_str().unwrap().contains("token"), "{body}");

    let foreign = Request::get("/api/deliveries")
        .header("Host", "evil.example:8788")
        .header("Authorization", &bearer)
        .body(Body::empty())
        .unwrap();
    let (status, body) = send(&app, foreign).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    let authed = |path: &str| {
        get(path)
            .header("Authorization", &bearer)
            .body(Body::empty())
            .unwrap()
    };
    let (status, body) = send(&app, authed("/api/nowhere")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body["error"].as_str().unwrap().contains("docs/api.md"),
        "{body}"
    );
    let (status, body) = send(&app, authed("/api/deliveries/9")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("no delivery with id 9"))
    );
    let (status, body) = send(&app, authed("/api/deliveries?signature=bogus")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"].as_str().unwrap().contains("valid, invalid"),
        "{body}"
    );
    let (status, body) = send(&app, authed("/api/deliveries")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["items"], serde_json::json!([]));
    drop(app);
    instance.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_stream_opens_with_an_unnamed_ready_message() {
    let dir = tempfile::tempdir().unwrap();
    let (instance, app) = app(&dir).await;
    let req = get("/api/stream")
        .header("Authorization", format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    let resp = app.oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let mut body = resp.into_body();
    let frame = body.frame().await.unwrap().unwrap();
    let text = String::from_utf8(frame.into_data().unwrap().to_vec()).unwrap();
    assert_eq!(text, "data: {\"type\":\"ready\"}\n\n");
    drop(body);
    instance.shutdown().await;
}
