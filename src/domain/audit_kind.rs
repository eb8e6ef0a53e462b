//! What an audit entry records: one variant per kind of entry anything in
//! privdesk writes, and which of them belong to a person's audit trail
//! export.
//!
//! Writers name the kind with the enum, so a new kind has to be added here
//! and classified in [`AuditKind::trail`] (an exhaustive match) before the
//! code compiles; a kind forgotten there would silently drop out of the
//! "who accessed my data" export. Readers keep the stored kind as text:
//! a log written by an older or newer privdesk may hold kinds this build
//! does not know, and they must still read and verify.

use std::fmt;
use std::str::FromStr;

/// Declares the enum and its one table of stored names, so `as_str`,
/// parsing and [`AuditKind::ALL`] cannot disagree.
macro_rules! audit_kinds {
    ($( $(#[$doc:meta])* $variant:ident => $name:literal, )+) => {
        /// The kind of an audit entry, as written. Stored as [`AuditKind::as_str`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum AuditKind {
            $( $(#[$doc])* $variant, )+
        }

        impl AuditKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [AuditKind] = &[$(AuditKind::$variant),+];

            /// The name stored in the log. These strings are part of the
            /// stored format (and of the chain's MACs): never change one.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(AuditKind::$variant => $name,)+
                }
            }
        }

        impl FromStr for AuditKind {
            type Err = UnknownAuditKind;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($name => Ok(AuditKind::$variant),)+
                    other => Err(UnknownAuditKind(other.to_string())),
                }
            }
        }
    };
}

audit_kinds! {
    // Searching and reading customer data.
    /// A search across the systems (subject `query`).
    Search => "search",
    /// Personal values revealed, with a purpose (subject `records` or a case).
    Reveal => "reveal",
    /// One record read from its system (subject `record`).
    Fetch => "fetch",
    /// The data an export job received, read with a purpose.
    ExportRead => "export_read",

    // Cases.
    /// A case logged.
    CaseCreate => "case_create",
    /// A case opened.
    CaseView => "case_view",
    /// A case changed (status, assignment, notes, links...).
    CaseChange => "case_change",
    /// The duplicate check of a case or of a request being logged.
    CaseDuplicates => "case_duplicates",
    /// A case list (subject `cases`).
    CaseList => "case_list",
    /// The queue screen's list (subject `cases`).
    QueueView => "queue_view",
    /// A letter rendered for a case.
    Letter => "letter",
    /// A disclosure package built.
    Package => "package",
    /// A disclosure package that could not be built.
    PackageFailed => "package_failed",
    /// A disclosure package checked against its manifest.
    PackageVerify => "package_verify",

    // Actions in the company systems and manual tasks.
    /// The dry run of an action (reads personal data).
    ActionPreview => "action_preview",
    /// An action prepared.
    ActionPlan => "action_plan",
    /// An action approved (four-eyes).
    ActionApprove => "action_approve",
    /// An action denied.
    ActionDeny => "action_deny",
    /// An action's details opened.
    ActionView => "action_view",
    /// An action started.
    ActionRun => "action_run",
    /// A job of an action that ended (done, failed, unknown...).
    ActionJob => "action_job",
    /// A failed job queued again.
    ActionRetry => "action_retry",
    /// A job left out on purpose.
    ActionSkip => "action_skip",
    /// A manual task created for a job.
    TaskCreate => "task_create",
    /// A manual task completed.
    TaskDone => "task_done",
    /// The task list (subject `tasks`).
    TaskList => "task_list",

    // Reports, retention.
    /// A report read (subject `cases`).
    Report => "report",
    /// A closed case's personal data purged (no subject).
    RetentionPurge => "retention_purge",

    // The audit trail itself.
    /// Audit entries listed.
    AuditRead => "audit_read",
    /// A person's audit trail exported.
    AuditExport => "audit_export",
    /// A signed checkpoint of the chain's head (by an operator or the server).
    AuditCheckpoint => "audit_checkpoint",
    /// Written by the store: an unkeyed log sealed under the key file.
    AuditSealed => "audit_sealed",
    /// Written by the store: the chain continued under a newer MAC key.
    AuditKeyRotated => "audit_key_rotated",

    // Sessions and refusals.
    /// An operation refused (role, scope, connection).
    Denied => "denied",
    /// A client acting as another configured operator (`--as`).
    SessionAs => "session_as",
    /// A running session cut off by a configuration change.
    SessionRefused => "session_refused",
    /// A cut-off session let back in.
    SessionRestored => "session_restored",
    /// A rate limit reached.
    Limit => "limit",
}

