//! The UI's files (`ui/dist`), served on the API's listener so that the browser build talks to
//! the API from the same origin. The files hold no data, so they need no token; they get the
//! same Host/Origin check as the API, and a strict Content-Security-Policy: the UI shows
//! untrusted payloads, and no script but its own may ever run in it.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::response::IntoResponse;
use http::{HeaderValue, StatusCode, header};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// Only the UI's own script files run: no inline or injected script, nothing remote, no frames,
/// no forms, no plugins; the API is the only `connect-src`. Styles may be inline because the
/// body editor (CodeMirror) installs its theme as `<style>` elements at run time; a style cannot
/// run code, and payload text is never turned into markup (React renders it as text).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; \
     connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// Where the built UI is looked for when none is configured: the repository's `ui/dist`, which
/// `cargo xtask run` and `npm run build` fill.
pub fn default_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist");
    dir.join("index.html").is_file().then_some(dir)
}

pub fn router<S: Clone + Send + Sync + 'static>(dir: Option<&Path>) -> Router<S> {
    let Some(dir) = dir.filter(|d| d.join("index.html").is_file()) else {
        let looked = match dir {
            Some(d) => format!(" (no index.html in {})", d.display()),
            None => String::new(),
        };
        let message = format!(
            "The Hookscope UI is not built{looked}. Run `cargo xtask run`, or `npm ci && npm run \
             build` in ui/, or pass --ui DIR. The API is under /api (see docs/api.md)."
        );
        return Router::new().fallback(move || {
            let message = message.clone();
            async move { (StatusCode::NOT_FOUND, message).into_response() }
        });
    };
    let files = ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")));
    Router::new()
        .fallback_service(files)
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // The first visit carries the token in the URL: never send it on.
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
}
