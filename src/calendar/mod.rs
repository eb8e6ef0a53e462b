//! The desk's business calendar: opening hours in one time zone, Japan's
//! national holidays, company closures, and the statutory deadlines counted
//! on it ([`deadlines`]).
//!
//! A business day is a day the desk is open. A request that arrives after
//! closing time or on a closed day counts as received on the next open day;
//! "n business days" are then the n-th open day after that.

mod business_clock;
pub mod deadlines;
mod exceptions;
pub mod holidays;
mod parse;

#[cfg(test)]
mod tests;

pub use holidays::{holiday_name, holidays, try_holidays, Holiday, HolidayError};
pub use parse::DATETIME_FORMATS;

use crate::config::{
    parse_date, parse_month_day, parse_time, parse_time_zone, parse_weekday, CalendarConfig,
};
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;

/// Most days scanned looking for an open day (ten years).
const MAX_SCAN_DAYS: u32 = 3660;

/// When the desk is open. Build it with [`Calendar::from_config`] or
/// [`Calendar::japan_default`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    tz: Tz,
    opens: NaiveTime,
    closes: NaiveTime,
    /// Indexed by `Weekday::num_days_from_monday`.
    open_days: [bool; 7],
    japanese_holidays: bool,
    yearly: Vec<YearlyClosure>,
    dated: Vec<DatedClosure>,
}

/// Closed every year from `from` to `to` (month, day), maybe over the new year.
#[derive(Debug, Clone, PartialEq, Eq)]
struct YearlyClosure {
    from: (u32, u32),
    to: (u32, u32),
    name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct DatedClosure {
    from: NaiveDate,
    to: NaiveDate,
    name: String,
}

/// Whether the desk is open at one moment, why not, and when that changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenState {
    pub at: DateTime<Tz>,
    pub open: bool,
    /// Why it is closed: the day's reason, or before/after hours.
    pub reason: Option<String>,
    /// When open: the closing time of this day.
    pub closes_at: Option<DateTime<Tz>>,
    /// When closed: the next opening.
    pub reopens_at: Option<DateTime<Tz>>,
}

impl Calendar {
    /// The calendar described by `[calendar]`; the message names the key at
    /// fault (the configuration checks have already located it).
    pub fn from_config(cfg: &CalendarConfig) -> Result<Calendar, String> {
        fn key(k: &'static str) -> impl Fn(String) -> String {
            move |e| format!("calendar.{k}: {e}")
        }
        let tz = parse_time_zone(&cfg.time_zone).map_err(key("time_zone"))?;
        let opens = parse_time(&cfg.opens).map_err(key("opens"))?;
        let closes = parse_time(&cfg.closes).map_err(key("closes"))?;
        if closes <= opens {
            return Err(format!(
                "calendar.closes: closes ({}) must be later than opens ({})",
                cfg.closes, cfg.opens
            ));
        }
        let mut open_days = [false; 7];
        for d in &cfg.open_days {
            let day = parse_weekday(d).map_err(key("open_days"))?;
            open_days[day.num_days_from_monday() as usize] = true;
        }
        if !open_days.contains(&true) {
            return Err("calendar.open_days: no day of the week is open".into());
        }
        let mut yearly = Vec::new();
        for c in &cfg.yearly_closures {
            let from = parse_month_day(&c.from).map_err(key("yearly_closures"))?;
            let to = match &c.to {
                Some(t) => parse_month_day(t).map_err(key("yearly_closures"))?,
                None => from,
            };
            yearly.push(YearlyClosure {
                from,
                to,
                name: c.name.trim().to_string(),
            });
        }
        let mut dated = Vec::new();
        for c in &cfg.closures {
            let from = parse_date(&c.from).map_err(key("closures"))?;
            let to = match &c.to {
                Some(t) => parse_date(t).map_err(key("closures"))?,
                None => from,
            };
            if to < from {
                return Err(format!(
                    "calendar.closures: \"{}\" ends ({to}) before it starts ({from})",
                    c.name
                ));
            }
            dated.push(DatedClosure {
                from,
                to,
                name: c.name.trim().to_string(),
            });
        }
        Ok(Calendar {
            tz,
            opens,
            closes,
            open_days,
            japanese_holidays: cfg.japanese_holidays,
            yearly,
            dated,
        })
    }

