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

    #[error(
        "the disk holding the store ({}) is full; delete deliveries or free space on that disk, and capture resumes by itself",
        dir.display()
    )]
    DiskFull { dir: PathBuf },

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

    #[error("no bulk replay {0} (finished ones are kept for a while, then forgotten)")]
    NoReplayJob(u64),
    #[error("no check run {0}")]
    NoCheckRun(i64),
    #[error("no attempt {0}")]
    NoAttempt(i64),
    #[error(
        "no schema learned for {vendor} `{event_type}` yet: it is learned from the deliveries \
         of that vendor and event type as they come (see `hookscope schemas` for those learned)"
    )]
    NoSchema { vendor: String, event_type: String },

    /// A request the caller can correct; the message says how.
    #[error("{0}")]
    Invalid(String),

    /// Something the instance had to reach (its own capture listener, a target) did not answer.
    #[error("{0}")]
    Unreachable(String),

    #[error("cannot write the config file {path}: {message}")]
    WriteConfig { path: PathBuf, message: String },

    #[error("a background task failed: {0}")]
    Task(String),

    /// A stored head or body that cannot be decompressed (the database was damaged).
    #[error("{0}")]
    Unpack(String),

    /// Writing an export failed (the output, not the request, is at fault).
    #[error("cannot write the export: {0}")]
    Export(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The HTTP status that says what kind of failure this is; the desktop transport carries it
    /// too, so the UI handles both the same way.
    pub fn status(&self) -> u16 {
        match self {
            Error::NotFound(_)
            | Error::NoReplayJob(_)
            | Error::NoCheckRun(_)
            | Error::NoAttempt(_)
            | Error::NoSchema { .. } => 404,
            Error::Filter(_) | Error::Invalid(_) => 400,
            Error::Unreachable(_) => 502,
            Error::WriterGone => 503,
            Error::DiskFull { .. } => 507,
            _ => 500,
        }
    }

    /// The caller's request is at fault, not the instance: an unknown id, a filter or value that
    /// does not parse, a config or profile that is invalid, a database that is not there. The
    /// command line exits 2 for these.
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            Error::NotFound(_)
                | Error::NoReplayJob(_)
                | Error::NoCheckRun(_)
                | Error::NoAttempt(_)
                | Error::NoSchema { .. }
                | Error::Filter(_)
                | Error::Invalid(_)
                | Error::Config { .. }
                | Error::Vendor(_)
                | Error::NoDatabase(_)
        )
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// What a UI receives for a failed operation: `{"status": 404, "message": "no delivery with id 7"}`.
impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Error", 2)?;
        s.serialize_field("status", &self.status())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}
