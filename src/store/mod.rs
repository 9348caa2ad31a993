//! Diesel only: the schema, connections and pool, migrations and queries.
//! Above it, only `service` (and the CLI's setup) use its modules; the
//! other layers hold the `Db` handle and pass it to `service`.

mod article_filter;
pub mod articles;
pub mod bulk;
pub mod changes;
pub mod connection;
pub mod keys;
pub mod schema;
pub mod search;
pub mod slugged;
mod sql;

use std::sync::Arc;
use std::time::Duration;

use diesel::r2d2::Pool;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub use connection::{serialise_slug_choice, write_transaction, Backend, DbConnection, Location, StatementCounter};

use crate::config::Settings;
use crate::domain::Change;
use crate::error::AppError;
use crate::freshness::Freshness;
use connection::Manager;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The pooled store. Cloning is cheap (the pool is shared).
#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    location: Location,
    statements: StatementCounter,
    /// What is still true; every write through `write` records its changes
    /// here once committed, and caches of rendered responses consult it.
    freshness: Arc<Freshness>,
    /// SQLite only: connections for the short reads the HTTP workers run
    /// on their own threads (`read_on_worker_thread`), one per core, apart from the
    /// pool so those reads never wait behind searches and writes.
    quick: Option<Pool<Manager>>,
    /// One per pooled connection: requests beyond that wait here, as
    /// futures, rather than each holding a blocking thread that queues on
    /// the pool's lock (32 concurrent reads made ~50 threads before).
    permits: Arc<tokio::sync::Semaphore>,
    /// How long a request waits for a permit before it is answered with a
    /// 503: without a bound, a few slow requests queued every other one
    /// behind them for as long as they ran (a plain list waited 28 s).
    permit_wait: Duration,
    /// How long one piece of work's SQLite statements may run (PostgreSQL
    /// has its own `statement_timeout`, set per connection).
    statement_timeout: Option<Duration>,
    /// Told how long each piece of work waited for a connection (metrics).
    wait_observer: Arc<std::sync::OnceLock<WaitObserver>>,
    /// When a statement last failed for a full disk (PostgreSQL's disk is
    /// the server's: this is how `is_ready` learns of it).
    disk_full_at: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
}

/// Receives how long a piece of store work waited for a connection.
pub type WaitObserver = Box<dyn Fn(Duration) + Send + Sync>;

/// Why the store could not be opened; the CLI prints it on one line.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{0}")]
    BadUrl(String),
    #[error("cannot open the database: {0}")]
    Unreachable(String),
    #[error("cannot migrate the database: {0}")]
    Migration(String),
}

impl Db {
    /// Checks the URL, connects, runs pending migrations and builds the pool.
    pub fn open(settings: &Settings) -> Result<Self, OpenError> {
        let location = Location::parse(&settings.database_url).map_err(OpenError::BadUrl)?;
        let mut conn =
            location.connect().map_err(|e| OpenError::Unreachable(describe_connection_error(&location, &e)))?;
        migrate(&mut conn)?;
        drop(conn);
        let db = Self::with_pool(location, settings);
        Ok(db)
    }

    /// A pool that connects on demand, without checking or migrating: what a
    /// running server holds when its database goes away.
    pub fn open_lazily(settings: &Settings) -> Result<Self, OpenError> {
        let location = Location::parse(&settings.database_url).map_err(OpenError::BadUrl)?;
        Ok(Self::with_pool(location, settings))
    }

    fn with_pool(location: Location, settings: &Settings) -> Self {
        let statements = StatementCounter::default();
        let pool = build_pool(&location, settings, &statements, settings.db_pool_size);
        let quick = (location.backend() == Backend::Sqlite)
            .then(|| build_pool(&location, settings, &statements, crate::config::cores()));
        let freshness = Arc::new(Freshness::default());
        let permits = Arc::new(tokio::sync::Semaphore::new(settings.db_pool_size.max(1) as usize));
        let statement_timeout =
            (settings.statement_timeout > 0).then(|| Duration::from_secs(settings.statement_timeout));
        Self {
            pool,
            location,
            statements,
            freshness,
            quick,
            permits,
            permit_wait: settings.db_timeout(),
            statement_timeout,
            wait_observer: Arc::default(),
            disk_full_at: Arc::default(),
        }
    }

    /// Reports every wait for a pooled connection to `observer` (the first
    /// observer set stays; the store itself knows nothing of metrics).
    pub fn observe_waits(&self, observer: WaitObserver) {
        let _ = self.wait_observer.set(observer);
    }

    pub fn freshness(&self) -> &Arc<Freshness> {
        &self.freshness
    }

    /// Starts applying other processes' writes to this process's freshness.
    pub fn listen_for_changes(&self) {
        changes::listen(self.location.clone(), &self.freshness);
    }

