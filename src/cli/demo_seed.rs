//! Cases a fresh demo store starts with, so the queues, the due dates and
//! the report have something to show: complaints and rights requests about
//! the sample customers, received over the last weeks, some overdue, some
//! assigned to the demo agent and some to nobody, and a few already
//! answered or refused.

use crate::desk::{Desk, DeskError};
use crate::domain::case_rules::StatusChange;
use crate::domain::{
    Case, CaseFilter, CaseStatus, Category, Contact, LinkedRecord, NewCase, Outcome, Priority,
    RefusalGround, RequestKind, Requester, Role,
};
use chrono::{DateTime, Duration, FixedOffset, Utc};

/// One seeded case: what it is, how many days ago it came in, who holds it.
struct Seed {
    category: Category,
    kind: Option<RequestKind>,
    days_ago: i64,
    name: &'static str,
    email: &'static str,
    description: &'static str,
    assignee: Option<&'static str>,
    priority: Option<Priority>,
    links: &'static [&'static str],
    /// How the case was answered, for the ones already dealt with.
    finish: Option<Finish>,
}

/// The end of a seeded case that was dealt with (answered today, so its
/// days to respond are the days since it came in).
#[derive(Clone, Copy)]
enum Finish {
    /// Answered and closed as fulfilled.
    Answered,
    /// Refused: identity not verified.
    Refused,
}

const AGENT: Option<&str> = Some("demo-agent");

fn seeds() -> Vec<Seed> {
    use Category::*;
    use RequestKind::*;
    let s = |category, kind, days_ago, name, email, description, assignee| Seed {
        category,
        kind,
        days_ago,
        name,
        email,
        description,
        assignee,
        priority: None,
        links: &[],
        finish: None,
    };
    vec![
        Seed {
            priority: Some(Priority::High),
            links: &["crm:C-1001"],
            ..s(
                Complaint,
                None,
                41,
                "山田 太郎",
                "taro.yamada@example.jp",
                "Still receives the newsletter six weeks after unsubscribing; asks why the opt-out was ignored.",
                None,
            )
        },
        s(
            Complaint,
            None,
            19,
            "鈴木 花子",
            "hanako.sato@example.net",
            "Billing statement still shows the maiden name after a change was confirmed by phone.",
            AGENT,
        ),
        s(
            Complaint,
            None,
            3,
            "高橋 健一",
            "k.takahashi@example.org",
            "Support agent read out the full address on a call the customer did not start.",
            None,
        ),
        s(
            RightsRequest,
            Some(Disclosure),
            36,
            "Emily Johnson",
            "emily.johnson@example.com",
            "Asks for a copy of everything held, electronically, including loyalty history.",
            AGENT,
        ),
        s(
            RightsRequest,
            Some(Correction),
            24,
            "鈴木 花子",
            "hanako.sato@example.net",
            "Family name changed from 佐藤 to 鈴木; wants every system corrected.",
            None,
        ),
        s(
            RightsRequest,
            Some(Suspension),
            12,
            "山田 太郎",
            "yamada.t62@example.com",
            "Wants use of purchase history for recommendations stopped.",
            AGENT,
        ),
        s(
            RightsRequest,
            Some(StopThirdParty),
            8,
            "高橋 健一",
            "k.takahashi@example.org",
            "Objects to data being passed to the analytics partner.",
            None,
        ),
        s(
            RightsRequest,
            Some(ThirdPartyRecords),
            5,
            "Emily Johnson",
            "emily.johnson@example.com",
            "Asks to whom her data was provided and when.",
            None,
        ),
        s(
            RightsRequest,
            Some(Erasure),
            33,
            "Emily Johnson",
            "emily.johnson@example.com",
            "GDPR erasure of the newsletter and loyalty accounts.",
            AGENT,
        ),
        s(
            RightsRequest,
            Some(Access),
            2,
            "高橋 健一",
            "k.takahashi@example.org",
            "GDPR access request sent by e-mail from a stay in Germany.",
            None,
        ),
        s(
            RightsRequest,
            Some(Delete),
            50,
            "Emily Johnson",
            "emily.johnson@example.com",
            "CCPA deletion request received through the web form.",
            None,
        ),
        s(
            RightsRequest,
            Some(Know),
            9,
            "山田 太郎",
            "taro.yamada@example.jp",
            "CCPA request to know, made while living in California.",
            AGENT,
        ),
        s(
            Inquiry,
            None,
            1,
            "鈴木 花子",
            "hanako.sato@example.net",
            "Asks how long support call recordings are kept.",
            None,
        ),
        Seed {
            finish: Some(Finish::Answered),
            ..s(
                RightsRequest,
                Some(Disclosure),
                9,
                "高橋 健一",
                "k.takahashi@example.org",
                "Copy of the support tickets about the 2026 delivery delay.",
                AGENT,
            )
        },
        Seed {
            finish: Some(Finish::Answered),
            ..s(
                RightsRequest,
                Some(Correction),
                4,
                "山田 太郎",
                "taro.yamada@example.jp",
                "Birth date typed wrong in the loyalty account.",
                AGENT,
            )
        },
        Seed {
            finish: Some(Finish::Answered),
            ..s(
                Complaint,
                None,
                22,
                "Emily Johnson",
                "emily.johnson@example.com",
                "Marketing call after she asked not to be called.",
                None,
            )
        },
        Seed {
            finish: Some(Finish::Refused),
            ..s(
                RightsRequest,
                Some(Disclosure),
                16,
                "山田 太郎",
                "yamada.t62@example.com",
                "Request by e-mail from an address not on file; no reply to the identity check.",
                None,
            )
        },
        s(
            Inquiry,
            None,
            6,
            "高橋 健一",
            "k.takahashi@example.org",
            "Asks what the loyalty programme does with purchase data.",
            AGENT,
        ),
    ]
}

