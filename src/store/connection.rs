//! The one connection type for both backends, its pool and per-connection setup.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};

/// A connection to either backend; every query is written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which database a `DATABASE_URL` names, chosen from its scheme (never by trial).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A file path for the embedded SQLite.
    Sqlite(String),
    /// A libpq connection URL.
    Postgres(String),
}

/// libpq waits for ever by default: for a server that accepts the TCP
/// connection and never answers, and for data a dead peer never
/// acknowledges. Bounds both, unless the URL sets its own.
fn with_network_timeouts(mut url: url::Url) -> String {
    const DEFAULTS: [(&str, &str); 2] = [("connect_timeout", "5"), ("tcp_user_timeout", "10000")];
    let missing: Vec<(&str, &str)> =
        DEFAULTS.into_iter().filter(|(name, _)| !url.query_pairs().any(|(k, _)| k == *name)).collect();
    if !missing.is_empty() {
        url.query_pairs_mut().extend_pairs(missing);
    }
    url.to_string()
}

impl Location {
    /// Bytes free for an SQLite store's file (None for PostgreSQL, whose
    /// disk is the server's, or when the system cannot tell).
    pub fn free_bytes(&self) -> Option<u64> {
        let Self::Sqlite(path) = self else { return None };
        let path = std::path::Path::new(path);
        let directory = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => std::path::Path::new("."),
        };
        let directory = std::ffi::CString::new(directory.as_os_str().as_encoded_bytes()).ok()?;
        let mut stats = std::mem::MaybeUninit::<libc::statvfs>::uninit();
        // SAFETY: statvfs writes the struct it is given; the path is a valid C string.
        if unsafe { libc::statvfs(directory.as_ptr(), stats.as_mut_ptr()) } != 0 {
            return None;
        }
        // SAFETY: statvfs succeeded, so the struct is initialised.
        let stats = unsafe { stats.assume_init() };
        Some(stats.f_bavail.saturating_mul(stats.f_frsize))
    }

    /// Parses `sqlite://PATH`, `sqlite:PATH`, a bare path, or `postgres(ql)://…`.
    pub fn parse(database_url: &str) -> Result<Self, String> {
        let trimmed = database_url.trim();
        if trimmed.is_empty() {
            return Err("DATABASE_URL is empty".into());
        }
        if trimmed.starts_with("postgres://") || trimmed.starts_with("postgresql://") {
            let parsed =
                url::Url::parse(trimmed).map_err(|e| format!("DATABASE_URL is not a valid PostgreSQL URL: {e}"))?;
            if parsed.host_str().is_none_or(str::is_empty) {
                return Err("DATABASE_URL has no PostgreSQL host".into());
            }
            return Ok(Self::Postgres(with_network_timeouts(parsed)));
        }
        if let Some(path) = trimmed.strip_prefix("sqlite://").or_else(|| trimmed.strip_prefix("sqlite:")) {
            if path.is_empty() {
                return Err("DATABASE_URL names no SQLite file".into());
            }
            return Ok(Self::Sqlite(path.to_owned()));
        }
        if let Some((scheme, _)) = trimmed.split_once("://") {
            return Err(format!("DATABASE_URL has unsupported scheme `{scheme}` (use sqlite:// or postgres://)"));
        }
        Ok(Self::Sqlite(trimmed.to_owned()))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Opens one raw connection, with the per-connection setup applied.
    pub fn connect(&self) -> Result<DbConnection, diesel::ConnectionError> {
        match self {
            Self::Postgres(url) => PgConnection::establish(url).map(DbConnection::Postgres),
            Self::Sqlite(path) => {
                configure_sqlite_library();
                let mut conn = SqliteConnection::establish(path)?;
                // WAL lets readers run beside the writer; busy_timeout makes
                // concurrent writers wait instead of failing; foreign keys are
                // off by default in SQLite and our deletes depend on them.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                )
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

/// Process-wide SQLite settings, applied once before the first connection
/// initialises the library. By default SQLite counts every allocation
/// under one global mutex (for `sqlite3_memory_used`, which we never read):
/// with reads on several threads that mutex was contended on most
/// allocations, and the futex wake-ups it caused were a tenth of an
/// uncached article read.
///
/// And connections are opened without a mutex of their own: SQLite's
/// default ("serialized") locks each connection's mutex in every call,
/// every `sqlite3_column_*` included (3.5% of an uncached read). A diesel
/// connection is not `Sync`, so one is never used by two threads at once,
/// which is all SQLite's multi-thread mode asks.
fn configure_sqlite_library() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: SQLITE_CONFIG_MEMSTATUS takes one int, MULTITHREAD none.
        // They are only valid before sqlite3_initialize: `Once` runs them
        // before our first open; if something opened SQLite earlier they
        // return SQLITE_MISUSE and change nothing.
        let code =
            unsafe { libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS, 0 as std::ffi::c_int) };
        if code != libsqlite3_sys::SQLITE_OK {
            tracing::debug!(code, "SQLite was initialised already; allocation statistics stay on");
        }
        let code = unsafe { libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MULTITHREAD) };
        if code != libsqlite3_sys::SQLITE_OK {
            tracing::debug!(code, "SQLite was initialised already; connections keep their mutexes");
        }
        // SAFETY: registers a function with the signature SQLite expects;
        // it runs on every connection this process opens from now on.
        let code = unsafe { libsqlite3_sys::sqlite3_auto_extension(Some(keep_plans_stable)) };
        if code != libsqlite3_sys::SQLITE_OK {
            tracing::warn!(code, "cannot register SQLite connection setup; statements may be re-planned per use");
        }
        // SAFETY: as above.
        let code = unsafe { libsqlite3_sys::sqlite3_auto_extension(Some(watch_deadline)) };
        if code != libsqlite3_sys::SQLITE_OK {
            tracing::warn!(code, "cannot register the SQLite statement deadline; statements are not timed out");
        }
    });
}

