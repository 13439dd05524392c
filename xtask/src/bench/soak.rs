//! The soak: a steady load for a long time (an hour at 1,000 deliveries a second by default,
//! `cargo xtask bench --soak`), with the server's memory and the search index's lag read every
//! ten seconds. Reports the memory's slope (least squares, after the first minute), the lag's
//! largest and last values, and how long search takes to catch up once the load stops.

use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::{Value, json};

use super::{Plan, api, fresh_data_dir, print_load, start_hookscope, tools};

pub struct Soak {
    pub seconds: u32,
    pub rate: f64,
}

pub fn soak(plan: &Plan, soak: &Soak) -> Result<Value> {
    eprintln!(
        "\n==> soak: {} deliveries/s for {} s, memory and search lag every {} s",
        soak.rate,
        soak.seconds,
        every(soak).as_secs()
    );
    let dir = fresh_data_dir(plan, "data-soak", true)?;
    let mut hs = start_hookscope(&dir)?;
    let url = format!("http://{}/hooks/bench", hs.addr);
    let tool = plan.paced()?.clone();
    let (out, rate, seconds) = (plan.out.clone(), soak.rate, soak.seconds);
    let load = std::thread::spawn(move || tools::paced(&tool, &url, rate, seconds, 16, &out));
    let started = Instant::now();
    let mut samples = Vec::new();
    while !load.is_finished() {
        std::thread::sleep(every(soak));
        let (rss, _) = tools::rss_mb(hs.child.id());
        let lag = search_lag(&hs.api).unwrap_or(0);
        let t = started.elapsed().as_secs_f64();
        println!("  {t:>6.0} s   {rss:>6.1} MB   search {lag} behind");
        samples.push(json!({ "t": t, "rss_mb": rss, "search_lag": lag }));
    }
    let load = load.join().expect("the load thread ends")?;
    print_load("soak load", &load);
    let lag_at_end = search_lag(&hs.api).unwrap_or(0);
    let caught_up = Instant::now();
    let mut catch_up = None;
    while caught_up.elapsed() < Duration::from_secs(120) {
        if search_lag(&hs.api).unwrap_or(1) == 0 {
            catch_up = Some(caught_up.elapsed().as_secs_f64());
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let (rss_end, peak) = tools::rss_mb(hs.child.id());
    hs.stop();
    let _ = std::fs::remove_dir_all(&dir);

    let points: Vec<(f64, f64)> = samples
        .iter()
        .filter_map(|s| Some((s["t"].as_f64()?, s["rss_mb"].as_f64()?)))
        .collect();
    // After the first minute (or the first third of a short run): the store's caches fill first.
    let warm = 60.0_f64.min(f64::from(soak.seconds) / 3.0);
    let slope = slope_per_minute(points.iter().copied().filter(|(t, _)| *t >= warm));
    let lag_max = samples
        .iter()
        .filter_map(|s| s["search_lag"].as_u64())
        .max()
        .unwrap_or(0);
    println!(
        "  memory slope {:.3} MB/min, peak {peak:.1} MB; search lag at most {lag_max}, {lag_at_end} when the load stopped, caught up in {}",
        slope.unwrap_or(0.0),
        catch_up.map_or("more than 120 s".to_owned(), |s| format!("{s:.1} s"))
    );
    Ok(json!({
        "seconds": soak.seconds,
        "rate": soak.rate,
        "load": super::load_json(&load, None),
        "samples": samples,
        "rss_slope_mb_per_min": slope,
        "rss_end_mb": rss_end,
        "peak_rss_mb": peak,
        "search_lag_max": lag_max,
        "search_lag_at_end": lag_at_end,
        "search_catch_up_seconds": catch_up,
    }))
}

fn every(soak: &Soak) -> Duration {
    Duration::from_secs(if soak.seconds >= 300 { 10 } else { 2 })
}

/// Deliveries stored but not yet searchable.
fn search_lag(api: &str) -> Result<u64> {
    let info = api::api_json(api, "/api")?;
    let newest = info["search"]["newest"].as_i64().unwrap_or(0);
    let indexed = info["search"]["indexed_through"].as_i64().unwrap_or(0);
    Ok(u64::try_from(newest - indexed).unwrap_or(0))
}

/// The least-squares slope of `points` (seconds, MB), in MB per minute; `None` under two points.
fn slope_per_minute(points: impl Iterator<Item = (f64, f64)>) -> Option<f64> {
    let points: Vec<(f64, f64)> = points.collect();
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f64;
    let (mx, my) = points
        .iter()
        .fold((0.0, 0.0), |(x, y), p| (x + p.0 / n, y + p.1 / n));
    let (num, den) = points.iter().fold((0.0, 0.0), |(a, b), p| {
        (a + (p.0 - mx) * (p.1 - my), b + (p.0 - mx) * (p.0 - mx))
    });
    (den > 0.0).then(|| num / den * 60.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_slope_is_in_mb_per_minute() {
        let flat = [(0.0, 30.0), (60.0, 30.0), (120.0, 30.0)];
        assert_eq!(super::slope_per_minute(flat.into_iter()), Some(0.0));
        let rising = [(0.0, 30.0), (60.0, 31.0), (120.0, 32.0)];
        let s = super::slope_per_minute(rising.into_iter()).unwrap();
        assert!((s - 1.0).abs() < 1e-9, "{s}");
        assert_eq!(super::slope_per_minute([(0.0, 1.0)].into_iter()), None);
    }
}
