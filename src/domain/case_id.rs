//! Case numbers readable on the phone: `PD-2026-000123` (a sequence per year).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use unicode_normalization::UnicodeNormalization;

/// A case number: year and the sequence number within that year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseId {
    pub year: i32,
    pub seq: u32,
}

/// The fixed prefix of every case number.
pub const CASE_ID_PREFIX: &str = "PD";

impl CaseId {
    pub fn new(year: i32, seq: u32) -> CaseId {
        CaseId { year, seq }
    }

    /// Parses `PD-2026-000123`, also written `pd-2026-123` or `2026-123`
    /// (what people say on the phone), with full-width digits or spaces
    /// around. Returns a message naming the accepted form otherwise.
    pub fn parse(s: &str) -> Result<CaseId, String> {
        let folded: String = s
            .trim()
            .nfkc()
            .map(|c| match c {
                '\u{2010}'..='\u{2015}' | '\u{2212}' | 'ー' => '-',
                c => c.to_ascii_uppercase(),
            })
            .collect();
        let rest = folded
            .strip_prefix(CASE_ID_PREFIX)
            .map(|r| r.strip_prefix('-').unwrap_or(r))
            .unwrap_or(&folded);
        let bad = || {
            format!(
                "`{}` is not a case number; case numbers look like {CASE_ID_PREFIX}-2026-000123",
                crate::domain::text::escape_controls(s.trim())
            )
        };
        let (year, seq) = rest.split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || seq.is_empty() || seq.len() > 9 {
            return Err(bad());
        }
        if !year.bytes().chain(seq.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let seq: u32 = seq.parse().map_err(|_| bad())?;
        if seq == 0 {
            return Err(bad());
        }
        Ok(CaseId { year, seq })
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` so widths and alignment in format strings apply.
        f.pad(&format!(
            "{CASE_ID_PREFIX}-{:04}-{:06}",
            self.year, self.seq
        ))
    }
}

impl Serialize for CaseId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CaseId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<CaseId, D::Error> {
        let s = String::deserialize(d)?;
        CaseId::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_six_digits_and_parses_spoken_forms() {
        let id = CaseId::new(2026, 123);
        assert_eq!(id.to_string(), "PD-2026-000123");
        for s in [
            "PD-2026-000123",
            "pd-2026-123",
            "2026-123",
            " PD-2026-0000123 ",
            "ＰＤ－２０２６－１２３",
        ] {
            assert_eq!(CaseId::parse(s), Ok(id), "{s}");
        }
        assert_eq!(CaseId::new(2026, 1_234_567).to_string(), "PD-2026-1234567");
        assert_eq!(
            CaseId::parse("PD-2026-1234567").unwrap(),
            CaseId::new(2026, 1_234_567)
        );
    }

    #[test]
    fn rejects_what_is_not_a_case_number() {
        for s in [
            "",
            "PD",
            "PD-26-1",
            "PD-2026-",
            "PD-2026-0",
            "PD-2026-12a",
            "XX-2026-1",
            "PD-2026-1-2",
            "PD-2026-+1",
        ] {
            let err = CaseId::parse(s).unwrap_err();
            assert!(err.contains("PD-2026-000123"), "{s}: {err}");
        }
    }

    #[test]
    fn serializes_as_its_text() {
        let id = CaseId::new(2025, 7);
        let j = serde_json::to_string(&id).unwrap();
        assert_eq!(j, "\"PD-2025-000007\"");
        assert_eq!(serde_json::from_str::<CaseId>(&j).unwrap(), id);
    }
}
