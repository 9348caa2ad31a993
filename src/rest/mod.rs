//! The REST API (`/v1`), health checks and the OpenAPI document. Handlers
//! are thin: parse at the edge, call `service`, convert to response types.

pub mod articles;
pub mod errors;
pub mod extract;
pub mod middleware;
pub mod people;
pub mod types;

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{scope, AppExt};

use crate::app::AppState;
use crate::error::{AppError, FieldError, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Dateline",
        description = "A headless content API for newsrooms: articles, bylines, dates and related links.\n\n\
            Reads need no key and see public articles only; a `preview` key also sees drafts and \
            scheduled articles; `write` may change content. Errors are RFC 9457 problem documents.",
        license(name = "MIT")
    ),
    modifiers(&BearerAuth),
    components(schemas(Problem, FieldError)),
    tags(
        (name = "articles", description = "Articles, publishing and related links"),
        (name = "authors", description = "Authors and their articles"),
        (name = "sections", description = "Sections and their articles"),
        (name = "tags", description = "Tags and their articles"),
        (name = "health", description = "Liveness and readiness")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key from `dateline keys create` (`dl_…`)"))
                    .build(),
            ),
        );
    }
}

/// Mounts every documented route.
pub fn routes(config: &mut ServiceConfig) {
    config
        .service(scope("/v1/articles").configure(articles::configure))
        .service(scope("/v1/authors").configure(people::configure_authors))
        .service(scope("/v1/sections").configure(people::configure_sections))
        .service(scope("/v1/tags").configure(people::configure_tags))
        .service(healthz)
        .service(readyz);
}

/// The OpenAPI document, generated from the routes themselves.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, openapi) =
        actix_web::App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(routes).split_for_parts();
    openapi
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthBody {
    #[schema(example = "ok")]
    pub status: String,
}

/// The process is alive.
#[utoipa::path(tag = "health", responses((status = 200, description = "Alive", body = HealthBody)))]
#[get("/healthz")]
async fn healthz() -> web::Json<HealthBody> {
    web::Json(HealthBody { status: "ok".into() })
}

/// The database answers; 503 when it does not.
#[utoipa::path(tag = "health", responses(
    (status = 200, description = "Ready", body = HealthBody),
    (status = 503, description = "The database is unavailable", body = Problem, content_type = "application/problem+json")
))]
#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> Result<web::Json<HealthBody>, AppError> {
    if state.db.is_ready().await {
        Ok(web::Json(HealthBody { status: "ready".into() }))
    } else {
        Err(AppError::Unavailable)
    }
}

/// Unknown routes answer with a problem document too.
pub async fn no_route(req: actix_web::HttpRequest) -> Result<HttpResponse, AppError> {
    Err(AppError::NoRoute(format!("{} {}", req.method(), req.path())))
}
