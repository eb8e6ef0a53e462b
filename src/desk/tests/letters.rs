//! Letters through the desk: the editor's previews are not audited, a
//! rendering asked for on its own is, and recording a letter is one change.

use super::{access_request, Fixture};
use crate::store::AuditFilter;

#[test]
fn browsing_templates_writes_no_audit_entry_and_recording_one_letter_writes_one() {
    let fx = Fixture::with_cases_table(
        "[letters]\ncompany = \"Sample Trading Co., Ltd.\"\ndesk = \"Privacy desk\"\ncontact = \"privacy@example.jp\"\ncomplaints = \"complaints@example.jp\"\n",
    );
    let alice = fx.desk("alice");
    let case = alice.create_case(&access_request()).unwrap();
    let count = |kind: &str| {
        fx.desk("sue")
            .audit_log(&AuditFilter {
                kind: Some(kind.into()),
                subject: Some(case.id.to_string()),
                ..Default::default()
            })
            .unwrap()
            .len()
    };
    let changes_before = count("case_change");
    let mut last = None;
    for template in alice.letter_templates() {
        match alice.preview_letter(case.id, &template, None) {
            Ok(l) => last = Some(l),
            Err(e) => eprintln!("{template}: {e}"),
        }
    }
    let letter = last.expect("some template renders for a new access request");
    assert_eq!(count("letter"), 0, "browsing the templates was audited");
    alice
        .record_letter(
            case.id,
            letter.case_version,
            "Dear Mr Yamada, we received your request.",
            false,
        )
        .unwrap();
    assert_eq!(count("case_change"), changes_before + 1);
    assert_eq!(count("letter"), 0);
    // Rendering on its own (the command line) is audited.
    alice.render_letter(case.id, "receipt", None).unwrap();
    assert_eq!(count("letter"), 1);
}
