//! The capture listener: the public side, what a tunnel points at. It accepts every method on
//! every path, stores each request exactly as it arrived (head bytes, body bytes, remote address,
//! receive time) and acknowledges it only once the store has committed it.
//!
//! It must never read stored data back to a caller: nothing reachable on this port reveals what
//! other deliveries carried. Only HTTP/1 is served, which is what tunnels forward.

mod forward;
mod handler;
mod read;
mod rejected;
mod respond;
pub(crate) mod wire;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::ServiceExt;

pub use forward::{Admission, Arrival, Captured, Forward, Place, relayed_status};
pub use handler::CaptureState;
use read::ConnInfo;
use wire::{Recording, WireLog};

use crate::head::MAX_HEADERS;

/// How long open connections get to finish their requests once shutdown starts.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The capture router: one handler for every method and path.
pub fn router(state: Arc<CaptureState>) -> Router {
    Router::new().fallback(handler::capture).with_state(state)
}

/// How many refused connections at most are drained before they close (see [`refuse_busy`]);
/// past it, a refusal is written and the connection dropped at once.
const LINGERING: usize = 256;

/// Answers a connection over the cap with 503 and closes it, within two seconds.
///
/// The sender's request is usually still unread when the answer is out; closing a socket with
/// unread input makes the kernel send a reset, and a reset can reach the sender before the answer
/// does, so the sender sees "connection reset" instead of the 503. With a `linger` permit, the
/// write side is shut first and the input read and discarded (up to 64 KiB, a second) before the
/// socket closes.
async fn refuse_busy(
    mut stream: tokio::net::TcpStream,
    limit: usize,
    linger: Option<tokio::sync::OwnedSemaphorePermit>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = format!(
        "{{\"error\":\"hookscope has {limit} connections open, its most (capture.max_connections); try again\"}}"
    );
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let written =
        tokio::time::timeout(Duration::from_secs(1), stream.write_all(answer.as_bytes())).await;
    if linger.is_none() || !matches!(written, Ok(Ok(()))) {
        return;
    }
    let _ = stream.shutdown().await;
    let drain = async {
        let mut scratch = [0u8; 4096];
        let mut left = 64 * 1024usize;
        while left > 0 {
            match stream.read(&mut scratch).await {
                Ok(0) | Err(_) => break,
                Ok(n) => left = left.saturating_sub(n),
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
}

/// Serves capture requests on `listener` until `shutdown` resolves, then lets requests in flight
/// finish (and so be stored and acknowledged) for up to ten seconds.
pub async fn serve(
    listener: TcpListener,
    state: Arc<CaptureState>,
    shutdown: impl Future<Output = ()>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(state.config.capture.header_read_timeout)
        // A sender may shut its write side once its request is out (`nc -N`, HTTP/1.0 clients,
        // some proxies): the request is still answered and stored.
        .half_close(true)
        .max_headers(MAX_HEADERS);
    let keep = state.config.capture.keep_truncated.as_u64() as usize;
    let limit = crate::net::capture_connection_limit(state.config.capture.max_connections);
    let open = Arc::new(tokio::sync::Semaphore::new(limit));
    let lingering = Arc::new(tokio::sync::Semaphore::new(LINGERING));
    let writer = state.writer.clone();
    let router = router(state);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);

    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Out of file descriptors and the like: wait, do not spin or stop.
                    tracing::warn!(error = %e, "capture listener could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        // Past the cap, a connection is answered and closed at once: the excess holds no
        // descriptor and waits in no queue.
        let Ok(permit) = open.clone().try_acquire_owned() else {
            let linger = lingering.clone().try_acquire_owned().ok();
            tokio::spawn(refuse_busy(stream, limit, linger));
            continue;
        };
        let log = Arc::new(WireLog::default());
        let info = ConnInfo {
            log: log.clone(),
            remote,
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut req: http::Request<Incoming>| {
            req.extensions_mut().insert(info.clone());
            router.clone().oneshot(req)
        });
        let conn =
            http.serve_connection(TokioIo::new(Recording::new(stream, log.clone())), service);
        let conn = graceful.watch(conn);
        let writer = writer.clone();
        tokio::spawn(async move {
            let _open = permit;
            let Err(e) = conn.await else { return };
            tracing::debug!(%remote, error = %e, "capture connection ended with an error");
            if let Some(d) = rejected::rejected_delivery(log.take_all(), remote, &e, keep)
                && let Err(e) = writer.insert(d).await
            {
                tracing::warn!(%remote, error = %e, "a refused request could not be recorded");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("capture connections still open after {SHUTDOWN_GRACE:?}; closing them");
        }
    }
}
