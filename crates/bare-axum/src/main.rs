//! The baseline for `cargo xtask bench`: a bare axum server that reads each request's body and
//! answers `{"id": N}` like the capture listener, but stores nothing. Capture throughput is
//! reported as a fraction of this server's.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;

async fn ack(State(counter): State<Arc<AtomicU64>>, body: Bytes) -> axum::Json<serde_json::Value> {
    let id = counter.fetch_add(1, Ordering::Relaxed) + 1;
    std::hint::black_box(&body);
    axum::Json(serde_json::json!({ "id": id }))
}

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    println!("listening on {}", listener.local_addr().expect("bound"));
    let app = Router::new()
        .fallback(ack)
        .with_state(Arc::new(AtomicU64::new(0)));
    axum::serve(listener, app).await.expect("serve");
}
