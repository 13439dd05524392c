//! Hookscope's integration tests, one binary with a module per area (ripgrep's layout): each test
//! starts what it needs for real (a SQLite file, listeners on ephemeral loopback ports, the
//! `hookscope` binary as a child process) and talks to it over real HTTP.

mod common;
mod contract;
mod diff;

mod api;
mod capture;
mod check;
mod disk;
mod export;
mod fixtures;
mod fuzz;
mod handler;
mod inspect;
mod instance;
mod layers;
mod learn;
mod mcp;
mod process;
mod profiles;
mod replay;
mod router;
mod rules;
mod sdk_vectors;
mod search;
mod send;
mod spec;
mod store;
mod ui_files;
