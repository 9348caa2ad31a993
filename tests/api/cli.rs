//! The `dateline` binary: keys, migrate, bad URLs, openapi.

use std::process::{Command, Output};

use crate::backend_tests;
use crate::helpers::{Backend, TestDatabase};

backend_tests!(cli_keys_and_migrate);

pub fn dateline(database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dateline"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("DATELINE_LOG", "warn")
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run dateline")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn cli_keys_and_migrate(backend: Backend) {
    let database = TestDatabase::create(backend);
    let url = database.url.as_str();

    for _ in 0..2 {
        let migrated = dateline(url, &["migrate"]);
        assert!(migrated.status.success(), "{}", String::from_utf8_lossy(&migrated.stderr));
    }

    let created = dateline(url, &["keys", "create", "--name", "mobile app", "--scope", "write"]);
    assert!(created.status.success());
    let key = stdout(&created);
    let key = key.strip_suffix('\n').expect("one line");
    assert!(!key.contains('\n'), "only the key is printed");
    assert!(key.starts_with("dl_") && key.len() == 46, "{key}");
    assert!(key[3..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));

    let listed = stdout(&dateline(url, &["keys", "list"]));
    let line = listed.lines().next().expect("one key listed");
    let fields: Vec<&str> = line.split('\t').collect();
    assert_eq!(fields.len(), 7, "{line}");
    assert_eq!(fields[0], "1");
    assert!(key.starts_with(fields[1]), "the prefix is the start of the key");
    assert_eq!(&fields[2..4], ["write", "mobile app"]);
    assert_eq!(&fields[5..], ["-", "-"]);
    assert!(!listed.contains(key), "the key itself is never shown again");

    assert!(dateline(url, &["keys", "revoke", fields[1]]).status.success());
    let listed = stdout(&dateline(url, &["keys", "list"]));
    assert_ne!(listed.lines().next().unwrap().split('\t').nth(6), Some("-"), "revoked time shown");
    let again = dateline(url, &["keys", "revoke", "1"]);
    assert_eq!(again.status.code(), Some(1));

    let bad_scope = dateline(url, &["keys", "create", "--name", "x", "--scope", "root"]);
    assert!(!bad_scope.status.success());
}

#[test]
fn bad_database_urls_are_one_line_errors_with_exit_2() {
    for url in
        ["mysql://localhost/x", "postgres://", "postgres://postgres@127.0.0.1:1/x", "sqlite:///nonexistent-dir/x.db"]
    {
        let output = dateline(url, &["migrate"]);
        assert_eq!(output.status.code(), Some(2), "{url}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{url}: {stderr}");
        assert!(stderr.starts_with("dateline: "), "{stderr}");
    }
}

/// A reader that stops early (`dateline openapi | head`) is not an error:
/// the command exits 0 without a panic.
#[test]
fn printing_to_a_closed_pipe_is_quiet() {
    use std::io::Read;
    for command in ["openapi", "graphql-schema"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dateline"))
            .arg(command)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run dateline");
        let mut first = [0u8; 16];
        child.stdout.take().expect("stdout").read_exact(&mut first).expect("some output");
        let output = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{command}: {stderr}");
        assert!(!stderr.contains("panicked"), "{command}: {stderr}");
    }
}
