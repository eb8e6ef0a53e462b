//! What the case benchmarks share: importing built cases into the store in
//! one transaction, keyed by their requester's email.

use privdesk::desk::Desk;
use privdesk::domain::Case;
use privdesk::store::{ContactKeys, NewAuditEntry};

/// Imports `cases` in one transaction (one `case_create` audit entry).
pub fn import(desk: &Desk, cases: Vec<Case>) {
    let batch: Vec<(Case, ContactKeys)> = cases
        .into_iter()
        .map(|case| {
            let keys = ContactKeys {
                email: case.requester.contact.email.clone(),
                phone: None,
            };
            (case, keys)
        })
        .collect();
    let audit = NewAuditEntry {
        operator: "bench".into(),
        kind: privdesk::domain::AuditKind::CaseCreate,
        subject: "cases".into(),
        details: serde_json::json!({}),
    };
    desk.store()
        .import_cases(&batch, 2026, &audit)
        .expect("import");
}