/// Turns on SQLite's query planner stability guarantee for a new
/// connection. Without it, a statement whose plan SQLite thinks could
/// depend on a bound value (any `LIMIT ?`, so every `first()` and every
/// page) is marked stale when that parameter is bound, and parsed and
/// planned again on its next step: a cached statement cost as much as a
/// new one (a fifth of an uncached article read was SQLite's parser).
/// Our plans never depend on bound values: no partial indexes, and the
/// bound `LIKE` patterns (slug suffixes on writes) cannot use an index.
unsafe extern "C" fn keep_plans_stable(
    db: *mut libsqlite3_sys::sqlite3,
    _error: *mut *mut std::ffi::c_char,
    _api: *const libsqlite3_sys::sqlite3_api_routines,
) -> std::ffi::c_int {
    // SAFETY: `db` is the connection being opened; ENABLE_QPSG takes an
    // int and an optional int pointer for the new value.
    unsafe {
        libsqlite3_sys::sqlite3_db_config(
            db,
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as std::ffi::c_int,
            std::ptr::null_mut::<std::ffi::c_int>(),
        )
    }
}

/// SQLite VM steps between two looks at the deadline: a look is a
/// thread-local read and a clock read, a step a few nanoseconds.
const STEPS_PER_DEADLINE_CHECK: std::ffi::c_int = 10_000;

thread_local! {
    /// When this thread's SQLite statements must stop (`with_deadline`).
    static DEADLINE: std::cell::Cell<Option<std::time::Instant>> = const { std::cell::Cell::new(None) };
}

/// Runs `work` with the SQLite statements it runs on this thread cut off
/// after `timeout` (they fail with SQLITE_INTERRUPT, a 503 to the client):
/// SQLite has no `statement_timeout`, and a connection is used by one
/// thread at a time, so the deadline lives with the thread.
pub fn with_deadline<R>(timeout: Option<std::time::Duration>, work: impl FnOnce() -> R) -> R {
    let previous = DEADLINE.replace(timeout.map(|t| std::time::Instant::now() + t));
    let result = work();
    DEADLINE.set(previous);
    result
}

