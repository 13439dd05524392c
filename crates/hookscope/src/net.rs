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
