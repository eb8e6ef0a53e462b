//! What a customer asks for: the law that applies, the category of contact and,
//! for rights requests, the kind of request (APPI, GDPR, CCPA).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Law {
    /// Japan's Act on the Protection of Personal Information.
    Appi,
    /// EU General Data Protection Regulation.
    Gdpr,
    /// California Consumer Privacy Act (as amended by the CPRA).
    Ccpa,
}

impl Law {
    pub const ALL: [Law; 3] = [Law::Appi, Law::Gdpr, Law::Ccpa];

    pub fn as_str(self) -> &'static str {
        match self {
            Law::Appi => "appi",
            Law::Gdpr => "gdpr",
            Law::Ccpa => "ccpa",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Law::Appi => "APPI",
            Law::Gdpr => "GDPR",
            Law::Ccpa => "CCPA",
        }
    }

    pub fn parse(s: &str) -> Option<Law> {
        let s = s.trim().to_ascii_lowercase();
        Law::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

impl fmt::Display for Law {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What kind of contact a case records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Inquiry,
    Complaint,
    RightsRequest,
}

impl Category {
    pub const ALL: [Category; 3] = [
        Category::Inquiry,
        Category::Complaint,
        Category::RightsRequest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Inquiry => "inquiry",
            Category::Complaint => "complaint",
            Category::RightsRequest => "rights_request",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Inquiry => "Inquiry",
            Category::Complaint => "Complaint",
            Category::RightsRequest => "Rights request",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// The kind of a rights request. Each kind belongs to one law.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    // APPI (Arts. 32-35)
    PurposeNotification,
    Disclosure,
    ThirdPartyRecords,
    Correction,
    Suspension,
    StopThirdParty,
    // GDPR (Arts. 15-21)
    Access,
    Rectification,
    Erasure,
    Restriction,
    Portability,
    Objection,
    // CCPA (Cal. Civ. Code 1798.100-1798.121)
    Know,
    Delete,
    Correct,
    OptOut,
}

impl RequestKind {
    pub const ALL: [RequestKind; 16] = [
        RequestKind::PurposeNotification,
        RequestKind::Disclosure,
        RequestKind::ThirdPartyRecords,
        RequestKind::Correction,
        RequestKind::Suspension,
        RequestKind::StopThirdParty,
        RequestKind::Access,
        RequestKind::Rectification,
        RequestKind::Erasure,
        RequestKind::Restriction,
        RequestKind::Portability,
        RequestKind::Objection,
        RequestKind::Know,
        RequestKind::Delete,
        RequestKind::Correct,
        RequestKind::OptOut,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::PurposeNotification => "purpose_notification",
            RequestKind::Disclosure => "disclosure",
            RequestKind::ThirdPartyRecords => "third_party_records",
            RequestKind::Correction => "correction",
            RequestKind::Suspension => "suspension",
            RequestKind::StopThirdParty => "stop_third_party",
            RequestKind::Access => "access",
            RequestKind::Rectification => "rectification",
            RequestKind::Erasure => "erasure",
            RequestKind::Restriction => "restriction",
            RequestKind::Portability => "portability",
            RequestKind::Objection => "objection",
            RequestKind::Know => "know",
            RequestKind::Delete => "delete",
            RequestKind::Correct => "correct",
            RequestKind::OptOut => "opt_out",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RequestKind::PurposeNotification => "Notification of purpose of use",
            RequestKind::Disclosure => "Disclosure of held personal data",
            RequestKind::ThirdPartyRecords => "Disclosure of third-party provision records",
            RequestKind::Correction => "Correction / addition / deletion",
            RequestKind::Suspension => "Suspension of use / erasure",
            RequestKind::StopThirdParty => "Cessation of provision to third parties",
            RequestKind::Access => "Access",
            RequestKind::Rectification => "Rectification",
            RequestKind::Erasure => "Erasure",
            RequestKind::Restriction => "Restriction of processing",
            RequestKind::Portability => "Data portability",
            RequestKind::Objection => "Objection",
            RequestKind::Know => "Right to know",
            RequestKind::Delete => "Right to delete",
            RequestKind::Correct => "Right to correct",
            RequestKind::OptOut => "Opt-out of sale/sharing",
        }
    }

    /// The law this kind of request is made under.
    pub fn law(self) -> Law {
        use RequestKind::*;
        match self {
            PurposeNotification | Disclosure | ThirdPartyRecords | Correction | Suspension
            | StopThirdParty => Law::Appi,
            Access | Rectification | Erasure | Restriction | Portability | Objection => Law::Gdpr,
            Know | Delete | Correct | OptOut => Law::Ccpa,
        }
    }

    /// APPI allows a fee only for disclosure (incl. third-party records) and
    /// purpose notification (Art. 38); GDPR and CCPA requests are free.
    pub fn fee_allowed(self) -> bool {
        matches!(
            self,
            RequestKind::PurposeNotification
                | RequestKind::Disclosure
                | RequestKind::ThirdPartyRecords
        )
    }

    /// Kinds whose answer hands data to the person (a delivery format applies).
    pub fn is_disclosure(self) -> bool {
        matches!(
            self,
            RequestKind::Disclosure
                | RequestKind::ThirdPartyRecords
                | RequestKind::Access
                | RequestKind::Portability
                | RequestKind::Know
        )
    }

    pub fn parse(s: &str) -> Option<RequestKind> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        RequestKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kinds of one law, in order.
    pub fn of_law(law: Law) -> Vec<RequestKind> {
        RequestKind::ALL
            .into_iter()
            .filter(|k| k.law() == law)
            .collect()
    }
}

impl fmt::Display for RequestKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_and_belongs_to_one_law() {
        for k in RequestKind::ALL {
            assert_eq!(RequestKind::parse(k.as_str()), Some(k));
        }
        let total: usize = Law::ALL.iter().map(|l| RequestKind::of_law(*l).len()).sum();
        assert_eq!(total, RequestKind::ALL.len());
        assert_eq!(RequestKind::parse("opt-out"), Some(RequestKind::OptOut));
        assert_eq!(Law::parse("GDPR"), Some(Law::Gdpr));
        assert_eq!(
            Category::parse("rights request"),
            Some(Category::RightsRequest)
        );
    }

    #[test]
    fn fees_only_where_appi_allows_them() {
        let with_fee: Vec<_> = RequestKind::ALL
            .into_iter()
            .filter(|k| k.fee_allowed())
            .collect();
        assert!(with_fee.iter().all(|k| k.law() == Law::Appi));
        assert!(!RequestKind::Correction.fee_allowed());
        assert!(RequestKind::Disclosure.fee_allowed());
    }
}
