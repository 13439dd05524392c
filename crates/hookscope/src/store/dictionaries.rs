//! The `dictionaries` table: the zstd dictionaries payloads are packed with, trained per vendor
//! from its first deliveries (off the writer thread) and loaded with the store; and the one
//! place payloads are unpacked, which reads a dictionary another process trained when a frame
//! names one not yet known here.

use rusqlite::{Connection, params};

use crate::error::{Error, Result};
use crate::packed::{self, Dictionaries, Dictionary};

/// Payloads of one vendor kept to train its dictionaries on.
pub(super) const SAMPLES: usize = 500;

/// A part larger than this is not kept as a sample: dictionaries pay on small payloads.
const SAMPLE_MAX: usize = 16 * 1024;

/// Most bytes of a head or analysis dictionary: they are short and alike.
const SMALL_DICTIONARY_MAX: usize = 4 * 1024;

/// Every dictionary stored, into `dicts` (older first, so the newest of each vendor and part is
/// the one new payloads get).
pub(super) fn load(conn: &Connection, dicts: &Dictionaries) -> Result<()> {
    let mut stmt =
        conn.prepare_cached("SELECT vendor, part, dict FROM dictionaries ORDER BY trained_at_us")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Vec<u8>>(2)?,
        ))
    })?;
    for row in rows {
        let (vendor, part, bytes) = row?;
        if let Some(dict) = Dictionary::from_bytes(bytes) {
            dicts.add(&vendor, part, dict);
        }
    }
    Ok(())
}

/// Stores a trained dictionary; one already there (the same id) is kept.
pub(super) fn save(
    conn: &Connection,
    vendor: &str,
    part: i64,
    dict: &Dictionary,
    samples: usize,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO dictionaries (id, vendor, part, dict, samples, trained_at_us)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        dict.id,
        vendor,
        part,
        &dict.bytes[..],
        samples as i64,
        crate::model::now_us()
    ])?;
    Ok(())
}

/// One stored part as received (see [`packed::unpack`]), reading the dictionaries again first
/// when its frame names one `dicts` does not know (trained since, by a running server).
pub(super) fn unpack(
    conn: &Connection,
    dicts: &Dictionaries,
    codec: i64,
    part: i64,
    stored: Vec<u8>,
    id: i64,
) -> Result<Vec<u8>> {
    if codec & part != 0
        && let Some(dict) = zstd::zstd_safe::get_dict_id_from_frame(&stored)
        && !dicts.knows(dict.get())
    {
        load(conn, dicts)?;
    }
    packed::unpack(codec, part, stored, id, dicts)
}

/// `read`, and once more after reading the dictionaries again when a frame it met named one not
/// known here (an analysis read in a row mapper, which cannot reach the table itself).
pub(super) fn reading<T>(
    conn: &Connection,
    dicts: &Dictionaries,
    mut read: impl FnMut() -> Result<T>,
) -> Result<T> {
    match read() {
        Err(Error::Sqlite(rusqlite::Error::FromSqlConversionFailure(_, _, e)))
            if e.is::<packed::UnknownDictionary>() =>
        {
            load(conn, dicts)?;
            read()
        }
        other => other,
    }
}

/// The dictionaries a vendor's payloads are trained into, and what training one made.
pub(super) struct Trained {
    pub vendor: String,
    pub samples: usize,
    pub head: Option<Dictionary>,
    pub body: Option<Dictionary>,
    pub analysis: Option<Dictionary>,
}

/// The writer's samples of each vendor without a dictionary; at [`SAMPLES`] a thread trains its
/// dictionaries, and the writer stores and installs them when they come back.
#[derive(Default)]
pub(super) struct Sampler {
    vendors: std::collections::HashMap<String, Samples>,
    trained: Option<(
        std::sync::mpsc::Sender<Trained>,
        std::sync::mpsc::Receiver<Trained>,
    )>,
}

#[derive(Default)]
struct Samples {
    heads: Vec<Vec<u8>>,
    bodies: Vec<Vec<u8>>,
    analyses: Vec<Vec<u8>>,
    /// Sent to train (or trained): no more samples are kept.
    done: bool,
}

impl Sampler {
    /// Keeps a stored payload of `vendor` (and its analysis) as a sample while it lacks a body or
    /// an analysis dictionary.
    pub fn note(
        &mut self,
        dicts: &Dictionaries,
        vendor: &str,
        head: &[u8],
        body: &[u8],
        analysis: Option<&str>,
    ) {
        if body.len() > SAMPLE_MAX || head.len() > SAMPLE_MAX {
            return;
        }
        let samples = match self.vendors.get_mut(vendor) {
            Some(s) => s,
            None if dicts.is_trained(vendor) => return,
            None => self.vendors.entry(vendor.to_owned()).or_default(),
        };
        if samples.done {
            return;
        }
        samples.heads.push(head.to_vec());
        samples.bodies.push(body.to_vec());
        if let Some(json) = analysis {
            samples.analyses.push(json.as_bytes().to_vec());
        }
        if samples.bodies.len() < SAMPLES {
            return;
        }
        samples.done = true;
        let (heads, bodies, analyses) = (
            std::mem::take(&mut samples.heads),
            std::mem::take(&mut samples.bodies),
            std::mem::take(&mut samples.analyses),
        );
        let (tx, _) = self.trained.get_or_insert_with(std::sync::mpsc::channel);
        let (tx, vendor) = (tx.clone(), vendor.to_owned());
        // Training takes tens of milliseconds: not on the writer's thread.
        let started = std::thread::Builder::new()
            .name("hookscope-dictionary".into())
            .spawn(move || {
                let _ = tx.send(Trained {
                    samples: bodies.len(),
                    head: packed::train(&heads, SMALL_DICTIONARY_MAX),
                    body: packed::train(&bodies, packed::DICTIONARY_MAX),
                    analysis: packed::train(&analyses, SMALL_DICTIONARY_MAX),
                    vendor,
                });
            });
        if let Err(e) = started {
            tracing::warn!(error = %e, "cannot start training a dictionary");
        }
    }

    /// The dictionaries trained since the last call.
    pub fn take_trained(&mut self) -> Vec<Trained> {
        match &self.trained {
            Some((_, rx)) => rx.try_iter().collect(),
            None => Vec::new(),
        }
    }
}