    /// Runs a write in one transaction. The work returns what it changed:
    /// other processes are told in the same transaction, this one's cache
    /// once it has committed (so no reader can cache what came before).
    pub async fn write<F, R>(&self, work: F) -> Result<R, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<(R, Vec<Change>), AppError> + Send + 'static,
        R: Send + 'static,
    {
        let freshness = Arc::clone(&self.freshness);
        let (result, changed) = self
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    let (result, changed) = work(conn)?;
                    changes::announce(conn, &freshness, &changed)?;
                    Ok((result, changed))
                })
            })
            .await?;
        self.freshness.apply(&changed);
        Ok(result)
    }

    /// Reads the next scheduled publication for `Freshness`, when it needs it.
    pub async fn refresh_freshness_horizon(&self) {
        let Some(ticket) = self.freshness.claim_horizon_read() else {
            return;
        };
        let next = self.run(|conn| changes::next_publication(conn, crate::domain::time::now())).await;
        if let Err(error) = &next {
            tracing::warn!(%error, "cannot read the next scheduled publication; not caching");
        }
        self.freshness.finish_horizon_read(ticket, next.map_err(drop));
    }

    /// Statements run through this pool so far.
    pub fn statements_run(&self) -> u64 {
        self.statements.get()
    }

    /// Runs blocking diesel work on the blocking thread pool, inside the caller's span.
    pub async fn run<F, R>(&self, work: F) -> Result<R, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<R, AppError> + Send + 'static,
        R: Send + 'static,
    {
        let waiting = std::time::Instant::now();
        let permit = tokio::time::timeout(self.permit_wait, self.permits.acquire()).await;
        if let Some(observe) = self.wait_observer.get() {
            observe(waiting.elapsed());
        }
        let Ok(Ok(_permit)) = permit else {
            tracing::warn!(wait = ?self.permit_wait, "no database connection came free in time");
            return Err(AppError::Unavailable);
        };
        let result = self.start(work).await;
        if matches!(result, Err(AppError::DiskFull)) {
            if let Ok(mut at) = self.disk_full_at.lock() {
                *at = Some(std::time::Instant::now());
            }
        }
        result
    }

    /// Runs a short read on the calling thread when the store is SQLite,
    /// else as `run` does. Handing a read to the blocking pool and its
    /// result back costs two thread wake-ups, which for a lookup of a few
    /// indexed rows took longer than the lookup (an uncached article read
    /// spent a third of its time in futex calls). Only for reads bounded to
    /// a few index lookups: the worker serves no other request meanwhile.
    /// They have connections of their own, one per core (one per HTTP
    /// worker): sharing the pool's, a burst that found it busy sent reads
    /// to the blocking pool, where they kept it busy (4,000/s instead of
    /// 11,000). PostgreSQL is a network round trip: always `run`.
    pub async fn read_on_worker_thread<F, R>(&self, work: F) -> Result<R, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<R, AppError> + Send + 'static,
        R: Send + 'static,
    {
        let Some(quick) = &self.quick else {
            return self.run(work).await;
        };
        let mut conn = quick.get().map_err(|e| {
            tracing::warn!(error = %e, "no database connection");
            AppError::Unavailable
        })?;
        connection::with_deadline(self.statement_timeout, || work(&mut conn))
    }

    /// Like `run`, but the work starts now rather than when the returned
    /// future is first polled, so the caller can do other work meanwhile
    /// (the import parses the next batch while this one is written).
    pub fn start<F, R>(&self, work: F) -> impl std::future::Future<Output = Result<R, AppError>> + Send + 'static
    where
        F: FnOnce(&mut DbConnection) -> Result<R, AppError> + Send + 'static,
        R: Send + 'static,
    {
        let pool = self.pool.clone();
        let timeout = self.statement_timeout;
        let span = tracing::Span::current();
        let task = tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            let mut conn = pool.get().map_err(|e| {
                tracing::warn!(error = %e, "no database connection");
                AppError::Unavailable
            })?;
            connection::with_deadline(timeout, || work(&mut conn))
        });
        async move {
            let finished = match timeout {
                // The server cancels a slow statement itself; this bounds a
                // server that stopped answering at all (a stalled network):
                // the request gets its 503, the thread waits on alone.
                Some(timeout) => tokio::time::timeout(timeout + STALLED_AFTER, task).await.map_err(|_| {
                    tracing::error!(waited = ?(timeout + STALLED_AFTER), "the database stopped answering");
                    AppError::Unavailable
                })?,
                None => task.await,
            };
            finished.map_err(|e| AppError::Internal(anyhow::anyhow!("database task failed: {e}")))?
        }
    }

    /// The database answers a trivial query now, and (SQLite) its disk has room for writes:
    /// a store whose writes fail for want of space is not ready.
    pub async fn is_ready(&self) -> bool {
        use diesel::connection::SimpleConnection;
        let answers = self.run(|conn| conn.batch_execute("SELECT 1").map_err(AppError::from)).await.is_ok();
        answers
            && match self.location.free_bytes() {
                Some(free) => free >= MIN_FREE_BYTES,
                None => !self.disk_full_lately(),
            }
    }

    /// Whether a statement failed for a full disk in the last `DISK_FULL_MEMORY`.
    fn disk_full_lately(&self) -> bool {
        let at = self.disk_full_at.lock().map(|at| *at).unwrap_or(None);
        at.is_some_and(|at| at.elapsed() < DISK_FULL_MEMORY)
    }
}

