//! The SQLite store: one database file in WAL mode holding every delivery. It owns all SQL.
//!
//! Writes go through one writer thread ([`Writer`]) that commits concurrent deliveries together
//! (group commit), so durability costs one fsync per batch rather than per request. Reads use a
//! small pool of read-only connections, which WAL lets run beside the writer.

mod attempts;
mod checkpoint;
mod checks;
mod dedupe;
mod deliveries;
mod dictionaries;
mod facets;
mod filter;
mod learned;
mod list;
mod order;
mod retention;
mod search;
mod space;
mod writer;

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{M, Migrations};

pub use attempts::Recorded;
pub use checks::{CheckRow, KEEP_CHECKS};
pub use filter::{DEFAULT_LIMIT, DUPLICATE_FILTERS, Filter, ListParams, MAX_LIMIT, parse_time};
pub use space::{DiskState, INDEX_ROOM};
pub use writer::{Writer, WriterThread};

use crate::config::{Durability, RetentionConfig, private};
use crate::error::{Error, Result};
use crate::model::{Attempt, Delivery, Facets, NewAttempt, Page};

const MIGRATION_LIST: &[M<'static>] = &[
    M::up(include_str!("../../migrations/0001_deliveries.sql")),
    M::up(include_str!("../../migrations/0002_analysis.sql")),
    M::up(include_str!("../../migrations/0003_search.sql")),
    M::up(include_str!("../../migrations/0004_filters.sql")),
    M::up(include_str!("../../migrations/0005_pins.sql")),
    M::up(include_str!("../../migrations/0006_attempts.sql")),
    M::up(include_str!("../../migrations/0007_imported.sql")),
    M::up(include_str!("../../migrations/0008_handler_answer.sql")),
    M::up(include_str!("../../migrations/0009_tenant_and_origin.sql")),
    M::up(include_str!("../../migrations/0010_receive_order.sql")),
    M::up(include_str!("../../migrations/0011_facet_hours.sql")),
    M::up(include_str!("../../migrations/0012_checks.sql")),
    M::up(include_str!("../../migrations/0013_learned.sql")),
    M::up(include_str!("../../migrations/0014_rules.sql")),
    M::up(include_str!("../../migrations/0015_packed_payloads.sql")),
    M::up(include_str!("../../migrations/0016_dictionaries.sql")),
    M::up(include_str!("../../migrations/0017_packed_analysis.sql")),
    M::up(include_str!("../../migrations/0018_search_merges.sql")),
];
const MIGRATIONS: Migrations<'static> = Migrations::from_slice(MIGRATION_LIST);

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open store: the database path and a pool of read connections.
#[derive(Clone)]
pub struct Store {
    path: PathBuf,
    pool: r2d2::Pool<SqliteConnectionManager>,
    /// Where outgoing requests are recorded. Deliveries go through the [`Writer`]; attempts come
    /// from the replay and forward tasks, which may run without a server (`hookscope replay`),
    /// so they have a group commit of their own.
    attempts: Arc<AttemptLog>,
    /// The dictionaries payloads are packed with, loaded at open and added to as the writer
    /// trains them.
    dicts: Arc<crate::packed::Dictionaries>,
}

/// Most attempts committed in one transaction.
const ATTEMPT_BATCH: usize = 512;

type AttemptJob = (
    (NewAttempt, Option<u16>),
    std::sync::mpsc::SyncSender<Result<Recorded>>,
);

/// Where attempts are committed. With a server running, in its writer's commits beside the
/// captures: live forwarding at a thousand deliveries a second (or to a handler that never
/// answers, whose every delivery past the queue is an attempt that says so) then adds no
/// transaction, fsync or wait for SQLite's write lock of its own. Without one (`hookscope replay`,
/// `send`), a group commit of their own: a thread, started at the first attempt, that commits
/// whatever attempts are waiting in one transaction.
struct AttemptLog {
    path: PathBuf,
    jobs: std::sync::OnceLock<std::sync::mpsc::Sender<AttemptJob>>,
    /// The running server's writer. Weak: attempts do not keep it running past shutdown.
    writer: std::sync::Mutex<Option<tokio::sync::mpsc::WeakSender<writer::Job>>>,
}

impl AttemptLog {
    fn record(&self, attempt: NewAttempt, sender_got: Option<u16>) -> Result<Recorded> {
        let writer = self
            .writer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let attempt = match writer {
            Some(jobs) => match Writer::record_attempt_blocking(&jobs, attempt, sender_got) {
                Ok(recorded) => return recorded,
                // The writer has stopped: the store is still there.
                Err(attempt) => *attempt,
            },
            None => attempt,
        };
        let jobs = self.jobs.get_or_init(|| {
            let (tx, rx) = std::sync::mpsc::channel();
            let path = self.path.clone();
            // Ends once every store handle (and with them the sender) is gone.
            std::thread::Builder::new()
                .name("hookscope-attempts".into())
                .spawn(move || commit_attempts(&path, &rx))
                .expect("a thread starts");
            tx
        });
        let (reply, answer) = std::sync::mpsc::sync_channel(1);
        jobs.send(((attempt, sender_got), reply))
            .map_err(|_| Error::WriterGone)?;
        answer.recv().map_err(|_| Error::WriterGone)?
    }
}

