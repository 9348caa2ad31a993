//! TestApp: the real application on a fresh database (a temp SQLite file, or
//! a new PostgreSQL database when TEST_DATABASE_URL is set), bound to port 0
//! and driven over HTTP.

use std::net::TcpListener;

use actix_web::http::{header::HeaderMap, Method};
use dateline::app::{self, Shared};
use dateline::config::Settings;
use dateline::domain::Scope;
use dateline::service;
use dateline::store::Db;
use diesel::{Connection, PgConnection, RunQueryDsl};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server tests may use, if any.
pub fn postgres_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.trim().is_empty())
}

/// Stamps out one test per backend from `async fn name(backend: Backend)`.
/// The PostgreSQL case is ignored (and so reported) unless TEST_DATABASE_URL
/// is set; build.rs reads it, so a build with it set runs every case.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[actix_web::test]
                async fn sqlite() {
                    super::$name($crate::helpers::Backend::Sqlite).await;
                }

                #[actix_web::test]
                #[cfg_attr(not(postgres_tests), ignore = "TEST_DATABASE_URL was not set when the tests were built")]
                async fn postgres() {
                    super::$name($crate::helpers::Backend::Postgres).await;
                }
            }
        )*
    };
}

/// A database that exists for one test only.
pub struct TestDatabase {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    pub fn create(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                Self { url, _dir: Some(dir), postgres: None }
            }
            Backend::Postgres => {
                let admin = postgres_url().expect("TEST_DATABASE_URL");
                let name = format!("t_{}", uuid::Uuid::new_v4().simple());
                let mut conn = PgConnection::establish(&admin).expect("connect to TEST_DATABASE_URL");
                diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn).expect("create database");
                let mut url = url::Url::parse(&admin).expect("TEST_DATABASE_URL is a URL");
                url.set_path(&name);
                // Plain TCP on the loopback: no TLS state in libpq to tear down at
                // exit while leftover server threads still hold connections.
                if !url.query_pairs().any(|(k, _)| k == "sslmode") {
                    url.query_pairs_mut().append_pair("sslmode", "disable");
                }
                Self { url: url.to_string(), _dir: None, postgres: Some((admin, name)) }
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.postgres {
            if let Ok(mut conn) = PgConnection::establish(admin) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn);
            }
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Ask the server's threads to stop now rather than at process exit.
        drop(self.server.stop(false));
    }
}

/// A response, read whole.
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
    }

    /// Asserts a problem+json error with this status and returns its body.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "body: {}", String::from_utf8_lossy(&self.body));
        assert_eq!(self.header("content-type").as_deref(), Some("application/problem+json"));
        let body = self.json();
        assert_eq!(body["status"], status);
        assert!(body["type"].as_str().is_some_and(|t| t.starts_with("https://")));
        assert!(body["title"].is_string() && body["detail"].is_string());
        body
    }
}

pub struct TestApp {
    server: actix_web::dev::ServerHandle,
    pub address: String,
    pub db: Db,
    _database: TestDatabase,
    client: awc::Client,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Spawns with the response cache off: for tests of what rendering a
    /// response costs, or of writes made by other processes (which reach a
    /// cache only within a poll interval; see tests/api/response_cache.rs).
    pub async fn spawn_uncached(backend: Backend) -> Self {
        Self::spawn_with(backend, |settings| settings.cache_size = 0).await
    }

