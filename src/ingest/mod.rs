//! Readers and writers of files: plain-text stories and NDJSON dumps. They
//! parse and report; every write goes through `service::import` and `service::stories`.

pub mod export;
pub mod import;
pub mod plaintext;
