use super::*;
use crate::domain::case::{Contact, NewCase, ResponseRef};
use chrono::TimeZone;

fn channels() -> Vec<String> {
    crate::domain::case::DEFAULT_CHANNELS
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn jst(y: i32, m: u32, d: u32, h: u32) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(9 * 3600)
        .unwrap()
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 3, 0, 0).unwrap()
}

fn request(kind: RequestKind) -> NewCase {
    let mut n = NewCase::new(Category::RightsRequest, "email");
    n.kind = Some(kind);
    n.requester.name = Some("山田 太郎".into());
    n.requester.contact = Contact {
        email: Some("taro@example.jp".into()),
        ..Contact::default()
    };
    n
}

fn case_of(kind: RequestKind) -> Case {
    new_case(
        &request(kind),
        &channels(),
        jst(2026, 3, 2, 10),
        "alice",
        now(),
    )
    .unwrap()
}

fn to(case: &mut Case, status: CaseStatus) -> Result<(), CaseRuleError> {
    apply_status(case, &StatusChange::to(status), "alice", now())
}

fn msg(r: Result<(), CaseRuleError>) -> String {
    r.unwrap_err().to_string()
}

#[test]
fn law_follows_the_kind_and_a_mismatch_is_refused() {
    assert_eq!(
        resolve_law(Category::RightsRequest, Some(RequestKind::Erasure), None),
        Ok((Some(RequestKind::Erasure), Law::Gdpr))
    );
    assert_eq!(
        resolve_law(
            Category::RightsRequest,
            Some(RequestKind::Disclosure),
            Some(Law::Appi)
        ),
        Ok((Some(RequestKind::Disclosure), Law::Appi))
    );
    let err = resolve_law(
        Category::RightsRequest,
        Some(RequestKind::Disclosure),
        Some(Law::Gdpr),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("the kind disclosure belongs to APPI, not GDPR"),
        "{err}"
    );
    assert!(
        err.contains("GDPR kinds: access, rectification, erasure"),
        "{err}"
    );
    let err = resolve_law(Category::RightsRequest, None, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("needs a kind") && err.contains("opt_out"),
        "{err}"
    );
    let err = resolve_law(Category::Complaint, Some(RequestKind::Know), None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("only given for rights requests"), "{err}");
    assert_eq!(
        resolve_law(Category::Inquiry, None, None),
        Ok((None, Law::Appi))
    );
    assert_eq!(
        resolve_law(Category::Complaint, None, Some(Law::Ccpa)),
        Ok((None, Law::Ccpa))
    );
}

#[test]
fn fees_only_on_kinds_that_allow_them() {
    for k in RequestKind::ALL {
        let r = check_fee(Some(k), 1000);
        assert_eq!(r.is_ok(), k.fee_allowed(), "{k:?}");
    }
    let err = check_fee(Some(RequestKind::Correction), 500)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("no fee may be charged for correction requests"),
        "{err}"
    );
    assert!(
        err.contains("purpose_notification, disclosure, third_party_records"),
        "{err}"
    );
    assert!(check_fee(Some(RequestKind::Disclosure), 0).is_err());
    assert!(check_fee(None, 100).is_err());

    let mut c = case_of(RequestKind::Disclosure);
    set_fee(&mut c, Some(1000)).unwrap();
    assert_eq!(
        c.fee,
        Some(Fee {
            amount_jpy: 1000,
            paid: false
        })
    );
    set_fee_paid(&mut c, true).unwrap();
    assert!(c.fee.unwrap().paid);
    set_fee(&mut c, Some(1000)).unwrap();
    assert!(c.fee.unwrap().paid, "same amount keeps the payment");
    set_fee(&mut c, Some(1500)).unwrap();
    assert!(!c.fee.unwrap().paid, "a new amount is not paid yet");

    let mut c = case_of(RequestKind::Erasure);
    assert!(msg(set_fee(&mut c, Some(100))).contains("erasure"));
    assert_eq!(c.fee, None);
    assert!(msg(set_fee_paid(&mut c, true)).contains("no fee is set"));
}

