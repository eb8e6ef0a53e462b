//! The one-off holiday laws (`data/holiday-exceptions.toml`, compiled in):
//! holidays added on one date, and holidays moved away from their rule date.

use crate::config::parse_date;
use chrono::NaiveDate;
use serde::Deserialize;

/// The table as written in the data file.
const TABLE: &str = include_str!("../../data/holiday-exceptions.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    #[serde(default)]
    added: Vec<RawAdded>,
    #[serde(default)]
    moved: Vec<RawMoved>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAdded {
    date: String,
    name: String,
    #[allow(dead_code)]
    law: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMoved {
    name: String,
    from: String,
    to: String,
    #[allow(dead_code)]
    law: String,
}

/// A holiday on one date only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Added {
    pub date: NaiveDate,
    pub name: String,
}

/// A holiday moved from the date its rule gives to another date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Moved {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Every exception of the table.
#[derive(Debug, Clone, Default)]
pub(crate) struct Exceptions {
    pub added: Vec<Added>,
    pub moved: Vec<Moved>,
}

/// Parse the compiled-in table; the message names the entry at fault.
pub(crate) fn load() -> Result<Exceptions, String> {
    parse(TABLE)
}

pub(crate) fn parse(text: &str) -> Result<Exceptions, String> {
    let raw: RawTable =
        toml::from_str(text).map_err(|e| format!("holiday exceptions table: {}", e.message()))?;
    let date = |what: &str, s: &str| {
        parse_date(s).map_err(|e| format!("holiday exceptions table, {what}: {e}"))
    };
    let mut out = Exceptions::default();
    for a in raw.added {
        out.added.push(Added {
            date: date(&a.name, &a.date)?,
            name: a.name,
        });
    }
    for m in raw.moved {
        let (from, to) = (date(&m.name, &m.from)?, date(&m.name, &m.to)?);
        out.moved.push(Moved {
            name: m.name,
            from,
            to,
        });
    }
    Ok(out)
}
