//! Calendar values as clients write them: days as `YYYY-MM-DD` and instants
//! as RFC 3339, within the years Pactum's records can plausibly have
//! ([`MIN_YEAR`]–[`MAX_YEAR`]). The GraphQL scalars parse with these
//! functions, so "2023-02-30", year 99999, month 13 or
//! "+275760-09-13T00:00:00Z" are refused at the edge with a message that
//! says what is expected, instead of failing later where nobody can tell the
//! client why (a database that cannot store the year, overflowing date
//! arithmetic).

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// The earliest year accepted.
pub const MIN_YEAR: i32 = 1900;
/// The latest year accepted.
pub const MAX_YEAR: i32 = 2200;

/// Why a calendar value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// Not written `YYYY-MM-DD`.
    DateShape,
    /// Written `YYYY-MM-DD`, but no such day exists (February 30th,
    /// month 13).
    NoSuchDay,
    /// Not an RFC 3339 date and time with an offset (or not a real one).
    InstantShape,
    /// A real day or instant, but in a year outside the accepted range.
    YearOutOfRange(i32),
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DateShape => f.write_str(
                "expected a day written YYYY-MM-DD (four-digit year), e.g. \"2024-03-15\"",
            ),
            Self::NoSuchDay => f.write_str("no such day in the calendar"),
            Self::InstantShape => f.write_str(
                "expected an RFC 3339 date and time with an offset, e.g. \"2024-03-15T09:30:00Z\"",
            ),
            Self::YearOutOfRange(year) => {
                write!(f, "the year {year} is outside {MIN_YEAR} to {MAX_YEAR}")
            }
        }
    }
}

impl std::error::Error for CalendarError {}

fn check_year(year: i32) -> Result<(), CalendarError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(CalendarError::YearOutOfRange(year))
    }
}

/// Parses a day written exactly `YYYY-MM-DD`: four-digit year, two-digit
/// month and day, nothing before or after (no sign, no time, no spaces).
pub fn parse_date(text: &str) -> Result<NaiveDate, CalendarError> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return Err(CalendarError::DateShape);
    }
    // Only ASCII digits are left at these positions, so the slices are on
    // character boundaries and the numbers parse.
    let number = |from: usize, to: usize| {
        text.get(from..to)
            .and_then(|digits| digits.parse::<u32>().ok())
            .ok_or(CalendarError::DateShape)
    };
    let year = i32::try_from(number(0, 4)?).map_err(|_| CalendarError::DateShape)?;
    let (month, day) = (number(5, 7)?, number(8, 10)?);
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or(CalendarError::NoSuchDay)?;
    check_year(date.year())?;
    Ok(date)
}

