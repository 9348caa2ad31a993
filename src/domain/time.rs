//! Time on the wire and in the store: UTC, microsecond precision.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SubsecRound, Utc};

/// Now, truncated to what both backends store (microseconds).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Truncates a client-supplied instant to stored precision.
pub fn to_stored(at: DateTime<Utc>) -> NaiveDateTime {
    at.trunc_subsecs(6).naive_utc()
}

pub fn from_stored(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// Parses a date filter: RFC 3339, or `YYYY-MM-DD` meaning 00:00 UTC that day.
pub fn parse_date_param(value: &str) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        return Some(at.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|d| d.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_dates_mean_midnight_utc() {
        let at = parse_date_param("2018-02-12").map(|d| d.to_rfc3339());
        assert_eq!(at.as_deref(), Some("2018-02-12T00:00:00+00:00"));
        let at = parse_date_param("2018-02-12T01:00:00+01:00").map(|d| d.to_rfc3339());
        assert_eq!(at.as_deref(), Some("2018-02-12T00:00:00+00:00"));
        assert!(parse_date_param("12/02/2018").is_none());
    }
}
