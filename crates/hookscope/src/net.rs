//! Binding listeners, with errors that name the port and the flag that changes it.

use std::net::SocketAddr;

use tokio::net::TcpListener;

use crate::error::{Error, Result};

/// Binds `addr`; `what` names the listener ("capture", "API") and `flag` the option that moves it.
pub async fn bind(addr: SocketAddr, what: &'static str, flag: &'static str) -> Result<TcpListener> {
    TcpListener::bind(addr).await.map_err(|source| {
        if source.kind() == std::io::ErrorKind::AddrInUse {
            Error::AddrInUse { what, addr, flag }
        } else {
            Error::Bind { addr, source }
        }
    })
}

/// A free port near `addr` (the next few above it, else any the system picks) on the same
/// interface, to offer when `addr` is taken. Another program may take it before it is used.
pub async fn free_near(addr: SocketAddr) -> Option<SocketAddr> {
    let ports = (1..=20u16).filter_map(|step| addr.port().checked_add(step));
    for port in ports.chain(std::iter::once(0)) {
        let mut candidate = addr;
        candidate.set_port(port);
        if let Ok(listener) = TcpListener::bind(candidate).await {
            return listener.local_addr().ok();
        }
    }
    None
}

/// Descriptors kept back from capture connections for everything else the process holds open:
/// the control API and its clients, the store's files, forwards to a handler.
pub const DESCRIPTOR_RESERVE: u64 = 512;

/// Raises the process's open-file limit to the most it may have (the hard limit), once, and
/// returns it: idle senders must not exhaust descriptors that the API and the store need.
pub fn raise_descriptor_limit() -> u64 {
    static LIMIT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *LIMIT.get_or_init(|| match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read or raise the open-file limit; assuming 1024");
            1024
        }
    })
}

/// How many capture connections may be open at once: `configured`, or what the descriptor
/// limit leaves after [`DESCRIPTOR_RESERVE`] (at most 65,536), and never more than that.
pub fn capture_connection_limit(configured: Option<usize>) -> usize {
    let available = raise_descriptor_limit()
        .saturating_sub(DESCRIPTOR_RESERVE)
        .max(16);
    let available = usize::try_from(available).unwrap_or(usize::MAX).min(65_536);
    configured.map_or(available, |n| n.min(available))
}
