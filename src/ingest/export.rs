//! `export`: the whole newsroom as NDJSON, streamed page by page.

use std::io::Write;

use crate::error::AppError;
use crate::service::transfer::{export_page, ExportPosition};
use crate::store::Db;

/// Writes every record; returns how many were written.
pub async fn write_ndjson(db: &Db, out: &mut impl Write) -> Result<u64, AppError> {
    let mut position = Some(ExportPosition::Authors(None));
    let mut written = 0;
    while let Some(current) = position {
        let (records, next) = export_page(db, current).await?;
        for record in &records {
            serde_json::to_writer(&mut *out, record).map_err(|e| AppError::Internal(e.into()))?;
            out.write_all(b"\n").map_err(|e| AppError::Internal(e.into()))?;
            written += 1;
        }
        position = next;
    }
    out.flush().map_err(|e| AppError::Internal(e.into()))?;
    Ok(written)
}