    /// 9:00-17:00 Asia/Tokyo, Monday to Friday, closed on national holidays
    /// and from December 29 to January 3.
    pub fn japan_default() -> Calendar {
        let at = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN);
        Calendar {
            tz: chrono_tz::Asia::Tokyo,
            opens: at(9),
            closes: at(17),
            open_days: [true, true, true, true, true, false, false],
            japanese_holidays: true,
            yearly: vec![YearlyClosure {
                from: (12, 29),
                to: (1, 3),
                name: "year-end closure".into(),
            }],
            dated: Vec::new(),
        }
    }

    pub fn time_zone(&self) -> Tz {
        self.tz
    }

    pub fn opens(&self) -> NaiveTime {
        self.opens
    }

    pub fn closes(&self) -> NaiveTime {
        self.closes
    }

    /// Why the desk is closed on `d`, or `None` on an open day: the national
    /// holiday's name, the company closure's name, or the day of the week.
    pub fn closed_reason(&self, d: NaiveDate) -> Option<String> {
        self.closure(d).map(str::to_string)
    }

    fn closure(&self, d: NaiveDate) -> Option<&str> {
        self.special_closure(d).or_else(|| {
            (!self.open_days[d.weekday().num_days_from_monday() as usize])
                .then(|| weekday_name(d.weekday()))
        })
    }

    /// A national holiday or company closure on `d` (not a weekly day off).
    pub(crate) fn special_closure(&self, d: NaiveDate) -> Option<&str> {
        if self.japanese_holidays {
            if let Some(name) = holiday_name(d) {
                return Some(name);
            }
        }
        if let Some(c) = self.dated.iter().find(|c| c.from <= d && d <= c.to) {
            return Some(&c.name);
        }
        let md = (d.month(), d.day());
        let in_yearly = |c: &&YearlyClosure| {
            if c.from <= c.to {
                c.from <= md && md <= c.to
            } else {
                md >= c.from || md <= c.to
            }
        };
        self.yearly.iter().find(in_yearly).map(|c| c.name.as_str())
    }

    pub fn is_open_day(&self, d: NaiveDate) -> bool {
        self.closure(d).is_none()
    }

    /// Whether national holidays are known for the year of `d` (always true
    /// when the calendar does not close on them).
    pub fn holidays_known(&self, d: NaiveDate) -> bool {
        !self.japanese_holidays || holidays::year_known(d.year())
    }

    /// Open at `t`: an open day, at or after opening and before closing time.
    pub fn is_open_at<Z: TimeZone>(&self, t: DateTime<Z>) -> bool {
        let t = t.with_timezone(&self.tz);
        self.is_open_day(t.date_naive()) && self.within_hours(t.time())
    }

    fn within_hours(&self, time: NaiveTime) -> bool {
        self.opens <= time && time < self.closes
    }

    /// `t` itself when open, else the next opening time.
    pub fn next_opening<Z: TimeZone>(&self, t: DateTime<Z>) -> DateTime<Tz> {
        let t = t.with_timezone(&self.tz);
        let d = t.date_naive();
        if self.is_open_day(d) {
            if self.within_hours(t.time()) {
                return t;
            }
            if t.time() < self.opens {
                return self.at(d, self.opens);
            }
        }
        self.at(self.next_open_day(next_day(d)), self.opens)
    }

    /// `d` itself when open, else the first open day after it.
    pub fn next_open_day(&self, d: NaiveDate) -> NaiveDate {
        let mut day = d;
        for _ in 0..MAX_SCAN_DAYS {
            if self.is_open_day(day) {
                return day;
            }
            day = next_day(day);
        }
        day
    }

    /// The first open day strictly after `d`.
    pub fn open_day_after(&self, d: NaiveDate) -> NaiveDate {
        self.next_open_day(next_day(d))
    }

    /// The day a request received at `received` counts as received: that
    /// day when it is open and the desk has not closed yet, else the next
    /// open day.
    pub fn receipt_day<Z: TimeZone>(&self, received: DateTime<Z>) -> NaiveDate {
        let t = received.with_timezone(&self.tz);
        let d = t.date_naive();
        if self.is_open_day(d) && t.time() < self.closes {
            d
        } else {
            self.open_day_after(d)
        }
    }

    /// The business day `n` open days after the day the request counts as
    /// received (a request received after closing time or on a closed day
    /// counts from the next open day).
    pub fn add_business_days<Z: TimeZone>(&self, received: DateTime<Z>, n: u32) -> NaiveDate {
        let mut d = self.receipt_day(received);
        for _ in 0..n {
            d = self.open_day_after(d);
        }
        d
    }

    /// Open or closed at `t`, why, and when that changes.
    pub fn state_at<Z: TimeZone>(&self, t: DateTime<Z>) -> OpenState {
        let t = t.with_timezone(&self.tz);
        let d = t.date_naive();
        let reason = match self.closure(d) {
            Some(r) => Some(r.to_string()),
            None if t.time() < self.opens => Some(format!(
                "before opening time ({})",
                self.opens.format("%H:%M")
            )),
            None if t.time() >= self.closes => Some(format!(
                "after closing time ({})",
                self.closes.format("%H:%M")
            )),
            None => None,
        };
        let open = reason.is_none();
        OpenState {
            at: t,
            open,
            closes_at: open.then(|| self.at(d, self.closes)),
            reopens_at: (!open).then(|| self.next_opening(t)),
            reason,
        }
    }

    /// Local time `time` of day `d` in the calendar's zone. A time skipped
    /// by a daylight-saving change is taken one hour later; a repeated one
    /// is the earlier.
    pub fn at(&self, d: NaiveDate, time: NaiveTime) -> DateTime<Tz> {
        let naive = d.and_time(time);
        local(self.tz, naive)
            .or_else(|| local(self.tz, naive + chrono::Duration::hours(1)))
            .unwrap_or_else(|| self.tz.from_utc_datetime(&naive))
    }

    /// Parse a date and time given by a user: RFC 3339, or `YYYY-MM-DD HH:MM`
    /// in the calendar's time zone.
    pub fn parse_datetime(&self, s: &str) -> Result<DateTime<Tz>, String> {
        parse::parse_datetime(s, self.tz)
    }
}

fn local(tz: Tz, naive: NaiveDateTime) -> Option<DateTime<Tz>> {
    tz.from_local_datetime(&naive).earliest()
}

fn next_day(d: NaiveDate) -> NaiveDate {
    d.checked_add_days(Days::new(1)).unwrap_or(d)
}

/// The English name of a day of the week.
pub fn weekday_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}
