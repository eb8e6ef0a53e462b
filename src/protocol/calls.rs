//! Every desk operation a client may ask for, in one table: the server
//! answers exactly these (`server::dispatch`), the client has one method
//! per row (`client::ops`), and the names on the wire are the desk's own
//! method names (`{"op": "get_case", "args": {"id": "PD-2026-000001"}}`).
//!
//! Arguments are owned values; a row's result type is what the client's
//! method returns. Streams (search, running an action, the pushes) have
//! routes of their own (see the module notes of [`super`]).

use crate::desk::{ActionRequest, DuplicateQuery, ManualInput};
use crate::domain::queue::{BulkOp, QueueQuery};
use crate::domain::{AuditFilter, TaskFilter};
use crate::domain::{
    CaseFilter, CaseId, DeliveryFormat, Lang, LinkedRecord, NewCase, Priority, Representative,
    Requester, StatusChange, VerificationInput,
};
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

/// `(system, record id)`.
pub type RecordKey = (String, String);

/// Calls `$then!` with the table of calls: for each, the variant's name,
/// the method's name, the arguments and the result type.
macro_rules! desk_calls {
    ($then:ident) => {
        $then! {
            /// Whether the operator may still use the desk.
            CheckAccess check_access() -> ();
            /// Keep what is typed under a key (empty text removes it).
            SaveDraft save_draft(key: String, text: String) -> ();
            ListDrafts list_drafts() -> Vec<crate::store::StoredDraft>;
            LoadDraft load_draft(key: String) -> Option<String>;

            /// Whether a reveal with this purpose would be allowed (the
            /// trimmed purpose); nothing is shown or audited.
            CheckReveal check_reveal(purpose: String) -> String;
            /// Show records of this session's searches and fetches unmasked,
            /// with a purpose (audited).
            Reveal reveal(records: Vec<RecordKey>, purpose: String) -> crate::desk::Revealed;
            /// One masked value of one record shown in full, with a purpose
            /// (audited with the field named); the record's other values
            /// stay masked.
            RevealField reveal_field(record: RecordKey, field: String, purpose: String) -> crate::desk::Revealed;
            /// One full record from its system (masked).
            Fetch fetch(system: String, id: String) -> crate::domain::Record;

            /// Open a case; `fill` names requester fields (`name`, `email`,
            /// `phone`) to take from its linked records as this session saw
            /// them unmasked (the screen only had them masked).
            CreateCase create_case(new: NewCase, fill: Vec<String>) -> crate::domain::Case;
            CaseVersion case_version(id: CaseId) -> i64;
            /// The case with its contact details unmasked, with a purpose (audited).
            RevealCase reveal_case(id: CaseId, purpose: String) -> crate::desk::RevealedCase;
            /// The case (contact details masked, unless this session revealed
            /// them and `revealed` asks to keep them shown).
            GetCase get_case(id: CaseId, revealed: bool) -> crate::desk::CaseView;
            ListCases list_cases(filter: CaseFilter) -> Vec<crate::domain::CaseSummary>;
            FindOpenCasesFor find_open_cases_for(query: DuplicateQuery) -> Vec<crate::domain::CaseSummary>;
            AddNote add_note(id: CaseId, version: i64, text: String, internal: bool, is_response: bool) -> crate::domain::Case;
            ChangeStatus change_status(id: CaseId, version: i64, change: StatusChange) -> crate::domain::Case;
            Assign assign(id: CaseId, version: i64, assignee: Option<String>) -> crate::domain::Case;
            VerifyIdentity verify_identity(id: CaseId, version: i64, input: VerificationInput) -> crate::domain::Case;
            SetRequester set_requester(id: CaseId, version: i64, requester: Requester) -> crate::domain::Case;
            SetRepresentative set_representative(id: CaseId, version: i64, representative: Option<Representative>) -> crate::domain::Case;
            AddPause add_pause(id: CaseId, version: i64, from: DateTime<FixedOffset>, to: Option<DateTime<FixedOffset>>, reason: String) -> crate::domain::Case;
            EndPause end_pause(id: CaseId, version: i64, to: DateTime<FixedOffset>) -> crate::domain::Case;
            Extend extend(id: CaseId, version: i64, reason: String, notice_date: NaiveDate) -> crate::domain::Case;
            SetFee set_fee(id: CaseId, version: i64, amount_jpy: Option<u32>) -> crate::domain::Case;
            SetFeePaid set_fee_paid(id: CaseId, version: i64, paid: bool) -> crate::domain::Case;
            SetDeliveryFormat set_delivery_format(id: CaseId, version: i64, format: DeliveryFormat) -> crate::domain::Case;
            SetPriority set_priority(id: CaseId, version: i64, priority: Priority) -> crate::domain::Case;
            SetDescription set_description(id: CaseId, version: i64, text: String) -> crate::domain::Case;
            SetReceivedAt set_received_at(id: CaseId, version: i64, received: DateTime<FixedOffset>) -> crate::domain::Case;
            LinkRecords link_records(id: CaseId, version: i64, records: Vec<LinkedRecord>) -> crate::domain::Case;
            Escalate escalate(id: CaseId, version: i64) -> crate::domain::Case;
            /// One change to each case at the version seen, one by one.
            Bulk bulk(op: BulkOp, items: Vec<(CaseId, i64)>) -> Vec<crate::domain::queue::BulkResult>;

            /// Open the queue (audited) and get the rows asked for; later
            /// changes are pushed as `Event::Queue`.
            QueueOpen queue_open(query: QueueQuery) -> crate::domain::queue::QueuePage;
            /// Another tab, filter or window of the open queue.
            QueueView queue_view(query: QueueQuery) -> crate::domain::queue::QueuePage;
            /// Every case of the tab under the filter, with its version.
            QueueIds queue_ids(query: QueueQuery) -> Vec<(CaseId, i64)>;
            /// No more queue pushes.
            QueueClose queue_close() -> ();

            PlanAction plan_action(case: CaseId, request: ActionRequest) -> crate::desk::PlannedAction;
            PreviewAction preview_action(case: CaseId, request: ActionRequest) -> crate::desk::PlannedAction;
            DecideAction decide_action(id: i64, approve: bool, reason: String) -> crate::desk::ActionView;
            CaseActions case_actions(case: CaseId, reveal: Option<String>) -> crate::desk::CaseActions;
            Action action(id: i64) -> crate::desk::ActionView;
            ActionsAwaitingApproval actions_awaiting_approval() -> Vec<crate::desk::ActionView>;
            FulfilmentBlockers fulfilment_blockers(case: CaseId) -> Vec<String>;
            RetryJob retry_job(job: i64) -> crate::desk::ActionView;
            SkipJob skip_job(job: i64, reason: String) -> crate::desk::ActionView;
            JobToManual job_to_manual(job: i64, input: ManualInput) -> crate::desk::TaskView;
            ExportData export_data(job: i64, purpose: String) -> serde_json::Value;
            ListTasks list_tasks(filter: TaskFilter) -> Vec<crate::desk::TaskView>;
            CompleteTask complete_task(id: i64, result: String, note: Option<String>) -> crate::desk::TaskView;

            /// Build the disclosure package in the server's folder; its files
            /// are fetched with the report's download token.
            BuildPackage build_package(case: CaseId, lang: Option<Lang>, not_theirs: Vec<LinkedRecord>) -> crate::protocol::files::PackageDownload;
            /// Check the server's copy of a case's latest package.
            VerifyLatestPackage verify_latest_package(case: CaseId) -> crate::desk::PackageCheck;
            /// Check a folder the client verified itself against the audit
            /// log (was a package with this manifest built?), audited.
            CheckPackage check_package(dir: String, verification: crate::package::Verification) -> crate::desk::PackageCheck;
            LatestPackage latest_package(case: CaseId) -> Option<crate::desk::PackageRecord>;
            RenderLetter render_letter(case: CaseId, template: String, lang: Option<Lang>) -> crate::desk::Letter;
            /// A letter shown in the editor while templates are browsed (not audited).
            PreviewLetter preview_letter(case: CaseId, template: String, lang: Option<Lang>) -> crate::desk::Letter;
            RecordLetter record_letter(case: CaseId, version: i64, text: String, is_response: bool) -> crate::domain::Case;

            AuditLog audit_log(filter: AuditFilter) -> Vec<crate::domain::AuditEntry>;
            AuditVerify audit_verify() -> crate::domain::AuditVerification;
            /// Sign the chain's head and send it where `[audit]` says.
            AuditCheckpoint audit_checkpoint() -> crate::store::Checkpoint;
            /// Check checkpoint documents (file name, contents) against the log.
            AuditVerifyCheckpoints audit_verify_checkpoints(files: Vec<(String, String)>) -> Vec<crate::protocol::files::CheckpointResult>;
            /// One person's trail, written in the server's folder and handed
            /// over with the answer's download token.
            AuditExport audit_export(person: String, csv: bool) -> crate::protocol::files::ExportDownload;
            Report report(from: Option<NaiveDate>, to: Option<NaiveDate>) -> crate::domain::report::Report;
            RetentionRun retention_run(dry_run: bool) -> crate::desk::RetentionRun;
        }
    };
}
pub(crate) use desk_calls;

