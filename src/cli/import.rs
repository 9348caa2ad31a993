//! `dateline import PATH… [--draft] [--update] [--quiet]`.

use std::path::PathBuf;

use clap::Args;

use super::{open_store, Failure};
use crate::config::Settings;
use crate::ingest::import::{import_paths, Feedback};
use crate::ingest::plaintext::DEFAULT_FURNITURE;
use crate::service::import::ImportOptions;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files or directories (walked recursively); `-` reads NDJSON from stdin.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Import plain-text stories as drafts.
    #[arg(long)]
    pub draft: bool,
    /// Overwrite what already exists instead of leaving it unchanged.
    #[arg(long)]
    pub update: bool,
    /// No progress and no notes; only the summary line.
    #[arg(long)]
    pub quiet: bool,
}

pub async fn run(settings: &Settings, args: ImportArgs) -> Result<(), Failure> {
    // A batch is one long transaction by design, and nobody waits on it
    // for an answer: the server's statement timeout does not apply.
    let settings = &Settings { statement_timeout: 0, ..settings.clone() };
    let db = open_store(settings)?;
    let furniture: Vec<String> = DEFAULT_FURNITURE
        .iter()
        .map(|s| s.to_string())
        .chain(settings.import_furniture.iter().map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()))
        .collect();
    let options = ImportOptions { update: args.update, draft: args.draft };
    let mut feedback = Feedback::new(args.quiet);
    let report = import_paths(&db, &args.paths, options, &furniture, &mut feedback).await?;
    eprintln!("{}", report.summary());
    if report.skipped > 0 {
        return Err(Failure::new(1, format!("{} skipped (see above)", report.skipped)));
    }
    Ok(())
}
