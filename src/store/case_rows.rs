//! How a case maps to a row of `cases` and back.

use crate::domain::{
    Case, CaseDeadlines, CaseId, CaseStatus, Category, Contact, Fee, Law, Outcome, Priority,
    RequestKind, Requester, ResponseRef,
};
use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};
use rusqlite::types::{Type, Value};
use rusqlite::Row;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Normalised contact details of the requester, kept next to the case so
/// possible duplicates can be found by SQL. The desk computes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactKeys {
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// Every column of `cases`, in table order.
pub(crate) const CASE_COLUMNS: &[&str] = &[
    "id",
    "year",
    "seq",
    "version",
    "created_by",
    "created_at",
    "updated_at",
    "received_at",
    "channel",
    "category",
    "kind",
    "law",
    "priority",
    "assignee",
    "status",
    "is_open",
    "held_from",
    "hold_reason",
    "approval_requested_by",
    "description",
    "requester_name",
    "requester_email",
    "requester_phone",
    "requester_address",
    "reply_channel",
    "email_key",
    "phone_key",
    "representative",
    "verification",
    "delivery_format",
    "fee_jpy",
    "fee_paid",
    "refusal_grounds",
    "outcome",
    "resolution",
    "pauses",
    "extension",
    "response_note_id",
    "responded_at",
    "counts_from",
    "due",
    "practical_due",
    "receipt_due",
    "extended_due",
    "practical_extended_due",
    "queue_due",
    "paused_days",
    "clock_stopped",
    "deadline_steps",
    "closed_at",
];

/// `a, b, c` of every column.
pub(crate) fn select_list() -> String {
    CASE_COLUMNS.join(", ")
}

pub(crate) fn insert_sql() -> String {
    let names: Vec<String> = CASE_COLUMNS.iter().map(|c| format!(":{c}")).collect();
    format!(
        "INSERT INTO cases ({}) VALUES ({})",
        CASE_COLUMNS.join(", "),
        names.join(", ")
    )
}

/// Updates every column but the key and creation fields, only if the stored
/// version is still `:expected_version`.
pub(crate) fn update_sql() -> String {
    let sets: Vec<String> = CASE_COLUMNS
        .iter()
        .filter(|c| !matches!(**c, "id" | "year" | "seq" | "created_by" | "created_at"))
        .map(|c| format!("{c} = :{c}"))
        .collect();
    format!(
        "UPDATE cases SET {} WHERE id = :id AND version = :expected_version",
        sets.join(", ")
    )
}

pub(crate) fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn date(d: Option<NaiveDate>) -> Value {
    d.map_or(Value::Null, |d| {
        Value::Text(d.format("%Y-%m-%d").to_string())
    })
}

fn text(s: Option<&str>) -> Value {
    s.map_or(Value::Null, |s| Value::Text(s.to_string()))
}

fn json<T: Serialize>(v: &T) -> Value {
    // Plain data types: serialising them cannot fail.
    Value::Text(serde_json::to_string(v).unwrap_or_else(|_| "null".into()))
}

fn opt_json<T: Serialize>(v: Option<&T>) -> Value {
    v.map_or(Value::Null, json)
}

