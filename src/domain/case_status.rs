//! The life of a case: its statuses and the table of allowed transitions,
//! plus priority, outcome and the statutory refusal grounds.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Logged, nobody has started on it.
    New,
    /// Waiting for the requester to prove who they are.
    AwaitingIdentity,
    /// Being worked on.
    InProgress,
    /// The answer waits for a supervisor's approval (four-eyes).
    AwaitingApproval,
    /// Parked, with a reason; goes back to where it came from.
    OnHold,
    /// The answer was sent to the requester.
    Responded,
    /// Refused on one or more statutory grounds (the refusal was notified).
    Refused,
    /// The requester withdrew the request.
    Withdrawn,
    /// Finished, with an outcome. Nothing changes after this.
    Closed,
}

use CaseStatus::*;

/// The allowed transitions, one row per status.
const TRANSITIONS: [(CaseStatus, &[CaseStatus]); 9] = [
    // A request may be refused from every open status, in one step.
    (New, &[AwaitingIdentity, InProgress, Refused, Withdrawn]),
    (AwaitingIdentity, &[InProgress, OnHold, Refused, Withdrawn]),
    (
        InProgress,
        &[AwaitingApproval, Responded, OnHold, Refused, Withdrawn],
    ),
    (AwaitingApproval, &[InProgress, Responded, Refused]),
    (OnHold, &[InProgress, AwaitingIdentity, Refused]),
    (Responded, &[Closed, InProgress]),
    (Refused, &[Closed]),
    (Withdrawn, &[Closed]),
    (Closed, &[]),
];

impl CaseStatus {
    pub const ALL: [CaseStatus; 9] = [
        New,
        AwaitingIdentity,
        InProgress,
        AwaitingApproval,
        OnHold,
        Responded,
        Refused,
        Withdrawn,
        Closed,
    ];

    /// Statuses in which the requester still waits for an answer: the
    /// deadline clock runs and the case can be overdue.
    pub const OPEN: [CaseStatus; 5] = [New, AwaitingIdentity, InProgress, AwaitingApproval, OnHold];

    pub fn as_str(self) -> &'static str {
        match self {
            New => "new",
            AwaitingIdentity => "awaiting_identity",
            InProgress => "in_progress",
            AwaitingApproval => "awaiting_approval",
            OnHold => "on_hold",
            Responded => "responded",
            Refused => "refused",
            Withdrawn => "withdrawn",
            Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            New => "New",
            AwaitingIdentity => "Awaiting identity",
            InProgress => "In progress",
            AwaitingApproval => "Awaiting approval",
            OnHold => "On hold",
            Responded => "Responded",
            Refused => "Refused",
            Withdrawn => "Withdrawn",
            Closed => "Closed",
        }
    }

    /// Accepts `in_progress`, `in-progress`, `In Progress`.
    pub fn parse(s: &str) -> Option<CaseStatus> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        CaseStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The statuses this one may go to, in the table's order.
    pub fn allowed_next(self) -> &'static [CaseStatus] {
        TRANSITIONS
            .iter()
            .find(|(from, _)| *from == self)
            .map_or(&[], |(_, to)| *to)
    }

    pub fn can_go_to(self, to: CaseStatus) -> bool {
        self.allowed_next().contains(&to)
    }

    /// Check one transition; the error names the allowed ones.
    pub fn check_transition(self, to: CaseStatus) -> Result<(), TransitionError> {
        if self.can_go_to(to) {
            Ok(())
        } else {
            Err(TransitionError { from: self, to })
        }
    }

    /// The requester still waits for an answer (see [`CaseStatus::OPEN`]).
    pub fn is_open(self) -> bool {
        CaseStatus::OPEN.contains(&self)
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A transition the table does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransitionError {
    pub from: CaseStatus,
    pub to: CaseStatus,
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let allowed = self.from.allowed_next();
        if allowed.is_empty() {
            write!(
                f,
                "cannot go from {} to {}; a {} case is final and allows no change",
                self.from, self.to, self.from
            )
        } else {
            write!(
                f,
                "cannot go from {} to {}; allowed: {}",
                self.from,
                self.to,
                join(allowed.iter().map(|s| s.as_str()))
            )
        }
    }
}

impl std::error::Error for TransitionError {}

/// `a, b, c`.
pub(crate) fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

