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
}

impl WireLog {
    fn lock(&self) -> MutexGuard<'_, WireState> {
        // The state stays consistent even if a holder panicked: every update is one call.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn record(&self, mut bytes: &[u8]) {
        let mut st = self.lock();
        let skipped = st.skip.min(bytes.len() as u64);
        st.skip -= skipped;
        bytes = &bytes[skipped as usize..];
        st.data.extend_from_slice(bytes);
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

    /// Drops a chunked body that has been read whole (chunks, last chunk and trailers). When the
    /// framing cannot be followed, drops everything read: a following request then has no head
    /// here and is stored with the headers hyper parsed.
    pub fn skip_chunked(&self) {
        let mut st = self.lock();
        match chunked_len(&st.data) {
            Some(len) => st.data.advance(len),
            None => st.data.clear(),
        }
    }

    /// Removes and returns everything not yet consumed.
    pub fn take_all(&self) -> Vec<u8> {
        let mut st = self.lock();
        st.skip = 0;
        st.data.split().to_vec()
    }

    /// Forgets everything read so far: the connection will be closed.
    pub fn clear(&self) {
        let mut st = self.lock();
        st.data.clear();
        st.skip = 0;
    }
}

/// Wire length of the complete chunked body at the front of `data`.
fn chunked_len(data: &[u8]) -> Option<usize> {
    let mut pos = 0;
    loop {
        let (consumed, size) = match httparse::parse_chunk_size(&data[pos..]) {
            Ok(httparse::Status::Complete(c)) => c,
            _ => return None,
        };
        pos += consumed;
        if size == 0 {
            break;
        }
        pos = pos
            .checked_add(usize::try_from(size).ok()?)?
            .checked_add(2)?;
        if pos > data.len() {
            return None;
        }
    }
    // Trailer fields, then the empty line.
    loop {
        let rest = data.get(pos..)?;
        let line = rest.windows(2).position(|w| w == b"\r\n")?;
        pos += line + 2;
        if line == 0 {
            return Some(pos);
        }
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
    fn chunked_bodies_with_trailers_are_skipped() {
        let log = WireLog::default();
        log.record(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
        log.take_head().unwrap();
        log.record(b"3\r\nabc\r\n10;ext=1\r\n0123456789abcdef\r\n0\r\nX-T: 1\r\n\r\n");
        log.record(b"GET /next HTTP/1.1\r\n\r\n");
        log.skip_chunked();
        assert_eq!(log.take_head().unwrap(), b"GET /next HTTP/1.1\r\n\r\n");
    }

    #[test]
    fn unreadable_framing_drops_what_was_read() {
        let log = WireLog::default();
        log.record(b"zz\r\nnot chunked");
        log.skip_chunked();
        assert!(log.take_head().is_none());
        log.record(b"GET / HTTP/1.1\r\n\r\n");
        assert!(log.take_head().is_some());
    }
}
