//! `dateline import PATH… [--draft] [--update] [--quiet]`.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

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
    let stop = stop_on_signals()?;
    let report = import_paths(&db, &args.paths, options, &furniture, &mut feedback, &stop).await?;
    eprintln!("{}", report.summary());
    if report.interrupted {
        return Err(Failure::new(
            INTERRUPTED,
            "interrupted: stopped after the last whole batch; run the same import again to finish it",
        ));
    }
    if report.skipped > 0 {
        return Err(Failure::new(1, format!("{} skipped (see above)", report.skipped)));
    }
    Ok(())
}

/// The exit status of an import stopped by a signal (128 + SIGTERM's 15,
/// as a shell reports a process SIGTERM ended).
const INTERRUPTED: i32 = 143;

/// A flag that SIGTERM and SIGINT set instead of ending the process, so the
/// import can stop at a batch boundary (a deploy's SIGTERM, a Ctrl-C). A
/// second signal ends it at once (a batch's transaction is then rolled back).
fn stop_on_signals() -> Result<Arc<AtomicBool>, Failure> {
    let stop = Arc::new(AtomicBool::new(false));
    let failed = |e: std::io::Error| Failure::new(1, format!("cannot handle signals: {e}"));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        // In this order: the first signal finds the flag unset and sets it.
        signal_hook::flag::register_conditional_shutdown(signal, INTERRUPTED, Arc::clone(&stop)).map_err(failed)?;
        signal_hook::flag::register(signal, Arc::clone(&stop)).map_err(failed)?;
    }
    Ok(stop)
}
