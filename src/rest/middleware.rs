//! Cross-cutting HTTP behaviour: request ids and access logs, strong ETags with
//! conditional GETs, and Cache-Control by caller.

use std::time::Instant;

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpResponse};
use sha2::{Digest, Sha256};

use crate::app::AppState;

pub const REQUEST_ID: &str = "x-request-id";

/// Gives every request an id (echoed as `X-Request-Id`) and logs one line for it.
pub async fn request_log(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4().simple().to_string();
    let method = req.method().clone();
    let path = req.path().to_owned();
    let span = tracing::info_span!("request", request_id = %request_id);
    let mut res = {
        let _entered = span.enter();
        next.call(req)
    }
    .await?;
    let latency_ms = format!("{:.3}", started.elapsed().as_secs_f64() * 1000.0);
    tracing::info!(parent: &span, %method, %path, status = res.status().as_u16(), %latency_ms, "request");
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert(header::HeaderName::from_static(REQUEST_ID), value);
    }
    Ok(res)
}

/// A strong ETag: a digest of the exact representation.
pub fn etag_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

/// Does an `If-None-Match` / `If-Match` header list this ETag (or `*`)?
pub fn etag_matches(header_value: &str, etag: &str) -> bool {
    header_value.split(',').map(str::trim).any(|candidate| candidate == "*" || candidate == etag)
}

/// On successful GETs: adds a strong ETag, answers 304 to a matching
/// `If-None-Match`, and sets Cache-Control (`public` without a key,
/// `private, no-store` with one).
pub async fn http_cache(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let cacheable = matches!(*req.method(), Method::GET | Method::HEAD);
    let keyed = req.headers().contains_key(header::AUTHORIZATION);
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let max_age = req.app_data::<web::Data<AppState>>().map(|s| s.settings.cache_max_age).unwrap_or(0);

    let res = next.call(req).await?;
    if !cacheable || res.status() != StatusCode::OK {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let (head, payload) = res.into_parts();
    let head_cache_control = head.headers().get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let bytes = body::to_bytes(payload).await.map_err(|e| actix_web::error::ErrorInternalServerError(e.into()))?;
    let etag = etag_of(&bytes);
    let cache_control = if keyed { "private, no-store".to_owned() } else { format!("public, max-age={max_age}") };

    let not_modified = if_none_match.as_deref().is_some_and(|v| etag_matches(v, &etag));
    let mut response =
        if not_modified { HttpResponse::NotModified().finish() } else { head.set_body(bytes).map_into_boxed_body() };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    // A handler may have said already (e.g. GraphQL responses with errors).
    let chosen = head_cache_control.unwrap_or(cache_control);
    if let Ok(value) = HeaderValue::from_str(&chosen) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    if keyed {
        headers.append(header::VARY, HeaderValue::from_static("Authorization"));
    }
    Ok(ServiceResponse::new(req, response))
}
