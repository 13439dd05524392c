//! The control API as the benchmarks read it: JSON answers, every stored id, and what a query
//! costs over repeated runs on one kept-alive connection.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::Value;

use super::API_TOKEN;

/// What a query cost over repeated runs through the API.
pub struct Timing {
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Rows the response held (items of a page, or 1).
    pub rows: usize,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

fn get(agent: &ureq::Agent, api: &str, path: &str) -> Result<String> {
    let mut resp = agent
        .get(format!("http://{api}{path}"))
        .header("Authorization", format!("Bearer {API_TOKEN}"))
        .call()
        .with_context(|| format!("GET {path}"))?;
    Ok(resp
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()?)
}

/// GET on the control API, as JSON.
pub fn api_json(api: &str, path: &str) -> Result<Value> {
    Ok(serde_json::from_str(&get(&agent(), api, path)?)?)
}

/// Every stored delivery id, page by page.
pub fn all_ids(api: &str) -> Result<HashSet<u64>> {
    let agent = agent();
    let mut ids = HashSet::new();
    let mut path = "/api/deliveries?limit=1000".to_owned();
    loop {
        let page: Value = serde_json::from_str(&get(&agent, api, &path)?)?;
        for item in page["items"].as_array().into_iter().flatten() {
            ids.insert(item["id"].as_u64().context("an item without an id")?);
        }
        match page["next_cursor"].as_u64() {
            Some(c) => path = format!("/api/deliveries?limit=1000&before={c}"),
            None => return Ok(ids),
        }
    }
}

/// How many of the deliveries named by `acks` (the opaque ids senders were given) are stored.
pub fn present(api: &str, acks: &[String]) -> Result<u64> {
    let agent = agent();
    let mut found = 0;
    for ack in acks {
        match agent
            .get(format!("http://{api}/api/deliveries/{ack}"))
            .header("Authorization", format!("Bearer {API_TOKEN}"))
            .call()
        {
            Ok(_) => found += 1,
            Err(ureq::Error::StatusCode(404)) => {}
            Err(e) => return Err(e).with_context(|| format!("GET /api/deliveries/{ack}")),
        }
    }
    Ok(found)
}

/// p50 and p99 of `repeat` GETs on one kept-alive connection, after three to warm up.
pub fn time_query(api: &str, path: &str, repeat: u32) -> Result<Timing> {
    let agent = agent();
    let mut body = String::new();
    for _ in 0..3 {
        body = get(&agent, api, path)?;
    }
    let mut times = Vec::with_capacity(repeat as usize);
    for _ in 0..repeat.max(1) {
        let started = Instant::now();
        get(&agent, api, path)?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    Ok(Timing {
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        rows: v["items"].as_array().map_or(1, Vec::len),
    })
}
