//! Schemas learned from traffic: per vendor and event type, what the payloads have looked like,
//! folded one delivery at a time as they come (never by rescanning the store). [`shape`] is one
//! event type's learned shape and its JSON Schema; [`code`] writes it as TypeScript or Zod for a
//! handler; [`Learner`] keeps the shapes of every event type and says each new payload's drift.

pub mod code;
pub mod shape;

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;

pub use shape::{DRIFT_AFTER, Drift, DriftKind, Field};

/// Event types learned at most: traffic naming ever new types (a hostile sender, or ids in the
/// type) does not grow memory past this; later types are not learned.
pub const MAX_EVENT_TYPES: usize = 2000;

/// One event type's learned shape, and the time of the first and last payload folded into it.
#[derive(Debug, Clone, PartialEq)]
pub struct Learned {
    pub vendor: String,
    pub event_type: String,
    pub first_at_us: i64,
    pub last_at_us: i64,
    pub shape: Field,
}

/// What a payload's fold said: how it differs from the `earlier` payloads of its type.
#[derive(Debug, Clone, PartialEq)]
pub struct Folded {
    pub earlier: u64,
    pub drift: Vec<Drift>,
}

/// The shapes of every event type seen, shared by whatever folds payloads in (the capture
/// listener's workers) and whatever reads or saves them.
#[derive(Debug, Default)]
pub struct Learner {
    inner: Mutex<Inner>,
    /// Payloads folded in, and the time their folds took (lock, drift and fold), for the
    /// benchmark's cost of learning per delivery.
    folds: AtomicU64,
    fold_nanos: AtomicU64,
}

/// What learning has cost so far: payloads folded in and the time that took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    pub folds: u64,
    pub nanos: u64,
}

#[derive(Debug, Default)]
struct Inner {
    /// By vendor, then event type: looked up by `&str` with no allocation per payload.
    schemas: HashMap<String, HashMap<String, Entry>>,
    /// Types learned, over every vendor.
    types: usize,
    /// Types folded into since they were last taken to be saved.
    dirty: usize,
}

#[derive(Debug)]
struct Entry {
    learned: Learned,
    dirty: bool,
}

impl Inner {
    fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.schemas.values().flat_map(HashMap::values)
    }

    fn entry(&mut self, vendor: &str, event_type: &str) -> Option<&mut Entry> {
        self.schemas.get_mut(vendor)?.get_mut(event_type)
    }
}

