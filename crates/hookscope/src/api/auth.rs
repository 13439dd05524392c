//! Who may use the control API: a caller on this machine that knows the token. The token is
//! random per data directory; requests whose `Host` or `Origin` is not this machine's loopback
//! name are refused first, so a web page that rebinds its DNS name to 127.0.0.1 gets nothing.

use std::net::SocketAddr;
use std::path::Path;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{StatusCode, header};

use super::{ApiError, ApiState};
use crate::config::private;
use crate::error::{Error, Result};

const TOKEN_FILE: &str = "api-token";

/// The token kept in `dir`, if there is one (commands that talk to a running server use it).
pub fn saved_token(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(TOKEN_FILE)).ok()?;
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

/// The token kept in `dir`, created (random, 256 bits, readable by the owner only) when missing.
pub fn load_or_create_token(dir: &Path) -> Result<String> {
    if let Some(token) = saved_token(dir) {
        return Ok(token);
    }
    let path = dir.join(TOKEN_FILE);
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Io {
        path: path.clone(),
        source: std::io::Error::other(format!("no randomness for the API token: {e}")),
    })?;
    let token = hex::encode(bytes);
    private::create_dir(dir).map_err(|e| Error::io(dir, e))?;
    private::write(&path, &token).map_err(|e| Error::io(&path, e))?;
    Ok(token)
}

/// The host names a request may carry: loopback names, and the bound address itself when the
/// user chose to bind another one.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    names: Vec<String>,
    port: u16,
}

impl AllowedHosts {
    pub fn for_addr(addr: SocketAddr) -> Self {
        let mut names = vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "[::1]".to_owned(),
        ];
        if !addr.ip().is_loopback() && !addr.ip().is_unspecified() {
            names.push(match addr {
                SocketAddr::V4(a) => a.ip().to_string(),
                SocketAddr::V6(a) => format!("[{}]", a.ip()),
            });
        }
        AllowedHosts {
            names,
            port: addr.port(),
        }
    }

    /// `host[:port]` as in a `Host` header.
    fn allows(&self, authority: &str) -> bool {
        let (name, port) = match authority.rsplit_once(':') {
            Some((name, port)) if !port.contains(']') => (name, Some(port)),
            _ => (authority, None),
        };
        let port_ok = port.is_none_or(|p| p.parse::<u16>() == Ok(self.port));
        port_ok && self.names.iter().any(|n| n.eq_ignore_ascii_case(name))
    }

    fn allows_origin(&self, origin: &str) -> bool {
        origin
            .strip_prefix("http://")
            .is_some_and(|authority| self.allows(authority))
    }
}

/// Middleware: refuse foreign `Host`/`Origin`, then require the token.
pub async fn guard(State(state): State<ApiState>, req: Request, next: Next) -> Response {
    match check(&state, &req) {
        Ok(()) => next.run(req).await,
        Err(e) => axum::response::IntoResponse::into_response(e),
    }
}

/// The Host and Origin checks alone, for the UI's files: they hold no data, but a page of
/// another site must not frame or read them either.
pub async fn host_guard(State(state): State<ApiState>, req: Request, next: Next) -> Response {
    match check_host(&state, &req) {
        Ok(()) => next.run(req).await,
        Err(e) => axum::response::IntoResponse::into_response(e),
    }
}

fn check(state: &ApiState, req: &Request) -> std::result::Result<(), ApiError> {
    check_host(state, req)?;
    let headers = req.headers();
    // The scheme is case-insensitive (RFC 9110, 11.1): `bearer`, `Bearer` and `BEARER` alike.
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.trim_start().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let query_token = req.uri().query().and_then(|q| {
        q.split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == "token")
            .map(|(_, v)| v)
    });
    let presented = bearer.or(query_token).unwrap_or("");
    if constant_time_eq::constant_time_eq(presented.as_bytes(), state.token.as_bytes())
        || (bearer.is_none() && query_token.is_none() && state.sessions.signed_in(headers))
    {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "missing or wrong API token: send `Authorization: Bearer TOKEN` (the token `hookscope serve` prints, kept in the data directory's api-token file), or open the UI from the link `hookscope serve` or `hookscope open` prints",
        ))
    }
}

fn check_host(state: &ApiState, req: &Request) -> std::result::Result<(), ApiError> {
    let headers = req.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !state.allowed.allows(host) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "Host {host:?} is not allowed: the API answers only to 127.0.0.1, localhost or [::1] on its own port"
            ),
        ));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        if !state.allowed.allows_origin(origin) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!(
                    "Origin {origin:?} is not allowed: only pages served by this API may call it"
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_on_the_bound_port_only() {
        let allowed = AllowedHosts::for_addr("127.0.0.1:8788".parse().unwrap());
        assert!(allowed.allows("127.0.0.1:8788"));
        assert!(allowed.allows("LOCALHOST:8788"));
        assert!(allowed.allows("[::1]:8788"));
        assert!(allowed.allows("localhost"));
        assert!(!allowed.allows("localhost:9999"));
        assert!(!allowed.allows("evil.example:8788"));
        assert!(!allowed.allows("127.0.0.1.evil.example"));
        assert!(!allowed.allows(""));
        assert!(allowed.allows_origin("http://localhost:8788"));
        assert!(!allowed.allows_origin("https://evil.example"));
        assert!(!allowed.allows_origin("null"));
    }

    #[test]
    fn an_explicit_address_is_allowed_too() {
        let allowed = AllowedHosts::for_addr("192.168.1.5:8788".parse().unwrap());
        assert!(allowed.allows("192.168.1.5:8788"));
        let any = AllowedHosts::for_addr("0.0.0.0:8788".parse().unwrap());
        assert!(!any.allows("0.0.0.0:8788"));
    }

    #[test]
    fn token_is_created_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create_token(dir.path()).unwrap();
        assert_eq!(first.len(), 64);
        assert_eq!(load_or_create_token(dir.path()).unwrap(), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(TOKEN_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
