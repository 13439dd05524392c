//! The bytes of a connection as they arrived. hyper parses requests for serving but keeps no
//! original header case or order, so each connection's reads are also appended to a [`WireLog`],
//! from which each request takes its own head. Bodies are skipped over, not kept twice.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::head;

/// The unconsumed bytes read from one connection: the head of the request being served, and
/// whatever of its body or of pipelined requests has already been read behind it.
#[derive(Default)]
pub struct WireLog {
    state: Mutex<WireState>,
}

#[derive(Default)]
struct WireState {
    data: BytesMut,
    /// Bytes still to drop as they arrive: the rest of a body whose length is known.
    skip: u64,
    /// A chunked body being dropped as it arrives, its framing followed.
    chunked: Option<Chunked>,
}

/// Longest chunk-size line or trailer line followed; a longer one is not HTTP any server takes.
const LINE_MAX: usize = 16 * 1024;

/// Follows a chunked body's framing as its bytes arrive and keeps none of its data, so an
/// unfinished chunked body is held once (by the reader), not also here.
#[derive(Default)]
struct Chunked {
    phase: Phase,
    /// A chunk-size or trailer line read in part.
    line: Vec<u8>,
}

#[derive(Default, PartialEq, Eq)]
enum Phase {
    #[default]
    Size,
    /// Data bytes of the current chunk still to drop, then its CRLF.
    Data(u64),
    /// The CRLF after a chunk's data: bytes of it still to drop.
    DataEnd(u8),
    Trailers,
    Done,
    /// The framing cannot be followed: everything after is dropped.
    Broken,
}

impl Chunked {
    /// Drops the body's bytes at the front of `bytes`; returns how many were the body's.
    fn feed(&mut self, bytes: &[u8]) -> usize {
        let mut pos = 0;
        while pos < bytes.len() {
            match self.phase {
                Phase::Done => return pos,
                Phase::Broken => return bytes.len(),
                Phase::Data(left) => {
                    let n = left.min((bytes.len() - pos) as u64);
                    pos += n as usize;
                    self.phase = if n == left {
                        Phase::DataEnd(2)
                    } else {
                        Phase::Data(left - n)
                    };
                }
                Phase::DataEnd(left) => {
                    pos += 1;
                    self.phase = if left == 1 {
                        Phase::Size
                    } else {
                        Phase::DataEnd(left - 1)
                    };
                }
                Phase::Size | Phase::Trailers => {
                    let rest = &bytes[pos..];
                    let Some(end) = rest.iter().position(|&b| b == b'\n') else {
                        self.line.extend_from_slice(rest);
                        if self.line.len() > LINE_MAX {
                            self.phase = Phase::Broken;
                        }
                        return bytes.len();
                    };
                    self.line.extend_from_slice(&rest[..=end]);
                    pos += end + 1;
                    let line = std::mem::take(&mut self.line);
                    self.phase = if self.phase == Phase::Trailers {
                        if line == b"\r\n" || line == b"\n" {
                            Phase::Done
                        } else {
                            Phase::Trailers
                        }
                    } else {
                        match httparse::parse_chunk_size(&line) {
                            Ok(httparse::Status::Complete((_, 0))) => Phase::Trailers,
                            Ok(httparse::Status::Complete((_, size))) => Phase::Data(size),
                            _ => Phase::Broken,
                        }
                    };
                }
            }
        }
        pos
    }
}

