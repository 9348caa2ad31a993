//! What schemathesis found where the server and its OpenAPI document
//! disagreed, pinned (`.ci/schemathesis` runs the whole spec in CI).

use dateline::domain::Scope;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{Backend, TestApp};

backend_tests!(bodies_and_parameters_are_what_the_spec_says);

fn spec() -> Value {
    serde_json::from_str(&dateline::rest::openapi().to_json().unwrap()).unwrap()
}

async fn bodies_and_parameters_are_what_the_spec_says(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    app.create("/v1/tags", &write, json!({"name": "Health"})).await;

    // A JSON array is not an object body, although serde would read one as
    // the struct's fields in order: `[null, null]` was an accepted PATCH.
    let array = app.patch("/v1/tags/health", Some(&write), &json!([null, null])).await;
    assert_eq!(array.problem(422)["errors"][0]["message"], "must be a JSON object");
    let array = app.post("/v1/authors", Some(&write), &json!(["ann-lee", "Ann Lee"])).await;
    array.problem(422);
    assert_eq!(app.get("/v1/authors", None).await.json()["data"], json!([]));

    // The publish body is documented as optional and nullable: `null` is no options.
    let article = app.article(&write, json!({"headline": "Null options"})).await;
    let path = format!("/v1/articles/{}/publish", article["slug"].as_str().unwrap());
    let published = app.post(&path, Some(&write), &Value::Null).await;
    assert_eq!(published.status, 200, "{}", String::from_utf8_lossy(&published.body));
    assert_eq!(published.json()["status"], "published");

    // Empty query values name nothing (`minLength: 1`): a 400, like any bad value.
    for path in
        ["/v1/articles?section=", "/v1/articles?author=", "/v1/articles?tag=", "/v1/tags?cursor=", "/v1/articles?q="]
    {
        let problem = app.get(path, None).await.problem(400);
        assert!(problem["detail"].as_str().unwrap().contains("must not be empty"), "{path}: {problem}");
    }

    // `maxLength` counts the text as sent, spaces around it included.
    let padded = format!(" {} ", "h".repeat(299));
    let too_long = app.post("/v1/articles", Some(&write), &json!({"headline": padded})).await;
    assert_eq!(too_long.problem(422)["errors"][0]["field"], "headline");
}

/// Creates need the headline or name that updates may leave out: each create
/// has its own schema saying so, never nullable; related links are closed
/// objects, as the server refuses unknown fields.
#[test]
fn creates_require_what_the_server_requires() {
    let spec = spec();
    for (path, schema, field) in [
        ("/v1/articles", "NewArticleRequest", "headline"),
        ("/v1/authors", "NewAuthorRequest", "name"),
        ("/v1/sections", "NewSectionRequest", "name"),
        ("/v1/tags", "NewTagRequest", "name"),
    ] {
        let body = &spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"];
        assert_eq!(body, &json!(format!("#/components/schemas/{schema}")), "{path}");
        let schema = &spec["components"]["schemas"][schema];
        assert_eq!(schema["required"], json!([field]));
        assert_eq!(schema["properties"][field]["type"], "string", "{path}: never null");
    }
    for shape in spec["components"]["schemas"]["RelatedRequest"]["oneOf"].as_array().unwrap() {
        assert_eq!(shape["additionalProperties"], false);
    }
    let patch = &spec["paths"]["/v1/tags/{ref}"]["patch"]["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(patch["$ref"], "#/components/schemas/TagRequest", "updates keep every field optional");
}