#[test]
fn disclosure_defaults_to_electronic_delivery_and_others_have_none() {
    assert_eq!(
        case_of(RequestKind::Disclosure).delivery_format,
        Some(DeliveryFormat::Electronic)
    );
    assert_eq!(
        case_of(RequestKind::Access).delivery_format,
        Some(DeliveryFormat::Electronic)
    );
    assert_eq!(case_of(RequestKind::Correction).delivery_format, None);
    let mut paper = request(RequestKind::Disclosure);
    paper.delivery_format = Some(DeliveryFormat::Paper);
    let c = new_case(&paper, &channels(), jst(2026, 3, 2, 10), "alice", now()).unwrap();
    assert_eq!(c.delivery_format, Some(DeliveryFormat::Paper));
    let mut wrong = request(RequestKind::Suspension);
    wrong.delivery_format = Some(DeliveryFormat::Paper);
    let err = new_case(&wrong, &channels(), jst(2026, 3, 2, 10), "alice", now()).unwrap_err();
    assert!(
        err.to_string().contains("disclosure requests only"),
        "{err}"
    );
    let mut c = case_of(RequestKind::Correction);
    assert!(set_delivery_format(&mut c, DeliveryFormat::Paper).is_err());
}

#[test]
fn in_person_is_refused_unless_configured() {
    let mut n = request(RequestKind::Disclosure);
    n.channel = "in person".into();
    let err = new_case(&n, &channels(), jst(2026, 3, 2, 10), "alice", now())
        .unwrap_err()
        .to_string();
    assert!(err.contains("channel `in person` is not accepted"), "{err}");
    assert!(
        err.contains("accepted: phone, email, postal_mail, web_form"),
        "{err}"
    );
    let mut more = channels();
    more.push("in_person".into());
    let c = new_case(&n, &more, jst(2026, 3, 2, 10), "alice", now()).unwrap();
    assert_eq!(c.channel, "in_person");
    n.channel = "Postal-Mail".into();
    assert_eq!(
        new_case(&n, &channels(), jst(2026, 3, 2, 10), "a", now())
            .unwrap()
            .channel,
        "postal_mail"
    );
}

#[test]
fn a_new_case_is_checked() {
    let base = request(RequestKind::Disclosure);
    let c = new_case(&base, &channels(), jst(2026, 3, 2, 10), "alice", now()).unwrap();
    assert_eq!(
        (c.status, c.version, c.priority, c.law),
        (CaseStatus::New, 1, Priority::Normal, Law::Appi)
    );
    assert_eq!(c.received_at.offset().local_minus_utc(), 9 * 3600);

    let future = jst(2026, 3, 2, 13); // 04:00 UTC, an hour after `now`
    let err = new_case(&base, &channels(), future, "alice", now()).unwrap_err();
    assert!(err.to_string().contains("lies in the future"), "{err}");

    let mut anonymous = base.clone();
    anonymous.requester = Requester::default();
    let err = new_case(&anonymous, &channels(), jst(2026, 3, 2, 10), "a", now()).unwrap_err();
    assert!(
        err.to_string()
            .contains("needs the requester's name or a way to contact them"),
        "{err}"
    );
    let mut inquiry = NewCase::new(Category::Inquiry, "phone");
    inquiry.description = "  asks what data we hold  ".into();
    let c = new_case(&inquiry, &channels(), jst(2026, 3, 2, 10), "a", now()).unwrap();
    assert_eq!(c.description, "asks what data we hold");

    let mut rep = base.clone();
    rep.requester.representative = Some(Representative {
        name: "佐藤 弁護士".into(),
        relation: " ".into(),
        proof: None,
    });
    let err = new_case(&rep, &channels(), jst(2026, 3, 2, 10), "a", now()).unwrap_err();
    assert!(err.to_string().contains("relation"), "{err}");

    let mut ctl = base.clone();
    ctl.description = "bad \u{1b}[2J text".into();
    let err = new_case(&ctl, &channels(), jst(2026, 3, 2, 10), "a", now()).unwrap_err();
    assert!(err.to_string().contains("control characters"), "{err}");

    let mut bad_reply = base;
    bad_reply.requester.reply_channel = Some("fax".into());
    assert!(new_case(&bad_reply, &channels(), jst(2026, 3, 2, 10), "a", now()).is_err());
}

