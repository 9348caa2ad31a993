//! The `dateline` command line: clap definitions and dispatch, one file per subcommand.

mod export;
mod import;
mod keys;
mod serve;

use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::store::{Db, OpenError};

#[derive(Debug, Parser)]
#[command(name = "dateline", version, about = "A headless content API for newsrooms")]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the store, then serve the API (the default command).
    Serve(serve::ServeArgs),
    /// Run pending migrations and exit.
    Migrate,
    /// Manage API keys.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Import plain-text stories and NDJSON (files, directories, or - for stdin).
    Import(import::ImportArgs),
    /// Write everything as NDJSON that `import` reads back losslessly.
    Export(export::ExportArgs),
    /// Print the OpenAPI document.
    Openapi,
    /// Print the GraphQL schema (SDL).
    GraphqlSchema,
}

/// A failure of a command: a one-line message and an exit status.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: i32,
}

impl Failure {
    pub fn new(code: i32, message: impl std::fmt::Display) -> Self {
        Self { message: message.to_string(), code }
    }
}

impl From<OpenError> for Failure {
    fn from(error: OpenError) -> Self {
        Self::new(2, error)
    }
}

impl From<crate::error::AppError> for Failure {
    fn from(error: crate::error::AppError) -> Self {
        Self::new(1, error.describe())
    }
}

/// Opens (and migrates) the store named by the settings.
pub fn open_store(settings: &Settings) -> Result<Db, Failure> {
    Ok(Db::open(settings)?)
}

/// Runs a parsed command line; returns the process exit status.
pub async fn run(cli: Cli) -> i32 {
    let settings = cli.settings;
    let result = match cli.command.unwrap_or(Command::Serve(serve::ServeArgs::default())) {
        Command::Serve(args) => serve::run(settings, args).await,
        Command::Migrate => open_store(&settings).map(|_| eprintln!("migrations are up to date")),
        Command::Keys(command) => keys::run(&settings, command).await,
        Command::Import(args) => import::run(&settings, args).await,
        Command::Export(args) => export::run(&settings, args).await,
        Command::Openapi => print_openapi(),
        Command::GraphqlSchema => print_out(&crate::graphql::sdl()),
    };
    match result {
        Ok(()) => 0,
        Err(failure) => {
            eprintln!("dateline: {}", failure.message);
            failure.code
        }
    }
}

fn print_openapi() -> Result<(), Failure> {
    let json = crate::rest::openapi().to_pretty_json().map_err(|e| Failure::new(1, e))?;
    print_out(&(json + "\n"))
}

/// Writes to stdout; a reader that stopped early (`| head`) is not an
/// error (`print!` panicked on the broken pipe).
fn print_out(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::new(1, format!("cannot write: {e}"))),
        _ => Ok(()),
    }
}