/// Parses an instant in RFC 3339 (`2024-03-15T09:30:00Z`,
/// `2024-03-15T11:30:00.5+02:00`): four-digit year, an offset required.
/// Returns it in UTC; the year is checked as written (so
/// `1900-01-01T00:30:00+02:00` is in range, though 1899 in UTC).
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, CalendarError> {
    let parsed = DateTime::parse_from_rfc3339(text).map_err(|_| CalendarError::InstantShape)?;
    check_year(parsed.year())?;
    Ok(parsed.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn days_in_range_parse() {
        assert_eq!(parse_date("2024-03-15").ok(), day(2024, 3, 15));
        assert_eq!(parse_date("1900-01-01").ok(), day(1900, 1, 1));
        assert_eq!(parse_date("2200-12-31").ok(), day(2200, 12, 31));
    }

    #[test]
    fn leap_days_follow_the_calendar() {
        assert_eq!(parse_date("2024-02-29").ok(), day(2024, 2, 29));
        assert_eq!(parse_date("2000-02-29").ok(), day(2000, 2, 29));
        assert_eq!(parse_date("2023-02-29"), Err(CalendarError::NoSuchDay));
        assert_eq!(parse_date("1900-02-29"), Err(CalendarError::NoSuchDay));
    }

    #[test]
    fn impossible_days_are_refused() {
        for text in [
            "2023-02-30",
            "2023-13-01",
            "2023-00-10",
            "2023-04-31",
            "2023-01-00",
        ] {
            assert_eq!(parse_date(text), Err(CalendarError::NoSuchDay), "{text}");
        }
    }

    #[test]
    fn years_outside_the_range_are_refused() {
        assert_eq!(
            parse_date("1899-12-31"),
            Err(CalendarError::YearOutOfRange(1899))
        );
        assert_eq!(
            parse_date("2201-01-01"),
            Err(CalendarError::YearOutOfRange(2201))
        );
        assert_eq!(
            parse_date("0000-01-01"),
            Err(CalendarError::YearOutOfRange(0))
        );
    }

    #[test]
    fn other_shapes_are_refused() {
        for text in [
            "",
            " ",
            "99999-01-01",
            "+99999-01-01",
            "-0001-01-01",
            "+2024-01-01",
            "2024-1-5",
            "2024/01/05",
            "20240105",
            " 2024-01-05",
            "2024-01-05 ",
            "2024-01-05T00:00:00Z",
            "2024-01-05T00:00:00",
            "2024-01-05\n",
            "２０２４-01-05",
        ] {
            assert_eq!(parse_date(text), Err(CalendarError::DateShape), "{text:?}");
        }
    }

    #[test]
    fn instants_parse_to_utc() {
        let expected = day(2024, 3, 15).and_then(|d| d.and_hms_opt(9, 30, 0));
        assert_eq!(
            parse_instant("2024-03-15T09:30:00Z")
                .ok()
                .map(|i| i.naive_utc()),
            expected
        );
        assert_eq!(
            parse_instant("2024-03-15T11:30:00+02:00")
                .ok()
                .map(|i| i.naive_utc()),
            expected
        );
        assert!(parse_instant("2024-02-29T23:59:59.999Z").is_ok());
    }

    #[test]
    fn bad_instants_are_refused() {
        for text in [
            "",
            "2024-03-15",
            "2024-03-15T09:30:00",
            "+275760-09-13T00:00:00Z",
            "275760-09-13T00:00:00Z",
            "2023-02-30T00:00:00Z",
            "2023-13-01T00:00:00Z",
            "2024-03-15T25:00:00Z",
            "2024-03-15T09:30:00Z trailing",
        ] {
            assert_eq!(
                parse_instant(text),
                Err(CalendarError::InstantShape),
                "{text:?}"
            );
        }
        assert_eq!(
            parse_instant("2201-01-01T00:00:00Z"),
            Err(CalendarError::YearOutOfRange(2201))
        );
        assert_eq!(
            parse_instant("1899-12-31T23:00:00Z"),
            Err(CalendarError::YearOutOfRange(1899))
        );
    }

    #[test]
    fn the_year_of_an_instant_is_the_one_written() {
        assert!(parse_instant("1900-01-01T00:30:00+02:00").is_ok());
        assert_eq!(
            parse_instant("2201-01-01T01:00:00+02:00"),
            Err(CalendarError::YearOutOfRange(2201))
        );
    }

    #[test]
    fn messages_say_what_is_expected() {
        assert!(CalendarError::DateShape.to_string().contains("YYYY-MM-DD"));
        assert!(CalendarError::InstantShape.to_string().contains("RFC 3339"));
        assert!(
            CalendarError::YearOutOfRange(99999)
                .to_string()
                .contains("1900 to 2200")
        );
    }
    /// Strings made mostly of what dates are made of, so the properties
    /// meet near-misses, not only noise.
    fn date_like() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            any::<String>(),
            proptest::collection::vec(
                prop::sample::select(
                    &[
                        '0', '1', '2', '9', '-', '+', ':', 'T', 'Z', '.', ' ', '\u{662}'
                    ][..]
                ),
                0..32
            )
            .prop_map(String::from_iter),
            (-300_000i32..300_000, 0u32..15, 0u32..33, 0u32..26, 0u32..62)
                .prop_map(|(y, m, d, h, s)| format!("{y:04}-{m:02}-{d:02}T{h:02}:{s:02}:{s:02}Z")),
            (-300_000i32..300_000, 0u32..15, 0u32..33)
                .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        ]
    }

    proptest::proptest! {
        #[test]
        fn days_never_panic_and_what_they_accept_round_trips(text in date_like()) {
            if let Ok(day) = parse_date(&text) {
                proptest::prop_assert!((MIN_YEAR..=MAX_YEAR).contains(&day.year()));
                proptest::prop_assert_eq!(day.format("%Y-%m-%d").to_string(), text);
            }
        }

        #[test]
        fn instants_never_panic_and_stay_in_range(text in date_like()) {
            if let Ok(instant) = parse_instant(&text) {
                // Within a day of the range in UTC (an offset moves it).
                proptest::prop_assert!((MIN_YEAR - 1..=MAX_YEAR + 1).contains(&instant.year()));
                if (MIN_YEAR..=MAX_YEAR).contains(&instant.year()) {
                    proptest::prop_assert_eq!(parse_instant(&instant.to_rfc3339()).ok(), Some(instant));
                }
            }
        }
    }
}
