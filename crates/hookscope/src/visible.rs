//! Text that came from a delivery (a path, an event type, a handler's answer), made safe to
//! print on a terminal: control characters (C0, DEL, C1: an escape sequence can set the
//! terminal's title, clear it or write the clipboard) and bidirectional overrides (U+202E
//! reverses what follows it) are shown as escapes, `\x1b` and `\u{202e}`, the way `git` and
//! `less` make them visible. [`Visible`] keeps line breaks and tabs, for text laid out in lines.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io;

/// Whether `c` would act on a terminal or on the text around it rather than show.
pub(crate) fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character and bidirectional control shown as an escape.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push(&mut out, c);
    }
    Cow::Owned(out)
}

fn push(out: &mut String, c: char) {
    match c {
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x80 && hidden(c) => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if hidden(c) => {
            let _ = write!(out, "\\u{{{:04x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// A writer for human-readable output: what goes through it is shown with [`visible`], except
/// line breaks (LF, or CRLF as a head has them) and tabs (a body's layout). Formatting writes whole `str` pieces, so each write is
/// decoded alone; bytes that are not UTF-8 are shown as `\xNN`.
pub struct Visible<W: io::Write>(pub W);

impl<W: io::Write> io::Write for Visible<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut out = String::with_capacity(buf.len());
        for chunk in buf.utf8_chunks() {
            let mut chars = chunk.valid().chars().peekable();
            while let Some(c) = chars.next() {
                // A CRLF ends a line of a request head.
                if c == '\n' || c == '\t' || (c == '\r' && chars.peek() == Some(&'\n')) {
                    out.push(c);
                } else {
                    push(&mut out, c);
                }
            }
            for b in chunk.invalid() {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
        self.0.write_all(out.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn escapes_and_overrides_are_shown_not_obeyed() {
        let attack = "\u{1b}]0;TITLE\u{7}\u{1b}[2J\u{1b}]52;c;aGk=\u{7}";
        assert_eq!(
            visible(attack),
            "\\x1b]0;TITLE\\x07\\x1b[2J\\x1b]52;c;aGk=\\x07"
        );
        assert_eq!(visible("abc\u{202e}def"), "abc\\u{202e}def");
        assert_eq!(visible("\u{9b}31m"), "\\u{009b}31m", "C1 CSI");
        assert_eq!(visible("a\tb\r\nc"), "a\\tb\\r\\nc");
        assert!(matches!(visible("café 🦀 /x?y=1"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_writer_keeps_line_breaks_and_shows_the_rest() {
        let mut out = Visible(Vec::new());
        let event = "a\u{1b}[2Jb";
        writeln!(out, "event {event}").unwrap();
        out.write_all(b"bad \xff\xfe\n").unwrap();
        out.write_all(b"GET / HTTP/1.1\r\nX: a\rb\r\n").unwrap();
        assert_eq!(
            String::from_utf8(out.0).unwrap(),
            "event a\\x1b[2Jb\nbad \\xff\\xfe\nGET / HTTP/1.1\r\nX: a\\rb\r\n"
        );
    }
}
