//! What the benchmarks drive: the load generators (wrk for closed-loop maximum rates, oha for a
//! fixed rate), the peer (Mockoon CLI), the request set they send, and the servers they start.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use hmac::{KeyInit, Mac};

use crate::setup;

/// Exactly what a load run measured.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Load {
    pub requests: u64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    /// Socket errors, timeouts and non-2xx answers.
    pub errors: u64,
}

/// The secret the benchmark's requests are signed with.
pub const SECRET: &str = "bench-secret";
pub const BODY_BYTES: usize = 1024;
pub const MOCKOON_VERSION: &str = "9.3.0";
pub const OHA_VERSION: &str = "1.16.0";

/// A Cooledge `lead.won` delivery of exactly [`BODY_BYTES`], with its event id and signature.
pub fn signed_request(rng: &mut fastrand::Rng) -> (String, String, String) {
    let id = uuid::Builder::from_random_bytes(rng.u128(..).to_le_bytes())
        .into_uuid()
        .to_string();
    let head = format!(
        r#"{{"version":"v1","event_type":"lead.won","event_id":"{id}","business_id":"a7f3c9d1-2e84-4b6f-8c01-5d9e2a1f7b30","occurred_at":"2026-11-23T10:00:00.000Z","lead_id":"2f6d9a18-4c73-4e85-bf02-7a1e5c8d3b96","customer_id":"8c3e1a72-5d49-4b06-9f81-2e7a0c4d6b18","won_via":"manual","quote_id":null,"invoice_id":null,"job_id":null,"external_ghl_opportunity_id":""#
    );
    let tail = "\"}";
    let pad = BODY_BYTES.saturating_sub(head.len() + tail.len());
    let body = format!("{head}{}{tail}", "x".repeat(pad));
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).expect("any key");
    mac.update(body.as_bytes());
    let signature = hex::encode(mac.finalize().into_bytes());
    (id, signature, body)
}

/// A wrk script that cycles through `count` distinct signed deliveries and prints its figures
/// as one JSON line; with `acks`, it also writes the id of every acknowledged delivery there.
pub fn write_wrk_script(path: &Path, count: usize, acks: Option<&Path>) -> Result<()> {
    let mut rng = fastrand::Rng::with_seed(42);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "-- written by cargo xtask bench")?;
    let mut ids = Vec::with_capacity(count);
    let mut sigs = Vec::with_capacity(count);
    writeln!(out, "local bodies = {{")?;
    for _ in 0..count {
        let (id, sig, body) = signed_request(&mut rng);
        writeln!(out, "[==[{body}]==],")?;
        ids.push(id);
        sigs.push(sig);
    }
    writeln!(out, "}}")?;
    writeln!(out, "local ids = {{\"{}\"}}", ids.join("\",\""))?;
    writeln!(out, "local sigs = {{\"{}\"}}", sigs.join("\",\""))?;
    out.write_all(
        br#"local reqs = {}
local n = 0
local acks = nil
function init(args)
  for k = 1, #bodies do
    reqs[k] = wrk.format("POST", nil, {
      ["Content-Type"] = "application/json",
      ["X-Cooledge-Event-Id"] = ids[k],
      ["X-Cooledge-Signature"] = "sha256=" .. sigs[k],
    }, bodies[k])
  end
  bodies = nil
"#,
    )?;
    if let Some(acks) = acks {
        writeln!(
            out,
            "  acks = io.open(\"{}\", \"w\")\n  acks:setvbuf(\"line\")",
            acks.display()
        )?;
    }
    out.write_all(
        br#"end
function request()
  n = n % #reqs + 1
  return reqs[n]
end
"#,
    )?;
    if acks.is_some() {
        out.write_all(
            br#"function response(status, headers, body)
  if status == 200 then
    local id = string.match(body, '"id":"(d_%x+)"')
    if id then acks:write(id, "\n") end
  end
end
"#,
        )?;
    }
    out.write_all(
        br#"function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('HOOKSCOPE_BENCH {"requests":%d,"duration_us":%d,"socket_errors":%d,"status_errors":%d,"p50_us":%d,"p99_us":%d,"p999_us":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
"#,
    )?;
    out.flush()?;
    Ok(())
}

