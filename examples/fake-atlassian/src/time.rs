//! A logical clock and the timestamp formats of Jira and Confluence.
//!
//! The fake never reads the wall clock: seed data has fixed times and every write advances a
//! logical clock by one minute, so responses are the same on every run.

/// Seconds since the Unix epoch of `year-month-day 00:00:00 UTC` (proleptic Gregorian).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // Howard Hinnant's algorithm (chrono-compatible), shifted so that March is month 0.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `(year, month, day)` of a day number counted from the Unix epoch.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// Seconds since the epoch of a UTC date and time.
pub(crate) fn at(year: i64, month: u32, day: u32, hour: i64, minute: i64) -> i64 {
    days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60
}

/// The parts of a timestamp: date and time of day.
fn parts(secs: i64) -> (i64, u32, u32, i64, i64, i64) {
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    (y, m, d, rest / 3600, rest % 3600 / 60, rest % 60)
}

/// Jira's format: `2026-11-20T09:12:44.000+0000`.
pub(crate) fn jira(secs: i64) -> String {
    let (y, mo, d, h, mi, s) = parts(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.000+0000")
}

/// Confluence's format: `2026-11-20T12:00:00.000Z`.
pub(crate) fn iso(secs: i64) -> String {
    let (y, mo, d, h, mi, s) = parts(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.000Z")
}

/// Confluence search's `friendlyLastModified`: `Nov 20, 2026`.
pub(crate) fn friendly(secs: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d, ..) = parts(secs);
    let name = MONTHS
        .get(usize::try_from(mo).unwrap_or(1).saturating_sub(1))
        .copied()
        .unwrap_or("Jan");
    format!("{name} {d}, {y}")
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
    let year: i64 = fields.next()?.parse().ok()?;
    let month: u32 = fields.next()?.parse().ok()?;
    let day: u32 = fields.next()?.parse().ok()?;
    if fields.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (hour, minute) = match time {
        Some(time) => {
            let (h, m) = time.split_once(':')?;
            (h.parse().ok()?, m.parse().ok()?)
        }
        None => (0, 0),
    };
    Some(at(year, month, day, hour, minute))
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
    }
}
