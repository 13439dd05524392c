//! The store on a full disk: a small tmpfs holding the database and the server's own log, filled
//! by a file beside them. Nothing unstored is acknowledged, the API stays up and says the disk is
//! full, deleting works and makes room, and capture resumes by itself whenever room returns.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_hookscope");
const TOKEN: &str = "disk-test-token";

/// A tmpfs mounted on a temporary folder, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// `None` where this process may not mount (not root, no `CAP_SYS_ADMIN`).
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then_some(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills the disk but for `leave` bytes, with a file it returns.
    fn fill(&self, leave: u64) -> PathBuf {
        use fs4::FileExt;
        let filler = self.path().join("filler");
        let _ = std::fs::remove_file(&filler);
        let free = fs4::available_space(self.path()).unwrap();
        let file = std::fs::File::create(&filler).unwrap();
        file.allocate(free.saturating_sub(leave).max(1)).unwrap();
        filler
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.path()).status();
    }
}

/// `hookscope serve` with its data directory, stdout and stderr all on `disk`.
struct Serve {
    child: Child,
    capture: String,
    api: String,
    /// The data directory, which holds the key to the opaque ids senders are given.
    data: PathBuf,
}

#[allow(
    clippy::zombie_processes,
    reason = "the Serve it returns waits for it when dropped"
)]
fn serve(disk: &Path) -> Serve {
    let data = disk.join("data");
    let out = std::fs::File::create(disk.join("serve.out")).unwrap();
    let err = std::fs::File::create(disk.join("serve.log")).unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--capture", "127.0.0.1:0", "--api", "127.0.0.1:0"])
        .args(["--api-token", TOKEN, "--data-dir"])
        .arg(&data)
        // A line per delivery, so the log meets the full disk too.
        .env("HOOKSCOPE_LOG", "hookscope=debug")
        .stdout(out)
        .stderr(err)
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        let printed = std::fs::read_to_string(disk.join("serve.out")).unwrap_or_default();
        let url = |name: &str| {
            printed.lines().find_map(|l| {
                let mut words = l.split_whitespace();
                (words.next() == Some(name)).then(|| words.next().unwrap().to_owned())
            })
        };
        if let (Some(capture), Some(api)) = (url("capture"), url("api")) {
            return Serve {
                child,
                data,
                capture: capture.trim_end_matches('/').to_owned(),
                // `http://127.0.0.1:PORT/api?token=…`: the origin.
                api: api
                    .split('?')
                    .next()
                    .unwrap()
                    .trim_end_matches("/api")
                    .to_owned(),
            };
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve printed no URLs: {printed}");
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    async fn api(&self, http: &reqwest::Client, method: reqwest::Method, path: &str) -> Value {
        let resp = http
            .request(method, format!("{}{path}", self.api.trim_end_matches('/')))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
        // A delete answers 204, without a body.
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// Posts one delivery; `Some(id)` when acknowledged. Anything but 200 or 503 fails.
    async fn post(&self, http: &reqwest::Client, body: &[u8]) -> Option<i64> {
        let resp = http
            .post(format!("{}/hooks/full", self.capture))
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let answer: Value = resp.json().await.unwrap();
        match status {
            200 => {
                let opaque = answer["id"].as_str().unwrap();
                let ids = hookscope::ack::AckIds::load_or_create(&self.data).unwrap();
                Some(ids.decode(opaque).expect("an id this instance made"))
            }
            503 => {
                let error = answer["error"].as_str().unwrap();
                assert!(error.contains("disk is full"), "{error}");
                assert!(
                    !error.contains("/data"),
                    "the store's place is not told: {error}"
                );
                None
            }
            other => panic!("answered {other}: {answer}"),
        }
    }

    /// Posts until the disk refuses three in a row; the ids acknowledged meanwhile.
    async fn post_until_full(&self, http: &reqwest::Client, body: &[u8]) -> Vec<i64> {
        let (mut acked, mut refused) = (Vec::new(), 0);
        for _ in 0..200 {
            match self.post(http, body).await {
                Some(id) => {
                    acked.push(id);
                    refused = 0;
                }
                None => refused += 1,
            }
            if refused == 3 {
                return acked;
            }
        }
        panic!("the disk never filled");
    }

    /// Waits until a delivery is acknowledged again.
    async fn resumes(&self, http: &reqwest::Client, body: &[u8], after: &str) -> i64 {
        let started = Instant::now();
        loop {
            if let Some(id) = self.post(http, body).await {
                return id;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "capture did not resume {after}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_disk_refuses_what_it_cannot_store_and_capture_resumes_when_room_returns() {
    let Some(disk) = Tmpfs::mount("24m") else {
        eprintln!("skipped: this process cannot mount a tmpfs (run the suite as root)");
        return;
    };
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut server = serve(disk.path());
    // Bytes that do not compress: each delivery takes its size on the disk.
    let mut rng = fastrand::Rng::with_seed(26);
    let body: Vec<u8> = (0..200 * 1024).map(|_| rng.alphanumeric() as u8).collect();
    let mut acked = vec![server.post(&http, &body).await.expect("room at first")];

    // Full: refused with 503, the API up and saying so.
    let filler = disk.fill(2 << 20);
    acked.extend(server.post_until_full(&http, &body).await);
    let info = server.api(&http, reqwest::Method::GET, "/api").await;
    assert_eq!(info["disk"]["full"], true, "{info}");
    assert_eq!(info["disk"]["search_paused"], true, "{info}");

    // Room given back by someone else: capture resumes by itself.
    std::fs::remove_file(&filler).unwrap();
    acked.push(server.resumes(&http, &body, "once the disk had room").await);
    let info = server.api(&http, reqwest::Method::GET, "/api").await;
    assert_eq!(info["disk"]["full"], false, "{info}");

    // Full again; this time the user makes room by deleting, which works on the full disk.
    disk.fill(1 << 20);
    acked.extend(server.post_until_full(&http, &body).await);
    for id in &acked {
        server
            .api(
                &http,
                reqwest::Method::GET,
                &format!("/api/deliveries/{id}"),
            )
            .await;
    }
    server
        .api(
            &http,
            reqwest::Method::DELETE,
            &format!("/api/deliveries/{}", acked[0]),
        )
        .await;
    let cleared = server
        .api(&http, reqwest::Method::DELETE, "/api/deliveries")
        .await;
    assert_eq!(cleared["deleted"], acked.len() - 1, "{cleared}");
    let after = server.resumes(&http, &body, "after deleting").await;

    // A hard stop on the full disk: every acknowledged delivery is there, the file sound.
    let mut more = vec![after];
    more.extend(server.post_until_full(&http, &body).await);
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let db = disk.path().join("data/hookscope.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    for id in &more {
        let n: i64 = conn
            .query_row("SELECT count(*) FROM deliveries WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(n, 1, "acknowledged delivery {id} is stored");
    }
}
