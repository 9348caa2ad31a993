//! `/graphql` over HTTP: POST and GET (queries only, cacheable like REST),
//! GraphiQL with its assets compiled in, and transport errors as GraphQL errors.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::dataloader::DataLoader;
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::ErrorExtensions;

use super::guard;
use super::loaders::RelatedLoader;
use super::Schemas;
use crate::domain::Dep;
use crate::error::AppError;
use crate::http::extract::{is_json, read_limited, viewer_of};
use crate::http::health::no_route;
use crate::http::rate_limit;
use crate::http::response_cache::depends_on;
use crate::http::serve_cached::{cached_response, render_and_keep};
use crate::http::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/graphql")
                .route(web::post().to(post_graphql))
                .route(web::get().to(get_graphql))
                .default_service(web::to(no_route)),
        )
        .service(
            web::resource("/graphql/assets/{file}").route(web::get().to(asset)).default_service(web::to(no_route)),
        );
}

/// A response that carries only errors (HTTP 200, as GraphQL clients expect).
fn error_response(error: async_graphql::Error) -> HttpResponse {
    let response = async_graphql::Response::from_errors(vec![error.into_server_error(Default::default())]);
    json_response(&response)
}

fn json_response(response: &async_graphql::Response) -> HttpResponse {
    let mut builder = HttpResponse::Ok();
    if response.is_err() {
        // Never let a CDN keep an error (e.g. PersistedQueryNotFound).
        builder.insert_header((header::CACHE_CONTROL, "no-store"));
    }
    match serde_json::to_vec(response) {
        Ok(body) => builder.content_type("application/json").body(body),
        Err(e) => actix_web::ResponseError::error_response(&AppError::Internal(e.into())),
    }
}

/// Runs one admitted request (see `guard::admit`) for its caller, with per-request loaders.
async fn execute(
    state: &AppState,
    schemas: &Schemas,
    req: &HttpRequest,
    mut request: async_graphql::Request,
) -> HttpResponse {
    let viewer = match viewer_of(state, req).await {
        Ok(viewer) => viewer,
        Err(error) => return error_response(error.extend()),
    };
    let loader = DataLoader::new(RelatedLoader { db: state.db.clone(), viewer }, tokio::spawn);
    let schema = schemas.for_request(&mut request);
    let response = schema.execute(request.data(viewer).data(loader)).await;
    if !response.is_err() {
        // A query may read anything public; any content write makes it stale.
        depends_on(req, [Dep::ArticleSet, Dep::Authors, Dep::Sections, Dep::Tags]);
    }
    json_response(&response)
}

async fn post_graphql(
    state: web::Data<AppState>,
    schemas: web::Data<Schemas>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let limit = state.settings.max_body;
    let body = read_limited(payload.into_inner(), limit, state.settings.body_timeout()).await;
    let shares = state.cache.shared_with(req.headers());
    let shared_key = match &body {
        Ok(body) if shares && is_json(&req) => cache_key(body),
        _ => None,
    };
    if let Some(hit) = shared_key.as_deref().and_then(|key| cached_response(&state, &req, key)) {
        return hit;
    }
    // Not answered from the cache: a keyless request counts here, whatever
    // becomes of it (keyed ones were counted by the middleware; see
    // http::rate_limit).
    let admission = match shares.then(|| rate_limit::admit(&state, &req)) {
        Some(admission) => match admission.await {
            Ok(admission) => admission,
            Err(refusal) => return refusal,
        },
        None => None,
    };
    let mut response = match body {
        Ok(body) if is_json(&req) => answer(&state, &schemas, &req, &body, shared_key).await,
        Ok(_) => error_response(AppError::UnsupportedMediaType.extend()),
        Err(error) => error_response(error.extend()),
    };
    if let Some(admission) = admission {
        admission.stamp(response.headers_mut());
    }
    response
}

