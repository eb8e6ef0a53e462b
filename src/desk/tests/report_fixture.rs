//! Cases for the report and retention tests, built through the desk from
//! plain definitions, so the tests can work out the expected numbers from
//! the same definitions on their own.

use super::Fixture;
use crate::desk::Desk;
use crate::domain::CaseStatus::{self, *};
use crate::domain::{
    Case, Category, Contact, NewCase, Outcome, RefusalGround, RequestKind, StatusChange,
};
use chrono::{Days, NaiveDate, NaiveTime, TimeZone};

/// How a fixture case ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Open,
    Responded,
    Fulfilled,
    Refused(RefusalGround),
    Withdrawn,
}

/// One fixture case.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub category: Category,
    pub kind: Option<RequestKind>,
    pub days_ago: u64,
    pub end: End,
    /// An extension with this reason, notified three days after receipt.
    pub extend: Option<&'static str>,
}

const fn rights(kind: RequestKind, days_ago: u64, end: End) -> Spec {
    Spec {
        category: Category::RightsRequest,
        kind: Some(kind),
        days_ago,
        end,
        extend: None,
    }
}

const fn contact(category: Category, days_ago: u64, end: End) -> Spec {
    Spec {
        category,
        kind: None,
        days_ago,
        end,
        extend: None,
    }
}

/// The fixture: every law, open and answered, refused and withdrawn,
/// extended, one case outside the default period.
pub fn specs() -> Vec<Spec> {
    use RequestKind::*;
    let mut extended_access = rights(Access, 50, End::Fulfilled);
    extended_access.extend = Some("complex request");
    let mut extended_delete = rights(Delete, 60, End::Responded);
    extended_delete.extend = Some("volume of requests");
    vec![
        rights(Access, 3, End::Responded),
        extended_access,
        rights(Erasure, 45, End::Fulfilled),
        rights(Know, 10, End::Refused(RefusalGround::IdentityNotVerified)),
        rights(Delete, 20, End::Fulfilled),
        extended_delete,
        rights(OptOut, 2, End::Open),
        rights(Disclosure, 40, End::Open),
        rights(Correction, 8, End::Refused(RefusalGround::NotCoveredByLaw)),
        contact(Category::Complaint, 7, End::Withdrawn),
        contact(Category::Inquiry, 400, End::Responded),
        contact(Category::Inquiry, 1, End::Responded),
        rights(Know, 30, End::Withdrawn),
    ]
}

impl Spec {
    /// The status the case ends in.
    pub fn status(&self) -> CaseStatus {
        match self.end {
            End::Open => InProgress,
            End::Responded => Responded,
            End::Fulfilled | End::Refused(_) | End::Withdrawn => Closed,
        }
    }

    pub fn answered(&self) -> bool {
        matches!(self.end, End::Responded | End::Fulfilled | End::Refused(_))
    }

    pub fn received(&self, today: NaiveDate) -> NaiveDate {
        today.checked_sub_days(Days::new(self.days_ago)).unwrap()
    }
}

/// Builds `spec` as supervisor `desk` (named `n` for its requester).
pub fn build(desk: &Desk, spec: &Spec, n: usize) -> Case {
    let today = desk.today();
    let tz = desk.calendar().time_zone();
    let received = tz
        .from_local_datetime(
            &spec
                .received(today)
                .and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap()),
        )
        .unwrap()
        .fixed_offset();
    let mut new = NewCase::new(spec.category, "email");
    new.kind = spec.kind;
    new.received_at = Some(received);
    new.requester.name = Some(format!("Requester Number{n}"));
    new.requester.contact = Contact {
        email: Some(format!("requester{n}@example.jp")),
        phone: Some("090-1234-5678".into()),
        postal_address: Some(format!("{n} Chome, Minato-ku")),
    };
    new.description = format!("Personal story of requester {n}");
    let mut c = desk.create_case(&new).unwrap();
    if let Some(reason) = spec.extend {
        let notice = spec.received(today).checked_add_days(Days::new(3)).unwrap();
        c = desk.extend(c.id, c.version, reason, notice).unwrap();
    }
    let to = |c: &Case, s: CaseStatus| {
        desk.change_status(c.id, c.version, &StatusChange::to(s))
            .unwrap()
    };
    match spec.end {
        End::Withdrawn => {
            c = to(&c, Withdrawn);
            c = to(&c, Closed);
        }
        End::Refused(g) => {
            c = to(&c, InProgress);
            let refuse = StatusChange {
                to: Some(Refused),
                grounds: vec![g],
                reason: Some(format!("refusal letter to requester {n}")),
                ..StatusChange::default()
            };
            c = desk.change_status(c.id, c.version, &refuse).unwrap();
            c = to(&c, Closed);
        }
        End::Open => c = to(&c, InProgress),
        End::Responded | End::Fulfilled => {
            c = to(&c, InProgress);
            c = desk
                .add_note(
                    c.id,
                    c.version,
                    &format!("Dear requester {n}, here is your answer"),
                    false,
                    true,
                )
                .unwrap();
            c = desk
                .add_note(
                    c.id,
                    c.version,
                    &format!("internal: called requester {n}"),
                    true,
                    false,
                )
                .unwrap();
            c = to(&c, Responded);
            if spec.end == End::Fulfilled {
                let close = StatusChange {
                    to: Some(Closed),
                    outcome: Some(Outcome::Fulfilled),
                    ..StatusChange::default()
                };
                c = desk.change_status(c.id, c.version, &close).unwrap();
            }
        }
    }
    c
}

/// Every fixture case, built by supervisor sue.
pub fn build_all(fx: &Fixture) -> Vec<(Spec, Case)> {
    let sue = fx.desk("sue");
    specs()
        .into_iter()
        .enumerate()
        .map(|(n, s)| {
            let c = build(&sue, &s, n);
            (s, c)
        })
        .collect()
}