macro_rules! call_enum {
    ($( $(#[$doc:meta])* $variant:ident $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty ; )*) => {
        /// One desk operation with its arguments.
        #[derive(Debug, Clone, Serialize, Deserialize)]
        #[serde(tag = "op", content = "args", rename_all = "snake_case")]
        pub enum Call {
            $( $(#[$doc])* $variant { $($arg: $ty),* }, )*
        }

        impl Call {
            /// The operation's name on the wire (the desk method's).
            pub fn name(&self) -> &'static str {
                match self {
                    $( Call::$variant { .. } => stringify!($name), )*
                }
            }
        }

        /// Every operation's name, in table order.
        pub const NAMES: &[&str] = &[$( stringify!($name), )*];
    };
}

desk_calls!(call_enum);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_on_the_wire_are_the_method_names() {
        let c = Call::GetCase {
            id: CaseId::parse("PD-2026-000001").unwrap(),
            revealed: false,
        };
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["op"], "get_case");
        assert_eq!(v["args"]["id"], "PD-2026-000001");
        assert_eq!(c.name(), "get_case");
        let back: Call = serde_json::from_value(v).unwrap();
        assert_eq!(back.name(), "get_case");
        let none: Call = serde_json::from_str(r#"{"op":"list_drafts","args":{}}"#).unwrap();
        assert_eq!(none.name(), "list_drafts");
        assert!(NAMES.contains(&"report"));
        let dups: std::collections::HashSet<_> = NAMES.iter().collect();
        assert_eq!(dups.len(), NAMES.len());
    }

    #[test]
    fn an_unknown_operation_is_refused_by_name() {
        let e = serde_json::from_str::<Call>(r#"{"op":"drop_tables","args":{}}"#).unwrap_err();
        assert!(e.to_string().contains("drop_tables"), "{e}");
    }
}
