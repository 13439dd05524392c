//! Requests hyper refuses before any handler runs (a malformed or oversized head, a head that
//! never finished arriving) are still deliveries someone sent: they are stored from the bytes
//! the wire log holds, with the reason, so nothing that reached the port goes unrecorded.

use std::net::SocketAddr;

use bytes::Bytes;

use crate::model::{NewDelivery, now_us};

/// The delivery to store for a connection that ended with `error` while `wire` (its unconsumed
/// bytes) was left over; `None` when nothing was pending (an idle connection closing).
pub(super) fn rejected_delivery(
    wire: Vec<u8>,
    remote: SocketAddr,
    error: &hyper::Error,
    keep: usize,
) -> Option<NewDelivery> {
    let wire = trim_leading_blank_lines(wire);
    if wire.is_empty() {
        return None;
    }
    let (status, why) = if error.is_parse_too_large() {
        (431, "the request head is larger than the server accepts")
    } else if error.is_parse() {
        (400, "the request head is not valid HTTP/1")
    } else if error.is_timeout() {
        (
            408,
            "the request head did not arrive within capture.header_read_timeout",
        )
    } else if error.is_incomplete_message() {
        (
            400,
            "the sender closed the connection before the request head was complete",
        )
    } else {
        (400, "the connection failed while the request was read")
    };

    let first_line = wire.split(|&b| b == b'\n').next().unwrap_or_default();
    // Bytes that are not UTF-8 (the reason hyper refused the target, often) are kept as
    // percent-escapes, not replaced.
    let first_line = crate::head::target_text(first_line);
    let mut words = first_line.split_whitespace();
    let method = words
        .next()
        .filter(|m| m.len() <= 32 && m.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .unwrap_or("")
        .to_owned();
    let target = words.next().unwrap_or("");
    let (path, query) = crate::head::split_target(target);
    let http_version = words
        .next()
        .filter(|v| v.starts_with("HTTP/"))
        .unwrap_or("")
        .to_owned();

    let size = wire.len();
    let mut head = wire;
    head.truncate(keep);
    let forwarded = crate::head::forwarded_origin_of_head(&head, path, query);
    Some(NewDelivery {
        forwarded,
        not_sent: None,
        rules: None,
        packed: None,
        received_at_us: now_us(),
        method,
        path: path.to_owned(),
        query: query.map(str::to_owned),
        http_version,
        remote_addr: remote.to_string(),
        endpoint: None,
        head,
        head_exact: false,
        content_type: None,
        body: Bytes::new(),
        body_size: 0,
        truncated: size > keep,
        response_status: status,
        decoded: None,
        imported: false,
        note: Some(format!(
            "refused before reading: {why} ({error}); {size} bytes arrived and are kept as the head"
        )),
    })
}

fn trim_leading_blank_lines(mut wire: Vec<u8>) -> Vec<u8> {
    let blank = wire
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .count();
    wire.drain(..blank);
    wire
}
