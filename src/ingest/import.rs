//! `import`: walks files and directories, reads plain-text stories and NDJSON
//! (a `-` reads NDJSON from stdin), and reports what happened to each.

use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::plaintext::{self, DroppedKind};
use crate::domain::control;
use crate::domain::text::word_count;
use crate::error::AppError;
use std::collections::HashMap;

use crate::domain::snapshot::Record;
use crate::service::import::{self, ImportOptions, Outcome};
use crate::service::import_links::{self, PendingLinks};
use crate::service::stories;
use crate::store::Db;

/// Related links to write once everything is in, and the articles written so far.
#[derive(Default)]
pub struct Pending {
    links: Vec<PendingLinks>,
    written: HashMap<String, i64>,
}

/// Records written per transaction (each still atomic on its own).
const BATCH: usize = 1000;

/// Articles written by one import that make it a bulk load, tidied up
/// afterwards (see `service::import::finish`).
const BULK_LOAD: usize = 1000;

/// Totals and notes of an import.
#[derive(Debug, Default)]
pub struct Report {
    pub imported: u64,
    pub unchanged: u64,
    pub skipped: u64,
    /// Stopped on request after the last whole batch (see `import_paths`).
    pub interrupted: bool,
}

impl Report {
    pub fn summary(&self) -> String {
        format!("imported {}, unchanged {}, skipped {}", self.imported, self.unchanged, self.skipped)
    }

    fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Imported | Outcome::Updated => self.imported += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }
}

/// Where notes and progress go.
pub struct Feedback {
    quiet: bool,
    bar: Option<ProgressBar>,
    seen: u64,
}

impl Feedback {
    /// A progress bar on a terminal, a line every 10,000 items otherwise.
    pub fn new(quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {pos} items  {per_sec}  {elapsed_precise}  {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar
        });
        Self { quiet, bar, seen: 0 }
    }

    /// A note for the report (always shown unless quiet).
    pub fn note(&self, line: &str) {
        if self.quiet {
            return;
        }
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    fn advance(&mut self, items: u64) {
        self.seen += items;
        match &self.bar {
            Some(bar) => bar.inc(items),
            None if !self.quiet && self.seen / 10_000 != (self.seen - items) / 10_000 => {
                eprintln!("… {} items processed", self.seen);
            }
            None => {}
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Imports every path; `-` is NDJSON on stdin.
///
/// When `stop` is set (SIGTERM, Ctrl-C), the import ends at a batch
/// boundary: the batch being written commits, the one being read is
/// dropped whole, and the related links wait for a re-run (which writes
/// them; see `service::import_links`). Nothing is ever half-written.
pub async fn import_paths(
    db: &Db,
    paths: &[PathBuf],
    options: ImportOptions,
    furniture: &[String],
    feedback: &mut Feedback,
    stop: &AtomicBool,
) -> Result<Report, AppError> {
    let mut report = Report::default();
    let mut pending = Pending::default();
    let run = Run { db, options, stop };
    for path in paths {
        if run.stopping(&mut report) {
            break;
        }
        if path.as_os_str() == "-" {
            let stdin = BufReader::new(std::io::stdin().lock());
            import_ndjson(&run, "-", stdin, &mut report, &mut pending, feedback).await?;
            continue;
        }
        let mut files = Vec::new();
        if let Err(e) = collect_files(path, &mut files) {
            feedback.note(&format!("{}: skipped: {e}", path.display()));
            report.skipped += 1;
            continue;
        }
        for file in files {
            if run.stopping(&mut report) {
                break;
            }
            import_file(&run, &file, furniture, &mut report, &mut pending, feedback).await?;
        }
    }
    if report.interrupted {
        feedback.finish();
        return Ok(report);
    }
    let written = pending.written.len();
    for note in import_links::link_pending(db, pending.links, pending.written).await? {
        feedback.note(&note);
    }
    if written >= BULK_LOAD {
        import::finish(db, written).await?;
    }
    feedback.finish();
    Ok(report)
}

/// What every file of one import shares.
struct Run<'a> {
    db: &'a Db,
    options: ImportOptions,
    stop: &'a AtomicBool,
}

impl Run<'_> {
    /// Whether to stop now; notes it in the report.
    fn stopping(&self, report: &mut Report) -> bool {
        report.interrupted |= self.stop.load(Ordering::Relaxed);
        report.interrupted
    }
}

/// Files under a path, recursively, in name order.
fn collect_files(path: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(path)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
        entries.sort();
        for entry in entries {
            collect_files(&entry, files)?;
        }
    } else if path.is_file() {
        files.push(path.to_owned());
    } else {
        return Err(std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or directory"));
    }
    Ok(())
}

fn is_ndjson(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("ndjson" | "jsonl"))
}

