//! The core's error type. Every message names the thing that failed and, where a person can act,
//! what to do about it; the CLI adds context on top with `anyhow`.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "{what} port {addr} is already in use; pass {flag} 127.0.0.1:PORT (or set it in the config) to use another"
    )]
    AddrInUse {
        what: &'static str,
        addr: SocketAddr,
        flag: &'static str,
    },

    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "the database {path} is in use by another `hookscope serve` (pid {pid}); stop it, or pass --db PATH to use another database"
    )]
    DatabaseInUse { path: PathBuf, pid: String },

    #[error("no database at {0}; start `hookscope serve` once to create it, or pass --db PATH")]
    NoDatabase(PathBuf),

    #[error("cannot open the database {path}: {source}")]
    OpenDatabase {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    #[error("cannot migrate the database schema: {0}")]
    Migration(#[from] rusqlite_migration::Error),

    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error("database connection pool: {0}")]
    Pool(#[from] r2d2::Error),

    #[error("could not store the delivery: {0}")]
    Commit(String),

    #[error("the store's writer has stopped; the server is shutting down")]
    WriterGone,

    #[error("invalid config {path}: {message}")]
    Config { path: PathBuf, message: String },

    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("vendor profile: {0}")]
    Vendor(String),

    #[error("invalid filter: {0}")]
    Filter(String),

    #[error("no delivery with id {0}")]
    NotFound(i64),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
