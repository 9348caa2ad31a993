//! Settings: read from the environment (and `.env`), overridden by flags.
//! A value handed around, never a global, so tests can run many apps at once.

use std::time::Duration;

use std::net::IpAddr;
use std::str::FromStr;

use clap::Args;
use ipnet::IpNet;

/// Every setting, with its environment variable and default.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Store location: `sqlite://PATH` (or a bare path) or `postgres://…`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://dateline.db", global = true)]
    pub database_url: String,

    /// Address the HTTP server listens on.
    #[arg(long, env = "DATELINE_BIND", default_value = "127.0.0.1:8080", global = true)]
    pub bind: String,

    /// Log filter (tracing-subscriber's EnvFilter syntax).
    #[arg(long, env = "DATELINE_LOG", default_value = "info", global = true)]
    pub log: String,

    /// Largest accepted request body, in bytes.
    #[arg(long, env = "DATELINE_MAX_BODY", default_value_t = 1024 * 1024, global = true)]
    pub max_body: usize,

    /// `max-age` of `Cache-Control` on public (keyless) GET responses, in seconds.
    #[arg(long, env = "DATELINE_CACHE_MAX_AGE", default_value_t = 60, global = true)]
    pub cache_max_age: u32,

    /// Bytes of rendered public responses kept in memory (0 turns the cache off).
    #[arg(long, env = "DATELINE_CACHE_SIZE", default_value_t = DEFAULT_CACHE_SIZE, global = true)]
    pub cache_size: u64,

    /// Bytes of an SQLite store each connection reads through a memory map
    /// (0: off). Faster searches; mapped pages count in RSS per connection.
    #[arg(long, env = "DATELINE_SQLITE_MMAP", default_value_t = 0, global = true)]
    pub sqlite_mmap: u64,

    /// Connections in the database pool (default: twice the CPU cores).
    #[arg(long, env = "DATELINE_DB_POOL_SIZE", default_value_t = default_pool_size(), global = true)]
    pub db_pool_size: u32,

    /// Seconds to wait for a database connection before answering 503.
    #[arg(long, env = "DATELINE_DB_TIMEOUT", default_value_t = 5, global = true)]
    pub db_timeout: u64,

    /// Whether `GET /metrics` serves Prometheus metrics.
    #[arg(long, env = "DATELINE_METRICS", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub metrics: bool,

    /// Origins whose browser pages may call the API (comma-separated; `*`: any).
    #[arg(long, env = "DATELINE_CORS_ORIGINS", default_value = "*", value_delimiter = ',', global = true)]
    pub cors_origins: Vec<String>,

    /// Seconds a request body may take to arrive before a 408.
    #[arg(long, env = "DATELINE_BODY_TIMEOUT", default_value_t = 10, global = true)]
    pub body_timeout: u64,

    /// Seconds a statement may run (PostgreSQL and SQLite) before it is cancelled and the
    /// request answered with a 503 (0: no limit). `import` runs without it.
    #[arg(long, env = "DATELINE_STATEMENT_TIMEOUT", default_value_t = 5, global = true)]
    pub statement_timeout: u64,

    /// Deepest GraphQL query accepted.
    #[arg(long, env = "DATELINE_GRAPHQL_DEPTH", default_value_t = 10, global = true)]
    pub graphql_depth: usize,

    /// Highest GraphQL query complexity accepted (fields, times page sizes).
    #[arg(long, env = "DATELINE_GRAPHQL_COMPLEXITY", default_value_t = 5000, global = true)]
    pub graphql_complexity: usize,

    /// Longest GraphQL query text accepted, in bytes.
    #[arg(long, env = "DATELINE_GRAPHQL_MAX_QUERY", default_value_t = 32 * 1024, global = true)]
    pub graphql_max_query: usize,

    /// More openings of page-furniture blocks for `import` to drop, comma-separated.
    #[arg(long, env = "DATELINE_IMPORT_FURNITURE", value_delimiter = ',', global = true)]
    pub import_furniture: Vec<String>,

    /// Requests a second (or `/m`, `/h`) each client address may make without a key
    /// and outside the response cache; bursts of twice that (0: no limit).
    #[arg(long, env = "DATELINE_RATE_LIMIT", default_value = "100/s", global = true)]
    pub rate_limit: Rate,

    /// The same for each API key.
    #[arg(long, env = "DATELINE_RATE_LIMIT_KEYED", default_value = "1000/s", global = true)]
    pub rate_limit_keyed: Rate,

    /// Proxies (addresses or networks, comma-separated) whose `X-Forwarded-For` names the client.
    #[arg(long, env = "DATELINE_TRUSTED_PROXIES", default_value = "", global = true)]
    pub trusted_proxies: TrustedProxies,

    /// Whether GraphQL introspection (and so GraphiQL's docs) is on.
    #[arg(long, env = "DATELINE_GRAPHQL_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub graphql_introspection: bool,
}

