//! Arguments of `privdesk case ...`. Every value with a fixed set of
//! spellings is parsed here, so a wrong one is refused (exit 2) with the
//! accepted ones named.

use super::case::CaseIdArg;
use crate::domain::{
    CaseStatus, Category, DeliveryFormat, Law, LinkedRecord, Outcome, Priority, RefusalGround,
    RequestKind, VerificationResult,
};
use chrono::NaiveDate;
use clap::Args;
use std::str::FromStr;

/// A newtype parsed by `parse`, refusing with the accepted spellings.
macro_rules! choice {
    ($name:ident, $ty:ty, $what:literal, $parse:expr, $all:expr) => {
        #[derive(Debug, Clone, Copy)]
        pub struct $name(pub $ty);

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let parse: fn(&str) -> Option<$ty> = $parse;
                parse(s).map($name).ok_or_else(|| {
                    let all: Vec<&str> = $all.iter().map(|x| x.as_str()).collect();
                    format!(
                        "unknown {} `{}`; accepted: {}",
                        $what,
                        crate::domain::text::escape_controls(s),
                        all.join(", ")
                    )
                })
            }
        }
    };
}

choice!(
    CategoryArg,
    Category,
    "category",
    Category::parse,
    Category::ALL
);
choice!(
    KindArg,
    RequestKind,
    "request kind",
    RequestKind::parse,
    RequestKind::ALL
);
choice!(LawArg, Law, "law", Law::parse, Law::ALL);
choice!(
    StatusArg,
    CaseStatus,
    "status",
    CaseStatus::parse,
    CaseStatus::ALL
);
choice!(
    PriorityArg,
    Priority,
    "priority",
    Priority::parse,
    Priority::ALL
);
choice!(OutcomeArg, Outcome, "outcome", Outcome::parse, Outcome::ALL);
choice!(
    GroundArg,
    RefusalGround,
    "refusal ground",
    RefusalGround::parse,
    RefusalGround::ALL
);
choice!(
    ResultArg,
    VerificationResult,
    "verification result",
    VerificationResult::parse,
    VerificationResult::ALL
);
choice!(
    DeliveryArg,
    DeliveryFormat,
    "delivery format",
    DeliveryFormat::parse,
    [DeliveryFormat::Electronic, DeliveryFormat::Paper]
);

/// `SYSTEM:ID`.
#[derive(Debug, Clone)]
pub struct RecordArg(pub LinkedRecord);

impl FromStr for RecordArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        LinkedRecord::parse(s).map(RecordArg)
    }
}

/// `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy)]
pub struct DateArg(pub NaiveDate);

impl FromStr for DateArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map(DateArg)
            .map_err(|_| {
                format!(
                    "`{}` is not a date; write YYYY-MM-DD, e.g. 2026-04-01",
                    crate::domain::text::escape_controls(s)
                )
            })
    }
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// inquiry, complaint or rights_request.
    #[arg(long, value_name = "CATEGORY")]
    pub category: CategoryArg,
    /// The kind of a rights request (e.g. disclosure, correction, access, erasure, know).
    #[arg(long, value_name = "KIND")]
    pub kind: Option<KindArg>,
    /// appi, gdpr or ccpa (default: the kind's law, else appi).
    #[arg(long, value_name = "LAW")]
    pub law: Option<LawArg>,
    /// How the request came in (one of [cases] channels).
    #[arg(long, value_name = "CHANNEL")]
    pub channel: String,
    /// When it was received: RFC 3339, or "YYYY-MM-DD HH:MM" in the desk's time zone (default: now).
    #[arg(long, value_name = "DATETIME")]
    pub received: Option<String>,
    #[arg(long, value_name = "NAME")]
    pub requester_name: Option<String>,
    #[arg(long, value_name = "EMAIL")]
    pub requester_email: Option<String>,
    #[arg(long, value_name = "PHONE")]
    pub requester_phone: Option<String>,
    #[arg(long, value_name = "ADDRESS")]
    pub requester_address: Option<String>,
    /// Channel the answer goes out on.
    #[arg(long, value_name = "CHANNEL")]
    pub reply_channel: Option<String>,
    /// Name of the representative making the request for the person.
    #[arg(long, value_name = "NAME")]
    pub representative: Option<String>,
    /// The representative's relation to the person (e.g. "legal guardian").
    #[arg(long, value_name = "RELATION")]
    pub relation: Option<String>,
    /// The proof of representation seen (e.g. "power of attorney").
    #[arg(long, value_name = "PROOF")]
    pub proof: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// low, normal, high or urgent.
    #[arg(long, value_name = "PRIORITY")]
    pub priority: Option<PriorityArg>,
    /// Operator to assign the case to (agents: only themselves).
    #[arg(long, value_name = "USER")]
    pub assignee: Option<String>,
    /// Disclosure kinds: electronic (default) or paper.
    #[arg(long, value_name = "FORMAT")]
    pub delivery: Option<DeliveryArg>,
    /// A record found by a search, SYSTEM:ID (repeatable).
    #[arg(long = "link", value_name = "SYSTEM:ID")]
    pub links: Vec<RecordArg>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long, value_name = "STATUS")]
    pub status: Option<StatusArg>,
    /// Include closed cases.
    #[arg(long)]
    pub all: bool,
    #[arg(long, value_name = "USER", conflicts_with_all = ["mine", "unassigned"])]
    pub assignee: Option<String>,
    /// Only cases assigned to me.
    #[arg(long, conflicts_with = "unassigned")]
    pub mine: bool,
    #[arg(long)]
    pub unassigned: bool,
    /// Only open cases past their due date.
    #[arg(long)]
    pub overdue: bool,
    #[arg(long, value_name = "CATEGORY")]
    pub category: Option<CategoryArg>,
    #[arg(long, value_name = "LAW")]
    pub law: Option<LawArg>,
    /// Text in the case number, requester name or email, or description.
    #[arg(long, value_name = "TEXT")]
    pub text: Option<String>,
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Case number, e.g. PD-2026-000123.
    pub id: CaseIdArg,
    #[arg(long)]
    pub json: bool,
    /// Show contact details unmasked (needs --purpose; audited).
    #[arg(long, requires = "purpose")]
    pub reveal: bool,
    #[arg(long, value_name = "TEXT")]
    pub purpose: Option<String>,
}