    /// Spawns with adjusted settings.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> Self {
        let database = TestDatabase::create(backend);
        let mut settings = Settings::for_database(database.url.clone());
        adjust(&mut settings);
        let db = Db::open(&settings).expect("open test database");
        Self::serve(db, settings, database)
    }

    /// Spawns on a database the test manages itself (e.g. a server of its own).
    pub async fn spawn_on(url: &str, adjust: impl FnOnce(&mut Settings)) -> Self {
        let database = TestDatabase { url: url.to_owned(), _dir: None, postgres: None };
        let mut settings = Settings::for_database(url);
        adjust(&mut settings);
        let db = Db::open(&settings).expect("open test database");
        Self::serve(db, settings, database)
    }

    /// An app whose database is unreachable (connections fail at request time).
    pub async fn spawn_unreachable(backend: Backend) -> Self {
        let database = TestDatabase::create(backend);
        let url = match backend {
            Backend::Sqlite => "sqlite:///nonexistent-directory/dateline.db".to_owned(),
            Backend::Postgres => "postgres://postgres@127.0.0.1:1/unreachable".to_owned(),
        };
        let mut settings = Settings::for_database(url);
        settings.db_timeout = 1;
        let db = Db::open_lazily(&settings).expect("lazy pool");
        Self::serve(db, settings, database)
    }

    fn serve(db: Db, settings: Settings, database: TestDatabase) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = format!("http://{}", listener.local_addr().expect("address"));
        let shared = Shared::new(db.clone(), settings);
        let server = actix_web::HttpServer::new(move || app::build(shared.clone()))
            .workers(1)
            .listen(listener)
            .expect("listen")
            .run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        let client = awc::Client::builder().timeout(std::time::Duration::from_secs(30)).finish();
        Self { server: handle, address, db, _database: database, client }
    }

    /// The URL of this app's database, for the CLI.
    pub fn database_url(&self) -> String {
        self._database.url.clone()
    }

    /// A new key of this scope.
    pub async fn key(&self, scope: Scope) -> String {
        service::keys::create(&self.db, "test", scope).await.expect("create key").1
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Response {
        let mut request = self.client.request(method, format!("{}{}", self.address, path));
        if let Some(key) = key {
            request = request.insert_header(("Authorization", format!("Bearer {key}")));
        }
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        let mut response = match body {
            Some(body) => request.send_body(body).await,
            None => request.send().await,
        }
        .expect("request");
        let body = response.body().limit(64 * 1024 * 1024).await.expect("body").to_vec();
        Response { status: response.status().as_u16(), headers: response.headers().clone(), body }
    }

    pub async fn get(&self, path: &str, key: Option<&str>) -> Response {
        self.request(Method::GET, path, key, &[], None).await
    }

    pub async fn send_json(&self, method: Method, path: &str, key: Option<&str>, body: &Value) -> Response {
        let bytes = serde_json::to_vec(body).expect("json");
        self.request(method, path, key, &[("Content-Type", "application/json")], Some(bytes)).await
    }

    pub async fn post(&self, path: &str, key: Option<&str>, body: &Value) -> Response {
        self.send_json(Method::POST, path, key, body).await
    }

    pub async fn patch(&self, path: &str, key: Option<&str>, body: &Value) -> Response {
        self.send_json(Method::PATCH, path, key, body).await
    }

    pub async fn put(&self, path: &str, key: Option<&str>, body: &Value) -> Response {
        self.send_json(Method::PUT, path, key, body).await
    }

    pub async fn delete(&self, path: &str, key: Option<&str>) -> Response {
        self.request(Method::DELETE, path, key, &[], None).await
    }

    /// Runs a GraphQL request over POST; asserts HTTP 200 and returns the body.
    pub async fn graphql(&self, query: &str, variables: Value, key: Option<&str>) -> Value {
        let response = self.post("/graphql", key, &serde_json::json!({"query": query, "variables": variables})).await;
        assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
        response.json()
    }

    /// Creates something and asserts 201; returns the body.
    pub async fn create(&self, path: &str, key: &str, body: Value) -> Value {
        let response = self.post(path, Some(key), &body).await;
        assert_eq!(response.status, 201, "{}", String::from_utf8_lossy(&response.body));
        response.json()
    }

    /// A small newsroom: sections world/local, tags syria/transport, authors ann-lee/bob-stone.
    pub async fn seed_people(&self, key: &str) {
        for (slug, name) in [("world", "World"), ("local", "Local")] {
            self.create("/v1/sections", key, serde_json::json!({"slug": slug, "name": name})).await;
        }
        for (slug, name) in [("syria", "Syria"), ("transport", "Transport")] {
            self.create("/v1/tags", key, serde_json::json!({"slug": slug, "name": name})).await;
        }
        for (slug, name) in [("ann-lee", "Ann Lee"), ("bob-stone", "Bob Stone")] {
            self.create("/v1/authors", key, serde_json::json!({"slug": slug, "name": name})).await;
        }
    }

    /// Creates an article and returns its JSON.
    pub async fn article(&self, key: &str, body: Value) -> Value {
        self.create("/v1/articles", key, body).await
    }
}

/// The slugs of a list response's `data`.
pub fn slugs(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i["slug"].as_str().or(i["article"]["slug"].as_str()).unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The `extensions.code` of the first GraphQL error.
pub fn error_code(body: &Value) -> String {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or_else(|| panic!("no error code in {body}")).to_owned()
}
