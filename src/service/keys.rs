//! API keys: creation, authentication of a Bearer token, listing, revocation.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::domain::time::{from_stored, now, to_stored};
use crate::domain::{required_text, Problems, Scope, Viewer, MAX_SHORT_TEXT_CHARS};
use crate::error::AppError;
use crate::store::{keys, Db};

const KEY_MARK: &str = "dl_";
/// 256 random bits as unpadded base64url.
const KEY_BODY_LEN: usize = 43;
/// Characters of the key body kept visible in the prefix.
const PREFIX_BODY_LEN: usize = 8;
/// `last_used_at` is written at most this often per key.
const TOUCH_INTERVAL_SECONDS: i64 = 60;

/// A key as listed: never the key itself.
#[derive(Debug, Clone)]
pub struct KeyInfo {
    pub id: i64,
    pub name: String,
    pub scope: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

fn hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

fn prefix_of(key: &str) -> Option<&str> {
    let body = key.strip_prefix(KEY_MARK)?;
    if body.len() != KEY_BODY_LEN || !body.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return None;
    }
    key.get(..KEY_MARK.len() + PREFIX_BODY_LEN)
}

/// Creates a key and returns it in clear: the only time it is ever seen.
pub async fn create(db: &Db, name: &str, scope: Scope) -> Result<(KeyInfo, String), AppError> {
    // One line: `keys list` prints one row per key, which a newline or an
    // escape sequence in a name could forge.
    let mut problems = Problems::default();
    let name = required_text(&mut problems, "name", name, MAX_SHORT_TEXT_CHARS).ok_or(problems)?;
    let mut random = [0u8; 32];
    rand::rng().fill_bytes(&mut random);
    let key = format!("{KEY_MARK}{}", URL_SAFE_NO_PAD.encode(random));
    let prefix = prefix_of(&key).map(str::to_owned).ok_or_else(|| anyhow::anyhow!("generated key is malformed"))?;
    let digest = hash(&key);
    let created_at = now();
    let info = db
        .run(move |conn| {
            let new = keys::NewKey {
                name: &name,
                scope: scope.as_str(),
                prefix: &prefix,
                hash: &digest,
                created_at: to_stored(created_at),
            };
            let id = keys::insert(conn, &new)?;
            Ok(KeyInfo {
                id,
                name: name.clone(),
                scope: scope.as_str().to_owned(),
                prefix: prefix.clone(),
                created_at,
                last_used_at: None,
                revoked_at: None,
            })
        })
        .await?;
    Ok((info, key))
}

/// The viewer a Bearer token stands for; 401 when unknown or revoked.
pub async fn authenticate(db: &Db, token: &str) -> Result<Viewer, AppError> {
    identify(db, token).await.map(|(_, viewer)| viewer)
}

/// The key a Bearer token is (its id: what rate limits count by) and the
/// viewer it stands for; 401 when unknown or revoked.
pub async fn identify(db: &Db, token: &str) -> Result<(i64, Viewer), AppError> {
    let unknown = || AppError::Unauthorized("the API key is not valid".into());
    let prefix = prefix_of(token).ok_or_else(unknown)?.to_owned();
    let digest = hash(token);
    db.run(move |conn| {
        let candidates = keys::with_prefix(conn, &prefix)?;
        let key = candidates
            .into_iter()
            .find(|k| bool::from(k.hash.as_bytes().ct_eq(digest.as_bytes())))
            .ok_or_else(unknown)?;
        if key.revoked_at.is_some() {
            return Err(AppError::Unauthorized("the API key has been revoked".into()));
        }
        let at = now();
        let stale =
            key.last_used_at.is_none_or(|last| at - from_stored(last) >= Duration::seconds(TOUCH_INTERVAL_SECONDS));
        if stale {
            keys::touch(conn, key.id, to_stored(at))?;
        }
        let scope = key.scope.parse::<Scope>().map_err(|_| unknown())?;
        Ok((key.id, Viewer::with_scope(scope)))
    })
    .await
}

pub async fn list(db: &Db) -> Result<Vec<KeyInfo>, AppError> {
    let rows = db.run(|conn| Ok(keys::all(conn)?)).await?;
    Ok(rows
        .into_iter()
        .map(|k| KeyInfo {
            id: k.id,
            name: k.name,
            scope: k.scope,
            prefix: k.prefix,
            created_at: from_stored(k.created_at),
            last_used_at: k.last_used_at.map(from_stored),
            revoked_at: k.revoked_at.map(from_stored),
        })
        .collect())
}

/// Revokes the key with this id or prefix; 404 when no active key matches.
pub async fn revoke(db: &Db, id_or_prefix: &str) -> Result<(), AppError> {
    let target = id_or_prefix.trim().to_owned();
    let revoked = db
        .run({
            let target = target.clone();
            move |conn| Ok(keys::revoke(conn, &target, to_stored(now()))?)
        })
        .await?;
    if revoked == 0 {
        return Err(AppError::not_found("active key", target));
    }
    Ok(())
}