fn commit_attempts(path: &Path, jobs: &std::sync::mpsc::Receiver<AttemptJob>) {
    let mut conn: Option<Connection> = None;
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < ATTEMPT_BATCH
            && let Ok(job) = jobs.try_recv()
        {
            batch.push(job);
        }
        let (attempts, replies): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
        let done = match &mut conn {
            Some(conn) => attempts::insert_batch(conn, &attempts),
            None => open_attempts_connection(path)
                .and_then(|c| attempts::insert_batch(conn.insert(c), &attempts)),
        };
        match done {
            Ok(done) => {
                for (reply, recorded) in replies.into_iter().zip(done) {
                    let _ = reply.send(recorded);
                }
            }
            Err(e) => {
                let message = e.to_string();
                for reply in replies {
                    let _ = reply.send(Err(Error::Commit(message.clone())));
                }
            }
        }
    }
}

fn open_attempts_connection(path: &Path) -> Result<Connection> {
    let conn = open_connection(path)?;
    // An attempt is a log of what was sent, not an acknowledged delivery: in WAL mode NORMAL
    // commits without an fsync each (a power cut may lose the last few).
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(conn)
}

impl Store {
    /// Opens (creating it and its directory when missing) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            private::create_dir(dir).map_err(|e| Error::io(dir, e))?;
        }
        let mut conn = open_connection(path)?;
        // Payloads and endpoint secrets: the owner's alone (SQLite gives its -wal and -shm files
        // the database's mode).
        for file in [
            path.to_owned(),
            wal_file(path, "-wal"),
            wal_file(path, "-shm"),
        ] {
            if file.exists()
                && let Err(e) = private::restrict(&file)
            {
                // Another user's file, say: still readable, so still opened.
                tracing::warn!(file = %file.display(), error = %e, "cannot make the database the owner's alone");
            }
        }
        let pending = MIGRATIONS.pending_migrations(&conn)?;
        let stored: Option<i64> = if pending > 0 {
            // A new store has no table yet; an old one may take a while to rebuild indexes.
            conn.query_row("SELECT max(rowid) FROM deliveries", [], |r| r.get(0))
                .unwrap_or(None)
        } else {
            None
        };
        if let Some(n) = stored {
            tracing::info!(
                db = %path.display(),
                "upgrading the store ({pending} migrations, up to {n} deliveries); a large store takes a minute"
            );
        }
        MIGRATIONS.to_latest(&mut conn)?;
        if stored.is_some() {
            tracing::info!("store upgraded");
        }
        let dicts = Arc::new(crate::packed::Dictionaries::default());
        dictionaries::load(&conn, &dicts)?;
        drop(conn);

        // Read-write flags with `query_only`: a read-only open of a WAL database fails while its
        // -shm file is missing, which it is whenever no other connection has it open.
        let manager = SqliteConnectionManager::file(path)
            .with_flags(OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .with_init(|c| {
                c.busy_timeout(BUSY_TIMEOUT)?;
                c.pragma_update(None, "query_only", true)
            });
        let pool = r2d2::Pool::builder()
            .max_size(4)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .build(manager)?;
        Ok(Store {
            path: path.to_owned(),
            pool,
            attempts: Arc::new(AttemptLog {
                path: path.to_owned(),
                jobs: std::sync::OnceLock::new(),
                writer: std::sync::Mutex::new(None),
            }),
            dicts,
        })
    }

    /// Opens an existing database; used by the read-only commands, which should not create one.
    pub fn open_existing(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(Error::NoDatabase(path.to_owned()));
        }
        Store::open(path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The dictionaries payloads are packed with: capture packs with them before the writer
    /// stores.
    pub fn dictionaries(&self) -> Arc<crate::packed::Dictionaries> {
        self.dicts.clone()
    }

    /// Starts the writer thread, which owns the only write connection.
    pub fn start_writer(
        &self,
        durability: Durability,
        retention: &RetentionConfig,
    ) -> Result<(Writer, WriterThread)> {
        let conn = open_connection(&self.path)?;
        conn.pragma_update(
            None,
            "synchronous",
            match durability {
                Durability::Full => "FULL",
                Durability::Normal => "NORMAL",
            },
        )?;
        let (writer, thread) = writer::start(conn, retention, self.dicts.clone())?;
        *self
            .attempts
            .writer
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(writer.weak_jobs());
        Ok((writer, thread))
    }

    pub fn list(&self, filter: &Filter) -> Result<Page> {
        list::list(&*self.pool.get()?, filter, &self.dicts)
    }

    /// Counts for the filter sidebar, of the deliveries matching `filter`.
    pub fn facets(&self, filter: &Filter) -> Result<Facets> {
        facets::facets(&*self.pool.get()?, filter)
    }

    pub fn get(&self, id: i64) -> Result<Option<Delivery>> {
        deliveries::get(&*self.pool.get()?, id, &self.dicts)
    }

    /// The schemas learned from the deliveries stored, as last saved (a running server saves
    /// what it learns at most half a second after).
    pub fn learned(&self) -> Result<Vec<crate::learn::Learned>> {
        learned::load(&*self.pool.get()?)
    }

    /// The body bytes and content type of one delivery.
    pub fn body(&self, id: i64) -> Result<Option<(Option<String>, Vec<u8>)>> {
        deliveries::body(&*self.pool.get()?, id, &self.dicts)
    }

    /// Whether any stored delivery has the event type `t` (from the kept facet counts).
    pub fn has_event_type(&self, t: &str) -> Result<bool> {
        Ok(self
            .pool
            .get()?
            .prepare_cached("SELECT 1 FROM facet_counts WHERE event_type = ?1 AND n > 0 LIMIT 1")?
            .exists([t])?)
    }

    pub fn count(&self) -> Result<u64> {
        deliveries::count(&*self.pool.get()?)
    }

    /// Records an outgoing request and its outcome; a forward or replay becomes its delivery's
    /// handler answer, and `sender_got` (pass-through) the answer stored for the sender. Blocks
    /// on SQLite (call it from a blocking thread in async code).
    pub fn record_attempt(&self, attempt: NewAttempt, sender_got: Option<u16>) -> Result<Recorded> {
        self.attempts.record(attempt, sender_got)
    }

    /// The attempts made from one delivery, newest first.
    pub fn attempts_for(&self, delivery_id: i64, limit: u32) -> Result<Vec<Attempt>> {
        attempts::for_delivery(&*self.pool.get()?, delivery_id, limit)
    }

    /// The newest attempts of any delivery, test sends included, newest first.
    pub fn recent_attempts(&self, limit: u32) -> Result<Vec<Attempt>> {
        attempts::recent(&*self.pool.get()?, limit)
    }

    pub fn attempt(&self, id: i64) -> Result<Option<Attempt>> {
        attempts::get(&*self.pool.get()?, id)
    }

    /// Stores a new handler check run, `running`, of `total` probes; its id. Blocks on SQLite.
    pub fn insert_check(
        &self,
        vendor: &str,
        target: &str,
        events: &str,
        total: u32,
    ) -> Result<i64> {
        let mut conn = open_connection(&self.path)?;
        checks::insert(
            &mut conn,
            vendor,
            target,
            events,
            total,
            crate::model::now_us(),
        )
    }

    /// Writes a check run's state and report (JSON) as they stand; `false` when it was deleted.
    pub fn update_check(&self, id: i64, state: &str, report: &str) -> Result<bool> {
        let conn = open_connection(&self.path)?;
        checks::update(&conn, id, state, report, crate::model::now_us())
    }

    /// Check runs, newest first, without their reports (only those below `before`, when given).
    pub fn checks(&self, before: Option<i64>, limit: u32) -> Result<Vec<CheckRow>> {
        checks::list(&*self.pool.get()?, before, limit)
    }

    /// One check run, with its report.
    pub fn check(&self, id: i64) -> Result<Option<CheckRow>> {
        checks::get(&*self.pool.get()?, id)
    }

    /// The finished run before `id` of the same vendor against the same handler.
    pub fn previous_check(&self, id: i64) -> Result<Option<CheckRow>> {
        checks::previous(&*self.pool.get()?, id)
    }

    /// Deletes a check run and its probes' attempts; `false` when there was none.
    pub fn delete_check(&self, id: i64) -> Result<bool> {
        let mut conn = open_connection(&self.path)?;
        checks::delete(&mut conn, id)
    }

    /// The ids `filter` selects (its cursors included, its page size ignored), in the order they
    /// were received, at most `limit` of them.
    pub fn ids_matching(&self, filter: &Filter, limit: u64) -> Result<Vec<i64>> {
        list::ids_matching(&*self.pool.get()?, filter, limit)
    }

    /// The newest delivery id the search index covers, and the newest delivery id.
    pub fn search_progress(&self) -> Result<(i64, i64)> {
        search::search_progress(&*self.pool.get()?)
    }
}

