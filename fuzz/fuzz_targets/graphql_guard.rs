//! Any GraphQL query text, admitted or refused before execution in bounded
//! time and stack (deep nesting once aborted the process while parsing).
#![no_main]

use dateline::graphql::guard;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let mut request = async_graphql::Request::new(text);
    let _ = guard::admit(&mut request, 32 * 1024);
});
