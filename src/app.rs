//! The assembly of the HTTP application: the one module that mounts the
//! shared http layer, the REST and GraphQL routes and the docs.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Compress, DefaultHeaders};
use actix_web::{web, App, HttpServer};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Settings;
use crate::http::state::AppState;
use crate::http::{health, middleware, serve_cached};
use crate::store::Db;
use crate::{graphql, rest};

/// What the workers share, built once: the state every handler reads,
/// the GraphQL schemas and the OpenAPI document.
#[derive(Clone)]
pub struct Shared {
    pub state: web::Data<AppState>,
    schemas: web::Data<graphql::Schemas>,
    openapi: utoipa::openapi::OpenApi,
}

impl Shared {
    pub fn new(db: Db, settings: Settings) -> Self {
        let schemas = web::Data::new(graphql::Schemas::build(db.clone(), &settings));
        Self { state: AppState::new(db, settings), schemas, openapi: rest::openapi() }
    }
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
    App::new()
        .into_utoipa_app()
        .app_data(shared.state)
        .app_data(shared.schemas)
        .configure(rest::routes)
        .into_app()
        .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", shared.openapi))
        .service(web::redirect("/docs", "/docs/"))
        .configure(graphql::http::configure)
        .default_service(web::to(health::no_route))
        .wrap(from_fn(middleware::http_cache))
        .wrap(Compress::default())
        .wrap(from_fn(serve_cached::response_cache))
        .wrap(security_headers())
        .wrap(from_fn(middleware::refuse_nul_in_uri))
        .wrap(from_fn(middleware::request_log))
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

/// Serves until interrupted.
pub async fn serve(shared: Shared, listener: std::net::TcpListener) -> std::io::Result<()> {
    HttpServer::new(move || build(shared.clone())).listen(listener)?.run().await
}
