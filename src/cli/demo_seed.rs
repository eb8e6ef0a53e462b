//! Cases a fresh demo store starts with, so the queues, the due dates and
//! the report have something to show: complaints and rights requests about
//! the sample customers, received over the last weeks, some overdue, some
//! assigned to the demo agent and some to nobody.

use crate::desk::{Desk, DeskError};
use crate::domain::{
    CaseFilter, Category, Contact, LinkedRecord, NewCase, Priority, RequestKind, Requester,
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
        desk.create_case(&new)?;
        opened += 1;
    }
    Ok(opened)
}

fn jst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("UTC+9 is a valid offset")
}