/// The database's `-wal` or `-shm` file.
fn wal_file(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn open_connection(path: &Path) -> Result<Connection> {
    let failed = |source| Error::OpenDatabase {
        path: path.to_owned(),
        source,
    };
    let conn = Connection::open(path).map_err(failed)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // The first read: a file that is not SQLite (or not readable) fails here, named.
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(failed)?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(%mode, path = %path.display(), "the database could not switch to WAL mode");
    }
    Ok(conn)
}

/// Held while a server writes to a database, so a second server on the same file is refused with
/// a clear error instead of two writers interleaving their retention and counters.
///
/// The lock file (`<db>.lock`) names its holder: the process id on the first line and, while the
/// holder serves the control API, `api <addr>` on the second, so that commands which write (such
/// as `hookscope import`) can go through the running server instead of failing.
pub struct ServeLock {
    file: File,
    path: PathBuf,
}

/// Who holds a database's lock, as its lock file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    pub pid: String,
    /// The holder's control API, when it serves one.
    pub api: Option<std::net::SocketAddr>,
}

fn lock_path(db: &Path) -> PathBuf {
    let mut path = db.as_os_str().to_owned();
    path.push(".lock");
    PathBuf::from(path)
}

impl LockHolder {
    fn parse(text: &str) -> LockHolder {
        let mut lines = text.lines();
        let pid = lines.next().unwrap_or_default().trim().to_owned();
        let api = lines
            .filter_map(|l| l.strip_prefix("api "))
            .find_map(|addr| addr.trim().parse().ok());
        LockHolder { pid, api }
    }

