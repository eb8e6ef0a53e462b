//! `[calendar]` (business hours, time zone, closures) and `[deadlines]`
//! (response targets per law and kind), with the parsers of their values.
//! The `calendar` module turns them into a working calendar; the checks in
//! `calendar_checks` locate every bad value.

use crate::domain::{Law, RequestKind};
use chrono::{NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// `[calendar]`: when the desk is open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarConfig {
    /// IANA time zone name, e.g. `Asia/Tokyo`.
    pub time_zone: String,
    /// Opening time, `HH:MM` (24-hour clock).
    pub opens: String,
    /// Closing time, `HH:MM`; the desk is closed from this minute on.
    pub closes: String,
    /// Days of the week the desk is open: `mon` ... `sun`.
    pub open_days: Vec<String>,
    /// Closed on Japan's national holidays.
    pub japanese_holidays: bool,
    /// Closures every year, dates as `MM-DD`; may run over the new year.
    #[serde(default)]
    pub yearly_closures: Vec<ClosureDef>,
    /// One-off closures, dates as `YYYY-MM-DD`.
    #[serde(default)]
    pub closures: Vec<ClosureDef>,
}

/// One closure: `{ from = "12-29", to = "01-03", name = "year-end closure" }`.
/// Without `to`, the closure is the one day `from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosureDef {
    #[serde(deserialize_with = "date_or_text")]
    pub from: String,
    #[serde(default, deserialize_with = "optional_date_or_text")]
    pub to: Option<String>,
    pub name: String,
}

/// A string, or a TOML date (`2026-08-13` without quotes) taken as its text.
fn date_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match toml::Value::deserialize(d)? {
        toml::Value::String(s) => Ok(s),
        toml::Value::Datetime(dt) => Ok(dt.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected a date such as \"2026-08-13\" or \"12-29\", found {}",
            other.type_str()
        ))),
    }
}

fn optional_date_or_text<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    date_or_text(d).map(Some)
}

impl Default for CalendarConfig {
    /// The built-in calendar: 9:00-17:00 Asia/Tokyo, Monday to Friday,
    /// closed on national holidays and from December 29 to January 3.
    fn default() -> Self {
        CalendarConfig {
            time_zone: "Asia/Tokyo".into(),
            opens: "09:00".into(),
            closes: "17:00".into(),
            open_days: ["mon", "tue", "wed", "thu", "fri"]
                .map(String::from)
                .to_vec(),
            japanese_holidays: true,
            yearly_closures: vec![ClosureDef {
                from: "12-29".into(),
                to: Some("01-03".into()),
                name: "year-end closure".into(),
            }],
            closures: Vec::new(),
        }
    }
}

/// `[deadlines]`: response targets. APPI says "without delay", so its target
/// is the desk's own; GDPR and CCPA targets may be shorter than the law's
/// period, never longer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DeadlineConfig {
    pub appi: AppiDeadlines,
    pub gdpr: GdprDeadlines,
    pub ccpa: CcpaDeadlines,
}

/// `[deadlines.appi]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppiDeadlines {
    /// Business days after receipt for an APPI rights request.
    pub business_days: u32,
    /// Business days for complaints and general inquiries (cases without a
    /// request kind): "appropriately and promptly" (APPI Art. 40).
    pub contact_business_days: u32,
    /// Per-kind targets overriding `business_days`: `disclosure = 7`.
    #[serde(default)]
    pub kinds: IndexMap<String, u32>,
}

/// `[deadlines.gdpr]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GdprDeadlines {
    /// Months an answer may be extended by, with notice (Art. 12(3): at most 2;
    /// 0 refuses extensions).
    pub extension_months: u32,
}

/// `[deadlines.ccpa]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CcpaDeadlines {
    /// Calendar days to answer a request to know, delete or correct (at most 45).
    pub days: u32,
    /// Calendar days an answer may be extended by, with notice (at most 45).
    pub extension_days: u32,
    /// Business days to confirm receipt (at most 10).
    pub receipt_business_days: u32,
    /// Business days to act on an opt-out of sale/sharing (at most 15).
    pub opt_out_business_days: u32,
}

impl Default for AppiDeadlines {
    fn default() -> Self {
        AppiDeadlines {
            business_days: 10,
            contact_business_days: 10,
            kinds: IndexMap::new(),
        }
    }
}

impl Default for GdprDeadlines {
    fn default() -> Self {
        GdprDeadlines {
            extension_months: GDPR_MAX_EXTENSION_MONTHS,
        }
    }
}

impl Default for CcpaDeadlines {
    fn default() -> Self {
        CcpaDeadlines {
            days: CCPA_MAX_DAYS,
            extension_days: CCPA_MAX_EXTENSION_DAYS,
            receipt_business_days: CCPA_MAX_RECEIPT_BUSINESS_DAYS,
            opt_out_business_days: CCPA_MAX_OPT_OUT_BUSINESS_DAYS,
        }
    }
}