impl WireLog {
    fn lock(&self) -> MutexGuard<'_, WireState> {
        // The state stays consistent even if a holder panicked: every update is one call.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn record(&self, mut bytes: &[u8]) {
        let mut st = self.lock();
        let skipped = st.skip.min(bytes.len() as u64);
        st.skip -= skipped;
        bytes = &bytes[skipped as usize..];
        if let Some(chunked) = &mut st.chunked {
            bytes = &bytes[chunked.feed(bytes)..];
            if chunked.phase == Phase::Done {
                st.chunked = None;
            }
        }
        st.data.extend_from_slice(bytes);
    }

    /// Drops a chunked body as it arrives, whether already read or still to come, following its
    /// framing so that what comes after it (a pipelined request) is kept.
    pub fn begin_chunked(&self) {
        let mut st = self.lock();
        let mut chunked = Chunked::default();
        let data = st.data.split();
        let body = chunked.feed(&data);
        st.data.extend_from_slice(&data[body..]);
        st.chunked = (chunked.phase != Phase::Done).then_some(chunked);
    }

    /// Removes and returns the request head at the front, without the empty lines that may
    /// precede a request. `None` when the front is not a complete head.
    pub fn take_head(&self) -> Option<Vec<u8>> {
        let mut st = self.lock();
        let len = head::head_len(&st.data)?;
        let mut raw = st.data.split_to(len);
        let blank = raw
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        raw.advance(blank);
        Some(raw.to_vec())
    }

    /// Drops the next `n` bytes of the wire, whether already read or still to come: the body of
    /// a request with a `Content-Length`.
    pub fn skip(&self, n: u64) {
        let mut st = self.lock();
        let now = n.min(st.data.len() as u64);
        st.data.advance(now as usize);
        st.skip += n - now;
    }

    /// Ends a chunked body that hyper has read whole. When its framing could not be followed
    /// (or did not end where hyper's did), drops everything read: a following request then has
    /// no head here and is stored with the headers hyper parsed.
    pub fn end_chunked(&self) {
        let mut st = self.lock();
        if st.chunked.take().is_some() {
            st.data.clear();
        }
    }

    /// Removes and returns everything not yet consumed.
    pub fn take_all(&self) -> Vec<u8> {
        let mut st = self.lock();
        st.skip = 0;
        st.chunked = None;
        st.data.split().to_vec()
    }

    /// Forgets everything read so far: the connection will be closed.
    pub fn clear(&self) {
        let mut st = self.lock();
        st.data.clear();
        st.skip = 0;
        st.chunked = None;
    }
}

/// A connection whose reads are also appended to a [`WireLog`].
pub struct Recording<S> {
    inner: S,
    log: Arc<WireLog>,
}

impl<S> Recording<S> {
    pub fn new(inner: S, log: Arc<WireLog>) -> Self {
        Recording { inner, log }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Recording<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            this.log.record(&buf.filled()[before..]);
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Recording<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipelined_requests_each_get_their_head() {
        let log = WireLog::default();
        log.record(b"POST /a HTTP/1.1\r\nX-One: 1\r\nContent-Length: 5\r\n\r\nhel");
        let head = log.take_head().unwrap();
        assert!(head.starts_with(b"POST /a") && head.ends_with(b"\r\n\r\n"));
        log.skip(5);
        log.record(b"lo\r\nGET /b HTTP/1.1\r\nx-TWO: 2\r\n\r\n");
        let head = log.take_head().unwrap();
        assert_eq!(head, b"GET /b HTTP/1.1\r\nx-TWO: 2\r\n\r\n");
    }

    #[test]
    fn chunked_bodies_with_trailers_are_dropped_as_they_arrive() {
        let wire: &[u8] = b"3\r\nabc\r\n10;ext=1\r\n0123456789abcdef\r\n0\r\nX-T: 1\r\n\r\nGET /next HTTP/1.1\r\n\r\n";
        // Every way of cutting the wire into reads, one byte at a time included.
        for cut in [1, 2, 3, 5, 7, 64] {
            let log = WireLog::default();
            log.record(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\na");
            log.take_head().unwrap();
            log.begin_chunked();
            for piece in wire[4..].chunks(cut) {
                log.record(piece);
                assert!(
                    log.lock().data.len() <= 32,
                    "no body byte is kept (cut {cut})"
                );
            }
            log.end_chunked();
            assert_eq!(
                log.take_head().unwrap(),
                b"GET /next HTTP/1.1\r\n\r\n",
                "cut {cut}"
            );
        }
    }

    #[test]
    fn unreadable_framing_drops_what_was_read() {
        let log = WireLog::default();
        log.begin_chunked();
        log.record(b"zz\r\nnot chunked");
        log.end_chunked();
        assert!(log.take_head().is_none());
        log.record(b"GET / HTTP/1.1\r\n\r\n");
        assert!(log.take_head().is_some());
    }
}
