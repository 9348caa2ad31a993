//! tracing setup: one line per event on stderr, filtered by `DATELINE_LOG`.

use std::io::IsTerminal;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    // A second init (tests) is harmless: the first subscriber stays.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .finish()
        .with(QuietClientErrors)
        .try_init();
}

/// actix-http logs every request it cannot parse at ERROR ("stream error:
/// request parse error: …", "message head is too large"): a client's
/// mistake, answered with a 400 or 431, that would page an operator and
/// let any scanner fill the log. Those lines are dropped; errors of the
/// server's own stay.
struct QuietClientErrors;

impl<S: Subscriber> Layer<S> for QuietClientErrors {
    fn event_enabled(&self, event: &Event<'_>, _: Context<'_, S>) -> bool {
        let metadata = event.metadata();
        if *metadata.level() != Level::ERROR || !metadata.target().starts_with("actix_http::h1") {
            return true;
        }
        let mut message = Message::default();
        event.record(&mut message);
        !is_client_error(&message.0)
    }
}

fn is_client_error(message: &str) -> bool {
    message.contains("request parse error") || message.contains("message head is too large")
}

#[derive(Default)]
struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_client_error;

    #[test]
    fn only_parse_errors_are_quiet() {
        assert!(is_client_error("stream error: request parse error: invalid Header provided"));
        assert!(is_client_error("stream error: request parse error: message head is too large"));
        assert!(!is_client_error("Response payload stream error: broken pipe"));
    }
}
