//! Plain types of the privacy desk: records, persons, query kinds, operators,
//! cases and their rules, actions and manual tasks, masking and text safety.
//! No I/O, no terminal, no HTTP, no SQL.

pub mod action;
pub mod action_rules;
pub mod audit;
pub mod audit_kind;
pub mod case;
pub mod case_id;
pub mod case_list;
pub mod case_rules;
pub mod case_status;
pub mod lang;
pub mod mask;
pub mod message_mask;
pub mod operator;
pub mod query;
pub mod queue;
pub mod record;
pub mod report;
pub mod request;
pub mod search;
pub mod status;
pub mod text;

pub use action::{
    Action, ActionJob, ActionKind, ActionStatus, FieldChange, JobMode, JobState, ManualTask,
    PlannedRequest, TaskFilter,
};
pub use audit::{AuditEntry, AuditFilter, AuditHead, AuditVerification, BrokenLink};
pub use audit_kind::{AuditKind, TrailScope, UnknownAuditKind};
pub use case::{
    Case, CaseDeadlines, CaseEvent, CaseExtension, CaseNote, CasePause, Contact, DeliveryFormat,
    Fee, LinkedRecord, NewCase, Representative, Requester, ResponseRef, Verification,
    VerificationInput, VerificationResult,
};
pub use case_id::CaseId;
pub use case_list::{AssigneeFilter, CaseConflict, CaseFilter, CaseSummary};
pub use case_rules::{CaseRuleError, StatusChange};
pub use case_status::{CaseStatus, Outcome, Priority, RefusalGround, TransitionError};
pub use lang::Lang;
pub use operator::{Operator, Role};
pub use query::{QueryKind, SearchQuery};
pub use queue::{QueueLoad, QueueRow, QueueSection, SectionAssignee, SectionFilter};
pub use record::{ExtraField, LinkKey, Person, Record};
pub use request::{Category, Law, RequestKind};
pub use search::{SearchSnapshot, SystemState};
pub use status::SystemStatus;
