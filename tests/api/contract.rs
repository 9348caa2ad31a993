//! The committed contract files match the code, and the docs work offline.

use crate::helpers::{Backend, TestApp};

#[test]
fn openapi_json_is_current() {
    let generated = dateline::rest::openapi().to_pretty_json().unwrap() + "\n";
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json")).unwrap_or_default();
    assert!(
        generated == committed,
        "openapi/openapi.json is stale: run `cargo run -q -- openapi > openapi/openapi.json` and commit it"
    );
}

#[test]
fn openapi_documents_every_route() {
    let spec: serde_json::Value = serde_json::from_str(&dateline::rest::openapi().to_json().unwrap()).unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    let paths = spec["paths"].as_object().unwrap();
    for (path, methods) in [
        ("/v1/articles", &["get", "post"][..]),
        ("/v1/articles/{ref}", &["get", "patch", "delete"]),
        ("/v1/articles/{ref}/publish", &["post"]),
        ("/v1/articles/{ref}/unpublish", &["post"]),
        ("/v1/articles/{ref}/related", &["get", "put"]),
        ("/v1/articles/{ref}/backlinks", &["get"]),
        ("/v1/articles/{ref}/suggestions", &["get"]),
        ("/v1/authors", &["get", "post"]),
        ("/v1/authors/{ref}", &["get", "patch", "delete"]),
        ("/v1/authors/{ref}/articles", &["get"]),
        ("/v1/sections", &["get", "post"]),
        ("/v1/sections/{ref}", &["get", "patch", "delete"]),
        ("/v1/tags", &["get", "post"]),
        ("/v1/tags/{ref}", &["get", "patch", "delete"]),
        ("/healthz", &["get"]),
        ("/readyz", &["get"]),
    ] {
        for method in methods {
            let operation = &paths[path][method];
            assert!(operation.is_object(), "{method} {path} is not documented");
            assert!(operation["responses"].as_object().unwrap().len() >= 2 || path.ends_with("z"), "{method} {path}");
        }
    }
}

async fn served(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let served = app.get("/openapi.json", None).await.json();
    let generated: serde_json::Value = serde_json::from_str(&dateline::rest::openapi().to_json().unwrap()).unwrap();
    assert_eq!(served, generated);

    let docs = app.get("/docs/", None).await;
    assert_eq!(docs.status, 200);
    let html = String::from_utf8_lossy(&docs.body).into_owned();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(!html.contains("http://") && !html.contains("https://"), "no asset leaves the machine");
    for asset in ["/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js", "/docs/swagger-initializer.js"] {
        assert_eq!(app.get(asset, None).await.status, 200, "{asset}");
    }
}

#[actix_web::test]
async fn served_spec_and_docs_sqlite() {
    served(Backend::Sqlite).await;
}

/// Every query parameter the spec documents for a GET route is one its
/// parser accepts (the parsers take their names from the same structs), and
/// an undocumented one is refused.
#[actix_web::test]
async fn documented_query_parameters_are_accepted() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let spec: serde_json::Value = serde_json::from_str(&dateline::rest::openapi().to_json().unwrap()).unwrap();
    let sample = |name: &str| match name {
        "published_after" | "published_before" => "2020-01-01",
        "status" => "published",
        "sort" => "-published_at",
        "limit" => "5",
        _ => "word",
    };
    let mut checked = 0;
    for (path, route) in [
        ("/v1/articles", "/v1/articles"),
        ("/v1/tags", "/v1/tags"),
        ("/v1/sections/{ref}/articles", "/v1/sections/world/articles"),
        ("/v1/articles/{ref}/suggestions", "/v1/articles/x/suggestions"),
    ] {
        let parameters = spec["paths"][path]["get"]["parameters"].as_array().unwrap();
        for name in parameters.iter().filter(|p| p["in"] == "query").map(|p| p["name"].as_str().unwrap()) {
            let response = app.get(&format!("{route}?{name}={}", sample(name)), None).await;
            let body = String::from_utf8_lossy(&response.body);
            assert!(!body.contains("unknown query parameter"), "{route}?{name}: {body}");
            checked += 1;
        }
        let unknown = app.get(&format!("{route}?undocumented=1"), None).await;
        assert!(String::from_utf8_lossy(&unknown.body).contains("unknown query parameter `undocumented`"), "{route}");
    }
    assert!(checked >= 14, "{checked} parameters checked");
}