/// Free space below which an SQLite store is not ready: its writes (and the
/// WAL's checkpoints) are about to fail with "database or disk is full".
pub const MIN_FREE_BYTES: u64 = 4 * 1024 * 1024;

/// Beyond the statement timeout, how long a request waits for a database
/// that does not answer at all before it is a 503.
const STALLED_AFTER: Duration = Duration::from_secs(2);

/// How long a PostgreSQL store is not ready after a statement failed for a
/// full disk (its free space cannot be read from here).
pub const DISK_FULL_MEMORY: Duration = Duration::from_secs(10);

/// A pool of up to `size` connections, opened when first needed.
fn build_pool(location: &Location, settings: &Settings, statements: &StatementCounter, size: u32) -> Pool<Manager> {
    Pool::builder()
        .max_size(size.max(1))
        .min_idle(Some(0))
        .connection_timeout(settings.db_timeout())
        .idle_timeout(Some(Duration::from_secs(600)))
        // A ping per checkout would add a statement to every request;
        // broken connections are caught by `has_broken` instead.
        .test_on_check_out(false)
        .build_unchecked(Manager::new(location.clone(), statements.clone(), settings))
}

fn migrate(conn: &mut DbConnection) -> Result<(), OpenError> {
    let result = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(drop),
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(drop),
    };
    result.map_err(|e| OpenError::Migration(e.to_string()))
}

fn describe_connection_error(location: &Location, error: &diesel::ConnectionError) -> String {
    let detail = error.to_string();
    let detail = detail.lines().next().unwrap_or("unknown error").trim();
    match location {
        Location::Sqlite(path) => format!("SQLite file `{path}`: {detail}"),
        Location::Postgres(_) => format!("PostgreSQL: {detail}"),
    }
}

impl From<DieselError> for AppError {
    fn from(error: DieselError) -> Self {
        match &error {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                let what = if info.message().contains("slug") { "slug" } else { "value" };
                AppError::Conflict(format!("that {what} is already taken"))
            }
            // SQLite may report a foreign key failure without its specific kind.
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                AppError::Conflict("it is still referenced by other content".into())
            }
            DieselError::DatabaseError(_, info) if info.message().contains("FOREIGN KEY constraint failed") => {
                AppError::Conflict("it is still referenced by other content".into())
            }
            // The edges refuse NUL in text (domain::control); should one get
            // past them, PostgreSQL's refusal is still the client's error.
            DieselError::DatabaseError(_, info) if info.message().contains("invalid byte sequence") => {
                AppError::BadRequest("text must not contain NUL characters".into())
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _)
            | DieselError::DatabaseError(DatabaseErrorKind::UnableToSendCommand, _)
            | DieselError::BrokenTransactionManager => AppError::Unavailable,
            // A full disk is the operator's to fix, not a bug: 503, and
            // /readyz says so (`is_ready`). SQLite: SQLITE_FULL; PostgreSQL:
            // SQLSTATE 53100 ("could not extend file … No space left").
            DieselError::DatabaseError(_, info)
                if info.message().contains("database or disk is full")
                    || info.message().contains("No space left on device") =>
            {
                tracing::error!(error = %info.message(), "the database's disk is full");
                AppError::DiskFull
            }
            DieselError::DatabaseError(_, info)
                if info.message().contains("database is locked")
                    || info.message().contains("statement timeout")
                    || info.message() == "interrupted"
                    || info.message().contains("terminating connection")
                    || info.message().contains("server closed the connection") =>
            {
                AppError::Unavailable
            }
            _ => AppError::Internal(anyhow::anyhow!("database error: {error}")),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// A runaway SQLite statement is cut off after the statement timeout
    /// and reported as unavailable (a 503), and the connection serves the
    /// next statement.
    #[tokio::test]
    async fn sqlite_statements_stop_at_the_deadline() {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::for_database(format!("sqlite://{}", dir.path().join("t.db").display()));
        settings.statement_timeout = 1;
        settings.db_pool_size = 1;
        let db = Db::open(&settings).unwrap();
        let started = std::time::Instant::now();
        let forever = db
            .run(|conn| {
                use diesel::connection::SimpleConnection;
                let sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
                conn.batch_execute(sql).map_err(AppError::from)
            })
            .await;
        assert!(matches!(forever, Err(AppError::Unavailable)), "{forever:?}");
        assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
        assert!(db.is_ready().await, "the connection still answers");
    }
}