/// Named parameters for every column of `case`.
pub(crate) fn case_params(case: &Case, keys: &ContactKeys) -> Vec<(String, Value)> {
    let d = case.deadlines.as_ref();
    let r = &case.requester;
    let values: Vec<(&str, Value)> = vec![
        ("id", Value::Text(case.id.to_string())),
        ("year", Value::Integer(case.id.year.into())),
        ("seq", Value::Integer(case.id.seq.into())),
        ("version", Value::Integer(case.version)),
        ("created_by", Value::Text(case.created_by.clone())),
        ("created_at", Value::Text(ts(&case.created_at))),
        ("updated_at", Value::Text(ts(&case.updated_at))),
        ("received_at", Value::Text(case.received_at.to_rfc3339())),
        ("channel", Value::Text(case.channel.clone())),
        ("category", Value::Text(case.category.as_str().into())),
        ("kind", text(case.kind.map(|k| k.as_str()))),
        ("law", Value::Text(case.law.as_str().into())),
        ("priority", Value::Text(case.priority.as_str().into())),
        ("assignee", text(case.assignee.as_deref())),
        ("status", Value::Text(case.status.as_str().into())),
        ("is_open", Value::Integer(case.status.is_open().into())),
        ("held_from", text(case.held_from.map(|s| s.as_str()))),
        ("hold_reason", text(case.hold_reason.as_deref())),
        (
            "approval_requested_by",
            text(case.approval_requested_by.as_deref()),
        ),
        ("description", Value::Text(case.description.clone())),
        ("requester_name", text(r.name.as_deref())),
        ("requester_email", text(r.contact.email.as_deref())),
        ("requester_phone", text(r.contact.phone.as_deref())),
        (
            "requester_address",
            text(r.contact.postal_address.as_deref()),
        ),
        ("reply_channel", text(r.reply_channel.as_deref())),
        ("email_key", text(keys.email.as_deref())),
        ("phone_key", text(keys.phone.as_deref())),
        ("representative", opt_json(r.representative.as_ref())),
        ("verification", opt_json(case.verification.as_ref())),
        (
            "delivery_format",
            text(case.delivery_format.map(|f| f.as_str())),
        ),
        (
            "fee_jpy",
            case.fee
                .map_or(Value::Null, |f| Value::Integer(f.amount_jpy.into())),
        ),
        (
            "fee_paid",
            Value::Integer(case.fee.is_some_and(|f| f.paid).into()),
        ),
        ("refusal_grounds", json(&case.refusal_grounds)),
        ("outcome", text(case.outcome.map(|o| o.as_str()))),
        ("resolution", text(case.resolution.as_deref())),
        ("pauses", json(&case.pauses)),
        ("extension", opt_json(case.extension.as_ref())),
        (
            "response_note_id",
            case.response
                .map_or(Value::Null, |r| Value::Integer(r.note_id)),
        ),
        (
            "responded_at",
            case.response
                .map_or(Value::Null, |r| Value::Text(ts(&r.at))),
        ),
        ("counts_from", date(d.map(|d| d.counts_from))),
        ("due", date(d.map(|d| d.due))),
        ("practical_due", date(d.map(|d| d.practical_due))),
        ("receipt_due", date(d.and_then(|d| d.receipt_due))),
        ("extended_due", date(d.and_then(|d| d.extended_due))),
        (
            "practical_extended_due",
            date(d.and_then(|d| d.practical_extended_due)),
        ),
        ("queue_due", date(d.map(CaseDeadlines::queue_due))),
        (
            "paused_days",
            d.map_or(Value::Null, |d| Value::Integer(d.paused_days.into())),
        ),
        (
            "clock_stopped",
            Value::Integer(d.is_some_and(|d| d.clock_stopped).into()),
        ),
        ("deadline_steps", opt_json(d.map(|d| &d.steps))),
        (
            "closed_at",
            case.closed_at
                .as_ref()
                .map_or(Value::Null, |t| Value::Text(ts(t))),
        ),
    ];
    debug_assert_eq!(values.len(), CASE_COLUMNS.len());
    values
        .into_iter()
        .map(|(k, v)| (format!(":{k}"), v))
        .collect()
}

/// A conversion failure naming the column, so the store can say what is unreadable.
pub(crate) fn bad(column: &str, detail: impl Into<String>) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        Type::Text,
        format!("column {column}: {}", detail.into()).into(),
    )
}

pub(crate) fn parsed<T>(
    row: &Row,
    column: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let s: String = row.get(column)?;
    parse(&s).ok_or_else(|| bad(column, format!("unknown value `{s}`")))
}

