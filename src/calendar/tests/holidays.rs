//! National holidays against the Cabinet Office lists (内閣府「国民の祝日について」),
//! written out by hand here, and properties over every supported year.

use super::super::exceptions;
use super::super::holidays::*;
use chrono::{Datelike, Days, NaiveDate, Weekday};

/// (MM-DD, Japanese name) for one year, as the Cabinet Office lists it.
fn official(year: i32, list: &[(&str, &str)]) -> Vec<(NaiveDate, String)> {
    list.iter()
        .map(|(md, name)| {
            let date = NaiveDate::parse_from_str(&format!("{year}-{md}"), "%Y-%m-%d").unwrap();
            (date, name.to_string())
        })
        .collect()
}

/// The computed list as (date, Japanese part of the name).
fn computed(year: i32) -> Vec<(NaiveDate, String)> {
    try_holidays(year)
        .unwrap()
        .into_iter()
        .map(|h| {
            let ja = h.name.split(" / ").next().unwrap().to_string();
            (h.date, ja)
        })
        .collect()
}

fn assert_year(year: i32, list: &[(&str, &str)]) {
    let want = official(year, list);
    let got = computed(year);
    assert_eq!(got, want, "holidays of {year}");
}

#[test]
fn year_2026_with_a_citizens_holiday_in_september() {
    assert_year(
        2026,
        &[
            ("01-01", "元日"),
            ("01-12", "成人の日"),
            ("02-11", "建国記念の日"),
            ("02-23", "天皇誕生日"),
            ("03-20", "春分の日"),
            ("04-29", "昭和の日"),
            ("05-03", "憲法記念日"),
            ("05-04", "みどりの日"),
            ("05-05", "こどもの日"),
            ("05-06", "振替休日"),
            ("07-20", "海の日"),
            ("08-11", "山の日"),
            ("09-21", "敬老の日"),
            ("09-22", "国民の休日"),
            ("09-23", "秋分の日"),
            ("10-12", "スポーツの日"),
            ("11-03", "文化の日"),
            ("11-23", "勤労感謝の日"),
        ],
    );
}

#[test]
fn year_2019_enthronement() {
    assert_year(
        2019,
        &[
            ("01-01", "元日"),
            ("01-14", "成人の日"),
            ("02-11", "建国記念の日"),
            ("03-21", "春分の日"),
            ("04-29", "昭和の日"),
            ("04-30", "国民の休日"),
            ("05-01", "即位の日"),
            ("05-02", "国民の休日"),
            ("05-03", "憲法記念日"),
            ("05-04", "みどりの日"),
            ("05-05", "こどもの日"),
            ("05-06", "振替休日"),
            ("07-15", "海の日"),
            ("08-11", "山の日"),
            ("08-12", "振替休日"),
            ("09-16", "敬老の日"),
            ("09-23", "秋分の日"),
            ("10-14", "体育の日"),
            ("10-22", "即位礼正殿の儀"),
            ("11-03", "文化の日"),
            ("11-04", "振替休日"),
            ("11-23", "勤労感謝の日"),
        ],
    );
}

#[test]
fn year_2020_olympic_moves() {
    assert_year(
        2020,
        &[
            ("01-01", "元日"),
            ("01-13", "成人の日"),
            ("02-11", "建国記念の日"),
            ("02-23", "天皇誕生日"),
            ("02-24", "振替休日"),
            ("03-20", "春分の日"),
            ("04-29", "昭和の日"),
            ("05-03", "憲法記念日"),
            ("05-04", "みどりの日"),
            ("05-05", "こどもの日"),
            ("05-06", "振替休日"),
            ("07-23", "海の日"),
            ("07-24", "スポーツの日"),
            ("08-10", "山の日"),
            ("09-21", "敬老の日"),
            ("09-22", "秋分の日"),
            ("11-03", "文化の日"),
            ("11-23", "勤労感謝の日"),
        ],
    );
}

#[test]
fn year_2021_olympic_moves_with_a_substitute() {
    assert_year(
        2021,
        &[
            ("01-01", "元日"),
            ("01-11", "成人の日"),
            ("02-11", "建国記念の日"),
            ("02-23", "天皇誕生日"),
            ("03-20", "春分の日"),
            ("04-29", "昭和の日"),
            ("05-03", "憲法記念日"),
            ("05-04", "みどりの日"),
            ("05-05", "こどもの日"),
            ("07-22", "海の日"),
            ("07-23", "スポーツの日"),
            ("08-08", "山の日"),
            ("08-09", "振替休日"),
            ("09-20", "敬老の日"),
            ("09-23", "秋分の日"),
            ("11-03", "文化の日"),
            ("11-23", "勤労感謝の日"),
        ],
    );
}

