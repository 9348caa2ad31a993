//! Rebuilds when a migration is added or edited: `embed_migrations!` reads
//! the migrations directories at compile time, and cargo does not know it.
//!
//! And turns on the PostgreSQL half of the test suite (`cfg(postgres_tests)`)
//! when `TEST_DATABASE_URL` is set at build time; without it, each
//! PostgreSQL case is reported as ignored, not as a pass.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-env-changed=TEST_DATABASE_URL");
    println!("cargo:rustc-check-cfg=cfg(postgres_tests)");
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|url| !url.trim().is_empty()) {
        println!("cargo:rustc-cfg=postgres_tests");
    }
}
