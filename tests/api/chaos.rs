//! Chaos: the database goes away under load, an import is killed with -9,
//! another process holds the SQLite file's lock. Each time a client gets a
//! bounded 503 (never a 500, never a hang), nothing is half-written, and
//! the service recovers without a restart.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dateline::domain::Scope;
use diesel::{Connection, PgConnection, RunQueryDsl};
use futures_util::future::join_all;
use serde_json::json;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::ingest::articles;

backend_tests!(kill_9_during_an_import_leaves_whole_batches);

/// A PostgreSQL server of the test's own (the suite's shared one must stay
/// up for every other test), run by the `postgres` user from the machine's
/// PostgreSQL binaries.
struct PrivatePostgres {
    bin: PathBuf,
    root: PathBuf,
    _dir: Option<tempfile::TempDir>,
    port: u16,
}

impl PrivatePostgres {
    fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().to_owned();
        Self::start_in(root, Some(dir))
    }

    /// A server whose data lives under `root` (e.g. a small disk).
    fn start_in(root: PathBuf, dir: Option<tempfile::TempDir>) -> Self {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL's binaries under /usr/lib/postgresql")
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .find(|p| p.join("pg_ctl").exists())
            .expect("pg_ctl");
        std::fs::set_permissions(&root, std::os::unix::fs::PermissionsExt::from_mode(0o777)).expect("chmod");
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
        let data = root.join("data");
        let data = data.to_str().expect("path");
        as_postgres(&bin.join("initdb"), &["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
        let server = Self { bin, root, _dir: dir, port };
        server.up();
        let mut admin = PgConnection::establish(&server.url("postgres")).expect("connect");
        diesel::sql_query("CREATE DATABASE chaos").execute(&mut admin).expect("create database");
        server
    }

    fn data(&self) -> String {
        self.root.join("data").to_string_lossy().into_owned()
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}?sslmode=disable", self.port)
    }

    fn up(&self) {
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", self.port, self.data());
        let log = format!("{}/server.log", self.data());
        as_postgres(&self.bin.join("pg_ctl"), &["-D", &self.data(), "-o", &options, "-l", &log, "-w", "start"]);
    }

    /// Stops at once, as a crash or a failover would: no goodbye to clients.
    fn down(&self) {
        as_postgres(&self.bin.join("pg_ctl"), &["-D", &self.data(), "-m", "immediate", "-w", "stop"]);
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .args(["-D", &self.data(), "-m", "immediate", "stop"])
            .output();
    }
}

fn as_postgres(program: &Path, args: &[&str]) {
    let output = Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(program)
        .args(args)
        .output()
        .expect("runuser (the tests run as root, PostgreSQL as postgres)");
    assert!(output.status.success(), "{}: {}", program.display(), String::from_utf8_lossy(&output.stderr));
}

/// Eight readers at once; every answer's status, and the slowest's time.
async fn load(app: &TestApp, path: &str) -> (Vec<u16>, Duration) {
    let started = Instant::now();
    let statuses = join_all((0..8).map(|_| app.get(path, None))).await.into_iter().map(|r| r.status).collect();
    (statuses, started.elapsed())
}

