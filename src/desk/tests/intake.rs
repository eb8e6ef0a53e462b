//! Intake from a call: an agent's case opened on the phone is theirs, and
//! the identity check recorded in the call covers the requester's other
//! cases of that call, and no one else's; both can be turned off.

use super::{access_request, Fixture};
use crate::domain::{CaseStatus, NewCase, RequestKind, VerificationInput, VerificationResult};

fn call(kind: RequestKind) -> NewCase {
    let mut n = access_request();
    n.channel = "phone".into();
    n.kind = Some(kind);
    n
}

fn check(result: VerificationResult) -> VerificationInput {
    VerificationInput {
        method: "callback to the registered number".into(),
        evidence: "date of birth and last order".into(),
        result,
    }
}

#[test]
fn an_agents_call_is_theirs_and_other_channels_are_left_for_the_queue() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let phoned = alice.create_case(&call(RequestKind::Disclosure)).unwrap();
    assert_eq!(phoned.assignee.as_deref(), Some("alice"));
    let mailed = alice.create_case(&access_request()).unwrap();
    assert_eq!(mailed.assignee, None);
    // A supervisor's call is left for them to hand out.
    let sue = fx.desk("sue");
    assert_eq!(
        sue.create_case(&call(RequestKind::Access))
            .unwrap()
            .assignee,
        None
    );

    let off = Fixture::with_cases_table("[cases]\nassign_calls_to_opener = false\n");
    let c = off
        .desk("alice")
        .create_case(&call(RequestKind::Access))
        .unwrap();
    assert_eq!(c.assignee, None);
}

#[test]
fn one_check_in_a_call_covers_that_requesters_other_cases_of_the_call() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let bob = fx.desk("bob");
    let first = alice.create_case(&call(RequestKind::Disclosure)).unwrap();
    let second = alice
        .create_case(&call(RequestKind::Rectification))
        .unwrap();
    // Not the same call: by e-mail, or opened by someone else.
    let mailed = alice.create_case(&access_request()).unwrap();
    let bobs = bob.create_case(&call(RequestKind::Erasure)).unwrap();
    // Someone else's request in the same call.
    let mut other = call(RequestKind::Access);
    other.requester.name = Some("Hanako Suzuki".into());
    other.requester.contact.email = Some("hanako@example.jp".into());
    other.requester.contact.phone = Some("03-5555-0101".into());
    let stranger = alice.create_case(&other).unwrap();

    alice
        .verify_identity(
            first.id,
            first.version,
            &check(VerificationResult::Verified),
        )
        .unwrap();
    let covered = alice.load_case(second.id).unwrap();
    let v = covered.verification.expect("the second case is covered");
    assert_eq!(v.result, VerificationResult::Verified);
    assert_eq!(v.verified_by, "alice");
    assert!(
        v.method
            .contains(&format!("recorded on {}, same call", first.id)),
        "{}",
        v.method
    );
    assert_eq!(covered.status, CaseStatus::New);
    for id in [mailed.id, bobs.id, stranger.id] {
        assert!(
            alice.load_case(id).unwrap().verification.is_none(),
            "{id} was covered by a check it was not part of"
        );
    }
    // Both timelines say so.
    let first_view = alice.get_case(first.id).unwrap();
    assert!(
        first_view.events.iter().any(|e| e
            .after
            .get("covers")
            .is_some_and(|c| c.to_string().contains(&second.id.to_string()))),
        "{:?}",
        first_view.events
    );
    let second_view = alice.get_case(second.id).unwrap();
    assert!(second_view
        .events
        .iter()
        .any(|e| e.after.get("covered_by").is_some()));
}

#[test]
fn a_failed_check_covers_nothing_and_the_window_can_be_turned_off() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let first = alice.create_case(&call(RequestKind::Disclosure)).unwrap();
    let second = alice.create_case(&call(RequestKind::Erasure)).unwrap();
    alice
        .verify_identity(first.id, first.version, &check(VerificationResult::Failed))
        .unwrap();
    assert!(alice.load_case(second.id).unwrap().verification.is_none());

    let off = Fixture::with_cases_table("[cases]\nidentity_covers_call_minutes = 0\n");
    let alice = off.desk("alice");
    let first = alice.create_case(&call(RequestKind::Disclosure)).unwrap();
    let second = alice.create_case(&call(RequestKind::Erasure)).unwrap();
    alice
        .verify_identity(
            first.id,
            first.version,
            &check(VerificationResult::Verified),
        )
        .unwrap();
    assert!(alice.load_case(second.id).unwrap().verification.is_none());
}
