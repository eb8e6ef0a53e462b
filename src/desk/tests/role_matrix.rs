//! The role matrix through the service layer: every operation tried by an
//! agent (alice), a supervisor (sue) and an auditor (audrey) against the
//! sample systems. A refusal must be `Denied` with a message saying why,
//! change nothing it was asked to, and leave one `denied` audit entry in
//! the operator's name; an allowed operation must succeed.

use super::action_env::{action_id, taro_case, ActionEnv};
use crate::desk::{ActionRequest, Desk, DeskError, PackageOptions, SearchOptions};
use crate::domain::{
    ActionKind, AssigneeFilter, CaseFilter, CaseId, CaseStatus, Category, NewCase, RefusalGround,
    RequestKind, StatusChange,
};
use crate::store::{AuditFilter, Store};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Allow,
    /// Denied, the message holding this text.
    Deny(&'static str),
}
use Expect::{Allow, Deny};

#[derive(Debug, Clone, Copy)]
enum Op {
    Search,
    RevealRecords,
    RevealCase,
    ViewOwnCase,
    ViewOthersCase,
    ViewUnassignedCase,
    ListOthersCases,
    ChangeOwnCase,
    ChangeOthersCase,
    AssignToOther,
    TakeUnassigned,
    ApproveAction,
    DenyAction,
    PlanAction,
    RefuseRequest,
    CloseComplaint,
    ReadAuditLog,
    VerifyAudit,
    ExportAudit,
    BuildPackage,
    RenderLetter,
    FetchRecord,
}

const AGENTS_OWN: &str = "agents see their own and unassigned cases";
const READ_ONLY: &str = "auditors are read-only";
const AUDIT_READERS: &str = "only supervisors and auditors read the audit trail";

/// (operation, [agent, supervisor, auditor]). "Own" is a case assigned to
/// the agent alice; "other's" one assigned to the agent bob.
const MATRIX: &[(Op, [Expect; 3])] = &[
    (
        Op::Search,
        [Allow, Allow, Deny("auditors do not search customer data")],
    ),
    (
        Op::RevealRecords,
        [Allow, Allow, Deny("auditors cannot reveal personal data")],
    ),
    (
        Op::RevealCase,
        [Allow, Allow, Deny("auditors cannot reveal personal data")],
    ),
    (Op::ViewOwnCase, [Allow, Allow, Allow]),
    (Op::ViewOthersCase, [Deny(AGENTS_OWN), Allow, Allow]),
    (Op::ViewUnassignedCase, [Allow, Allow, Allow]),
    (Op::ListOthersCases, [Deny(AGENTS_OWN), Allow, Allow]),
    (Op::ChangeOwnCase, [Allow, Allow, Deny(READ_ONLY)]),
    (
        Op::ChangeOthersCase,
        [Deny("is assigned to bob"), Allow, Deny(READ_ONLY)],
    ),
    (
        Op::AssignToOther,
        [
            Deny("only supervisors assign cases"),
            Allow,
            Deny(READ_ONLY),
        ],
    ),
    (Op::TakeUnassigned, [Allow, Allow, Deny(READ_ONLY)]),
    (
        Op::ApproveAction,
        [
            Deny("only supervisors approve or deny actions"),
            Allow,
            Deny("only supervisors approve or deny actions"),
        ],
    ),
    (
        Op::DenyAction,
        [
            Deny("only supervisors approve or deny actions"),
            Allow,
            Deny("only supervisors approve or deny actions"),
        ],
    ),
    (Op::PlanAction, [Allow, Allow, Deny(READ_ONLY)]),
    (
        Op::RefuseRequest,
        [
            Deny("only supervisors refuse requests"),
            Allow,
            Deny(READ_ONLY),
        ],
    ),
    (
        Op::CloseComplaint,
        [Deny("only supervisors close cases"), Allow, Deny(READ_ONLY)],
    ),
    (Op::ReadAuditLog, [Deny(AUDIT_READERS), Allow, Allow]),
    (Op::VerifyAudit, [Deny(AUDIT_READERS), Allow, Allow]),
    (Op::ExportAudit, [Deny(AUDIT_READERS), Allow, Allow]),
    (Op::BuildPackage, [Allow, Allow, Deny(READ_ONLY)]),
    (Op::RenderLetter, [Allow, Allow, Deny(READ_ONLY)]),
    (
        Op::FetchRecord,
        [Allow, Allow, Deny("auditors do not read customer records")],
    ),
];

const USERS: [&str; 3] = ["alice", "sue", "audrey"];

/// A rights request from Taro Yamada (identity verified), opened by sue
/// and assigned to `to`.
fn case_for(sue: &Desk, kind: RequestKind, to: Option<&str>) -> CaseId {
    let id = taro_case(sue, kind, &["crm:C-1001"], true);
    if let Some(to) = to {
        let v = sue.case_version(id).unwrap();
        sue.assign(id, v, Some(to)).unwrap();
    }
    id
}

