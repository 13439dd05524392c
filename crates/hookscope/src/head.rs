//! Reading an HTTP/1 request head from raw bytes with `httparse`: the header names as sent, in
//! order, duplicates kept. hyper parses the request for serving; this reads the same bytes again
//! because hyper normalises header names to lowercase and groups them.

/// Most headers a stored head may carry; hyper is configured with the same limit.
pub const MAX_HEADERS: usize = 256;

/// A parsed request head borrowed from its bytes.
#[derive(Debug, PartialEq, Eq)]
pub struct Head<'a> {
    pub method: &'a str,
    pub target: &'a str,
    /// `1` for HTTP/1.1, `0` for HTTP/1.0.
    pub minor_version: u8,
    pub headers: Vec<(&'a str, &'a [u8])>,
    /// Length of the head in bytes, the final empty line included.
    pub len: usize,
}

/// Parses the head at the start of `bytes`. `None` when the bytes do not start with a complete,
/// valid request head.
pub fn parse(bytes: &[u8]) -> Option<Head<'_>> {
    // Uninitialised slots: this runs for every captured request, and 256 headers are 8 KiB.
    let mut headers =
        [const { std::mem::MaybeUninit::<httparse::Header<'_>>::uninit() }; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut []);
    let len = match req.parse_with_uninit_headers(bytes, &mut headers) {
        Ok(httparse::Status::Complete(len)) => len,
        _ => return None,
    };
    Some(Head {
        method: req.method?,
        target: req.path?,
        minor_version: req.version?,
        headers: req.headers.iter().map(|h| (h.name, h.value)).collect(),
        len,
    })
}

/// Length of the complete request head at the start of `bytes`, without collecting its headers.
pub fn head_len(bytes: &[u8]) -> Option<usize> {
    let mut headers =
        [const { std::mem::MaybeUninit::<httparse::Header<'_>>::uninit() }; MAX_HEADERS];
    match httparse::Request::new(&mut []).parse_with_uninit_headers(bytes, &mut headers) {
        Ok(httparse::Status::Complete(len)) => Some(len),
        _ => None,
    }
}

/// Header values are bytes; HTTP allows obs-text (0x80-0xFF) in them. Shown as UTF-8 when they
/// are, else as Latin-1, which is how HTTP/1.1 historically defined those bytes.
pub fn value_text(value: &[u8]) -> String {
    match std::str::from_utf8(value) {
        Ok(s) => s.to_owned(),
        Err(_) => value.iter().map(|&b| b as char).collect(),
    }
}

/// The headers of a stored head as `(name, value)` text pairs, in arrival order.
pub fn header_pairs(head: &[u8]) -> Vec<(String, String)> {
    parse(head)
        .map(|h| {
            h.headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), value_text(v)))
                .collect()
        })
        .unwrap_or_default()
}

/// A request target's bytes as text, losing nothing: UTF-8 as it is, and each byte that is not
/// (`/caf\xe9`, which no URI may hold but a sender may send) percent-encoded, `/caf%E9`. The
/// stored head keeps the bytes themselves.
pub fn target_text(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for b in chunk.invalid() {
            text.push_str(&format!("%{b:02X}"));
        }
    }
    text
}

/// Splits a request target into path and raw query (`None` when there is no `?`). An
/// absolute-form target (`http://host/p?q`) keeps only its path and query.
pub fn split_target(target: &str) -> (&str, Option<&str>) {
    let origin = match target.find("://") {
        Some(scheme_end) if !target.starts_with('/') => {
            let rest = &target[scheme_end + 3..];
            rest.find(['/', '?']).map_or("/", |i| &rest[i..])
        }
        _ => target,
    };
    match origin.split_once('?') {
        Some((path, query)) => (if path.is_empty() { "/" } else { path }, Some(query)),
        None => (origin, None),
    }
}

/// Headers a proxy or the connection owns: never copied from a stored request.
pub const HOP_BY_HOP: [&str; 11] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
];

