//! The assembly of the HTTP application: the one module that mounts the
//! shared http layer, the REST and GraphQL routes and the docs.

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Compress, DefaultHeaders};
use actix_web::{web, App, HttpServer};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Settings;
use crate::http::routes::{self, RouteTable};
use crate::http::state::AppState;
use crate::http::{health, measure, middleware, rate_limit, serve_cached};
use crate::store::Db;
use crate::{graphql, rest};

/// What the workers share, built once: the state every handler reads,
/// the GraphQL schemas and the OpenAPI document.
#[derive(Clone)]
pub struct Shared {
    pub state: web::Data<AppState>,
    schemas: web::Data<graphql::Schemas>,
    openapi: utoipa::openapi::OpenApi,
    routes: web::Data<RouteTable>,
}

impl Shared {
    pub fn new(db: Db, settings: Settings) -> Self {
        let schemas = web::Data::new(graphql::Schemas::build(db.clone(), &settings));
        let openapi = rest::openapi();
        let routes = web::Data::new(route_table(&openapi, settings.metrics));
        Self { state: AppState::new(db, settings), schemas, openapi, routes }
    }
}

/// Every route with its methods: the documented REST routes from the
/// OpenAPI document, and the few it does not describe.
fn route_table(openapi: &utoipa::openapi::OpenApi, metrics: bool) -> RouteTable {
    let mut table = RouteTable::default();
    const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
    if let Ok(serde_json::Value::Object(paths)) = serde_json::to_value(&openapi.paths) {
        for (path, item) in paths {
            let methods: Vec<&str> = METHODS.into_iter().filter(|m| item.get(m).is_some()).collect();
            table.add(&path, &methods);
        }
    }
    table.add("/graphql", &["GET", "POST"]);
    table.add("/graphql/assets/{file}", &["GET"]);
    table.add("/openapi.json", &["GET"]);
    if metrics {
        table.add("/metrics", &["GET"]);
    }
    table.add("/docs", &["GET"]);
    table.add("/docs/{_:.*}", &["GET"]);
    table
}

/// Browsers on the allowed origins may call every route with a key, a
/// JSON body and conditional headers (keys are bearer tokens, never cookies,
/// so no credentials mode).
fn cors(origins: &[String]) -> Cors {
    let cors = Cors::default()
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        .allowed_headers([
            actix_web::http::header::AUTHORIZATION,
            actix_web::http::header::CONTENT_TYPE,
            actix_web::http::header::IF_MATCH,
            actix_web::http::header::IF_NONE_MATCH,
        ])
        .expose_headers(["ETag", "Link", "Location", "X-Request-Id"])
        .max_age(3600);
    if origins.iter().any(|o| o.trim() == "*") {
        return cors.allow_any_origin().send_wildcard();
    }
    origins.iter().map(|o| o.trim()).filter(|o| !o.is_empty()).fold(cors, |cors, origin| cors.allowed_origin(origin))
}

/// The whole application for one worker.
pub fn build(
    shared: Shared,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let cors = cors(&shared.state.settings.cors_origins);
    let metrics_on = shared.state.settings.metrics;
    App::new()
        .into_utoipa_app()
        .app_data(shared.routes)
        .app_data(shared.state)
        .app_data(shared.schemas)
        .configure(rest::routes)
        .into_app()
        .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", shared.openapi))
        .service(web::redirect("/docs", "/docs/"))
        .configure(graphql::http::configure)
        .configure(|config| {
            if metrics_on {
                config.route("/metrics", web::get().to(measure::metrics));
            }
        })
        .default_service(web::to(health::no_route))
        .wrap(from_fn(middleware::http_cache))
        .wrap(Compress::default())
        .wrap(from_fn(rate_limit::limit))
        .wrap(from_fn(serve_cached::response_cache))
        .wrap(security_headers())
        .wrap(from_fn(routes::head_as_get))
        .wrap(cors)
        .wrap(from_fn(middleware::refuse_nul_in_uri))
        .wrap(from_fn(middleware::request_log))
        .wrap(from_fn(measure::record))
}

/// Headers on every answer, cached ones included: no content sniffing, and
/// no page of ours in a frame (GraphiQL and Swagger UI, where people paste
/// keys, must not be framed by another site).
fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Content-Security-Policy", "frame-ancestors 'none'"))
}

/// How long SIGTERM waits for requests in flight before it ends them.
const DRAIN: u64 = 30;

/// Serves until stopped. SIGTERM drains: the listener closes at once,
/// requests in flight finish (for up to `DRAIN` seconds), then the
/// process exits; SIGINT and SIGQUIT stop at once.
pub async fn serve(shared: Shared, listener: std::net::TcpListener) -> std::io::Result<()> {
    HttpServer::new(move || build(shared.clone())).shutdown_timeout(DRAIN).listen(listener)?.run().await
}
