//! Japan's national holidays, computed by the rules of the Act on National
//! Holidays (国民の祝日に関する法律) for 1980-2099: fixed dates with the
//! years they apply, the Happy-Monday rules, the equinoxes by the usual
//! astronomical approximation, substitute holidays (振替休日) and citizens'
//! holidays (国民の休日), plus the one-off laws of `data/holiday-exceptions.toml`.

use super::exceptions::{self, Exceptions};
use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// First year computed: the equinox formula holds from 1980.
pub const FIRST_YEAR: i32 = 1980;
/// Last year computed: the equinox formula holds until 2099.
pub const LAST_YEAR: i32 = 2099;

pub const NEW_YEARS_DAY: &str = "元日 / New Year's Day";
pub const COMING_OF_AGE_DAY: &str = "成人の日 / Coming of Age Day";
pub const NATIONAL_FOUNDATION_DAY: &str = "建国記念の日 / National Foundation Day";
pub const EMPERORS_BIRTHDAY: &str = "天皇誕生日 / The Emperor's Birthday";
pub const VERNAL_EQUINOX_DAY: &str = "春分の日 / Vernal Equinox Day";
pub const SHOWA_DAY: &str = "昭和の日 / Showa Day";
pub const CONSTITUTION_DAY: &str = "憲法記念日 / Constitution Memorial Day";
pub const GREENERY_DAY: &str = "みどりの日 / Greenery Day";
pub const CHILDRENS_DAY: &str = "こどもの日 / Children's Day";
pub const MARINE_DAY: &str = "海の日 / Marine Day";
pub const MOUNTAIN_DAY: &str = "山の日 / Mountain Day";
pub const RESPECT_FOR_THE_AGED_DAY: &str = "敬老の日 / Respect for the Aged Day";
pub const AUTUMNAL_EQUINOX_DAY: &str = "秋分の日 / Autumnal Equinox Day";
pub const HEALTH_AND_SPORTS_DAY: &str = "体育の日 / Health and Sports Day";
pub const SPORTS_DAY: &str = "スポーツの日 / Sports Day";
pub const CULTURE_DAY: &str = "文化の日 / Culture Day";
pub const LABOR_THANKSGIVING_DAY: &str = "勤労感謝の日 / Labor Thanksgiving Day";
pub const SUBSTITUTE_HOLIDAY: &str = "振替休日 / Substitute holiday";
pub const CITIZENS_HOLIDAY: &str = "国民の休日 / Citizens' holiday";

/// One national holiday. Serializes as `{"date": "2026-01-01", "name": "元日 / New Year's Day"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: String,
}

/// Why the holidays of a year cannot be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HolidayError {
    #[error("national holidays are computed for {FIRST_YEAR}-{LAST_YEAR} only (the equinox formula holds for those years); {0} is outside")]
    OutOfRange(i32),
    #[error("{0}")]
    Table(String),
}

/// The national holidays of `year`, sorted by date, or why they are unknown.
pub fn try_holidays(year: i32) -> Result<Vec<Holiday>, HolidayError> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(HolidayError::OutOfRange(year));
    }
    let all = all_years()
        .as_ref()
        .map_err(|e| HolidayError::Table(e.clone()))?;
    Ok(all[(year - FIRST_YEAR) as usize]
        .iter()
        .map(|(date, name)| Holiday {
            date: *date,
            name: name.clone(),
        })
        .collect())
}

/// The national holidays of `year` (substitute and citizens' holidays
/// included), sorted; empty outside 1980-2099 (see [`try_holidays`]).
pub fn holidays(year: i32) -> Vec<Holiday> {
    try_holidays(year).unwrap_or_default()
}

/// The name of the national holiday on `d`, if it is one. Always `None`
/// outside 1980-2099.
pub fn holiday_name(d: NaiveDate) -> Option<&'static str> {
    let year = d.year();
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return None;
    }
    let all = all_years().as_ref().ok()?;
    all[(year - FIRST_YEAR) as usize]
        .get(&d)
        .map(String::as_str)
}

/// Whether national holidays are known for `year`.
pub fn year_known(year: i32) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&year) && all_years().is_ok()
}

/// Every year computed once, on first use.
fn all_years() -> &'static Result<Vec<BTreeMap<NaiveDate, String>>, String> {
    static ALL: OnceLock<Result<Vec<BTreeMap<NaiveDate, String>>, String>> = OnceLock::new();
    ALL.get_or_init(|| {
        let ex = exceptions::load()?;
        (FIRST_YEAR..=LAST_YEAR)
            .map(|y| compute_year(y, &ex))
            .collect()
    })
}

/// The holidays of one year by rule plus the exceptions (no range check).
pub(crate) fn compute_year(
    year: i32,
    ex: &Exceptions,
) -> Result<BTreeMap<NaiveDate, String>, String> {
    let mut named: BTreeMap<NaiveDate, String> = BTreeMap::new();
    for (date, name) in by_rule(year) {
        if let Some(d) = date {
            named.insert(d, name.to_string());
        }
    }
    for m in ex.moved.iter().filter(|m| m.from.year() == year) {
        match named.get(&m.from) {
            Some(n) if *n == m.name => {
                named.remove(&m.from);
            }
            _ => {
                return Err(format!(
                    "holiday exceptions table: {} is not on {} by rule, so it cannot be moved from there",
                    m.name, m.from
                ))
            }
        }
    }
    let moved_in = ex.moved.iter().filter(|m| m.to.year() == year);
    let added = ex.added.iter().filter(|a| a.date.year() == year);
    for (date, name) in moved_in
        .map(|m| (m.to, &m.name))
        .chain(added.map(|a| (a.date, &a.name)))
    {
        if let Some(other) = named.insert(date, name.clone()) {
            return Err(format!(
                "holiday exceptions table: {name} on {date} falls on {other}"
            ));
        }
    }
    let mut all = named.clone();
    for d in substitutes(year, &named) {
        all.insert(d, SUBSTITUTE_HOLIDAY.to_string());
    }
    for d in citizens_holidays(year, &named) {
        all.entry(d).or_insert_with(|| CITIZENS_HOLIDAY.to_string());
    }
    Ok(all)
}

