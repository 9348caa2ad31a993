//! Rebuilds when a migration is added or edited: `embed_migrations!` reads
//! the migrations directories at compile time, and cargo does not know it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