#[test]
fn hold_needs_a_reason_and_remembers_where_it_came_from() {
    let mut c = case_of(RequestKind::Disclosure);
    to(&mut c, CaseStatus::AwaitingIdentity).unwrap();
    assert!(msg(to(&mut c, CaseStatus::OnHold)).contains("needs a reason"));
    assert_eq!(c.status, CaseStatus::AwaitingIdentity);
    let hold = StatusChange {
        to: Some(CaseStatus::OnHold),
        reason: Some("waiting for the fee".into()),
        ..Default::default()
    };
    apply_status(&mut c, &hold, "alice", now()).unwrap();
    assert_eq!(c.held_from, Some(CaseStatus::AwaitingIdentity));
    assert_eq!(c.hold_reason.as_deref(), Some("waiting for the fee"));
    to(&mut c, CaseStatus::InProgress).unwrap();
    assert_eq!((c.held_from, c.hold_reason.clone()), (None, None));
}

#[test]
fn refusing_needs_a_ground_and_closing_an_outcome() {
    let mut c = case_of(RequestKind::Disclosure);
    to(&mut c, CaseStatus::InProgress).unwrap();
    let err = msg(to(&mut c, CaseStatus::Refused));
    assert!(
        err.contains("at least one statutory ground") && err.contains("identity_not_verified"),
        "{err}"
    );
    let refuse = StatusChange {
        to: Some(CaseStatus::Refused),
        reason: Some("request made in bad faith".into()),
        grounds: vec![
            RefusalGround::RepeatedOrExcessive,
            RefusalGround::RepeatedOrExcessive,
        ],
        outcome: None,
    };
    apply_status(&mut c, &refuse, "sup", now()).unwrap();
    assert_eq!(c.refusal_grounds, vec![RefusalGround::RepeatedOrExcessive]);
    let wrong = StatusChange {
        to: Some(CaseStatus::Closed),
        outcome: Some(Outcome::Fulfilled),
        ..Default::default()
    };
    assert!(msg(apply_status(&mut c, &wrong, "sup", now()))
        .contains("closes with the outcome refused, not fulfilled"));
    to(&mut c, CaseStatus::Closed).unwrap();
    assert_eq!(
        (c.status, c.outcome, c.closed_at),
        (CaseStatus::Closed, Some(Outcome::Refused), Some(now()))
    );

    // Closed: nothing changes any more.
    let err = to(&mut c, CaseStatus::InProgress).unwrap_err();
    assert_eq!(err, CaseRuleError::Closed(c.id));
    assert!(matches!(
        set_priority(&mut c, Priority::High),
        Err(CaseRuleError::Closed(_))
    ));
    assert!(matches!(
        add_pause(&mut c, jst(2026, 3, 3, 10), None, "x"),
        Err(CaseRuleError::Closed(_))
    ));
}

#[test]
fn responding_needs_the_response_and_closing_it_an_outcome() {
    let mut c = case_of(RequestKind::Correction);
    to(&mut c, CaseStatus::InProgress).unwrap();
    assert!(msg(to(&mut c, CaseStatus::Responded)).contains("no reply is marked as the response"));
    c.response = Some(ResponseRef {
        note_id: 7,
        at: now(),
    });
    to(&mut c, CaseStatus::Responded).unwrap();
    let err = msg(to(&mut c, CaseStatus::Closed));
    assert!(
        err.starts_with("closing needs an outcome: fulfilled, partly_fulfilled, refused"),
        "{err}"
    );
    let withdrawn = StatusChange {
        to: Some(CaseStatus::Closed),
        outcome: Some(Outcome::Withdrawn),
        ..Default::default()
    };
    assert!(apply_status(&mut c, &withdrawn, "s", now()).is_err());
    let refused = StatusChange {
        to: Some(CaseStatus::Closed),
        outcome: Some(Outcome::Refused),
        ..Default::default()
    };
    assert!(msg(apply_status(&mut c, &refused, "s", now()))
        .contains("needs at least one statutory ground"));
    // Reopening drops the response: a new one must be marked.
    to(&mut c, CaseStatus::InProgress).unwrap();
    assert_eq!(c.response, None);
    c.response = Some(ResponseRef {
        note_id: 9,
        at: now(),
    });
    to(&mut c, CaseStatus::Responded).unwrap();
    let done = StatusChange {
        to: Some(CaseStatus::Closed),
        outcome: Some(Outcome::PartlyFulfilled),
        reason: Some("address corrected, old phone kept for billing law".into()),
        ..Default::default()
    };
    apply_status(&mut c, &done, "s", now()).unwrap();
    assert_eq!(c.outcome, Some(Outcome::PartlyFulfilled));
    assert_eq!(
        c.resolution.as_deref(),
        Some("address corrected, old phone kept for billing law")
    );
}

