//! Schemas learned from traffic: per vendor and event type, what the payloads have looked like,
//! folded one delivery at a time as they come (never by rescanning the store). [`shape`] is one
//! event type's learned shape and its JSON Schema; [`code`] writes it as TypeScript or Zod for a
//! handler; [`Learner`] keeps the shapes of every event type and says each new payload's drift.

pub mod code;
pub mod shape;

use std::collections::HashMap;
use std::sync::Mutex;

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
    schemas: Mutex<HashMap<(String, String), Learned>>,
}

impl Learner {
    /// A learner that starts from shapes learned before (read back from the store).
    pub fn new(learned: impl IntoIterator<Item = Learned>) -> Learner {
        let schemas = learned
            .into_iter()
            .map(|l| ((l.vendor.clone(), l.event_type.clone()), l))
            .collect();
        Learner {
            schemas: Mutex::new(schemas),
        }
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
        let mut schemas = self.schemas.lock().unwrap_or_else(|e| e.into_inner());
        let key = (vendor.to_owned(), event_type.to_owned());
        let full = schemas.len() >= MAX_EVENT_TYPES;
        let learned = match schemas.get_mut(&key) {
            Some(learned) => learned,
            None if full => return None,
            None => schemas.entry(key).or_insert_with(|| Learned {
                vendor: vendor.to_owned(),
                event_type: event_type.to_owned(),
                first_at_us: at_us,
                last_at_us: at_us,
                shape: Field::default(),
            }),
        };
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
        let schemas = self.schemas.lock().unwrap_or_else(|e| e.into_inner());
        schemas
            .get(&(vendor.to_owned(), event_type.to_owned()))
            .cloned()
    }

    /// Every event type learned: vendor, type and how many payloads, by vendor then type.
    pub fn list(&self) -> Vec<(String, String, u64)> {
        let schemas = self.schemas.lock().unwrap_or_else(|e| e.into_inner());
        let mut out: Vec<_> = schemas
            .values()
            .map(|l| (l.vendor.clone(), l.event_type.clone(), l.shape.seen))
            .collect();
        out.sort();
        out
    }

    /// Forgets everything learned (the store was emptied).
    pub fn clear(&self) {
        self.schemas
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
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
}