impl Learner {
    /// A learner that starts from shapes learned before (read back from the store).
    pub fn new(learned: impl IntoIterator<Item = Learned>) -> Learner {
        let mut inner = Inner::default();
        for l in learned {
            let types = inner.schemas.entry(l.vendor.clone()).or_default();
            let entry = Entry {
                learned: l,
                dirty: false,
            };
            let fresh = types
                .insert(entry.learned.event_type.clone(), entry)
                .is_none();
            inner.types += usize::from(fresh);
        }
        Learner {
            inner: Mutex::new(inner),
            ..Learner::default()
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Says how `payload` differs from the earlier payloads of its vendor and event type, then
    /// folds it in. `None` when the type is new and [`MAX_EVENT_TYPES`] are already learned.
    pub fn fold(
        &self,
        vendor: &str,
        event_type: &str,
        payload: &Value,
        at_us: i64,
    ) -> Option<Folded> {
        let started = std::time::Instant::now();
        let folded = self.fold_timed(vendor, event_type, payload, at_us);
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.folds.fetch_add(1, Ordering::Relaxed);
        self.fold_nanos.fetch_add(nanos, Ordering::Relaxed);
        folded
    }

    /// What learning has cost since this learner was made.
    pub fn cost(&self) -> Cost {
        Cost {
            folds: self.folds.load(Ordering::Relaxed),
            nanos: self.fold_nanos.load(Ordering::Relaxed),
        }
    }

    fn fold_timed(
        &self,
        vendor: &str,
        event_type: &str,
        payload: &Value,
        at_us: i64,
    ) -> Option<Folded> {
        let mut guard = self.lock();
        let inner = &mut *guard;
        if inner.entry(vendor, event_type).is_none() {
            if inner.types >= MAX_EVENT_TYPES {
                return None;
            }
            inner.types += 1;
            let entry = Entry {
                learned: Learned {
                    vendor: vendor.to_owned(),
                    event_type: event_type.to_owned(),
                    first_at_us: at_us,
                    last_at_us: at_us,
                    shape: Field::default(),
                },
                dirty: false,
            };
            let types = inner.schemas.entry(vendor.to_owned()).or_default();
            types.insert(event_type.to_owned(), entry);
        }
        let entry = inner.schemas.get_mut(vendor)?.get_mut(event_type)?;
        if !entry.dirty {
            entry.dirty = true;
            inner.dirty += 1;
        }
        let learned = &mut entry.learned;
        let folded = Folded {
            earlier: learned.shape.seen,
            drift: learned.shape.drift(payload),
        };
        learned.shape.observe(payload);
        learned.first_at_us = learned.first_at_us.min(at_us);
        learned.last_at_us = learned.last_at_us.max(at_us);
        Some(folded)
    }

    /// One event type's shape, as learned so far.
    pub fn get(&self, vendor: &str, event_type: &str) -> Option<Learned> {
        self.lock()
            .entry(vendor, event_type)
            .map(|e| e.learned.clone())
    }

    /// Every event type learned: vendor, type and how many payloads, by vendor then type.
    pub fn list(&self) -> Vec<(String, String, u64)> {
        let mut out: Vec<_> = self
            .lock()
            .entries()
            .map(|e| {
                let l = &e.learned;
                (l.vendor.clone(), l.event_type.clone(), l.shape.seen)
            })
            .collect();
        out.sort();
        out
    }

    /// Forgets everything learned (the store was emptied).
    pub fn clear(&self) {
        *self.lock() = Inner::default();
    }

    /// The shapes folded into since the last call, to be saved; hand back with
    /// [`Learner::unsaved`] what could not be.
    pub fn take_dirty(&self) -> Vec<Learned> {
        let mut inner = self.lock();
        if inner.dirty == 0 {
            return Vec::new();
        }
        inner.dirty = 0;
        inner
            .schemas
            .values_mut()
            .flat_map(HashMap::values_mut)
            .filter_map(|e| std::mem::take(&mut e.dirty).then(|| e.learned.clone()))
            .collect()
    }

    /// Whether anything was folded in since [`Learner::take_dirty`].
    pub fn is_dirty(&self) -> bool {
        self.lock().dirty > 0
    }

    /// Marks `learned` (taken by [`Learner::take_dirty`]) as still to be saved.
    pub fn unsaved(&self, learned: &[Learned]) {
        let mut inner = self.lock();
        let mut marked = 0;
        for l in learned {
            if let Some(e) = inner.entry(&l.vendor, &l.event_type)
                && !e.dirty
            {
                e.dirty = true;
                marked += 1;
            }
        }
        inner.dirty += marked;
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::shape::tests::won;
    use super::*;

    #[test]
    fn each_event_type_is_learned_apart_and_drift_is_said_against_its_own() {
        let learner = Learner::default();
        for i in 0..12 {
            let f = learner.fold("leadron", "lead.won", &won(i, "call"), 1_000 + i as i64);
            assert!(f.unwrap().drift.is_empty());
            learner.fold("leadron", "lead.lost", &json!({"why": i}), 5);
        }
        let odd = learner
            .fold("leadron", "lead.won", &won(13, "coin_toss"), 900)
            .unwrap();
        assert_eq!(odd.earlier, 12);
        // One value seen twelve times is not yet a set of choices: no drift on it.
        assert!(odd.drift.is_empty(), "{:?}", odd.drift);
        let mut extra = won(14, "call");
        extra["data"]["won_via"] = json!("referral");
        let f = learner.fold("leadron", "lead.won", &extra, 2_000).unwrap();
        assert_eq!(
            f.drift[0].describe(f.earlier, "lead.won"),
            "`data.won_via`: a field not seen in 13 earlier `lead.won`"
        );
        let won = learner.get("leadron", "lead.won").unwrap();
        assert_eq!(
            (won.shape.seen, won.first_at_us, won.last_at_us),
            (14, 900, 2_000)
        );
        assert_eq!(
            learner.list(),
            [
                ("leadron".into(), "lead.lost".into(), 12),
                ("leadron".into(), "lead.won".into(), 14)
            ]
        );
        learner.clear();
        assert!(learner.list().is_empty());
    }

    #[test]
    fn new_event_types_stop_being_learned_at_the_limit() {
        let learner = Learner::default();
        for i in 0..MAX_EVENT_TYPES {
            assert!(learner.fold("v", &format!("t{i}"), &json!({}), 0).is_some());
        }
        assert!(learner.fold("v", "one.more", &json!({}), 0).is_none());
        // Known types are still learned.
        assert!(learner.fold("v", "t0", &json!({}), 0).is_some());
        assert_eq!(learner.list().len(), MAX_EVENT_TYPES);
    }

    #[test]
    fn what_was_folded_in_is_taken_to_be_saved_once_unless_handed_back() {
        let learner = Learner::default();
        assert!(!learner.is_dirty());
        learner.fold("v", "a", &json!({"x": 1}), 0);
        learner.fold("v", "b", &json!({"y": 1}), 0);
        learner.fold("v", "a", &json!({"x": 2}), 0);
        let mut taken = learner.take_dirty();
        taken.sort_by(|l, r| l.event_type.cmp(&r.event_type));
        assert_eq!(
            taken
                .iter()
                .map(|l| (&*l.event_type, l.shape.seen))
                .collect::<Vec<_>>(),
            [("a", 2), ("b", 1)]
        );
        assert!(!learner.is_dirty() && learner.take_dirty().is_empty());
        // A save that failed hands them back; a type cleared meanwhile is not.
        learner.unsaved(&taken);
        assert_eq!(learner.take_dirty().len(), 2);
        learner.clear();
        learner.unsaved(&taken);
        assert!(!learner.is_dirty());
        // Read back as saved, it folds on from there.
        let learner = Learner::new(taken);
        let f = learner.fold("v", "a", &json!({"x": 3}), 0).unwrap();
        assert_eq!(f.earlier, 2);
    }
}