/// Closed loop at the highest rate the target sustains: one wrk thread, `connections`
/// connections.
pub fn wrk(url: &str, script: &Path, seconds: u32, connections: u32) -> Result<Load> {
    let output = Command::new("wrk")
        .args(["-t1", &format!("-c{connections}"), &format!("-d{seconds}s")])
        .arg("-s")
        .arg(script)
        .arg(url)
        .output()
        .context("cannot run wrk")?;
    let text = String::from_utf8_lossy(&output.stdout);
    parse_wrk(&text).with_context(|| {
        format!(
            "cannot read wrk's figures:\n{text}{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

pub fn parse_wrk(text: &str) -> Option<Load> {
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("HOOKSCOPE_BENCH "))?;
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    let n = |k: &str| v[k].as_u64();
    let requests = n("requests")?;
    let secs = n("duration_us")? as f64 / 1e6;
    Some(Load {
        requests,
        per_second: requests as f64 / secs.max(1e-9),
        p50_ms: n("p50_us")? as f64 / 1000.0,
        p99_ms: n("p99_us")? as f64 / 1000.0,
        p999_ms: n("p999_us")? as f64 / 1000.0,
        errors: n("socket_errors")? + n("status_errors")?,
    })
}

/// What drives a fixed rate.
#[derive(Debug, Clone)]
pub enum Paced {
    /// oha, open loop with latency correction, so a stall counts against every request it
    /// delayed: the figures a full run reports.
    Oha(PathBuf),
    /// Debian's `hey`, its workers rate-limited (no latency correction): for `--quick`, which
    /// only checks that the report comes out, with a tool from a package rather than a
    /// 4-minute `cargo install`.
    Hey,
}

impl Paced {
    /// The tool a run uses: `hey` for a quick run, else oha (installed if missing).
    pub fn for_run(quick: bool, tools: &Path) -> Result<Paced> {
        if quick {
            setup::ensure_packages(&[setup::Package {
                deb: "hey",
                provides: "hey",
            }])?;
            return Ok(Paced::Hey);
        }
        Ok(Paced::Oha(ensure_oha(tools)?))
    }

    /// Its name and version, for the report.
    pub fn version(&self) -> (&'static str, String) {
        match self {
            Paced::Oha(bin) => ("oha", super::report::version(bin, "--version")),
            Paced::Hey => {
                let out = Command::new("dpkg-query")
                    .args(["-W", "-f", "${Version}", "hey"])
                    .output();
                let v = out.map_or_else(
                    |_| "unknown".to_owned(),
                    |o| String::from_utf8_lossy(&o.stdout).trim().to_owned(),
                );
                ("hey", format!("hey {v} (Debian)"))
            }
        }
    }

    /// How the load is described in the report.
    pub fn describe(&self) -> &'static str {
        match self {
            Paced::Oha(_) => "oha, open loop with latency correction",
            Paced::Hey => "hey (quick run), rate-limited workers without latency correction",
        }
    }
}

/// Signed deliveries to `url` at a fixed `rate` for `seconds` over `connections`.
pub fn paced(
    tool: &Paced,
    url: &str,
    rate: f64,
    seconds: u32,
    connections: u32,
    dir: &Path,
) -> Result<Load> {
    let mut rng = fastrand::Rng::with_seed(7);
    let (id, sig, body) = signed_request(&mut rng);
    let body_path = dir.join("paced-body.json");
    std::fs::write(&body_path, body)?;
    let (program, mut cmd) = match tool {
        Paced::Oha(bin) => {
            let mut cmd = Command::new(bin);
            cmd.args(["-z", &format!("{seconds}s"), "-c", &connections.to_string()])
                .args(["-q", &format!("{:.0}", rate.max(1.0))])
                .args([
                    "--latency-correction",
                    "--no-tui",
                    "--output-format",
                    "json",
                ])
                .args(["-m", "POST", "-T", "application/json"]);
            ("oha", cmd)
        }
        Paced::Hey => {
            let mut cmd = Command::new("hey");
            // hey's -q is each worker's rate.
            let per_worker = (rate / f64::from(connections.max(1))).max(1.0);
            cmd.args(["-z", &format!("{seconds}s"), "-c", &connections.to_string()])
                .args(["-q", &format!("{per_worker:.2}")])
                .args(["-o", "csv"])
                .args(["-m", "POST", "-T", "application/json"]);
            ("hey", cmd)
        }
    };
    let output = cmd
        .args(["-H", &format!("X-Cooledge-Event-Id: {id}")])
        .args(["-H", &format!("X-Cooledge-Signature: sha256={sig}")])
        .arg("-D")
        .arg(&body_path)
        .arg(url)
        .output()
        .with_context(|| format!("cannot run {program}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "{program} failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let load = match tool {
        Paced::Oha(_) => parse_oha(&text),
        Paced::Hey => parse_hey_csv(&text, seconds),
    };
    load.with_context(|| format!("cannot read {program}'s figures:\n{text}"))
}

/// hey's `-o csv`: one line per request, its response time (s) first and its status code
/// seventh.
pub fn parse_hey_csv(text: &str, seconds: u32) -> Option<Load> {
    let mut times = Vec::new();
    let mut errors = 0;
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split(',').collect();
        let time: f64 = fields.first()?.trim().parse().ok()?;
        let status: u16 = fields.get(6)?.trim().parse().ok()?;
        if !(200..300).contains(&status) {
            errors += 1;
        }
        times.push(time * 1000.0);
    }
    if times.is_empty() {
        return None;
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    Some(Load {
        requests: times.len() as u64,
        per_second: times.len() as f64 / f64::from(seconds.max(1)),
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        p999_ms: at(0.999),
        errors,
    })
}

pub fn parse_oha(text: &str) -> Option<Load> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let p = &v["latencyPercentiles"];
    let ms = |k: &str| p[k].as_f64().map(|s| s * 1000.0);
    let codes = v["statusCodeDistribution"].as_object()?;
    let ok: u64 = codes
        .iter()
        .filter(|(c, _)| c.starts_with('2'))
        .filter_map(|(_, n)| n.as_u64())
        .sum();
    let all: u64 = codes.values().filter_map(|n| n.as_u64()).sum();
    // Requests still in flight when the run's time is up are cut off by oha ("aborted due to
    // deadline"): the end of the measurement, not a failure of the server.
    let failed: u64 = v["errorDistribution"].as_object().map_or(0, |m| {
        m.iter()
            .filter(|(e, _)| !e.contains("deadline"))
            .filter_map(|(_, n)| n.as_u64())
            .sum()
    });
    Some(Load {
        requests: all,
        per_second: v["summary"]["requestsPerSec"].as_f64()?,
        p50_ms: ms("p50")?,
        p99_ms: ms("p99")?,
        p999_ms: ms("p99.9")?,
        errors: all - ok + failed,
    })
}

/// oha, installed from crates.io into `target/bench/tools` unless it is on the PATH.
pub fn ensure_oha(tools: &Path) -> Result<PathBuf> {
    if setup::on_path("oha") {
        return Ok(PathBuf::from("oha"));
    }
    let bin = tools.join("bin/oha");
    if !bin.is_file() {
        crate::step(
            &format!(
                "cargo install oha {OHA_VERSION} (once, into {})",
                tools.display()
            ),
            crate::cargo()
                .args([
                    "install",
                    "oha",
                    "--locked",
                    "--version",
                    OHA_VERSION,
                    "--root",
                ])
                .arg(tools),
        )?;
    }
    Ok(std::fs::canonicalize(bin)?)
}

/// Mockoon CLI, installed from npm into `target/bench/tools/mockoon`.
pub fn ensure_mockoon(tools: &Path) -> Result<PathBuf> {
    let dir = tools.join("mockoon");
    let bin = dir.join("node_modules/.bin/mockoon-cli");
    if !bin.is_file() {
        if !setup::on_path("npm") {
            bail!("npm is missing: install Node.js, then run this command again");
        }
        std::fs::create_dir_all(&dir)?;
        crate::step(
            &format!("npm install @mockoon/cli@{MOCKOON_VERSION}"),
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
                .arg("--prefix")
                .arg(&dir)
                .arg(format!("@mockoon/cli@{MOCKOON_VERSION}")),
        )?;
    }
    Ok(std::fs::canonicalize(bin)?)
}

/// A free loopback port, for servers that cannot report the one they bound.
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Waits until something accepts connections on `addr`.
pub fn wait_for_port(addr: &str, limit: Duration) -> Result<()> {
    let started = Instant::now();
    while std::net::TcpStream::connect(addr).is_err() {
        if started.elapsed() > limit {
            bail!("nothing listened on {addr} within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

/// Memory of a process from /proc: (resident now, peak resident), in MB.
pub fn rss_mb(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// A server started for a benchmark.
pub struct Spawned {
    pub child: Child,
    /// The capture (or only) address, `host:port`.
    pub addr: String,
    /// The control API's `host:port`, when the server printed one.
    pub api: String,
}

impl Spawned {
    /// Starts `cmd` and reads its output up to the line starting with `last`, taking the
    /// address from the line starting with `marker`.
    pub fn start(cmd: &mut Command, marker: &str, last: &str) -> Result<Spawned> {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("cannot start the server")?;
        let mut lines = BufReader::new(child.stdout.take().expect("piped"));
        let (mut addr, mut api) = (None, String::new());
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line)? == 0 {
                bail!("the server exited before printing its address");
            }
            if let Some(rest) = line.trim_start().strip_prefix(marker) {
                let rest = rest.split_whitespace().next().unwrap_or("");
                addr = Some(rest.trim_end_matches('/').to_owned());
            }
            if let Some(rest) = line.trim_start().strip_prefix("api       http://") {
                api = rest.split('/').next().unwrap_or("").to_owned();
            }
            if line.trim_start().starts_with(last) {
                break;
            }
        }
        std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
        let addr =
            addr.with_context(|| format!("the server printed no line starting {marker:?}"))?;
        Ok(Spawned { child, addr, api })
    }

    /// A server that prints nothing useful: started, then waited for on `addr`.
    pub fn start_on(cmd: &mut Command, addr: String) -> Result<Spawned> {
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start the server")?;
        let mut s = Spawned {
            child,
            addr: addr.clone(),
            api: String::new(),
        };
        if let Err(e) = wait_for_port(&addr, Duration::from_secs(60)) {
            s.stop();
            return Err(e);
        }
        Ok(s)
    }

    /// Ctrl-C, so the server shuts down as a user's would; killed if it does not stop.
    pub fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_wrk_script_figures() {
        let text = "Running 2s test\nHOOKSCOPE_BENCH {\"requests\":1000,\"duration_us\":2000000,\"socket_errors\":1,\"status_errors\":2,\"p50_us\":812,\"p99_us\":3250,\"p999_us\":9000}\n";
        let l = parse_wrk(text).unwrap();
        assert_eq!(l.requests, 1000);
        assert!((l.per_second - 500.0).abs() < 1e-9);
        assert!((l.p50_ms - 0.812).abs() < 1e-9);
        assert!((l.p999_ms - 9.0).abs() < 1e-9);
        assert_eq!(l.errors, 3);
        assert!(parse_wrk("no figures").is_none());
    }

    #[test]
    fn reads_hey_csv() {
        let text = "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n\
                    0.0010,0.0001,0.0000,0.0000,0.0009,0.0000,200,0.0100\n\
                    0.0030,0.0000,0.0000,0.0000,0.0029,0.0000,200,0.0200\n\
                    0.0020,0.0000,0.0000,0.0000,0.0019,0.0000,503,0.0300\n";
        let load = parse_hey_csv(text, 1).unwrap();
        assert_eq!(load.requests, 3);
        assert_eq!(load.errors, 1);
        assert!((load.p50_ms - 2.0).abs() < 1e-9, "{}", load.p50_ms);
        assert!((load.p99_ms - 3.0).abs() < 1e-9, "{}", load.p99_ms);
        assert_eq!(parse_hey_csv("response-time\n", 1), None);
    }

    #[test]
    fn reads_oha_json() {
        let text = r#"{"summary":{"requestsPerSec":1000.5},"latencyPercentiles":{"p50":0.0005,"p99":0.002,"p99.9":0.004},"statusCodeDistribution":{"200":990,"503":10},"errorDistribution":{"connection refused":3,"aborted due to deadline":64}}"#;
        let l = parse_oha(text).unwrap();
        assert_eq!(l.requests, 1000);
        assert_eq!(l.errors, 13);
        assert!((l.p99_ms - 2.0).abs() < 1e-9);
    }

    #[test]
    fn requests_are_1_kib_distinct_and_signed() {
        let mut rng = fastrand::Rng::with_seed(1);
        let (id_a, sig_a, body_a) = signed_request(&mut rng);
        let (id_b, _, body_b) = signed_request(&mut rng);
        assert_eq!(body_a.len(), BODY_BYTES);
        assert_ne!(id_a, id_b);
        assert_ne!(body_a, body_b);
        serde_json::from_str::<serde_json::Value>(&body_a).unwrap();
        assert_eq!(sig_a.len(), 64);
    }
}
