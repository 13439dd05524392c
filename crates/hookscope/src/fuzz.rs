//! The fuzzers' entry points. Each reads arbitrary bytes through code that takes what a sender
//! controls (the request head, a chunked body's framing, content codings, vendor envelopes and
//! signature headers, text printed on a terminal) and panics when a property that must hold for
//! every input does not. `fuzz/` runs them under libFuzzer (`cargo xtask fuzz`, with the nightly
//! toolchain); the test suite replays the committed corpus through them, so an input that once
//! found a bug keeps proving it fixed.

use std::sync::LazyLock;

use crate::config::{EndpointConfig, Endpoints};
use crate::head;
use crate::profile::{Inspect, Registry};
use crate::signature::{self, SignParams, SignatureStatus};

/// A property checked on arbitrary bytes; it panics when it does not hold.
pub type Property = fn(&[u8]);

/// The fuzz targets, by name: `fuzz/fuzz_targets/<name>.rs` and `fuzz/corpus/<name>/`.
pub const TARGETS: &[(&str, Property)] = &[
    ("head", head),
    ("chunked", chunked),
    ("content_coding", content_coding),
    ("analysis", analysis),
    ("signature", signature),
    ("visible", visible),
];

/// The request head parser. A head it reads is no longer than the input and reads the same from
/// its own bytes alone; the quick length agrees with the full parse; every header it yields comes
/// back from the stored head; a request target's text keeps every byte.
pub fn head(data: &[u8]) {
    let parsed = head::parse(data);
    assert_eq!(
        head::head_len(data),
        parsed.as_ref().map(|h| h.len),
        "the quick length and the full parse disagree"
    );
    if let Some(h) = parsed {
        assert!(h.len <= data.len());
        let alone = head::parse(&data[..h.len]).expect("a head parses from its own bytes");
        assert_eq!(alone, h, "bytes past the head changed how it reads");
        let pairs = head::header_pairs(&data[..h.len]);
        assert_eq!(pairs.len(), h.headers.len());
        for ((name, _), (parsed_name, _)) in pairs.iter().zip(&h.headers) {
            assert_eq!(name, parsed_name);
        }
        // The path and query are the target's own (an empty path reads as `/`).
        let (path, query) = head::split_target(h.target);
        assert!(
            path == "/" || h.target.contains(path),
            "{path:?} from {:?}",
            h.target
        );
        if let Some(query) = query {
            assert!(h.target.ends_with(query), "{query:?} from {:?}", h.target);
        }
    }
    if !data.contains(&b'%') {
        assert_eq!(
            percent_decoded(&head::target_text(data)),
            data,
            "a request target's text lost a byte"
        );
    }
}

/// `%XX` escapes undone, to check that [`head::target_text`] loses nothing.
fn percent_decoded(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// Following a chunked body's framing as it arrives, so that what comes after it is kept: the
/// bytes kept are a suffix of what arrived, and are the same however the arrival is split into
/// reads and whether part of it was read before the body began. The first byte chooses the
/// splits.
pub fn chunked(data: &[u8]) {
    let Some((&seed, wire)) = data.split_first() else {
        return;
    };
    let whole = {
        let log = crate::capture::wire::WireLog::default();
        log.begin_chunked();
        log.record(wire);
        log.take_all()
    };
    assert!(wire.ends_with(&whole), "kept bytes that did not arrive");

    // Reads of 1 to 16 bytes, sizes drawn from the seed; part of it read before the body began.
    let mut rng = fastrand::Rng::with_seed(u64::from(seed));
    let early = rng.usize(..=wire.len());
    let log = crate::capture::wire::WireLog::default();
    log.record(&wire[..early]);
    log.begin_chunked();
    let mut at = early;
    while at < wire.len() {
        let n = rng.usize(1..=16).min(wire.len() - at);
        log.record(&wire[at..at + n]);
        at += n;
    }
    assert_eq!(
        log.take_all(),
        whole,
        "splitting the reads changed what was kept"
    );
}

/// Content codings undone for display: bounded whatever the input, one of text or base64, and a
/// body compressed by a real encoder comes back byte for byte. The first byte chooses the header.
pub fn content_coding(data: &[u8]) {
    use std::io::Write as _;

    const HEADERS: &[&str] = &[
        "gzip",
        "deflate",
        "br",
        "x-gzip",
        "gzip, br",
        "deflate, gzip",
    ];
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let header = HEADERS[usize::from(pick) % HEADERS.len()];
    let decoded = crate::content_coding::decode(header, body).expect("a coding this knows");
    assert!(decoded.size <= crate::content_coding::MAX_DECODED as u64);
    assert!(decoded.text.is_some() != decoded.base64.is_some());

    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(body).expect("writes to memory");
    let gz = gz.finish().expect("writes to memory");
    let back = crate::content_coding::decode("gzip", &gz).expect("gzip");
    assert_eq!(back.error, None);
    assert_eq!(back.size, body.len() as u64);
    match (back.text, back.base64) {
        (Some(text), None) => assert_eq!(text.as_bytes(), body),
        (None, Some(b64)) => {
            use base64::Engine as _;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .expect("base64");
            assert_eq!(bytes, body);
        }
        other => panic!("neither or both forms: {other:?}"),
    }
}

static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::builtin);

