//! `dateline`: parse the command line and dispatch.

use clap::Parser;

#[actix_web::main]
async fn main() {
    // A missing .env is normal; the environment and flags still apply.
    let _ = dotenvy::dotenv();
    let cli = dateline::cli::Cli::parse();
    dateline::telemetry::init(&cli.settings.log);
    let code = dateline::cli::run(cli).await;
    std::process::exit(code);
}