async fn attempt(env: &ActionEnv, user: &str, op: Op) -> Result<(), DeskError> {
    let sue = env.desk("sue");
    let me = env.desk(user);
    match op {
        Op::Search => {
            let run = me.start_search("taro.yamada@example.jp", SearchOptions::default())?;
            let last = run.finish().await.expect("the search ends");
            assert!(last.audit_id.is_some(), "{:?}", last.audit_error);
            Ok(())
        }
        Op::RevealRecords => me.reveal(&[], "Identity check during a call").map(drop),
        Op::RevealCase => {
            let id = case_for(&sue, RequestKind::Access, Some("alice"));
            me.reveal_case(id, "Identity check during a call").map(drop)
        }
        Op::ViewOwnCase => {
            let id = case_for(&sue, RequestKind::Access, Some("alice"));
            me.get_case(id).map(drop)
        }
        Op::ViewOthersCase => {
            let id = case_for(&sue, RequestKind::Access, Some("bob"));
            me.get_case(id).map(drop)
        }
        Op::ViewUnassignedCase => {
            let id = case_for(&sue, RequestKind::Access, None);
            me.get_case(id).map(drop)
        }
        Op::ListOthersCases => me
            .list_cases(&CaseFilter {
                assignee: AssigneeFilter::User("bob".into()),
                ..Default::default()
            })
            .map(drop),
        Op::ChangeOwnCase | Op::ChangeOthersCase => {
            let to = if matches!(op, Op::ChangeOwnCase) {
                "alice"
            } else {
                "bob"
            };
            let id = case_for(&sue, RequestKind::Access, Some(to));
            let v = sue.case_version(id).unwrap();
            me.add_note(id, v, "called back", true, false).map(drop)
        }
        Op::AssignToOther => {
            let id = case_for(&sue, RequestKind::Access, None);
            me.assign(id, sue.case_version(id).unwrap(), Some("bob"))
                .map(drop)
        }
        Op::TakeUnassigned => {
            let id = case_for(&sue, RequestKind::Access, None);
            let mine = me.operator().username.clone();
            me.assign(id, sue.case_version(id).unwrap(), Some(&mine))
                .map(drop)
        }
        Op::ApproveAction | Op::DenyAction => {
            // Prepared by the agent, so the supervisor is not the preparer.
            let alice = env.desk("alice");
            let id = case_for(&sue, RequestKind::Erasure, Some("alice"));
            let planned = alice
                .plan_action(id, &ActionRequest::default())
                .await
                .unwrap();
            assert_eq!(planned.action.kind, ActionKind::Delete);
            let approve = matches!(op, Op::ApproveAction);
            me.decide_action(action_id(&planned.action), approve, "checked")
                .map(drop)
        }
        Op::PlanAction => {
            let id = case_for(&sue, RequestKind::Erasure, Some("alice"));
            me.plan_action(id, &ActionRequest::default())
                .await
                .map(drop)
        }
        Op::RefuseRequest => {
            let id = case_for(&sue, RequestKind::Access, Some("alice"));
            let v = sue.case_version(id).unwrap();
            let v = sue
                .change_status(id, v, &StatusChange::to(CaseStatus::InProgress))
                .unwrap()
                .version;
            let refuse = StatusChange {
                to: Some(CaseStatus::Refused),
                grounds: vec![RefusalGround::NotCoveredByLaw],
                ..Default::default()
            };
            me.change_status(id, v, &refuse).map(drop)
        }
        Op::CloseComplaint => {
            let mut n = NewCase::new(Category::Complaint, "phone");
            n.description = "unwanted mail".into();
            n.assignee = Some("alice".into());
            let c = sue.create_case(&n).unwrap();
            let v = sue
                .change_status(c.id, c.version, &StatusChange::to(CaseStatus::Withdrawn))
                .unwrap()
                .version;
            me.change_status(c.id, v, &StatusChange::to(CaseStatus::Closed))
                .map(drop)
        }
        Op::ReadAuditLog => me.audit_log(&AuditFilter::default()).map(drop),
        Op::VerifyAudit => me.audit_verify().map(|v| assert!(v.is_intact())),
        Op::ExportAudit => me.audit_export("crm:C-1001").map(drop),
        Op::BuildPackage => {
            let id = case_for(&sue, RequestKind::Access, Some("alice"));
            // Building is the disclosure: it needs an approved export.
            let planned = sue
                .plan_action(id, &ActionRequest::default())
                .await
                .unwrap();
            env.desk("sam")
                .decide_action(action_id(&planned.action), true, "checked")
                .unwrap();
            let out = env.dir().join(format!("package-{user}"));
            let opts = PackageOptions {
                out: Some(out),
                ..Default::default()
            };
            me.build_package(id, &opts).await.map(drop)
        }
        Op::RenderLetter => {
            let id = case_for(&sue, RequestKind::Access, Some("alice"));
            me.render_letter(id, "receipt", None).map(drop)
        }
        Op::FetchRecord => me.fetch("crm", "C-1001").await.map(drop),
    }
}

