//! SIGTERM through the real binary: `serve` finishes the requests in flight
//! and stops accepting; `import` ends at a batch boundary, and running it
//! again completes it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::backend_tests;
use crate::cli::{dateline, stdout};
use crate::helpers::{Backend, TestDatabase};
use crate::ingest::articles;

backend_tests!(sigterm_drains_requests_in_flight, sigterm_ends_an_import_at_a_batch_boundary);

pub fn terminate(child: &Child) {
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: kill only sends a signal to the child this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
}

pub fn wait_for_exit(child: &mut Child, within: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        assert!(started.elapsed() < within, "still running after {within:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

/// `dateline serve` on a free port, once it answers `/readyz`; its log is piped.
fn serve(url: &str, log: &str) -> (Child, u16) {
    let port = free_port();
    let server = Command::new(env!("CARGO_BIN_EXE_dateline"))
        .arg("serve")
        .env("DATABASE_URL", url)
        .env("DATELINE_BIND", format!("127.0.0.1:{port}"))
        .env("DATELINE_LOG", log)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let started = Instant::now();
    while !ready(port) {
        assert!(started.elapsed() < Duration::from_secs(30), "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, port)
}

pub fn ready(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200")
}

async fn sigterm_drains_requests_in_flight(backend: Backend) {
    let database = TestDatabase::create(backend);
    let url = database.url.as_str();
    let key = stdout(&dateline(url, &["keys", "create", "--name", "drain", "--scope", "write"])).trim().to_owned();
    let (mut server, port) = serve(url, "warn");

    // A write whose body is still arriving when SIGTERM comes.
    let body = json!({"headline": "Filed during the deploy", "status": "draft"}).to_string();
    let (first, rest) = body.split_at(10);
    let mut in_flight = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let head = format!(
        "POST /v1/articles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{first}",
        body.len()
    );
    in_flight.write_all(head.as_bytes()).expect("send");
    std::thread::sleep(Duration::from_millis(300));
    terminate(&server);
    std::thread::sleep(Duration::from_millis(500));
    assert!(server.try_wait().expect("wait").is_none(), "the server waits for the request in flight");
    assert!(!ready(port), "no new request is taken once SIGTERM came");

    in_flight.write_all(rest.as_bytes()).expect("send the rest");
    let mut answer = String::new();
    in_flight.read_to_string(&mut answer).expect("answer");
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let status = wait_for_exit(&mut server, Duration::from_secs(10));
    assert!(status.success(), "{status}");

    let exported = stdout(&dateline(url, &["export"]));
    assert!(exported.contains("\"filed-during-the-deploy\""), "the drained write is stored: {exported}");
}

fn record(i: usize) -> String {
    crate::ingest::numbered_article("b", i, 1500, 7, 2)
}

async fn sigterm_ends_an_import_at_a_batch_boundary(backend: Backend) {
    let database = TestDatabase::create(backend);
    let url = database.url.as_str();
    assert!(dateline(url, &["migrate"]).status.success());
    let mut import = crate::chaos::start_import(url);
    let mut stdin = import.stdin.take().expect("stdin");
    let all: String = (0..1500).map(record).collect();
    let (head, tail) = all.split_at(all.match_indices('\n').nth(1199).map(|(at, _)| at + 1).expect("1200 lines"));
    stdin.write_all(head.as_bytes()).expect("first 1,200 records");
    stdin.flush().expect("flush");
    let started = Instant::now();
    while articles(url).len() < 1000 {
        assert!(started.elapsed() < Duration::from_secs(60), "the first batch never landed");
        std::thread::sleep(Duration::from_millis(100));
    }
    terminate(&import);
    std::thread::sleep(Duration::from_millis(200));
    assert!(import.try_wait().expect("wait").is_none(), "it waits for its reader, then stops");
    // It stops after the next line it reads, so this write may find the pipe closed.
    let _ = stdin.write_all(tail.as_bytes());
    drop(stdin);
    let status = wait_for_exit(&mut import, Duration::from_secs(30));
    let mut stderr = String::new();
    import.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr");
    assert_eq!(status.code(), Some(143), "{stderr}");
    assert!(stderr.contains("interrupted: stopped after the last whole batch"), "{stderr}");
    assert_eq!(articles(url).len(), 1000, "whole batches only");

    let rerun = crate::ingest::pipe(url, &["import", "-"], &all);
    let report = String::from_utf8_lossy(&rerun.stderr);
    assert!(rerun.status.success(), "{report}");
    assert!(report.lines().any(|l| l == "imported 500, unchanged 1000, skipped 0"), "{report}");
    let exported = articles(url);
    assert_eq!(exported.len(), 1500);
    for i in (1..1500).step_by(2) {
        let target = (i * 7) % 1500;
        if target == i {
            continue;
        }
        let article = exported.iter().find(|a| a["slug"] == format!("b-{i}")).expect("stored");
        assert_eq!(article["related"], json!([{"article": format!("b-{target}")}]), "b-{i}");
    }
}

/// A byte stream that is not HTTP gets actix-http's own 400 or 431 (before
/// any route exists), and is not logged at ERROR: a scanner must not fill
/// the log or page anyone. The server's own errors still are.
#[test]
fn malformed_requests_are_answered_and_not_logged_as_errors() {
    let database = TestDatabase::create(Backend::Sqlite);
    let (mut server, port) = serve(&database.url, "info");
    let many_headers: String = (0..200).map(|i| format!("X-H{i}: v\r\n")).collect();
    for (request, status) in [
        ("GARBAGE\r\n\r\n".to_owned(), "400"),
        ("GET /healthz HTTP/1.1\r\nContent-Length: abc\r\n\r\n".to_owned(), "400"),
        (format!("GET /healthz HTTP/1.1\r\nHost: x\r\n{many_headers}\r\n"), "431"),
    ] {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.write_all(request.as_bytes()).expect("send");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        assert!(answer.starts_with(&format!("HTTP/1.1 {status}")), "{answer}");
    }
    terminate(&server);
    wait_for_exit(&mut server, Duration::from_secs(10));
    let mut log = String::new();
    server.stderr.take().expect("stderr").read_to_string(&mut log).expect("log");
    assert!(log.contains("listening on"), "{log}");
    assert!(!log.contains("ERROR"), "{log}");
}
