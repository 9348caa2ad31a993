//! Checks a GraphQL document must pass before async-graphql parses or
//! validates it, each in time and memory linear in the document's length.
//!
//! async-graphql's parser recurses once per nested value or selection set
//! (3,000 nested `[` overflowed the worker's stack and aborted the process),
//! and its validation visitors walk every fragment spread anew (30 fragments,
//! each spreading the previous one twice, are 2^30 visits: the server grew
//! to all of the machine's memory). So the text's nesting is measured before
//! it is parsed, and the size of the document with every spread expanded is
//! counted, once per fragment, before it is validated.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{ErrorExtensions, ServerResult, Variables};
use async_graphql_value::{ConstValue, Value};

use crate::domain::control;
use crate::error::AppError;

/// How deep brackets (`{`, `[`, `(`) may nest in the text, and fragment
/// spreads inside each other. Introspection, the deepest legitimate query,
/// nests about 25 brackets.
pub const MAX_NESTING: usize = 64;

/// How many fields a document may select once every fragment spread is
/// replaced by its fragment. GraphiQL's introspection query expands to a few
/// hundred; the costliest content query the complexity limit admits selects
/// far fewer distinct fields than this.
pub const MAX_EXPANDED_FIELDS: usize = 5_000;

/// How many `__schema` / `__type` fields a document may ask for at its top.
/// Each answers with up to the whole schema (437 aliases of `__schema` in
/// 32 KB returned 5 MB); GraphiQL and code generators ask for one.
pub const MAX_INTROSPECTION_FIELDS: usize = 4;

/// Refuses a request whose text is too long or nests too deeply, then parses
/// it (into the request, where execution finds it) and refuses a document
/// that expands to too many fields. A text that does not parse passes: the
/// executor answers it with the parser's own error.
pub fn admit(request: &mut async_graphql::Request, max_query: usize) -> Result<(), AppError> {
    if request.query.len() > max_query {
        return Err(AppError::BadRequest(format!("the query is longer than {max_query} bytes")));
    }
    if nesting_depth(&request.query) > MAX_NESTING {
        return Err(AppError::invalid("query", format!("the query nests more than {MAX_NESTING} levels deep")));
    }
    if let Some(name) = request.variables.iter().find_map(|(name, value)| const_has_control(value).then_some(name)) {
        return Err(AppError::invalid(format!("variables.{name}"), control::REFUSED));
    }
    let Ok(document) = request.parsed_query() else { return Ok(()) };
    if let Some(argument) = argument_with_control(document) {
        return Err(AppError::invalid(argument, control::REFUSED));
    }
    if introspection_fields(document) > MAX_INTROSPECTION_FIELDS {
        return Err(AppError::invalid(
            "query",
            format!("the query asks for `__schema` or `__type` more than {MAX_INTROSPECTION_FIELDS} times"),
        ));
    }
    let fields = expanded_fields(document)?;
    if fields > MAX_EXPANDED_FIELDS {
        return Err(AppError::invalid(
            "query",
            format!("the query selects more than {MAX_EXPANDED_FIELDS} fields once its fragments are expanded"),
        ));
    }
    Ok(())
}

/// Marks a request that arrived with GET: it may only read.
pub struct ReadOnly;

/// Refuses a mutation in a request marked `ReadOnly`, on the document
/// execution actually runs: a GET that names a persisted query by its hash
/// has no text to check before the persisted-queries extension fills it in
/// (a mutation registered with POST then ran over GET).
pub struct RefuseMutationsOverGet;

impl ExtensionFactory for RefuseMutationsOverGet {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RefuseMutationsOverGet)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for RefuseMutationsOverGet {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let mutation = document.operations.iter().any(|(_, operation)| operation.node.ty == OperationType::Mutation);
        if mutation && ctx.data_opt::<ReadOnly>().is_some() {
            let refusal = AppError::BadRequest("mutations must be sent with POST".into());
            return Err(refusal.extend().into_server_error(Default::default()));
        }
        Ok(document)
    }
}

