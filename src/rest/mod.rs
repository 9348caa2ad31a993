//! The REST API (`/v1`) and the OpenAPI document. Handlers
//! are thin: parse at the edge, call `service`, convert to response types.

pub mod article_params;
pub mod articles;
pub mod authors;
pub mod requests;
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
    required_on_create(openapi)
}

/// Creates and updates share one request type (absent fields are kept on
/// update), but a create needs a headline or name: each create route gets
/// its own schema, the shared one with those fields required, so the
/// document says what the server refuses.
const CREATES: [(&str, &str, &str, &str); 4] = [
    ("/v1/articles", "ArticleRequest", "NewArticleRequest", "headline"),
    ("/v1/authors", "AuthorRequest", "NewAuthorRequest", "name"),
    ("/v1/sections", "SectionRequest", "NewSectionRequest", "name"),
    ("/v1/tags", "TagRequest", "NewTagRequest", "name"),
];

fn required_on_create(mut openapi: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::schema::{SchemaType, Type};
    use utoipa::openapi::{Ref, RefOr, Schema};
    let Some(components) = openapi.components.as_mut() else { return openapi };
    for (path, shared, create, required) in CREATES {
        let Some(RefOr::T(Schema::Object(mut schema))) = components.schemas.get(shared).cloned() else { continue };
        schema.required = vec![required.to_owned()];
        // Required, and so never `null` either.
        if let Some(RefOr::T(Schema::Object(field))) = schema.properties.get_mut(required) {
            field.schema_type = SchemaType::Type(Type::String);
        }
        components.schemas.insert(create.to_owned(), RefOr::T(Schema::Object(schema)));
        let body = openapi.paths.paths.get_mut(path).and_then(|item| item.post.as_mut()?.request_body.as_mut());
        if let Some(content) = body.and_then(|body| body.content.get_mut("application/json")) {
            content.schema = Some(RefOr::Ref(Ref::from_schema_name(create)));
        }
    }
    closed_related_links(components);
    openapi
}

/// The two shapes of a related link refuse unknown fields, like every
/// request body (`deny_unknown_fields`), which utoipa leaves out of an
/// untagged enum's variants.
fn closed_related_links(components: &mut utoipa::openapi::Components) {
    use utoipa::openapi::schema::AdditionalProperties;
    use utoipa::openapi::{RefOr, Schema};
    if let Some(RefOr::T(Schema::OneOf(one_of))) = components.schemas.get_mut("RelatedRequest") {
        for item in &mut one_of.items {
            if let RefOr::T(Schema::Object(object)) = item {
                object.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
            }
        }
    }
}