/// The named holidays (国民の祝日) of a year by rule; `None` where the rule
/// does not apply that year.
fn by_rule(y: i32) -> Vec<(Option<NaiveDate>, &'static str)> {
    let on = |m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d);
    let when = |cond: bool, d: Option<NaiveDate>| if cond { d } else { None };
    let monday = |m: u32, n: u8| NaiveDate::from_weekday_of_month_opt(y, m, Weekday::Mon, n);
    let april_29 = if y <= 1988 {
        EMPERORS_BIRTHDAY
    } else if y <= 2006 {
        GREENERY_DAY
    } else {
        SHOWA_DAY
    };
    let october = if y < 2000 { on(10, 10) } else { monday(10, 2) };
    vec![
        (on(1, 1), NEW_YEARS_DAY),
        (
            if y < 2000 { on(1, 15) } else { monday(1, 2) },
            COMING_OF_AGE_DAY,
        ),
        (on(2, 11), NATIONAL_FOUNDATION_DAY),
        (when(y >= 2020, on(2, 23)), EMPERORS_BIRTHDAY),
        (on(3, vernal_equinox_day(y)), VERNAL_EQUINOX_DAY),
        (on(4, 29), april_29),
        (on(5, 3), CONSTITUTION_DAY),
        (when(y >= 2007, on(5, 4)), GREENERY_DAY),
        (on(5, 5), CHILDRENS_DAY),
        (
            if y < 1996 {
                None
            } else if y <= 2002 {
                on(7, 20)
            } else {
                monday(7, 3)
            },
            MARINE_DAY,
        ),
        (when(y >= 2016, on(8, 11)), MOUNTAIN_DAY),
        (
            if y <= 2002 { on(9, 15) } else { monday(9, 3) },
            RESPECT_FOR_THE_AGED_DAY,
        ),
        (on(9, autumnal_equinox_day(y)), AUTUMNAL_EQUINOX_DAY),
        (when(y < 2020, october), HEALTH_AND_SPORTS_DAY),
        (when(y >= 2020, october), SPORTS_DAY),
        (on(11, 3), CULTURE_DAY),
        (on(11, 23), LABOR_THANKSGIVING_DAY),
        (
            when((1989..=2018).contains(&y), on(12, 23)),
            EMPERORS_BIRTHDAY,
        ),
    ]
}

/// Day of March of the vernal equinox, by the approximation
/// `floor(20.8431 + 0.242194 (Y - 1980) - floor((Y - 1980) / 4))`,
/// valid 1980-2099 (computed in millionths, exactly).
pub fn vernal_equinox_day(year: i32) -> u32 {
    equinox(20_843_100, year)
}

/// Day of September of the autumnal equinox:
/// `floor(23.2488 + 0.242194 (Y - 1980) - floor((Y - 1980) / 4))`, 1980-2099.
pub fn autumnal_equinox_day(year: i32) -> u32 {
    equinox(23_248_800, year)
}

fn equinox(base_millionths: i64, year: i32) -> u32 {
    let n = i64::from(year - FIRST_YEAR);
    let v = base_millionths + 242_194 * n - 1_000_000 * n.div_euclid(4);
    v.div_euclid(1_000_000) as u32
}

/// 振替休日: a named holiday on a Sunday makes the next day a holiday when
/// that day is not a named holiday itself (1973-2006); since 2007, the first
/// following day that is not a named holiday.
fn substitutes(year: i32, named: &BTreeMap<NaiveDate, String>) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    for d in named.keys().filter(|d| d.weekday() == Weekday::Sun) {
        let mut next = d.checked_add_days(Days::new(1));
        if year >= 2007 {
            while let Some(n) = next.filter(|n| named.contains_key(n)) {
                next = n.checked_add_days(Days::new(1));
            }
        } else if next.is_some_and(|n| named.contains_key(&n)) {
            next = None;
        }
        out.extend(next);
    }
    out
}

/// 国民の休日 (from 1986): a day that is not a named holiday, between two
/// named holidays. Until 2006 Sundays and substitute holidays were excluded.
fn citizens_holidays(year: i32, named: &BTreeMap<NaiveDate, String>) -> Vec<NaiveDate> {
    if year < 1986 {
        return Vec::new();
    }
    let subs = substitutes(year, named);
    let dates: Vec<NaiveDate> = named.keys().copied().collect();
    dates
        .windows(2)
        .filter(|w| (w[1] - w[0]).num_days() == 2)
        .filter_map(|w| w[0].checked_add_days(Days::new(1)))
        .filter(|d| year >= 2007 || (d.weekday() != Weekday::Sun && !subs.contains(d)))
        .collect()
}