pub(crate) fn opt_parsed<T>(
    row: &Row,
    column: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> rusqlite::Result<Option<T>> {
    match row.get::<_, Option<String>>(column)? {
        Some(s) => parse(&s)
            .map(Some)
            .ok_or_else(|| bad(column, format!("unknown value `{s}`"))),
        None => Ok(None),
    }
}

pub(crate) fn utc(row: &Row, column: &str) -> rusqlite::Result<DateTime<Utc>> {
    let s: String = row.get(column)?;
    parse_utc(&s).ok_or_else(|| bad(column, format!("`{s}` is not a time")))
}

pub(crate) fn parse_utc(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

pub(crate) fn opt_utc(row: &Row, column: &str) -> rusqlite::Result<Option<DateTime<Utc>>> {
    opt_parsed(row, column, parse_utc)
}

pub(crate) fn fixed(row: &Row, column: &str) -> rusqlite::Result<DateTime<FixedOffset>> {
    parsed(row, column, |s| DateTime::parse_from_rfc3339(s).ok())
}

pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

pub(crate) fn opt_date(row: &Row, column: &str) -> rusqlite::Result<Option<NaiveDate>> {
    opt_parsed(row, column, parse_date)
}

pub(crate) fn from_json<T: DeserializeOwned>(
    row: &Row,
    column: &str,
) -> rusqlite::Result<Option<T>> {
    match row.get::<_, Option<String>>(column)? {
        Some(s) => serde_json::from_str(&s)
            .map(Some)
            .map_err(|e| bad(column, format!("not the expected JSON ({e})"))),
        None => Ok(None),
    }
}

pub(crate) fn case_id(row: &Row, column: &str) -> rusqlite::Result<CaseId> {
    parsed(row, column, |s| CaseId::parse(s).ok())
}

pub(crate) fn status(row: &Row, column: &str) -> rusqlite::Result<CaseStatus> {
    parsed(row, column, CaseStatus::parse)
}

pub(crate) fn category(row: &Row) -> rusqlite::Result<Category> {
    parsed(row, "category", Category::parse)
}

pub(crate) fn kind(row: &Row) -> rusqlite::Result<Option<RequestKind>> {
    opt_parsed(row, "kind", RequestKind::parse)
}

pub(crate) fn law(row: &Row) -> rusqlite::Result<Law> {
    parsed(row, "law", Law::parse)
}

pub(crate) fn priority(row: &Row) -> rusqlite::Result<Priority> {
    parsed(row, "priority", Priority::parse)
}

/// A whole case from a row selected with [`select_list`].
pub(crate) fn case_from_row(row: &Row) -> rusqlite::Result<Case> {
    let deadlines = match (
        opt_date(row, "counts_from")?,
        opt_date(row, "due")?,
        opt_date(row, "practical_due")?,
    ) {
        (Some(counts_from), Some(due), Some(practical_due)) => Some(CaseDeadlines {
            counts_from,
            due,
            practical_due,
            receipt_due: opt_date(row, "receipt_due")?,
            extended_due: opt_date(row, "extended_due")?,
            practical_extended_due: opt_date(row, "practical_extended_due")?,
            clock_stopped: row.get::<_, i64>("clock_stopped")? != 0,
            paused_days: row
                .get::<_, Option<i64>>("paused_days")?
                .and_then(|d| u32::try_from(d).ok())
                .unwrap_or(0),
            steps: from_json(row, "deadline_steps")?.unwrap_or_default(),
        }),
        _ => None,
    };
    let fee = match row.get::<_, Option<i64>>("fee_jpy")? {
        Some(a) => Some(Fee {
            amount_jpy: u32::try_from(a).map_err(|_| bad("fee_jpy", "out of range"))?,
            paid: row.get::<_, i64>("fee_paid")? != 0,
        }),
        None => None,
    };
    let response = match (
        row.get::<_, Option<i64>>("response_note_id")?,
        opt_utc(row, "responded_at")?,
    ) {
        (Some(note_id), Some(at)) => Some(ResponseRef { note_id, at }),
        _ => None,
    };
    Ok(Case {
        id: case_id(row, "id")?,
        version: row.get("version")?,
        created_by: row.get("created_by")?,
        created_at: utc(row, "created_at")?,
        updated_at: utc(row, "updated_at")?,
        received_at: fixed(row, "received_at")?,
        channel: row.get("channel")?,
        category: category(row)?,
        kind: kind(row)?,
        law: law(row)?,
        priority: priority(row)?,
        assignee: row.get("assignee")?,
        status: status(row, "status")?,
        held_from: opt_parsed(row, "held_from", CaseStatus::parse)?,
        hold_reason: row.get("hold_reason")?,
        approval_requested_by: row.get("approval_requested_by")?,
        description: row.get("description")?,
        requester: Requester {
            name: row.get("requester_name")?,
            contact: Contact {
                email: row.get("requester_email")?,
                phone: row.get("requester_phone")?,
                postal_address: row.get("requester_address")?,
            },
            reply_channel: row.get("reply_channel")?,
            representative: from_json(row, "representative")?,
        },
        verification: from_json(row, "verification")?,
        delivery_format: opt_parsed(row, "delivery_format", crate::domain::DeliveryFormat::parse)?,
        fee,
        refusal_grounds: from_json(row, "refusal_grounds")?.unwrap_or_default(),
        outcome: opt_parsed(row, "outcome", Outcome::parse)?,
        resolution: row.get("resolution")?,
        pauses: from_json(row, "pauses")?.unwrap_or_default(),
        extension: from_json(row, "extension")?,
        response,
        deadlines,
        closed_at: opt_utc(row, "closed_at")?,
    })
}
