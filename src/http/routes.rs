//! Which methods each route answers, so that a request with another method
//! gets a 405 with `Allow` (it fell through to a 404), and `HEAD` is
//! answered wherever `GET` is.

use std::collections::BTreeSet;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::Error;

/// Route templates (`/v1/articles/{ref}`) with the methods each answers.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<String>, BTreeSet<String>)>,
}

impl RouteTable {
    /// Adds a route; `{name}` segments match any one segment and a trailing
    /// `{_:.*}` any rest.
    pub fn add(&mut self, template: &str, methods: &[&str]) {
        let segments: Vec<String> = template.trim_matches('/').split('/').map(str::to_owned).collect();
        let methods: BTreeSet<String> = methods.iter().map(|m| m.to_ascii_uppercase()).collect();
        match self.routes.iter_mut().find(|(s, _)| *s == segments) {
            Some((_, known)) => known.extend(methods),
            None => self.routes.push((segments, methods)),
        }
    }

    /// The `Allow` header of a path, if some route has it: its methods, with
    /// `HEAD` beside `GET` and `OPTIONS` (CORS preflights) everywhere.
    pub fn allow(&self, path: &str) -> Option<String> {
        let path: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut methods: BTreeSet<String> = BTreeSet::new();
        for (template, allowed) in &self.routes {
            if matches(template, &path) {
                methods.extend(allowed.iter().cloned());
            }
        }
        if methods.is_empty() {
            return None;
        }
        if methods.contains("GET") {
            methods.insert("HEAD".into());
        }
        methods.insert("OPTIONS".into());
        Some(methods.into_iter().collect::<Vec<_>>().join(", "))
    }
}

fn matches(template: &[String], path: &[&str]) -> bool {
    if template.last().is_some_and(|s| s.starts_with("{_:")) {
        return path.len() >= template.len() - 1
            && template[..template.len() - 1].iter().zip(path).all(|(t, p)| segment_matches(t, p));
    }
    template.len() == path.len() && template.iter().zip(path).all(|(t, p)| segment_matches(t, p))
}

fn segment_matches(template: &str, segment: &str) -> bool {
    (template.starts_with('{') && !segment.is_empty()) || template == segment
}

/// Answers `HEAD` like `GET`, without the body: the routes only say `GET`.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if req.method() != Method::HEAD {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    req.head_mut().method = Method::GET;
    let res = next.call(req).await?;
    Ok(res.map_body(|_, _| BoxBody::new(())))
}
