//! Request extractors: the caller (`Viewer`), JSON bodies and query strings,
//! each failing with a problem+json error instead of actix's defaults.

use std::time::Duration;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::domain::{control, Viewer};
use crate::error::{AppError, FieldError};
use crate::http::state::AppState;
use crate::service;

fn state(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application state is not mounted")))
}

/// The Bearer token of a request, if it carries an Authorization header.
pub fn bearer_token(req: &HttpRequest) -> Result<Option<String>, AppError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let malformed = || AppError::Unauthorized("the Authorization header must be `Bearer <key>`".into());
    let value = value.to_str().map_err(|_| malformed())?;
    let (scheme, token) = value.trim().split_once(' ').ok_or_else(malformed)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(malformed());
    }
    Ok(Some(token.trim().to_owned()))
}

impl FromRequest for Viewer {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { viewer_of(&*state(&req)?, &req).await })
    }
}

/// Who is calling: anonymous without a key, else the key's viewer (looked
/// up once per request: the rate limiter may have done it already).
pub async fn viewer_of(state: &AppState, req: &HttpRequest) -> Result<Viewer, AppError> {
    if let Some(known) = req.extensions().get::<Authenticated>() {
        return Ok(known.viewer);
    }
    match bearer_token(req)? {
        None => Ok(Viewer::ANONYMOUS),
        Some(token) => service::keys::authenticate(&state.db, &token).await,
    }
}

/// A request's key, once it has been checked and found good.
#[derive(Debug, Clone, Copy)]
pub struct Authenticated {
    pub key_id: i64,
    pub viewer: Viewer,
}

impl Authenticated {
    /// Checks the request's key, if it has one, and remembers a good one.
    /// A missing or bad key leaves nothing (the handler reports it); only a
    /// failure to check (the database is unavailable) is an error.
    pub async fn resolve(state: &AppState, req: &HttpRequest) -> Result<(), AppError> {
        let Ok(Some(token)) = bearer_token(req) else { return Ok(()) };
        match service::keys::identify(&state.db, &token).await {
            Ok((key_id, viewer)) => {
                req.extensions_mut().insert(Self { key_id, viewer });
                Ok(())
            }
            Err(AppError::Unauthorized(_)) => Ok(()),
            Err(error) => Err(error),
        }
    }
}

/// The id of the request's key, when `Authenticated::resolve` found it good.
pub fn authenticated_key(req: &HttpRequest) -> Option<i64> {
    req.extensions().get::<Authenticated>().map(|known| known.key_id)
}

/// A caller allowed to write content: checked before the body is read, so a
/// write without a key is a 401 whatever it sends.
#[derive(Debug, Clone, Copy)]
pub struct Writer(pub Viewer);

impl FromRequest for Writer {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let viewer = Viewer::from_request(req, payload);
        Box::pin(async move {
            let viewer = viewer.await?;
            viewer.require(crate::domain::Scope::Write)?;
            Ok(Writer(viewer))
        })
    }
}

/// A JSON request body, size-limited, parsed strictly.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

/// What a request body must be at its top level. serde's derived structs
/// also take a JSON array of their fields in order (`[null, null]` was an
/// accepted PATCH of a tag), which no client means: object bodies say so.
pub trait BodyShape {
    const OBJECT: bool;
}

impl<T> BodyShape for Vec<T> {
    const OBJECT: bool = false;
}

/// Declares request types whose bodies are JSON objects.
#[macro_export]
macro_rules! object_bodies {
    ($($body:ty),* $(,)?) => {
        $(impl $crate::http::extract::BodyShape for $body {
            const OBJECT: bool = true;
        })*
    };
}

/// Called once the body parsed: an object type that parsed from an array.
fn check_shape<T: BodyShape>(bytes: &[u8]) -> Result<(), AppError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if T::OBJECT && first == Some(&b'[') {
        return Err(AppError::invalid("", "must be a JSON object"));
    }
    Ok(())
}

/// A JSON body that may be left out entirely (e.g. publish's options).
#[derive(Debug)]
pub struct OptionalJsonBody<T>(pub Option<T>);

pub fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
        .unwrap_or(false)
}

fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers().get(header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

/// Reads the whole body, refusing it as soon as it passes `limit` bytes,
/// or when it has not all arrived within `timeout` (a client sending a byte
/// a second held its connection for ever: 1,100 of them all stayed open).
pub async fn read_limited(payload: Payload, limit: usize, timeout: Duration) -> Result<web::BytesMut, AppError> {
    tokio::time::timeout(timeout, read_all(payload, limit))
        .await
        .unwrap_or(Err(AppError::RequestTimeout(timeout.as_secs())))
}

async fn read_all(mut payload: Payload, limit: usize) -> Result<web::BytesMut, AppError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| AppError::BadRequest("the request body could not be read".into()))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// 400 for broken JSON, 422 (naming the field) for JSON of the wrong shape
/// or with a control character in a string.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let field = error.path().to_string();
        let inner = error.into_inner();
        let message = inner.to_string();
        let message = message.split(" at line ").next().unwrap_or_default().to_owned();
        // serde names the Rust type of an untagged enum; a client needs none.
        let message = if message.starts_with("data did not match any variant") {
            "does not match any accepted shape".to_owned()
        } else {
            message
        };
        match inner.classify() {
            serde_json::error::Category::Data => {
                let field = if field == "." { String::new() } else { field };
                AppError::Invalid(vec![FieldError::new(field, message)])
            }
            _ => AppError::BadRequest(format!("the request body is not valid JSON: {message}")),
        }
    })?;
    deserializer
        .end()
        .map_err(|_| AppError::BadRequest("the request body has trailing characters after the JSON value".into()))?;
    if let Some(field) = control::field_with_control(bytes) {
        return Err(AppError::invalid(field, control::REFUSED));
    }
    Ok(value)
}