#[test]
fn year_1990_enthronement_and_old_fixed_dates() {
    assert_year(
        1990,
        &[
            ("01-01", "元日"),
            ("01-15", "成人の日"),
            ("02-11", "建国記念の日"),
            ("02-12", "振替休日"),
            ("03-21", "春分の日"),
            ("04-29", "みどりの日"),
            ("04-30", "振替休日"),
            ("05-03", "憲法記念日"),
            ("05-04", "国民の休日"),
            ("05-05", "こどもの日"),
            ("09-15", "敬老の日"),
            ("09-23", "秋分の日"),
            ("09-24", "振替休日"),
            ("10-10", "体育の日"),
            ("11-03", "文化の日"),
            ("11-12", "即位礼正殿の儀"),
            ("11-23", "勤労感謝の日"),
            ("12-23", "天皇誕生日"),
            ("12-24", "振替休日"),
        ],
    );
}

#[test]
fn year_2009_first_september_citizens_holiday() {
    assert_year(
        2009,
        &[
            ("01-01", "元日"),
            ("01-12", "成人の日"),
            ("02-11", "建国記念の日"),
            ("03-20", "春分の日"),
            ("04-29", "昭和の日"),
            ("05-03", "憲法記念日"),
            ("05-04", "みどりの日"),
            ("05-05", "こどもの日"),
            ("05-06", "振替休日"),
            ("07-20", "海の日"),
            ("09-21", "敬老の日"),
            ("09-22", "国民の休日"),
            ("09-23", "秋分の日"),
            ("10-12", "体育の日"),
            ("11-03", "文化の日"),
            ("11-23", "勤労感謝の日"),
            ("12-23", "天皇誕生日"),
        ],
    );
}

