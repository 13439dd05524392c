//! Hookscope's core: capture webhook deliveries, store them in SQLite, serve them to the UI.
//!
//! One module per concern: [`capture`] (the public listener), [`store`] (SQLite), [`profile`] and
//! [`signature`] (decoding and verifying), [`control`] (the operations the UI uses), [`api`] (the
//! private control API over them), [`config`], and [`server`] which runs them together. The desktop shell
//! and the `hookscope` command line are front ends over this library.

pub mod ack;
pub mod api;
#[cfg(test)]
mod bindings;
pub mod capture;
pub mod check;
pub mod config;
pub mod content_coding;
pub mod contract;
pub mod control;
pub mod diff;
pub mod error;
pub mod events;
pub mod export;
#[doc(hidden)]
pub mod fuzz;
pub mod head;
pub mod learn;
pub mod log;
pub mod mcp;
pub mod model;
pub mod net;
pub mod packed;
pub mod profile;
pub mod replay;
pub mod reverify;
pub mod rules;
pub mod sample;
pub mod server;
pub mod signature;
pub mod store;
pub mod target;
pub mod visible;

pub use error::{Error, Result};
