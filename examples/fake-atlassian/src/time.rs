//! A logical clock and the timestamp formats of Jira and Confluence.
//!
//! The fake never reads the wall clock: seed data has fixed times and every write advances a
//! logical clock by one minute, so responses are the same on every run. Calendar arithmetic is
//! the `time` crate's.

use time::{Date, Month, OffsetDateTime, Time};

/// Seconds since the epoch of a UTC date and time; `None` for a date or time that does not
/// exist (February 30, 25:00) or lies outside years -9999..=9999.
fn try_at(year: i32, month: u8, day: u8, hour: u8, minute: u8) -> Option<i64> {
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    let time = Time::from_hms(hour, minute, 0).ok()?;
    Some(date.with_time(time).assume_utc().unix_timestamp())
}

/// Seconds since the epoch of a UTC date and time of the seed data.
pub(crate) fn at(year: i32, month: u8, day: u8, hour: u8, minute: u8) -> i64 {
    try_at(year, month, day, hour, minute).expect("the seed data's dates exist")
}

/// The UTC date and time of a timestamp (the epoch for one beyond year 9999, which the
/// logical clock never reaches).
fn utc(secs: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `YYYY-MM-DDTHH:MM:SS.000`, the common part of both formats.
fn timestamp(secs: i64) -> String {
    let t = utc(secs);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.000",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Jira's format: `2026-11-20T09:12:44.000+0000`.
pub(crate) fn jira(secs: i64) -> String {
    timestamp(secs) + "+0000"
}

/// Confluence's format: `2026-11-20T12:00:00.000Z`.
pub(crate) fn iso(secs: i64) -> String {
    timestamp(secs) + "Z"
}

/// Confluence search's `friendlyLastModified`: `Nov 20, 2026`.
pub(crate) fn friendly(secs: i64) -> String {
    let t = utc(secs);
    let month = t.month().to_string();
    let short = month.get(..3).unwrap_or(&month);
    format!("{short} {}, {}", t.day(), t.year())
}

/// A JQL date literal: `2026-11-20`, `2026/11/20`, optionally followed by ` HH:mm`, or a
/// relative offset from `now` such as `-7d`, `-2w`, `-4h`, `-30m` (also with a `+`).
pub(crate) fn parse_jql_date(text: &str, now: i64) -> Option<i64> {
    let text = text.trim();
    if let Some(offset) = parse_relative(text) {
        return Some(now + offset);
    }
    let (date, time) = match text.split_once(' ') {
        Some((date, time)) => (date, Some(time.trim())),
        None => (text, None),
    };
    let mut fields = date.split(['-', '/']);
    let year: i32 = fields.next()?.parse().ok()?;
    let month: u8 = fields.next()?.parse().ok()?;
    let day: u8 = fields.next()?.parse().ok()?;
    if fields.next().is_some() {
        return None;
    }
    let (hour, minute) = match time {
        Some(time) => {
            let (h, m) = time.split_once(':')?;
            (h.parse().ok()?, m.parse().ok()?)
        }
        None => (0, 0),
    };
    try_at(year, month, day, hour, minute)
}

/// `-7d` → `-604800`; units `w`, `d`, `h`, `m`.
fn parse_relative(text: &str) -> Option<i64> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'-' => (-1, &text[1..]),
        b'+' => (1, &text[1..]),
        _ => (1, text),
    };
    let unit = rest.chars().last()?;
    let amount: i64 = rest[..rest.len() - unit.len_utf8()].parse().ok()?;
    let scale = match unit {
        'w' => 7 * 86_400,
        'd' => 86_400,
        'h' => 3600,
        'm' => 60,
        _ => return None,
    };
    Some(sign * amount * scale)
}

/// The logical clock: seeded at 2026-11-22 10:00 UTC, one minute per write.
#[derive(Debug, Clone)]
pub(crate) struct Clock {
    now: i64,
}

impl Clock {
    /// The clock of a freshly seeded store.
    pub(crate) fn new() -> Self {
        Self {
            now: at(2026, 11, 22, 10, 0),
        }
    }

    /// The current logical time.
    pub(crate) fn now(&self) -> i64 {
        self.now
    }

    /// Advances by one minute and returns the new time (the time of a write).
    pub(crate) fn tick(&mut self) -> i64 {
        self.now += 60;
        self.now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        let t = at(2026, 11, 20, 9, 12) + 44;
        assert_eq!(jira(t), "2026-11-20T09:12:44.000+0000");
        assert_eq!(iso(t), "2026-11-20T09:12:44.000Z");
        assert_eq!(friendly(t), "Nov 20, 2026");
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso(at(2024, 2, 29, 23, 59)), "2024-02-29T23:59:00.000Z");
    }

    #[test]
    fn parses_jql_dates() {
        let now = at(2026, 11, 22, 10, 0);
        assert_eq!(
            parse_jql_date("2026-11-20", now),
            Some(at(2026, 11, 20, 0, 0))
        );
        assert_eq!(
            parse_jql_date("2026/11/20 08:30", now),
            Some(at(2026, 11, 20, 8, 30))
        );
        assert_eq!(parse_jql_date("-1d", now), Some(now - 86_400));
        assert_eq!(parse_jql_date("-2w", now), Some(now - 14 * 86_400));
        assert_eq!(parse_jql_date("yesterday", now), None);
        assert_eq!(parse_jql_date("2026-13-01", now), None);
        assert_eq!(parse_jql_date("2026-02-30", now), None);
        assert_eq!(parse_jql_date("2026-11-20 25:00", now), None);
    }
}
