//! The control API: the private side, for the UI and scripts. Served on its own loopback listener
//! (never the capture port), behind the token and Host/Origin checks of [`auth`]. Handlers are
//! thin: they parse, call [`Control`], and shape JSON.

pub mod auth;
mod checks;
mod deliveries;
mod endpoints;
mod export;
mod replay;
mod rules;
mod samples;
mod schemas;
pub mod session;
mod settings;
mod stream;
pub mod ui;

use std::sync::Arc;

use axum::Router;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::{HeaderValue, StatusCode, header};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::control::Control;
use crate::error::Error;
pub use auth::{AllowedHosts, load_or_create_token, saved_token};

/// What every API handler shares.
#[derive(Clone)]
pub struct ApiState {
    /// The operations; handlers only parse, call these and shape JSON.
    pub control: Control,
    pub token: Arc<str>,
    pub allowed: AllowedHosts,
    /// The built UI served at `/`, when there is one.
    pub ui_dir: Option<std::path::PathBuf>,
    /// Browsers signed in by cookie, and the one-time codes that sign them in.
    pub sessions: Arc<session::Sessions>,
    /// MCP clients at `/mcp` may send and change things.
    pub mcp_writes: bool,
}

/// The API's answers are data, never a page: nothing loads, nothing frames them.
const API_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Largest description `POST /api/vendors/import-spec` takes (GitHub's whole REST description
/// is about 12 MB).
const SPEC_MAX: usize = 64 * 1024 * 1024;

/// Largest file `POST /api/import` takes.
const IMPORT_MAX: usize = 512 * 1024 * 1024;

pub fn router(state: ApiState) -> Router {
    let api = Router::new()
        .route("/", get(deliveries::index))
        .route(
            "/deliveries",
            get(deliveries::list).delete(deliveries::delete_all),
        )
        .route(
            "/deliveries/{id}",
            get(deliveries::get).delete(deliveries::delete),
        )
        .route("/deliveries/{id}/raw", get(deliveries::raw))
        .route("/deliveries/{id}/curl", get(deliveries::curl))
        .route("/deliveries/{id}/diff", get(deliveries::diff))
        .route("/deliveries/{id}/pin", axum::routing::put(deliveries::pin))
        .route("/deliveries/{id}/replay", post(replay::replay))
        .route("/deliveries/{id}/attempts", get(replay::attempts))
        .route("/replays", post(replay::start_many).get(replay::jobs))
        .route("/replays/{job}", get(replay::job).delete(replay::cancel))
        .route("/checks", post(checks::start).get(checks::list))
        .route("/checks/{id}", get(checks::get).delete(checks::delete))
        .route("/checks/{id}/cancel", post(checks::cancel))
        .route("/attempts/{id}", get(checks::attempt))
        .route("/facets", get(deliveries::facets))
        .route("/export", get(export::export))
        .route(
            "/import",
            post(export::import).layer(axum::extract::DefaultBodyLimit::max(IMPORT_MAX)),
        )
        .route("/stream", get(stream::stream))
        .route("/vendors", get(deliveries::vendors))
        .route(
            "/vendors/{id}",
            axum::routing::delete(endpoints::remove_vendor),
        )
        .route(
            "/vendors/import-spec",
            post(endpoints::import_spec).layer(axum::extract::DefaultBodyLimit::max(SPEC_MAX)),
        )
        .route("/schemas", get(schemas::list))
        .route("/schemas/{vendor}/{*event_type}", get(schemas::get))
        .route("/endpoints", get(endpoints::get).put(endpoints::put))
        .route("/rules", get(rules::get).put(rules::put))
        .route("/rules/check", post(rules::check))
        .route("/rules/reload", post(rules::reload))
        .route("/rules/try", post(rules::try_on))
        .route("/samples", post(samples::send).get(samples::catalog))
        .route("/settings", get(settings::get).put(settings::put))
        .route("/ui-link", post(ui_link))
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "no such API route; see docs/api.md")
        });
    let api = api
        .layer(middleware::from_fn_with_state(state.clone(), auth::guard))
        // Every answer, refusals included: JSON is never sniffed as something else, and nothing
        // it holds is a page that loads or frames anything (a raw body sets its own, stricter).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(API_CONTENT_SECURITY_POLICY),
        ));
    // The host guard runs first, then a code or token in the page's address signs the browser in.
    let ui = ui::router(state.ui_dir.as_deref())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            session::sign_in,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::host_guard,
        ));
    // MCP's streamable HTTP transport, behind the same token and Host/Origin checks.
    let mcp = {
        use rmcp::transport::streamable_http_server::{
            StreamableHttpServerConfig, StreamableHttpService, session::local::LocalSessionManager,
        };
        let (control, writes) = (state.control.clone(), state.mcp_writes);
        let service = StreamableHttpService::new(
            move || Ok(crate::mcp::Mcp::new(control.clone(), writes)),
            Arc::new(LocalSessionManager::default()),
            StreamableHttpServerConfig::default(),
        );
        Router::new()
            .nest_service("/mcp", service)
            .layer(middleware::from_fn_with_state(state.clone(), auth::guard))
    };
    Router::new()
        .nest("/api", api)
        .merge(mcp)
        .merge(ui)
        .with_state(state)
}

/// An error as the API answers it: a status and `{"error": "..."}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        ApiError::new(status, e.to_string())
    }
}

/// The body of every error answer.
#[derive(Debug, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ErrorBody {
    /// What went wrong and what to do about it.
    pub error: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.message,
        };
        (self.status, axum::Json(body)).into_response()
    }
}

/// A new one-time sign-in address for the UI: `{"url": "http://127.0.0.1:8788/?code=…"}`, on
/// the host the caller used.
async fn ui_link(
    axum::extract::State(state): axum::extract::State<ApiState>,
    headers: http::HeaderMap,
) -> axum::Json<serde_json::Value> {
    let host = headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    axum::Json(serde_json::json!({
        "url": format!("http://{host}/?code={}", state.sessions.mint()),
    }))
}

/// The delivery a path names: by its number (`/api/deliveries/42`) or by the opaque id its sender
/// was given (`/api/deliveries/d_…`).
pub(super) struct DeliveryRef(pub i64);

impl axum::extract::FromRequestParts<ApiState> for DeliveryRef {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &ApiState,
    ) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(text) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
        state
            .control
            .ack_ids()
            .resolve(&text)
            .map(DeliveryRef)
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    format!(
                        "no delivery {:?}: a delivery is named by its number or by the id its sender was given (d_…)",
                        crate::visible::visible(&text)
                    ),
                )
            })
    }
}

/// The JSON body of a request, or a 400 that says what is wrong with it.
fn json_body<T>(
    body: Result<axum::Json<T>, axum::extract::rejection::JsonRejection>,
) -> Result<T, ApiError> {
    body.map(|axum::Json(b)| b)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))
}
