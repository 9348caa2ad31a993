//! The REST API (`/v1`) and the OpenAPI document. Handlers
//! are thin: parse at the edge, call `service`, convert to response types.

pub mod articles;
pub mod authors;
pub mod responses;
pub mod slugged;
pub mod taxonomy;
pub mod types;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{scope, AppExt};

use crate::http::health;
use crate::http::problem::{FieldProblem, Problem};

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
    components(schemas(Problem, FieldProblem)),
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
        .service(scope("/v1/authors").configure(authors::configure))
        .service(scope("/v1/sections").configure(taxonomy::configure_sections))
        .service(scope("/v1/tags").configure(taxonomy::configure_tags))
        .service(health::healthz)
        .service(health::readyz);
}

/// The query parameter names a parameter struct documents: a route's
/// parser accepts exactly what its OpenAPI parameters list.
pub(crate) fn query_param_names<P: utoipa::IntoParams>() -> Vec<String> {
    P::into_params(|| Some(utoipa::openapi::path::ParameterIn::Query)).into_iter().map(|p| p.name).collect()
}

/// The OpenAPI document, generated from the routes themselves.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, openapi) =
        actix_web::App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(routes).split_for_parts();
    openapi
}
