//! Hookscope's core: capture webhook deliveries, store them in SQLite, serve them to the UI.
//!
//! One module per concern: [`capture`] (the public listener), [`store`] (SQLite), [`api`] (the
//! private control API), [`config`], and [`server`] which runs them together. The desktop shell
//! and the `hookscope` command line are front ends over this library.

pub mod api;
pub mod capture;
pub mod config;
pub mod error;
pub mod head;
pub mod model;
pub mod net;
pub mod server;
pub mod store;

pub use error::{Error, Result};