#[test]
fn year_2015() {
    assert_year(
        2015,
        &[
            ("01-01", "元日"),
            ("01-12", "成人の日"),
            ("02-11", "建国記念の日"),
            ("03-21", "春分の日"),
            ("04-29", "昭和の日"),
            ("05-03", "憲法記念日"),
            ("05-04", "みどりの日"),
            ("05-05", "こどもの日"),
            ("05-06", "振替休日"),
            ("07-20", "海の日"),
            ("09-21", "敬老の日"),
            ("09-22", "国民の休日"),
            ("09-23", "秋分の日"),
            ("10-12", "体育の日"),
            ("11-03", "文化の日"),
            ("11-23", "勤労感謝の日"),
            ("12-23", "天皇誕生日"),
        ],
    );
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn single_dates_across_the_rule_changes() {
    let name = |y, m, d| holiday_name(ymd(y, m, d)).map(|n| n.split(" / ").next().unwrap());
    assert_eq!(name(1988, 4, 29), Some("天皇誕生日"));
    assert_eq!(name(1989, 2, 24), Some("昭和天皇の大喪の礼"));
    assert_eq!(name(1989, 4, 29), Some("みどりの日"));
    assert_eq!(name(1989, 12, 23), Some("天皇誕生日"));
    assert_eq!(name(1993, 6, 9), Some("皇太子徳仁親王の結婚の儀"));
    assert_eq!(name(1995, 7, 20), None, "海の日 began in 1996");
    assert_eq!(name(1996, 7, 20), Some("海の日"));
    assert_eq!(name(1999, 10, 10), Some("体育の日"));
    assert_eq!(name(2000, 1, 10), Some("成人の日"), "first Happy Monday");
    assert_eq!(name(2003, 9, 15), Some("敬老の日"));
    assert_eq!(name(2006, 5, 4), Some("国民の休日"));
    assert_eq!(name(1991, 5, 4), Some("国民の休日"), "a Saturday counted");
    assert_eq!(name(2007, 4, 29), Some("昭和の日"));
    assert_eq!(name(2007, 5, 4), Some("みどりの日"));
    // May 4, 2008 was a Sunday: the substitute skips May 5 to May 6.
    assert_eq!(name(2008, 5, 6), Some("振替休日"));
    // Under the old rule May 3 on a Sunday made May 4 a substitute holiday.
    assert_eq!(name(1987, 5, 4), Some("振替休日"));
    assert_eq!(name(1986, 5, 4), None, "a Sunday was no citizens' holiday");
    assert_eq!(name(1985, 5, 4), None, "no citizens' holiday before 1986");
    assert_eq!(name(2015, 8, 11), None);
    assert_eq!(name(2016, 8, 11), Some("山の日"));
    assert_eq!(name(2018, 12, 23), Some("天皇誕生日"));
    assert_eq!(name(2018, 12, 24), Some("振替休日"));
    assert_eq!(name(2019, 12, 23), None, "no Emperor's Birthday in 2019");
    assert_eq!(name(2019, 2, 23), None);
    assert_eq!(name(2020, 10, 12), None, "moved to July 24 in 2020");
    assert_eq!(name(2021, 8, 11), None, "moved to August 8 in 2021");
    assert_eq!(name(2022, 10, 10), Some("スポーツの日"));
}

#[test]
fn names_are_bilingual() {
    for h in holidays(2019) {
        let (ja, en) = h.name.split_once(" / ").expect("Japanese / English");
        assert!(
            !ja.is_empty() && !en.is_empty() && en.is_ascii(),
            "{}",
            h.name
        );
    }
    let ny = &holidays(2026)[0];
    assert_eq!(ny.name, "元日 / New Year's Day");
    let json = serde_json::to_string(ny).unwrap();
    assert_eq!(
        json,
        r#"{"date":"2026-01-01","name":"元日 / New Year's Day"}"#
    );
}

#[test]
fn years_outside_the_formula_are_refused_and_say_so() {
    for y in [1979, 1900, 2100] {
        let e = try_holidays(y).unwrap_err();
        assert_eq!(e, HolidayError::OutOfRange(y));
        assert!(e.to_string().contains("1980-2099"), "{e}");
        assert!(holidays(y).is_empty());
    }
    assert_eq!(holiday_name(ymd(1979, 1, 1)), None);
    assert!(!holidays(1980).is_empty() && !holidays(2099).is_empty());
}

#[test]
fn equinox_formula_known_values() {
    // Dates published by the National Astronomical Observatory of Japan.
    assert_eq!(vernal_equinox_day(1980), 20);
    assert_eq!(vernal_equinox_day(1999), 21);
    assert_eq!(vernal_equinox_day(2024), 20);
    assert_eq!(autumnal_equinox_day(1980), 23);
    assert_eq!(autumnal_equinox_day(2012), 22);
    assert_eq!(autumnal_equinox_day(2025), 23);
}

#[test]
fn properties_over_every_year() {
    for y in FIRST_YEAR..=LAST_YEAR {
        let list = try_holidays(y).unwrap();
        let dates: Vec<NaiveDate> = list.iter().map(|h| h.date).collect();
        let mut sorted = dates.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, dates, "{y}: sorted without duplicates");
        assert!(list.iter().all(|h| h.date.year() == y), "{y}");
        assert_eq!(list[0].date, ymd(y, 1, 1), "{y}: Jan 1");
        assert!(
            (12..=22).contains(&list.len()),
            "{y}: {} holidays",
            list.len()
        );
        let is = |d: NaiveDate| dates.contains(&d);
        let named = |d: NaiveDate| {
            list.iter()
                .any(|h| h.date == d && h.name != SUBSTITUTE_HOLIDAY && h.name != CITIZENS_HOLIDAY)
        };
        for h in &list {
            let prev = h.date - Days::new(1);
            let next = h.date + Days::new(1);
            if h.name == SUBSTITUTE_HOLIDAY {
                // A run of holidays back to a Sunday holiday.
                let mut d = prev;
                while named(d) && d.weekday() != Weekday::Sun {
                    d = d - Days::new(1);
                }
                assert!(
                    named(d) && d.weekday() == Weekday::Sun,
                    "{y}: {} substitutes nothing",
                    h.date
                );
                assert_ne!(h.date.weekday(), Weekday::Sun);
            }
            if h.name == CITIZENS_HOLIDAY {
                // Never a Sunday; until 2006 a Saturday May 4 was one too
                // (1991, 1996, 2002), since then they all fall on weekdays.
                let wd = h.date.weekday();
                assert_ne!(wd, Weekday::Sun, "{y}: {}", h.date);
                if y >= 2007 {
                    assert_ne!(wd, Weekday::Sat, "{y}: {} not a weekday", h.date);
                }
                assert!(
                    named(prev) && named(next),
                    "{y}: {} not between holidays",
                    h.date
                );
            }
            if h.name == VERNAL_EQUINOX_DAY {
                assert_eq!(h.date.month(), 3);
                assert!((19..=21).contains(&h.date.day()), "{y}: {}", h.date);
            }
            if h.name == AUTUMNAL_EQUINOX_DAY {
                assert_eq!(h.date.month(), 9);
                assert!((21..=24).contains(&h.date.day()), "{y}: {}", h.date);
            }
        }
        // Every named holiday on a Sunday is followed by a substitute (1980 on).
        for h in list
            .iter()
            .filter(|h| named(h.date) && h.date.weekday() == Weekday::Sun)
        {
            let mut d = h.date + Days::new(1);
            while named(d) {
                d = d + Days::new(1);
            }
            if d.year() == y && (y >= 2007 || d == h.date + Days::new(1)) {
                assert!(is(d), "{y}: no substitute for {}", h.date);
            }
        }
        // Exactly one vernal and one autumnal equinox.
        assert_eq!(
            list.iter().filter(|h| h.name == VERNAL_EQUINOX_DAY).count(),
            1
        );
        assert_eq!(
            list.iter()
                .filter(|h| h.name == AUTUMNAL_EQUINOX_DAY)
                .count(),
            1
        );
    }
}

#[test]
fn the_exceptions_table_is_consistent() {
    let ex = exceptions::load().expect("the compiled-in table parses");
    assert_eq!(ex.added.len(), 5);
    assert_eq!(ex.moved.len(), 6);
    // Moving a holiday from a date its rule does not give is caught.
    let bad = exceptions::parse(
        "[[moved]]\nname = \"海の日 / Marine Day\"\nfrom = \"2022-07-20\"\nto = \"2022-07-21\"\nlaw = \"x\"\n",
    )
    .unwrap();
    let e = compute_year(2022, &bad).unwrap_err();
    assert!(e.contains("2022-07-20"), "{e}");
    let e = exceptions::parse("[[added]]\ndate = \"2022-13-01\"\nname = \"x\"\nlaw = \"y\"\n")
        .unwrap_err();
    assert!(e.contains("2022-13-01"), "{e}");
}
