//! How a browser signs in without keeping the API token. The address `hookscope serve` prints
//! for the UI carries a one-time code (`/?code=…`, good for ten minutes), not the token: opening
//! it exchanges the code for an `HttpOnly`, `SameSite=Strict` cookie on the API's origin and
//! sends the browser on to `/`, so the browser's history holds a spent code, and its storage,
//! cache and scripts hold nothing that opens the API. `/?token=…` is exchanged the same way (the
//! token then stays in the history; the code is the better way). `POST /api/ui-link` makes a
//! new code for a signed-in caller (`hookscope open` uses it).
//!
//! The cookie's value is derived from the token (an HMAC of it), so it survives restarts, ends
//! when the token changes, and cannot be used as the token.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hmac::Mac;
use http::{HeaderMap, HeaderValue, StatusCode, header};

use super::ApiState;

/// The cookie that carries a signed-in browser's session.
pub const COOKIE: &str = "hookscope_session";
/// How long a one-time code is good for.
const CODE_LIFETIME: Duration = Duration::from_secs(600);
/// Most unspent codes kept; older ones are forgotten first.
const MAX_CODES: usize = 64;
/// How long a browser stays signed in (the cookie's `Max-Age`): 30 days.
const SESSION_SECONDS: u64 = 30 * 24 * 3600;

/// The sign-in state of one API listener.
#[derive(Debug)]
pub struct Sessions {
    token: String,
    cookie: String,
    codes: Mutex<HashMap<String, Instant>>,
}

impl Sessions {
    pub fn new(token: &str) -> Sessions {
        let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::KeyInit>::new_from_slice(token.as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(b"hookscope ui session v1");
        Sessions {
            token: token.to_owned(),
            cookie: hex::encode(mac.finalize().into_bytes()),
            codes: Mutex::default(),
        }
    }

    /// A new one-time code.
    pub fn mint(&self) -> String {
        let mut bytes = [0u8; 16];
        // Without randomness there is no code; the token link still works.
        if getrandom::fill(&mut bytes).is_err() {
            return String::new();
        }
        let code = hex::encode(bytes);
        let mut codes = self.codes.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        codes.retain(|_, made| now.duration_since(*made) < CODE_LIFETIME);
        if codes.len() >= MAX_CODES
            && let Some(oldest) = codes
                .iter()
                .min_by_key(|(_, made)| **made)
                .map(|(c, _)| c.clone())
        {
            codes.remove(&oldest);
        }
        codes.insert(code.clone(), now);
        code
    }

    /// Spends `code`: `true` once, while it is fresh.
    fn redeem(&self, code: &str) -> bool {
        let mut codes = self.codes.lock().unwrap_or_else(|e| e.into_inner());
        codes
            .remove(code)
            .is_some_and(|made| made.elapsed() < CODE_LIFETIME)
    }

    /// Whether the request carries this listener's session cookie.
    pub fn signed_in(&self, headers: &HeaderMap) -> bool {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .any(|(name, value)| {
                name == COOKIE
                    && constant_time_eq::constant_time_eq(value.as_bytes(), self.cookie.as_bytes())
            })
    }

    fn set_cookie(&self) -> HeaderValue {
        HeaderValue::from_str(&format!(
            "{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/; Max-Age={SESSION_SECONDS}",
            self.cookie
        ))
        .expect("hex is a valid header value")
    }
}

/// On the UI's pages: a `code` (or `token`) in the query is exchanged for the session cookie and
/// the browser sent on to the same page without it; a spent or wrong one gets no cookie, and the
/// page says how to get a new link.
pub async fn sign_in(State(state): State<ApiState>, req: Request, next: Next) -> Response {
    let Some(query) = req.uri().query() else {
        return next.run(req).await;
    };
    let mut presented = None;
    let mut rest = Vec::new();
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("code", v)) => presented = Some((true, v.to_owned())),
            Some(("token", v)) => presented = Some((false, v.to_owned())),
            _ => rest.push(pair),
        }
    }
    let Some((is_code, value)) = presented else {
        return next.run(req).await;
    };
    let sessions = &state.sessions;
    let good = if is_code {
        sessions.redeem(&value)
    } else {
        constant_time_eq::constant_time_eq(value.as_bytes(), sessions.token.as_bytes())
    };
    let mut target = req.uri().path().to_owned();
    if !good {
        rest.push("signin=expired");
    }
    if !rest.is_empty() {
        target.push('?');
        target.push_str(&rest.join("&"));
    }
    let mut resp = (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, target),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
    )
        .into_response();
    if good {
        resp.headers_mut()
            .insert(header::SET_COOKIE, sessions.set_cookie());
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_good_once_and_the_cookie_is_not_the_token() {
        let s = Sessions::new("tok");
        let code = s.mint();
        assert_eq!(code.len(), 32);
        assert!(s.redeem(&code));
        assert!(!s.redeem(&code), "spent");
        assert!(!s.redeem("made-up"));
        assert_ne!(s.cookie, "tok");
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; {COOKIE}={}", s.cookie)).unwrap(),
        );
        assert!(s.signed_in(&headers));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("hookscope_session=tok"),
        );
        assert!(!s.signed_in(&headers));
    }
}
