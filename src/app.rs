//! AppState and the assembly of the HTTP application: routes, docs, middleware.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Compress};
use actix_web::{web, App, HttpServer};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Settings;
use crate::store::Db;
use crate::{graphql, rest};

/// What every request can reach: built once, shared by all workers.
pub struct AppState {
    pub db: Db,
    pub settings: Settings,
    pub openapi: utoipa::openapi::OpenApi,
    pub graphql: graphql::Schemas,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> web::Data<Self> {
        let graphql = graphql::Schemas::build(db.clone(), &settings);
        db.listen_for_changes();
        web::Data::new(Self { db, settings, openapi: rest::openapi(), graphql })
    }
}

/// The whole application for one worker.
pub fn build(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let openapi = state.openapi.clone();
    App::new()
        .into_utoipa_app()
        .app_data(state)
        .configure(rest::routes)
        .into_app()
        .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", openapi))
        .service(web::redirect("/docs", "/docs/"))
        .configure(graphql::http::configure)
        .default_service(web::to(rest::no_route))
        .wrap(from_fn(rest::middleware::http_cache))
        .wrap(Compress::default())
        .wrap(from_fn(rest::middleware::response_cache))
        .wrap(from_fn(rest::middleware::refuse_nul_in_uri))
        .wrap(from_fn(rest::middleware::request_log))
}

/// Serves until interrupted.
pub async fn serve(state: web::Data<AppState>, listener: std::net::TcpListener) -> std::io::Result<()> {
    HttpServer::new(move || build(state.clone())).listen(listener)?.run().await
}