/// How urgent a case is; the queue shows it next to the due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    pub fn parse(s: &str) -> Option<Priority> {
        let s = s.trim().to_ascii_lowercase();
        Priority::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a finished case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Fulfilled,
    PartlyFulfilled,
    Refused,
    Withdrawn,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Fulfilled,
        Outcome::PartlyFulfilled,
        Outcome::Refused,
        Outcome::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Fulfilled => "fulfilled",
            Outcome::PartlyFulfilled => "partly_fulfilled",
            Outcome::Refused => "refused",
            Outcome::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A statutory ground for refusing a request (APPI Art. 33(2) and the
/// policies' lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalGround {
    /// Risk of harm to the life, body, property or other rights of the person
    /// or a third party.
    HarmToLifeBodyPropertyRights,
    /// Risk of significant hindrance to the proper conduct of business.
    SignificantBusinessHindrance,
    /// Answering would violate other laws.
    ViolationOfOtherLaws,
    /// The requester's identity could not be verified.
    IdentityNotVerified,
    /// Repeated fraudulent or excessive requests.
    RepeatedOrExcessive,
    /// The request is not covered by the law.
    NotCoveredByLaw,
}

impl RefusalGround {
    pub const ALL: [RefusalGround; 6] = [
        RefusalGround::HarmToLifeBodyPropertyRights,
        RefusalGround::SignificantBusinessHindrance,
        RefusalGround::ViolationOfOtherLaws,
        RefusalGround::IdentityNotVerified,
        RefusalGround::RepeatedOrExcessive,
        RefusalGround::NotCoveredByLaw,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RefusalGround::HarmToLifeBodyPropertyRights => "harm_to_life_body_property_rights",
            RefusalGround::SignificantBusinessHindrance => "significant_business_hindrance",
            RefusalGround::ViolationOfOtherLaws => "violation_of_other_laws",
            RefusalGround::IdentityNotVerified => "identity_not_verified",
            RefusalGround::RepeatedOrExcessive => "repeated_or_excessive",
            RefusalGround::NotCoveredByLaw => "not_covered_by_law",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RefusalGround::HarmToLifeBodyPropertyRights => {
                "Risk of harm to the life, body, property or other rights of the person or a third party"
            }
            RefusalGround::SignificantBusinessHindrance => {
                "Risk of significant hindrance to the proper conduct of business"
            }
            RefusalGround::ViolationOfOtherLaws => "Would violate other laws",
            RefusalGround::IdentityNotVerified => "The requester's identity could not be verified",
            RefusalGround::RepeatedOrExcessive => "Repeated fraudulent or excessive requests",
            RefusalGround::NotCoveredByLaw => "The request is not covered by the law",
        }
    }

    /// Where the ground is written down: the APPI article for the three
    /// grounds of Art. 33(2), the identity check's and the others' basis.
    pub fn article(self) -> &'static str {
        match self {
            RefusalGround::HarmToLifeBodyPropertyRights => "APPI Art. 33(2)(i)",
            RefusalGround::SignificantBusinessHindrance => "APPI Art. 33(2)(ii)",
            RefusalGround::ViolationOfOtherLaws => "APPI Art. 33(2)(iii)",
            RefusalGround::IdentityNotVerified => {
                "identity check, APPI Art. 37(1); GDPR Art. 12(6)"
            }
            RefusalGround::RepeatedOrExcessive => "GDPR Art. 12(5); APPI Art. 33(2)(ii)",
            RefusalGround::NotCoveredByLaw => "outside APPI Art. 33-35",
        }
    }

    /// The label with its article, as operators see it:
    /// `Would violate other laws (APPI Art. 33(2)(iii))`.
    pub fn described(self) -> String {
        format!("{} ({})", self.label(), self.article())
    }

    /// Short enough for a list at 80 columns, article first.
    pub fn choice_label(self) -> &'static str {
        match self {
            RefusalGround::HarmToLifeBodyPropertyRights => {
                "Art. 33(2)(i) harm to the person or others"
            }
            RefusalGround::SignificantBusinessHindrance => {
                "Art. 33(2)(ii) significant hindrance to business"
            }
            RefusalGround::ViolationOfOtherLaws => "Art. 33(2)(iii) would violate other laws",
            RefusalGround::IdentityNotVerified => "identity not verified (Art. 37(1))",
            RefusalGround::RepeatedOrExcessive => "repeated or excessive requests",
            RefusalGround::NotCoveredByLaw => "not a request the law covers",
        }
    }

    pub fn parse(s: &str) -> Option<RefusalGround> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        RefusalGround::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