#[derive(Debug, Args)]
pub struct NoteArgs {
    pub id: CaseIdArg,
    #[arg(long, value_name = "TEXT")]
    pub text: String,
    /// A reply sent to the requester (default: an internal note).
    #[arg(long)]
    pub reply: bool,
    /// A reply that is THE response counting for the deadline (implies --reply).
    #[arg(long)]
    pub response: bool,
    /// The case version you looked at (default: the current one).
    #[arg(long, value_name = "V")]
    pub version: Option<i64>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    pub id: CaseIdArg,
    /// The new status.
    pub status: StatusArg,
    /// Why: needed for on_hold; the refusal's explanation or the resolution.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// A statutory refusal ground (repeatable; needed for refused).
    #[arg(long = "ground", value_name = "GROUND")]
    pub grounds: Vec<GroundArg>,
    /// How the case ended (needed to close a responded case).
    #[arg(long, value_name = "OUTCOME")]
    pub outcome: Option<OutcomeArg>,
    #[arg(long, value_name = "V")]
    pub version: Option<i64>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct EscalateArgs {
    pub id: CaseIdArg,
    #[arg(long, value_name = "V")]
    pub version: Option<i64>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AssignArgs {
    pub id: CaseIdArg,
    /// The operator (agents may only take an unassigned case themselves).
    #[arg(required_unless_present = "nobody")]
    pub user: Option<String>,
    /// Leave the case unassigned.
    #[arg(long, conflicts_with = "user")]
    pub nobody: bool,
    #[arg(long, value_name = "V")]
    pub version: Option<i64>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    pub id: CaseIdArg,
    /// e.g. "photo ID by post", "callback to registered number".
    #[arg(long, value_name = "METHOD")]
    pub method: String,
    /// What was seen (needed unless the result is pending).
    #[arg(long, value_name = "TEXT")]
    pub evidence: Option<String>,
    /// verified, failed or pending.
    #[arg(long, value_name = "RESULT")]
    pub result: ResultArg,
    #[arg(long, value_name = "V")]
    pub version: Option<i64>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PauseArgs {
    pub id: CaseIdArg,
    /// Why the clock stops (e.g. "waiting for identity documents").
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Start (default: now): RFC 3339 or "YYYY-MM-DD HH:MM".
    #[arg(long, value_name = "DATETIME")]
    pub from: Option<String>,
    /// End, for a pause that is already over.
    #[arg(long, value_name = "DATETIME")]
    pub to: Option<String>,
    #[arg(long, value_name = "V")]
    pub version: Option<i64>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ResumeArgs {
    pub id: CaseIdArg,
    /// When the pause ended (default: now).
    #[arg(long, value_name = "DATETIME")]
    pub at: Option<String>,
    #[arg(long, value_name = "V")]
    pub version: Option<i64>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExtendArgs {
    pub id: CaseIdArg,
    /// The reason given to the requester.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// The day the requester was told, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub notice_date: DateArg,
    #[arg(long, value_name = "V")]
    pub version: Option<i64>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct FeeArgs {
    pub id: CaseIdArg,
    /// The fee in yen.
    #[arg(long, value_name = "YEN", conflicts_with = "remove")]
    pub amount: Option<u32>,
    /// Remove the fee.
    #[arg(long)]
    pub remove: bool,
    #[arg(long, conflicts_with = "unpaid")]
    pub paid: bool,
    #[arg(long)]
    pub unpaid: bool,
    #[arg(long, value_name = "V")]
    pub version: Option<i64>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    pub id: CaseIdArg,
    /// Records as SYSTEM:ID.
    #[arg(required = true, value_name = "SYSTEM:ID")]
    pub records: Vec<RecordArg>,
    #[arg(long, value_name = "V")]
    pub version: Option<i64>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DuplicatesArgs {
    #[arg(long, value_name = "EMAIL")]
    pub email: Option<String>,
    #[arg(long, value_name = "PHONE")]
    pub phone: Option<String>,
    /// A record found by a search, SYSTEM:ID (repeatable).
    #[arg(long = "link", value_name = "SYSTEM:ID")]
    pub links: Vec<RecordArg>,
    /// Leave this case out.
    #[arg(long, value_name = "ID")]
    pub exclude: Option<CaseIdArg>,
    #[arg(long)]
    pub json: bool,
}
