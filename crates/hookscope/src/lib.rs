//! Hookscope's core: capture webhook deliveries, store them in SQLite, serve them to the UI.
//!
//! One module per concern: [`capture`] (the public listener), [`store`] (SQLite), [`vendor`] and
//! [`signature`] (decoding and verifying), [`control`] (the operations the UI uses), [`api`] (the
//! private control API over them), [`config`], and [`server`] which runs them together. The desktop shell
//! and the `hookscope` command line are front ends over this library.

pub mod api;
#[cfg(test)]
mod bindings;
pub mod capture;
pub mod config;
pub mod control;
pub mod encoding;
pub mod error;
pub mod export;
pub mod generate;
pub mod head;
pub mod model;
pub mod net;
pub mod replay;
pub mod reverify;
pub mod server;
pub mod signature;
pub mod store;
pub mod testsend;
pub mod vendor;

pub use error::{Error, Result};