/// Parses, admits and runs a POSTed request the cache did not answer.
async fn answer(
    state: &AppState,
    schemas: &Schemas,
    req: &HttpRequest,
    body: &[u8],
    shared_key: Option<String>,
) -> HttpResponse {
    let mut request = match serde_json::from_slice::<async_graphql::Request>(body) {
        Ok(request) => request,
        Err(e) => return error_response(AppError::BadRequest(format!("not a GraphQL request: {e}")).extend()),
    };
    if let Err(error) = guard::admit(&mut request, state.settings.graphql_max_query) {
        return error_response(error.extend());
    }
    match shared_key {
        Some(key) if request.parsed_query().is_ok_and(is_read_only) => {
            render_and_keep(state, req, key, execute(state, schemas, req, request)).await
        }
        _ => execute(state, schemas, req, request).await,
    }
}

/// A POST is named by its exact body: query, variables and operation name.
/// Differently spelled bodies are different entries (memory, not correctness).
/// A body that is not UTF-8 has no name: it is refused, never looked up.
fn cache_key(body: &[u8]) -> Option<String> {
    std::str::from_utf8(body).ok().map(|text| format!("POST /graphql\n{text}"))
}

/// Whether a document holds queries only: a body with a mutation (or that
/// names its query only by a persisted hash, which does not parse) is
/// executed every time.
fn is_read_only(document: &ExecutableDocument) -> bool {
    document.operations.iter().all(|(_, operation)| operation.node.ty == OperationType::Query)
}

fn wants_html(req: &HttpRequest) -> bool {
    req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|accept| accept.contains("text/html"))
}

async fn get_graphql(state: web::Data<AppState>, schemas: web::Data<Schemas>, req: HttpRequest) -> HttpResponse {
    if req.query_string().is_empty() && wants_html(&req) {
        return HttpResponse::Ok().content_type("text/html; charset=utf-8").body(GRAPHIQL_HTML);
    }
    let mut request = match async_graphql::http::parse_query_string(req.query_string()) {
        Ok(request) => request,
        Err(e) => return error_response(AppError::BadRequest(format!("not a GraphQL request: {e}")).extend()),
    };
    if let Err(error) = guard::admit(&mut request, state.settings.graphql_max_query) {
        return error_response(error.extend());
    }
    // Mutations are refused by `guard::RefuseMutationsOverGet` on the document
    // execution runs, which a hash-only persisted query only has by then.
    execute(&state, &schemas, &req, request.data(guard::ReadOnly)).await
}

const GRAPHIQL_HTML: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Dateline GraphiQL</title>
<link rel="stylesheet" href="/graphql/assets/graphiql.css">
<style>body { margin: 0; } #graphiql { height: 100vh; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphql/assets/react.js"></script>
<script src="/graphql/assets/react-dom.js"></script>
<script src="/graphql/assets/graphiql.js"></script>
<script src="/graphql/assets/init.js"></script>
</body>
</html>
"#;

const GRAPHIQL_INIT: &str = r#"const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultEditorToolbarTabs: 'headers' })
);
"#;

/// GraphiQL's files, compiled in (see scripts/vendor-graphiql): no request leaves the machine.
async fn asset(file: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (body, content_type): (&'static [u8], &str) = match file.as_str() {
        "graphiql.js" => (include_bytes!("../../assets/graphiql/graphiql.js"), "text/javascript"),
        "graphiql.css" => (include_bytes!("../../assets/graphiql/graphiql.css"), "text/css"),
        "react.js" => (include_bytes!("../../assets/graphiql/react.js"), "text/javascript"),
        "react-dom.js" => (include_bytes!("../../assets/graphiql/react-dom.js"), "text/javascript"),
        "init.js" => (GRAPHIQL_INIT.as_bytes(), "text/javascript"),
        other => return Err(AppError::not_found("asset", other)),
    };
    Ok(HttpResponse::Ok().content_type(content_type).body(body))
}