/// Installs the deadline check on a new SQLite connection.
unsafe extern "C" fn watch_deadline(
    db: *mut libsqlite3_sys::sqlite3,
    _error: *mut *mut std::ffi::c_char,
    _api: *const libsqlite3_sys::sqlite3_api_routines,
) -> std::ffi::c_int {
    // SAFETY: `db` is the connection being opened; the handler takes no
    // state (it reads a thread-local) and lives as long as the process.
    unsafe {
        libsqlite3_sys::sqlite3_progress_handler(
            db,
            STEPS_PER_DEADLINE_CHECK,
            Some(past_deadline),
            std::ptr::null_mut(),
        )
    };
    libsqlite3_sys::SQLITE_OK
}

/// Non-zero (interrupt) once this thread's deadline has passed.
unsafe extern "C" fn past_deadline(_state: *mut std::ffi::c_void) -> std::ffi::c_int {
    let passed = DEADLINE.with(|deadline| deadline.get().is_some_and(|at| std::time::Instant::now() >= at));
    std::ffi::c_int::from(passed)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Counts the SQL statements run over the pool: tests assert there is no N+1.
#[derive(Debug, Clone, Default)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn instrumentation(&self) -> impl Instrumentation {
        let count = Arc::clone(&self.0);
        move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::StartQuery { .. } = event {
                count.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// r2d2 manager that opens connections of the configured backend.
pub struct Manager {
    location: Location,
    statements: StatementCounter,
    /// Bytes of an SQLite file each pooled connection reads through a
    /// memory map (`DATELINE_SQLITE_MMAP`). With pread, copying pages out of
    /// the OS cache was a sixth of a search's time; but every connection
    /// maps the file anew, and mapped pages count in the process's RSS once
    /// per connection (8 connections over a 770 MB store showed 4.5 GB), so
    /// it is off unless asked for.
    sqlite_mmap: u64,
    /// PostgreSQL: `statement_timeout` in seconds (0: none).
    statement_timeout: u64,
}

impl Manager {
    pub fn new(location: Location, statements: StatementCounter, settings: &crate::config::Settings) -> Self {
        Self { location, statements, sqlite_mmap: settings.sqlite_mmap, statement_timeout: settings.statement_timeout }
    }
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        let mut conn = self.location.connect().map_err(r2d2::Error::ConnectionError)?;
        if let (DbConnection::Sqlite(sqlite), 1..) = (&mut conn, self.sqlite_mmap) {
            sqlite
                .batch_execute(&format!("PRAGMA mmap_size = {}", self.sqlite_mmap))
                .map_err(r2d2::Error::QueryError)?;
        }
        if let (DbConnection::Postgres(postgres), 1..) = (&mut conn, self.statement_timeout) {
            // A stuck statement (a held lock, a runaway plan) is cancelled
            // and its request answered with a 503, not left holding a
            // connection for as long as it lasts.
            postgres
                .batch_execute(&format!("SET statement_timeout = {}", self.statement_timeout.saturating_mul(1000)))
                .map_err(r2d2::Error::QueryError)?;
        }
        conn.set_instrumentation(self.statements.instrumentation());
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

/// Runs `work` in a transaction that writes. On SQLite it begins with
/// `BEGIN IMMEDIATE`, taking the write lock at once: a deferred transaction
/// takes it at its first write, and when another writer holds it then,
/// SQLite fails at once with SQLITE_BUSY instead of waiting (the busy
/// timeout does not cover a lock upgrade), so two concurrent editors got a
/// 503 a third of the time. Taken first, the lock is waited for like any
/// other. Nested calls are savepoints, as with `Connection::transaction`.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    type Manager = <DbConnection as Connection>::TransactionManager;
    let outermost = Manager::transaction_manager_status_mut(conn).transaction_depth()?.is_none();
    match conn {
        DbConnection::Sqlite(sqlite) if outermost => {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?
        }
        _ => Manager::begin_transaction(conn)?,
    }
    match work(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => match Manager::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
            Err(rollback) => Err(rollback.into()),
        },
    }
}

/// Makes writers that choose new slugs in `table` take turns until their
/// transactions end (PostgreSQL; SQLite writers always do): two creates of
/// the same headline or name both saw `storm` free, and one failed with
/// "slug taken" although the server chose the slug.
pub fn serialise_slug_choice(conn: &mut DbConnection, table: &str) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(format!("dateline.slugs.{table}"))
            .execute(pg)?;
    }
    Ok(())
}
