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

    /// A warning when `text`, meant for a letter in this language, is
    /// written in another script: Latin letters only for a Japanese letter,
    /// Japanese script in an English one. None when it fits (or is empty).
    pub fn script_warning(self, text: &str) -> Option<String> {
        let japanese = text.chars().filter(|c| is_japanese(*c)).count();
        let latin = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
        match self {
            Lang::Ja if japanese == 0 && latin >= 3 => Some(
                "the letter is in Japanese, but this text has no Japanese in it: write it in Japanese, or it goes into the letter as typed".into(),
            ),
            Lang::En if japanese > 0 => Some(
                "the letter is in English, but this text is written in Japanese: write it in English, or it goes into the letter as typed".into(),
            ),
            _ => None,
        }
    }
}

/// Hiragana, katakana, CJK ideographs and Japanese punctuation and
/// full-width forms.
fn is_japanese(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3040..=0x309F | 0x30A0..=0x30FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF)
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

    #[test]
    fn text_in_the_other_script_is_warned_about() {
        let ja = Lang::Ja.script_warning("We cannot confirm your identity.");
        assert!(ja.is_some_and(|w| w.contains("no Japanese")));
        assert_eq!(
            Lang::Ja.script_warning("ご本人確認ができませんでした (ID: C-1)"),
            None
        );
        assert_eq!(Lang::Ja.script_warning(""), None);
        assert!(Lang::En.script_warning("本人確認").is_some());
        assert_eq!(Lang::En.script_warning("We could not verify it."), None);
    }
}