    /// The holder of `db`'s lock, or `None` when nobody holds it.
    pub fn of(db: &Path) -> Result<Option<LockHolder>> {
        match ServeLock::acquire(db) {
            Ok(_free) => Ok(None),
            Err(Error::DatabaseInUse { .. }) => {
                let path = lock_path(db);
                let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
                Ok(Some(LockHolder::parse(&text)))
            }
            Err(e) => Err(e),
        }
    }
}

impl ServeLock {
    /// Records in the lock file that the holder serves the control API at `addr`.
    pub fn advertise_api(&self, addr: std::net::SocketAddr) -> Result<()> {
        self.rewrite(&format!("{}\napi {addr}\n", std::process::id()))
    }

    /// Records that the holder no longer serves the control API.
    pub fn withdraw_api(&self) -> Result<()> {
        self.rewrite(&std::process::id().to_string())
    }

    fn rewrite(&self, text: &str) -> Result<()> {
        use std::io::{Seek, SeekFrom};
        let mut file = &self.file;
        let io = |e| Error::io(&self.path, e);
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.write_all(text.as_bytes()).map_err(io)
    }

    pub fn acquire(db: &Path) -> Result<ServeLock> {
        let lock_path = lock_path(db);
        if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
            private::create_dir(dir).map_err(|e| Error::io(dir, e))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                return Err(Error::DatabaseInUse {
                    path: db.to_owned(),
                    pid: LockHolder::parse(&text).pid,
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&lock_path, e)),
        }
        file.set_len(0).map_err(|e| Error::io(&lock_path, e))?;
        write!(file, "{}", std::process::id()).map_err(|e| Error::io(&lock_path, e))?;
        Ok(ServeLock {
            file,
            path: lock_path,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        MIGRATIONS.validate().unwrap();
    }

    #[test]
    fn second_lock_on_one_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("h.db");
        let first = ServeLock::acquire(&db).unwrap();
        let err = ServeLock::acquire(&db).err().unwrap().to_string();
        assert!(err.contains("in use by another"), "{err}");
        assert!(err.contains(&std::process::id().to_string()), "{err}");
        drop(first);
        ServeLock::acquire(&db).unwrap();
    }

    #[test]
    fn the_lock_file_names_the_holder_and_its_api() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("h.db");
        assert_eq!(LockHolder::of(&db).unwrap(), None);
        let lock = ServeLock::acquire(&db).unwrap();
        let pid = std::process::id().to_string();
        let holder = LockHolder::of(&db).unwrap().unwrap();
        assert_eq!((holder.pid.as_str(), holder.api), (pid.as_str(), None));

        let addr: std::net::SocketAddr = "127.0.0.1:18788".parse().unwrap();
        lock.advertise_api(addr).unwrap();
        let holder = LockHolder::of(&db).unwrap().unwrap();
        assert_eq!(
            (holder.pid.as_str(), holder.api),
            (pid.as_str(), Some(addr))
        );
        // The refusal still names the process alone.
        let err = ServeLock::acquire(&db).err().unwrap().to_string();
        assert!(err.contains(&format!("(pid {pid})")), "{err}");

        lock.withdraw_api().unwrap();
        assert_eq!(LockHolder::of(&db).unwrap().unwrap().api, None);
        drop(lock);
        assert_eq!(LockHolder::of(&db).unwrap(), None);
    }
}