/// Opens the seeded cases when the store holds no case at all (a fresh
/// demo); returns how many were opened.
pub fn seed_if_empty(desk: &Desk) -> Result<usize, DeskError> {
    let any = CaseFilter {
        include_closed: true,
        limit: Some(1),
        ..CaseFilter::default()
    };
    if !desk.list_cases(&any)?.is_empty() {
        return Ok(0);
    }
    let now: DateTime<FixedOffset> = Utc::now().with_timezone(&jst());
    let mut opened = 0;
    for seed in seeds() {
        let mut new = NewCase::new(seed.category, "email");
        new.kind = seed.kind;
        new.received_at = Some(now - Duration::days(seed.days_ago));
        new.requester = Requester {
            name: Some(seed.name.into()),
            contact: Contact {
                email: Some(seed.email.into()),
                ..Contact::default()
            },
            ..Requester::default()
        };
        new.description = seed.description.into();
        new.assignee = seed.assignee.map(str::to_string);
        new.priority = seed.priority;
        new.links = seed
            .links
            .iter()
            .filter_map(|l| LinkedRecord::parse(l).ok())
            .collect();
        let case = desk.create_case(&new)?;
        if let Some(how) = seed.finish {
            finish(desk, &case, how)?;
        }
        opened += 1;
    }
    Ok(opened)
}

/// Walks a seeded case to its end through the same changes an operator
/// makes. Only a supervisor may refuse and close, so an agent's demo leaves
/// these cases open.
fn finish(desk: &Desk, case: &Case, how: Finish) -> Result<(), DeskError> {
    if desk.operator().role != Role::Supervisor {
        return Ok(());
    }
    let id = case.id;
    let mut c = desk.change_status(id, case.version, &StatusChange::to(CaseStatus::InProgress))?;
    match how {
        Finish::Answered => {
            c = desk.add_note(
                id,
                c.version,
                "Answered by e-mail with what was asked for.",
                false,
                true,
            )?;
            c = desk.change_status(id, c.version, &StatusChange::to(CaseStatus::Responded))?;
            desk.change_status(
                id,
                c.version,
                &StatusChange {
                    outcome: Some(Outcome::Fulfilled),
                    ..StatusChange::to(CaseStatus::Closed)
                },
            )?;
        }
        Finish::Refused => {
            desk.change_status(
                id,
                c.version,
                &StatusChange {
                    grounds: vec![RefusalGround::IdentityNotVerified],
                    reason: Some("The requester did not answer the identity check.".into()),
                    ..StatusChange::to(CaseStatus::Refused)
                },
            )?;
        }
    }
    Ok(())
}

fn jst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("UTC+9 is a valid offset")
}