/// Whether `name` is one of [`HOP_BY_HOP`], in any case.
pub fn is_hop_by_hop(name: &str) -> bool {
    HOP_BY_HOP.iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// The delivery's headers as a sender would send them again: without the hop-by-hop headers,
/// those its `Connection` header names, `Host`, `Content-Length` (the client writes them for the
/// new connection) and `Expect`.
pub fn forwardable_headers(head: &[u8]) -> Vec<(String, Vec<u8>)> {
    let Some(parsed) = parse(head) else {
        return Vec::new();
    };
    let named: Vec<String> = parsed
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("connection"))
        .flat_map(|(_, v)| {
            String::from_utf8_lossy(v)
                .split(',')
                .map(|t| t.trim().to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .collect();
    parsed
        .headers
        .iter()
        .filter(|(n, _)| {
            let lower = n.to_ascii_lowercase();
            !HOP_BY_HOP.contains(&lower.as_str()) && lower != "expect" && !named.contains(&lower)
        })
        .map(|(n, v)| ((*n).to_owned(), v.to_vec()))
        .collect()
}

/// Where a request really came from when a tunnel or proxy passed it on: the original client
/// and the public URL the sender used, from `Forwarded` (RFC 7239) or the `X-Forwarded-For`,
/// `-Proto` and `-Host` headers. The headers themselves are stored untouched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForwardedOrigin {
    /// The original client (the left-most `for`).
    pub client: Option<String>,
    /// `proto://host/path?query` as the sender addressed it.
    pub public_url: Option<String>,
}

/// [`forwarded_origin`] of a stored head.
pub fn forwarded_origin_of_head(
    head: &[u8],
    path: &str,
    query: Option<&str>,
) -> Option<ForwardedOrigin> {
    let pairs = header_pairs(head);
    let target = match query {
        Some(q) => format!("{path}?{q}"),
        None => path.to_owned(),
    };
    forwarded_origin(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())), &target)
}