/// 16 MiB: about 1,200 article pages with both encodings, besides lists.
/// With 32 MiB the server passed 100 MB of RSS once searches filled it.
pub const DEFAULT_CACHE_SIZE: u64 = 16 * 1024 * 1024;

/// Two connections per core: reads are CPU-bound on a machine this size
/// (SQLite's are in-process, PostgreSQL's share the cores). With 8 on two
/// cores, searches ran 30% slower than with 4, and each idle SQLite
/// connection's page cache added to the RSS.
pub fn default_pool_size() -> u32 {
    cores().saturating_mul(2).max(2)
}

/// CPU cores this process may use (1 when the system cannot tell).
pub fn cores() -> u32 {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    u32::try_from(cores).unwrap_or(u32::MAX)
}

impl Settings {
    /// Defaults for a given store, as used by tests and tools.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            bind: "127.0.0.1:0".into(),
            log: "info".into(),
            max_body: 1024 * 1024,
            cache_max_age: 60,
            cache_size: DEFAULT_CACHE_SIZE,
            sqlite_mmap: 0,
            db_pool_size: 4,
            db_timeout: 5,
            statement_timeout: 5,
            body_timeout: 10,
            cors_origins: vec!["*".into()],
            metrics: true,
            graphql_depth: 10,
            graphql_complexity: 5000,
            graphql_max_query: 32 * 1024,
            graphql_introspection: true,
            import_furniture: Vec::new(),
            rate_limit: Rate { requests: 100, per: Duration::from_secs(1) },
            rate_limit_keyed: Rate { requests: 1000, per: Duration::from_secs(1) },
            trusted_proxies: TrustedProxies::default(),
        }
    }

    pub fn body_timeout(&self) -> Duration {
        Duration::from_secs(self.body_timeout.max(1))
    }

    pub fn db_timeout(&self) -> Duration {
        Duration::from_secs(self.db_timeout.max(1))
    }
}

/// A rate as configured: `100/s`, `6000/m`, `50000/h`, or `0` (no limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub requests: u32,
    pub per: Duration,
}

impl Rate {
    pub const OFF: Self = Self { requests: 0, per: Duration::from_secs(1) };
}

impl FromStr for Rate {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text == "0" {
            return Ok(Self::OFF);
        }
        let wrong = || format!("`{text}` is not a rate: write it as 100/s, 6000/m or 50000/h (0: no limit)");
        let (count, unit) = text.split_once('/').ok_or_else(wrong)?;
        let requests: u32 = count.trim().parse().map_err(|_| wrong())?;
        let seconds = match unit.trim() {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            _ => return Err(wrong()),
        };
        Ok(Self { requests, per: Duration::from_secs(seconds) })
    }
}

/// Proxies whose `X-Forwarded-For` names the client: addresses or networks.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl FromStr for TrustedProxies {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let parse = |item: &str| {
            item.parse::<IpNet>()
                .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("`{item}` is neither an IP address nor a network such as 10.0.0.0/8"))
        };
        let items = text.split(',').map(str::trim).filter(|item| !item.is_empty());
        Ok(Self(items.map(parse).collect::<Result<_, _>>()?))
    }
}

impl TrustedProxies {
    pub fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(&address))
    }
}
