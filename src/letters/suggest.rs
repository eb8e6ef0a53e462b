//! Which template fits a case as it stands, for the letter editor to start
//! on: the refusal for a refused case, the completion letter for an
//! answered one, the extension notice while the deadline is extended, the
//! request for identity documents while the identity is unchecked, else
//! the receipt.

use crate::domain::{Case, CaseStatus, Category, Outcome, VerificationResult};

pub fn suggested_template(case: &Case) -> &'static str {
    let refused = case.status == CaseStatus::Refused || case.outcome == Some(Outcome::Refused);
    if refused {
        return "refusal";
    }
    let answered = matches!(case.status, CaseStatus::Responded | CaseStatus::Closed);
    let disclosure = case.kind.is_some_and(|k| k.is_disclosure());
    match () {
        _ if answered && disclosure => "disclosure_done",
        _ if answered && case.category == Category::RightsRequest => "action_done",
        _ if case.extension.is_some() && case.status.is_open() => "extension",
        _ if case.category == Category::RightsRequest
            && (case.status == CaseStatus::AwaitingIdentity
                || case
                    .verification
                    .as_ref()
                    .is_some_and(|v| v.result == VerificationResult::Failed)) =>
        {
            "identity_request"
        }
        _ => "receipt",
    }
}