#[actix_web::test]
async fn postgres_stopped_and_started_under_load() {
    let postgres = PrivatePostgres::start();
    let app = TestApp::spawn_on(&postgres.url("chaos"), |s| {
        s.cache_size = 0;
        s.db_timeout = 1;
        s.statement_timeout = 2;
    })
    .await;
    let write = app.key(Scope::Write).await;
    app.article(
        &write,
        json!({"headline": "Still here", "status": "published", "published_at": "2020-01-01T00:00:00Z"}),
    )
    .await;
    let (statuses, _) = load(&app, "/v1/articles/still-here").await;
    assert!(statuses.iter().all(|&s| s == 200), "{statuses:?}");

    postgres.down();
    for _ in 0..3 {
        let (statuses, slowest) = load(&app, "/v1/articles/still-here").await;
        assert!(statuses.iter().all(|&s| s == 503), "while down: {statuses:?}");
        assert!(slowest < Duration::from_secs(6), "answered within the timeouts: {slowest:?}");
    }
    app.get("/readyz", None).await.problem(503);
    let refused = app.post("/v1/articles", Some(&write), &json!({"headline": "Lost?"})).await;
    refused.problem(503);

    postgres.up();
    let started = Instant::now();
    loop {
        let (statuses, _) = load(&app, "/v1/articles/still-here").await;
        assert!(statuses.iter().all(|&s| s == 200 || s == 503), "{statuses:?}");
        if statuses.iter().all(|&s| s == 200) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no recovery without a restart");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(app.get("/readyz", None).await.status, 200);
    let written = app.post("/v1/articles", Some(&write), &json!({"headline": "Back"})).await;
    assert_eq!(written.status, 201, "{}", String::from_utf8_lossy(&written.body));
    let drafts = app.get("/v1/articles?status=draft", Some(&write)).await.json();
    assert_eq!(crate::helpers::slugs(&drafts), ["back"], "the refused write left nothing");
}

fn record(i: usize) -> String {
    crate::ingest::numbered_article("k", i, 3000, 11, 3)
}

/// `dateline import --quiet -`, reading from a pipe the test writes.
pub fn start_import(url: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_dateline"))
        .args(["import", "--quiet", "-"])
        .env("DATABASE_URL", url)
        .env("DATELINE_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("import")
}

/// `kill -9` in the middle of an import: whole batches or nothing (each is
/// one transaction), the store and its search index intact, and running the
/// import again reaches the state of a clean one, related links included.
async fn kill_9_during_an_import_leaves_whole_batches(backend: Backend) {
    let database = TestDatabase::create(backend);
    let url = database.url.as_str();
    assert!(crate::cli::dateline(url, &["migrate"]).status.success());
    let all: String = (0..3000).map(record).collect();
    let mut import = start_import(url);
    let mut stdin = import.stdin.take().expect("stdin");
    // The rest of the file keeps coming while the first batches land.
    let writer = std::thread::spawn(move || {
        for chunk in all.as_bytes().chunks(64 * 1024) {
            if stdin.write_all(chunk).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    });
    let started = Instant::now();
    while articles(url).is_empty() {
        assert!(started.elapsed() < Duration::from_secs(60), "nothing landed");
        std::thread::sleep(Duration::from_millis(50));
    }
    import.kill().expect("kill -9");
    import.wait().expect("reaped");
    writer.join().expect("writer");

    let landed = articles(url).len();
    assert!(landed > 0 && landed < 3000 && landed.is_multiple_of(1000), "whole batches only: {landed}");
    if backend == Backend::Sqlite {
        crate::ingest::full_text_index_is_whole_and_merging_as_before(url);
    }
    let full: String = (0..3000).map(record).collect();
    let rerun = crate::ingest::pipe(url, &["import", "-"], &full);
    let report = String::from_utf8_lossy(&rerun.stderr);
    assert!(rerun.status.success(), "{report}");
    let exported = articles(url);
    assert_eq!(exported.len(), 3000);
    for i in (0..3000usize).filter(|i| !i.is_multiple_of(3)) {
        let target = (i * 11) % 3000;
        let article = exported.iter().find(|a| a["slug"] == format!("k-{i}")).expect("stored");
        if target != i {
            assert_eq!(article["related"], json!([{"article": format!("k-{target}")}]), "k-{i}");
        }
    }
}

/// Another process (the `sqlite3` shell) holds the write lock: writes get a
/// 503 after the bounded wait instead of hanging, reads go on (WAL), and
/// writes work again once the lock is gone.
#[actix_web::test]
async fn sqlite_file_locked_by_another_process() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.cache_size = 0;
        s.db_timeout = 1;
        s.statement_timeout = 1;
    })
    .await;
    let write = app.key(Scope::Write).await;
    app.article(&write, json!({"headline": "Readable", "status": "published", "published_at": "2020-01-01T00:00:00Z"}))
        .await;
    let file = app.database_url().trim_start_matches("sqlite://").to_owned();
    let mut holder = Command::new("sqlite3")
        .arg(&file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the sqlite3 shell");
    let mut shell = holder.stdin.take().expect("stdin");
    shell.write_all(b"BEGIN EXCLUSIVE;\n").expect("lock");
    shell.flush().expect("flush");
    std::thread::sleep(Duration::from_millis(300));

    let started = Instant::now();
    let stuck = app.post("/v1/articles", Some(&write), &json!({"headline": "Waits"})).await;
    stuck.problem(503);
    assert!(started.elapsed() < Duration::from_secs(8), "bounded: {:?}", started.elapsed());
    assert_eq!(app.get("/v1/articles/readable", None).await.status, 200, "readers are not blocked");

    drop(shell);
    holder.wait().expect("the shell ends, and its lock with it");
    let after = app.post("/v1/articles", Some(&write), &json!({"headline": "Free"})).await;
    assert_eq!(after.status, 201, "{}", String::from_utf8_lossy(&after.body));
}

/// A small filesystem of the test's own (tmpfs), unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .expect("mount (the tests run as root)");
        assert!(output.status.success(), "mount: {}", String::from_utf8_lossy(&output.stderr));
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file until the disk is full; returns its path.
    fn fill(&self) -> PathBuf {
        let path = self.path().join("filler");
        let mut file = std::fs::File::create(&path).expect("filler");
        let chunk = vec![0u8; 64 * 1024];
        while file.write_all(&chunk).is_ok() {}
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).output();
    }
}

