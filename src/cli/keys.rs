//! `dateline keys create|list|revoke`.

use clap::Subcommand;

use super::{open_store, Failure};
use crate::config::Settings;
use crate::domain::Scope;
use crate::service::keys;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key and print it, alone, on stdout (it is shown only once).
    Create {
        /// What the key is for, e.g. "mobile app".
        #[arg(long)]
        name: String,
        /// preview, write or admin.
        #[arg(long, value_parser = |s: &str| s.parse::<Scope>())]
        scope: Scope,
    },
    /// List keys: id, prefix, scope, name, created, last used, revoked.
    List,
    /// Revoke a key by id or prefix.
    Revoke {
        /// The key's id or its prefix (`dl_…`).
        id: String,
    },
}

pub async fn run(settings: &Settings, command: KeysCommand) -> Result<(), Failure> {
    let db = open_store(settings)?;
    match command {
        KeysCommand::Create { name, scope } => {
            let (_, key) = keys::create(&db, &name, scope).await?;
            println!("{key}");
        }
        KeysCommand::List => {
            let fmt = |at: Option<chrono::DateTime<chrono::Utc>>| {
                at.map(|a| a.format("%Y-%m-%dT%H:%M:%SZ").to_string()).unwrap_or_else(|| "-".into())
            };
            for key in keys::list(&db).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    key.id,
                    key.prefix,
                    key.scope,
                    key.name,
                    fmt(Some(key.created_at)),
                    fmt(key.last_used_at),
                    fmt(key.revoked_at)
                );
            }
        }
        KeysCommand::Revoke { id } => {
            keys::revoke(&db, &id).await?;
            eprintln!("revoked {id}");
        }
    }
    Ok(())
}