/// The `__schema` and `__type` fields at the top of the document's
/// operations and of its fragments (a spread at the top may bring them).
fn introspection_fields(document: &ExecutableDocument) -> usize {
    let count = |set: &SelectionSet| {
        set.items
            .iter()
            .filter(|item| match &item.node {
                Selection::Field(field) => matches!(field.node.name.node.as_str(), "__schema" | "__type"),
                _ => false,
            })
            .count()
    };
    let operations: usize = document.operations.iter().map(|(_, op)| count(&op.node.selection_set.node)).sum();
    let fragments: usize = document.fragments.values().map(|f| count(&f.node.selection_set.node)).sum();
    operations + fragments
}

/// The deepest nesting of `{`, `[` and `(` in a GraphQL text, outside
/// strings, block strings and comments.
fn nesting_depth(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            b'#' => i = skip_until(bytes, i, b"\n"),
            b'"' if bytes[i..].starts_with(b"\"\"\"") => i = skip_block_string(bytes, i + 3),
            b'"' => i = skip_string(bytes, i + 1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// The index of the last byte of the first `end` at or after `from` (the
/// text's end if there is none).
fn skip_until(bytes: &[u8], from: usize, end: &[u8]) -> usize {
    (from..bytes.len()).find(|&i| bytes[i..].starts_with(end)).map_or(bytes.len(), |i| i + end.len() - 1)
}

/// The index of the last quote closing a block string whose text starts at
/// `from` (`\"""` inside it is an escaped quote, not the end).
fn skip_block_string(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"\\\"\"\"") {
            i += 4;
        } else if bytes[i..].starts_with(b"\"\"\"") {
            return i + 2;
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// The index of the quote closing a string that starts at `from`.
fn skip_string(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'"' | b'\n' => return i,
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Whether a variable's value holds a control character (PostgreSQL
/// cannot look up or store a NUL).
fn const_has_control(value: &ConstValue) -> bool {
    match value {
        ConstValue::String(text) => control::has_forbidden(text),
        ConstValue::List(items) => items.iter().any(const_has_control),
        ConstValue::Object(fields) => fields.iter().any(|(k, v)| control::has_forbidden(k) || const_has_control(v)),
        _ => false,
    }
}

fn value_has_control(value: &Value) -> bool {
    match value {
        Value::String(text) => control::has_forbidden(text),
        Value::List(items) => items.iter().any(value_has_control),
        Value::Object(fields) => fields.iter().any(|(k, v)| control::has_forbidden(k) || value_has_control(v)),
        _ => false,
    }
}

/// The name of the first field argument written in the document whose
/// value holds a control character. Selection sets nest no deeper than
/// `MAX_NESTING` here: `admit` measured the text first.
fn argument_with_control(document: &ExecutableDocument) -> Option<String> {
    fn in_set(set: &SelectionSet) -> Option<String> {
        set.items.iter().find_map(|item| match &item.node {
            Selection::Field(field) => field
                .node
                .arguments
                .iter()
                .find(|(_, value)| value_has_control(&value.node))
                .map(|(name, _)| name.node.to_string())
                .or_else(|| in_set(&field.node.selection_set.node)),
            Selection::InlineFragment(inline) => in_set(&inline.node.selection_set.node),
            Selection::FragmentSpread(_) => None,
        })
    }
    document
        .operations
        .iter()
        .find_map(|(_, operation)| in_set(&operation.node.selection_set.node))
        .or_else(|| document.fragments.values().find_map(|fragment| in_set(&fragment.node.selection_set.node)))
}

/// The number of fields the document's operations select with every
/// fragment spread expanded, saturating; each fragment is counted once.
fn expanded_fields(document: &ExecutableDocument) -> Result<usize, AppError> {
    let mut counter = Counter { document, fragments: HashMap::new() };
    let mut total = 0usize;
    for (_, operation) in document.operations.iter() {
        total = total.saturating_add(counter.selection_set(&operation.node.selection_set.node, 0)?);
    }
    Ok(total)
}

struct Counter<'a> {
    document: &'a ExecutableDocument,
    /// Each fragment's expanded size; `None` while it is being counted, so a
    /// cycle counts as nothing here (validation reports it).
    fragments: HashMap<&'a str, Option<usize>>,
}

impl<'a> Counter<'a> {
    fn selection_set(&mut self, set: &'a SelectionSet, depth: usize) -> Result<usize, AppError> {
        if depth > MAX_NESTING {
            return Err(AppError::invalid("query", format!("fragments nest more than {MAX_NESTING} levels deep")));
        }
        let mut total = 0usize;
        for item in &set.items {
            let size = match &item.node {
                Selection::Field(field) => {
                    1usize.saturating_add(self.selection_set(&field.node.selection_set.node, depth + 1)?)
                }
                Selection::InlineFragment(inline) => self.selection_set(&inline.node.selection_set.node, depth + 1)?,
                Selection::FragmentSpread(spread) => {
                    self.fragment(spread.node.fragment_name.node.as_str(), depth + 1)?
                }
            };
            total = total.saturating_add(size);
        }
        Ok(total)
    }

    fn fragment(&mut self, name: &'a str, depth: usize) -> Result<usize, AppError> {
        if let Some(known) = self.fragments.get(name) {
            return Ok(known.unwrap_or(0));
        }
        let Some(definition) = self.document.fragments.get(name) else { return Ok(0) };
        self.fragments.insert(name, None);
        let size = self.selection_set(&definition.node.selection_set.node, depth)?;
        self.fragments.insert(name, Some(size));
        Ok(size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(query: String) -> async_graphql::Request {
        async_graphql::Request::new(query)
    }

    #[test]
    fn nesting_ignores_brackets_in_strings_and_comments() {
        assert_eq!(
            nesting_depth(
                r#"{ a(x: "{{{[[[") # ((((
 { b } }"#
            ),
            2
        );
        assert_eq!(nesting_depth(r#"{ a(x: """ {{{ \""" [[[ """) }"#), 2);
        assert_eq!(nesting_depth(r#"{ a(x: "\"{{") }"#), 2);
    }

    #[test]
    fn deeply_nested_values_are_refused_before_parsing() {
        let query = format!("{{articles(filter:{{tags:{}{}}}){{nodes{{id}}}}}}", "[".repeat(3000), "]".repeat(3000));
        let error = admit(&mut request(query), usize::MAX).err();
        assert!(matches!(error, Some(AppError::Invalid(_))), "{error:?}");
    }

    #[test]
    fn fragment_fan_out_is_refused_in_linear_time() {
        let n = 60;
        let mut query = format!("{{...F{n}}}\nfragment F0 on QueryRoot{{__typename}}\n");
        for i in 1..=n {
            query.push_str(&format!("fragment F{i} on QueryRoot{{...F{} ...F{}}}\n", i - 1, i - 1));
        }
        let error = admit(&mut request(query), usize::MAX).err();
        assert!(matches!(error, Some(AppError::Invalid(_))), "{error:?}");
    }

    #[test]
    fn long_fragment_chains_are_refused() {
        let n = 10_000;
        let mut query = format!("{{...F{n}}}\nfragment F0 on QueryRoot{{__typename}}\n");
        for i in 1..=n {
            query.push_str(&format!("fragment F{i} on QueryRoot{{...F{}}}\n", i - 1));
        }
        let error = admit(&mut request(query), usize::MAX).err();
        assert!(matches!(error, Some(AppError::Invalid(_))), "{error:?}");
    }

    #[test]
    fn ordinary_queries_and_cycles_pass() {
        let query = "query { articles(first: 5) { nodes { ...A } } } fragment A on Article { id headline }";
        assert!(admit(&mut request(query.into()), usize::MAX).is_ok());
        let cycle = "{ ...A } fragment A on QueryRoot { ...B } fragment B on QueryRoot { ...A }";
        assert!(admit(&mut request(cycle.into()), usize::MAX).is_ok());
    }
}
