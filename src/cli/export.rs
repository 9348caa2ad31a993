//! `dateline export [--output FILE]`.

use std::io::BufWriter;
use std::path::PathBuf;

use clap::Args;

use super::{open_store, Failure};
use crate::config::Settings;
use crate::ingest::export::write_ndjson;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write here instead of stdout (replaced only once the export is complete).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

pub async fn run(settings: &Settings, args: ExportArgs) -> Result<(), Failure> {
    let db = open_store(settings)?;
    match args.output {
        None => {
            let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            write_ndjson(&db, &mut out).await?;
        }
        Some(path) => {
            let partial = path.with_extension("partial");
            let file = std::fs::File::create(&partial)
                .map_err(|e| Failure::new(1, format!("cannot write {}: {e}", partial.display())))?;
            let mut out = BufWriter::with_capacity(1 << 16, file);
            let written = write_ndjson(&db, &mut out).await;
            drop(out);
            if let Err(error) = written {
                let _ = std::fs::remove_file(&partial);
                return Err(error.into());
            }
            std::fs::rename(&partial, &path)
                .map_err(|e| Failure::new(1, format!("cannot write {}: {e}", path.display())))?;
        }
    }
    Ok(())
}
