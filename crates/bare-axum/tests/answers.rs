//! The baseline answers like the capture listener does (`{"id": N}`, counting up), so the load
//! generator sees the same exchange from both.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

#[test]
fn answers_each_post_with_the_next_id() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bare_axum"))
        .arg("127.0.0.1:0")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    for id in 1..=2 {
        let mut stream = TcpStream::connect(&addr).unwrap();
        stream
            .write_all(b"POST /hooks/x HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
        assert!(answer.ends_with(&format!("{{\"id\":{id}}}")), "{answer}");
    }
    child.kill().unwrap();
    child.wait().unwrap();
}
