//! The GraphQL API: the same newsroom, rules and visibility as REST, with
//! batched nested reads, bounded queries and persisted queries.

mod connection;
pub mod guard;
pub mod http;
mod inputs;
mod loaders;
mod mutation;
mod query;
mod scalars;
mod types;

use async_graphql::extensions::apollo_persisted_queries::{ApolloPersistedQueries, LruCacheStorage};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{EmptySubscription, ErrorExtensions, Schema};

use crate::config::Settings;
use crate::error::AppError;
use crate::store::Db;

pub use mutation::MutationRoot;
pub use query::QueryRoot;

pub type DatelineSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// Persisted queries remembered per process.
const PERSISTED_QUERIES: usize = 1024;

/// Introspection queries nest deeper than content queries (GraphiQL's and
/// codegen's reach about 13 levels through `ofType`), so they run against a
/// schema with their own, looser bounds.
const INTROSPECTION_DEPTH: usize = 20;
const INTROSPECTION_COMPLEXITY: usize = 100_000;

/// The schemas, built once for all workers: one for every query, one for
/// queries that only introspect.
pub struct Schemas {
    pub content: DatelineSchema,
    pub introspection: DatelineSchema,
}

impl Schemas {
    pub fn build(db: Db, settings: &Settings) -> Self {
        Self {
            content: build_schema(db.clone(), settings, settings.graphql_depth, settings.graphql_complexity),
            introspection: build_schema(db, settings, INTROSPECTION_DEPTH, INTROSPECTION_COMPLEXITY),
        }
    }

    /// The schema a request runs against. Parses its document into the
    /// request, where execution finds it instead of parsing it again.
    pub fn for_request(&self, request: &mut async_graphql::Request) -> &DatelineSchema {
        if request.parsed_query().is_ok_and(is_introspection_only) {
            &self.introspection
        } else {
            &self.content
        }
    }
}

fn build_schema(db: Db, settings: &Settings, depth: usize, complexity: usize) -> DatelineSchema {
    let mut builder = Schema::build(QueryRoot, MutationRoot, EmptySubscription)
        .data(db)
        .limit_depth(depth)
        .limit_complexity(complexity)
        .limit_recursive_depth(64)
        .limit_directives(16)
        .extension(ApolloPersistedQueries::new(LruCacheStorage::new(PERSISTED_QUERIES)))
        .extension(guard::RefuseMutationsOverGet);
    if !settings.graphql_introspection {
        builder = builder.disable_introspection();
    }
    builder.finish()
}

/// Whether every operation of a document selects only `__schema`, `__type` or `__typename` at the top.
fn is_introspection_only(document: &ExecutableDocument) -> bool {
    use async_graphql::parser::types::Selection;
    let mut operations = document.operations.iter().peekable();
    operations.peek().is_some()
        && operations.all(|(_, operation)| {
            operation.node.selection_set.node.items.iter().all(|item| match &item.node {
                Selection::Field(field) => field.node.name.node.starts_with("__"),
                _ => false,
            })
        })
}

/// The SDL of the schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(QueryRoot, MutationRoot, EmptySubscription).finish().sdl()
}

/// The GraphQL error code of an application error.
fn graphql_code(error: &AppError) -> &'static str {
    match error {
        AppError::Unauthorized(_) => "UNAUTHENTICATED",
        AppError::Forbidden(_) => "FORBIDDEN",
        AppError::NotFound { .. } | AppError::NoRoute(_) => "NOT_FOUND",
        AppError::MethodNotAllowed { .. } => "BAD_USER_INPUT",
        AppError::BadRequest(_)
        | AppError::Invalid(_)
        | AppError::PayloadTooLarge(_)
        | AppError::RequestTimeout(_)
        | AppError::UnsupportedMediaType => "BAD_USER_INPUT",
        AppError::Conflict(_) | AppError::PreconditionFailed => "CONFLICT",
        AppError::TooManyRequests(_) => "TOO_MANY_REQUESTS",
        AppError::Unavailable | AppError::DiskFull => "SERVICE_UNAVAILABLE",
        AppError::Internal(_) => "INTERNAL_SERVER_ERROR",
    }
}

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        if let AppError::Internal(source) = self {
            tracing::error!(error = ?source, "internal error");
        }
        async_graphql::Error::new(self.describe()).extend_with(|_, extensions| {
            extensions.set("code", graphql_code(self));
            if let AppError::Invalid(errors) = self {
                let fields: Vec<async_graphql::Value> = errors
                    .iter()
                    .map(|e| {
                        let mut map = async_graphql::indexmap::IndexMap::new();
                        map.insert(async_graphql::Name::new("field"), async_graphql::Value::from(e.field.clone()));
                        map.insert(async_graphql::Name::new("message"), async_graphql::Value::from(e.message.clone()));
                        async_graphql::Value::Object(map)
                    })
                    .collect();
                if let Some(first) = errors.first() {
                    extensions.set("field", first.field.clone());
                }
                extensions.set("errors", async_graphql::Value::List(fields));
            }
        })
    }
}

/// `?` for service results inside resolvers: keeps the error code.
trait GqlResult<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> GqlResult<T> for Result<T, AppError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| e.extend())
    }
}

/// A BAD_USER_INPUT error naming an argument.
fn bad_input(field: &str, message: impl Into<String>) -> async_graphql::Error {
    AppError::invalid(field, message).extend()
}