/// How entries of a kind enter a person's audit trail export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrailScope {
    /// Not about one person (lists, reports, the log's own upkeep,
    /// sessions).
    Outside,
    /// Found through the person's records or query (the blind index):
    /// which searches found them, which reads touched their records.
    Records,
    /// About one case (the entry's subject is the case number): in the
    /// trail of the person the case is about.
    Case,
    /// Either of the two.
    RecordsOrCase,
}

impl TrailScope {
    /// Entries of this kind are found through the person's records or query.
    pub fn by_records(self) -> bool {
        matches!(self, TrailScope::Records | TrailScope::RecordsOrCase)
    }

    /// Entries of this kind about one of the person's cases are in the trail.
    pub fn by_case(self) -> bool {
        matches!(self, TrailScope::Case | TrailScope::RecordsOrCase)
    }
}

impl AuditKind {
    /// Whether, and how, entries of this kind belong to a person's trail
    /// export (APPI Art. 33, GDPR Art. 15: who accessed my data, what was
    /// done on my cases). Deliberately no `_` arm: a new kind is
    /// classified here or the crate does not compile.
    pub const fn trail(self) -> TrailScope {
        use AuditKind::*;
        use TrailScope::*;
        match self {
            Search | Fetch => Records,
            Reveal => RecordsOrCase,
            ExportRead | CaseCreate | CaseView | CaseChange | CaseDuplicates | Letter | Package
            | PackageFailed | PackageVerify => Case,
            ActionPreview | ActionPlan | ActionApprove | ActionDeny | ActionView | ActionRun
            | ActionJob | ActionRetry | ActionSkip | TaskCreate | TaskDone => Case,
            // A refusal on one of the person's cases names the case.
            Denied => Case,
            // Lists and reports name no one case; the purge writes no
            // subject (the case's data is what it removed).
            CaseList | QueueView | TaskList | Report | RetentionPurge => Outside,
            // The log's own reading and upkeep.
            AuditRead | AuditExport | AuditCheckpoint | AuditSealed | AuditKeyRotated => Outside,
            SessionAs | SessionRefused | SessionRestored | Limit => Outside,
        }
    }
}

impl fmt::Display for AuditKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored kind this build does not know (a log of another version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAuditKind(pub String);

impl fmt::Display for UnknownAuditKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown audit kind {:?}", self.0)
    }
}

impl std::error::Error for UnknownAuditKind {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_stored_name() {
        for k in AuditKind::ALL {
            assert_eq!(k.as_str().parse::<AuditKind>(), Ok(*k), "{k:?}");
            assert_eq!(k.to_string(), k.as_str());
        }
        let mut names: Vec<&str> = AuditKind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), AuditKind::ALL.len(), "two kinds share a name");
    }

    #[test]
    fn unknown_names_are_refused_not_guessed() {
        for s in ["", "Search", "case.open", "search ", "audit_sealed_v2"] {
            assert_eq!(s.parse::<AuditKind>(), Err(UnknownAuditKind(s.to_string())));
        }
    }

    /// The export's content, written out: a change here changes what a
    /// data subject is told, so it must be deliberate.
    #[test]
    fn the_kinds_a_persons_trail_holds() {
        let by_records: Vec<&str> = AuditKind::ALL
            .iter()
            .filter(|k| k.trail().by_records())
            .map(|k| k.as_str())
            .collect();
        assert_eq!(by_records, ["search", "reveal", "fetch"]);
        let by_case: Vec<&str> = AuditKind::ALL
            .iter()
            .filter(|k| k.trail().by_case())
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            by_case,
            [
                "reveal",
                "export_read",
                "case_create",
                "case_view",
                "case_change",
                "case_duplicates",
                "letter",
                "package",
                "package_failed",
                "package_verify",
                "action_preview",
                "action_plan",
                "action_approve",
                "action_deny",
                "action_view",
                "action_run",
                "action_job",
                "action_retry",
                "action_skip",
                "task_create",
                "task_done",
                "denied",
            ]
        );
        let outside: Vec<&str> = AuditKind::ALL
            .iter()
            .filter(|k| k.trail() == TrailScope::Outside)
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            outside,
            [
                "case_list",
                "queue_view",
                "task_list",
                "report",
                "retention_purge",
                "audit_read",
                "audit_export",
                "audit_checkpoint",
                "audit_sealed",
                "audit_key_rotated",
                "session_as",
                "session_refused",
                "session_restored",
                "limit",
            ]
        );
    }
}
