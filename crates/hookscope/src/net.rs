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
