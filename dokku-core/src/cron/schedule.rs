//! Cron schedules as Dokku accepts them (robfig/cron's standard parser): five fields
//! (minute, hour, day of month, month, day of week) or a descriptor (`@daily`,
//! `@every 1h30m`, ...). Seconds fields are refused.

/// Why a schedule is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadSchedule(pub String);

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// Checks `schedule`.
pub fn validate(schedule: &str) -> Result<(), BadSchedule> {
    let schedule = schedule.trim();
    if schedule.is_empty() {
        return Err(BadSchedule("empty spec string".into()));
    }
    if let Some(rest) = schedule.strip_prefix('@') {
        if let Some(duration) = rest.strip_prefix("every ") {
            return every(duration.trim());
        }
        return match rest {
            "yearly" | "annually" | "monthly" | "weekly" | "daily" | "midnight" | "hourly" => {
                Ok(())
            }
            _ => Err(BadSchedule(format!("unrecognized descriptor: {schedule}"))),
        };
    }
    let fields: Vec<&str> = schedule.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(BadSchedule(format!(
            "expected exactly 5 fields, found {}: [{}]",
            fields.len(),
            fields.join(" ")
        )));
    }
    field(fields[0], 0, 59, &[])?;
    field(fields[1], 0, 23, &[])?;
    field(fields[2], 1, 31, &[])?;
    field(fields[3], 1, 12, &MONTHS)?;
    field(fields[4], 0, 6, &DAYS)?;
    Ok(())
}

fn every(duration: &str) -> Result<(), BadSchedule> {
    let bad = || BadSchedule(format!("failed to parse duration @every {duration}"));
    let mut rest = duration;
    let mut any = false;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        if digits == 0 {
            return Err(bad());
        }
        rest = &rest[digits..];
        let unit = ["ns", "us", "µs", "ms", "s", "m", "h"]
            .iter()
            .filter(|u| rest.starts_with(**u))
            .max_by_key(|u| u.len())
            .ok_or_else(bad)?;
        rest = &rest[unit.len()..];
        any = true;
    }
    if any {
        Ok(())
    } else {
        Err(bad())
    }
}

fn field(text: &str, min: u32, max: u32, names: &[&str]) -> Result<(), BadSchedule> {
    for part in text.split(',') {
        range(part, min, max, names).map_err(|m| BadSchedule(format!("{m} in field `{text}`")))?;
    }
    Ok(())
}

fn range(part: &str, min: u32, max: u32, names: &[&str]) -> Result<(), String> {
    let (span, step) = match part.split_once('/') {
        Some((span, step)) => (span, Some(step)),
        None => (part, None),
    };
    if let Some(step) = step {
        match step.parse::<u32>() {
            Ok(s) if s > 0 => {}
            _ => return Err(format!("invalid step `{step}`")),
        }
    }
    if span == "*" || span == "?" {
        return Ok(());
    }
    let (lo, hi) = match span.split_once('-') {
        Some((lo, hi)) => (value(lo, names)?, value(hi, names)?),
        None => {
            let v = value(span, names)?;
            (v, v)
        }
    };
    if lo < min || hi > max {
        return Err(format!("`{span}` is outside {min}-{max}"));
    }
    if lo > hi {
        return Err(format!("beginning of range `{span}` is after its end"));
    }
    Ok(())
}

fn value(text: &str, names: &[&str]) -> Result<u32, String> {
    let lower = text.to_ascii_lowercase();
    if let Some(i) = names.iter().position(|n| *n == lower) {
        let offset = if names.len() == 12 { 1 } else { 0 };
        return Ok(i as u32 + offset);
    }
    text.parse::<u32>()
        .map_err(|_| format!("failed to parse `{text}`"))
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn accepts_what_robfig_standard_accepts() {
        for ok in [
            "@daily",
            "@hourly",
            "@every 1h30m",
            "5 * * * *",
            "*/15 0-6 1,15 jan-mar mon-fri",
            "0 0 * * SUN",
            "1-59/2 * ? * *",
        ] {
            assert!(validate(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_seconds_bad_fields_and_descriptors() {
        for bad in [
            "",
            "* * * * * *",
            "* * * *",
            "60 * * * *",
            "* 24 * * *",
            "* * 0 * *",
            "* * * 13 *",
            "* * * * 7",
            "*/0 * * * *",
            "5-1 * * * *",
            "@sometimes",
            "@every",
            "@every 5x",
            "a * * * *",
        ] {
            assert!(validate(bad).is_err(), "{bad}");
        }
    }
}