async fn import_file(
    run: &Run<'_>,
    file: &Path,
    furniture: &[String],
    report: &mut Report,
    pending: &mut Pending,
    feedback: &mut Feedback,
) -> Result<(), AppError> {
    let name = file.display().to_string();
    let opened = std::fs::File::open(file);
    let mut opened = match opened {
        Ok(f) => f,
        Err(e) => {
            feedback.note(&format!("{name}: skipped: {e}"));
            report.skipped += 1;
            return Ok(());
        }
    };
    if is_ndjson(file) {
        return import_ndjson(run, &name, BufReader::new(opened), report, pending, feedback).await;
    }
    let mut bytes = Vec::new();
    if let Err(e) = opened.read_to_end(&mut bytes) {
        feedback.note(&format!("{name}: skipped: {e}"));
        report.skipped += 1;
        return Ok(());
    }
    feedback.advance(1);
    let story = match plaintext::parse(&bytes, furniture) {
        Ok(story) => story,
        Err(reason) => {
            feedback.note(&format!("{name}: skipped: {reason}"));
            report.skipped += 1;
            return Ok(());
        }
    };
    for dropped in &story.dropped {
        let kind = match dropped.kind {
            DroppedKind::Furniture => "page furniture",
            DroppedKind::Promo => "promo",
        };
        feedback.note(&format!("{name}: dropped {kind}: \"{}\"", dropped.first_words));
    }
    match stories::import_story(run.db, story, run.options).await {
        Ok((outcome, _)) => report.count(outcome),
        Err(error @ (AppError::Unavailable | AppError::DiskFull)) => return Err(error),
        Err(error) => {
            feedback.note(&format!("{name}: skipped: {}", error.describe()));
            report.skipped += 1;
        }
    }
    Ok(())
}

async fn import_ndjson(
    run: &Run<'_>,
    name: &str,
    mut reader: impl BufRead,
    report: &mut Report,
    pending: &mut Pending,
    feedback: &mut Feedback,
) -> Result<(), AppError> {
    // One batch is written while the next one is read and parsed.
    let mut in_flight: Option<InFlight> = None;
    let mut batch: Vec<(usize, Record)> = Vec::with_capacity(BATCH);
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        if run.stopping(report) {
            // The batch being read is dropped whole; the one in flight lands.
            batch.clear();
            break;
        }
        line.clear();
        let read = reader.read_until(b'\n', &mut line).map_err(|e| AppError::BadRequest(format!("{name}: {e}")))?;
        if read == 0 {
            break;
        }
        number += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match read_record(&line) {
            Ok(mut record) => {
                if let Record::Article(article) = &mut record {
                    article.word_count = Some(word_count(&article.body));
                }
                batch.push((number, record))
            }
            Err(reason) => {
                feedback.note(&format!("{name}:{number}: skipped: {reason}"));
                report.skipped += 1;
            }
        }
        if batch.len() == BATCH {
            // Batches land in order: a record may name what the previous one created.
            if let Some(previous) = in_flight.take() {
                previous.finish(name, report, pending, feedback).await?;
            }
            in_flight = Some(InFlight::start(run.db, std::mem::take(&mut batch), run.options));
        }
    }
    if let Some(previous) = in_flight.take() {
        previous.finish(name, report, pending, feedback).await?;
    }
    if !batch.is_empty() {
        InFlight::start(run.db, batch, run.options).finish(name, report, pending, feedback).await?;
    }
    Ok(())
}

/// A batch being written on the blocking pool, with the line numbers of its records.
struct InFlight {
    numbers: Vec<usize>,
    task: std::pin::Pin<Box<dyn std::future::Future<Output = Result<import::BatchOutcome, AppError>> + Send>>,
}

impl InFlight {
    fn start(db: &Db, batch: Vec<(usize, Record)>, options: ImportOptions) -> Self {
        let (numbers, records): (Vec<usize>, Vec<Record>) = batch.into_iter().unzip();
        // Already running on the blocking pool while the next batch is parsed.
        let task = Box::pin(import::import_batch(db, records, options));
        Self { numbers, task }
    }

    async fn finish(
        self,
        name: &str,
        report: &mut Report,
        pending: &mut Pending,
        feedback: &mut Feedback,
    ) -> Result<(), AppError> {
        let count = self.numbers.len() as u64;
        let outcome = self.task.await?;
        for (number, result) in self.numbers.into_iter().zip(outcome.results) {
            match result {
                Ok(outcome) => report.count(outcome),
                Err(reason) => {
                    feedback.note(&format!("{name}:{number}: skipped: {reason}"));
                    report.skipped += 1;
                }
            }
        }
        pending.links.extend(outcome.links);
        pending.written.extend(outcome.written);
        feedback.advance(count);
        Ok(())
    }
}

/// One NDJSON line as a record, or why it is skipped: not a record, or text
/// with a control character (which PostgreSQL could not store).
pub fn read_record(line: &[u8]) -> Result<Record, String> {
    let record = serde_json::from_slice::<Record>(line).map_err(|e| {
        let reason = e.to_string();
        reason.split(" at line ").next().unwrap_or_default().to_owned()
    })?;
    match control::field_with_control(line) {
        Some(field) => Err(format!("{field}: {}", control::REFUSED)),
        None => Ok(record),
    }
}
