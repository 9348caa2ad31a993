//! Readers and writers of files: plain-text stories and NDJSON dumps. They
//! parse and report; every write goes through `service::transfer`.

pub mod export;
pub mod import;
pub mod plaintext;