/// A full disk under an SQLite store: writes get a 503 (was a 500) and
/// change nothing, /readyz says not ready (was ready), reads go on, and
/// once there is room again everything works without a restart.
#[actix_web::test]
async fn a_full_disk_is_a_503_and_not_ready() {
    let disk = SmallDisk::mount("16m");
    let url = format!("sqlite://{}/dateline.db", disk.path().display());
    let app = TestApp::spawn_on(&url, |s| s.cache_size = 0).await;
    let write = app.key(Scope::Write).await;
    app.article(&write, json!({"headline": "Readable", "status": "published", "published_at": "2020-01-01T00:00:00Z"}))
        .await;
    assert_eq!(app.get("/readyz", None).await.status, 200);

    let filler = disk.fill();
    let body = "A paragraph that takes room. ".repeat(4000);
    for i in 0..5 {
        let refused =
            app.post("/v1/articles", Some(&write), &json!({"headline": format!("No room {i}"), "body": body})).await;
        let problem = refused.problem(503);
        assert_eq!(problem["code"], "unavailable");
        assert_eq!(problem["detail"], "the database is unavailable: its disk is full");
    }
    app.get("/readyz", None).await.problem(503);
    assert_eq!(app.get("/v1/articles/readable", None).await.status, 200, "reads go on");

    std::fs::remove_file(filler).expect("room again");
    assert_eq!(app.get("/readyz", None).await.status, 200);
    let written = app.post("/v1/articles", Some(&write), &json!({"headline": "Room again", "body": body})).await;
    assert_eq!(written.status, 201, "{}", String::from_utf8_lossy(&written.body));
    let drafts = app.get("/v1/articles?status=draft", Some(&write)).await.json();
    assert_eq!(crate::helpers::slugs(&drafts), ["room-again"], "the refused writes left nothing");
}

