//! Which log lines the front ends print: one variable for the command line and the desktop app,
//! `HOOKSCOPE_LOG` (tracing's `EnvFilter` syntax, `hookscope=debug`), falling back to `RUST_LOG`.
//! The front ends install the subscriber; the library only emits.

/// The filter directives in force: `HOOKSCOPE_LOG`, else `RUST_LOG`, else `default`.
pub fn directives(default: &str) -> String {
    ["HOOKSCOPE_LOG", "RUST_LOG"]
        .into_iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| default.to_owned())
}
