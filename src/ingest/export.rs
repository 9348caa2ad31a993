//! `export`: the whole newsroom as NDJSON, streamed page by page.

use std::io::Write;

use crate::error::AppError;
use crate::service::export::{export_page, ExportPosition};
use crate::store::Db;

/// Writes every record; returns how many were written.
pub async fn write_ndjson(db: &Db, out: &mut impl Write) -> Result<u64, AppError> {
    // The next page is read from the store while this one is serialised.
    let mut reading = Some(export_page(db, ExportPosition::Authors(None)));
    let mut written = 0;
    while let Some(page) = reading.take() {
        let (records, next) = page.await?;
        reading = next.map(|position| export_page(db, position));
        for record in &records {
            serde_json::to_writer(&mut *out, record).map_err(|e| AppError::Internal(e.into()))?;
            out.write_all(b"\n").map_err(|e| AppError::Internal(e.into()))?;
            written += 1;
        }
    }
    out.flush().map_err(|e| AppError::Internal(e.into()))?;
    Ok(written)
}
