//! Room on the store's disk. Captures come first: search indexing, which can take as much room
//! as the captures it indexes, waits while the disk is nearly full. A reserve file beside the
//! database is given up when the disk fills, so that deleting deliveries (which writes too, to
//! SQLite's write-ahead log) still works and makes room; it is taken again once there is room.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The reserve kept beside the database for deleting on a full disk.
pub const RESERVE_BYTES: u64 = 4 << 20;
/// Search indexes only while the disk has this much room (beyond the reserve).
pub const INDEX_ROOM: u64 = 64 << 20;

/// What everyone may read about the store's disk; the writer keeps it.
#[derive(Debug, Default)]
pub struct DiskState {
    full: AtomicBool,
    /// Where the database lives (`None` for one in memory).
    dir: Option<PathBuf>,
}

impl DiskState {
    /// The last write failed for want of room, and none has succeeded since.
    pub fn is_full(&self) -> bool {
        self.full.load(Ordering::Relaxed)
    }

    /// Bytes free for the store on its disk, when the system says.
    pub fn available(&self) -> Option<u64> {
        fs4::available_space(self.dir.as_deref()?).ok()
    }

    /// The folder holding the database.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }
}

/// The writer's side: the reserve file and the shared state.
pub(super) struct Space {
    state: Arc<DiskState>,
    reserve: Option<PathBuf>,
}

impl Space {
    /// For the database at `db` (a path SQLite gave, empty for one in memory).
    pub(super) fn new(db: Option<&Path>) -> Space {
        let db = db.filter(|p| !p.as_os_str().is_empty());
        let dir = db.map(|p| {
            p.parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_owned()
        });
        let reserve = db.map(|p| {
            let mut name = p.as_os_str().to_owned();
            name.push(".reserve");
            PathBuf::from(name)
        });
        let space = Space {
            state: Arc::new(DiskState {
                full: AtomicBool::new(false),
                dir,
            }),
            reserve,
        };
        space.keep_reserve();
        space
    }

    pub(super) fn state(&self) -> Arc<DiskState> {
        self.state.clone()
    }

    pub(super) fn is_full(&self) -> bool {
        self.state.is_full()
    }

    /// Notes that a write failed for want of room, or that one succeeded.
    pub(super) fn set_full(&self, full: bool) {
        let was = self.state.full.swap(full, Ordering::Relaxed);
        match (was, full) {
            (false, true) => tracing::warn!(
                dir = %self.state.dir.as_deref().unwrap_or(Path::new("")).display(),
                "the store's disk is full: captures are answered 503 until there is room; deleting deliveries makes room"
            ),
            (true, false) => tracing::info!("the store's disk has room again; capturing"),
            _ => {}
        }
    }

    /// Whether search may index now: not while the disk is full or nearly so.
    pub(super) fn room_to_index(&self) -> bool {
        if self.is_full() {
            return false;
        }
        match self.state.available() {
            Some(free) => free >= INDEX_ROOM,
            // A system that does not say: index, as before.
            None => true,
        }
    }

    /// Gives the reserve back to the disk, so a delete can proceed; `true` when there was one.
    pub(super) fn release_reserve(&self) -> bool {
        let Some(path) = &self.reserve else {
            return false;
        };
        match std::fs::remove_file(path) {
            Ok(()) => {
                tracing::info!("released the store's disk reserve to delete on a full disk");
                true
            }
            Err(_) => false,
        }
    }

    /// Takes the reserve again when it is missing and the disk has room for it twice over.
    pub(super) fn keep_reserve(&self) {
        use fs4::FileExt;
        let Some(path) = &self.reserve else { return };
        if path.exists() {
            return;
        }
        if self
            .state
            .available()
            .is_none_or(|free| free < 2 * RESERVE_BYTES)
        {
            return;
        }
        let made = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .and_then(|file| file.allocate(RESERVE_BYTES));
        if let Err(e) = made {
            tracing::debug!(file = %path.display(), error = %e, "cannot keep a disk reserve");
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Whether `e` says the disk (or the database's size limit) is full.
pub(super) fn is_disk_full(e: &crate::error::Error) -> bool {
    use crate::error::Error;
    let sqlite = match e {
        Error::Sqlite(e) => e,
        Error::OpenDatabase { source, .. } => source,
        _ => return false,
    };
    matches!(
        sqlite.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DiskFull)
    )
}