async fn read_json<T: DeserializeOwned + BodyShape>(
    state: Result<web::Data<AppState>, AppError>,
    json: bool,
    length: Option<usize>,
    payload: Payload,
    optional: bool,
) -> Result<Option<T>, AppError> {
    let state = state?;
    let (limit, timeout) = (state.settings.max_body, state.settings.body_timeout());
    if length.is_some_and(|n| n > limit) {
        return Err(AppError::PayloadTooLarge(limit));
    }
    let bytes = read_limited(payload, limit, timeout).await?;
    if optional && bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    if !json {
        return Err(AppError::UnsupportedMediaType);
    }
    let value = if optional {
        // `null` is no options too, as the OpenAPI document says.
        parse_json::<Option<T>>(&bytes)?
    } else {
        Some(parse_json(&bytes)?)
    };
    check_shape::<T>(&bytes)?;
    Ok(value)
}

impl<T: DeserializeOwned + BodyShape + 'static> FromRequest for JsonBody<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let fut = read_json::<T>(state(req), is_json(req), declared_length(req), payload.take(), false);
        Box::pin(async move {
            fut.await?.map(JsonBody).ok_or_else(|| AppError::BadRequest("a JSON body is required".into()))
        })
    }
}

impl<T: DeserializeOwned + BodyShape + 'static> FromRequest for OptionalJsonBody<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let fut = read_json::<T>(state(req), is_json(req), declared_length(req), payload.take(), true);
        Box::pin(async move { fut.await.map(OptionalJsonBody) })
    }
}

/// The query string as ordered pairs (parameters may repeat).
#[derive(Debug, Clone)]
pub struct QueryPairs(pub Vec<(String, String)>);

impl QueryPairs {
    pub fn parse(query: &str) -> Result<Self, AppError> {
        serde_urlencoded::from_str::<Vec<(String, String)>>(query)
            .map(Self)
            .map_err(|_| AppError::BadRequest("the query string is malformed".into()))
    }

    /// Fails on the first parameter not in `allowed`, naming it.
    pub fn only(&self, allowed: &[impl AsRef<str>]) -> Result<(), AppError> {
        match self.0.iter().find(|(name, _)| !allowed.iter().any(|a| a.as_ref() == name)) {
            Some((name, _)) => {
                let allowed: Vec<&str> = allowed.iter().map(AsRef::as_ref).collect();
                Err(AppError::BadRequest(format!("unknown query parameter `{name}` (allowed: {})", allowed.join(", "))))
            }
            None => Ok(()),
        }
    }

    /// The single value of a parameter; a repeated one is a 400.
    pub fn single(&self, name: &str) -> Result<Option<&str>, AppError> {
        let mut values = self.0.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str());
        let first = values.next();
        if values.next().is_some() {
            return Err(AppError::BadRequest(format!("query parameter `{name}` may be given only once")));
        }
        if first.is_some_and(str::is_empty) {
            return Err(empty(name));
        }
        Ok(first)
    }

    pub fn all(&self, name: &str) -> Result<Vec<String>, AppError> {
        let values: Vec<String> = self.0.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect();
        if values.iter().any(String::is_empty) {
            return Err(empty(name));
        }
        Ok(values)
    }

    /// The same query with `cursor` replaced, for the `Link: rel="next"` header.
    pub fn with_cursor(&self, cursor: &str) -> String {
        let mut pairs: Vec<(&str, &str)> =
            self.0.iter().filter(|(n, _)| n != "cursor").map(|(n, v)| (n.as_str(), v.as_str())).collect();
        pairs.push(("cursor", cursor));
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

impl FromRequest for QueryPairs {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Self::parse(req.query_string()))
    }
}

/// The `If-Match` header, if present.
pub fn if_match(req: &HttpRequest) -> Option<String> {
    req.headers().get(header::IF_MATCH).and_then(|v| v.to_str().ok()).map(|v| v.trim().to_owned())
}

/// An empty value names nothing (`?section=`): refused like any bad value,
/// as the OpenAPI document's `minLength` says.
fn empty(name: &str) -> AppError {
    AppError::BadRequest(format!("query parameter `{name}` must not be empty"))
}