#[test]
fn grounds_and_outcomes_only_where_they_belong() {
    let mut c = case_of(RequestKind::Disclosure);
    let odd = StatusChange {
        to: Some(CaseStatus::InProgress),
        grounds: vec![RefusalGround::NotCoveredByLaw],
        ..Default::default()
    };
    assert!(msg(apply_status(&mut c, &odd, "a", now())).contains("only given when refusing"));
    let odd = StatusChange {
        to: Some(CaseStatus::InProgress),
        outcome: Some(Outcome::Fulfilled),
        ..Default::default()
    };
    assert!(msg(apply_status(&mut c, &odd, "a", now())).contains("only given when closing"));
    assert_eq!(c.status, CaseStatus::New);
    let err = apply_status(&mut c, &StatusChange::default(), "a", now())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("allowed: awaiting_identity, in_progress, refused, withdrawn"),
        "{err}"
    );
}

#[test]
fn four_eyes_on_approval() {
    let mut c = case_of(RequestKind::Disclosure);
    to(&mut c, CaseStatus::InProgress).unwrap();
    apply_status(
        &mut c,
        &StatusChange::to(CaseStatus::AwaitingApproval),
        "alice",
        now(),
    )
    .unwrap();
    assert_eq!(c.approval_requested_by.as_deref(), Some("alice"));
    c.response = Some(ResponseRef {
        note_id: 1,
        at: now(),
    });
    let err = msg(apply_status(
        &mut c,
        &StatusChange::to(CaseStatus::Responded),
        "alice",
        now(),
    ));
    assert!(err.contains("four-eyes"), "{err}");
    apply_status(
        &mut c,
        &StatusChange::to(CaseStatus::Responded),
        "bob",
        now(),
    )
    .unwrap();
    assert_eq!(c.approval_requested_by, None);
}

#[test]
fn withdrawal_closes_as_withdrawn() {
    let mut c = case_of(RequestKind::Erasure);
    let w = StatusChange {
        to: Some(CaseStatus::Withdrawn),
        reason: Some("customer called back".into()),
        ..Default::default()
    };
    apply_status(&mut c, &w, "a", now()).unwrap();
    to(&mut c, CaseStatus::Closed).unwrap();
    assert_eq!(c.outcome, Some(Outcome::Withdrawn));
}

#[test]
fn pauses_do_not_overlap_and_one_runs_at_a_time() {
    let d = |m, day| jst(2026, m, day, 10);
    let mut c = case_of(RequestKind::Disclosure);
    assert!(msg(add_pause(&mut c, jst(2026, 3, 2, 9), None, "id docs"))
        .contains("before the request was received"));
    assert!(msg(add_pause(&mut c, d(3, 5), Some(d(3, 4)), "id docs")).contains("cannot end"));
    assert!(msg(add_pause(&mut c, d(3, 5), None, " ")).contains("reason for the pause is required"));
    add_pause(&mut c, d(3, 5), None, "waiting for identity documents").unwrap();
    assert!(msg(add_pause(&mut c, d(3, 20), None, "fee")).contains("still running"));
    assert!(msg(end_pause(&mut c, d(3, 4))).contains("cannot end"));
    end_pause(&mut c, d(3, 9)).unwrap();
    assert!(msg(end_pause(&mut c, d(3, 10))).contains("no pause is running"));
    assert!(msg(add_pause(&mut c, d(3, 9), Some(d(3, 12)), "fee")).contains("overlaps"));
    assert!(msg(add_pause(&mut c, d(3, 3), None, "fee")).contains("overlaps"));
    add_pause(&mut c, d(3, 2), Some(d(3, 3)), "fee").unwrap();
    assert_eq!(
        c.pauses.iter().map(|p| p.from).collect::<Vec<_>>(),
        vec![d(3, 2), d(3, 5)]
    );
    assert_eq!(c.open_pause(), None);
    assert!(
        msg(set_received_at(&mut c, jst(2026, 3, 2, 11), now())).contains("a pause starts before")
    );
}

#[test]
fn a_deadline_is_extended_once() {
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    let mut c = case_of(RequestKind::Access);
    assert!(msg(extend(&mut c, "complex request", d(2, 1))).contains("lies before"));
    extend(&mut c, "complex request", d(3, 20)).unwrap();
    assert!(msg(extend(&mut c, "again", d(3, 21))).contains("extended once"));
    assert_eq!(c.extension.as_ref().map(|e| e.notice_date), Some(d(3, 20)));
}
