//! The language of what goes to a requester (letters, package summaries):
//! Japanese or English.

use super::request::Law;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ja, Lang::En];

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ja" | "jp" | "japanese" => Some(Lang::Ja),
            "en" | "english" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language a case's correspondence defaults to: Japanese for APPI
    /// requests and contacts, English for GDPR and CCPA requests.
    pub fn for_law(law: Law) -> Lang {
        match law {
            Law::Appi => Lang::Ja,
            Law::Gdpr | Law::Ccpa => Lang::En,
        }
    }

    /// A date as a letter writes it: `2026年4月1日` or `1 April 2026`.
    pub fn date(self, d: NaiveDate) -> String {
        match self {
            Lang::Ja => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
            Lang::En => format!("{} {} {}", d.day(), d.format("%B"), d.year()),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_naturally_in_each_language() {
        let d = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        assert_eq!(Lang::Ja.date(d), "2026年4月1日");
        assert_eq!(Lang::En.date(d), "1 April 2026");
        assert_eq!(Lang::parse(" EN "), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::for_law(Law::Appi), Lang::Ja);
        assert_eq!(Lang::for_law(Law::Gdpr), Lang::En);
    }
}