/// A full disk under PostgreSQL: a write gets a 503 (SQLSTATE 53100, "could
/// not extend file"), /readyz says not ready for a while after, and once
/// there is room again writes work without a restart.
#[actix_web::test]
async fn a_full_disk_under_postgres_is_a_503() {
    let disk = SmallDisk::mount("160m");
    let postgres = PrivatePostgres::start_in(disk.path().to_owned(), None);
    let app = TestApp::spawn_on(&postgres.url("chaos"), |s| s.cache_size = 0).await;
    let write = app.key(Scope::Write).await;
    assert_eq!(app.get("/readyz", None).await.status, 200);

    let filler = disk.fill();
    let body = "A paragraph that takes room. ".repeat(4000);
    let mut refused = 0;
    for i in 0..40 {
        let response =
            app.post("/v1/articles", Some(&write), &json!({"headline": format!("No room {i}"), "body": body})).await;
        assert!(response.status == 201 || response.status == 503, "{}", String::from_utf8_lossy(&response.body));
        if response.status == 503 {
            let problem = response.problem(503);
            assert_eq!(problem["detail"], "the database is unavailable: its disk is full", "{problem}");
            refused += 1;
            break;
        }
    }
    assert_eq!(refused, 1, "a write found the disk full");
    app.get("/readyz", None).await.problem(503);

    std::fs::remove_file(filler).expect("room again");
    let started = Instant::now();
    loop {
        let response = app.post("/v1/articles", Some(&write), &json!({"headline": "Room again"})).await;
        if response.status == 201 {
            break;
        }
        assert_eq!(response.status, 503, "{}", String::from_utf8_lossy(&response.body));
        assert!(started.elapsed() < Duration::from_secs(20), "no recovery");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let started = Instant::now();
    while app.get("/readyz", None).await.status != 200 {
        assert!(started.elapsed() < Duration::from_secs(20), "still not ready");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    drop(postgres);
}

/// A TCP relay to PostgreSQL that can stop passing bytes either way while
/// keeping every connection open: a network that black-holes traffic.
struct StallingRelay {
    port: u16,
    stalled: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl StallingRelay {
    fn start(upstream: std::net::SocketAddr) -> Self {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let stalled = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stalled);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = std::net::TcpStream::connect(upstream) else { continue };
                for (mut from, mut to) in
                    [(client.try_clone().expect("clone"), server.try_clone().expect("clone")), (server, client)]
                {
                    let flag = Arc::clone(&flag);
                    std::thread::spawn(move || {
                        use std::io::Read;
                        let mut buffer = vec![0u8; 64 * 1024];
                        while let Ok(n @ 1..) = from.read(&mut buffer) {
                            while flag.load(Ordering::Relaxed) {
                                std::thread::sleep(Duration::from_millis(20));
                            }
                            if to.write_all(&buffer[..n]).is_err() {
                                return;
                            }
                        }
                    });
                }
            }
        });
        Self { port, stalled }
    }

    fn stall(&self, stalled: bool) {
        self.stalled.store(stalled, std::sync::atomic::Ordering::Relaxed);
    }
}

/// PostgreSQL stops answering without closing anything (a black-holed
/// network): requests get a 503 after a bounded time instead of waiting
/// with it, /readyz says so, and all recovers when the traffic flows again.
#[actix_web::test]
#[cfg_attr(not(postgres_tests), ignore = "TEST_DATABASE_URL was not set when the tests were built")]
async fn a_black_holed_postgres_is_a_bounded_503() {
    let database = TestDatabase::create(Backend::Postgres);
    let mut url = url::Url::parse(&database.url).expect("url");
    let upstream =
        std::net::ToSocketAddrs::to_socket_addrs(&(url.host_str().expect("host"), url.port().unwrap_or(5432)))
            .expect("address")
            .next()
            .expect("address");
    let relay = StallingRelay::start(upstream);
    url.set_host(Some("127.0.0.1")).expect("host");
    url.set_port(Some(relay.port)).expect("port");
    let app = TestApp::spawn_on(url.as_str(), |s| {
        s.cache_size = 0;
        s.db_timeout = 1;
        s.statement_timeout = 1;
    })
    .await;
    let write = app.key(Scope::Write).await;
    app.article(&write, json!({"headline": "Through", "status": "published", "published_at": "2020-01-01T00:00:00Z"}))
        .await;

    relay.stall(true);
    for _ in 0..3 {
        let (statuses, slowest) = load(&app, "/v1/articles/through").await;
        assert!(statuses.iter().all(|&s| s == 503), "while stalled: {statuses:?}");
        assert!(slowest < Duration::from_secs(8), "bounded: {slowest:?}");
    }
    let started = Instant::now();
    app.get("/readyz", None).await.problem(503);
    assert!(started.elapsed() < Duration::from_secs(8), "bounded: {:?}", started.elapsed());

    relay.stall(false);
    let started = Instant::now();
    loop {
        let (statuses, _) = load(&app, "/v1/articles/through").await;
        if statuses.iter().all(|&s| s == 200) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "no recovery: {statuses:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(app.get("/readyz", None).await.status, 200);
}
