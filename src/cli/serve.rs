//! `dateline serve [--bind ADDR] [--demo]`.

use clap::Args;

use super::{open_store, Failure};
use crate::app::{self, Shared};
use crate::config::Settings;
use crate::service::demo;

#[derive(Debug, Default, Args)]
pub struct ServeArgs {
    /// Load a small demo newsroom into an empty store first.
    #[arg(long)]
    pub demo: bool,
}

pub async fn run(settings: Settings, args: ServeArgs) -> Result<(), Failure> {
    let db = open_store(&settings)?;
    if args.demo {
        match demo::load_if_empty(&db).await? {
            true => tracing::info!("loaded the demo newsroom"),
            false => tracing::info!("the store already has articles; demo content not loaded"),
        }
    }
    let listener = std::net::TcpListener::bind(&settings.bind)
        .map_err(|e| Failure::new(1, format!("cannot listen on {}: {e}", settings.bind)))?;
    let address = listener.local_addr().map_err(|e| Failure::new(1, e))?;
    tracing::info!("listening on http://{address} (docs at http://{address}/docs)");
    app::serve(Shared::new(db, settings), listener).await.map_err(|e| Failure::new(1, format!("server error: {e}")))
}
