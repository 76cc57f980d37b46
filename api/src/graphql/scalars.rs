//! The calendar scalars `Date` and `DateTime`, parsed by
//! [`crate::domain::calendar`]. Their `is_valid` runs the same parse, and
//! async-graphql's validation calls it for literals and for variables
//! alike, so a bad day or instant (February 30th, year 99999, an instant
//! given for a day) is refused before anything executes, as
//! BAD_USER_INPUT naming the argument. Output is written exactly as
//! async-graphql writes chrono's types (`%Y-%m-%d`, `to_rfc3339`).
//! Resolvers convert at the boundary; the domain keeps chrono's types.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{NaiveDate, Utc};

use crate::domain::calendar;

/// What a value of the scalar named `type_name` must look like, for the
/// message of a value that did not (async-graphql's only says "expected
/// type").
pub fn format_hint(type_name: &str) -> Option<String> {
    use crate::domain::calendar::{MAX_YEAR, MIN_YEAR};
    match type_name {
        "Date" => Some(format!(
            "a day that exists, written YYYY-MM-DD, in the years {MIN_YEAR} to {MAX_YEAR}"
        )),
        "DateTime" => Some(format!(
            "an RFC 3339 date and time with an offset (2024-03-15T09:30:00Z), in the years {MIN_YEAR} to {MAX_YEAR}"
        )),
        _ => None,
    }
}

/// A calendar day (GraphQL `Date`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

/// A calendar day without time zone, written `YYYY-MM-DD` (RFC 3339
/// full-date: four-digit year, two-digit month and day), e.g. `2024-03-15`.
/// Years 1900 to 2200; the day must exist (no `2023-02-30`).
#[Scalar(
    name = "Date",
    specified_by_url = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"
)]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => calendar::parse_date(text)
                .map(Date)
                .map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(text) if calendar::parse_date(text).is_ok())
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(day: NaiveDate) -> Self {
        Self(day)
    }
}

/// An instant (GraphQL `DateTime`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(pub chrono::DateTime<Utc>);

/// An instant, written in RFC 3339 with an offset, e.g.
/// `2024-03-15T09:30:00Z` or `2024-03-15T11:30:00+02:00`; sent back in
/// UTC (`+00:00`). Years 1900 to 2200.
#[Scalar(
    name = "DateTime",
    specified_by_url = "https://datatracker.ietf.org/doc/html/rfc3339"
)]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => calendar::parse_instant(text)
                .map(DateTime)
                .map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(text) if calendar::parse_instant(text).is_ok())
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339())
    }
}

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(instant: chrono::DateTime<Utc>) -> Self {
        Self(instant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Value {
        Value::String(s.to_owned())
    }

    #[test]
    fn dates_round_trip_as_before() {
        let parsed = <Date as ScalarType>::parse(text("2024-02-29")).ok();
        assert_eq!(parsed.map(|d| d.to_value()), Some(text("2024-02-29")));
        assert!(<Date as ScalarType>::is_valid(&text("2024-02-29")));
    }

    #[test]
    fn bad_dates_are_invalid() {
        for bad in [
            "2023-02-30",
            "99999-01-01",
            "2023-13-01",
            "",
            "2024-01-01T00:00:00Z",
        ] {
            assert!(!<Date as ScalarType>::is_valid(&text(bad)), "{bad}");
            assert!(<Date as ScalarType>::parse(text(bad)).is_err(), "{bad}");
        }
        assert!(!<Date as ScalarType>::is_valid(&Value::from(20240101)));
    }

    #[test]
    fn instants_are_written_as_chrono_writes_them() {
        let parsed = <DateTime as ScalarType>::parse(text("2024-03-15T11:30:00.5+02:00")).ok();
        assert_eq!(
            parsed.map(|d| d.to_value()),
            Some(text("2024-03-15T09:30:00.500+00:00"))
        );
        assert!(!<DateTime as ScalarType>::is_valid(&text(
            "+275760-09-13T00:00:00Z"
        )));
        assert!(!<DateTime as ScalarType>::is_valid(&text("2024-03-15")));
    }
}
