//! Serving keyless requests from the response cache and keeping what
//! handlers render into it: the middleware for GETs, and the same two steps
//! for handlers whose requests the URL does not name (GraphQL over POST).

use std::future::Future;

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage, HttpRequest, HttpResponse};

use super::limits::{RATE_LIMIT, RATE_LIMIT_POLICY};
use super::middleware::{etag_matches, if_none_match_header, REQUEST_ID};
use super::response_cache::{CachedResponse, Dependencies, Rendered};
use super::state::AppState;

/// Serves keyless `GET /v1/…` and `GET /graphql` requests from the response
/// cache, and stores the 200 responses of handlers that declared their
/// dependencies (`response_cache::depends_on`).
pub async fn response_cache(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let Some(state) = state.filter(|s| s.cache.is_enabled() && cacheable_request(&req)) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let cache = &state.cache;
    let wants_gzip = accepts_gzip(req.headers());
    if let Some(entry) = cache.get(cache_key(&req)) {
        state.metrics.cache(true);
        let response = replay(&entry, wants_gzip, if_none_match_header(&req));
        return Ok(req.into_response(response));
    }
    state.metrics.cache(false);
    let key = cache_key(&req).to_owned();
    let if_none_match = if_none_match_header(&req).map(str::to_owned);
    state.db.refresh_freshness_horizon().await;
    let Some(ticket) = cache.ticket() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // Rendered plain and unconditional: the cache keeps it for every caller.
    req.headers_mut().remove(header::ACCEPT_ENCODING);
    req.headers_mut().remove(header::IF_NONE_MATCH);
    let res = next.call(req).await?;
    let deps = res.request().extensions_mut().remove::<Dependencies>();
    let (Some(Dependencies(deps)), StatusCode::OK) = (deps, res.status()) else {
        return Ok(res.map_into_boxed_body());
    };
    let (req, res) = res.into_parts();
    let counted = per_response_headers(res.headers());
    let entry = cache.store(ticket, key, &deps, rendered(res).await?);
    let mut response = replay(&entry, wants_gzip, if_none_match.as_deref());
    for (name, value) in counted {
        response.headers_mut().insert(name, value);
    }
    Ok(ServiceResponse::new(req, response))
}

/// A handler's cached response under a key of its own, for requests the URL
/// does not name (a GraphQL query sent with POST is named by its body).
/// Only for keyless requests with the cache on.
pub fn cached_response(state: &AppState, req: &HttpRequest, key: &str) -> Option<HttpResponse> {
    let entry = state.cache.get(key);
    state.metrics.cache(entry.is_some());
    entry.map(|entry| replay(&entry, accepts_gzip(req.headers()), None))
}

/// Renders a response for a key of the handler's own (see `cached_response`)
/// and keeps it, as the middleware keeps a GET's: when it is a 200 and
/// `render` declared its dependencies.
pub async fn render_and_keep(
    state: &AppState,
    req: &HttpRequest,
    key: String,
    render: impl Future<Output = HttpResponse>,
) -> HttpResponse {
    let cache = &state.cache;
    state.db.refresh_freshness_horizon().await;
    let Some(ticket) = cache.ticket() else {
        return render.await;
    };
    let res = render.await;
    let deps = req.extensions_mut().remove::<Dependencies>();
    let (Some(Dependencies(deps)), StatusCode::OK) = (deps, res.status()) else {
        return res;
    };
    match rendered(res).await {
        Ok(rendered) => replay(&cache.store(ticket, key, &deps, rendered), accepts_gzip(req.headers()), None),
        Err(error) => error.error_response(),
    }
}

/// What the cache keeps of a response: its body and the headers worth replaying.
async fn rendered(res: HttpResponse<impl MessageBody>) -> Result<Rendered, Error> {
    let (head, payload) = res.into_parts();
    let body = body::to_bytes(payload).await.map_err(|e| actix_web::error::ErrorInternalServerError(e.into()))?;
    let etag = head.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let headers = head
        .headers()
        .iter()
        .filter(|(name, _)| replayable_header(name))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    Ok(Rendered { body, etag, headers })
}

fn cacheable_request(req: &ServiceRequest) -> bool {
    req.method() == Method::GET
        && !req.headers().contains_key(header::AUTHORIZATION)
        && (req.path().starts_with("/v1/") || req.path() == "/graphql")
}

/// The path and query exactly as sent: differently spelled queries are
/// different entries, which costs memory but never correctness.
fn cache_key(req: &ServiceRequest) -> &str {
    let uri = req.uri();
    uri.path_and_query().map_or(uri.path(), |path_and_query| path_and_query.as_str())
}

fn replayable_header(name: &header::HeaderName) -> bool {
    ![header::CONTENT_LENGTH, header::CONTENT_ENCODING, header::DATE, header::VARY].contains(name)
        && name.as_str() != REQUEST_ID
        && !RATE_LIMIT_HEADERS.contains(name)
}

/// What the rate limiter told the caller who rendered a response: theirs
/// alone, so sent with this answer and never replayed to another.
const RATE_LIMIT_HEADERS: [header::HeaderName; 2] = [RATE_LIMIT_POLICY, RATE_LIMIT];

fn per_response_headers(headers: &header::HeaderMap) -> Vec<(header::HeaderName, HeaderValue)> {
    RATE_LIMIT_HEADERS.into_iter().filter_map(|name| headers.get(&name).cloned().map(|value| (name, value))).collect()
}

/// Whether `Accept-Encoding` allows gzip (by name or `*`, with a q above 0).
fn accepts_gzip(headers: &header::HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|item| {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or_default().trim();
        let quality =
            parts.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.trim().parse::<f32>().ok()).unwrap_or(1.0);
        (coding.eq_ignore_ascii_case("gzip") || coding == "*") && quality > 0.0
    })
}

/// A stored response for this caller: 304 when its ETag matches, gzip when accepted.
fn replay(entry: &CachedResponse, gzip: bool, if_none_match: Option<&str>) -> HttpResponse {
    let not_modified = if_none_match.is_some_and(|v| etag_matches(v, &entry.etag));
    let mut response = if not_modified { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    for (name, value) in &entry.headers {
        response.insert_header((name.clone(), value.clone()));
    }
    response.insert_header((header::VARY, HeaderValue::from_static("accept-encoding, authorization")));
    if not_modified {
        response.finish()
    } else if gzip && !entry.gzip.is_empty() {
        response.insert_header((header::CONTENT_ENCODING, HeaderValue::from_static("gzip")));
        response.body(entry.gzip.clone())
    } else {
        response.body(entry.body.clone())
    }
}
