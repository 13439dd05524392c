//! The report as Markdown tables, in the README's order.

use serde_json::Value;

use super::Report;

impl Report {
    pub fn markdown(&self) -> String {
        let j = &self.json;
        let m = &j["machine"];
        let p = &j["plan"];
        let mut md = format!(
            "# Hookscope benchmarks\n\n`{}` on {} cores, {:.0} GiB ({}), Linux {}; {}.\n",
            j["command"].as_str().unwrap_or(""),
            m["cores"],
            m["memory_gib"].as_f64().unwrap_or(0.0),
            m["cpu"].as_str().unwrap_or("unknown CPU"),
            m["kernel"].as_str().unwrap_or(""),
            j["versions"]["hookscope"].as_str().unwrap_or("hookscope"),
        );
        if p["quick"] == true {
            md.push_str(
                "\n**Quick run: tiny sizes, to check the harness; not figures to quote.**\n",
            );
        }
        let f = |v: &Value, k: &str, d: usize| match v[k].as_f64() {
            Some(x) => format!("{x:.d$}"),
            None => "–".to_owned(),
        };
        if j["capture"].is_object() {
            md.push_str(&format!(
                "\n## Capture\n\n{} B signed JSON bodies (Cooledge `lead.won`, {} distinct), {} connections, one wrk thread, {} s after a {} s warm-up; every target gets the same requests.\n\n",
                p["body_bytes"], p["distinct_requests"], p["connections"], p["seconds"], p["warmup_seconds"]
            ));
            md.push_str("| target | req/s | vs bare axum | p50 ms | p99 ms | p99.9 ms | errors | peak RSS MB |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (key, name) in [
                (
                    "baseline",
                    "bare axum 0.8, answers 200 (the machine's limit)",
                ),
                ("mockoon", "Mockoon CLI, transaction log on"),
                (
                    "hookscope_durable",
                    "hookscope serve, acknowledged after commit",
                ),
                (
                    "hookscope_signed",
                    "hookscope serve, + decode, verify, dedupe",
                ),
                (
                    "hookscope_signed_learning_off",
                    "hookscope serve, the same without schema learning",
                ),
                (
                    "hookscope_signed_rules",
                    "hookscope serve, the same with 20 rules in force",
                ),
            ] {
                let v = &j["capture"][key];
                let ratio = v["ratio_to_baseline"]
                    .as_f64()
                    .map_or("1.00".to_owned(), |r| format!("{r:.2}"));
                md.push_str(&format!(
                    "| {name} | {} | {ratio} | {} | {} | {} | {} | {} |\n",
                    f(v, "per_second", 0),
                    f(v, "p50_ms", 2),
                    f(v, "p99_ms", 2),
                    f(v, "p999_ms", 2),
                    v["errors"],
                    f(v, "peak_rss_mb", 1),
                ));
            }
        }
        if j["latency"].is_object() {
            let l = &j["latency"];
            md.push_str(&format!(
                "\n## Latency at a fixed rate\n\nHookscope with decode, verify and dedupe, at half its maximum rate ({} of {} req/s), driven by {}.\n\n| achieved req/s | p50 ms | p99 ms | p99.9 ms | errors |\n|---:|---:|---:|---:|---:|\n| {} | {} | {} | {} | {} |\n",
                f(l, "target_rate", 0),
                f(l, "max_rate", 0),
                l["driven_by"].as_str().unwrap_or("oha, open loop with latency correction"),
                f(l, "per_second", 0),
                f(l, "p50_ms", 2),
                f(l, "p99_ms", 2),
                f(l, "p999_ms", 2),
                l["errors"],
            ));
        }
        if let Some(runs) = j["durability"]["runs"].as_array() {
            md.push_str("\n## Durability under load\n\n`kill -9` half-way through a full-load run, then a restart on the same store.\n\n| run | acknowledged | present after restart | stored |\n|---:|---:|---:|---:|\n");
            for (i, r) in runs.iter().enumerate() {
                md.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    i + 1,
                    r["acknowledged"],
                    r["present"],
                    r["stored"]
                ));
            }
        }
        if j["store"].is_object() {
            let s = &j["store"];
            md.push_str(&format!(
                "\n## The store at {} deliveries\n\nFilled by `hookscope generate` in {} s ({} per second), indexed for search in {} s; {:.2} GB on disk. Learning each delivery's schema as it was written took {} µs on average, {} µs over the last tenth{}. `hookscope serve` idle with all of it stored: {} MB resident. Each query {} times through the control API over loopback.\n\n| query | p50 ms | p99 ms | rows |\n|---|---:|---:|---:|\n",
                s["deliveries"],
                f(s, "fill_secs", 1),
                f(s, "fill_per_second", 0),
                f(s, "index_secs", 1),
                s["file_bytes"].as_f64().unwrap_or(0.0) / 1e9,
                f(s, "learn_us_per_delivery", 2),
                f(s, "learn_us_per_delivery_last_tenth", 2),
                match (
                    s["learn_us_per_delivery"].as_f64(),
                    s["learn_us_per_delivery_last_tenth"].as_f64(),
                ) {
                    (Some(all), Some(last)) if last <= all * 1.25 => {
                        " (it does not grow with the store)"
                    }
                    (Some(_), Some(_)) => " (it grew with the store)",
                    _ => "",
                },
                f(s, "idle_rss_mb", 1),
                p["repeat"],
            ));
            for q in s["queries"].as_array().into_iter().flatten() {
                md.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    q["name"].as_str().unwrap_or(""),
                    f(q, "p50_ms", 2),
                    f(q, "p99_ms", 2),
                    q["rows"]
                ));
            }
        }
        if j["ui"].is_object() {
            let u = &j["ui"];
            let sc = &u["scroll"];
            md.push_str(&format!(
                "\n## The UI at {} deliveries\n\nChromium (headless, software rendering) on the UI served by `hookscope serve`, measured in the page (`tests/browser/bench-ui.mjs`). First page: from the list's response arriving to the rows painted, over {} cold loads; the API's own time for that request beside it. Fling: the list scrolled 20,000 px per frame to the end, the rows in view read from the store as it goes.\n\n| measure | value |\n|---|---:|\n| first page on screen after the API answered, p50 | {} ms |\n| same, slowest load | {} ms |\n| the API request itself, p50 | {} ms |\n| page load to rows on screen, p50 | {} ms |\n| fling to the end: frames | {} in {} s |\n| frame time p50 / p95 / max | {} / {} / {} ms |\n| frames over 50 ms | {} |\n| last rows filled after reaching the end | {} ms |\n| scrollbar jump to the middle, rows filled | {} ms |\n| scrollbar jump to the end, rows filled | {} ms |\n| JS heap after scrolling | {} MB |\n",
                u["deliveries"],
                u["loads"].as_array().map_or(0, Vec::len),
                f(u, "render_p50_ms", 0),
                f(u, "render_max_ms", 0),
                f(u, "api_p50_ms", 1),
                f(u, "to_screen_p50_ms", 0),
                sc["frames"],
                f(sc, "seconds", 1),
                f(sc, "frame_p50_ms", 1),
                f(sc, "frame_p95_ms", 1),
                f(sc, "frame_max_ms", 1),
                sc["long_frames"],
                f(sc, "end_filled_ms", 0),
                f(&u["jumps"][0], "filled_ms", 0),
                f(&u["jumps"][1], "filled_ms", 0),
                f(u, "heap_mb", 1),
            ));
        }
        if j["desktop"].is_object() {
            let d = &j["desktop"];
            let row = |name: &str, key: &str| {
                let m = &d[key]["memory"];
                format!(
                    "| {name} | {} ms | {} ms | {} ms | {} ms | {} MB | {} MB |\n",
                    f(&d[key], "start_p50_ms", 0),
                    f(&d[key], "to_page_p50_ms", 0),
                    f(&d[key], "script_p50_ms", 0),
                    f(&d[key], "page_p50_ms", 0),
                    f(m, "pss_mb", 0),
                    f(m, "rss_mb", 0)
                )
            };
            md.push_str(&format!(
                "\n## The desktop app\n\nThe {} build of `hookscope-desktop` under Xvfb (WebKitGTK, software rendering), launched through tauri-driver (`tests/desktop/bench-desktop.mjs`), p50 of {} launches, beside a bare Tauri window with an empty page (`crates/bare-tauri`, the same Tauri, window size and launch). Start: from the process's start (`/proc`) to the first screen painted (the page's performance mark after the paint that follows the empty state, the first rows, or the bare page). Memory: the app and its webview processes (WebKitWebProcess, WebKitNetworkProcess) 3 s after that paint; PSS counts shared library pages once, RSS counts them in each process. The start is split where the page starts (its navigation's time origin): before, the process, Tauri, the app's own start (store, capture listener) and the webview's processes; after, the page's script loaded and run (to DOMContentLoaded), then its first render and paint.\n\n| window | start to first screen | to the page's start | page: script run | page: to first screen | memory, PSS | memory, RSS |\n|---|---:|---:|---:|---:|---:|---:|\n{}{}{}\nAgainst the bare window (empty store): start {} x, memory (PSS) {} x.\n",
                d["build"].as_str().unwrap_or("?"),
                d["runs"],
                row("bare Tauri window, empty page", "bare"),
                row("Hookscope, empty store", "empty"),
                row(&format!("Hookscope, {} deliveries", d["deliveries"]), "stored"),
                f(&d["vs_bare"], "start", 2),
                f(&d["vs_bare"], "pss", 2),
            ));
        }
        if let Some(runs) = j["replay"]["runs"].as_array() {
            md.push_str(&format!(
                "\n## Replay\n\n`hookscope replay --filter ''` sends the {} deliveries of a generated store to a bare axum server and stores each attempt (status, headers, the first 64 KiB of the answer, latency); the figure is the command's own count over its own clock.\n\n| in flight | replayed | answered 2xx | time | deliveries/s |\n|---:|---:|---:|---:|---:|\n",
                j["replay"]["deliveries"]
            ));
            for r in runs {
                md.push_str(&format!(
                    "| {} | {} | {} | {} s | {} |\n",
                    r["concurrency"],
                    r["sent"],
                    r["ok"],
                    f(r, "seconds", 2),
                    f(r, "per_second", 0)
                ));
            }
        }
        if let Some(runs) = j["check"]["runs"].as_array() {
            md.push_str(&format!(
                "\n## Handler check\n\n`hookscope check stripe` against a bare axum server on loopback: the whole check, {} s of it the probes' deliberate waits (a retry 2 s later, a replay past the tolerance).\n\n| probes | requests | time | waiting for answers |\n|---:|---:|---:|---:|\n",
                j["check"]["deliberate_wait_ms"].as_f64().unwrap_or(0.0) / 1000.0
            ));
            for r in runs {
                md.push_str(&format!(
                    "| {} | {} | {} ms | {} ms |\n",
                    r["probes"],
                    r["requests"],
                    f(r, "duration_ms", 0),
                    f(r, "answering_ms", 1)
                ));
            }
        }
        let s = &j["soak"];
        if s.is_object() {
            md.push_str(&format!(
                "\n## Soak\n\n{} deliveries/s (oha, open loop, decode + verify + dedupe) for {} s: {} answered, p99 {} ms. Memory slope {} MB/min after the first minute (peak {} MB); search at most {} deliveries behind, {} when the load stopped, caught up {} later.\n",
                s["rate"],
                s["seconds"],
                s["load"]["requests"],
                f(&s["load"], "p99_ms", 2),
                f(s, "rss_slope_mb_per_min", 3),
                f(s, "peak_rss_mb", 1),
                s["search_lag_max"],
                s["search_lag_at_end"],
                s["search_catch_up_seconds"]
                    .as_f64()
                    .map_or("not within 120 s".to_owned(), |c| format!("{c:.1} s")),
            ));
        }
        let a = &j["abuse"];
        if a.is_object() {
            let not_forwarding =
                a["hanging_forward"]["not_forwarding"]
                    .as_array()
                    .map_or("?".to_owned(), |runs| {
                        let rates: Vec<f64> = runs
                            .iter()
                            .filter_map(|r| r["per_second"].as_f64())
                            .collect();
                        format!(
                            "{:.0}",
                            rates.iter().sum::<f64>() / rates.len().max(1) as f64
                        )
                    });
            md.push_str(&format!(
                "\n## Abuse\n\nThe `capture` load (durable acks) alone: {} req/s first, {} req/s after the runs below; each is set against their mean.\n\n| while | req/s | of alone | p99 | memory |\n|---|---:|---:|---:|---:|\n| {} idle connections are held | {} | {:.0} % | {} ms | {} MB (from {} MB) |\n| {} connections each send a request head a byte a second | {} | {:.0} % | {} ms | |\n\nForwarding to a handler that hangs ({} connections to it), beside an endpoint alike but for the forward on the same server: {} req/s, {:.0} % of the {} req/s not forwarding (p99 {} ms; memory {} MB at peak). At a steady {} deliveries a second: p50 {} ms and p99 {} ms not forwarding; p50 {} ms and p99 {} ms forwarding to the handler that hangs.\n\nA flood of {} connections at a cap of {}: {} refused at once; the control API meanwhile answered in {} ms at p50 and {} ms at p99 ({} ms and {} ms without the flood).\n\n{} connections each partway through a {} MiB body: {} held, {} refused at the in-flight budget; memory {} MB idle, {} MB with them, {} MB once they are gone.\n",
                f(&a["alone"], "per_second", 0),
                f(&a["alone_after"], "per_second", 0),
                a["idle"]["connections"],
                f(&a["idle"]["load"], "per_second", 0),
                a["idle"]["load"]["ratio_to_alone"].as_f64().unwrap_or(0.0) * 100.0,
                f(&a["idle"]["load"], "p99_ms", 2),
                f(&a["idle"], "rss_holding_mb", 1),
                f(&a["idle"], "rss_before_mb", 1),
                a["slowloris"]["connections"],
                f(&a["slowloris"]["load"], "per_second", 0),
                a["slowloris"]["load"]["ratio_to_alone"].as_f64().unwrap_or(0.0) * 100.0,
                f(&a["slowloris"]["load"], "p99_ms", 2),
                a["hanging_forward"]["handler_connections"],
                f(&a["hanging_forward"]["load"], "per_second", 0),
                a["hanging_forward"]["load"]["ratio_to_not_forwarding"].as_f64().unwrap_or(0.0) * 100.0,
                not_forwarding,
                f(&a["hanging_forward"]["load"], "p99_ms", 2),
                f(&a["hanging_forward"], "peak_rss_mb", 1),
                a["paced_rate"],
                f(&a["hanging_forward"]["not_forwarding_paced"], "p50_ms", 2),
                f(&a["hanging_forward"]["not_forwarding_paced"], "p99_ms", 2),
                f(&a["hanging_forward"]["paced"], "p50_ms", 2),
                f(&a["hanging_forward"]["paced"], "p99_ms", 2),
                a["flood"]["connections"],
                a["flood"]["cap"],
                a["flood"]["refused"],
                f(&a["flood"], "api_p50_ms", 2),
                f(&a["flood"], "api_p99_ms", 2),
                f(&a["flood"], "api_alone_p50_ms", 2),
                f(&a["flood"], "api_alone_p99_ms", 2),
                a["unfinished"]["bodies"],
                a["unfinished"]["body_mib"],
                a["unfinished"]["held"],
                a["unfinished"]["refused"],
                f(&a["unfinished"], "rss_idle_mb", 1),
                f(&a["unfinished"], "peak_rss_mb", 1),
                f(&a["unfinished"], "rss_after_mb", 1),
            ));
        }
        if let Some(targets) = j["targets"].as_array() {
            md.push_str(
                "\n## Targets\n\n| target | wanted | measured | met |\n|---|---|---:|---|\n",
            );
            for t in targets {
                md.push_str(&format!(
                    "| {} | {} | {:.2} {} | {} |\n",
                    t["target"].as_str().unwrap_or(""),
                    t["wanted"].as_str().unwrap_or(""),
                    t["measured"].as_f64().unwrap_or(0.0),
                    t["unit"].as_str().unwrap_or(""),
                    if t["met"] == true { "yes" } else { "**no**" },
                ));
            }
        }
        md
    }
}