fn denials(store: &Store, user: &str) -> usize {
    store
        .audit_entries(&AuditFilter {
            operator: Some(user.into()),
            kind: Some("denied".into()),
            ..Default::default()
        })
        .unwrap()
        .len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_for_every_role() {
    let env = ActionEnv::start().await;
    let store = Store::open(&env.store_path(), 5000).unwrap();
    let mut failures: Vec<String> = Vec::new();
    for (op, expects) in MATRIX {
        for (user, expect) in USERS.iter().zip(expects) {
            let before = denials(&store, user);
            let result = attempt(&env, user, *op).await;
            let after = denials(&store, user);
            let cell = format!("{op:?} by {user}");
            match (expect, &result) {
                (Allow, Ok(())) if after == before => {}
                (Allow, _) => failures.push(format!("{cell}: expected success, got {result:?}")),
                (Deny(needle), Err(DeskError::Denied(msg))) => {
                    if !msg.contains(needle) {
                        failures.push(format!("{cell}: message {msg:?} lacks {needle:?}"));
                    }
                    if after != before + 1 {
                        failures.push(format!(
                            "{cell}: {} denied entries written, not 1",
                            after - before
                        ));
                    }
                }
                (Deny(_), _) => failures.push(format!("{cell}: expected a denial, got {result:?}")),
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agents_queue_holds_only_their_own_and_unassigned_cases() {
    let env = ActionEnv::start().await;
    let sue = env.desk("sue");
    let own = case_for(&sue, RequestKind::Access, Some("alice"));
    let free = case_for(&sue, RequestKind::Access, None);
    let bobs = case_for(&sue, RequestKind::Access, Some("bob"));
    let ids = |d: &Desk, f: CaseFilter| -> Vec<CaseId> {
        let mut v: Vec<CaseId> = d.list_cases(&f).unwrap().iter().map(|c| c.id).collect();
        v.sort_by_key(|c| c.to_string());
        v
    };
    let mut all = vec![own, free, bobs];
    all.sort_by_key(|c| c.to_string());
    let mut mine = vec![own, free];
    mine.sort_by_key(|c| c.to_string());
    assert_eq!(ids(&env.desk("alice"), CaseFilter::default()), mine);
    assert_eq!(ids(&sue, CaseFilter::default()), all);
    assert_eq!(ids(&env.desk("audrey"), CaseFilter::default()), all);
    let unassigned = CaseFilter {
        assignee: AssigneeFilter::Unassigned,
        ..Default::default()
    };
    assert_eq!(ids(&env.desk("alice"), unassigned), vec![free]);
    // The agent's own actions on bob's case are refused too.
    let err = env.desk("alice").case_actions(bobs, None).unwrap_err();
    assert!(matches!(err, DeskError::Denied(_)), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auditors_reveal_only_when_configured() {
    let env = ActionEnv::start_with(|doc| {
        doc["reveal"]["auditors_may_reveal"] = toml_edit::value(true);
    })
    .await;
    let sue = env.desk("sue");
    let id = case_for(&sue, RequestKind::Access, Some("alice"));
    let audrey = env.desk("audrey");
    audrey.reveal_case(id, "Audit sample check").unwrap();
    // A purpose is still required, and auditors still change nothing.
    assert!(matches!(
        audrey.reveal_case(id, " "),
        Err(DeskError::Invalid(_))
    ));
    let store = Store::open(&env.store_path(), 5000).unwrap();
    let reveals = store
        .audit_entries(&AuditFilter {
            kind: Some("reveal".into()),
            operator: Some("audrey".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(reveals.len(), 1);
    assert_eq!(reveals[0].details["purpose"], "Audit sample check");
    assert_eq!(reveals[0].subject, id.to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_list_tasks_and_approvals_of_the_cases_they_see_only() {
    let env = ActionEnv::start().await;
    let sue = env.desk("sue");
    let alice = env.desk("alice");
    let bob = env.desk("bob");
    let mine = case_for(&sue, RequestKind::Erasure, Some("alice"));
    let bobs = case_for(&sue, RequestKind::Erasure, Some("bob"));
    alice
        .plan_action(mine, &ActionRequest::default())
        .await
        .unwrap();
    let planned = bob
        .plan_action(bobs, &ActionRequest::default())
        .await
        .unwrap();
    let cases = |d: &Desk| -> Vec<CaseId> {
        d.actions_awaiting_approval()
            .unwrap()
            .iter()
            .map(|a| a.case)
            .collect()
    };
    assert_eq!(cases(&alice), vec![mine]);
    assert_eq!(cases(&bob), vec![bobs]);
    assert_eq!(cases(&sue).len(), 2);
    // A manual task on bob's case, given to bob: alice does not see it.
    let job = crate::desk::tests::action_env::job_id(&planned.action.jobs[0]);
    sue.decide_action(action_id(&planned.action), true, "checked")
        .unwrap();
    bob.job_to_manual(job, &Default::default()).unwrap();
    let tasks = |d: &Desk| d.list_tasks(&Default::default()).unwrap().len();
    assert_eq!(tasks(&bob), 1);
    assert_eq!(tasks(&sue), 1);
    assert_eq!(tasks(&alice), 0);
}