impl fmt::Display for RefusalGround {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every allowed transition, written out once more by hand.
    const EXPECTED: &[(&str, &str)] = &[
        ("new", "awaiting_identity"),
        ("new", "in_progress"),
        ("new", "refused"),
        ("new", "withdrawn"),
        ("awaiting_identity", "in_progress"),
        ("awaiting_identity", "on_hold"),
        ("awaiting_identity", "refused"),
        ("awaiting_identity", "withdrawn"),
        ("in_progress", "awaiting_approval"),
        ("in_progress", "responded"),
        ("in_progress", "on_hold"),
        ("in_progress", "refused"),
        ("in_progress", "withdrawn"),
        ("awaiting_approval", "in_progress"),
        ("awaiting_approval", "responded"),
        ("awaiting_approval", "refused"),
        ("on_hold", "in_progress"),
        ("on_hold", "awaiting_identity"),
        ("on_hold", "refused"),
        ("responded", "closed"),
        ("responded", "in_progress"),
        ("refused", "closed"),
        ("withdrawn", "closed"),
    ];

    fn st(s: &str) -> CaseStatus {
        CaseStatus::parse(s).unwrap_or_else(|| panic!("unknown status {s}"))
    }

    #[test]
    fn every_listed_transition_is_allowed_and_nothing_else() {
        for (from, to) in EXPECTED {
            assert!(st(from).check_transition(st(to)).is_ok(), "{from} -> {to}");
        }
        let mut allowed = 0;
        for from in CaseStatus::ALL {
            for to in CaseStatus::ALL {
                let listed = EXPECTED.iter().any(|(f, t)| st(f) == from && st(t) == to);
                assert_eq!(from.can_go_to(to), listed, "{from} -> {to}");
                allowed += usize::from(from.can_go_to(to));
            }
        }
        assert_eq!(allowed, EXPECTED.len());
    }

    #[test]
    fn forbidden_transitions_name_the_allowed_ones() {
        let cases = [
            (
                "new",
                "closed",
                "cannot go from new to closed; allowed: awaiting_identity, in_progress, refused, withdrawn",
            ),
            (
                "awaiting_approval",
                "withdrawn",
                "cannot go from awaiting_approval to withdrawn; allowed: in_progress, responded, refused",
            ),
            (
                "on_hold",
                "responded",
                "cannot go from on_hold to responded; allowed: in_progress, awaiting_identity, refused",
            ),
            (
                "refused",
                "in_progress",
                "cannot go from refused to in_progress; allowed: closed",
            ),
            (
                "new",
                "new",
                "cannot go from new to new; allowed: awaiting_identity, in_progress, refused, withdrawn",
            ),
            (
                "closed",
                "in_progress",
                "cannot go from closed to in_progress; a closed case is final and allows no change",
            ),
        ];
        for (from, to, message) in cases {
            let err = st(from).check_transition(st(to)).unwrap_err();
            assert_eq!(err.to_string(), message);
        }
    }

    #[test]
    fn no_status_goes_to_itself_and_closed_is_reachable_from_every_status() {
        for s in CaseStatus::ALL {
            assert!(!s.can_go_to(s), "{s}");
            // Walk the table breadth-first: every status must be able to end.
            let mut seen = vec![s];
            let mut i = 0;
            while i < seen.len() {
                for n in seen[i].allowed_next() {
                    if !seen.contains(n) {
                        seen.push(*n);
                    }
                }
                i += 1;
            }
            assert!(seen.contains(&Closed), "{s} can never be closed");
        }
    }

    #[test]
    fn names_round_trip() {
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(CaseStatus::parse("In Progress"), Some(InProgress));
        assert_eq!(CaseStatus::parse("in-progress"), Some(InProgress));
        assert_eq!(CaseStatus::parse("done"), None);
        for g in RefusalGround::ALL {
            assert_eq!(RefusalGround::parse(g.as_str()), Some(g));
        }
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
        }
        for p in Priority::ALL {
            assert_eq!(Priority::parse(p.as_str()), Some(p));
        }
        assert!(Priority::Urgent > Priority::High);
    }

    #[test]
    fn open_statuses_are_those_before_an_answer() {
        let open: Vec<_> = CaseStatus::ALL
            .into_iter()
            .filter(|s| s.is_open())
            .collect();
        assert_eq!(open, CaseStatus::OPEN.to_vec());
        assert!(!Responded.is_open() && !Closed.is_open() && !Refused.is_open());
    }
}