/// GDPR Art. 12(3): "by two further months".
pub const GDPR_MAX_EXTENSION_MONTHS: u32 = 2;
/// 11 CCR §7021(b): 45 calendar days.
pub const CCPA_MAX_DAYS: u32 = 45;
/// 11 CCR §7021(b): "up to an additional 45 calendar days".
pub const CCPA_MAX_EXTENSION_DAYS: u32 = 45;
/// 11 CCR §7021(a): confirm receipt within 10 business days.
pub const CCPA_MAX_RECEIPT_BUSINESS_DAYS: u32 = 10;
/// 11 CCR §7026(f): act on an opt-out within 15 business days.
pub const CCPA_MAX_OPT_OUT_BUSINESS_DAYS: u32 = 15;
/// Upper bound of any business-day target (about a year of business days).
pub const MAX_BUSINESS_DAYS: u32 = 250;

impl DeadlineConfig {
    /// The APPI target in business days: the kind's override, else the
    /// general target; `None` (complaints, inquiries) is the contact target.
    pub fn appi_business_days(&self, kind: Option<RequestKind>) -> u32 {
        match kind {
            None => self.appi.contact_business_days,
            Some(k) => self
                .appi
                .kinds
                .get(k.as_str())
                .copied()
                .unwrap_or(self.appi.business_days),
        }
    }
}

/// A time of day written `HH:MM` (24-hour clock; the hour may have one digit).
pub fn parse_time(s: &str) -> Result<NaiveTime, String> {
    let bad = || {
        format!("\"{s}\" is not a time of day: write HH:MM on a 24-hour clock, e.g. \"09:00\" or \"17:30\"")
    };
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    let digits = |t: &str, max_len: usize| {
        !t.is_empty() && t.len() <= max_len && t.chars().all(|c| c.is_ascii_digit())
    };
    if !digits(h, 2) || !digits(m, 2) || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    NaiveTime::from_hms_opt(h, m, 0).ok_or_else(bad)
}

/// A day of the week: `mon` ... `sun` or the full English name, any case.
pub fn parse_weekday(s: &str) -> Result<Weekday, String> {
    const NAMES: [(&str, &str, Weekday); 7] = [
        ("mon", "monday", Weekday::Mon),
        ("tue", "tuesday", Weekday::Tue),
        ("wed", "wednesday", Weekday::Wed),
        ("thu", "thursday", Weekday::Thu),
        ("fri", "friday", Weekday::Fri),
        ("sat", "saturday", Weekday::Sat),
        ("sun", "sunday", Weekday::Sun),
    ];
    let t = s.trim().to_ascii_lowercase();
    NAMES
        .iter()
        .find(|(short, long, _)| t == *short || t == *long)
        .map(|(_, _, d)| *d)
        .ok_or_else(|| {
            format!("unknown day of the week \"{s}\": use mon, tue, wed, thu, fri, sat or sun")
        })
}

/// An IANA time zone name.
pub fn parse_time_zone(s: &str) -> Result<Tz, String> {
    s.trim().parse::<Tz>().map_err(|_| {
        format!("unknown time zone \"{s}\": use an IANA name such as \"Asia/Tokyo\" or \"Europe/Paris\"")
    })
}

/// A calendar date `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let t = s.trim();
    let shaped = t.len() == 10
        && t.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(format!(
            "\"{s}\" is not a date: write YYYY-MM-DD, e.g. \"2026-08-13\""
        ));
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map_err(|_| format!("\"{s}\" is not a day of the calendar (check month and day)"))
}

/// A day of every year `MM-DD` (February 29 allowed: it counts in leap years).
pub fn parse_month_day(s: &str) -> Result<(u32, u32), String> {
    let t = s.trim();
    let bad = || format!("\"{s}\" is not a day of the year: write MM-DD, e.g. \"12-29\"");
    let (m, d) = t.split_once('-').ok_or_else(bad)?;
    if m.len() != 2 || d.len() != 2 || !(m.chars().chain(d.chars())).all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let (m, d): (u32, u32) = (m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    // 2000 is a leap year, so every day that exists in some year is accepted.
    if NaiveDate::from_ymd_opt(2000, m, d).is_none() {
        return Err(format!(
            "\"{s}\" is not a day of the year (month {m} has no day {d})"
        ));
    }
    Ok((m, d))
}

/// The APPI request kind a key of `[deadlines.appi.kinds]` names.
pub(crate) fn appi_kind(key: &str) -> Result<RequestKind, String> {
    let names = RequestKind::of_law(Law::Appi)
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    match RequestKind::parse(key) {
        Some(k) if k.law() == Law::Appi && k.as_str() == key => Ok(k),
        Some(k) if k.law() == Law::Appi => Err(format!(
            "write the request kind \"{key}\" as \"{}\"",
            k.as_str()
        )),
        Some(k) if k.law() != Law::Appi => Err(format!(
            "\"{key}\" is a {} request, not an APPI one; APPI kinds are {names}",
            k.law().label()
        )),
        _ => Err(format!(
            "unknown APPI request kind \"{key}\"; APPI kinds are {names}"
        )),
    }
}