/// The [`ForwardedOrigin`] of a request whose headers are `headers` and whose target is
/// `path_and_query`; `None` when no proxy header says anything.
pub fn forwarded_origin<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    path_and_query: &str,
) -> Option<ForwardedOrigin> {
    use forwarded_header_value::{ForwardedHeaderValue, Identifier, Protocol};
    let (mut forwarded, mut xff, mut proto, mut host, mut plain_host) =
        (None, None, None, None, None);
    for (name, value) in headers {
        let slot = if name.eq_ignore_ascii_case("forwarded") {
            &mut forwarded
        } else if name.eq_ignore_ascii_case("x-forwarded-for") {
            &mut xff
        } else if name.eq_ignore_ascii_case("x-forwarded-proto") {
            &mut proto
        } else if name.eq_ignore_ascii_case("x-forwarded-host") {
            &mut host
        } else if name.eq_ignore_ascii_case("host") {
            &mut plain_host
        } else {
            continue;
        };
        // The first of repeated headers is the one the first proxy wrote.
        slot.get_or_insert(value.trim());
    }
    let identifier = |id: &Identifier| match id {
        Identifier::SocketAddr(a) => Some(a.ip().to_string()),
        Identifier::IpAddr(ip) => Some(ip.to_string()),
        Identifier::String(s) => Some(s.clone()),
        Identifier::Unknown => None,
    };
    let mut origin = ForwardedOrigin::default();
    let (mut public_proto, mut public_host) = (None, None);
    // `remotest()`, the left-most element: the crate's `into_remotest` returns the right-most.
    let parsed = forwarded.and_then(|v| ForwardedHeaderValue::from_forwarded(v).ok());
    if let Some(stanza) = parsed.as_ref().map(|f| f.remotest()) {
        origin.client = stanza.forwarded_for.as_ref().and_then(identifier);
        public_proto = stanza.forwarded_proto.map(|p| match p {
            Protocol::Http => "http",
            Protocol::Https => "https",
        });
        public_host = stanza.forwarded_host.clone();
    }
    if origin.client.is_none() {
        origin.client = xff
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
    }
    let public_proto = public_proto.map(str::to_owned).or_else(|| {
        proto
            .and_then(|p| p.split(',').next())
            .map(|p| p.trim().to_ascii_lowercase())
            .filter(|p| p == "http" || p == "https")
    });
    let public_host = public_host.or_else(|| {
        host.and_then(|h| h.split(',').next())
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
    });
    if public_proto.is_some() || public_host.is_some() {
        let host = public_host.or_else(|| plain_host.map(str::to_owned));
        if let Some(host) = host {
            let proto = public_proto.as_deref().unwrap_or("http");
            origin.public_url = Some(format!("{proto}://{host}{path_and_query}"));
        }
    }
    (origin != ForwardedOrigin::default()).then_some(origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_case_order_and_duplicates() {
        let raw = b"POST /hooks/x?a=1 HTTP/1.1\r\nHost: h\r\nX-Mixed-Case: 1\r\nx-second: a\r\nX-SECOND: b\r\n\r\nbody";
        let head = parse(raw).unwrap();
        assert_eq!(head.method, "POST");
        assert_eq!(head.target, "/hooks/x?a=1");
        assert_eq!(head.len, raw.len() - 4);
        let names: Vec<_> = head.headers.iter().map(|h| h.0).collect();
        assert_eq!(names, ["Host", "X-Mixed-Case", "x-second", "X-SECOND"]);
    }

    #[test]
    fn incomplete_head_is_none() {
        assert!(parse(b"POST / HTTP/1.1\r\nHost: h\r\n").is_none());
        assert!(parse(b"\x16\x03\x01garbage").is_none());
    }

    #[test]
    fn non_utf8_values_read_as_latin1() {
        assert_eq!(value_text(b"caf\xe9"), "caf\u{e9}");
        assert_eq!(value_text("café".as_bytes()), "café");
    }

    #[test]
    fn splits_targets() {
        assert_eq!(split_target("/a/b?x=1&y"), ("/a/b", Some("x=1&y")));
        assert_eq!(split_target("/a/b"), ("/a/b", None));
        assert_eq!(split_target("/a?"), ("/a", Some("")));
        assert_eq!(split_target("http://h:1/p?q=2"), ("/p", Some("q=2")));
        assert_eq!(split_target("http://h:1"), ("/", None));
        assert_eq!(split_target("*"), ("*", None));
    }

    #[test]
    fn a_tunnels_headers_name_the_client_and_the_public_url() {
        let ngrok = [
            ("Host", "a1b2.ngrok.app"),
            ("X-Forwarded-For", "203.0.113.7, 10.0.0.2"),
            ("X-Forwarded-Proto", "https"),
            ("X-Forwarded-Host", "a1b2.ngrok.app"),
        ];
        assert_eq!(
            forwarded_origin(ngrok, "/hooks/stripe?x=1"),
            Some(ForwardedOrigin {
                client: Some("203.0.113.7".into()),
                public_url: Some("https://a1b2.ngrok.app/hooks/stripe?x=1".into()),
            })
        );
        let rfc = [
            ("Host", "127.0.0.1:8787"),
            (
                "Forwarded",
                "for=\"[2001:db8:cafe::17]:4711\";proto=https;host=hooks.example.com, for=10.0.0.1",
            ),
        ];
        assert_eq!(
            forwarded_origin(rfc, "/h"),
            Some(ForwardedOrigin {
                client: Some("2001:db8:cafe::17".into()),
                public_url: Some("https://hooks.example.com/h".into()),
            })
        );
        // Only the client is known: no URL is made up.
        let xff_only = [
            ("Host", "127.0.0.1:8787"),
            ("X-Forwarded-For", "198.51.100.4"),
        ];
        assert_eq!(forwarded_origin(xff_only, "/h").unwrap().public_url, None);
        assert_eq!(forwarded_origin([("Host", "x")], "/h"), None);
        // A malformed Forwarded header costs nothing: the X- headers still count.
        let broken = [
            ("Forwarded", "for=\"unterminated"),
            ("X-Forwarded-For", "192.0.2.1"),
        ];
        assert_eq!(
            forwarded_origin(broken, "/h").unwrap().client.as_deref(),
            Some("192.0.2.1")
        );
    }
}