/// A secret every scheme can use: `whsec_` and base64 for the schemes that want it, and bytes
/// for the others.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn endpoint(vendor: Option<&str>) -> EndpointConfig {
    EndpointConfig {
        path: "/fuzz".into(),
        vendor: vendor.map(str::to_owned),
        secrets: vec![SECRET.to_owned()],
        retired_secrets: Vec::new(),
        signature: None,
        response: None,
        forward: None,
        rules: Vec::new(),
    }
}

/// Headers (`name: value` lines) and a body after the first empty line.
fn split_request(data: &[u8]) -> (Vec<(String, String)>, &[u8]) {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    let headers = head
        .split(|&b| b == b'\n')
        .filter_map(|line| {
            let colon = line.iter().position(|&b| b == b':')?;
            Some((
                String::from_utf8_lossy(&line[..colon]).trim().to_owned(),
                head::value_text(line[colon + 1..].trim_ascii()),
            ))
        })
        .collect();
    (headers, body)
}

/// A delivery analysed (vendor detected or chosen, envelope decoded, signature verified, payload
/// validated) without the guard that turns a panic into a finding: nothing panics, and the
/// analysis the store keeps serialises. The first byte chooses the endpoint's vendor, or none.
pub fn analysis(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let profiles: Vec<&str> = REGISTRY.profiles().map(|p| p.id.as_str()).collect();
    let vendor = profiles
        .get(usize::from(pick) % (profiles.len() + 1))
        .copied();
    let (headers, body) = split_request(rest);
    let ep = endpoint(vendor);
    let endpoints = Endpoints::new(vec![ep.clone()]);
    let analysis = REGISTRY.analyze(&Inspect {
        headers: &headers,
        body,
        received_at_us: 1_767_225_600_000_000,
        endpoint: Some(&ep),
        all_secrets: &endpoints.all_secrets,
    });
    serde_json::to_string(&analysis).expect("the analysis serialises");
}

/// Signing is the inverse of verifying: whatever the body, a delivery signed with a profile's
/// scheme verifies as valid on an endpoint of that profile with the same secret. The first byte
/// chooses the profile.
pub fn signature(data: &[u8]) {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let signed: Vec<_> = REGISTRY
        .profiles()
        .filter(|p| p.signature.is_some())
        .collect();
    let profile = signed[usize::from(pick) % signed.len()];
    let scheme = profile.signature.as_ref().expect("filtered");
    let now = 1_767_225_600;
    let mut headers = signature::sign(
        scheme,
        body,
        SignParams {
            secret: SECRET,
            id: Some("evt_fuzz"),
            timestamp: now,
        },
    )
    .expect("the secret suits every scheme");
    headers.push(("Content-Type".into(), "application/json".into()));
    let ep = endpoint(Some(&profile.id));
    let endpoints = Endpoints::new(vec![ep.clone()]);
    let analysis = REGISTRY.analyze(&Inspect {
        headers: &headers,
        body,
        received_at_us: now * 1_000_000,
        endpoint: Some(&ep),
        all_secrets: &endpoints.all_secrets,
    });
    assert_eq!(
        analysis.signature.status,
        SignatureStatus::Valid,
        "{} signed a body its own check refuses: {:?}",
        profile.id,
        analysis.signature.reason
    );
}

/// Text made safe for a terminal keeps no control character or bidirectional control, and text
/// that had none is left as it was.
pub fn visible(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let shown = crate::visible::visible(&text);
    assert!(
        !shown.chars().any(crate::visible::hidden),
        "{shown:?} still hides something"
    );
    if !text.chars().any(crate::visible::hidden) {
        assert_eq!(shown, text);
    }

    // The writer for laid-out text keeps line breaks and tabs, and only those.
    let mut out = crate::visible::Visible(Vec::new());
    std::io::Write::write_all(&mut out, data).expect("writes to memory");
    let written = String::from_utf8(out.0).expect("the writer writes UTF-8");
    let mut chars = written.chars().peekable();
    while let Some(c) = chars.next() {
        let kept = c == '\n' || c == '\t' || (c == '\r' && chars.peek() == Some(&'\n'));
        assert!(
            kept || !crate::visible::hidden(c),
            "{written:?} still hides {c:?}"
        );
    }
}
